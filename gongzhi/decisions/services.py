"""Every write to ballots: create, open (freeze eligibility), vote, change, withdraw, paper
entry, close (count with the engine), import from Pabulib.

Integrity under concurrency (see docs/decisions.md):

* a vote locks the voter's eligibility row (``SELECT ... FOR UPDATE``), so two requests of
  one voter run one after the other; ``VoterRecord`` is unique per (ballot, voter key), so
  even a path that forgot the lock cannot store a second ballot;
* a vote (change, withdrawal) writes its voter record and a sealed ``PendingEntry`` and
  returns the receipt: it holds a KEY SHARE lock on the ballot row, never the chain head,
  so votes do not wait for each other; closing takes ``FOR UPDATE`` on the ballot row and
  so waits for votes in flight, and no vote is recorded after the close;
* the sequencer (:func:`ballot_seal`) is the only writer of contents and of vote entries
  in the chain: it holds the ``LogHead`` lock, writes a batch of pending entries in a
  CSPRNG-shuffled order and deletes them, in one transaction; the close drains it first;
* a PB content's total cost is checked before the vote is accepted, and a check constraint
  (``total_cost <= budget_limit``) refuses anything over budget in the database itself.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from gongzhi.accounts.models import Membership
from gongzhi.core.audit import audit_record
from gongzhi.core.db import prepared_cursor
from gongzhi.core.uploads import image_prepare
from gongzhi.decisions import chain, seal, selectors, tally
from gongzhi.decisions.engine.rules import UnknownRuleError, resolve_rule
from gongzhi.decisions.engine.tiebreak import TieBreak
from gongzhi.decisions.models import (
    OPTION_IMAGE_DIR,
    Ballot,
    BallotState,
    Channel,
    Eligibility,
    EligibilityKind,
    LogEntry,
    LogHead,
    Method,
    Option,
    PendingEntry,
    Secrecy,
    VoterRecord,
)
from gongzhi.decisions.phases import require_phase_for_vote
from gongzhi.places.models import Household, Tenure

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RNG = secrets.SystemRandom()  # shuffles batches: a CSPRNG, so no seed predicts an order
logger = logging.getLogger(__name__)


class AlreadyVoted(ValidationError):
    """The voter key already has a ballot (API: 409)."""


class NotVoted(ValidationError):
    """Change of a ballot that does not exist (API: 409)."""


def error_code(exc: ValidationError) -> str | None:
    """The first error code of a (possibly field-keyed) ValidationError."""
    if getattr(exc, "code", None):
        return exc.code
    errors = (exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list])
    for group in errors:
        for err in group:
            if getattr(err, "code", None):
                return err.code
    return None


@dataclass
class Receipt:
    receipt_hash: str
    content: dict[str, Any]
    code: str | None = None   # shown once; None when the caller did not create it now
    created: bool = False
    changed: bool = False


def new_receipt_code() -> str:
    """16 characters of the 32-letter alphabet: 80 random bits, 5 per character (one call
    to the system's generator instead of sixteen)."""
    bits = int.from_bytes(secrets.token_bytes(10), "big")
    raw = "".join(RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def _frac(value) -> Fraction:
    return Fraction(str(value))


def _dec(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- the chain


def _append(ballot: Ballot, action: str, payload: dict[str, Any],
            head: LogHead | None = None) -> LogEntry:
    """Append one entry; ``head`` must already be locked by the caller if given."""
    if head is None:
        head = LogHead.objects.select_for_update().get(ballot=ballot)
    seq = head.seq + 1
    at = timezone.now().isoformat()
    body = chain.entry_body(str(ballot.uid), seq, action, payload, at)
    digest = chain.entry_hash(head.hash, body)
    entry = LogEntry.objects.create(ballot=ballot, seq=seq, action=action, payload=payload,
                                    at=at, prev_hash=head.hash, hash=digest)
    LogHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
    head.seq, head.hash = seq, digest
    return entry


def _locked_head_and_state(ballot: Ballot) -> tuple[LogHead, str]:
    head = LogHead.objects.select_for_update().get(ballot=ballot)
    state = Ballot.objects.filter(pk=ballot.pk).values_list("state", flat=True).get()
    return head, state


# --------------------------------------------------------------------------- create / open


def _check_fraction(name: str, text: str) -> None:
    try:
        value = _frac(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValidationError({name: _("Enter a fraction such as 1/2 or 0.5.")}) from None
    if not 0 <= value <= 1:
        raise ValidationError({name: _("Enter a share between 0 and 1.")})


def ballot_create(*, actor, community, title: str, method: str, options: list[dict[str, Any]],
                  question: str = "", eligibility: str = EligibilityKind.VERIFIED_RESIDENTS,
                  secrecy: str = Secrecy.SECRET, **params: Any) -> Ballot:
    """Create a draft ballot. ``options``: ``[{"key", "label", "cost"?, "description"?}]``
    (yes/no and agree/disagree ballots get theirs automatically)."""
    if actor is not None and not actor.has_perm("decisions.manage_ballot", community):
        raise PermissionDenied
    fixed = _fixed_options(method)
    if fixed is not None:
        options = fixed
    if method == Method.ART278:
        secrecy = Secrecy.OPEN  # Art. 278 votes are signed by law
    ballot = Ballot(community=community, title=title, question=question, method=method,
                    eligibility=eligibility, secrecy=secrecy, created_by=actor, **params)
    errors: dict[str, list[str]] = {}
    if method not in Method.values:
        errors["method"] = [_("Choose a voting method.")]
    option_rows = _checked_options(method, options, errors)
    if method == Method.PB:
        errors.update(_pb_errors(ballot))
    if method == Method.ART278 and not (ballot.art278_item and 1 <= ballot.art278_item <= 9):
        errors["art278_item"] = [_("Give the item of Art. 278 (1-9).")]
    errors.update(_link_errors(ballot, community, eligibility))
    for name in ("quorum", "approval_threshold"):
        try:
            _check_fraction(name, getattr(ballot, name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ballot.full_clean(exclude=["created_by"])
        ballot.save()
        for row in option_rows:
            row.ballot = ballot
        Option.objects.bulk_create(option_rows)
        LogHead.objects.create(ballot=ballot)
        audit_record(actor=actor, action="decisions.ballot_create", community=community,
                     target=ballot, after={"title": title, "method": method})
    return ballot


OPTION_IMAGE_MAX_SIDE = 1600  # px: sharp on a phone, light on a slow network


def option_image_stage(*, upload: UploadedFile) -> str:
    """Store an option's picture before its ballot exists (the wizard previews first):
    checked and re-encoded by ``core.uploads`` (detected type, no metadata, random name),
    scaled down to at most 1600 px a side, saved under ``ballots/options/``. Returns the
    stored name, which ``ballot_create`` takes as an option's ``image``."""
    prepared = image_prepare(upload)
    img = Image.open(prepared)
    fmt = img.format or "JPEG"
    if max(img.size) > OPTION_IMAGE_MAX_SIDE:
        img.thumbnail((OPTION_IMAGE_MAX_SIDE, OPTION_IMAGE_MAX_SIDE))
        out = io.BytesIO()
        img.save(out, format=fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
        out.seek(0)
        content: Any = ContentFile(out.getvalue())
    else:
        prepared.seek(0)
        content = prepared
    return default_storage.save(OPTION_IMAGE_DIR + str(prepared.name), content)


def _option_image(value: Any, n: int, messages: list[str]) -> str:
    """An option's ``image``: a name stored by :func:`option_image_stage`, or an upload
    (prepared here). Anything else — a path outside ``ballots/options/``, a missing
    file — is refused, so no client can point an option at another file."""
    if not value:
        return ""
    if isinstance(value, UploadedFile):
        try:
            return option_image_stage(upload=value)
        except ValidationError as exc:
            messages.extend(_("Option %(n)s: %(message)s") % {"n": n, "message": m}
                            for m in exc.messages)
            return ""
    name = str(value)
    if (not name.startswith(OPTION_IMAGE_DIR) or ".." in name or "\x00" in name
            or not default_storage.exists(name)):
        messages.append(_("Option %(n)s: the picture is missing. Choose it again.")
                        % {"n": n})
        return ""
    return name


def _checked_options(method: str, options: list[dict[str, Any]],
                     errors: dict[str, list[str]]) -> list[Option]:
    """Enough options, each with its own key, within the model's limits."""
    if len(options) < (1 if method == Method.PB else 2):
        errors["options"] = [_("Give at least two options.")]
    keys = [str(o.get("key", "")).strip() for o in options]
    if any(not k for k in keys) or len(set(keys)) != len(keys):
        errors["options"] = [_("Every option needs a distinct key.")]
    return _option_rows(keys, options, errors)


def _fixed_options(method: str) -> list[dict[str, Any]] | None:
    """The options of yes/no and Art. 278 ballots (None: the worker gives them)."""
    if method == Method.MAJORITY:
        return [{"key": "yes", "label": _("Yes")}, {"key": "no", "label": _("No")},
                {"key": "abstain", "label": _("Abstain")}]
    if method == Method.ART278:
        return [{"key": "agree", "label": _("Agree")},
                {"key": "disagree", "label": _("Disagree")},
                {"key": "abstain", "label": _("Abstain")}]
    return None


def _pb_errors(ballot: Ballot) -> dict[str, list[str]]:
    """A participatory budget: a known rule and tie-break, a budget above zero."""
    errors: dict[str, list[str]] = {}
    try:
        resolve_rule(ballot.pb_rule)
    except UnknownRuleError:
        errors["pb_rule"] = [_("Unknown counting rule.")]
    try:
        TieBreak.parse(ballot.tie_break)
    except ValueError:
        errors["tie_break"] = [_("Unknown tie-break key.")]
    if ballot.budget <= 0:
        errors["budget"] = [_("A participatory budget needs a budget above zero.")]
    return errors


def _link_errors(ballot: Ballot, community, eligibility: str) -> dict[str, list[str]]:
    """The building, project and meeting a ballot names are of its community, and the
    electorate that needs one has it."""
    errors: dict[str, list[str]] = {}
    if eligibility == EligibilityKind.BUILDING_OWNERS and ballot.building_id is None:
        errors["building"] = [_("Choose the building.")]
    if ballot.building is not None and ballot.building.community_id != community.pk:
        errors["building"] = [_("This building is in another community.")]
    for name in ("project", "meeting"):
        linked = getattr(ballot, name, None)
        if linked is not None and linked.community_id != community.pk:
            errors[name] = [_("This belongs to another community.")]
    if eligibility == EligibilityKind.MEETING_ATTENDEES and ballot.meeting_id is None:
        errors["meeting"] = [_("Choose the meeting whose attendees vote.")]
    return errors


def _option_rows(keys: list[str], options: list[dict[str, Any]],
                 errors: dict[str, list[str]]) -> list[Option]:
    """Options checked against the model's limits before the database (any form or API
    client inherits this): label length, a cost that is a number of yuan, not negative."""
    rows: list[Option] = []
    messages: list[str] = []
    for i, (k, o) in enumerate(zip(keys, options, strict=True)):
        label = str(o.get("label") or k)
        try:
            cost = Decimal(str(o.get("cost", 0) or 0))
        except (InvalidOperation, ValueError):
            messages.append(_("Option %(n)s: the cost must be a number of yuan.") % {"n": i + 1})
            continue
        if not cost.is_finite() or cost < 0:
            messages.append(_("Option %(n)s: the cost cannot be negative.") % {"n": i + 1})
            continue
        row = Option(key=k, label=label, description=str(o.get("description", "")),
                     cost=cost, position=i,
                     image=_option_image(o.get("image"), i + 1, messages))
        try:
            row.clean_fields(exclude=["ballot"])
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                model_field = Option._meta.get_field(field)
                name = (str(model_field.verbose_name) if isinstance(model_field, models.Field)
                        else field)
                messages.extend(_("Option %(n)s, %(field)s: %(message)s")
                                % {"n": i + 1, "field": name, "message": m} for m in msgs)
            continue
        rows.append(row)
    if messages:
        errors.setdefault("options", []).extend(messages)
    return rows


def _eligible_rows(ballot: Ballot) -> list[Eligibility]:
    kind = ballot.eligibility
    community = ballot.community
    rows: list[Eligibility] = []
    if kind == EligibilityKind.VERIFIED_RESIDENTS:
        members = (Membership.objects.filter(community=community,
                                             status=Membership.Status.VERIFIED,
                                             user__deleted_at__isnull=True)
                   .select_related("user").order_by("user_id"))
        rows = [Eligibility(voter_key=f"u:{m.user_id}", user=m.user, label=m.user.public_name)
                for m in members]
    elif kind == EligibilityKind.MEETING_ATTENDEES:
        meeting = getattr(ballot, "meeting", None)
        if meeting is None:
            raise ValidationError(_("Choose the meeting whose attendees vote."))
        from gongzhi.accounts.models import User
        from gongzhi.meetings.selectors import attendee_user_ids

        users = User.objects.filter(pk__in=attendee_user_ids(meeting)).order_by("pk")
        rows = [Eligibility(voter_key=f"u:{u.pk}", user=u, label=u.public_name) for u in users]
    elif kind == EligibilityKind.HOUSEHOLDS:
        ids = (Membership.objects.filter(community=community, status=Membership.Status.VERIFIED,
                                         household__isnull=False)
               .values_list("household_id", flat=True).distinct())
        households = Household.objects.filter(pk__in=ids).select_related("building", "unit")
        rows = [Eligibility(voter_key=f"h:{h.pk}", household=h, label=str(h))
                for h in households]
    elif kind == EligibilityKind.ORG_REPRESENTATIVES:
        from gongzhi.orgs.models import Organisation

        orgs = (Organisation.objects.alive().filter(community=community,
                                                    members__is_representative=True)
                .distinct().order_by("pk"))
        rows = [Eligibility(voter_key=f"org:{o.pk}", organisation=o, label=o.name)
                for o in orgs]
    else:  # owners, of the community or of one building / unit
        homes = Household.objects.filter(community=community, tenure=Tenure.OWNER)
        if kind == EligibilityKind.BUILDING_OWNERS:
            homes = homes.filter(building=ballot.building)
            if ballot.unit_id:
                homes = homes.filter(unit=ballot.unit)
        by_owner: dict[str, Eligibility] = {}
        for h in homes.select_related("building", "unit").order_by("pk"):
            key = selectors.owner_voter_key(h)
            area = h.floor_area_m2 or Decimal(0)
            if key in by_owner:
                by_owner[key].weight += area
                by_owner[key].label += f", {h}"
            else:
                by_owner[key] = Eligibility(voter_key=key, household=h, owner_key=h.owner_key,
                                            weight=area, label=str(h))
        rows = list(by_owner.values())
    used: set[str] = set()
    for row in rows:
        row.ballot = ballot
        row.label = row.label[:120]
        token = secrets.token_hex(5)
        while token in used:
            token = secrets.token_hex(5)
        used.add(token)
        row.token = token
    return rows


def ballot_open(*, actor, ballot: Ballot) -> Ballot:
    """Freeze who may vote and open the ballot."""
    if actor is not None and not actor.has_perm("decisions.manage_ballot", ballot.community):
        raise PermissionDenied
    with transaction.atomic():
        head, state = _locked_head_and_state(ballot)
        if state != BallotState.DRAFT:
            raise ValidationError(_("Only a draft ballot can be opened."), code="state")
        rows = _eligible_rows(ballot)
        if not rows:
            raise ValidationError(_("Nobody is eligible to vote on this ballot."),
                                  code="no_voters")
        Eligibility.objects.bulk_create(rows, batch_size=1000)
        ballot.eligible_count = len(rows)
        ballot.state = BallotState.OPEN
        ballot.opened_at = timezone.now()
        ballot.save(update_fields=["eligible_count", "state", "opened_at", "updated_at"])
        total_weight = Eligibility.objects.filter(ballot=ballot).aggregate(s=Sum("weight"))["s"]
        _append(ballot, "open", {"config": selectors.ballot_config(ballot),
                                 "eligible_count": len(rows),
                                 "eligible_weight": str(total_weight or 0)}, head)
        audit_record(actor=actor, action="decisions.ballot_open", community=ballot.community,
                     target=ballot, after={"eligible_count": len(rows)})
    return ballot


def ballot_close(*, actor, ballot: Ballot) -> Ballot:
    """Close voting: wait for votes in flight, seal every pending entry, rewrite a secret
    ballot's voter records and contents in random order, count with the engine; the
    result goes into the chain. From then on the database refuses changes to the
    contents, the state and the result (triggers)."""
    if actor is not None and not actor.has_perm("decisions.manage_ballot", ballot.community):
        raise PermissionDenied
    with transaction.atomic():
        head = LogHead.objects.select_for_update().get(ballot=ballot)
        # FOR UPDATE on the ballot row waits for every vote holding its KEY SHARE lock.
        state = (Ballot.objects.select_for_update().filter(pk=ballot.pk)
                 .values_list("state", flat=True).get())
        if state == BallotState.CLOSED:
            ballot.refresh_from_db()
            return ballot
        if state != BallotState.OPEN:
            raise ValidationError(_("Only an open ballot can be closed."), code="state")
        _seal_locked(ballot, head, 1)
        if ballot.is_secret:
            _reshuffle(ballot)
        result = json.loads(chain.canonical(selectors.live_result(ballot)))
        ballot.result = result
        ballot.state = BallotState.CLOSED
        ballot.closed_at = timezone.now()
        ballot.save(update_fields=["result", "state", "closed_at", "updated_at"])
        _append(ballot, "close", {"ballots": result["ballots"],
                                  "result_hash": chain.entry_hash("", result)}, head)
        audit_record(actor=actor, action="decisions.ballot_close", community=ballot.community,
                     target=ballot, after={"ballots": result["ballots"],
                                           "winners": result.get("winners")})
    return ballot


# --------------------------------------------------------------------------- voting


def _content_message(code: str) -> str:
    return {
        "over_budget": _("The projects you chose cost more than the budget."),
        "unknown_option": _("Choose among the options on this ballot."),
        "wrong_type": _("The vote is not in the expected form."),
        "duplicate": _("An option is chosen twice."),
        "too_many": _("You chose more than allowed."),
        "out_of_range": _("A number is outside the allowed range."),
        "empty": _("Rank at least one option."),
    }.get(code, _("This vote cannot be counted."))


def _content_or_error(ballot: Ballot, raw: Any) -> tuple[dict[str, Any], Fraction]:
    try:
        return tally.validate(selectors.vote_config(ballot), raw)
    except tally.ContentError as exc:
        message = f"{_content_message(exc.code)} ({exc})"
        raise ValidationError({"content": [ValidationError(message, code=exc.code)]}) from None


def _voter_row(ballot: Ballot, user, voter_key: str | None) -> Eligibility:
    keys = selectors.eligibility_keys_for_user(ballot, user)
    if voter_key is not None:
        keys = [k for k in keys if k == voter_key]
    row = (Eligibility.objects.select_for_update()
           .filter(ballot=ballot, voter_key__in=keys).order_by("voter_key").first())
    if row is None:
        raise PermissionDenied(_("You are not eligible to vote on this ballot."))
    return row


def _require_open(state: str | None) -> None:
    if state != BallotState.OPEN:
        raise ValidationError(_("This ballot is not open for voting."), code="closed")


def _open_state_shared(ballot: Ballot) -> str | None:
    """The ballot's state under a KEY SHARE lock: many votes hold it at once, closing
    (``FOR UPDATE`` on the ballot row) waits for them and they wait for it, so no vote
    is recorded after the close. Votes never lock the chain head."""
    return _open_state_version(ballot)[0]


def _open_state_version(ballot: Ballot) -> tuple[str | None, Any]:
    """The ballot's state and ``updated_at`` (its version) under the KEY SHARE lock;
    ``(None, None)`` if the row is gone."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT state, updated_at FROM decisions_ballot WHERE id = %s "
                           "FOR KEY SHARE", [ballot.pk])
            row = cursor.fetchone()
    else:
        row = Ballot.objects.filter(pk=ballot.pk).values_list("state", "updated_at").first()
    return (row[0], row[1]) if row else (None, None)


def _enqueue(ballot: Ballot, entry: dict[str, Any]) -> None:
    PendingEntry.objects.create(ballot=ballot, sealed=seal.seal(entry))
    batch = seal_batch_min(ballot)
    transaction.on_commit(lambda: _seal_soon(ballot.pk, batch))


def _seal_soon(ballot_id: int, batch: int) -> None:
    """After a vote commits: hand the ballot to the sequencer once a batch is full
    (``batch`` 0: the caller counted already)."""
    from gongzhi.decisions.tasks import seal_ballot

    if batch <= 0 or PendingEntry.objects.filter(ballot_id=ballot_id).count() >= batch:
        # One waiting sequencer task per ballot is enough: every vote after a full batch
        # would otherwise add one (a row and a commit with the database task backend).
        # The task forgets the mark when it starts; the mark expires in case it never runs.
        if not cache.add(seal_enqueued_key(ballot_id), 1, timeout=SEAL_ENQUEUED_SECONDS):
            return
        try:
            seal_ballot.enqueue(ballot_id)
        except Exception:  # noqa: BLE001 - the periodic job and the close seal it anyway
            cache.delete(seal_enqueued_key(ballot_id))
            logger.exception("could not enqueue the sequencer for a ballot")


SEAL_ENQUEUED_SECONDS = 60


def seal_enqueued_key(ballot_id: int) -> str:
    return f"gz:decisions:seal-enqueued:{ballot_id}"


def seal_batch_min(ballot: Ballot | None) -> int:
    """Smallest batch the sequencer writes while a ballot is open (setting
    ``DECISIONS_SEAL_BATCH_MIN``, default 20): the anonymity set of a vote while the
    ballot is open. Open (non-secret) ballots seal every entry at once."""
    if ballot is not None and not ballot.is_secret:
        return 1
    return max(1, int(getattr(settings, "DECISIONS_SEAL_BATCH_MIN", 20)))


def _receipt_for(ballot: Ballot, record: VoterRecord, receipt_code: str | None) -> str | None:
    if record.receipt_hash:
        return record.receipt_hash
    if receipt_code:
        return chain.receipt_hash(str(ballot.uid), receipt_code)
    return None


# A first online vote on a secret ballot in ONE statement (so one implicit transaction
# and one commit): it takes the KEY SHARE lock on the ballot row and the voter's
# eligibility row FOR UPDATE, inserts the voter record (nothing if the voter has one:
# ON CONFLICT covers both unique constraints) and, only if it did, the sealed pending
# entry (the sequencer is called by batches of this process's votes, see _Tally). The
# same locks, constraints and triggers as the general path below, which handles
# everything else.
_FIRST_VOTE_SQL = """
WITH b AS (SELECT state, updated_at FROM decisions_ballot WHERE id = %(ballot)s
           FOR KEY SHARE),
e AS (SELECT id, voter_key FROM decisions_eligibility
      WHERE ballot_id = %(ballot)s AND {key_condition} FOR UPDATE),
rec AS (INSERT INTO decisions_voterrecord (id, ballot_id, eligibility_id, voter_key, channel,
                                           cast_by_id, secret, receipt_hash, voted_on)
        SELECT %(id)s, %(ballot)s, e.id, e.voter_key, 'online', %(user)s, TRUE, NULL,
               %(today)s
        FROM e, b WHERE b.state = 'open' AND b.updated_at = %(version)s
        ON CONFLICT DO NOTHING RETURNING 1),
pend AS (INSERT INTO decisions_pendingentry (ballot_id, sealed)
         SELECT %(ballot)s, %(sealed)s FROM rec RETURNING 1)
SELECT (SELECT state FROM b), (SELECT updated_at FROM b), (SELECT count(*) FROM e),
       (SELECT count(*) FROM pend)
"""
# One key (nearly every voter): an equality on the unique (ballot, voter_key) index, which
# the prepared statement's generic plan keeps to. Several keys (a representative of several
# organisations, rare): the first of them on the table, as before.
_FIRST_VOTE_ONE_KEY = _FIRST_VOTE_SQL.format(key_condition="voter_key = %(key)s")
_FIRST_VOTE_KEYS = _FIRST_VOTE_SQL.format(
    key_condition="voter_key = ANY(%(keys)s) ORDER BY voter_key LIMIT 1")


def _first_vote_fast(ballot: Ballot, user, keys: list[str], entry: dict[str, Any]) -> bool:
    """True when the vote was recorded; False when the voter already has a record (the
    general path decides what that means). Raises like the general path otherwise."""
    import uuid

    with prepared_cursor(connection) as cursor:
        cursor.execute(_FIRST_VOTE_ONE_KEY if len(keys) == 1 else _FIRST_VOTE_KEYS, {
            "ballot": ballot.pk, "keys": keys, "key": keys[0], "id": uuid.uuid4(),
            "user": user.pk,
            "today": timezone.localdate(), "sealed": seal.seal(entry),
            "version": ballot.updated_at})
        state, version, eligible, inserted = cursor.fetchone()
    if not eligible:
        raise PermissionDenied(_("You are not eligible to vote on this ballot."))
    _require_current(ballot, state, version)
    if not inserted:
        return False
    if _VOTES_SINCE_ENQUEUE.add(ballot.pk, seal_batch_min(ballot)):
        transaction.on_commit(lambda: _seal_soon(ballot.pk, 0))
    return True


class _Tally:
    """Votes this process recorded per ballot since it last handed the ballot to the
    sequencer: the vote's statement does not count the pending table (with the sealed
    rows deleted and not yet vacuumed, that count walked more dead rows with every vote).
    Each process hands a ballot over after every ``batch`` of its own votes (the
    sequencer checks for a full batch itself); entries short of that in every process
    are sealed by the periodic job (``gongzhi tick``, every minute) or at the close."""

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}
        self._lock = threading.Lock()

    def add(self, ballot_id: int, batch: int) -> bool:
        """Count a vote; True when it completes a batch (the count starts again)."""
        with self._lock:
            count = self._counts.get(ballot_id, 0) + 1
            if count >= batch:
                self._counts.pop(ballot_id, None)
                return True
            self._counts[ballot_id] = count
            return False


_VOTES_SINCE_ENQUEUE = _Tally()


class _StaleBallot(Exception):
    """The ballot row changed since the copy the vote was checked against was read."""


def _require_current(ballot: Ballot, state: str | None, version) -> None:
    """Read under the vote's lock: the ballot is open, and it is the version the content
    was checked against (else :class:`_StaleBallot`: check again with the fresh row)."""
    _require_open(state)
    if version != ballot.updated_at:
        raise _StaleBallot


def vote_cast(*, user, ballot: Ballot, content: Any, voter_key: str | None = None,
              receipt_code: str | None = None) -> Receipt:
    """Cast a ballot: the voter record and a sealed pending entry, in one transaction
    that locks only the voter's eligibility row (the sequencer writes the content into
    the chain later, see :func:`ballot_seal`). Casting the same content again is a no-op
    returning the receipt; a different content needs :func:`vote_change`
    (raises :class:`AlreadyVoted`).

    ``ballot`` may be a cached copy (``selectors.ballot_for_vote``): the vote is recorded
    only if the row, read under the vote's lock, is still open and of the same version;
    if it changed, the vote is checked again against the fresh row."""
    for _attempt in range(3):
        try:
            return _vote_cast(user=user, ballot=ballot, content=content,
                              voter_key=voter_key, receipt_code=receipt_code)
        except _StaleBallot:
            selectors.ballot_for_vote_forget(ballot.pk)
            fresh = selectors.ballot_for_vote(ballot.pk)
            if fresh is None:
                raise ValidationError(_("This ballot is not open for voting."),
                                      code="closed") from None
            ballot = fresh
    raise ValidationError(_("This ballot was changed while you voted. Please vote again."),
                          code="closed")


def _vote_cast(*, user, ballot: Ballot, content: Any, voter_key: str | None,
               receipt_code: str | None) -> Receipt:
    clean, total = _content_or_error(ballot, content)
    require_phase_for_vote(user, ballot)  # a project's ballot follows its phase
    code = new_receipt_code()
    receipt = chain.receipt_hash(str(ballot.uid), code)
    if ballot.is_secret and connection.vendor == "postgresql":
        keys = selectors.eligibility_keys_for_user(ballot, user)
        if voter_key is not None:
            keys = [k for k in keys if k == voter_key]
        if not keys:
            raise PermissionDenied(_("You are not eligible to vote on this ballot."))
        sealed_entry = {"action": "vote", "receipt": receipt, "content": clean,
                        "channel": Channel.ONLINE, "total": str(_dec(total))}
        if _first_vote_fast(ballot, user, keys, sealed_entry):
            return Receipt(receipt, clean, code, created=True)
    try:
        with transaction.atomic():
            row = _voter_row(ballot, user, voter_key)
            _require_current(ballot, *_open_state_version(ballot))
            record = VoterRecord.objects.filter(ballot=ballot, eligibility=row).first()
            if record is not None:
                mine = _receipt_for(ballot, record, receipt_code)
                if mine and selectors.current_content(ballot, mine, Channel.ONLINE) == clean:
                    return Receipt(mine, clean, receipt_code)
                raise AlreadyVoted(_("You have already voted on this ballot."),
                                   code="already_voted")
            VoterRecord.objects.create(
                ballot=ballot, eligibility=row, voter_key=row.voter_key,
                channel=Channel.ONLINE, cast_by=user, secret=ballot.is_secret,
                receipt_hash=None if ballot.is_secret else receipt,
                voted_on=timezone.localdate())
            entry: dict[str, Any] = {"action": "vote", "receipt": receipt, "content": clean,
                                     "channel": Channel.ONLINE, "total": str(_dec(total))}
            if not ballot.is_secret:
                entry["voter"] = row.token
            _enqueue(ballot, entry)
    except IntegrityError as exc:  # a path without the eligibility lock: the constraint
        raise AlreadyVoted(_("You have already voted on this ballot."),
                           code="already_voted") from exc
    return Receipt(receipt, clean, code, created=True)


def _owned_receipt(ballot: Ballot, record: VoterRecord, receipt_code: str | None
                   ) -> tuple[str, dict[str, Any]]:
    if record.channel != Channel.ONLINE:
        raise ValidationError(_("A paper ballot cannot be changed online."), code="paper")
    receipt = _receipt_for(ballot, record, receipt_code)
    existing = selectors.current_content(ballot, receipt, Channel.ONLINE) if receipt else None
    if not receipt or existing is None:
        raise ValidationError(
            {"receipt_code": [_("On a secret ballot, give the receipt code you got when you "
                                "voted; only it can find your ballot.")]},
            code="receipt_needed")
    return receipt, existing


def vote_change(*, user, ballot: Ballot, content: Any, voter_key: str | None = None,
                receipt_code: str | None = None) -> Receipt:
    """Replace the voter's ballot while the ballot is open (same content: no-op). Like a
    vote, the change is a sealed pending entry; the sequencer applies it."""
    if not ballot.allow_change:
        raise ValidationError(_("Votes on this ballot cannot be changed."), code="no_change")
    clean, total = _content_or_error(ballot, content)
    require_phase_for_vote(user, ballot)  # a project's ballot follows its phase
    with transaction.atomic():
        row = _voter_row(ballot, user, voter_key)
        _require_open(_open_state_shared(ballot))
        record = VoterRecord.objects.filter(ballot=ballot, eligibility=row).first()
        if record is None:
            raise NotVoted(_("You have not voted yet."), code="not_voted")
        receipt, existing = _owned_receipt(ballot, record, receipt_code)
        if existing == clean:
            return Receipt(receipt, clean, receipt_code)
        _enqueue(ballot, {"action": "change", "receipt": receipt, "content": clean,
                          "total": str(_dec(total))})
    return Receipt(receipt, clean, receipt_code, changed=True)


def vote_withdraw(*, user, ballot: Ballot, voter_key: str | None = None,
                  receipt_code: str | None = None) -> bool:
    """Take the voter's ballot back; returns False if there was nothing to withdraw."""
    if not ballot.allow_change:
        raise ValidationError(_("Votes on this ballot cannot be withdrawn."), code="no_change")
    require_phase_for_vote(user, ballot)  # a project's ballot follows its phase
    with transaction.atomic():
        row = _voter_row(ballot, user, voter_key)
        _require_open(_open_state_shared(ballot))
        record = VoterRecord.objects.filter(ballot=ballot, eligibility=row).first()
        if record is None:
            return False
        receipt, _existing = _owned_receipt(ballot, record, receipt_code)
        record.delete()
        _enqueue(ballot, {"action": "withdraw", "receipt": receipt})
    return True


def ballot_open_close_due(now=None) -> dict[str, int]:
    """Open drafts whose ``opens_at`` passed and close open ballots whose ``closes_at``
    passed (run by the periodic job)."""
    now = now or timezone.now()
    opened = closed = 0
    for ballot in Ballot.objects.filter(state=BallotState.DRAFT, opens_at__lte=now):
        try:
            ballot_open(actor=None, ballot=ballot)
            opened += 1
        except ValidationError:
            continue
    for ballot in Ballot.objects.filter(state=BallotState.OPEN, closes_at__lte=now):
        ballot_close(actor=None, ballot=ballot)
        closed += 1
    return {"opened": opened, "closed": closed}


# The sequencer lives in its own module (re-exported here; ballot_close uses it).
from gongzhi.decisions.sequencer import (  # noqa: E402
    _reshuffle,
    _seal_locked,
)
from gongzhi.decisions.sequencer import ballot_seal as ballot_seal  # noqa: E402
from gongzhi.decisions.sequencer import (  # noqa: E402
    ballots_seal_pending as ballots_seal_pending,
)

# Paper ballots and bulk imports live in their own module (re-exported here; it imports
# the helpers above, so this import stays at the end).
from gongzhi.decisions.services_paper import (  # noqa: E402
    ballot_import_pabulib as ballot_import_pabulib,
)
from gongzhi.decisions.services_paper import paper_entry_add as paper_entry_add  # noqa: E402
from gongzhi.decisions.services_paper import (  # noqa: E402
    paper_voter_mark as paper_voter_mark,
)
from gongzhi.decisions.services_paper import (  # noqa: E402
    votes_bulk_record as votes_bulk_record,
)
