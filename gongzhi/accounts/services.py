"""Every write about people: sign-in codes, consent, joining, verification, roles, deletion."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.accounts import token_stamps
from gongzhi.accounts.access import forget_roles
from gongzhi.accounts.models import (
    ApiToken,
    Consent,
    LoginLock,
    Membership,
    OneTimeCode,
    Role,
    RoleAssignment,
    User,
)
from gongzhi.core.audit import audit_record
from gongzhi.core.phone import mask_phone, normalize_phone
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send
from gongzhi.notifications.sms import send_sms
from gongzhi.places.models import Community, Household, HouseholdInvite, Tenure


class RateLimited(Exception):
    """Too many requests; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _hash_code(target: str, code: str) -> str:
    # Keyed with SECRET_KEY so a leaked table does not reveal codes by brute force offline.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{target}:{code}".encode(), hashlib.sha256).hexdigest()


# --- attempt limits (one-time codes, passwords, meeting check-in codes) -------------------

def attempt_lock_remaining(*targets: str | None) -> int:
    """Seconds until every lock on these targets has passed; 0 when none is locked."""
    now = timezone.now()
    until = (LoginLock.objects.filter(target__in=[t for t in targets if t],
                                      locked_until__gt=now)
             .order_by("-locked_until").values_list("locked_until", flat=True).first())
    return max(1, int((until - now).total_seconds())) if until else 0


def attempt_failed(*, target: str, limit: int, window_seconds: int,
                   lock_seconds: int) -> bool:
    """Count one wrong attempt on ``target``; after ``limit`` within the window, lock it for
    ``lock_seconds``. Returns True when this attempt locked it. Committed at once (its own
    transaction when called outside one) so the count survives the caller's error."""
    now = timezone.now()
    with transaction.atomic():
        row, _created = LoginLock.objects.select_for_update().get_or_create(
            target=target, defaults={"locked_until": now, "window_started_at": now})
        if (row.window_started_at is None
                or (now - row.window_started_at).total_seconds() > window_seconds):
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        locked = row.failures >= limit
        if locked:
            row.locked_until = now + dt.timedelta(seconds=lock_seconds)
            row.failures, row.window_started_at = 0, now
        row.save(update_fields=["failures", "window_started_at", "locked_until"])
    return locked


def attempt_clear(*, target: str) -> None:
    """Forget the wrong attempts on a target (after a success); a running lock stays."""
    LoginLock.objects.filter(target=target, locked_until__lte=timezone.now()).delete()
    LoginLock.objects.filter(target=target).update(failures=0)


