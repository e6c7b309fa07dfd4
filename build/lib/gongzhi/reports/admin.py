from django.contrib import admin

from gongzhi.reports.models import MeToo, Report, ReportEvent, ReportPhoto, ResponseTargets


class PhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0


class EventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "from_status", "to_status", "organisation", "note",
                       "is_public", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "community", "category", "status", "organisation", "created_at",
                    "hidden_at"]
    list_filter = ["status", "category", "community"]
    search_fields = ["description", "location_text"]
    raw_id_fields = ["reporter", "space", "organisation", "hidden_by"]
    readonly_fields = ["status", "created_at", "accepted_at", "resolved_at", "closed_at"]
    inlines = [PhotoInline, EventInline]


@admin.register(MeToo)
class MeTooAdmin(admin.ModelAdmin):
    list_display = ["report", "user", "created_at"]
    raw_id_fields = ["report", "user"]


@admin.register(ResponseTargets)
class ResponseTargetsAdmin(admin.ModelAdmin):
    list_display = ["community", "accept_hours", "resolve_days", "confirm_days"]
