from django.contrib import admin

from gongzhi.decisions.models import Ballot, Option


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "method", "state", "eligible_count")
    list_filter = ("state", "method")
    search_fields = ("title",)
    readonly_fields = ("uid", "state", "eligible_count", "result", "opened_at", "closed_at")
    inlines = [OptionInline]
