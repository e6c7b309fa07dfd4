from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gongzhi.core.models import AuditEntry
from gongzhi.deliberation import services
from gongzhi.deliberation.models import Conversation, Participant, Snapshot, Statement, Vote
from gongzhi.deliberation.text import normalize, similarity


def test_vote_is_one_per_participant_and_statement_and_changes_idempotently(
        personas, conversation, django_capture_on_commit_callbacks):
    s = conversation.statements.get(number=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(actor=personas.verified, statement=s, value=1)
    assert Snapshot.objects.filter(conversation=conversation).count() == 1
    services.vote_cast(actor=personas.verified, statement=s, value=1)
    services.vote_cast(actor=personas.verified, statement=s, value=-1)
    assert Vote.objects.filter(statement=s).count() == 1
    assert Vote.objects.get(statement=s).value == -1
    assert Participant.objects.filter(conversation=conversation).count() == 1
    p = Participant.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(conversation=conversation, statement=s, participant=p, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.filter(statement=s).update(value=2)


def test_vote_value_checked(personas, conversation):
    s = conversation.statements.get(number=0)
    with pytest.raises(ValidationError):
        services.vote_cast(actor=personas.verified, statement=s, value=2)


def test_snapshot_is_debounced(personas, conversation, django_capture_on_commit_callbacks,
                               monkeypatch):
    from gongzhi.deliberation import tasks

    queued = []

    class FakeTask:
        def get_backend(self):
            return type("B", (), {"supports_defer": False})()

        def enqueue(self, pk):
            queued.append(pk)

    monkeypatch.setattr(tasks, "compute_snapshot", FakeTask())
    s0, s1 = conversation.statements.all()[:2]
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(actor=personas.verified, statement=s0, value=1)
        services.vote_cast(actor=personas.owner, statement=s1, value=-1)
    assert queued == [conversation.pk]  # one task for both votes
    conversation.refresh_from_db()
    assert conversation.snapshot_pending
    snap = services.snapshot_compute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert not conversation.snapshot_pending
    assert snap.vote_count == 2 and snap.participant_count == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(actor=personas.verified, statement=s1, value=0)
    assert queued == [conversation.pk, conversation.pk]


def test_normalisation_and_similarity():
    assert normalize("锅炉房，应该建花园！ ") == normalize("锅炉房应该建花园")
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert similarity(normalize("锅炉房旧址应该建成社区花园"),
                      normalize("锅炉房旧址应该建成社区花圃")) >= 0.8
    assert similarity(normalize("锅炉房旧址应该建成社区花园"),
                      normalize("锅炉房旧址应该建成停车场")) < 0.8


def test_near_identical_statement_is_offered_instead(personas, conversation):
    r = services.statement_submit(actor=personas.verified, conversation=conversation,
                                  text="锅炉房旧址，应该建成社区花园！")
    assert r.duplicate and r.statement.number == 0
    assert conversation.statements.count() == 8
    r = services.statement_submit(actor=personas.verified, conversation=conversation,
                                  text="花园里要留出晾晒被子的地方")
    assert not r.duplicate and r.statement.status == Statement.Status.ACCEPTED
    assert r.statement.author.user == personas.verified
    assert AuditEntry.objects.filter(action="deliberation.statement_submit").count() == 1


def test_statement_length_and_null_bytes(personas, conversation):
    with pytest.raises(ValidationError) as exc:
        services.statement_submit(actor=personas.verified, conversation=conversation,
                                  text="长" * 141)
    assert "text" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.statement_submit(actor=personas.verified, conversation=conversation,
                                  text="有空字符\x00的观点")
    with pytest.raises(ValidationError):
        services.statement_submit(actor=personas.verified, conversation=conversation,
                                  text="！！！！！！")


def test_pre_moderation_and_hiding_needs_a_reason(personas, conversation):
    conversation.moderation = Conversation.Moderation.PRE
    conversation.save()
    r = services.statement_submit(actor=personas.verified, conversation=conversation,
                                  text="晚上的灯光不要太亮")
    assert r.statement.status == Statement.Status.PENDING
    with pytest.raises(ValidationError):
        services.vote_cast(actor=personas.owner, statement=r.statement, value=1)
    with pytest.raises(ValidationError):
        services.statement_moderate(actor=personas.worker, statement=r.statement,
                                    status=Statement.Status.HIDDEN, reason="")
    services.statement_moderate(actor=personas.worker, statement=r.statement,
                                status=Statement.Status.HIDDEN, reason="与问题无关")
    r.statement.refresh_from_db()
    assert r.statement.status == "hidden" and r.statement.moderation_reason == "与问题无关"
    entry = AuditEntry.objects.get(action="deliberation.statement_moderate")
    assert entry.reason == "与问题无关"
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=r.statement.pk).update(moderation_reason="")


def test_conversation_validation(personas):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(ValidationError):
        services.conversation_create(actor=personas.worker, community=personas.community,
                                     question="问题问题", opens_at=now,
                                     closes_at=now - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.conversation_create(actor=personas.worker, community=personas.community,
                                     question="问题问题", statement_max_length=500)


def test_snapshot_groups_and_personal_data(personas, conversation):
    from gongzhi.accounts.services import user_delete
    from gongzhi.deliberation.personal_data import deliberation
    from gongzhi.testing.factories import UserFactory, make_member

    statements = list(conversation.statements.all())
    people = [make_member(UserFactory(), personas.community, "tenant") for _ in range(40)]
    for i, user in enumerate(people):
        side = 1 if i % 2 else -1
        for s in statements:
            value = 1 if s.number == 0 else (side if s.number % 2 else -side)
            services.vote_cast(actor=user, statement=s, value=value)
    snap = services.snapshot_compute(conversation_id=conversation.pk)
    assert snap.k == 2
    assert {g["size"] for g in snap.data["groups"]} == {20}
    assert snap.data["consensus"]["agree"][0]["statement"] == 0
    exported = deliberation(people[0])
    assert len(exported["conversations"][0]["votes"]) == 8
    user_delete(user=people[0])
    assert not Participant.objects.filter(user=people[0]).exists()
    assert Vote.objects.filter(conversation=conversation).count() == 320  # votes stay
