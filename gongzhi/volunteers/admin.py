from django.contrib import admin

from gongzhi.volunteers.models import Corps, Opportunity, Shift, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["name", "colour", "theme", "leader", "order"]
    raw_id_fields = ["leader"]


@admin.register(Corps)
class CorpsAdmin(admin.ModelAdmin):
    list_display = ["name", "community"]
    inlines = [TeamInline]


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0
    fields = ["starts_at", "ends_at", "capacity", "cancelled_at"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "team", "project", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["space", "project", "duty", "team"]
    inlines = [ShiftInline]
