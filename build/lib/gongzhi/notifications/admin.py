from django.contrib import admin

from gongzhi.notifications.models import Notification, NotificationPreference, SmsLog


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "important", "created_at", "read_at"]
    list_filter = ["kind", "important"]
    raw_id_fields = ["user", "community"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_delivery", "sms_enabled", "sms_more_than_daily"]
    raw_id_fields = ["user"]


@admin.register(SmsLog)
class SmsLogAdmin(admin.ModelAdmin):
    """Read-only: the SMS log is append-only."""

    list_display = ["user", "day", "status", "counts_toward_cap", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "notification"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
