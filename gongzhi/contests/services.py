"""Every write to contests: permission-checked, one transaction, audited.

The public vote is a ballot of the decisions app (created and opened through its services,
so secrecy, eligibility and the hash-chained log come with it); this module never stores
a vote. Counting for the announcement reads the closed ballot's result.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.contests import scoring
from gongzhi.contests.models import (
    IMAGE_KINDS,
    USABLE_KINDS,
    Contest,
    Entrants,
    Entry,
    JuryMember,
    JuryScore,
    Kind,
    Licence,
    Stage,
    VoteMethod,
    Voters,
)
from gongzhi.core.audit import audit_record
from gongzhi.core.uploads import image_prepare
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send

CONTEST_FIELDS = ("kind", "title", "brief", "rules", "prizes", "space", "entrants", "voters",
                  "method", "max_choices", "max_entries", "submission_opens",
                  "submission_closes", "voting_opens", "voting_closes", "announce_on",
                  "jury_weight", "jury_criteria", "project")
MAX_CRITERIA = 6


def _msg(msgid: str, params: dict[str, Any] | None = None) -> Any:
    """A notification text translated for each recipient (``notifications.i18n``)."""
    return Message(msgid, params or {})


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def contest_url(contest: Contest) -> str:
    return reverse("contests:detail", args=[contest.community.slug, contest.pk])


def _no_nul(fields: dict[str, Any]) -> None:
    bad = [k for k, v in fields.items() if isinstance(v, str) and "\x00" in v]
    if bad:
        raise ValidationError({k: _("This text contains a character that cannot be stored.")
                               for k in bad})


def _clean_criteria(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.splitlines()
    out: list[str] = []
    for item in raw or []:
        text = str(item).strip()
        if text and text not in out:
            if len(text) > 40:
                raise ValidationError({"jury_criteria": _("A criterion has at most 40 "
                                                          "characters.")})
            out.append(text)
    if len(out) > MAX_CRITERIA:
        raise ValidationError({"jury_criteria": _("At most %(n)s criteria.") % {"n": MAX_CRITERIA}})
    return out


def _weight(value) -> Decimal:
    try:
        weight = Decimal(str(value if value is not None else 0))
    except ArithmeticError:
        raise ValidationError({"jury_weight": _("Enter a number between 0 and 1.")}) from None
    if not weight.is_finite():
        raise ValidationError({"jury_weight": _("Enter a number between 0 and 1.")})
    return weight


def _check_contest(contest: Contest) -> None:
    errors: dict[str, list[str]] = {}
    contest.jury_weight = _weight(contest.jury_weight)
    for name in ("space", "project"):
        obj = getattr(contest, name)
        if obj is not None and obj.community_id != contest.community_id:
            errors[name] = [_("This belongs to another community.")]
    if contest.jury_weight and contest.jury_weight > 0 and not contest.jury_criteria:
        errors["jury_criteria"] = [_("Name at least one criterion for the jury.")]
    if contest.method != VoteMethod.APPROVAL:
        contest.max_choices = None
    try:
        contest.full_clean(exclude=["community", "created_by", "space", "project", "ballot",
                                    "winner"], validate_constraints=False)
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    if not errors:
        order = [contest.submission_opens, contest.submission_closes, contest.voting_opens,
                 contest.voting_closes]
        if not 0 <= contest.jury_weight <= 1:
            errors["jury_weight"] = [_("Enter a number between 0 and 1.")]
        elif not (order[0] < order[1] <= order[2] < order[3]):
            errors["voting_opens"] = [_("The dates must follow each other: entries open, "
                                        "entries close, voting opens, voting closes.")]
        elif contest.announce_on < timezone.localdate(contest.voting_closes):
            errors["announce_on"] = [_("The result is announced after voting closes.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contest_create(*, actor, community, title: str, kind: str, **fields: Any) -> Contest:
    _require(actor, "contests.create", community)
    unknown = set(fields) - set(CONTEST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _no_nul({"title": title, **fields})
    fields["jury_criteria"] = _clean_criteria(fields.get("jury_criteria"))
    contest = Contest(community=community, title=title.strip(), kind=kind, created_by=actor,
                      **fields)
    _check_contest(contest)
    contest.save()
    audit_record(actor=actor, action="contests.contest_create", community=community,
                 target=contest, after={"title": contest.title, "kind": kind})
    return contest


@transaction.atomic
def contest_update(*, actor, contest: Contest, **fields: Any) -> Contest:
    _require(actor, "contests.manage", contest)
    unknown = set(fields) - set(CONTEST_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.ballot_id is not None and {"method", "voters", "max_choices"} & set(fields):
        raise ValidationError(_("Voting has started: the voting rules cannot change."))
    _no_nul(fields)
    if "jury_criteria" in fields:
        fields["jury_criteria"] = _clean_criteria(fields["jury_criteria"])
    before = {k: str(getattr(contest, k)) for k in fields}
    for k, v in fields.items():
        setattr(contest, k, v)
    _check_contest(contest)
    contest.save()
    audit_record(actor=actor, action="contests.contest_update", community=contest.community,
                 target=contest, before=before, after={k: str(v) for k, v in fields.items()})
    return contest


def _members(community, *, verified_only: bool = False):
    from gongzhi.accounts.models import Membership, User

    statuses = [Membership.Status.VERIFIED]
    if not verified_only:
        statuses.append(Membership.Status.PENDING)
    return User.objects.filter(memberships__community=community,
                               memberships__status__in=statuses, deleted_at__isnull=True)


@transaction.atomic
def contest_publish(*, actor, contest: Contest) -> Contest:
    _require(actor, "contests.manage", contest)
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.published_at is not None:
        return contest
    contest.published_at = timezone.now()
    contest.save(update_fields=["published_at", "updated_at"])
    audit_record(actor=actor, action="contests.contest_publish", community=contest.community,
                 target=contest)
    url = contest_url(contest)
    users = list(_members(contest.community,
                          verified_only=contest.entrants == Entrants.VERIFIED))
    transaction.on_commit(lambda: notification_send(
        users=users, kind="contests.open", community=contest.community, url=url,
        title=_msg(gettext_noop("New contest: %(title)s"), {"title": contest.title}),
        body=_msg(gettext_noop("Entries are open until %(date)s."),
                     {"date": timezone.localtime(contest.submission_closes)
                      .strftime("%Y-%m-%d %H:%M")})))
    return contest


# --- entries -----------------------------------------------------------------------------

def _check_entry_fields(contest: Contest, *, title: str, statement: str, image, alt_text: str,
                        proposed_name: str, space, licence: str, consent_publish: bool
                        ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give your entry a title.")]
    if not statement.strip():
        errors["statement"] = [_("Say in a few words what the idea is.")]
    if contest.kind in IMAGE_KINDS and image is None:
        errors["image"] = [_("This contest needs a picture.")]
    if image is not None and contest.kind in IMAGE_KINDS and not alt_text.strip():
        errors["alt_text"] = [_("Describe the picture in one sentence for people who "
                                "cannot see it.")]
    if contest.kind == Kind.NAMING:
        if not proposed_name.strip():
            errors["proposed_name"] = [_("Write the name you propose.")]
        target = contest.space or space
        if target is None:
            errors["space"] = [_("Choose the space this name is for.")]
        elif target.community_id != contest.community_id:
            errors["space"] = [_("This belongs to another community.")]
    if licence not in Licence.values:
        errors["licence"] = [_("Choose a licence.")]
    elif contest.kind in USABLE_KINDS and licence == Licence.RESERVED:
        errors["licence"] = [_("A winning logo or mascot must be usable by the community: "
                               "choose CC BY or community use.")]
    if not consent_publish:
        errors["consent_publish"] = [_("We can only show your entry if you agree to "
                                       "publish it.")]
    return errors


def entry_submit(*, actor, contest: Contest, title: str, statement: str, licence: str,
                 consent_publish: bool, image=None, alt_text: str = "",
                 proposed_name: str = "", space=None, show_name: bool = True) -> Entry:
    """Send an entry; it waits for moderation. The picture is checked, re-encoded without
    metadata and stored under a random name before anything is written."""
    _require(actor, "contests.enter", contest)
    _no_nul({"title": title, "statement": statement, "alt_text": alt_text,
             "proposed_name": proposed_name})
    errors = _check_entry_fields(contest, title=title, statement=statement, image=image,
                                 alt_text=alt_text, proposed_name=proposed_name, space=space,
                                 licence=licence, consent_publish=consent_publish)
    if errors:
        raise ValidationError(errors)
    prepared = image_prepare(image) if image is not None and contest.kind in IMAGE_KINDS \
        else None
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        mine = Entry.objects.filter(contest=locked, entrant=actor).exclude(
            status__in=[Entry.Status.WITHDRAWN, Entry.Status.REJECTED]).count()
        if mine >= locked.max_entries:
            raise ValidationError(
                _("You have already sent %(n)s entries, the most this contest allows.")
                % {"n": locked.max_entries}, code="limit")
        entry = Entry(contest=locked, entrant=actor, title=title.strip(),
                      statement=statement.strip(), alt_text=alt_text.strip(),
                      proposed_name=proposed_name.strip() if locked.kind == Kind.NAMING else "",
                      space=(locked.space or space) if locked.kind == Kind.NAMING else None,
                      licence=licence, consent_publish=True, show_name=show_name)
        entry.full_clean(exclude=["contest", "entrant", "space", "image", "moderated_by"])
        if prepared is not None:
            entry.image.save(prepared.name, prepared, save=False)
        entry.save()
        audit_record(actor=actor, action="contests.entry_submit", community=locked.community,
                     target=entry, after={"contest": locked.pk, "title": entry.title})
    return entry


@transaction.atomic
def entry_withdraw(*, actor, entry: Entry) -> Entry:
    _require(actor, "contests.withdraw_entry", entry)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.contest.ballot_id is not None and entry.status == Entry.Status.APPROVED:
        raise ValidationError(_("Voting has started: the entry stays on the ballot."))
    entry.status = Entry.Status.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="contests.entry_withdraw", community=entry.community,
                 target=entry)
    return entry


@transaction.atomic
def entry_moderate(*, actor, entry: Entry, approve: bool, reason: str = "") -> Entry:
    """Approve an entry into the gallery or reject it with a reason the entrant reads."""
    _require(actor, "contests.moderate", entry.contest)
    entry = Entry.objects.select_for_update(of=("self",)).select_related("contest") \
        .get(pk=entry.pk)
    if entry.status == Entry.Status.WITHDRAWN:
        raise ValidationError(_("The entrant has withdrawn this entry."))
    if entry.contest.ballot_id is not None:
        raise ValidationError(_("Voting has started: the entries on the ballot are fixed."))
    reason = reason.strip()
    if "\x00" in reason:
        raise ValidationError({"reason": _("This text contains a character that cannot be "
                                           "stored.")})
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the entry is not accepted.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("At most 1000 characters.")})
    before = entry.status
    entry.status = Entry.Status.APPROVED if approve else Entry.Status.REJECTED
    entry.reject_reason = "" if approve else reason
    entry.moderated_by = actor
    entry.moderated_at = timezone.now()
    entry.save(update_fields=["status", "reject_reason", "moderated_by", "moderated_at",
                              "updated_at"])
    audit_record(actor=actor, action="contests.entry_moderate", community=entry.community,
                 target=entry, before={"status": before},
                 after={"status": entry.status, "reason": entry.reject_reason})
    if entry.entrant is not None:
        title = (_msg(gettext_noop("Your entry “%(title)s” is in the gallery"),
                         {"title": entry.title}) if approve else
                 _msg(gettext_noop("Your entry “%(title)s” was not accepted"),
                         {"title": entry.title}))
        body = "" if approve else _msg(gettext_noop("Reason: %(reason)s"), {"reason": reason})
        users, url = [entry.entrant], contest_url(entry.contest)
        transaction.on_commit(lambda: notification_send(
            users=users, kind="contests.moderated", title=title, body=body, url=url,
            community=entry.contest.community))
    return entry


# --- jury --------------------------------------------------------------------------------

@transaction.atomic
def jury_member_add(*, actor, contest: Contest, user) -> JuryMember:
    _require(actor, "contests.manage", contest)
    member, created = JuryMember.objects.get_or_create(contest=contest, user=user)
    if created:
        audit_record(actor=actor, action="contests.jury_add", community=contest.community,
                     target=contest, after={"user": user.pk})
    return member


def jury_scores_set(*, actor, entry: Entry, scores: dict[str, Any]) -> list[JuryScore]:
    """A juror scores one entry 1–10 on each of the contest's criteria (again = change)."""
    _require(actor, "contests.jury_score", entry.contest)
    if entry.status != Entry.Status.APPROVED:
        raise ValidationError(_("Only entries in the gallery are scored."))
    criteria = entry.contest.jury_criteria
    clean: dict[str, int] = {}
    for criterion in criteria:
        raw = scores.get(criterion)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            raise ValidationError({criterion: _("Give a score from 1 to 10.")}) from None
        if not 1 <= value <= 10:
            raise ValidationError({criterion: _("Give a score from 1 to 10.")})
        clean[criterion] = value
    with transaction.atomic():
        rows = []
        for criterion, value in clean.items():
            row, _created = JuryScore.objects.update_or_create(
                entry=entry, juror=actor, criterion=criterion,
                defaults={"score": value, "scored_at": timezone.now()})
            rows.append(row)
        audit_record(actor=actor, action="contests.jury_score", community=entry.community,
                     target=entry, after=clean)
    return rows


