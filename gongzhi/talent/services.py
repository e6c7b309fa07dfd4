"""Every write to the talent pool: permission-checked, one transaction, audited.

Consent (PIPL): `profile_save` with ``consent=True`` records a `TalentConsent` (time and
notice version) and puts the profile in the pool; `consent_revoke` stamps the consent as
withdrawn and takes the profile out of the pool in the same transaction, so a search
that runs after it cannot find the person, and workers no longer see their number.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.audit import audit_record
from gongzhi.notifications.i18n import Message as _Message
from gongzhi.notifications.services import notification_send
from gongzhi.talent.models import (
    CONSENT_VERSION,
    Skill,
    TalentConsent,
    TalentInvitation,
    TalentProfile,
    TalentSkill,
)

MAX_SKILLS = 12


def _msg(msgid: str, params: dict | None = None) -> Any:
    """A message translated when shown, in each reader's language (notifications.i18n)."""
    return _Message(msgid, params or {})


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


@transaction.atomic
def profile_save(*, actor, community, skills: list[str], other_skills: str = "",
                 description: str = "", weekdays: bool = False, evenings: bool = False,
                 weekends: bool = False, consent: bool = False) -> TalentProfile:
    """Create or update the actor's own profile; ``consent`` puts it in the pool."""
    _require(actor, "talent.offer", community)
    skills = list(dict.fromkeys(s for s in skills if s))
    bad = [s for s in skills if s not in Skill.values]
    if bad:
        raise ValidationError({"skills": _("Choose skills from the list.")})
    if len(skills) > MAX_SKILLS:
        raise ValidationError({"skills": _("Choose at most 12 skills.")})
    if not skills and not other_skills.strip():
        raise ValidationError({"skills": _("Choose at least one skill or describe yours.")})
    if len(description) > 1000 or len(other_skills) > 200:
        raise ValidationError(_("The text is too long."))
    profile, created = TalentProfile.objects.select_for_update().get_or_create(
        community=community, user=actor)
    profile.other_skills = other_skills.strip()
    profile.description = description.strip()
    profile.weekdays, profile.evenings, profile.weekends = weekdays, evenings, weekends
    if consent and not profile.consent_holds:
        profile.consent = TalentConsent.objects.create(profile=profile,
                                                       notice_version=CONSENT_VERSION)
        profile.searchable = True
        audit_record(actor=actor, action="talent.consent_give", community=community,
                     target=profile, after={"notice_version": CONSENT_VERSION})
    withdrawn = not consent and profile.consent_holds
    if withdrawn:   # unticking the box withdraws consent, as the button does
        _withdraw(profile)
        audit_record(actor=actor, action="talent.consent_revoke", community=community,
                     target=profile)
    profile.save()
    TalentSkill.objects.filter(profile=profile).exclude(skill__in=skills).delete()
    TalentSkill.objects.bulk_create([TalentSkill(profile=profile, skill=s) for s in skills],
                                    ignore_conflicts=True)
    audit_record(actor=actor, action="talent.profile_create" if created
                 else "talent.profile_update", community=community, target=profile,
                 after={"skills": skills, "searchable": profile.searchable})
    return profile


def _withdraw(profile: TalentProfile) -> None:
    """Stamp the consent withdrawn and take the profile out of the pool (caller saves)."""
    now = timezone.now()
    TalentConsent.objects.filter(profile=profile, revoked_at__isnull=True).update(
        revoked_at=now)
    profile.searchable = False
    TalentInvitation.objects.filter(profile=profile, status=TalentInvitation.Status.PENDING) \
        .update(status=TalentInvitation.Status.WITHDRAWN, responded_at=now)


@transaction.atomic
def consent_revoke(*, actor, profile: TalentProfile) -> TalentProfile:
    """Withdraw consent: out of the pool at once; pending invitations are withdrawn."""
    if not actor.is_authenticated or profile.user_id != actor.pk:
        raise PermissionDenied
    locked = TalentProfile.objects.select_for_update().get(pk=profile.pk)
    _withdraw(locked)
    locked.save(update_fields=["searchable", "updated_at"])
    audit_record(actor=actor, action="talent.consent_revoke", community=locked.community,
                 target=locked)
    return locked


