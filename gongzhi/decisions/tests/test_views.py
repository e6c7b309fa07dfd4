"""Pages: the permissions matrix (action × persona × ballot state), voting through the
forms for each ballot type, and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.decisions import rules as _rules  # noqa: F401 - registers the permissions
from gongzhi.decisions import services
from gongzhi.decisions.models import BallotContent, VoterRecord
from gongzhi.testing.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

NAMES = ("anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
         "other_admin", "subdistrict_admin")
STAFF = {"worker", "admin", "subdistrict_admin"}
VOTERS = {"verified", "owner"}


def _ballot_in(make_ballot, personas, state):
    ballot = make_ballot(open=state != "draft")
    if state == "closed":
        services.ballot_close(actor=personas.admin, ballot=ballot)
        ballot.refresh_from_db()
    return ballot


def _url(name, ballot):
    return reverse(f"decisions:{name}", args=[ballot.community.slug, ballot.pk])


def _expect_view(state, name):
    if state == "draft" and name not in STAFF:
        return 404
    return 200


def _expect_vote(state, name):
    if state == "draft" and name not in STAFF:
        return 404
    if name == "anonymous":
        return 302
    if state == "open" and name in VOTERS:
        return 200  # the receipt page, rendered on the response to the vote
    return 403


def _expect_results(state, name):
    if state == "draft" and name not in STAFF:
        return 404
    return 200 if state == "closed" else 403


def _expect_paper(state, name):
    if name == "anonymous":
        return 302  # sign in first
    if state == "draft" and name not in STAFF:
        return 404
    return 200 if state == "open" and name in STAFF else 403


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
@pytest.mark.parametrize("name", NAMES)
def test_permission_matrix(make_ballot, personas, state, name):
    ballot = _ballot_in(make_ballot, personas, state)
    client = personas.client(name)
    assert client.get(_url("detail", ballot)).status_code == _expect_view(state, name)
    r = client.post(_url("detail", ballot), {"approve": ["a"]})
    assert r.status_code == _expect_vote(state, name)
    assert VoterRecord.objects.count() == (1 if state == "open" and name in VOTERS else 0)
    assert client.get(_url("results", ballot)).status_code == _expect_results(state, name)
    assert client.get(_url("export_json", ballot)).status_code == _expect_results(state, name)
    receipts = client.get(_url("receipts", ballot)).status_code
    assert receipts == (_expect_view(state, name) if state != "draft" else
                        (404 if name not in STAFF else 403))
    assert client.get(_url("paper", ballot)).status_code == _expect_paper(state, name)


@pytest.mark.parametrize("name", NAMES)
def test_who_may_create_open_and_close(personas, make_ballot, name):
    client = personas.client(name)
    create = client.get(reverse("decisions:create", args=[personas.community.slug]))
    expected = 302 if name == "anonymous" else 200 if name in STAFF else 403
    assert create.status_code == expected
    ballot = make_ballot(open=False)
    client.post(_url("state", ballot), {"action": "open"})
    ballot.refresh_from_db()
    assert (ballot.state == "open") == (name in STAFF)


def _pb_post(**extra):
    data = {"kind": "pb", "title": "2026 微更新预算", "question": "", "eligibility": "verified",
            "secret": "on", "allow_change": "on", "budget": "1000",
            "pb_vote_type": "approval", "pb_rule": "greedy", "points_total": "10",
            "options-TOTAL_FORMS": "3", "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "50",
            "options-0-label": "路灯", "options-0-cost": "400",
            "options-1-label": "座椅", "options-1-cost": "300",
            "options-2-label": "车棚", "options-2-cost": "600"}
    data.update(extra)
    return data


def test_worker_creates_a_pb_ballot_through_the_wizard(personas):
    from gongzhi.decisions.models import Ballot

    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    page = client.get(url).content.decode()
    assert 'name="kind"' in page and 'value="pb"' in page
    step2 = client.get(url, {"kind": "pb"}).content.decode()
    assert 'name="options-0-cost"' in step2 and 'name="max_score"' not in step2
    assert "tie_break" not in step2 and "equalshares/add1\"" not in step2.replace(
        'value="equalshares/add1"', "")
    preview = client.post(url, _pb_post(action="preview"))
    assert preview.status_code == 200 and preview.context["preview"] is not None
    html = preview.content.decode()
    assert "路灯" in html and 'id="preview"' in html and not Ballot.objects.exists()
    assert "form-errors" not in html  # a valid preview is not told to correct anything
    r = client.post(url, _pb_post(action="create"))
    assert r.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.method == "pb" and ballot.pb_rule == "greedy"
    assert [(o.key, o.label, o.cost) for o in ballot.options.all()] == [
        ("o1", "路灯", 400), ("o2", "座椅", 300), ("o3", "车棚", 600)]
    draft = client.get(reverse("decisions:detail", args=[personas.community.slug, ballot.pk]))
    assert "draft-preview-h" in draft.content.decode() and "车棚" in draft.content.decode()


def test_wizard_gets_a_null_byte_back_as_a_form_error(personas):
    from gongzhi.decisions.models import Ballot

    url = reverse("decisions:create", args=[personas.community.slug])
    client = personas.client("worker")
    r = client.post(url, _pb_post(action="create", **{"options-1-label": "座椅\x00"}))
    assert r.status_code == 200 and not Ballot.objects.exists()
    assert "label" in r.context["formset"].forms[1].errors
    assert "2026 微更新预算" in r.content.decode()
    # A number of rows that is not a number no longer ends in a server error.
    r = client.post(url, _pb_post(action="add_row", **{"options-TOTAL_FORMS": "x\x00"}))
    assert r.status_code == 200


@pytest.mark.parametrize("bad,field", [
    ({"options-1-cost": "-5"}, "cost"),
    ({"budget": "0"}, "budget"),
    ({"title": "x" * 201}, "title"),
    ({"options-1-label": "路灯"}, "same name"),
    ({"options-1-label": "", "options-2-label": "", "options-1-cost": "",
      "options-2-cost": ""}, "two options"),
])
def test_wizard_keeps_input_and_explains_errors(personas, bad, field):
    from gongzhi.decisions.models import Ballot

    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    r = client.post(url, _pb_post(action="create", **bad), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and not Ballot.objects.exists()
    html = r.content.decode()
    assert "座椅" in html or "路灯" in html  # what was typed is still there
    assert 'class="error"' in html or "form-errors" in html


def test_a_null_byte_in_the_wizard_is_refused_before_anything_is_stored(personas):
    """The wizard is marked form_reports_bad_input (docs/security.md): a NUL in a field
    comes back as that field's error, in the user's language, with the input kept."""
    from gongzhi.decisions.models import Ballot

    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    r = client.post(url, _pb_post(action="create", title="花园\x00设计"),
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and not Ballot.objects.exists()
    assert "title" in r.context["basics"].errors
    assert "空字符" in r.content.decode() and "路灯" in r.content.decode()


def test_wizard_adds_a_row_without_javascript_and_keeps_what_was_typed(personas):
    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    r = client.post(url, _pb_post(action="add_row", budget=""))
    html = r.content.decode()
    assert 'name="options-3-label"' in html and "车棚" in html
    assert 'class="error"' not in html  # asking for a row is not an error


@pytest.mark.parametrize("kind,extra,method", [
    ("single", {}, "plurality"),
    ("multi", {"max_choices": "2"}, "approval"),
    ("rank", {"count": "irv"}, "irv"),
    ("score", {"min_score": "0", "max_score": "5"}, "score"),
    ("yesno", {"rule": "two_thirds", "quorum": "1/2"}, "majority"),
])
def test_each_kind_needs_only_its_own_fields(personas, kind, extra, method):
    from gongzhi.decisions.models import Ballot

    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    data = {"kind": kind, "title": "议题", "eligibility": "verified", "secret": "on",
            "allow_change": "on", "action": "create", **extra}
    if kind != "yesno":
        data.update({"options-TOTAL_FORMS": "2", "options-INITIAL_FORMS": "0",
                     "options-0-label": "甲方案", "options-1-label": "乙方案"})
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    ballot = Ballot.objects.get()
    assert ballot.method == method
    if kind == "yesno":
        assert ballot.approval_threshold == "2/3" and ballot.quorum == "1/2"
        assert not ballot.strict_majority


def test_art278_wizard_is_for_owners_and_open(personas):
    from gongzhi.decisions.models import Ballot

    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    page = client.get(url, {"kind": "art278"}).content.decode()
    assert 'name="secret"' not in page and 'value="verified"' not in page
    r = client.post(url, {"kind": "art278", "title": "加装电梯", "eligibility":
                          "building_owners", "building": personas.household.building_id,
                          "art278_item": "7", "allow_change": "on", "action": "create"})
    assert r.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.secrecy == "open" and ballot.art278_item == 7


@pytest.mark.parametrize("name,status", [("worker", 200), ("admin", 200), ("verified", 403),
                                         ("other_admin", 403)])
def test_only_staff_open_the_wizard(personas, name, status):
    r = personas.client(name).get(reverse("decisions:create", args=[personas.community.slug]),
                                  {"kind": "single"})
    assert r.status_code == status


@pytest.mark.parametrize("method,extra,post,stored", [
    ("pb", {"budget": 600}, {"approve": ["a", "c"]}, {"approve": ["a", "c"]}),
    ("pb", {"budget": 600, "pb_vote_type": "cumulative", "points_total": 5},
     {"points_a": "3", "points_c": "2"}, {"points": {"a": 3, "c": 2}}),
    ("pb", {"budget": 900, "pb_vote_type": "ordinal"}, {"rank_b": "1", "rank_a": "2"},
     {"ranking": ["b", "a"]}),
    ("pb", {"budget": 600, "pb_vote_type": "choose-1"}, {"choice": "b"}, {"choice": "b"}),
    ("plurality", {}, {"choice": "c"}, {"choice": "c"}),
    ("score", {}, {"score_a": "4", "score_b": "0"}, {"scores": {"a": 4, "b": 0}}),
    ("schulze", {}, {"rank_c": "1", "rank_a": "2", "rank_b": "3"},
     {"ranking": ["c", "a", "b"]}),
    ("majority", {}, {"choice": "no"}, {"choice": "no"}),
])
def test_vote_forms_for_each_ballot_type(make_ballot, personas, method, extra, post, stored):
    ballot = make_ballot(method=method, **extra)
    client = personas.client("owner")
    page = client.get(_url("detail", ballot))
    assert page.status_code == 200
    r = client.post(_url("detail", ballot), post)
    assert r.status_code == 200 and "decisions/receipt.html" in [t.name for t in r.templates]
    assert r["Cache-Control"] == "no-store"
    code = r.context["code"]
    assert code and code in r.content.decode()  # shown on this response, once
    assert BallotContent.objects.get().content == stored
    # ... and stored nowhere: not in the session, not on the receipt page later
    assert not [k for k, _v in client.session.items() if "receipt" in k]
    assert code not in client.get(_url("receipt", ballot)).content.decode()


def test_over_budget_form_keeps_the_page_with_an_error(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=600)
    r = personas.client("owner").post(_url("detail", ballot), {"approve": ["a", "b"]})
    assert r.status_code == 200
    assert not VoterRecord.objects.exists()
    assert r.context["error"]


def test_change_and_withdraw_through_the_pages(make_ballot, personas):
    ballot = make_ballot(method="approval")
    client = personas.client("owner")
    code = client.post(_url("detail", ballot), {"approve": ["a"]}).context["code"]
    refused = client.post(_url("detail", ballot), {"approve": ["b"]})
    assert refused.context["error"]  # a secret ballot: only the receipt code finds it
    client.post(_url("detail", ballot), {"approve": ["b"], "receipt_code": code})
    assert BallotContent.objects.get().content == {"approve": ["b"]}
    client.post(_url("withdraw", ballot), {"receipt_code": code})
    assert not BallotContent.objects.exists()


def test_receipt_check_page(make_ballot, personas):
    ballot = make_ballot()
    r = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    page = personas.client("anonymous").post(_url("receipts", ballot), {"code": r.code})
    assert page.context["check"]["state"] == "counted"
    assert page.context["check"]["content"] == {"approve": ["a"]}
    page = personas.client("anonymous").post(_url("receipts", ballot), {"code": "WRONG"})
    assert page.context["check"]["state"] == "unknown"
    # the code is sent in the body: a GET with it checks nothing
    page = personas.client("anonymous").get(_url("receipts", ballot), {"code": r.code})
    assert page.context["check"] is None


def test_paper_entry_pages(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    w2 = make_member(UserFactory(), personas.community, "worker")
    for user in (personas.worker, w2):
        from django.test import Client

        c = Client()
        c.force_login(user)
        r = c.post(_url("paper", ballot), {"action": "entry", "serial": "P-9",
                                           "approve": ["b"]})
        assert r.status_code == 302
    assert BallotContent.objects.get().channel == "paper"
    page = personas.client("worker").get(_url("paper", ballot))
    assert "P-9" in page.content.decode()


def test_results_pages_explain_greedy_and_mes(make_ballot, personas):
    for rule in ("greedy", "equalshares/add1"):
        ballot = make_ballot(method="pb", budget=600, pb_rule=rule)
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
        services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["b",
                                                                                   "c"]})
        services.ballot_close(actor=personas.admin, ballot=ballot)
        html = personas.client("anonymous").get(_url("results", ballot)).content.decode()
        assert "echarts.min.js" in html and "<table" in html and "<caption>" in html
        if rule == "greedy":
            assert "Ranked list with the cut" in html or "排" in html
        else:
            assert "Why popular projects lost" in html or "落选" in html


def test_art278_page_shows_progress_bars(personas):
    ballot = services.ballot_create(actor=personas.admin, community=personas.community,
                                    title="加装电梯", method="art278", options=[],
                                    eligibility="building_owners",
                                    building=personas.household.building, art278_item=7)
    services.ballot_open(actor=personas.admin, ballot=ballot)
    html = personas.client("anonymous").get(_url("detail", ballot)).content.decode()
    assert html.count("<progress") == 4


def test_pabulib_import_page(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.decisions.tests.test_services import PB_TEXT

    r = personas.client("admin").post(
        reverse("decisions:import", args=[personas.community.slug]),
        {"file": SimpleUploadedFile("x.pb", PB_TEXT.encode()), "title": "导入"})
    assert r.status_code == 302


def test_page_query_counts(make_ballot, personas, django_assert_max_num_queries):
    for i in range(6):
        make_ballot(title=f"b{i}")
    client = personas.client("owner")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("decisions:list",
                                  args=[personas.community.slug])).status_code == 200
    ballot = make_ballot(method="pb", budget=600)
    services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["a"]})
    with django_assert_max_num_queries(28):
        assert client.get(_url("detail", ballot)).status_code == 200
    services.ballot_close(actor=personas.admin, ballot=ballot)
    with django_assert_max_num_queries(20):
        assert client.get(_url("results", ballot)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(_url("receipts", ballot)).status_code == 200


def test_change_form_is_prefilled_with_the_current_ranking(make_ballot, personas):
    ballot = make_ballot(method="irv", secrecy="open")
    services.vote_cast(user=personas.owner, ballot=ballot, content={"ranking": ["b", "c"]})
    html = personas.client("owner").get(_url("detail", ballot)).content.decode()
    assert 'name="rank_b" value="1"' in html and 'name="rank_c" value="2"' in html


def test_personal_data_export_lists_votes(make_ballot, personas):
    from gongzhi.core.export import collect_personal_data

    secret = make_ballot(title="secret")
    open_ballot = make_ballot(title="open", secrecy="open")
    services.vote_cast(user=personas.owner, ballot=secret, content={"approve": ["a"]})
    services.vote_cast(user=personas.owner, ballot=open_ballot, content={"approve": ["b"]})
    data = {row["ballot"]: row for row in collect_personal_data(personas.owner)["decisions"]}
    assert "content" not in data["secret"]
    assert data["open"]["content"] == {"approve": ["b"]}


def test_pabulib_import_with_a_repeated_project_warns(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.decisions.models import Ballot
    from gongzhi.decisions.tests.test_services import PB_TEXT

    text = PB_TEXT.replace("v3;1\n", "v3;1,1\n")
    client = personas.client("admin")
    r = client.post(reverse("decisions:import", args=[personas.community.slug]),
                    {"file": SimpleUploadedFile("x.pb", text.encode()), "title": "导入"},
                    follow=True)
    assert r.status_code == 200
    ballot = Ballot.objects.get(title="导入")
    assert ballot.result["ballots"] == 3
    page = r.content.decode()
    assert "line 18" in page and "&#x27;1&#x27;" in page


def _picture(name="design.png", fmt="PNG", size=(400, 300), trailer=b""):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (60, 140, 80)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue() + trailer, content_type="text/html")


def test_an_option_picture_survives_the_preview_and_reaches_the_ballot(personas, settings,
                                                                      tmp_path):
    """The picture is checked and re-encoded under a random name when the worker previews;
    the preview, the wizard row, the draft and the ballot page show it with the option's
    label as its alt text."""
    from gongzhi.decisions.models import Ballot

    settings.MEDIA_ROOT = tmp_path
    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    upload = _picture("poly.html", trailer=b"<script>alert(1)</script>")
    preview = client.post(url, _pb_post(action="preview", **{"options-0-image": upload}))
    assert preview.status_code == 200 and preview.context["preview"] is not None
    html = preview.content.decode()
    token = preview.context["formset"].forms[0].data["options-0-image_token"]
    staged = preview.context["preview"]["options"][0].image.name
    assert staged.startswith("ballots/options/") and staged.endswith(".png")
    assert "poly" not in staged
    assert (tmp_path / staged).read_bytes().find(b"<script>") == -1
    assert html.count('alt="路灯"') >= 2  # the preview and the wizard row
    r = client.post(url, _pb_post(action="create", **{"options-0-image_token": token}))
    assert r.status_code == 302
    ballot = Ballot.objects.get()
    lamp, seat, _shed = ballot.options.all()
    assert lamp.image.name == staged and not seat.image
    draft = client.get(reverse("decisions:detail", args=[personas.community.slug, ballot.pk]))
    assert f'src="/media/{staged}" alt="路灯"' in draft.content.decode()


def test_a_big_option_picture_is_scaled_down(personas, settings, tmp_path):
    from PIL import Image

    from gongzhi.decisions import services

    settings.MEDIA_ROOT = tmp_path
    name = services.option_image_stage(upload=_picture("big.jpg", "JPEG", (4000, 3000)))
    with Image.open(tmp_path / name) as img:
        assert max(img.size) == 1600 and img.format == "JPEG"


def test_a_bad_option_picture_is_explained_and_the_rest_is_kept(personas, settings,
                                                              tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.decisions.models import Ballot

    settings.MEDIA_ROOT = tmp_path
    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    bad = SimpleUploadedFile("a.png", b"not a picture", content_type="image/png")
    r = client.post(url, _pb_post(action="create", **{"options-1-image": bad}),
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and not Ballot.objects.exists()
    html = r.content.decode()
    assert "座椅" in html and "车棚" in html and 'class="error"' in html


def test_a_forged_picture_token_or_path_is_refused(personas, settings, tmp_path):
    from django.core.exceptions import ValidationError

    from gongzhi.decisions import services
    from gongzhi.decisions.models import Ballot

    settings.MEDIA_ROOT = tmp_path
    client = personas.client("worker")
    url = reverse("decisions:create", args=[personas.community.slug])
    r = client.post(url, _pb_post(action="create", **{"options-0-image_token": "x:y"}))
    assert r.status_code == 200 and not Ballot.objects.exists()
    with pytest.raises(ValidationError):
        services.ballot_create(actor=personas.admin, community=personas.community,
                               title="t", method="approval", options=[
                                   {"key": "a", "label": "A", "image": "reports/secret.jpg"},
                                   {"key": "b", "label": "B"}])
    assert not Ballot.objects.exists()


def test_the_api_gives_the_option_picture(personas, make_ballot, settings, tmp_path):
    from gongzhi.decisions import services

    settings.MEDIA_ROOT = tmp_path
    name = services.option_image_stage(upload=_picture())
    ballot = make_ballot(options=[{"key": "a", "label": "甲", "image": name},
                                  {"key": "b", "label": "乙"}])
    data = personas.client("verified").get(f"/api/v1/decisions/ballots/{ballot.pk}").json()
    assert data["options"][0]["image"] == f"/media/{name}"
    assert data["options"][1]["image"] is None
