"""Ballot services: eligibility, secrecy, receipts, idempotency, budgets, paper, chain."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from gongzhi.accounts.models import Membership, Role
from gongzhi.core.models import AppendOnlyError
from gongzhi.decisions import chain, selectors, services
from gongzhi.decisions.engine import art278, single
from gongzhi.decisions.engine.profile import PBProfile
from gongzhi.decisions.engine.rules import compute
from gongzhi.decisions.models import (
    BallotContent,
    Eligibility,
    LogEntry,
    PaperBallot,
    VoterRecord,
)
from gongzhi.decisions.verify import verify_export
from gongzhi.orgs.models import OrgMember
from gongzhi.places.models import Tenure
from gongzhi.testing.factories import (
    BuildingFactory,
    HouseholdFactory,
    OrganisationFactory,
    UserFactory,
    make_member,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- eligibility


def test_verified_residents_are_frozen_when_the_ballot_opens(make_ballot, personas):
    ballot = make_ballot()
    keys = set(Eligibility.objects.filter(ballot=ballot).values_list("voter_key", flat=True))
    assert keys == {f"u:{personas.verified.pk}", f"u:{personas.owner.pk}"}
    assert ballot.eligible_count == 2
    late = make_member(UserFactory(), personas.community)  # verified after opening
    with pytest.raises(PermissionDenied):
        services.vote_cast(user=late, ballot=ballot, content={"approve": ["a"]})
    assert ballot.log.first().payload["eligible_count"] == 2


def test_pending_residents_and_outsiders_are_not_eligible(make_ballot, personas):
    ballot = make_ballot()
    for name in ("resident", "outsider", "worker"):
        with pytest.raises(PermissionDenied):
            services.vote_cast(user=personas.user(name), ballot=ballot,
                               content={"approve": ["a"]})


def test_one_vote_per_household(make_ballot, personas):
    housemate = make_member(UserFactory(), personas.community, household=personas.household)
    ballot = make_ballot(eligibility="household")
    assert ballot.eligible_count == 1
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    with pytest.raises(services.AlreadyVoted):
        services.vote_cast(user=housemate, ballot=ballot, content={"approve": ["b"]})
    with pytest.raises(PermissionDenied):  # the tenant has no household on record
        services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["a"]})


def test_owners_only_counts_owner_units_with_area(make_ballot, personas):
    HouseholdFactory(building=personas.household.building, tenure=Tenure.PUBLIC_RENTAL)
    other = HouseholdFactory(building=personas.household.building, floor_area_m2=90)
    ballot = make_ballot(eligibility="owners")
    rows = {e.voter_key: e.weight for e in Eligibility.objects.filter(ballot=ballot)}
    assert rows == {f"o:h{personas.household.pk}": Decimal("70.00"),
                    f"o:h{other.pk}": Decimal("90.00")}
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    with pytest.raises(PermissionDenied):
        services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["a"]})


def test_building_owners_and_shared_owner_key(make_ballot, personas):
    building = personas.household.building
    a = HouseholdFactory(building=building, owner_key="CERT-1", floor_area_m2=50)
    HouseholdFactory(building=building, owner_key="CERT-1", floor_area_m2=30)
    HouseholdFactory(building=BuildingFactory(community=personas.community))  # elsewhere
    ballot = make_ballot(eligibility="building_owners", building=building)
    rows = {e.voter_key: e.weight for e in Eligibility.objects.filter(ballot=ballot)}
    assert rows == {f"o:h{personas.household.pk}": Decimal("70.00"),
                    "o:CERT-1": Decimal("80.00")}
    buyer = make_member(UserFactory(), personas.community, Role.OWNER, household=a)
    services.vote_cast(user=buyer, ballot=ballot, content={"approve": ["a"]})


def test_building_owners_needs_a_building(personas):
    with pytest.raises(ValidationError) as exc:
        services.ballot_create(actor=personas.admin, community=personas.community, title="x",
                               method="approval", eligibility="building_owners",
                               options=[{"key": "a"}, {"key": "b"}])
    assert "building" in exc.value.message_dict


def test_organisation_representatives_vote_once_per_organisation(make_ballot, personas):
    org = OrganisationFactory(community=personas.community)
    OrgMember.objects.create(organisation=org, user=personas.verified, is_representative=True)
    OrgMember.objects.create(organisation=org, user=personas.owner, is_representative=True)
    OrgMember.objects.create(organisation=OrganisationFactory(community=personas.community),
                             user=personas.resident, is_representative=False)
    ballot = make_ballot(eligibility="org_reps")
    assert ballot.eligible_count == 1
    services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["a"]})
    with pytest.raises(services.AlreadyVoted):
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["b"]})


def test_meeting_attendees_are_read_from_the_meetings_app(make_ballot, personas):
    from django.utils import timezone

    from gongzhi.meetings.models import Attendance, Meeting

    with pytest.raises(ValidationError) as exc:  # no meeting chosen
        make_ballot(open=False, eligibility="attendees")
    assert "meeting" in exc.value.message_dict
    meeting = Meeting.objects.create(community=personas.community, kind="council",
                                     title="议事会", starts_at=timezone.now())
    Attendance.objects.create(meeting=meeting, user=personas.resident, method="manual")
    ballot = make_ballot(eligibility="attendees", meeting=meeting)
    assert ballot.eligible_count == 1
    services.vote_cast(user=personas.resident, ballot=ballot, content={"approve": ["a"]})
    with pytest.raises(PermissionDenied):
        services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["a"]})


def test_meeting_of_another_community_is_refused(make_ballot, personas):
    from django.utils import timezone

    from gongzhi.meetings.models import Meeting

    meeting = Meeting.objects.create(community=personas.other_community, kind="council",
                                     title="隔壁", starts_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        make_ballot(open=False, eligibility="attendees", meeting=meeting)
    assert "meeting" in exc.value.message_dict


# --------------------------------------------------------------------------- secrecy


def test_no_column_links_a_voter_to_content():
    content_fields = {f.name for f in BallotContent._meta.get_fields()}
    assert not content_fields & {"user", "voter", "voter_key", "eligibility", "cast_by",
                                 "voter_record", "created_at"}
    assert not any(f.is_relation and f.related_model is VoterRecord
                   for f in BallotContent._meta.get_fields())
    assert not any(f.is_relation and f.related_model is BallotContent
                   for f in VoterRecord._meta.get_fields())


def test_secret_ballot_rows_share_nothing(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    receipt = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM decisions_voterrecord")
        voter_rows = [tuple(map(str, r)) for r in cur.fetchall()]
        cur.execute("SELECT * FROM decisions_ballotcontent")
        content_rows = [tuple(map(str, r)) for r in cur.fetchall()]
    assert len(voter_rows) == len(content_rows) == 1
    shared = set(voter_rows[0]) & set(content_rows[0])
    assert shared <= {str(ballot.pk), "online", "None", "True", "False", "1", "0"}
    assert receipt.receipt_hash not in voter_rows[0]
    entry = ballot.log.get(action="vote")
    assert "voter" not in entry.payload
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRecord.objects.filter(ballot=ballot).update(receipt_hash=receipt.receipt_hash)


def test_open_ballot_links_voter_through_the_receipt(make_ballot, personas):
    ballot = make_ballot(secrecy="open")
    receipt = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    record = VoterRecord.objects.get(ballot=ballot)
    assert record.receipt_hash == receipt.receipt_hash
    assert ballot.log.get(action="vote").payload["voter"] == record.eligibility.token


def test_receipt_code_finds_the_ballot_and_only_its_holder_knows_it(make_ballot, personas):
    ballot = make_ballot()
    receipt = services.vote_cast(user=personas.owner, ballot=ballot,
                                 content={"approve": ["a", "b"]})
    digest = chain.receipt_hash(str(ballot.uid), receipt.code)
    assert selectors.content_by_receipt(ballot, digest).content == {"approve": ["a", "b"]}
    assert chain.receipt_hash(str(ballot.uid), receipt.code.lower().replace("-", "")) == digest
    assert selectors.content_by_receipt(ballot, chain.receipt_hash(str(ballot.uid),
                                                                   "AAAA-BBBB")) is None
    assert receipt.code not in json.dumps(selectors.export(ballot))
    assert selectors.receipts_list(ballot) == [{"content": {"approve": ["a", "b"]}}]


# --------------------------------------------------------------------------- idempotency


def test_vote_change_withdraw_are_idempotent(make_ballot, personas):
    ballot = make_ballot(secrecy="open")
    first = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    again = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    assert again.receipt_hash == first.receipt_hash and not again.created
    with pytest.raises(services.AlreadyVoted):
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["b"]})
    changed = services.vote_change(user=personas.owner, ballot=ballot,
                                   content={"approve": ["b"]})
    assert changed.changed
    same = services.vote_change(user=personas.owner, ballot=ballot, content={"approve": ["b"]})
    assert not same.changed
    assert services.vote_withdraw(user=personas.owner, ballot=ballot) is True
    assert services.vote_withdraw(user=personas.owner, ballot=ballot) is False
    assert list(ballot.log.values_list("action", flat=True)) == ["open", "vote", "change",
                                                                 "withdraw"]
    assert not VoterRecord.objects.exists() and not BallotContent.objects.exists()


def test_secret_change_needs_the_receipt_code(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    r = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    with pytest.raises(ValidationError):
        services.vote_change(user=personas.owner, ballot=ballot, content={"approve": ["b"]})
    assert services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]},
                              receipt_code=r.code).receipt_hash == r.receipt_hash
    services.vote_change(user=personas.owner, ballot=ballot, content={"approve": ["b"]},
                         receipt_code=r.code)
    assert BallotContent.objects.get().content == {"approve": ["b"]}
    assert services.vote_withdraw(user=personas.owner, ballot=ballot, receipt_code=r.code)
    assert not BallotContent.objects.exists()


def test_no_change_when_the_ballot_forbids_it(make_ballot, personas):
    ballot = make_ballot(allow_change=False)
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    with pytest.raises(ValidationError):
        services.vote_change(user=personas.owner, ballot=ballot, content={"approve": ["b"]})
    with pytest.raises(ValidationError):
        services.vote_withdraw(user=personas.owner, ballot=ballot)


def test_no_votes_before_opening_or_after_closing(make_ballot, personas):
    ballot = make_ballot(open=False)
    with pytest.raises(PermissionDenied):  # nobody is eligible before the freeze
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    services.ballot_open(actor=personas.admin, ballot=ballot)
    services.ballot_close(actor=personas.admin, ballot=ballot)
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    assert services.error_code(exc.value) == "closed"


# --------------------------------------------------------------------------- content checks


@pytest.mark.parametrize("content,code", [
    ({"approve": ["zzz"]}, "unknown_option"),
    ({"approve": "a"}, "wrong_type"),
    ({"approve": ["a", "a"]}, "duplicate"),
    ({"approve": ["a", "b"]}, "over_budget"),
    ("a", "wrong_type"),
])
def test_pb_content_is_checked(make_ballot, personas, content, code):
    ballot = make_ballot(method="pb", budget=600)
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(user=personas.owner, ballot=ballot, content=content)
    assert services.error_code(exc.value) == code
    assert not VoterRecord.objects.exists()


def test_database_refuses_a_content_over_budget(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=600)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotContent.objects.create(ballot=ballot, receipt_hash="x" * 64,
                                     content={"approve": ["a", "b"]}, total_cost=700,
                                     budget_limit=ballot.budget)


def test_database_refuses_a_second_voter_record(make_ballot, personas):
    ballot = make_ballot()
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    record = VoterRecord.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRecord.objects.create(ballot=ballot, eligibility=record.eligibility,
                                   voter_key=record.voter_key, secret=True,
                                   voted_on=record.voted_on)


@pytest.mark.parametrize("method,content,code", [
    ("score", {"scores": {"a": 9}}, "out_of_range"),
    ("score", {"scores": {"a": "x"}}, "wrong_type"),
    ("borda", {"ranking": []}, "empty"),
    ("plurality", {"choice": None}, "wrong_type"),
    ("majority", {"choice": "maybe"}, "unknown_option"),
])
def test_other_methods_check_their_content(make_ballot, personas, method, content, code):
    ballot = make_ballot(method=method)
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(user=personas.owner, ballot=ballot, content=content)
    assert services.error_code(exc.value) == code


def test_cumulative_points_and_budget(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=700, pb_vote_type="cumulative", points_total=5)
    with pytest.raises(ValidationError):
        services.vote_cast(user=personas.owner, ballot=ballot, content={"points": {"a": 6}})
    with pytest.raises(ValidationError):
        services.vote_cast(user=personas.owner, ballot=ballot,
                           content={"points": {"a": 2, "b": 2, "c": 1}})
    services.vote_cast(user=personas.owner, ballot=ballot, content={"points": {"a": 3,
                                                                               "b": 2}})


# --------------------------------------------------------------------------- paper ballots


def _second_worker(personas):
    return make_member(UserFactory(display_name="社工2"), personas.community, Role.WORKER)


def test_paper_double_entry_counts_only_when_two_workers_agree(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    w2 = _second_worker(personas)
    paper = services.paper_entry_add(actor=personas.worker, ballot=ballot, serial="P-001",
                                     content={"approve": ["a"]})
    assert paper.state == PaperBallot.State.AWAITING and not BallotContent.objects.exists()
    with pytest.raises(ValidationError):  # the same worker cannot confirm herself
        services.paper_entry_add(actor=personas.worker, ballot=ballot, serial="P-001",
                                 content={"approve": ["a"]})
    paper = services.paper_entry_add(actor=w2, ballot=ballot, serial="P-001",
                                     content={"approve": ["a"]})
    assert paper.state == PaperBallot.State.MATCHED
    assert BallotContent.objects.get().channel == "paper"


def test_paper_mismatch_is_flagged_and_resolved_by_a_third_entry(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    w2 = _second_worker(personas)
    services.paper_entry_add(actor=personas.worker, ballot=ballot, serial="P-002",
                             content={"approve": ["a"]})
    paper = services.paper_entry_add(actor=w2, ballot=ballot, serial="P-002",
                                     content={"approve": ["b"]})
    assert paper.state == PaperBallot.State.MISMATCH
    assert not BallotContent.objects.exists()
    assert list(selectors.paper_ballots(ballot).filter(state="mismatch")) == [paper]
    paper = services.paper_entry_add(actor=personas.admin, ballot=ballot, serial="P-002",
                                     content={"approve": ["b"]})
    assert paper.state == PaperBallot.State.MATCHED
    assert BallotContent.objects.get().content == {"approve": ["b"]}


def test_paper_and_online_exclude_each_other_on_open_ballots(make_ballot, personas):
    ballot = make_ballot(secrecy="open")
    owner_row = Eligibility.objects.get(ballot=ballot, user=personas.owner)
    tenant_row = Eligibility.objects.get(ballot=ballot, user=personas.verified)
    services.paper_entry_add(actor=personas.worker, ballot=ballot, serial=owner_row.token,
                             content={"approve": ["a"]})
    with pytest.raises(services.AlreadyVoted):  # paper first, then online
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["b"]})
    with pytest.raises(services.AlreadyVoted):  # online first, then paper
        services.paper_entry_add(actor=personas.worker, ballot=ballot, serial=tenant_row.token,
                                 content={"approve": ["b"]})
    assert PaperBallot.objects.count() == 1


def test_paper_register_on_secret_ballots_blocks_online(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    row = Eligibility.objects.get(ballot=ballot, user=personas.owner)
    services.paper_voter_mark(actor=personas.worker, ballot=ballot, voter_key=row.token)
    with pytest.raises(services.AlreadyVoted):
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["a"]})
    other = Eligibility.objects.get(ballot=ballot, user=personas.verified)
    with pytest.raises(services.AlreadyVoted):
        services.paper_voter_mark(actor=personas.worker, ballot=ballot, voter_key=other.token)


def test_only_workers_enter_paper(make_ballot, personas):
    ballot = make_ballot()
    with pytest.raises(PermissionDenied):
        services.paper_entry_add(actor=personas.owner, ballot=ballot, serial="1",
                                 content={"approve": ["a"]})


# --------------------------------------------------------------------------- chain


def _closed_ballot(make_ballot, personas, **kw):
    ballot = make_ballot(**kw)
    r = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a", "c"]})
    services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["b"]})
    services.vote_change(user=personas.owner, ballot=ballot, content={"approve": ["c"]},
                         receipt_code=r.code)
    services.ballot_close(actor=personas.admin, ballot=ballot)
    ballot.refresh_from_db()
    return ballot


def test_chain_verifies_and_export_recomputes(make_ballot, personas):
    ballot = _closed_ballot(make_ballot, personas, method="pb", budget=700)
    data = json.loads(json.dumps(selectors.export(ballot)))
    report = verify_export(data)
    assert report["ok"], report
    assert report["ballots"] == 2 and report["entries"] == 5


@pytest.mark.parametrize("tamper", ["content", "drop", "result", "hash"])
def test_verification_detects_tampering(make_ballot, personas, tamper):
    ballot = _closed_ballot(make_ballot, personas, method="pb", budget=700)
    data = json.loads(json.dumps(selectors.export(ballot)))
    if tamper == "content":
        data["entries"][1]["payload"]["content"] = {"approve": ["a"]}
    elif tamper == "drop":
        del data["entries"][2]
    elif tamper == "result":
        data["result"]["winners"] = ["a"]
    else:
        data["entries"][3]["hash"] = "0" * 64
    assert not verify_export(data)["ok"]


def test_result_tampering_with_recomputed_hashes_is_still_caught(make_ballot, personas):
    ballot = _closed_ballot(make_ballot, personas, method="approval")
    data = json.loads(json.dumps(selectors.export(ballot)))
    # rewrite a vote and re-hash the whole chain: the chain verifies, the recount does not
    data["entries"][2]["payload"]["content"] = {"approve": ["a", "b", "c"]}
    prev = chain.GENESIS
    for e in data["entries"]:
        e["prev_hash"] = prev
        e["hash"] = prev = chain.entry_hash(prev, chain.entry_body(
            data["ballot"]["uid"], e["seq"], e["action"], e["payload"], e["at"]))
    report = verify_export(data)
    assert report["chain_ok"] and not report["result_ok"]


def test_log_is_append_only(make_ballot, personas):
    ballot = make_ballot()
    entry = LogEntry.objects.filter(ballot=ballot).first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # the database trigger
        LogEntry.objects.filter(pk=entry.pk).update(action="forged")
    assert LogEntry.objects.get(pk=entry.pk).action == "open"


def test_verify_command(make_ballot, personas, tmp_path, capsys):
    ballot = _closed_ballot(make_ballot, personas)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(selectors.export(ballot)), encoding="utf-8")
    call_command("decisions", "verify", str(path))
    assert "chain: OK" in capsys.readouterr().out
    data = json.loads(path.read_text())
    data["entries"][1]["payload"]["content"] = {"approve": ["b"]}
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError):
        call_command("decisions", "verify", str(path))


# --------------------------------------------------------------------------- results


def test_pb_result_is_the_engines(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=700, pb_rule="equalshares/add1")
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a", "c"]})
    services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["b", "c"]})
    services.ballot_close(actor=personas.admin, ballot=ballot)
    ballot.refresh_from_db()
    profile = PBProfile.from_approval_ballots([400, 300, 200], 700, [[0, 2], [1, 2]],
                                              project_ids=["a", "b", "c"])
    expected = compute(profile, "equalshares/add1")
    assert ballot.result["winners"] == expected.selected
    assert ballot.result["engine"]["details"]["kind"] == "mes"


@pytest.mark.parametrize("method,contents,winners", [
    ("plurality", [{"choice": "b"}, {"choice": "b"}], ["b"]),
    ("borda", [{"ranking": ["c", "a"]}, {"ranking": ["c", "b", "a"]}], ["c"]),
    ("schulze", [{"ranking": ["a", "b"]}, {"ranking": ["a", "c"]}], ["a"]),
    ("irv", [{"ranking": ["b"]}, {"ranking": ["b", "a"]}], ["b"]),
    ("score", [{"scores": {"a": 1, "b": 5}}, {"scores": {"c": 4}}], ["b"]),
])
def test_single_decision_results(make_ballot, personas, method, contents, winners):
    ballot = make_ballot(method=method)
    for user, content in zip((personas.owner, personas.verified), contents, strict=True):
        services.vote_cast(user=user, ballot=ballot, content=content)
    services.ballot_close(actor=personas.admin, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.result["winners"] == winners
    assert verify_export(json.loads(json.dumps(selectors.export(ballot))))["ok"]


def test_majority_with_quorum_uses_the_engine(make_ballot, personas):
    ballot = make_ballot(method="majority", quorum="1/2")
    services.vote_cast(user=personas.owner, ballot=ballot, content={"choice": "yes"})
    services.ballot_close(actor=personas.admin, ballot=ballot)
    ballot.refresh_from_db()
    expected = single.majority_with_quorum(1, 0, 0, 2, turnout_threshold=Fraction(1, 2))
    assert ballot.result["passed"] is expected.passed is True


def test_art278_progress_on_a_small_building(personas):
    building = personas.household.building  # owner's flat: 70 m²
    for area in (80, 90, 100):
        HouseholdFactory(building=building, floor_area_m2=area)
    ballot = services.ballot_create(actor=personas.admin, community=personas.community,
                                    title="加装电梯", method="art278", options=[],
                                    eligibility="building_owners", building=building,
                                    art278_item=7)
    assert ballot.secrecy == "open"
    services.ballot_open(actor=personas.admin, ballot=ballot)
    services.vote_cast(user=personas.owner, ballot=ballot, content={"choice": "agree"})
    progress = selectors.live_result(ballot)["progress"]
    steps = {s["key"]: s for s in progress["steps"]}
    assert steps["participation_area"]["value"] == "70/340"
    assert steps["participation_owners"]["value"] == "1/4"
    assert steps["agree_area"]["percent"] == 100.0
    assert not progress["quorum"] and progress["matter"].startswith("special")
    units = [art278.Unit(str(i), a, str(i)) for i, a in enumerate((70, 80, 90, 100))]
    assert art278.decide(units, {"0": "agree"}, item=7).participating_area == 70


# --------------------------------------------------------------------------- pabulib


PB_TEXT = """META
key;value
description;Demo
num_projects;3
num_votes;3
budget;600
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;400;Garden
2;300;Lamps
3;200;Benches
VOTES
voter_id;vote
v1;1,3
v2;2,3
v3;1
"""


def test_pabulib_import_and_export_round_trip(personas):
    from gongzhi.decisions.engine.pabulib import parse_pabulib_text

    ballot = services.ballot_import_pabulib(actor=personas.admin,
                                            community=personas.community, text=PB_TEXT)
    assert ballot.state == "closed" and ballot.eligible_count == 3
    expected = compute(parse_pabulib_text(PB_TEXT), "greedy")
    assert ballot.result["winners"] == expected.selected
    assert verify_export(json.loads(json.dumps(selectors.export(ballot))))["ok"]
    again = parse_pabulib_text(selectors.pabulib_text(ballot))
    assert sorted(sorted(v.vote) for v in again.voters) == [["1"], ["1", "3"], ["2", "3"]]
    assert again.official_selection() == sorted(expected.selected)


def test_pabulib_import_reports_bad_files(personas):
    with pytest.raises(ValidationError) as exc:
        services.ballot_import_pabulib(actor=personas.admin, community=personas.community,
                                       text="META\nkey;value\n")
    assert "file" in exc.value.message_dict


def test_open_close_due(make_ballot, personas):
    from django.utils import timezone

    ballot = make_ballot(open=False, opens_at=timezone.now())
    assert services.ballot_open_close_due() == {"opened": 1, "closed": 0}
    ballot.refresh_from_db()
    assert ballot.state == "open"


def test_membership_status_matters(make_ballot, personas):
    Membership.objects.filter(user=personas.verified).update(status="left")
    ballot = make_ballot()
    assert ballot.eligible_count == 1


def test_count_uses_the_configuration_frozen_at_opening(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=600, pb_rule="greedy")
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a", "c"]})
    type(ballot).objects.filter(pk=ballot.pk).update(pb_rule="greedy-cost", budget=5)
    ballot.refresh_from_db()
    services.ballot_close(actor=personas.admin, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.result["engine"]["rule"] == "greedy"
    assert verify_export(json.loads(json.dumps(selectors.export(ballot))))["ok"]


def test_ballots_for_project(make_ballot, personas):
    from gongzhi.projects.models import Project

    project = Project.objects.create(community=personas.community, title="花园")
    shown = make_ballot(project=project)
    make_ballot(project=project, open=False)  # drafts are not shown
    make_ballot()
    assert list(selectors.ballots_for_project(project)) == [shown]


def test_a_counted_paper_ballot_can_be_checked_by_its_number(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    for worker in (personas.worker, personas.admin):
        services.paper_entry_add(actor=worker, ballot=ballot, serial="P-7",
                                 content={"approve": ["c"]})
    digest = chain.receipt_hash(str(ballot.uid), "PAPER P-7")
    assert selectors.content_by_receipt(ballot, digest).content == {"approve": ["c"]}