def _lock_message(wait: int) -> str:
    return _("Too many wrong attempts. Try again in %(minutes)s minutes, or sign in with a "
             "code sent to your phone.") % {"minutes": max(1, (wait + 59) // 60)}


def find_login_user(login: str) -> User | None:
    """The account a mobile number, an e-mail address or a username names."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    return (User.objects.filter(phone=normalize_phone(login)).first()
            or User.objects.filter(username=login).first())


def password_login(*, login: str, password: str, ip: str | None) -> User | None:
    """Check a password sign-in; None when wrong. Raise RateLimited when the account or the
    network address is locked after too many wrong passwords (the right password does not
    get in then either). One-time-code sign-in has its own targets, so the owner of an
    account someone is guessing at can still sign in by SMS."""
    user = find_login_user(login)
    account = (f"password:user:{user.pk}" if user is not None
               else f"password:login:{login.strip().lower()[:200]}")
    network = f"password:ip:{ip}" if ip else None
    wait = attempt_lock_remaining(account, network)
    if wait:
        raise RateLimited(_lock_message(wait), wait)
    if user is None:
        User().set_password(password)  # same work either way: no user enumeration by timing
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    if ok:
        attempt_clear(target=account)
        return user
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    locked = attempt_failed(target=account, limit=settings.LOGIN_MAX_FAILURES_PER_ACCOUNT,
                            window_seconds=window, lock_seconds=settings.LOGIN_LOCK_SECONDS)
    if network:
        locked |= attempt_failed(target=network, limit=settings.LOGIN_MAX_FAILURES_PER_IP,
                                 window_seconds=window,
                                 lock_seconds=settings.LOGIN_LOCK_SECONDS)
    if locked:
        audit_record(actor=None, action="accounts.password_locked", target=user,
                     after={"ip": ip or ""})
        raise RateLimited(_lock_message(settings.LOGIN_LOCK_SECONDS),
                          settings.LOGIN_LOCK_SECONDS)
    return None


# --- one-time codes -----------------------------------------------------------------------

def otp_request(*, channel: str, target: str, ip: str | None) -> str:
    """Create and send a 6-digit code. Returns the code (the caller must not show it)."""
    now = timezone.now()
    lock = LoginLock.objects.filter(target=target, locked_until__gt=now).first()
    if lock:
        wait = int((lock.locked_until - now).total_seconds())
        raise RateLimited(_("Too many wrong codes. Try again in %(minutes)s minutes.")
                          % {"minutes": max(1, wait // 60)}, wait)
    hour_ago = now - dt.timedelta(hours=1)
    recent = OneTimeCode.objects.filter(target=target, created_at__gte=hour_ago)
    last = recent.order_by("-created_at").first()
    if last and (now - last.created_at).total_seconds() < settings.OTP_RESEND_SECONDS:
        wait = settings.OTP_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise RateLimited(_("A code was just sent. You can ask for another in %(seconds)s "
                            "seconds.") % {"seconds": wait}, wait)
    if recent.count() >= settings.OTP_PER_TARGET_PER_HOUR:
        raise RateLimited(_("Too many codes for this number in the last hour. Try again "
                            "later."), 3600)
    if ip and OneTimeCode.objects.filter(ip_address=ip, created_at__gte=hour_ago).count() >= (
        settings.OTP_PER_IP_PER_HOUR
    ):
        raise RateLimited(_("Too many codes requested from your network. Try again later."),
                          3600)
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.create(
        channel=channel, target=target, code_hash=_hash_code(target, code),
        expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS), ip_address=ip,
    )
    message = _("Your Gongzhi code is %(code)s. It expires in %(minutes)s minutes. Do not "
                "share it.") % {"code": code, "minutes": settings.OTP_TTL_SECONDS // 60}
    if channel == OneTimeCode.Channel.SMS:
        send_sms(target, message)
    else:
        from django.core.mail import send_mail

        send_mail(_("Your Gongzhi sign-in code"), message, None, [target])
    return code


def otp_verify(*, target: str, code: str) -> User:
    """Check a code; on success return the (possibly new) user. Raise ValidationError.

    Failed attempts are committed before raising, so the count and the lock survive.
    """
    now = timezone.now()
    if LoginLock.objects.filter(target=target, locked_until__gt=now).exists():
        raise ValidationError(_("Too many wrong codes. Ask for a new code later."),
                              code="locked")
    error: ValidationError | None = None
    user: User | None = None
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(target=target, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if otp is None:
            error = ValidationError(_("This code has expired. Ask for a new one."),
                                    code="expired")
        elif not hmac.compare_digest(otp.code_hash, _hash_code(target, code.strip())):
            attempts = otp.attempts + 1
            OneTimeCode.objects.filter(pk=otp.pk).update(attempts=attempts)
            if attempts >= settings.OTP_MAX_ATTEMPTS:
                OneTimeCode.objects.filter(pk=otp.pk).update(used_at=now)
                LoginLock.objects.update_or_create(
                    target=target,
                    defaults={"locked_until": now
                              + dt.timedelta(seconds=settings.OTP_LOCK_SECONDS)},
                )
                error = ValidationError(_("Too many wrong codes. Ask for a new code later."),
                                        code="locked")
            else:
                error = ValidationError(
                    _("That code is not right. Check the message and try again."),
                    code="wrong")
        else:
            OneTimeCode.objects.filter(pk=otp.pk).update(used_at=now)
            field = "email" if "@" in target else "phone"
            user = User.objects.filter(**{field: target}).first()
            if user is None:
                user = User.objects.create_user(**{field: target})
                audit_record(actor=user, action="user.signup", target=user,
                             after={"via": field, "target": mask_phone(target)})
            elif not user.is_active:
                error = ValidationError(_("This account is disabled."), code="inactive")
    if error is not None:
        raise error
    assert user is not None
    return user


def user_signup_with_email(*, email: str, password: str, display_name: str = "") -> User:
    user = User.objects.create_user(email=email, password=password, display_name=display_name)
    audit_record(actor=user, action="user.signup", target=user, after={"via": "email"})
    return user


def consent_record(*, user: User, version: str | None = None, ip: str | None = None) -> Consent:
    version = version or settings.PRIVACY_NOTICE_VERSION
    consent, created = Consent.objects.get_or_create(
        user=user, document="privacy", version=version, defaults={"ip_address": ip}
    )
    if created:
        audit_record(actor=user, action="consent.accept", target=user,
                     after={"document": "privacy", "version": version})
    return consent


def has_current_consent(user: User) -> bool:
    return Consent.objects.filter(user=user, document="privacy",
                                  version=settings.PRIVACY_NOTICE_VERSION,
                                  withdrawn_at__isnull=True).exists()


def user_update_profile(*, user: User, display_name: str, real_name: str, language: str,
                        email: str | None) -> User:
    before = {"display_name": user.display_name, "language": user.language}
    user.display_name = display_name
    user.real_name = real_name
    user.language = language
    if email is not None:
        user.email = email or None
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "real_name", "language", "email"])
    audit_record(actor=user, action="user.update_profile", target=user, before=before,
                 after={"display_name": display_name, "language": language})
    return user


# --- joining and verification -------------------------------------------------------------

def membership_request(
    *, user: User, community: Community, building: str, unit: str, room: str,
    tenure: str = "", moved_in_year: int | None = None,
) -> Membership:
    existing = Membership.objects.filter(user=user, community=community).first()
    if existing and existing.status in (Membership.Status.PENDING, Membership.Status.VERIFIED):
        raise ValidationError(_("You have already asked to join this community."),
                              code="duplicate")
    if existing is None:
        membership = Membership(user=user, community=community)
    else:
        membership = existing
    membership.status = Membership.Status.PENDING
    membership.claimed_building = building.strip()
    membership.claimed_unit = unit.strip()
    membership.claimed_room = room.strip()
    membership.claimed_tenure = tenure
    membership.moved_in_year = moved_in_year
    membership.refusal_reason = ""
    membership.decided_at = None
    membership.decided_by = None
    membership.household = find_household(community=community, building=building, unit=unit,
                                          room=room)
    membership.save()
    forget_roles(user)
    audit_record(actor=user, action="membership.request", community=community,
                 target=membership, after={"address": membership.claimed_address})
    return membership


def find_household(*, community: Community, building: str, unit: str, room: str
                   ) -> Household | None:
    qs = Household.objects.filter(community=community, building__number=building.strip(),
                                  room=room.strip())
    if unit.strip():
        qs = qs.filter(unit__number=unit.strip())
    return qs.first()


def _roles_for_tenure(tenure: str) -> list[str]:
    if tenure == Tenure.OWNER:
        return [Role.OWNER]
    if tenure in (Tenure.PUBLIC_RENTAL, Tenure.PRIVATE_RENTAL):
        return [Role.TENANT]
    return []


def _check_staff(actor: User, community: Community) -> None:
    if not actor.has_perm("accounts.verify_resident", community):
        raise PermissionDenied


@transaction.atomic
def membership_approve(*, actor: User, membership: Membership,
                       household: Household | None = None) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_staff(actor, membership.community)
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    if household is not None:
        if household.community_id != membership.community_id:
            raise ValidationError(_("That household belongs to another community."),
                                  code="wrong_community")
        membership.household = household
    membership.status = Membership.Status.VERIFIED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "household", "decided_by", "decided_at",
                                   "updated_at"])
    _grant_resident_roles(actor=actor, membership=membership)
    audit_record(actor=actor, action="membership.approve", community=membership.community,
                 target=membership, before={"status": "pending"},
                 after={"status": "verified", "household": membership.household_id})
    notification_send(
        users=[membership.user], kind="membership.approved", community=membership.community,
        title=Message(gettext_noop("You are now a verified resident of %(community)s"),
                      {"community": membership.community.name}),
        body=Message(gettext_noop(
                         "You can now take part in votes and projects of your community.")),
        url=reverse("core:community", args=[membership.community.slug]),
    )
    return membership


@transaction.atomic
def memberships_approve_matching(*, actor: User, community: Community,
                                 membership_ids: list[int]) -> list[Membership]:
    """Approve, in one go, the listed pending requests that still match the ledger (the
    worker confirmed exactly these). Each approval is audited as usual, plus one entry for
    the batch; requests that changed meanwhile are left for one-by-one review."""
    from gongzhi.accounts.selectors import memberships_matching_ledger

    _check_staff(actor, community)
    wanted = {int(i) for i in membership_ids}
    matching = [m for m in memberships_matching_ledger(community=community) if m.pk in wanted]
    approved = [membership_approve(actor=actor, membership=m, household=m.household)
                for m in matching]
    audit_record(actor=actor, action="membership.bulk_approve", community=community,
                 after={"memberships": [m.pk for m in approved],
                        "skipped": sorted(wanted - {m.pk for m in approved})})
    return approved


def _grant_resident_roles(*, actor: User | None, membership: Membership) -> None:
    tenure = membership.household.tenure if membership.household else membership.claimed_tenure
    for role in [Role.VERIFIED_RESIDENT, *_roles_for_tenure(tenure)]:
        role_grant(actor=actor, user=membership.user, community=membership.community, role=role,
                   check=False)


@transaction.atomic
def membership_refuse(*, actor: User, membership: Membership, reason: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_staff(actor, membership.community)
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the resident why, so they can fix it.")})
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been decided."), code="decided")
    membership.status = Membership.Status.REFUSED
    membership.refusal_reason = reason.strip()
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at",
                                   "updated_at"])
    forget_roles(membership.user)
    audit_record(actor=actor, action="membership.refuse", community=membership.community,
                 target=membership, before={"status": "pending"}, after={"status": "refused"},
                 reason=membership.refusal_reason)
    notification_send(
        users=[membership.user], kind="membership.refused", community=membership.community,
        title=Message(gettext_noop("Your request to join %(community)s was not approved"),
                      {"community": membership.community.name}),
        body=Message(gettext_noop(
            "Reason: %(reason)s. You can correct your address and ask again."),
            {"reason": membership.refusal_reason}),
        url=reverse("accounts:join", args=[membership.community.slug]),
    )
    return membership


def invite_create(*, actor: User, household: Household, days: int = 30,
                  max_uses: int = 4) -> HouseholdInvite:
    if not actor.has_perm("accounts.create_invite", household.community):
        raise PermissionDenied
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("Choose between 1 and 365 days.")})
    invite = HouseholdInvite.objects.create(
        household=household, created_by=actor, max_uses=max_uses,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit_record(actor=actor, action="invite.create", community=household.community,
                 target=invite, after={"household": household.pk, "days": days})
    return invite


@transaction.atomic
def invite_redeem(*, user: User, code: str) -> Membership:
    code = code.strip().upper().replace(" ", "")
    now = timezone.now()
    invite = (HouseholdInvite.objects.select_for_update(of=("self",))
              .select_related("household__community", "household__building",
                              "household__unit")
              .filter(code=code).first())
    if invite is None or invite.revoked_at or invite.expires_at <= now:
        raise ValidationError({"code": _("This invitation code is not valid or has expired.")})
    if invite.uses >= invite.max_uses:
        raise ValidationError({"code": _("This invitation code has been used up.")})
    household = invite.household
    membership, _created = Membership.objects.get_or_create(
        user=user, community=household.community,
    )
    if membership.status == Membership.Status.VERIFIED and membership.household_id == household.pk:
        return membership
    HouseholdInvite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
    membership.status = Membership.Status.VERIFIED
    membership.household = household
    membership.claimed_building = household.building.number
    membership.claimed_unit = household.unit.number if household.unit else ""
    membership.claimed_room = household.room
    membership.decided_by = invite.created_by
    membership.decided_at = now
    membership.save()
    _grant_resident_roles(actor=None, membership=membership)
    audit_record(actor=user, action="invite.redeem", community=household.community,
                 target=membership, after={"invite": invite.code, "household": household.pk})
    return membership


# --- roles -------------------------------------------------------------------------------

def role_grant(*, actor: User | None, user: User, community: Community, role: str,
               check: bool = True) -> RoleAssignment | None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if check and (actor is None or not actor.has_perm("accounts.manage_roles", community)):
        raise PermissionDenied
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(user=user, community=community, role=role,
                                                       granted_by=actor)
    except IntegrityError:
        return None  # already held: granting is idempotent
    forget_roles(user)
    audit_record(actor=actor, action="role.grant", community=community, target=user,
                 after={"role": role})
    return assignment


def role_revoke(*, actor: User, user: User, community: Community, role: str,
                reason: str = "") -> bool:
    if not actor.has_perm("accounts.manage_roles", community):
        raise PermissionDenied
    if role == Role.ADMIN and user.pk == actor.pk:
        raise ValidationError(_("You cannot remove your own admin role."), code="self")
    deleted, _info = RoleAssignment.objects.filter(user=user, community=community,
                                                   role=role).delete()
    if deleted:
        forget_roles(user)
        audit_record(actor=actor, action="role.revoke", community=community, target=user,
                     before={"role": role}, reason=reason)
    return bool(deleted)


# --- tokens ------------------------------------------------------------------------------

def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    raw = "gz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:11],
                                    token_hash=hashlib.sha256(raw.encode()).hexdigest())
    audit_record(actor=user, action="api_token.create", target=token)
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> bool:
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if revoked:
        audit_record(actor=user, action="api_token.revoke", target=user,
                     after={"token": token_id})
    return bool(revoked)


def api_token_user(raw: str) -> User | None:
    from gongzhi.accounts.selectors import api_token_owner

    found = api_token_owner(hashlib.sha256(raw.encode()).hexdigest())
    if found is None:
        return None
    user, token_id, last_used_at = found
    now = timezone.now()
    # Record use at most once a minute, written in batches within API_TOKEN_STAMP_SECONDS
    # (token_stamps.py): a write per request would cost every API call a commit.
    if token_stamps.needs_stamp(last_used_at, now):
        token_stamps.note_use(token_id, now)
    return user


# --- privacy: export and deletion ------------------------------------------------------------

@transaction.atomic
def user_delete(*, user: User) -> None:
    """Anonymise the account. Contributions to public decisions stay, without a name.

    The row stays so votes, comments and audit entries keep their integrity; everything
    that identifies the person is wiped and login becomes impossible.
    """
    audit_record(actor=user, action="user.delete", target=user)
    Membership.objects.filter(user=user).update(status=Membership.Status.LEFT, claimed_room="",
                                                claimed_building="", claimed_unit="")
    RoleAssignment.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    from gongzhi.orgs.models import OrgMember

    OrgMember.objects.filter(user=user).delete()
    from gongzhi.core.export import delete_personal_data

    delete_personal_data(user)
    user.phone = None
    user.email = None
    user.display_name = ""
    user.real_name = ""
    user.username = "deleted-" + secrets.token_hex(8)
    user.password = make_password(None)
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.save()


def user_export_data(*, user: User) -> dict[str, Any]:
    """All the data the platform holds about ``user``, as JSON-ready dicts (PIPL art. 45)."""
    from gongzhi.core.export import collect_personal_data

    return collect_personal_data(user)
