import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from gongzhi.contests import selectors, services
from gongzhi.contests.models import Contest, Entry, JuryScore, Licence, Stage
from gongzhi.contests.tests.conftest import enter, fresh, make_contest, png, to_stage
from gongzhi.core.models import AuditEntry


def test_a_contest_starts_as_a_draft_and_publishing_tells_members(personas):
    from gongzhi.notifications.models import Notification

    contest = make_contest(personas, publish=False)
    assert contest.stage == Stage.DRAFT
    with pytest.raises(PermissionDenied):
        services.contest_publish(actor=personas.verified, contest=contest)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.contest_publish(actor=personas.worker, contest=contest)
    contest.refresh_from_db()
    assert contest.stage == Stage.SUBMISSION
    assert Notification.objects.filter(user=personas.verified, kind="contests.open").exists()


def test_dates_out_of_order_are_refused_with_a_message(personas):
    from gongzhi.contests.tests.conftest import dates

    with pytest.raises(ValidationError) as exc:
        make_contest(personas, **dates(opens=-5, closes=5, vote_from=3, vote_to=10))
    assert "voting_opens" in exc.value.message_dict


def test_a_jury_weight_needs_criteria(personas):
    with pytest.raises(ValidationError) as exc:
        make_contest(personas, jury_weight="0.3")
    assert "jury_criteria" in exc.value.message_dict


def test_an_entry_picture_is_re_encoded_without_exif_under_a_random_name(personas,
                                                                          logo_contest):
    contest = make_contest(personas, kind="photo")
    entry = enter(personas.verified, contest, image=png(exif=True), licence=Licence.CC_BY)
    assert entry.status == Entry.Status.PENDING
    name = entry.image.name.rsplit("/", 1)[-1]
    assert "html" not in name and "照片" not in name and name.endswith(".jpg")
    with Image.open(entry.image.path) as img:
        assert not dict(img.getexif())


def test_a_logo_entry_needs_a_picture_alt_text_consent_and_a_usable_licence(personas,
                                                                            logo_contest):
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=personas.verified, contest=logo_contest, title="t",
                              statement="s", licence=Licence.RESERVED, consent_publish=False)
    errors = exc.value.message_dict
    assert {"image", "licence", "consent_publish"} <= set(errors)
    with pytest.raises(ValidationError) as exc:
        enter(personas.verified, logo_contest, alt_text="")
    assert "alt_text" in exc.value.message_dict
    assert not Entry.objects.exists()


def test_a_naming_entry_needs_a_name_and_a_space_of_the_community(personas):
    from gongzhi.spaces.services import space_create
    from gongzhi.spaces.tests.conftest import LAT, LON, square

    space = space_create(actor=None, community=personas.community, kind="pocket_park",
                         name="小广场", geometry=square(LON, LAT))
    contest = make_contest(personas, kind="naming", space=space)
    entry = services.entry_submit(actor=personas.verified, contest=contest, title="邻里广场",
                                  statement="大家见面的地方", proposed_name="邻里广场",
                                  licence=Licence.CC_BY, consent_publish=True, image=png())
    assert entry.space == space and not entry.image and entry.proposed_name == "邻里广场"
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=personas.owner, contest=contest, title="t", statement="s",
                              licence=Licence.CC_BY, consent_publish=True)
    assert "proposed_name" in exc.value.message_dict


def test_one_entry_per_person_unless_the_contest_allows_more(personas, logo_contest):
    enter(personas.verified, logo_contest)
    with pytest.raises(ValidationError) as exc:
        enter(personas.verified, logo_contest, title="第二件")
    assert exc.value.code == "limit"


def test_null_bytes_are_refused_before_the_database(personas, logo_contest):
    with pytest.raises(ValidationError):
        enter(personas.verified, logo_contest, title="bad\x00title")


def test_rejecting_needs_a_reason_is_audited_and_the_entrant_is_told(personas, logo_contest):
    from django.test import TestCase

    from gongzhi.notifications.models import Notification

    entry = enter(personas.verified, logo_contest)
    with pytest.raises(ValidationError):
        services.entry_moderate(actor=personas.worker, entry=entry, approve=False, reason=" ")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.entry_moderate(actor=personas.worker, entry=entry, approve=False,
                                reason="与其他作品重复")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REJECTED and entry.reject_reason == "与其他作品重复"
    assert AuditEntry.objects.filter(action="contests.entry_moderate").exists()
    note = Notification.objects.get(user=personas.verified, kind="contests.moderated")
    assert "与其他作品重复" in note.body
    # a rejected entry does not count against the limit
    enter(personas.verified, logo_contest, title="改好的作品")


