"""People, their memberships and roles per community, login codes and consent."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel
from gongzhi.core.phone import mask_phone


def new_username() -> str:
    return "u" + secrets.token_hex(8)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, *, phone: str | None = None, email: str | None = None,
                    password: str | None = None, **extra) -> User:
        email = self.normalize_email(email) if email else None
        user = self.model(phone=phone or None, email=email or None, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password", "username"])
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str | None = None, password: str | None = None,
                         **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if username:
            extra["username"] = username
        return self.create_user(password=password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Residents sign in with a mobile number; e-mail and password also work."""

    username = models.CharField(_("username"), max_length=40, unique=True, default=new_username)
    phone = models.CharField(_("mobile number"), max_length=20, unique=True, null=True,
                             blank=True)
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    display_name = models.CharField(_("name shown to others"), max_length=50, blank=True)
    real_name = models.CharField(_("real name"), max_length=50, blank=True,
                                 help_text=_("Seen only by community workers for verification."))
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # Names one state of the person's access rows (roles, memberships, organisations,
    # team roles, unread count, ...): database triggers give it a fresh number whenever
    # one of those rows changes (accounts/access_triggers.py), so the rows can be kept
    # between requests under it (accounts/access.py). Never set by the application.
    access_version = models.BigIntegerField(_("access version"), default=0, db_default=0,
                                            editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.deleted_at:
            return str(_("Former resident"))
        if self.display_name:
            return self.display_name
        if self.phone:
            return mask_phone(self.phone)
        if self.email:
            local = self.email.split("@", 1)[0]
            return local[:2] + "***"
        return str(_("Resident"))

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VERIFIED_RESIDENT = "verified_resident", _("Verified resident")
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    VOLUNTEER = "volunteer", _("Volunteer")
    ORG_MEMBER = "org_member", _("Organisation member")
    WORKER = "worker", _("Community worker")
    ADMIN = "admin", _("Community admin")


STAFF_ROLES = frozenset({Role.WORKER, Role.ADMIN})


class Membership(TimeStampedModel):
    """A person's link to a community, and where they say they live.

    Verification turns a pending membership into a verified one and grants roles.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")
        LEFT = "left", _("Left")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="memberships")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    household = models.ForeignKey("places.Household", verbose_name=_("household"), null=True,
                                  blank=True, on_delete=models.SET_NULL,
                                  related_name="memberships")
    claimed_building = models.CharField(_("building"), max_length=30, blank=True)
    claimed_unit = models.CharField(_("unit"), max_length=20, blank=True)
    claimed_room = models.CharField(_("room"), max_length=20, blank=True)
    claimed_tenure = models.CharField(_("tenure"), max_length=20, blank=True)
    moved_in_year = models.PositiveSmallIntegerField(_("year moved in"), null=True, blank=True)
    decided_by = models.ForeignKey(User, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["community", "status"], name="membership_comm_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community}"

    @property
    def claimed_address(self) -> str:
        return "-".join(p for p in (self.claimed_building, self.claimed_unit, self.claimed_room)
                        if p)


class RoleAssignment(models.Model):
    """One role of one person in one community. Roles are added and removed by services
    that write an audit entry each time."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="role_assignments")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_by = models.ForeignKey(User, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "community", "role"], name="role_unique"),
        ]
        indexes = [models.Index(fields=["community", "role"], name="role_comm_role")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.community_id}"


class AreaRole(models.Model):
    """A role over a whole region, e.g. subdistrict admin (街道管理员) sees all its communities."""

    class Kind(models.TextChoices):
        SUBDISTRICT_ADMIN = "subdistrict_admin", _("Subdistrict admin")
        DISTRICT_ADMIN = "district_admin", _("District admin")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="area_roles")
    region = models.ForeignKey("places.Region", verbose_name=_("region"),
                               on_delete=models.CASCADE, related_name="area_roles")
    role = models.CharField(_("role"), max_length=30, choices=Kind.choices)
    granted_by = models.ForeignKey(User, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("area role")
        verbose_name_plural = _("area roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "role"], name="area_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.region}"


class OneTimeCode(models.Model):
    """A login code sent by SMS or e-mail. Only its hash is stored."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    target = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["target", "-created_at"], name="otp_target_time")]

    def __str__(self) -> str:
        return f"{self.channel}:{mask_phone(self.target)}"


class LoginLock(models.Model):
    """Wrong attempts counted per target, and the lock they lead to.

    Targets are a phone / e-mail (one-time codes), ``password:user:<id>``,
    ``password:login:<what was typed>`` and ``password:ip:<address>`` (password sign-in),
    ``checkin:user:<id>`` and ``checkin:meeting:<id>`` (meeting check-in codes). A row whose
    ``locked_until`` has passed only counts failures within the window.
    """

    target = models.CharField(max_length=254, unique=True)
    locked_until = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")

    def __str__(self) -> str:
        return mask_phone(self.target)


class Consent(models.Model):
    """The privacy notice a person agreed to, which version and when (PIPL)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="consents")
    document = models.CharField(_("document"), max_length=40, default="privacy")
    version = models.CharField(_("version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "document", "version"],
                                    name="consent_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.version}"


class ApiToken(TimeStampedModel):
    """A personal API token; only a hash is kept, the token is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=128, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class UserSession(AbstractBaseSession):
    """A session with the id of its signed-in person in a column, so a page reads the
    session and the person in one query (``gongzhi.accounts.sessions``). Deleting a user
    deletes their sessions."""

    user = models.ForeignKey(User, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")

    class Meta(AbstractBaseSession.Meta):  # type: ignore[name-defined]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from gongzhi.accounts.sessions.db import SessionStore

        return SessionStore
