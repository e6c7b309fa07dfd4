from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gongzhi.core.models import AuditEntry
from gongzhi.projects import services
from gongzhi.projects.models import Proposal, Result, Support
from gongzhi.projects.tests.factories import ProposalFactory, TaskFactory
from gongzhi.testing.factories import UserFactory


def png(name="p.png"):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.community.slug, project.pk, *args])


@pytest.mark.parametrize("name", ["anonymous", "outsider", "verified", "worker"])
def test_project_pages_are_public(personas, project, name):
    client = personas.client(name)
    proposal = ProposalFactory(project=project)
    for u in (reverse("projects:list", args=[project.community.slug]), url("detail", project),
              url("proposals", project), url("proposal", project, proposal.pk),
              reverse("projects:results", args=[project.community.slug])):
        assert client.get(u).status_code == 200, u


def test_the_page_shows_you_are_here_and_what_you_can_do(personas, project):
    page = personas.client("verified").get(url("detail", project)).content.decode()
    assert 'aria-current="step"' in page and "进行中" in page
    assert url("proposal_create", project) in page
    page = personas.client("outsider").get(url("detail", project)).content.decode()
    assert url("proposal_create", project) not in page


def test_draft_projects_are_refused_to_residents(personas, project):
    project.status = "draft"
    project.save()
    assert personas.client("verified").get(url("detail", project)).status_code == 403
    assert personas.client("worker").get(url("detail", project)).status_code == 200


def test_a_worker_creates_a_project_from_a_template(personas):
    from gongzhi.projects.models import ProjectTemplate

    client = personas.client("worker")
    t = ProjectTemplate.objects.get(key="micro_renewal")
    r = client.post(reverse("projects:create", args=[personas.community.slug]),
                    {"template": t.pk, "title": "修步道", "starts_on": "2026-01-05"})
    assert r.status_code == 302
    project = personas.community.projects.get()
    assert project.phases.count() == 6 and project.kind == "micro_renewal"


@pytest.mark.parametrize(("name", "status"), [("verified", 403), ("anonymous", 302)])
def test_residents_cannot_create_projects(personas, name, status):
    r = personas.client(name).post(reverse("projects:create", args=[personas.community.slug]),
                                   {"title": "x"})
    assert r.status_code == status


def test_proposing_with_a_picture_and_bad_input_keeps_the_text(personas, project):
    client = personas.client("verified")
    r = client.post(url("proposal_create", project), {"kind": "proposal", "title": "种花",
                                                       "description": ""})
    assert r.status_code == 200 and "种花" in r.content.decode()
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    r = client.post(url("proposal_create", project), {
        "kind": "idea", "title": "种花", "description": "南侧", "images": [bad]})
    assert r.status_code == 200 and "南侧" in r.content.decode()
    r = client.post(url("proposal_create", project), {
        "kind": "idea", "title": "种花", "description": "南侧", "lat": "31.28",
        "lon": "121.5", "images": [png()]})
    assert r.status_code == 302
    p = Proposal.objects.get()
    assert p.images.count() == 1 and p.lat == 31.28


def test_a_null_byte_in_a_proposal_comes_back_as_a_form_error(personas, project):
    client = personas.client("verified")
    r = client.post(url("proposal_create", project), {"kind": "idea", "title": "种花\x00",
                                                       "description": "南侧空地"})
    assert r.status_code == 200 and "title" in r.context["form"].errors
    assert "南侧空地" in r.content.decode() and not Proposal.objects.exists()


def test_support_and_withdraw_through_the_page(personas, project):
    proposal = ProposalFactory(project=project)
    client = personas.client("owner")
    client.post(url("support", project, proposal.pk))
    assert Support.objects.filter(proposal=proposal).count() == 1
    client.post(url("support", project, proposal.pk), {"retract": "1"})
    assert not Support.objects.filter(proposal=proposal).exists()
    r = personas.client("resident").post(url("support", project, proposal.pk))
    assert r.status_code == 403


def test_answer_form_requires_a_reason_for_rejection(personas, project):
    proposal = ProposalFactory(project=project)
    client = personas.client("worker")
    client.post(url("answer", project, proposal.pk), {"answer": "rejected", "text": ""})
    proposal.refresh_from_db()
    assert proposal.answer == ""
    client.post(url("answer", project, proposal.pk), {"answer": "accepted", "text": "好"})
    proposal.refresh_from_db()
    assert proposal.answer == "accepted"
    assert personas.client("owner").post(url("answer", project, proposal.pk),
                                         {"answer": "rejected", "text": "x"}).status_code == 403


