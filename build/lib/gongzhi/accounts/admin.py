from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import AreaRole, Consent, Membership, RoleAssignment, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "masked_phone", "email", "is_staff", "is_active",
                    "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["display_name", "real_name", "phone", "email", "username"]
    ordering = ["-date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["display_name", "real_name", "phone", "email", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "deleted_at"]}),
    ]
    add_fieldsets = [(None, {"fields": ["phone", "email", "password1", "password2"]})]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "status", "household", "created_at", "decided_at"]
    list_filter = ["status", "community"]
    raw_id_fields = ["user", "household", "decided_by"]
    list_select_related = ["user", "community", "household__building", "household__unit"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "granted_by", "granted_at"]
    list_filter = ["role", "community"]
    raw_id_fields = ["user", "granted_by"]


@admin.register(AreaRole)
class AreaRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "role", "granted_at"]
    raw_id_fields = ["user", "granted_by"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "document", "version", "accepted_at", "withdrawn_at"]
    raw_id_fields = ["user"]
