"""Services: uploads, moderation, consent tags, takedowns, oral history, personal data."""

from __future__ import annotations

import io
import wave

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.core.models import AuditEntry
from gongzhi.memory import services
from gongzhi.memory.models import ANONYMOUS_NAME, MemoryItem, PersonTag, SearchTerm
from gongzhi.memory.tests.conftest import jpeg, make_item
from gongzhi.notifications.models import Notification


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _wav() -> SimpleUploadedFile:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    return SimpleUploadedFile("talk.html", out.getvalue(), content_type="text/html")


def test_a_residents_photo_is_reencoded_without_gps_and_waits_for_review(personas,
                                                                         django_capture_on_commit_callbacks):
    from PIL import Image

    item = services.item_create(actor=personas.verified, community=personas.community,
                                kind="photo", title="厂门口", era_text="1970年代",
                                files=[services.Upload(jpeg(gps=True), "爷爷在厂门口")])
    assert item.status == "pending" and item.published_at is None
    m = item.media.get()
    assert m.kind == "image" and m.file.name.endswith(".jpg")
    assert "evil" not in m.file.name and ".html" not in m.file.name
    with Image.open(m.file.path) as img:
        assert not img.getexif().get_ifd(0x8825) and 0x010F not in img.getexif()
    assert m.thumbnail.name.endswith(".webp")
    assert (item.year_from, item.year_to) == (1970, 1979)
    assert AuditEntry.objects.filter(action="memory.item_create", target_id=str(item.pk))\
        .exists()


def test_gps_is_kept_only_when_asked(personas):
    from PIL import Image

    item = services.item_create(actor=personas.verified, community=personas.community,
                                kind="photo", title="厂门口", keep_location=True,
                                files=[services.Upload(jpeg(gps=True))])
    with Image.open(item.media.get().file.path) as img:
        assert img.getexif().get_ifd(0x8825)


def test_audio_is_sniffed_and_renamed(personas):
    item = services.item_create(actor=personas.worker, community=personas.community,
                                kind="audio", title="口述", files=[services.Upload(_wav())])
    m = item.media.get()
    assert m.kind == "audio" and m.content_type == "audio/wav" and m.file.name.endswith(".wav")


@pytest.mark.parametrize("content, message", [
    (b"<html><script>alert(1)</script></html>", "invalid_media"),
    (b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF",
     "unsafe_pdf"),
    (b"%PDF-1.4\n1 0 obj << >> endobj\n", "unsafe_pdf"),  # truncated: no %%EOF
])
def test_bad_files_are_refused_with_a_clear_error(personas, content, message):
    upload = SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=personas.verified, community=personas.community,
                             kind="document", title="扫描件",
                             files=[services.Upload(upload)])
    assert message in str(exc.value.error_list[0].code if hasattr(exc.value, "error_list")
                          else exc.value)
    assert not MemoryItem.objects.exists()


def test_a_clean_pdf_scan_is_kept(personas):
    pdf = SimpleUploadedFile("x.exe", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n")
    item = services.item_create(actor=personas.verified, community=personas.community,
                                kind="document", title="先进名单",
                                files=[services.Upload(pdf)])
    assert item.media.get().file.name.endswith(".pdf")


def test_size_limits_per_kind(personas, settings):
    settings.UPLOAD_MAX_AUDIO_BYTES = 100
    with pytest.raises(ValidationError):
        services.item_create(actor=personas.verified, community=personas.community,
                             kind="audio", title="口述", files=[services.Upload(_wav())])


@pytest.mark.parametrize("fields, key", [
    ({"title": ""}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"body": ""}, "body"),
    ({"era_text": "很久很久以前"}, "era_text"),
    ({"licence": "public"}, "licence"),
    ({"lat": 31.2}, "lat"),
])
def test_bad_input_names_the_field(personas, fields, key):
    data = {"kind": "story", "title": "标题", "body": "内容", **fields}
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=personas.verified, community=personas.community, **data)
    assert key in exc.value.error_dict


def test_story_html_is_sanitised(personas):
    item = make_item(personas, body='<p onclick="x()">老厂<script>alert(1)</script>'
                                    '<a href="javascript:alert(1)">链接</a></p>')
    assert "script" not in item.body_html and "onclick" not in item.body_html
    assert "javascript" not in item.body_html and "老厂" in item.body_html


def test_staff_items_are_published_at_once(personas):
    item = services.item_create(actor=personas.worker, community=personas.community,
                                kind="story", title="建厂", body="1956年建厂")
    assert item.status == "approved" and item.published_at is not None