def test_moderation_through_the_page_is_audited(personas, project):
    proposal = ProposalFactory(project=project)
    personas.client("worker").post(url("moderate", project, "proposal", proposal.pk),
                                   {"decision": "hide", "reason": "广告"})
    proposal.refresh_from_db()
    assert proposal.visibility == "hidden"
    assert AuditEntry.objects.filter(action="content.hide", reason="广告").exists()
    assert personas.client("owner").get(url("proposal", project, proposal.pk)).status_code == 404


def test_task_signup_through_the_page(personas, project):
    task = TaskFactory(project=project, capacity=1)
    personas.client("verified").post(url("task_signup", project, task.pk))
    personas.client("owner").post(url("task_signup", project, task.pk))
    assert task.signups.count() == 1


def test_result_page_lets_a_worker_post_an_update_with_a_photo(personas, project):
    result = services.result_create(actor=personas.worker, community=personas.community,
                                    project=project, title="修步道")
    u = reverse("projects:result", args=[personas.community.slug, result.pk])
    r = personas.client("worker").post(u, {"text": "完工", "progress": "100",
                                           "photo": png()})
    assert r.status_code == 302
    result.refresh_from_db()
    assert result.status == "done" and result.updates.get().photo
    assert personas.client("verified").post(u, {"text": "x", "progress": "5"}
                                            ).status_code == 403


def test_my_input_lists_each_input_and_its_fate(personas, project):
    mine = ProposalFactory(project=project, author=personas.verified, title="我的提案")
    other = ProposalFactory(project=project, title="别人的提案")
    services.support_add(actor=personas.verified, proposal=other)
    services.proposal_answer(actor=personas.worker, proposal=other, answer="rejected",
                             text="预算不足")
    services.comment_create(actor=personas.verified, project=project, proposal=mine,
                            body="补充说明")
    page = personas.client("verified").get(reverse("projects:my_input")).content.decode()
    assert "我的提案" in page and "别人的提案" in page and "预算不足" in page
    assert "补充说明" in page
    assert personas.client("anonymous").get(reverse("projects:my_input")).status_code == 302


# --- query counts ------------------------------------------------------------------------


def _busy_project(personas, project):
    for i in range(5):
        p = ProposalFactory(project=project, author=UserFactory())
        services.support_add(actor=personas.verified, proposal=p)
        services.comment_create(actor=personas.owner, project=project, proposal=p, body=str(i))
        TaskFactory(project=project)
        services.result_create(actor=personas.worker, community=personas.community,
                               project=project, title=f"r{i}")


