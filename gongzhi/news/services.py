"""Every write of the news app: permission-checked, one transaction, audited.

Notifications (an important notice, a reminder) are sent after the transaction commits,
in each recipient's language (``notifications.i18n.Message``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.audit import audit_record
from gongzhi.news import selectors
from gongzhi.news.models import Announcement, Audience, FeedPreference, ReadReceipt
from gongzhi.news.rules import my_org_ids
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send

REMIND_EVERY = dt.timedelta(hours=6)


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def announcement_url(a: Announcement) -> str:
    return reverse("news:detail", args=[a.community.slug, a.pk])


def _check_text(title: str, body: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value, limit in (("title", title, 120), ("body", body, 5000)):
        if "\x00" in value:
            errors[name] = [_("This text contains a character that cannot be stored.")]
        elif not value.strip():
            errors[name] = [_("This field is required.")]
        elif len(value) > limit:
            errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
    return errors


def _check_targets(community, audience: str, buildings, units) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if audience not in Audience.values:
        errors["audience"] = [_("Choose for whom the announcement is.")]
    elif audience == Audience.BUILDINGS and not buildings:
        errors["buildings"] = [_("Choose at least one building.")]
    elif audience == Audience.UNITS and not units:
        errors["units"] = [_("Choose at least one unit.")]
    if any(b.community_id != community.pk for b in buildings) or any(
            u.building.community_id != community.pk for u in units):
        errors["buildings"] = [_("This belongs to another community.")]
    return errors


def announcement_create(*, actor, community, organisation, title: str, body: str,
                        audience: str = Audience.COMMUNITY, buildings=(), units=(),
                        important: bool = False, pinned: bool = False,
                        expires_at: dt.datetime | None = None, publish: bool = True,
                        published_at: dt.datetime | None = None) -> Announcement:
    """Write an announcement for ``organisation``; published now unless ``publish`` is
    false (a draft). Workers write for any organisation of the community, org members
    for their own; only workers pin."""
    _require(actor, "news.create", community)
    if organisation is None or organisation.community_id != community.pk:
        raise ValidationError({"organisation": _("Choose an organisation of this "
                                                 "community.")})
    if not actor.has_perm("news.pin", community) and organisation.pk not in my_org_ids(
            actor, community):
        raise PermissionDenied
    if pinned and not actor.has_perm("news.pin", community):
        raise PermissionDenied
    buildings, units = list(buildings), list(units)
    errors = {**_check_text(title, body), **_check_targets(community, audience, buildings,
                                                             units)}
    now = timezone.now()
    when = published_at or now
    if expires_at is not None and expires_at <= when:
        errors["expires_at"] = [_("The end date must be after publication.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        a = Announcement.objects.create(
            community=community, organisation=organisation, author=actor,
            title=title.strip(), body=body.strip(), audience=audience, important=important,
            pinned=pinned, expires_at=expires_at, published_at=when if publish else None)
        if audience == Audience.BUILDINGS:
            a.buildings.set(buildings)
        elif audience == Audience.UNITS:
            a.units.set(units)
        audit_record(actor=actor, action="news.announcement_create", community=community,
                     target=a, after={"title": a.title, "organisation": organisation.pk,
                                      "audience": audience, "important": important,
                                      "published": publish})
        if publish:
            _notify_published(a)
    return a


def _notify_published(a: Announcement) -> None:
    if not a.important:
        return
    from gongzhi.accounts.models import User

    ids = selectors.audience_user_ids(a)
    url = announcement_url(a)

    title: Any = Message(gettext_noop("Important notice from %(org)s: %(title)s"),
                         {"org": a.organisation.name, "title": a.title})
    body: Any = Message(gettext_noop("Please read it and tap “I have read it”."))

    def send() -> None:
        notification_send(users=User.objects.filter(pk__in=ids), kind="news.important",
                          community=a.community, url=url, important=True, title=title,
                          body=body)

    transaction.on_commit(send)


@transaction.atomic
def announcement_publish(*, actor, announcement: Announcement) -> Announcement:
    _require(actor, "news.publish", announcement)
    a = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if a.published_at is not None:
        return a
    a.published_at = timezone.now()
    if a.expires_at is not None and a.expires_at <= a.published_at:
        raise ValidationError({"expires_at": _("The end date must be after publication.")})
    a.save(update_fields=["published_at", "updated_at"])
    audit_record(actor=actor, action="news.announcement_publish", community=a.community,
                 target=a)
    _notify_published(a)
    return a


@transaction.atomic
def announcement_pin(*, actor, announcement: Announcement, pinned: bool) -> Announcement:
    _require(actor, "news.pin", announcement.community)
    a = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if a.pinned != pinned:
        a.pinned = pinned
        a.save(update_fields=["pinned", "updated_at"])
        audit_record(actor=actor, action="news.announcement_pin", community=a.community,
                     target=a, after={"pinned": pinned})
    return a


@transaction.atomic
def announcement_withdraw(*, actor, announcement: Announcement, reason: str) -> Announcement:
    _require(actor, "news.withdraw", announcement)
    reason = (reason or "").strip()
    if not reason or "\x00" in reason or len(reason) > 500:
        raise ValidationError({"reason": _("Say in a few words why it is withdrawn.")})
    a = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if a.withdrawn_at is None:
        a.withdrawn_at = timezone.now()
        a.save(update_fields=["withdrawn_at", "updated_at"])
        audit_record(actor=actor, action="news.announcement_withdraw", community=a.community,
                     target=a, after={"reason": reason})
    return a


def read_confirm(*, actor, announcement: Announcement) -> ReadReceipt:
    """The resident taps 已读 (again = no change)."""
    _require(actor, "news.confirm_read", announcement)
    try:
        with transaction.atomic():
            receipt, _created = ReadReceipt.objects.get_or_create(announcement=announcement,
                                                                  user=actor)
    except IntegrityError:  # two taps at once: the constraint keeps one
        receipt = ReadReceipt.objects.get(announcement=announcement, user=actor)
    return receipt


def remind_unread(*, actor, announcement: Announcement,
                  now: dt.datetime | None = None) -> int:
    """Remind everyone in the audience who has not confirmed yet (at most every six
    hours per announcement). Returns how many were reminded."""
    _require(actor, "news.remind", announcement)
    now = now or timezone.now()
    from gongzhi.accounts.models import User

    with transaction.atomic():
        a = Announcement.objects.select_for_update(of=("self",)).select_related(
            "organisation", "community").get(pk=announcement.pk)
        if a.last_reminded_at and now - a.last_reminded_at < REMIND_EVERY:
            raise ValidationError(
                _("A reminder went out at %(time)s; wait a few hours before the next.")
                % {"time": timezone.localtime(a.last_reminded_at).strftime("%H:%M")},
                code="too_soon")
        ids = selectors.unread_user_ids(a)
        a.last_reminded_at = now
        a.save(update_fields=["last_reminded_at", "updated_at"])
        audit_record(actor=actor, action="news.remind", community=a.community, target=a,
                     after={"reminded": len(ids)})
        url = announcement_url(a)
        title: Any = Message(gettext_noop("Reminder: please read “%(title)s”"),
                             {"title": a.title})
        body: Any = Message(gettext_noop("From %(org)s. Tap “I have read it” once you have."),
                            {"org": a.organisation.name})
        transaction.on_commit(lambda: notification_send(
            users=User.objects.filter(pk__in=ids), kind="news.reminder",
            community=a.community, url=url, important=True, title=title, body=body))
    return len(ids)


def feed_preference_set(*, actor, community, source: str, choice: str) -> FeedPreference | None:
    """Follow, mute or reset (``choice=""``) one feed source for the person."""
    from gongzhi.core.feed import feed_sources

    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    if source not in {s.key for s in feed_sources()}:
        raise ValidationError({"source": _("Unknown feed source.")})
    from gongzhi.accounts.access import forget_roles

    # the preferences come with the access rows: the rest of the request reads them again
    forget_roles(actor)
    if choice == "":
        FeedPreference.objects.filter(user=actor, community=community, source=source).delete()
        return None
    if choice not in FeedPreference.Choice.values:
        raise ValidationError({"choice": _("Choose follow or mute.")})
    pref, _created = FeedPreference.objects.update_or_create(
        user=actor, community=community, source=source, defaults={"choice": choice})
    return pref


def feed_preferences_save(*, actor, community, choices: dict[str, str]) -> dict[str, Any]:
    with transaction.atomic():
        for source, choice in choices.items():
            feed_preference_set(actor=actor, community=community, source=source,
                                choice=choice)
    return selectors.preferences(actor, community)
