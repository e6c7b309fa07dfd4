from django.contrib import admin

from gongzhi.projects import models


@admin.register(models.ProjectTemplate)
class ProjectTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "kind", "is_active", "order"]
    list_editable = ["is_active", "order"]


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0
    fields = ["order", "key", "name", "stage", "starts_on", "ends_on", "actions",
              "started_at", "closed_at"]


class StakeholderInline(admin.TabularInline):
    model = models.Stakeholder
    extra = 0
    raw_id_fields = ["organisation"]


class TeamInline(admin.TabularInline):
    model = models.TeamMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["community", "created_by"]
    filter_horizontal = ["spaces"]
    inlines = [PhaseInline, StakeholderInline, TeamInline]


@admin.register(models.Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "answer", "visibility", "support_count"]
    list_filter = ["kind", "answer", "visibility"]
    search_fields = ["title"]
    raw_id_fields = ["project", "community", "author", "space", "merged_into", "answered_by",
                     "phase"]
    readonly_fields = ["support_count", "comment_count", "report_count", "version"]


class MilestoneInline(admin.TabularInline):
    model = models.Milestone
    extra = 0


@admin.register(models.Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "source", "status", "progress", "due_on"]
    list_filter = ["source", "status"]
    raw_id_fields = ["community", "project", "proposal", "responsible_org", "created_by"]
    inlines = [MilestoneInline]


@admin.register(models.Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "starts_at", "capacity", "state"]
    raw_id_fields = ["project", "community", "space"]


@admin.register(models.Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["item", "project", "quantity", "unit", "condition"]
    raw_id_fields = ["project", "community", "donor"]
