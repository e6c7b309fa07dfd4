"""End to end on a 360-px phone: a worker creates a garden project from the template, two
residents propose and support, a council meeting records a decision (meetings service),
the result reaches 100 % with a photo, and a supporter sees the update in their inbox.
axe checks every page on the way."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from gongzhi.projects.models import Project, ProjectTemplate, Proposal, Result
from gongzhi.projects.template_data import ensure_default_templates
from gongzhi.testing.browser import PHONE_VIEWPORT, assert_accessible, login_with_password
from gongzhi.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 60)).save(out, format="JPEG")
    return out.getvalue()


def _phone(browser, base, user):
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN",
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login_with_password(page, base, user.phone, PASSWORD)
    page.wait_for_load_state()
    if "/consent/" in page.url:
        page.check("#id_agree")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    return context, page


def _propose(page, base, project, title, text, *, pin=False):
    page.goto(f"{base}/c/{project.community.slug}/projects/{project.pk}/proposals/new/")
    assert_accessible(page, exclude=["#pick-map"])
    if pin:  # an idea pinned on the map
        page.wait_for_selector("#pick-map.leaflet-container")
        page.click("#pick-map", position={"x": 100, "y": 80})
        assert page.input_value("#id_lat")
    page.fill("#id_title", title)
    page.fill("#id_description", text)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return Proposal.objects.get(title=title)


def _support(page, base, proposal):
    page.goto(f"{base}/c/{proposal.community.slug}/projects/{proposal.project_id}/proposals/"
              f"{proposal.pk}/")
    page.get_by_role("button", name="支持").or_(page.get_by_role("button", name="Support")
                                              ).first.click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_garden_project_from_template_to_a_finished_result(live_server, browser, personas,
                                                           settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    slug = personas.community.slug
    ensure_default_templates()
    template = ProjectTemplate.objects.get(key="garden")

    # A worker creates the project from the garden template, starting 14 days ago so the
    # needs survey (共谋: propose, support) is open today.
    ctx_w, worker = _phone(browser, base, personas.worker)
    worker.goto(f"{base}/c/{slug}/projects/new/?template={template.pk}")
    assert_accessible(worker)
    worker.fill("#id_title", "锅炉房花园共建")
    worker.fill("#id_starts_on", (timezone.localdate() - dt.timedelta(days=14)).isoformat())
    worker.click("main form button[type=submit]")
    worker.wait_for_load_state()
    project = Project.objects.get(title="锅炉房花园共建")
    assert project.phases.count() == 9
    assert worker.locator("[aria-current=step]").count() == 1
    assert_accessible(worker)

    # Two residents propose and support each other's proposal.
    ctx_a, alice = _phone(browser, base, personas.verified)
    ctx_b, bob = _phone(browser, base, personas.owner)
    wall = _propose(alice, base, project, "花园入口墙", "用回收砖砌入口墙")
    corner = _propose(bob, base, project, "图书交换角", "旧柜子做图书角", pin=True)
    assert corner.lat is not None and corner.lon is not None
    _support(alice, base, corner)
    _support(bob, base, wall)
    corner.refresh_from_db()
    assert corner.support_count == 1

    # A council meeting records a decision on the book corner (meetings service).
    from gongzhi.meetings import services as meetings

    meeting = meetings.meeting_create(actor=personas.worker, community=personas.community,
                                      kind="council", title="居民议事会",
                                      starts_at=timezone.now(), project=project,
                                      place="社区客厅")
    item = meetings.agenda_item_add(actor=personas.worker, meeting=meeting,
                                    title=corner.title, proposal=corner)
    meetings.decision_record(actor=personas.worker, meeting=meeting, agenda_item=item,
                             text="同意建设图书交换角", votes_for=20, votes_against=1)
    result = Result.objects.get(proposal=corner)

    # The worker reports progress to 100 % with a photo.
    worker.goto(f"{base}/c/{slug}/results/{result.pk}/")
    assert_accessible(worker)
    worker.fill("#id_text", "图书角完工，欢迎换书")
    worker.fill("#id_progress", "100")
    worker.set_input_files("#id_photo", files=[{"name": "done.jpg", "mimeType": "image/jpeg",
                                                "buffer": _photo_bytes()}])
    worker.click("main form button[type=submit] >> nth=0")
    worker.wait_for_load_state()
    result.refresh_from_db()
    assert result.progress == 100 and result.status == "done"
    assert worker.locator("img.result-photo").count() == 1
    assert_accessible(worker)

    # Alice supported the book corner: the update is in her inbox, and in "my input".
    alice.goto(f"{base}/inbox/")
    assert alice.get_by_text("100%").count() >= 1
    assert_accessible(alice)
    alice.goto(f"{base}/me/input/")
    assert alice.get_by_text("图书交换角").count() >= 1
    assert_accessible(alice)
    alice.goto(f"{base}/c/{slug}/projects/{project.pk}/")
    assert_accessible(alice, exclude=["#project-map"])
    for ctx in (ctx_w, ctx_a, ctx_b):
        ctx.close()