# --- voting and result -------------------------------------------------------------------

def contest_voting_open(*, actor, contest: Contest, now: dt.datetime | None = None) -> Contest:
    """Put the approved entries on a ballot of the decisions app and open it (closing
    at ``voting_closes``, by the decisions periodic job). ``actor=None`` is the periodic
    job."""
    from gongzhi.decisions import services as decisions
    from gongzhi.decisions.models import EligibilityKind, Method, Secrecy
    from gongzhi.projects.phase_actions import phase_is_open_for

    if actor is not None:
        _require(actor, "contests.manage", contest)
    now = now or timezone.now()
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.ballot_id is not None:
            return contest
        if contest.published_at is None or now < contest.submission_closes:
            raise ValidationError(_("Voting opens after the entries close."), code="early")
        if contest.project_id and not phase_is_open_for(contest.project, "contests.vote"):
            raise ValidationError(_("The project's current phase does not open voting on "
                                    "contest entries."), code="phase")
        entries = list(contest.entries.filter(status=Entry.Status.APPROVED).order_by("pk"))
        if len(entries) < 2:
            raise ValidationError(_("At least two entries must be in the gallery before "
                                    "voting opens."), code="entries")
        options = [{"key": e.option_key, "label": (e.proposed_name or e.title)[:200],
                    "description": e.statement[:500]} for e in entries]
        params: dict[str, Any] = {"closes_at": contest.voting_closes}
        if contest.method == VoteMethod.APPROVAL and contest.max_choices:
            params["max_choices"] = contest.max_choices
        ballot = decisions.ballot_create(
            actor=None, community=contest.community, title=contest.title[:200],
            question=_("Vote for the entries of the contest “%(title)s”.")
            % {"title": contest.title},
            method=Method.APPROVAL if contest.method == VoteMethod.APPROVAL
            else Method.PLURALITY,
            options=options, secrecy=Secrecy.SECRET,
            eligibility=EligibilityKind.HOUSEHOLDS if contest.voters == Voters.HOUSEHOLDS
            else EligibilityKind.VERIFIED_RESIDENTS, **params)
        decisions.ballot_open(actor=None, ballot=ballot)
        contest.ballot = ballot
        if contest.voting_opens > now:
            contest.voting_opens = now
        contest.save(update_fields=["ballot", "voting_opens", "updated_at"])
        audit_record(actor=actor, action="contests.voting_open", community=contest.community,
                     target=contest, after={"ballot": ballot.pk, "entries": len(entries)})
        users = list(_members(contest.community, verified_only=True))
        url = contest_url(contest) + "vote/"
        transaction.on_commit(lambda: notification_send(
            users=users, kind="contests.voting", community=contest.community, url=url,
            title=_msg(gettext_noop("Voting is open: %(title)s"), {"title": contest.title}),
            body=_msg(gettext_noop("Look at the entries and vote before %(date)s."),
                         {"date": timezone.localtime(contest.voting_closes)
                          .strftime("%Y-%m-%d %H:%M")})))
    return contest


