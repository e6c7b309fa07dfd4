import pytest
from django.urls import reverse

from gongzhi.contests import services
from gongzhi.contests.models import Entry
from gongzhi.contests.tests.conftest import enter, make_contest, png


def url(name, contest, *extra):
    return reverse(f"contests:{name}", args=[contest.community.slug, contest.pk, *extra])


def test_the_list_and_detail_are_public_and_show_the_gallery(personas, gallery_contest,
                                                             django_assert_max_num_queries):
    client = personas.client("anonymous")
    with django_assert_max_num_queries(14):
        r = client.get(reverse("contests:list", args=[personas.community.slug]))
    assert r.status_code == 200 and "社区标志征集" in r.content.decode()
    with django_assert_max_num_queries(16):
        r = client.get(url("detail", gallery_contest))
    html = r.content.decode()
    assert r.status_code == 200
    assert html.count('loading="lazy"') == 3 and 'alt="红色圆环中三个屋顶"' in html


def test_gallery_queries_do_not_grow_with_entries(personas, gallery_contest,
                                                  django_assert_max_num_queries):
    from gongzhi.testing.factories import UserFactory, make_member

    for i in range(6):
        u = make_member(UserFactory(), personas.community)
        e = Entry.objects.create(contest=gallery_contest, entrant=u, title=f"更多{i}",
                                 statement="s", licence="cc-by", consent_publish=True,
                                 status="approved")
        assert e.pk
    client = personas.client("verified")
    with django_assert_max_num_queries(18):
        assert client.get(url("detail", gallery_contest)).status_code == 200


def test_the_entry_form_keeps_what_was_typed_and_says_what_is_missing(personas,
                                                                       logo_contest):
    client = personas.client("verified")
    r = client.post(url("enter", logo_contest), {"title": "我的标志", "statement": "寓意很好",
                                                 "licence": "community"})
    html = r.content.decode()
    assert r.status_code == 200 and "我的标志" in html and "寓意很好" in html
    assert "同意" in html  # the consent error, in Chinese
    assert not Entry.objects.exists()


def test_sending_an_entry_with_a_picture(personas, logo_contest):
    client = personas.client("verified")
    r = client.post(url("enter", logo_contest), {
        "title": "我的标志", "statement": "寓意很好", "licence": "community",
        "alt_text": "一个红色圆圈", "consent_publish": "on", "show_name": "on",
        "image": png()})
    assert r.status_code == 302
    entry = Entry.objects.get()
    assert entry.status == "pending" and entry.image


def test_a_non_picture_is_refused_with_a_message(personas, logo_contest):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = personas.client("verified")
    r = client.post(url("enter", logo_contest), {
        "title": "我的标志", "statement": "寓意", "licence": "community", "alt_text": "x",
        "consent_publish": "on",
        "image": SimpleUploadedFile("x.png", b"<html>not a picture</html>", "image/png")})
    assert r.status_code == 200 and "JPEG" in r.content.decode()
    assert not Entry.objects.exists()


def test_moderation_page_and_actions_are_for_staff(personas, logo_contest,
                                                   django_assert_max_num_queries):
    e = enter(personas.verified, logo_contest)
    assert personas.client("verified").get(url("moderate", logo_contest)).status_code == 403
    client = personas.client("worker")
    with django_assert_max_num_queries(14):
        assert client.get(url("moderate", logo_contest)).status_code == 200
    r = client.post(url("moderate_entry", logo_contest, e.pk), {"decision": "reject",
                                                                 "reason": ""})
    e.refresh_from_db()
    assert r.status_code == 302 and e.status == "pending"
    client.post(url("moderate_entry", logo_contest, e.pk), {"decision": "approve"})
    e.refresh_from_db()
    assert e.status == "approved"


