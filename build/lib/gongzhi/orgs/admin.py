from django.contrib import admin

from gongzhi.orgs.models import Organisation, OrgMember


class OrgMemberInline(admin.TabularInline):
    model = OrgMember
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "contact_name", "deleted_at"]
    list_filter = ["kind", "community"]
    search_fields = ["name", "contact_name"]
    inlines = [OrgMemberInline]
