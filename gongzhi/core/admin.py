from django.contrib import admin

from gongzhi.core.models import AuditEntry, PeriodicRun


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be searched but never edited."""

    list_display = ["created_at", "actor", "action", "community", "target_repr", "ip_address"]
    list_filter = ["action", "community"]
    search_fields = ["action", "target_repr", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "community"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "last_result"]
    readonly_fields = ["name", "last_started_at", "last_finished_at", "last_result"]