def invitation_create(*, actor, profile: TalentProfile, task, message: str = "") \
        -> TalentInvitation:
    """A worker invites a talent (with consent) to a co-construction task of a project."""
    _require(actor, "talent.invite", profile)
    from gongzhi.projects.models import Task

    if task.community_id != profile.community_id:
        raise ValidationError({"task": _("This task belongs to another community.")})
    if task.state != Task.State.OPEN:
        raise ValidationError({"task": _("This task is not open.")})
    if len(message) > 500:
        raise ValidationError({"message": _("The message is too long.")})
    try:
        with transaction.atomic():
            invitation = TalentInvitation.objects.create(
                community=profile.community, profile=profile, task=task,
                message=message.strip(), invited_by=actor)
    except IntegrityError:
        raise ValidationError(_("This person is already invited to this task.")) from None
    audit_record(actor=actor, action="talent.invite", community=profile.community,
                 target=invitation, after={"task": task.pk, "profile": profile.pk})
    notification_send(
        users=[profile.user], kind="talent.invitation", community=profile.community,
        important=True,
        title=_msg(gettext_noop("You are invited to help: %(task)s"), {"task": task.title}),
        body=_msg(gettext_noop("The community would like your skills for “%(task)s” "
                                  "(%(project)s). Accept or decline on your talent page."),
                     {"task": task.title, "project": task.project.title}),
        url=reverse("talent:me", args=[profile.community.slug]))
    return invitation


def invitation_respond(*, actor, invitation: TalentInvitation, accept: bool) \
        -> TalentInvitation:
    """The talent accepts (and is signed up to the task) or declines."""
    from gongzhi.projects.models import Task, TaskSignup

    with transaction.atomic():
        locked = (TalentInvitation.objects.select_for_update(of=("self",))
                  .select_related("profile", "task__project").get(pk=invitation.pk))
        _require(actor, "talent.respond", locked)
        if locked.status != TalentInvitation.Status.PENDING:
            raise ValidationError(_("This invitation has already been answered."))
        if accept:
            # the same lock protocol as projects' task_signup: the task row, then the count
            task = Task.objects.select_for_update().get(pk=locked.task_id)
            if task.state != Task.State.OPEN:
                raise ValidationError(_("This task is no longer open."))
            if not TaskSignup.objects.filter(task=task, user=actor).exists():
                if TaskSignup.objects.filter(task=task).count() >= task.capacity:
                    raise ValidationError(_("This task is already full."))
                TaskSignup.objects.create(task=task, user=actor)
        locked.status = (TalentInvitation.Status.ACCEPTED if accept
                         else TalentInvitation.Status.DECLINED)
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at", "updated_at"])
        audit_record(actor=actor, action=f"talent.invitation_{locked.status}",
                     community=locked.community, target=locked)
    if locked.invited_by_id:
        notification_send(
            users=[locked.invited_by], kind="talent.answer", community=locked.community,
            title=_msg(gettext_noop("%(name)s accepted: %(task)s") if accept
                          else gettext_noop("%(name)s declined: %(task)s"),
                          {"name": actor.public_name, "task": locked.task.title}),
            url=reverse("talent:search", args=[locked.community.slug]))
    return locked


@transaction.atomic
def invitation_withdraw(*, actor, invitation: TalentInvitation) -> TalentInvitation:
    _require(actor, "talent.search", invitation.community)
    locked = TalentInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status == TalentInvitation.Status.PENDING:
        locked.status = TalentInvitation.Status.WITHDRAWN
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at", "updated_at"])
        audit_record(actor=actor, action="talent.invitation_withdraw",
                     community=locked.community, target=locked)
    return locked