def test_the_vote_page_posts_to_the_decisions_ballot(personas, gallery_contest):
    contest = services.contest_voting_open(actor=personas.worker, contest=gallery_contest)
    client = personas.client("verified")
    html = client.get(url("vote", contest)).content.decode()
    action = reverse("decisions:detail", args=[personas.community.slug, contest.ballot_id])
    assert f'action="{action}"' in html and 'name="approve"' in html
    key = contest.ballot.options.first().key
    r = client.post(action, {"approve": [key]})
    assert r.status_code == 200
    from gongzhi.decisions.models import VoterRecord

    assert VoterRecord.objects.filter(ballot=contest.ballot).count() == 1


def test_results_page_after_the_announcement(personas, gallery_contest,
                                             django_assert_max_num_queries):
    contest = services.contest_voting_open(actor=personas.worker, contest=gallery_contest)
    assert personas.client("verified").get(url("results", contest)).status_code == 403
    contest = services.contest_announce(actor=personas.worker, contest=contest)
    with django_assert_max_num_queries(14):
        r = personas.client("anonymous").get(url("results", contest))
    assert r.status_code == 200


def test_entry_page_has_previous_and_next_links(personas, gallery_contest):
    entries = list(gallery_contest.entries.order_by("created_at", "id"))
    html = personas.client("anonymous").get(url("entry", gallery_contest,
                                                entries[1].pk)).content.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html and "2 / 3" in html or "2" in html


def test_a_pending_entry_is_visible_to_its_entrant_and_staff_only(personas, logo_contest):
    e = enter(personas.verified, logo_contest)
    assert personas.client("owner").get(url("entry", logo_contest, e.pk)).status_code == 404
    assert personas.client("verified").get(url("entry", logo_contest, e.pk)).status_code == 200
    assert personas.client("worker").get(url("entry", logo_contest, e.pk)).status_code == 200


def test_create_page_for_workers(personas):
    path = reverse("contests:create", args=[personas.community.slug])
    assert personas.client("verified").get(path).status_code == 403
    r = personas.client("worker").post(path, {
        "kind": "logo", "title": "标志征集", "brief": "设计", "entrants": "member",
        "max_entries": 1, "voters": "verified", "method": "approval",
        "submission_opens": "2030-01-01T09:00", "submission_closes": "2030-01-10T09:00",
        "voting_opens": "2030-01-05T09:00", "voting_closes": "2030-01-20T09:00",
        "announce_on": "2030-01-21", "jury_weight": "0"})
    assert r.status_code == 200 and "标志征集" in r.content.decode()  # dates refused, kept


@pytest.mark.parametrize("path", ["/api/v1/contests/contests?community=test-community"])
def test_the_api_lists_contests(personas, logo_contest, path):
    r = personas.client("anonymous").get(path)
    assert r.status_code == 200 and r.json()["items"][0]["title"] == "社区标志征集"


def test_the_api_takes_an_entry_and_refuses_a_bad_one(personas, logo_contest):
    client = personas.client("verified")
    path = f"/api/v1/contests/contests/{logo_contest.pk}/entries"
    r = client.post(path, {"title": "t", "statement": "s", "licence": "community",
                           "consent_publish": "true"})
    assert r.status_code == 400
    r = client.post(path, {"title": "t", "statement": "s", "licence": "community",
                           "consent_publish": "true", "alt_text": "圆", "image": png()})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "pending"


def test_a_contest_project_page_shows_the_contest_block(personas):
    from gongzhi.projects.models import ProjectTemplate
    from gongzhi.projects.services import project_create
    from gongzhi.projects.tests.helpers import freeze_phase

    project = project_create(actor=personas.worker, community=personas.community,
                             template=ProjectTemplate.objects.get(key="contest"),
                             title="社区标志征集")
    contest = make_contest(personas, project=project)
    with freeze_phase(project.phases.get(key="submissions")):
        html = personas.client("verified").get(
            reverse("projects:detail", args=[personas.community.slug, project.pk])
        ).content.decode()
    assert 'id="h-contest"' in html and url("enter", contest) in html