def test_project_page_query_count(personas, project, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _busy_project(personas, project)
    client = personas.client("verified")
    client.get(url("detail", project))
    with django_assert_max_num_queries(30):  # +1 basemap (gongzhi.maps), +1 own hidden ids
        assert client.get(url("detail", project)).status_code == 200
    with CaptureQueriesContext(connection) as before:
        client.get(url("detail", project))
    _busy_project(personas, project)  # twice the proposals, tasks, results
    with CaptureQueriesContext(connection) as after:
        client.get(url("detail", project))
    assert len(after.captured_queries) == len(before.captured_queries)


def test_proposal_list_is_constant_with_10000_proposals(personas, project,
                                                        django_assert_num_queries):
    authors = UserFactory.create_batch(5)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    Proposal.objects.bulk_create([
        Proposal(project=project, community=project.community, author=authors[i % 5],
                 title=f"提案{i}", description="x", support_count=i % 17,
                 created_at=now) for i in range(10_000)])
    # Every fate appears on every page: accepted with a result, rejected, merged.
    ids = list(Proposal.objects.filter(project=project).values_list("pk", flat=True))
    Proposal.objects.filter(pk__in=ids[::3]).update(answer="accepted")
    Proposal.objects.filter(pk__in=ids[1::3]).update(answer="rejected", answer_text="no")
    Proposal.objects.filter(pk__in=ids[2::7]).update(answer="merged", merged_into_id=ids[0])
    Result.objects.bulk_create([Result(community=project.community, project=project,
                                       proposal_id=pk, title="r") for pk in ids[::3]])
    client = personas.client("verified")
    client.get(url("proposals", project))

    def count_for(query: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("proposals", project) + query).status_code == 200
        return len(ctx.captured_queries)

    first = count_for("")
    assert count_for("?page=250&order=supports") == first
    assert count_for("?page=3&answer=none&q=提案") == first
    assert first <= 22  # +2: the author's own hidden ids, and the page of ids before its rows


def test_result_page_query_count(personas, project, django_assert_max_num_queries):
    result = services.result_create(actor=personas.worker, community=personas.community,
                                    project=project, title="修路")
    for i in range(10):
        m = services.milestone_add(actor=personas.worker, result=result, title=f"m{i}")
        services.result_update_post(actor=personas.worker, result=result, text=str(i),
                                    milestone=m, progress=i * 10)
    client = personas.client("verified")
    u = reverse("projects:result", args=[personas.community.slug, result.pk])
    client.get(u)
    with django_assert_max_num_queries(16):
        assert client.get(u).status_code == 200
    assert Result.objects.get().updates.count() == 10


def test_result_list_query_count(personas, project, django_assert_max_num_queries):
    for i in range(30):
        services.result_create(actor=personas.worker, community=personas.community,
                               project=project, title=f"r{i}")
    client = personas.client("anonymous")
    u = reverse("projects:results", args=[personas.community.slug])
    client.get(u)
    with django_assert_max_num_queries(10):
        assert client.get(u).status_code == 200


def test_a_worker_manages_the_project_stakeholders_and_team(personas, project):
    from gongzhi.testing.factories import OrganisationFactory

    org = OrganisationFactory(community=personas.community, name="规划团队")
    client = personas.client("worker")
    u = url("manage", project)
    assert client.get(u).status_code == 200
    r = client.post(u, {"action": "edit", "title": "新名字", "status": "active",
                        "report_threshold": "5"})
    assert r.status_code == 302
    client.post(u, {"action": "stakeholder", "s-organisation": org.pk, "s-role": "adviser"})
    client.post(u, {"action": "team", "t-phone": personas.verified.phone, "t-role": "planner"})
    project.refresh_from_db()
    assert project.title == "新名字" and project.report_threshold == 5
    assert project.stakeholders.get().organisation == org
    assert project.team.get().user == personas.verified
    assert personas.client("verified").get(u).status_code == 403


def test_my_input_lists_reports_meetings_and_votes_but_never_the_choice(personas, project):
    from gongzhi.decisions import services as ballots
    from gongzhi.meetings import services as meetings
    from gongzhi.meetings.tests.conftest import make_meeting
    from gongzhi.reports import services as reports
    from gongzhi.reports.tests.conftest import LAT as REPORT_LAT
    from gongzhi.reports.tests.conftest import LON as REPORT_LON

    user = personas.verified
    report = reports.report_create(actor=user, community=personas.community,
                                   category="lamp", description="路灯不亮了好几天",
                                   lat=REPORT_LAT,
                                   lon=REPORT_LON,
                                   location_text="3号楼北侧")
    meeting = make_meeting(personas.community, title="花园议事会", days=3)
    meetings.registration_create(actor=user, meeting=meeting)
    ballot = ballots.ballot_create(actor=personas.admin, community=personas.community,
                                   title="秘密投票：花园方案", method="plurality",
                                   secrecy="secret",
                                   options=[{"key": "x", "label": "选项甲乙"},
                                            {"key": "y", "label": "选项丙丁"}])
    ballots.ballot_open(actor=personas.admin, ballot=ballot)
    ballots.vote_cast(user=user, ballot=ballot, content={"choice": "x"})
    page = personas.client("verified").get(reverse("projects:my_input")).content.decode()
    assert "3号楼北侧" in page and report.get_status_display() in page
    assert "花园议事会" in page
    assert "秘密投票：花园方案" in page
    assert "选项甲乙" not in page and "选项丙丁" not in page


def test_my_input_query_count_is_constant(personas, project, django_assert_max_num_queries):
    for i in range(8):
        p = ProposalFactory(project=project, author=personas.verified if i % 2 else None)
        services.support_add(actor=personas.verified, proposal=p)
        services.comment_create(actor=personas.verified, project=project, proposal=p,
                                body=str(i))
        services.proposal_answer(actor=personas.worker, proposal=p,
                                 answer="accepted" if i % 3 else "rejected", text="x")
    client = personas.client("verified")
    client.get(reverse("projects:my_input"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("projects:my_input")).status_code == 200


def test_a_worker_changes_a_phase_and_permissions_follow(personas, project):
    phase = project.phases.get(key="open")
    client = personas.client("worker")
    p = f"p{phase.pk}-"
    r = client.post(url("manage", project), {
        "action": "phase", "phase": phase.pk, p + "name": "征集", p + "starts_on":
        phase.starts_on.isoformat(), p + "ends_on": phase.ends_on.isoformat(),
        p + "act_projects__propose": ["member"],
        p + "act_projects__comment": ["member", "verified"]})
    assert r.status_code == 302
    phase.refresh_from_db()
    assert phase.actions == {"projects.propose": ["member"],
                             "projects.comment": ["member", "verified"]}
    assert AuditEntry.objects.filter(action="project.phase_update").exists()
    # a pending resident may now propose; nobody may support any more
    from gongzhi.projects.tests.helpers import fresh

    assert fresh(personas.resident).has_perm("projects.propose", project)
    assert not fresh(personas.owner).has_perm("projects.support", ProposalFactory(
        project=project))
    r = client.post(url("manage", project), {
        "action": "phase", "phase": phase.pk, p + "name": "x", p + "starts_on": "2026-05-02",
        p + "ends_on": "2026-05-01"})
    assert r.status_code == 200 and "form-errors" in r.content.decode()


def test_the_author_edits_their_proposal_and_history_is_kept(personas, project):
    proposal = ProposalFactory(project=project, author=personas.verified, title="旧")
    u = url("proposal_edit", project, proposal.pk)
    assert personas.client("owner").get(u).status_code == 403
    r = personas.client("verified").post(u, {"title": "新", "description": "新描述"})
    assert r.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version) == ("新", 2)
    assert proposal.versions.get().title == "旧"


@pytest.mark.postgres
@pytest.mark.django_db
def test_proposal_search_uses_the_trigram_index_on_postgresql(project):
    from django.db import connection

    authors = UserFactory.create_batch(2)
    Proposal.objects.bulk_create([
        Proposal(project=project, community=project.community, author=authors[i % 2],
                 title=f"提案{i} 关于{'锅炉房' if i % 500 == 0 else '楼道'}改造",
                 description="x") for i in range(5000)])
    with connection.cursor() as cur:
        cur.execute("ANALYZE projects_proposal")
        cur.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask what it *can* use
        cur.execute("EXPLAIN SELECT id FROM projects_proposal WHERE title ILIKE %s",
                    ["%锅炉房%"])
        plan = "\n".join(row[0] for row in cur.fetchall())
        cur.execute("SELECT array_length(show_trgm('锅炉房'), 1)")
        trigrams = cur.fetchone()[0]
    assert "proposal_title_trgm" in plan, plan
    assert trigrams and trigrams >= 3  # Chinese characters make trigrams (the index can narrow)
    found = Proposal.objects.filter(project=project, title__icontains="锅炉房").count()
    assert found == 10


@pytest.mark.django_db
def test_own_hidden_proposal_and_support_come_without_queries_of_their_own(personas):
    """The author's hidden proposal shows in their list, and "you support this" on the
    rows they support, from the access rows and the rows' query (no query apart)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.projects.models import Proposal, Support
    from gongzhi.projects.tests.factories import PhaseFactory, ProjectFactory, ProposalFactory

    project = ProjectFactory(community=personas.community)
    PhaseFactory(project=project, order=1, key="open")
    mine = ProposalFactory(project=project, author=personas.owner, title="我的待审提案",
                           visibility=Proposal.Visibility.PENDING)
    theirs = ProposalFactory(project=project, author=personas.verified, title="别人的待审提案",
                             visibility=Proposal.Visibility.PENDING)
    liked = ProposalFactory(project=project, author=personas.verified, title="好提案")
    Support.objects.create(proposal=liked, user=personas.owner)
    url = f"/c/{personas.community.slug}/projects/{project.pk}/proposals/"
    client = personas.client("owner")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    ids = [p.pk for p in response.context["page"].object_list]
    assert mine.pk in ids and liked.pk in ids and theirs.pk not in ids
    assert response.context["supported"] == {liked.pk}
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if q.startswith('SELECT "projects_support"')]
    assert not [q for q in sql if re.search(r'"projects_proposal"."author_id" = \d', q)]
    other = personas.client("verified").get(url)
    assert {mine.pk, theirs.pk} & {p.pk for p in other.context["page"].object_list} == {
        theirs.pk}
    assert other.context["supported"] == set()


def test_proposal_pin_is_a_map_not_two_numbers(personas, project):
    """A pinned proposal shows its place on the community basemap (the map island of the
    project page, its title as the marker's label); an unpinned one loads no map."""
    import json
    import re

    from gongzhi.reports.tests.conftest import LAT, LON

    pinned = ProposalFactory(project=project, title="花园<入口>长椅", lat=LAT, lon=LON)
    plain = ProposalFactory(project=project, title="不标注的提案")
    client = personas.client("verified")

    def page(p):
        return client.get(reverse("projects:proposal", args=[
            personas.community.slug, project.pk, p.pk])).content.decode()

    html = page(pinned)
    assert f"{LAT:.5f}" not in html  # no raw coordinates for a resident to decode
    assert 'id="project-map"' in html and "projects/projects.js" in html
    found = re.search(r'<script id="project-spaces" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found and "<入口>" not in found.group(1)  # json_script escapes the title
    assert json.loads(found.group(1)) == [{"name": "花园<入口>长椅", "lat": LAT, "lon": LON,
                                           "geometry": None}]
    assert 'id="map-config"' in html
    html = page(plain)
    assert 'id="project-map"' not in html and "leaflet.js" not in html