def test_only_approved_entries_are_in_the_gallery(personas, logo_contest):
    a = enter(personas.verified, logo_contest)
    enter(personas.owner, logo_contest)
    services.entry_moderate(actor=personas.worker, entry=a, approve=True)
    assert list(selectors.gallery(logo_contest)) == [a]


def test_voting_puts_the_approved_entries_on_a_decisions_ballot(personas, gallery_contest):
    from gongzhi.decisions.models import BallotState, Method, Secrecy

    contest = services.contest_voting_open(actor=personas.worker, contest=gallery_contest)
    ballot = contest.ballot
    assert ballot.state == BallotState.OPEN and ballot.method == Method.APPROVAL
    assert ballot.secrecy == Secrecy.SECRET
    keys = sorted(ballot.options.values_list("key", flat=True))
    assert keys == sorted(e.option_key for e in selectors.gallery(contest))
    assert contest.stage == Stage.VOTING
    # the entries on the ballot are fixed now
    with pytest.raises(ValidationError):
        services.entry_moderate(actor=personas.worker, entry=contest.entries.first(),
                                approve=False, reason="x")


def test_voting_needs_two_entries(personas, logo_contest):
    contest = to_stage(logo_contest, "exhibition")
    with pytest.raises(ValidationError) as exc:
        services.contest_voting_open(actor=personas.worker, contest=contest)
    assert exc.value.code == "entries"


def _vote(user, contest, keys):
    from gongzhi.decisions import services as decisions

    decisions.vote_cast(user=fresh(user), ballot=contest.ballot, content={"approve": keys})


def test_announcing_counts_the_ballot_and_a_winning_logo_goes_to_the_header(personas,
                                                                            gallery_contest):
    contest = services.contest_voting_open(actor=personas.worker, contest=gallery_contest)
    first, second, _third = list(selectors.gallery(contest))
    _vote(personas.verified, contest, [second.option_key])
    _vote(personas.owner, contest, [second.option_key, first.option_key])
    contest = services.contest_announce(actor=personas.worker, contest=contest)
    assert contest.winner == second and contest.stage == Stage.ANNOUNCED
    rows = contest.result["rows"]
    assert rows[0]["entry"] == second.pk and rows[0]["votes"] == 2 and rows[0]["ballots"] == 2
    personas.community.refresh_from_db()
    assert personas.community.logo.name == second.image.name
    r = personas.client("anonymous").get(f"/c/{personas.community.slug}/")
    assert second.image.url in r.content.decode()


def test_a_naming_contests_winner_becomes_the_spaces_name_and_history_keeps_the_old(
        personas, cast):
    from gongzhi.spaces.models import SpaceEvent
    from gongzhi.spaces.services import space_create
    from gongzhi.spaces.tests.conftest import LAT, LON, square

    space = space_create(actor=None, community=personas.community, kind="pocket_park",
                         name="小广场", geometry=square(LON, LAT))
    contest = make_contest(personas, kind="naming", space=space)
    names = {}
    for user, name in ((personas.verified, "邻里广场"), (personas.owner, "向阳角")):
        entry = services.entry_submit(actor=user, contest=contest, title=name, statement="好记",
                                      proposed_name=name, licence=Licence.CC_BY,
                                      consent_publish=True)
        services.entry_moderate(actor=personas.worker, entry=entry, approve=True)
        names[name] = entry
    contest = services.contest_voting_open(actor=personas.worker,
                                           contest=to_stage(contest, "exhibition"))
    names["向阳角"].refresh_from_db()
    _vote(personas.verified, contest, [names["向阳角"].option_key])
    _vote(cast["volunteer"], contest, [names["向阳角"].option_key])
    services.contest_announce(actor=personas.worker, contest=contest)
    space.refresh_from_db()
    assert space.name == "向阳角"
    event = SpaceEvent.objects.get(space=space, kind=SpaceEvent.Kind.NOTE)
    assert "小广场" in event.title and "向阳角" in event.title
    audit = AuditEntry.objects.get(action="spaces.space_rename")
    assert audit.before == {"name": "小广场"} and audit.after == {"name": "向阳角"}
    # announcing again renames nothing twice
    services.contest_announce(actor=personas.worker, contest=contest)
    assert SpaceEvent.objects.filter(space=space, kind=SpaceEvent.Kind.NOTE).count() == 1


