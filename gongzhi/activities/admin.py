from django.contrib import admin

from gongzhi.activities.models import Activity, Occurrence


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ("starts_at", "ends_at", "capacity", "status", "cancel_reason")
    readonly_fields = ("starts_at", "ends_at", "capacity", "status", "cancel_reason")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read-mostly: activities are created and changed through the pages (services)."""

    list_display = ["title", "community", "category", "rrule", "cancelled_at"]
    list_filter = ["category"]
    raw_id_fields = ["space", "project", "organiser_user", "organiser_team", "organiser_org"]
    inlines = [OccurrenceInline]