def jury_means(contest: Contest) -> dict[int, float]:
    """Mean jury score per entry id over all jurors and criteria."""
    rows = (JuryScore.objects.filter(entry__contest=contest).values("entry_id")
            .annotate(mean=Avg("score")))
    return {r["entry_id"]: float(r["mean"]) for r in rows}


def compute_result(contest: Contest) -> list[dict]:
    entries = list(contest.entries.filter(status=Entry.Status.APPROVED).order_by("pk"))
    keys = [e.option_key for e in entries]
    votes: dict[str, int] = {}
    ballots = 0
    ballot = contest.ballot
    if ballot is not None and ballot.result:
        ballots = int(ballot.result.get("ballots", 0))
        votes = {row["key"]: int(Decimal(str(row["value"])))
                 for row in ballot.result.get("rows", [])}
    means = jury_means(contest)
    rows = scoring.combine(keys, votes, ballots,
                           {e.option_key: means.get(e.pk) for e in entries},
                           float(contest.jury_weight))
    by_key = {e.option_key: e for e in entries}
    return [{**r, "entry": by_key[r["key"]].pk, "ballots": ballots}
            for r in scoring.as_json(rows)]


def contest_announce(*, actor, contest: Contest) -> Contest:
    """Close the vote if it is still open, combine it with the jury, publish the result
    and use the winner: a logo contest's winner becomes the community's logo."""
    from gongzhi.decisions import services as decisions
    from gongzhi.decisions.models import BallotState

    _require(actor, "contests.manage", contest)
    if contest.announced_at is not None:
        return contest
    if contest.stage not in (Stage.VOTING, Stage.COUNTING):
        raise ValidationError(_("The result is announced after voting."), code="early")
    if contest.ballot_id is None and not contest.has_jury:
        raise ValidationError(_("Voting never opened on this contest."), code="no_ballot")
    if contest.ballot is not None and contest.ballot.state == BallotState.OPEN:
        decisions.ballot_close(actor=None, ballot=contest.ballot)
    with transaction.atomic():
        contest = Contest.objects.select_for_update(of=("self",)).select_related(
            "ballot", "community").get(pk=contest.pk)
        result = compute_result(contest)
        winner = None
        if result and (result[0]["votes"] or result[0]["jury_mean"] is not None):
            winner = Entry.objects.get(pk=result[0]["entry"])
        contest.result = {"rows": result, "jury_weight": str(contest.jury_weight),
                          "computed_at": timezone.now().isoformat()}
        contest.winner = winner
        contest.announced_at = timezone.now()
        contest.save(update_fields=["result", "winner", "announced_at", "updated_at"])
        if winner is not None and contest.kind == Kind.LOGO and winner.image:
            community = contest.community
            community.logo = winner.image.name
            community.save(update_fields=["logo", "updated_at"])
        if winner is not None and contest.kind == Kind.NAMING and winner.proposed_name:
            _rename_space(actor, contest, winner)
        audit_record(actor=actor, action="contests.announce", community=contest.community,
                     target=contest, after={"winner": getattr(winner, "pk", None),
                                            "rows": len(result)})
        users = list(_members(contest.community))
        url = contest_url(contest) + "results/"
        title = _msg(gettext_noop("Result of %(title)s: %(winner)s"),
                        {"title": contest.title,
                         "winner": (winner.proposed_name or winner.title) if winner else "—"})
        transaction.on_commit(lambda: notification_send(
            users=users, kind="contests.result", community=contest.community, url=url,
            title=title))
    return contest