def test_the_jury_counts_with_its_weight(personas, cast):
    contest = make_contest(personas, jury_weight="0.5", jury_criteria=["创意", "美观"])
    a = enter(personas.verified, contest, title="甲")
    b = enter(personas.owner, contest, title="乙")
    for e in (a, b):
        services.entry_moderate(actor=personas.worker, entry=e, approve=True)
    contest = to_stage(contest, "voting")
    services.jury_member_add(actor=personas.worker, contest=contest, user=personas.admin)
    a.refresh_from_db(), b.refresh_from_db()
    with pytest.raises(PermissionDenied):  # not on the jury
        services.jury_scores_set(actor=fresh(personas.worker), entry=a,
                                 scores={"创意": 5, "美观": 5})
    with pytest.raises(ValidationError):
        services.jury_scores_set(actor=fresh(personas.admin), entry=a,
                                 scores={"创意": 11, "美观": 5})
    services.jury_scores_set(actor=fresh(personas.admin), entry=a, scores={"创意": 1, "美观": 1})
    services.jury_scores_set(actor=fresh(personas.admin), entry=b,
                             scores={"创意": 10, "美观": 10})
    contest = services.contest_voting_open(actor=personas.worker, contest=contest)
    _vote(personas.verified, contest, [a.option_key])
    _vote(cast["volunteer"], contest, [a.option_key])
    contest = services.contest_announce(actor=personas.worker, contest=contest)
    by = {r["entry"]: r for r in contest.result["rows"]}
    assert by[a.pk]["combined"] == pytest.approx(0.5)   # all votes, jury 0
    assert by[b.pk]["combined"] == pytest.approx(0.5)   # no votes, jury 1
    assert contest.winner == a                          # tie broken by votes
    assert JuryScore.objects.count() == 4


def test_the_periodic_job_opens_voting_when_its_date_comes(personas, gallery_contest):
    to_stage(gallery_contest, "voting")
    assert services.contests_open_due() == {"opened": 1, "skipped": 0}
    gallery_contest.refresh_from_db()
    assert gallery_contest.ballot_id is not None


def test_deleting_an_account_keeps_licensed_entries_anonymously(personas):
    from gongzhi.core.export import delete_personal_data

    contest = make_contest(personas, kind="photo", max_entries=3)
    kept = enter(personas.verified, contest, licence=Licence.CC_BY)
    gone = enter(personas.verified, contest, title="私人照片", licence=Licence.RESERVED)
    delete_personal_data(personas.verified)
    kept.refresh_from_db(), gone.refresh_from_db()
    assert kept.entrant is None and kept.anonymised and kept.image and kept.title == "三个屋顶"
    assert kept.by_line == "已注销的居民" or kept.by_line
    assert gone.entrant is None and not gone.image and gone.title == "—"
    assert gone.status == Entry.Status.WITHDRAWN


def test_the_export_lists_my_entries(personas, logo_contest):
    from gongzhi.core.export import collect_personal_data

    enter(personas.verified, logo_contest)
    data = collect_personal_data(personas.verified)
    assert data["contests"]["entries"][0]["title"] == "三个屋顶"


def test_entries_for_archive_are_licensed_approved_pictures_after_the_result(personas, cast):
    contest = make_contest(personas, kind="photo")
    ok = enter(personas.verified, contest, licence=Licence.CC_BY)
    reserved = enter(personas.owner, contest, licence=Licence.RESERVED)
    for e in (ok, reserved):
        services.entry_moderate(actor=personas.worker, entry=e, approve=True)
    assert not selectors.entries_for_archive(contest).exists()
    contest = to_stage(contest, "voting")
    contest = services.contest_voting_open(actor=personas.worker, contest=contest)
    _vote(personas.verified, contest, [ok.option_key])
    contest = services.contest_announce(actor=personas.worker, contest=contest)
    assert list(selectors.entries_for_archive(contest)) == [ok]


def test_withdrawing_is_for_the_entrant_before_voting(personas, logo_contest):
    entry = enter(personas.verified, logo_contest)
    with pytest.raises(PermissionDenied):
        services.entry_withdraw(actor=fresh(personas.owner), entry=entry)
    services.entry_withdraw(actor=fresh(personas.verified), entry=entry)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    assert Contest.objects.get(pk=logo_contest.pk).entries.count() == 1
