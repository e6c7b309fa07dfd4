"""Every write to deliberation: one transaction each, permission-checked, audited.

Votes are not audited one by one (they are the record themselves, one row per participant
and statement); everything workers do is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import ratelimit
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.deliberation.models import (
    STATEMENT_MIN,
    Conversation,
    Participant,
    Snapshot,
    Statement,
    Vote,
)
from gongzhi.deliberation.text import most_similar, normalize

CONVERSATION_FIELDS = ["question", "description", "moderation", "state", "voters",
                       "statement_max_length", "opens_at", "closes_at", "project"]


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _clean_text(value: str, field: str, *, maximum: int, minimum: int = 1) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: _("The text contains a null character.")})
    if len(value) < minimum:
        raise ValidationError({field: _("Write at least %(n)d characters.") % {"n": minimum}})
    if len(value) > maximum:
        raise ValidationError(
            {field: _("Keep it to %(n)d characters or fewer (now %(len)d).")
             % {"n": maximum, "len": len(value)}})
    return value


def _validate_conversation(data: dict) -> None:
    if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
        raise ValidationError({"closes_at": _("The closing time must be after the opening.")})
    if not 140 <= int(data.get("statement_max_length") or 140) <= 280:
        raise ValidationError(
            {"statement_max_length": _("Choose between 140 and 280 characters.")})


@transaction.atomic
def conversation_create(
    *, actor, community, question: str, description: str = "",
    moderation: str = Conversation.Moderation.POST, voters: str = Conversation.Voters.VERIFIED,
    statement_max_length: int = 140, opens_at=None, closes_at=None, project=None,
    state: str = Conversation.State.DRAFT, seeds: list[str] | tuple[str, ...] = (),
) -> Conversation:
    _require(actor, "deliberation.manage_conversations", community)
    if project is not None and project.community_id != community.pk:
        raise ValidationError({"project": _("The project belongs to another community.")})
    data = {"opens_at": opens_at, "closes_at": closes_at,
            "statement_max_length": statement_max_length}
    _validate_conversation(data)
    conversation = Conversation.objects.create(
        community=community, project=project,
        question=_clean_text(question, "question", maximum=200, minimum=4),
        description=_clean_text(description, "description", maximum=4000, minimum=0),
        moderation=moderation, voters=voters, statement_max_length=statement_max_length,
        opens_at=opens_at, closes_at=closes_at, state=state, created_by=actor)
    audit_record(actor=actor, action="deliberation.conversation_create", community=community,
                 target=conversation, after=snapshot(conversation, CONVERSATION_FIELDS))
    for text in seeds:
        if text and text.strip():
            _statement_add(conversation, text, author=None, is_seed=True,
                           status=Statement.Status.ACCEPTED)
    return conversation


@transaction.atomic
def conversation_update(*, actor, conversation: Conversation, **changes) -> Conversation:
    _require(actor, "deliberation.manage_conversation", conversation)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    before = snapshot(conversation, CONVERSATION_FIELDS)
    unknown = set(changes) - set(CONVERSATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if "question" in changes:
        changes["question"] = _clean_text(changes["question"], "question", maximum=200,
                                          minimum=4)
    if "description" in changes:
        changes["description"] = _clean_text(changes["description"], "description",
                                             maximum=4000, minimum=0)
    merged = {f: changes.get(f, getattr(conversation, f)) for f in
              ("opens_at", "closes_at", "statement_max_length")}
    _validate_conversation(merged)
    for field, value in changes.items():
        setattr(conversation, field, value)
    conversation.save()
    audit_record(actor=actor, action="deliberation.conversation_update",
                 community=conversation.community, target=conversation, before=before,
                 after=snapshot(conversation, CONVERSATION_FIELDS))
    return conversation


def _statement_add(conversation, text, *, author, is_seed, status) -> Statement:
    with transaction.atomic():
        # numbers are handed out under a lock on the conversation row
        Conversation.objects.select_for_update(no_key=True).filter(pk=conversation.pk).first()
        last = conversation.statements.aggregate(m=Max("number"))["m"]
        return Statement.objects.create(
            conversation=conversation, number=0 if last is None else last + 1, text=text,
            normalized=normalize(text)[:280], author=author, is_seed=is_seed, status=status)


@dataclass
class Submitted:
    statement: Statement
    duplicate: bool  # True: an existing near-identical statement, offered instead


def similar_statement(conversation: Conversation, text: str) -> Statement | None:
    """A shown or waiting statement of the conversation near-identical to ``text``."""
    norm = normalize(text)
    candidates = list(conversation.statements.exclude(status=Statement.Status.HIDDEN)
                      .values_list("pk", "normalized"))
    found = most_similar(norm, candidates)
    if found is None:
        return None
    return conversation.statements.get(pk=found[0])


@transaction.atomic
def statement_submit(*, actor, conversation: Conversation, text: str,
                     allow_similar: bool = False) -> Submitted:
    """A resident adds a statement; a near-identical one is offered instead (not created).

    Under pre-moderation the statement waits for a worker; otherwise it is shown at once.
    """
    _require(actor, "deliberation.propose_statement", conversation)
    text = _clean_text(text, "text", maximum=conversation.statement_max_length,
                       minimum=STATEMENT_MIN)
    if not normalize(text):
        raise ValidationError({"text": _("Write a statement in words.")})
    existing = similar_statement(conversation, text)
    if existing is not None and not allow_similar:
        return Submitted(existing, True)
    ratelimit.hit("statement", user=actor)
    participant = participant_for(actor, conversation, create=True)
    status = (Statement.Status.PENDING if conversation.moderation ==
              Conversation.Moderation.PRE else Statement.Status.ACCEPTED)
    statement = _statement_add(conversation, text, author=participant, is_seed=False,
                               status=status)
    audit_record(actor=actor, action="deliberation.statement_submit",
                 community=conversation.community, target=statement,
                 after={"number": statement.number, "status": status})
    return Submitted(statement, False)


@transaction.atomic
def statement_add_seed(*, actor, conversation: Conversation, text: str) -> Statement:
    _require(actor, "deliberation.manage_conversation", conversation)
    text = _clean_text(text, "text", maximum=conversation.statement_max_length,
                       minimum=STATEMENT_MIN)
    statement = _statement_add(conversation, text, author=None, is_seed=True,
                               status=Statement.Status.ACCEPTED)
    audit_record(actor=actor, action="deliberation.statement_seed",
                 community=conversation.community, target=statement,
                 after={"number": statement.number})
    return statement


@transaction.atomic
def statement_moderate(*, actor, statement: Statement, status: str, reason: str = ""
                       ) -> Statement:
    """Accept (show) or hide a statement; hiding needs a reason, which is kept."""
    _require(actor, "deliberation.moderate", statement)
    if status not in (Statement.Status.ACCEPTED, Statement.Status.HIDDEN):
        raise ValidationError({"status": _("Choose to show or to hide the statement.")})
    reason = _clean_text(reason, "reason", maximum=300, minimum=0)
    if status == Statement.Status.HIDDEN and not reason:
        raise ValidationError({"reason": _("Say why the statement is hidden.")})
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    before = {"status": statement.status, "reason": statement.moderation_reason}
    statement.status = status
    statement.moderation_reason = reason
    statement.moderated_by = actor
    statement.moderated_at = timezone.now()
    statement.save()
    audit_record(actor=actor, action="deliberation.statement_moderate",
                 community=statement.conversation.community, target=statement, before=before,
                 after={"status": status, "reason": reason}, reason=reason)
    _request_snapshot(statement.conversation_id)
    return statement


def participant_for(user, conversation: Conversation, *, create: bool = False
                    ) -> Participant | None:
    if user is None or not user.is_authenticated:
        return None
    found = Participant.objects.filter(conversation=conversation, user=user).first()
    if found is not None or not create:
        return found
    with transaction.atomic():
        # numbers are handed out under a lock on the conversation row
        Conversation.objects.select_for_update(no_key=True).filter(pk=conversation.pk).first()
        found = Participant.objects.filter(conversation=conversation, user=user).first()
        if found is not None:
            return found
        last = conversation.participants.aggregate(m=Max("number"))["m"]
        return Participant.objects.create(conversation=conversation, user=user,
                                          number=0 if last is None else last + 1)


@transaction.atomic
def vote_cast(*, actor, statement: Statement, value: int) -> Vote:
    """Agree (1), disagree (-1) or pass (0); voting again changes the vote (idempotent)."""
    conversation = statement.conversation
    _require(actor, "deliberation.vote", conversation)
    if value not in (-1, 0, 1):
        raise ValidationError({"value": _("Choose agree, disagree or pass.")})
    if statement.status != Statement.Status.ACCEPTED:
        raise ValidationError({"statement": _("This statement is not open for votes.")})
    participant = participant_for(actor, conversation, create=True)
    vote, created = Vote.objects.select_for_update().get_or_create(
        participant=participant, statement=statement,
        defaults={"conversation": conversation, "value": value})
    changed = not created and vote.value != value
    if changed:
        vote.value = value
        vote.save(update_fields=["value", "updated_at"])
    if created or changed:
        _request_snapshot(conversation.pk)
    return vote


# ------------------------------------------------------------------------------------------
# Snapshots: requested after writes (debounced), computed by the background task


DEBOUNCE_SECONDS = 10


def _request_snapshot(conversation_id: int) -> None:
    """After commit, queue one snapshot task unless one is already waiting (debounce).

    The flag is set outside the vote's transaction, so votes never wait on each other for
    the conversation row.
    """
    transaction.on_commit(lambda: queue_snapshot(conversation_id))


def queue_snapshot(conversation_id: int) -> bool:
    queued = Conversation.objects.filter(pk=conversation_id, snapshot_pending=False).update(
        snapshot_pending=True)
    if not queued:
        return False
    import datetime as dt

    from gongzhi.deliberation import tasks

    task = tasks.compute_snapshot
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=DEBOUNCE_SECONDS))
    task.enqueue(conversation_id)
    return True


def snapshot_compute(*, conversation_id: int) -> Snapshot | None:
    """Compute the opinion map from all current votes, warm-started from the last one.

    Runs in the background task. Clears the pending flag first, so votes that arrive during
    the computation queue the next snapshot.
    """
    from gongzhi.deliberation.engine import VoteMatrix, compute

    Conversation.objects.filter(pk=conversation_id).update(snapshot_pending=False)
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    rows = list(Vote.objects.filter(conversation_id=conversation_id)
                .exclude(statement__status=Statement.Status.PENDING)
                .values_list("participant__number", "statement__number", "value",
                             "updated_at").order_by("updated_at", "pk"))
    hidden = set(conversation.statements.filter(status=Statement.Status.HIDDEN)
                 .values_list("number", flat=True))
    previous = conversation.snapshots.order_by("-computed_at", "-pk").first()
    started = time.perf_counter()
    if rows:
        pid, tid, val, when = zip(*rows, strict=True)
        stamps = [w.timestamp() for w in when]
        matrix = VoteMatrix.from_votes(list(pid), list(tid), list(val), stamps)
        result = compute(matrix, moderated_out=hidden,
                         state=previous.state if previous else None)
        data = snapshot_data(result, matrix)
        state = result.state
        k = result.k
        last_vote = max(when)
    else:
        data, state, k, last_vote = empty_data(), {}, 0, None
    return Snapshot.objects.create(
        conversation=conversation, vote_count=len(rows),
        participant_count=len({r[0] for r in rows}), last_vote_at=last_vote,
        seconds=time.perf_counter() - started, k=k, data=data, state=state)


def empty_data() -> dict:
    return {"participants": {}, "groups": [], "consensus": {"agree": [], "disagree": []},
            "group_informed": [], "priority": {}, "stats": {}}


def snapshot_data(result, matrix) -> dict:
    import numpy as np

    groups = []
    for gid in result.group_ids:
        members = result.group == gid
        centre = result.projection[members].mean(0) if members.any() else np.zeros(2)
        groups.append({
            "id": int(gid), "size": int(members.sum()),
            "center": [round(float(centre[0]), 4), round(float(centre[1]), 4)],
            "repness": [
                {k: r[k] for k in ("statement", "repful_for", "n_success", "n_trials",
                                   "p_success", "repness")}
                for r in result.repness.get(gid, [])
            ],
        })
    participants = {
        str(int(p)): [round(float(x), 4), round(float(y), 4), int(g)]
        for p, (x, y), g in zip(result.participants, result.projection, result.group,
                                strict=True)
    }
    m = matrix.shape[1]
    c, v = matrix.cols, matrix.vals
    agree = np.bincount(c[v > 0], minlength=m)
    disagree = np.bincount(c[v < 0], minlength=m)
    seen = np.bincount(c, minlength=m)
    stats = {str(int(t)): [int(agree[j]), int(disagree[j]), int(seen[j] - agree[j]
                                                                  - disagree[j])]
             for j, t in enumerate(matrix.statements)}
    return {
        "participants": participants,  # number -> [x, y, group or -1]
        "groups": groups,
        "consensus": result.consensus,
        "group_informed": result.group_informed(),
        "priority": {str(int(t)): float(p) for t, p in zip(result.statements,
                                                           result.priority, strict=True)},
        "stats": stats,  # statement number -> [agree, disagree, pass]
        "k": result.k,
    }