def test_moderation_requires_a_reason_to_refuse_and_tells_the_contributor(
        personas, django_capture_on_commit_callbacks):
    item = make_item(personas, approve=False)
    with pytest.raises(ValidationError):
        services.item_moderate(actor=personas.worker, item=item, approve=False)
    with pytest.raises(PermissionDenied):
        services.item_moderate(actor=personas.owner, item=item, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_moderate(actor=personas.worker, item=item, approve=False,
                               reason="照片里有未同意的邻居")
    note = Notification.objects.get(user=personas.verified, kind="memory.rejected")
    assert "照片里有未同意的邻居" in note.body
    assert AuditEntry.objects.filter(action="memory.reject", reason="照片里有未同意的邻居")\
        .exists()


def test_tags_wait_for_consent_and_can_be_removed(personas, django_capture_on_commit_callbacks):
    item = make_item(personas)
    with django_capture_on_commit_callbacks(execute=True):
        tag = services.tag_add(actor=personas.verified, item=item, person=personas.owner)
    assert tag.state == "pending"
    assert Notification.objects.filter(user=personas.owner, kind="memory.tag_request").exists()
    assert not SearchTerm.objects.filter(item=item, term="业主").exists()
    services.tag_respond(actor=personas.owner, tag=tag, accept=True)
    assert SearchTerm.objects.filter(item=item, term="业主").exists()  # name is searchable
    with pytest.raises(PermissionDenied):
        services.tag_respond(actor=personas.verified, tag=tag, accept=False)
    services.tag_remove(actor=personas.owner, tag=tag)
    assert not PersonTag.objects.exists()
    assert not SearchTerm.objects.filter(item=item, term="业主").exists()


def test_only_members_can_be_tagged(personas):
    item = make_item(personas)
    with pytest.raises(ValidationError):
        services.tag_add(actor=personas.verified, item=item, person=personas.outsider)


def test_takedown_request_and_decision(personas, django_capture_on_commit_callbacks):
    item = make_item(personas, licence="community")
    with django_capture_on_commit_callbacks(execute=True):
        req = services.takedown_request(actor=personas.owner, item=item, reason="privacy",
                                        details="照片里是我家孩子")
    assert Notification.objects.filter(user=personas.worker,
                                       kind="memory.takedown_request").exists()
    again = services.takedown_request(actor=personas.owner, item=item, reason="privacy",
                                      details="再说一次")
    assert again.pk == req.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.takedown_decide(actor=personas.worker, request=req, uphold=True,
                                 note="已核实，照片涉及未成年人")
    item.refresh_from_db()
    assert item.status == "taken_down"
    assert Notification.objects.filter(user=personas.owner,
                                       kind="memory.takedown_decided").exists()
    assert Notification.objects.filter(user=personas.verified,
                                       kind="memory.taken_down").exists()
    assert AuditEntry.objects.filter(action="memory.takedown_decide").exists()
    with pytest.raises(ValidationError):
        services.takedown_decide(actor=personas.worker, request=req, uphold=False, note="x")


def test_oral_history_needs_the_narrators_consent(personas, volunteer):
    with pytest.raises(ValidationError) as exc:
        services.item_create(actor=volunteer, community=personas.community, kind="audio",
                             title="口述", on_behalf=True, narrator_name="王秀兰",
                             files=[services.Upload(_wav())])
    assert "narrator_consent" in exc.value.error_dict
    item = services.item_create(actor=volunteer, community=personas.community, kind="audio",
                                title="王奶奶讲建厂", transcript="问：哪年进厂？\n答：1958年。",
                                on_behalf=True, narrator_name="王秀兰", narrator_consent=True,
                                narrator_consent_note="口头同意",
                                files=[services.Upload(_wav())])
    assert item.recorded_by == volunteer and item.narrator_consent_at is not None
    assert item.status == "pending"  # a volunteer is not a moderator
    assert item.shown_author == "王秀兰"
    with pytest.raises(PermissionDenied):
        services.item_create(actor=personas.owner, community=personas.community,
                             kind="story", title="x", body="y", on_behalf=True,
                             narrator_name="某", narrator_consent=True)


def test_deleting_an_account_keeps_only_what_the_licence_allows(personas):
    from gongzhi.core.export import collect_personal_data, delete_personal_data

    cc = make_item(personas, licence="cc_by", title="公开的故事")
    community = make_item(personas, licence="community", title="社区的故事")
    private = make_item(personas, licence="all_rights", title="私人的故事")
    other = make_item(personas, actor=personas.owner, title="别人的故事")
    services.tag_add(actor=personas.owner, item=other, person=personas.verified)
    data = collect_personal_data(personas.verified)["memory"]
    assert {i["title"] for i in data["items"]} == {"公开的故事", "社区的故事", "私人的故事"}
    assert len(data["tags"]) == 1
    delete_personal_data(personas.verified)
    assert not MemoryItem.objects.filter(pk=private.pk).exists()
    for item in (cc, community):
        item.refresh_from_db()
        assert item.contributor is None and item.shown_author == ANONYMOUS_NAME
    assert not PersonTag.objects.filter(person=personas.verified).exists()
    assert SearchTerm.objects.filter(item=cc, term="匿名").exists()
