"""Activities services: materialising, exceptions, waiting list, children, reminders, photos."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.activities import selectors, services
from gongzhi.activities.models import Occurrence, Registration
from gongzhi.activities.tests.conftest import fresh
from gongzhi.notifications.models import Notification
from gongzhi.testing.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def test_a_weekday_rule_is_materialised_eight_weeks_ahead_idempotently(after_school):
    n = after_school.occurrences.count()
    assert 38 <= n <= 41  # eight weeks of weekdays
    assert all(timezone.localtime(o.starts_at).weekday() < 5
               and timezone.localtime(o.starts_at).strftime("%H:%M") == "16:30"
               for o in after_school.occurrences.all())
    assert services.occurrences_materialise(after_school) == 0
    # the tick extends the window as time goes on
    later = timezone.now() + dt.timedelta(weeks=2)
    assert services.occurrences_extend_all(now=later) > 0
    assert services.occurrences_extend_all(now=later) == 0


def test_cancelling_a_date_keeps_its_reason_and_notifies_registrants(personas, first_date):
    services.registration_create(actor=personas.verified, occurrence=first_date,
                                 age_confirmed=True)
    with pytest.raises(ValidationError):
        services.occurrence_cancel(actor=personas.worker, occurrence=first_date, reason=" ")
    occ = services.occurrence_cancel(actor=personas.worker, occurrence=first_date,
                                     reason="国庆节放假")
    assert occ.status == "cancelled" and occ.cancel_reason == "国庆节放假"
    note = Notification.objects.get(user=personas.verified, kind="activities.cancelled")
    assert "放学后1小时" in note.title and "国庆节放假" in note.body
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=fresh(personas.owner), occurrence=occ,
                                     age_confirmed=True)


def test_a_left_out_date_is_not_materialised_again(personas, after_school, first_date):
    day = timezone.localtime(first_date.starts_at).date()
    services.exdate_add(actor=personas.worker, activity=after_school, day=day)
    assert not Occurrence.objects.filter(pk=first_date.pk).exists()
    after_school.refresh_from_db()
    Occurrence.objects.filter(activity=after_school).delete()
    after_school.materialised_until = None
    services.occurrences_materialise(after_school)
    assert day not in {timezone.localtime(o.original_start).date()
                       for o in after_school.occurrences.all()}


def test_moving_a_date_keeps_registrations_and_tells_people(personas, first_date):
    services.registration_create(actor=personas.verified, occurrence=first_date,
                                 age_confirmed=True)
    new = first_date.starts_at + dt.timedelta(hours=1)
    occ = services.occurrence_move(actor=personas.worker, occurrence=first_date, starts_at=new)
    assert occ.is_moved and occ.ends_at == new + dt.timedelta(hours=1)
    assert occ.registrations.filter(status="registered").count() == 1
    assert Notification.objects.filter(user=personas.verified, kind="activities.moved").exists()


def test_changing_the_rule_drops_empty_dates_and_cancels_taken_ones(personas, after_school):
    occs = list(after_school.occurrences.order_by("starts_at"))
    friday = next(o for o in occs if timezone.localtime(o.starts_at).weekday() == 4)
    services.registration_create(actor=personas.verified, occurrence=friday,
                                 age_confirmed=True)
    services.activity_update(actor=personas.worker, activity=after_school,
                             rrule="FREQ=WEEKLY;BYDAY=MO,WE")
    friday.refresh_from_db()
    assert friday.status == "cancelled"
    live = after_school.occurrences.filter(status="scheduled")
    assert {timezone.localtime(o.starts_at).weekday() for o in live} == {0, 2}
    assert not after_school.occurrences.filter(starts_at__lt=timezone.now()).exists()


def test_the_waiting_list_moves_up_in_order_and_people_are_told(personas, first_date):
    people = [make_member(UserFactory(), personas.community) for _ in range(5)]
    regs = [services.registration_create(actor=u, occurrence=first_date, age_confirmed=True)
            for u in people]
    assert [r.status for r in regs] == ["registered"] * 3 + ["waitlisted"] * 2
    services.registration_cancel(actor=people[0], registration=regs[0])
    assert Registration.objects.get(pk=regs[3].pk).status == "registered"
    assert Registration.objects.get(pk=regs[4].pk).status == "waitlisted"
    assert Notification.objects.filter(user=people[3], kind="activities.promoted").exists()
    first_date.refresh_from_db()
    assert first_date.seats_taken == 3


def test_a_guardian_registers_children_within_the_ages(personas, first_date):
    year = timezone.localdate().year
    g = personas.verified
    eight = services.child_add(actor=g, name="豆豆", birth_year=year - 8)
    three = services.child_add(actor=g, name="小米", age_band="3_5")
    reg = services.registration_create(actor=g, occurrence=first_date, child=eight)
    assert reg.status == "registered" and reg.child == eight
    with pytest.raises(ValidationError) as exc:
        services.registration_create(actor=g, occurrence=first_date, child=three)
    assert "child" in exc.value.message_dict
    # an adult self-registration on an age-limited activity needs the confirmation
    with pytest.raises(ValidationError):
        services.registration_create(actor=g, occurrence=first_date)
    other = make_member(UserFactory(), personas.community)
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=other, occurrence=first_date, child=eight)
    with pytest.raises(ValidationError):
        services.child_add(actor=g, name="x" * 21, birth_year=year - 5)
    with pytest.raises(ValidationError):
        services.child_add(actor=g, name="无年龄")


def test_removing_a_child_frees_their_place(personas, first_date):
    g = personas.verified
    child = services.child_add(actor=g, name="豆豆", birth_year=timezone.localdate().year - 8)
    services.registration_create(actor=g, occurrence=first_date, child=child)
    services.child_remove(actor=g, child=child)
    first_date.refresh_from_db()
    assert first_date.seats_taken == 0


def test_reminders_go_once_the_day_before_and_once_an_hour_before(personas, first_date):
    services.registration_create(actor=personas.verified, occurrence=first_date,
                                 age_confirmed=True)
    day_before = first_date.starts_at - dt.timedelta(hours=20)
    assert services.reminders_send(now=day_before) == 1
    assert services.reminders_send(now=day_before) == 0
    hour_before = first_date.starts_at - dt.timedelta(minutes=50)
    assert services.reminders_send(now=hour_before) == 1
    assert services.reminders_send(now=hour_before) == 0
    kinds = sorted(Notification.objects.filter(user=personas.verified)
                   .values_list("kind", flat=True))
    assert kinds == ["activities.reminder_day", "activities.reminder_hour"]


def test_attendance_by_organiser_and_by_code_with_limits(personas, first_date, settings):
    reg = services.registration_create(actor=personas.verified, occurrence=first_date,
                                       age_confirmed=True)
    Occurrence.objects.filter(pk=first_date.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        ends_at=timezone.now() + dt.timedelta(minutes=55))
    first_date.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.attendance_mark(actor=fresh(personas.verified), registration=reg)
    settings.CHECKIN_MAX_FAILURES_PER_PERSON = 2
    for _ in range(2):
        with pytest.raises(ValidationError):
            services.occurrence_check_in(actor=personas.verified, occurrence=first_date,
                                         code="000000x")
    with pytest.raises(ValidationError) as exc:
        services.occurrence_check_in(actor=personas.verified, occurrence=first_date,
                                     code=first_date.checkin_code)
    assert "Too many" in str(exc.value) or "次数" in str(exc.value) or "分钟" in str(exc.value)
    marked = services.attendance_mark(actor=personas.worker, registration=reg)
    assert marked.attended_at is not None and marked.attendance_method == "worker"


def _jpeg_with_exif() -> SimpleUploadedFile:
    img = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("../../evil.html", buf.getvalue(), content_type="image/jpeg")


def test_photos_are_stripped_and_only_consented_ones_go_to_the_archive(personas, after_school,
                                                                     settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    shown = services.photo_add(actor=personas.worker, activity=after_school,
                               upload=_jpeg_with_exif(), caption="做手工",
                               people_consented=True)
    hidden = services.photo_add(actor=personas.worker, activity=after_school,
                                upload=_jpeg_with_exif())
    assert shown.image.name.endswith(".jpg") and "evil" not in shown.image.name
    with Image.open(shown.image.path) as im:
        assert not im.getexif()
    assert list(selectors.photos_for_archive(after_school)) == [shown]
    services.photo_consent_set(actor=personas.worker, photo=shown, consented=False)
    services.photo_consent_set(actor=personas.worker, photo=hidden, consented=True)
    assert list(selectors.photos_for_archive(after_school)) == [hidden]
    with pytest.raises(PermissionDenied):
        services.photo_add(actor=fresh(personas.verified), activity=after_school,
                           upload=_jpeg_with_exif())


def test_personal_data_export_and_deletion_take_the_children(personas, first_date):
    from gongzhi.core.export import collect_personal_data, delete_personal_data

    g = personas.verified
    child = services.child_add(actor=g, name="豆豆", birth_year=timezone.localdate().year - 8)
    services.registration_create(actor=g, occurrence=first_date, child=child)
    data = collect_personal_data(g)["activities"]
    assert data["children"][0]["name"] == "豆豆"
    assert data["registrations"][0]["child"] == "豆豆"
    from gongzhi.activities.personal_data import delete_activities

    delete_activities(g)
    assert not g.activity_children.exists()
    assert not Registration.objects.filter(user=g).exists()
    first_date.refresh_from_db()
    assert first_date.seats_taken == 0
    assert "activities" in delete_personal_data(UserFactory())


def test_an_activity_for_children_takes_children_not_their_parents(personas, after_school,
                                                                    first_date):
    services.activity_update(actor=personas.worker, activity=after_school, max_age=12)
    g = fresh(personas.verified)
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=g, occurrence=first_date, age_confirmed=True)
    twelve = services.child_add(actor=g, name="壮壮", birth_year=timezone.localdate().year - 12)
    fifteen = services.child_add(actor=g, name="大宝", birth_year=timezone.localdate().year - 15)
    assert services.registration_create(actor=fresh(g), occurrence=first_date,
                                        child=twelve).status == "registered"
    with pytest.raises(ValidationError):
        services.registration_create(actor=g, occurrence=first_date, child=fifteen)


def test_the_tick_runs_the_activity_jobs():
    from gongzhi.core.periodic import periodic_jobs

    jobs = periodic_jobs()
    assert jobs["activities.extend_occurrences"].every.total_seconds() == 3600
    assert jobs["activities.reminders"].every.total_seconds() == 300


def test_a_new_rule_never_makes_past_dates(personas):
    start = timezone.now() - dt.timedelta(weeks=3)
    activity = services.activity_create(actor=personas.worker, community=personas.community,
                                        title="太极拳", first_start=start,
                                        rrule="FREQ=WEEKLY;BYDAY=MO", location_text="广场")
    past = set(activity.occurrences.filter(starts_at__lt=timezone.now())
               .values_list("pk", flat=True))
    assert len(past) == 3
    services.activity_update(actor=personas.worker, activity=activity,
                             rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    assert set(activity.occurrences.filter(starts_at__lt=timezone.now())
               .values_list("pk", flat=True)) == past
    assert activity.occurrences.filter(starts_at__gte=timezone.now()).count() >= 15
