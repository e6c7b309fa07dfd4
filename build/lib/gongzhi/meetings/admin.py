from django.contrib import admin

from gongzhi.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingDecision,
    MeetingSet,
    Registration,
)


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["proposal"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "community", "starts_at", "status", "capacity",
                    "seats_taken"]
    list_filter = ["kind", "status", "community"]
    search_fields = ["title"]
    raw_id_fields = ["space", "project", "meeting_set", "created_by"]
    inlines = [AgendaInline, InvitationInline]


@admin.register(MeetingSet)
class MeetingSetAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "created_at"]
    raw_id_fields = ["proposal", "project", "created_by"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "status", "queued_at"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "user"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "name", "method", "checked_in_at"]
    raw_id_fields = ["meeting", "user", "organisation", "checked_in_by"]


@admin.register(MeetingDecision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "text", "result"]
    raw_id_fields = ["meeting", "agenda_item", "result", "recorded_by"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "responsible_org", "due_on", "status", "overdue_flagged_at"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "community", "decision", "responsible_org"]