def _rename_space(actor, contest: Contest, winner: Entry) -> None:
    """A naming contest's winner becomes the space's name (its history keeps the old)."""
    from gongzhi.spaces.services import space_rename_by_decision

    space = contest.space or winner.space
    if space is None:
        return
    space_rename_by_decision(
        actor=actor, space=space, name=winner.proposed_name,
        decided_by=_("Chosen in the contest “%(title)s”.") % {"title": contest.title})


def contests_open_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic: open voting on published contests whose ``voting_opens`` has passed."""
    now = now or timezone.now()
    opened = skipped = 0
    due = Contest.objects.filter(published_at__isnull=False, ballot__isnull=True,
                                 announced_at__isnull=True, voting_opens__lte=now,
                                 voting_closes__gt=now)
    for contest in due:
        try:
            contest_voting_open(actor=None, contest=contest, now=now)
            opened += 1
        except ValidationError:
            skipped += 1
    return {"opened": opened, "skipped": skipped}


def entries_anonymise_for(user) -> int:
    """Account deletion: entries under CC BY or community use stay, anonymously; entries
    under "all rights reserved" are withdrawn and their picture and text removed."""
    kept = Entry.objects.filter(entrant=user).exclude(licence=Licence.RESERVED)
    n = kept.update(entrant=None, anonymised=True, show_name=False)
    for entry in Entry.objects.filter(entrant=user, licence=Licence.RESERVED):
        if entry.image:
            entry.image.delete(save=False)
        Entry.objects.filter(pk=entry.pk).update(
            entrant=None, anonymised=True, show_name=False, image="", alt_text="",
            statement="", title="—", proposed_name="",
            status=Entry.Status.WITHDRAWN if entry.contest.ballot_id is None
            else entry.status)
        n += 1
    return n
