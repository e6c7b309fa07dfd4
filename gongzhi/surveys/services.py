"""Every write of the surveys app (permission, one transaction, audit entry)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.audit import audit_record
from gongzhi.notifications.i18n import Message
from gongzhi.notifications.services import notification_send
from gongzhi.surveys.formdef import FormDef
from gongzhi.surveys.keys import paper_key, respondent_key
from gongzhi.surveys.models import (
    Channel,
    Instrument,
    PaperSheet,
    PaperSheetEntry,
    Response,
    Survey,
    Wave,
)
from gongzhi.surveys.xlsform import XLSFormError, read_xlsform

MAX_XLSFORM_BYTES = 2 * 1024 * 1024


def _require(actor, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _unique_key(community, base: str) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-")[:50] or "instrument"
    key, n = base, 1
    while Instrument.objects.filter(community=community, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


# --------------------------------------------------------------------------- instruments


def instrument_import_xlsform(*, actor, community, data: bytes, title: str = "") -> Instrument:
    """Import an XLSForm; a ValidationError lists every problem with its sheet row."""
    _require(actor, "surveys.manage_surveys", community)
    if len(data) > MAX_XLSFORM_BYTES:
        raise ValidationError({"file": [_("The file is larger than 2 MB.")]})
    try:
        imported = read_xlsform(data)
    except XLSFormError as exc:
        raise ValidationError({"file": exc.problems}, code="xlsform") from None
    form = imported.form
    title_zh = (title or form.title.get("zh") or form.title.get("en") or form.form_id
                or _("Imported questionnaire"))[:200]
    with transaction.atomic():
        inst = Instrument.objects.create(
            community=community, key=_unique_key(community, form.form_id or "xlsform"),
            title_zh=title_zh, title_en=form.title.get("en", "")[:200],
            source=Instrument.Source.XLSFORM, definition=form.to_json(), created_by=actor)
        audit_record(actor=actor, action="surveys.instrument_import", community=community,
                     target=inst, after={"questions": len(form.questions()),
                                         "notices": imported.notices})
    return inst


def instrument_copy_from_library(*, actor, community, key: str) -> Instrument:
    """Copy a library instrument (see ``library.py``) into the community."""
    from gongzhi.surveys.library import LIBRARY

    _require(actor, "surveys.manage_surveys", community)
    entry = LIBRARY.get(key)
    if entry is None:
        raise ValidationError(_("There is no library instrument called %(key)s.")
                              % {"key": key})
    form = entry.form()
    with transaction.atomic():
        inst = Instrument.objects.create(
            community=community, key=_unique_key(community, key),
            title_zh=form.title["zh"], title_en=form.title.get("en", ""),
            source=Instrument.Source.LIBRARY, definition=form.to_json(),
            attribution=entry.attribution, wording_included=entry.wording_included,
            created_by=actor)
        audit_record(actor=actor, action="surveys.instrument_copy", community=community,
                     target=inst, after={"library": key})
    return inst


def instrument_save_definition(*, actor, instrument: Instrument, form: FormDef) -> Instrument:
    """Replace the definition (the builder); refused once a survey has responses."""
    _require(actor, "surveys.manage_surveys", instrument.community)
    problems = form.check()
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        inst = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if Response.objects.filter(survey__instrument=inst).exists():
            raise ValidationError(_("This instrument already has responses; copy it to "
                                    "change its questions."), code="has_responses")
        before = {"questions": len(inst.form().questions())}
        inst.definition = form.to_json()
        inst.save(update_fields=["definition", "updated_at"])
        audit_record(actor=actor, action="surveys.instrument_edit",
                     community=inst.community, target=inst, before=before,
                     after={"questions": len(form.questions())})
    return inst


def instrument_create(*, actor, community, title_zh: str, title_en: str = "") -> Instrument:
    _require(actor, "surveys.manage_surveys", community)
    title_zh = title_zh.strip()
    if not title_zh:
        raise ValidationError({"title_zh": [_("Enter a title.")]})
    form = FormDef(title={"zh": title_zh, "en": title_en.strip()})
    with transaction.atomic():
        inst = Instrument.objects.create(
            community=community, key=_unique_key(community, "q"), title_zh=title_zh[:200],
            title_en=title_en.strip()[:200], source=Instrument.Source.BUILDER,
            definition=form.to_json(), created_by=actor)
        audit_record(actor=actor, action="surveys.instrument_create", community=community,
                     target=inst)
    return inst


# --------------------------------------------------------------------------- surveys


def survey_create(*, actor, community, instrument: Instrument, title: str,
                  purpose: str = Survey.Purpose.OTHER, wave: str = Wave.SINGLE,
                  wave_year: int | None = None, pairs_with: Survey | None = None,
                  project=None, anonymous: bool = False, intro: str = "") -> Survey:
    _require(actor, "surveys.manage_surveys", community)
    errors: dict[str, list[str]] = {}
    if instrument.community_id != community.pk:
        errors["instrument"] = [_("Copy the instrument into this community first.")]
    elif not instrument.form().questions():
        errors["instrument"] = [_("The instrument has no questions yet.")]
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if pairs_with is not None:
        if pairs_with.community_id != community.pk:
            errors["pairs_with"] = [_("The earlier wave must be in this community.")]
        elif pairs_with.instrument.definition != instrument.definition:
            errors["pairs_with"] = [_("Waves that pair must use the same questions.")]
        elif pairs_with.anonymous or anonymous:
            errors["pairs_with"] = [_("Anonymous surveys cannot be paired.")]
    if project is not None and project.community_id != community.pk:
        errors["project"] = [_("The project is in another community.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        s = Survey(community=community, instrument=instrument, title=title.strip()[:160],
                   intro=intro.strip()[:2000], purpose=purpose, wave=wave,
                   wave_year=wave_year, pairs_with=pairs_with, project=project,
                   anonymous=anonymous, created_by=actor)
        if pairs_with is not None:
            s.key_secret = pairs_with.key_secret  # one series, one secret: waves pair
        s.save()
        s.owners.add(actor)
        audit_record(actor=actor, action="surveys.survey_create", community=community,
                     target=s, after={"wave": wave, "pairs_with": getattr(pairs_with, "pk",
                                                                          None)})
    return s


def survey_set_status(*, actor, survey: Survey, status: str) -> Survey:
    _require(actor, "surveys.manage_surveys", survey)
    allowed: dict[str, set[str]] = {Survey.Status.DRAFT: {Survey.Status.OPEN},
               Survey.Status.OPEN: {Survey.Status.CLOSED},
               Survey.Status.CLOSED: {Survey.Status.OPEN}}
    with transaction.atomic():
        s = Survey.objects.select_for_update().get(pk=survey.pk)
        if status not in allowed[s.status]:
            raise ValidationError(_("A survey cannot go from %(a)s to %(b)s.")
                                  % {"a": s.get_status_display(),
                                     "b": Survey.Status(status).label}, code="transition")
        before = s.status
        s.status = status
        now = timezone.now()
        if status == Survey.Status.OPEN and s.opened_at is None:
            s.opened_at = now
        if status == Survey.Status.CLOSED:
            s.closed_at = now
        s.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
        audit_record(actor=actor, action="surveys.survey_status", community=s.community,
                     target=s, before={"status": before}, after={"status": status})
    return s


def survey_add_owner(*, actor, survey: Survey, user) -> None:
    """Owners see raw (pseudonymised) responses; only a worker can be one."""
    if not actor.has_perm("surveys.view_raw", survey):
        raise PermissionDenied
    if not user.has_perm("surveys.manage_surveys", survey.community):
        raise ValidationError(_("Only workers of this community can own a survey."))
    with transaction.atomic():
        survey.owners.add(user)
        audit_record(actor=actor, action="surveys.owner_add", community=survey.community,
                     target=survey, after={"user": user.pk})


# --------------------------------------------------------------------------- responses


def _respondent_context(user, community) -> tuple[Any, str]:
    from gongzhi.accounts.models import Membership

    m = (Membership.objects.filter(user=user, community=community)
         .select_related("household").first())
    if m is None or m.household is None:
        return None, (m.claimed_tenure if m else "")
    return m.household.building_id, m.household.tenure


def response_submit(*, survey: Survey, user, answers: dict[str, Any]) -> Response:
    """Record a respondent's answers (cleaned again in full). Linked surveys: one response
    per person (their key), a second submission is refused."""
    _require(user, "surveys.respond", survey)
    form = survey.instrument.form()
    clean, errors = form.clean_all(answers)
    if errors:
        raise ValidationError(errors)
    key = ""
    building_id, tenure = None, ""
    if getattr(user, "is_authenticated", False):
        building_id, tenure = _respondent_context(user, survey.community)
        if not survey.anonymous:
            key = respondent_key(survey.key_secret, user.pk)
    elif not survey.anonymous:
        raise PermissionDenied
    try:
        with transaction.atomic():
            r = Response.objects.create(survey=survey, respondent_key=key, answers=clean,
                                        building_id=building_id, tenure=tenure,
                                        channel=Channel.ONLINE)
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey. Thank you!"),
                              code="already_answered") from None
    return r


def has_answered(survey: Survey, user) -> bool:
    if survey.anonymous or not getattr(user, "is_authenticated", False):
        return False
    return Response.objects.filter(
        survey=survey, respondent_key=respondent_key(survey.key_secret, user.pk)).exists()


def paper_entry_add(*, actor, survey: Survey, serial: str, answers: dict[str, Any],
                    building=None, respondent_code: str = "") -> PaperSheet:
    """Enter one paper questionnaire (double entry): it counts when two entries by
    different workers agree on every answer, the building and the respondent code; a third
    worker resolves a mismatch."""
    _require(actor, "surveys.enter_paper", survey)
    serial = serial.strip()
    if not serial or len(serial) > 40:
        raise ValidationError({"serial": [_("Enter the number on the paper "
                                            "questionnaire (at most 40 characters).")]})
    if building is not None and building.community_id != survey.community_id:
        raise ValidationError({"building": [_("The building is in another community.")]})
    form = survey.instrument.form()
    clean, errors = form.clean_all(answers)
    if errors:
        raise ValidationError(errors)
    code = respondent_code.strip()[:40]
    with transaction.atomic():
        sheet, _created = PaperSheet.objects.select_for_update().get_or_create(
            survey=survey, serial=serial)
        if sheet.state == PaperSheet.State.MATCHED:
            raise ValidationError(_("This questionnaire has already been entered twice and "
                                    "counted."), code="paper_done")
        if sheet.entries.filter(entered_by=actor).exists():
            raise ValidationError(_("You have already entered this questionnaire; a "
                                    "different worker must enter it again."),
                                  code="same_worker")
        previous = list(sheet.entries.all())
        PaperSheetEntry.objects.create(sheet=sheet, entered_by=actor, answers=clean,
                                       building=building, respondent_code=code)
        bid = getattr(building, "pk", None)
        if previous:
            if any(p.answers == clean and p.building_id == bid and p.respondent_code == code
                   for p in previous):
                key = paper_key(survey.key_secret, code) if code and not survey.anonymous \
                    else ""
                try:
                    with transaction.atomic():
                        r = Response.objects.create(survey=survey, respondent_key=key,
                                                    answers=clean, building=building,
                                                    channel=Channel.PAPER)
                except IntegrityError:
                    raise ValidationError(
                        {"respondent_code": [_("A response with this respondent code is "
                                               "already counted.")]}) from None
                sheet.response = r
                sheet.state = PaperSheet.State.MATCHED
            else:
                sheet.state = PaperSheet.State.MISMATCH
            sheet.save(update_fields=["state", "response"])
        audit_record(actor=actor, action="surveys.paper_entry", community=survey.community,
                     target=survey, after={"serial": serial, "state": sheet.state})
    return sheet


def survey_remind(*, actor, survey: Survey) -> int:
    """Remind the community's residents who have not answered (linked surveys: by key;
    anonymous surveys: everyone). Returns how many were reminded."""
    _require(actor, "surveys.manage_surveys", survey)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Only open surveys send reminders."))
    from gongzhi.accounts.models import Membership

    users = [m.user for m in Membership.objects.filter(community=survey.community)
             .select_related("user").exclude(status__in=["refused", "left"])]
    if not survey.anonymous:
        done = set(Response.objects.filter(survey=survey).values_list("respondent_key",
                                                                       flat=True))
        users = [u for u in users if respondent_key(survey.key_secret, u.pk) not in done]
    url = reverse("surveys:respond", args=[survey.community.slug, survey.pk])
    with transaction.atomic():
        notification_send(users=users, kind="surveys.reminder", community=survey.community,
                          title=Message(gettext_noop("Please answer the survey: %(title)s"),
                                        {"title": survey.title}),
                          body="", url=url)
        audit_record(actor=actor, action="surveys.remind", community=survey.community,
                     target=survey, after={"reminded": len(users)})
    return len(users)


def responses_delete_for_user(*, user) -> int:
    """Personal-data deletion: remove the responses keyed to this person in every linked
    survey of their communities (anonymous responses cannot be traced to anyone)."""
    from gongzhi.accounts.models import Membership

    deleted = 0
    communities = Membership.objects.filter(user=user).values_list("community_id", flat=True)
    with transaction.atomic():
        for s in Survey.objects.filter(community_id__in=list(communities), anonymous=False):
            n, _d = Response.objects.filter(
                survey=s, respondent_key=respondent_key(s.key_secret, user.pk)).delete()
            deleted += n
    return deleted


def responses_bulk_record(*, survey: Survey, rows: list[dict[str, Any]]) -> int:
    """Record many already-collected responses at once (demo data, migrations from another
    tool). Each row has ``answers`` and optionally ``user_id`` (keyed as online responses
    are), ``building_id`` and ``tenure``. Not for live answering: no permission check,
    the caller owns the survey; runs in the caller's transaction. Answers are cleaned."""
    form = survey.instrument.form()
    objs = []
    for row in rows:
        clean, errors = form.clean_all(row["answers"])
        if errors:
            raise ValidationError(errors)
        uid = row.get("user_id")
        key = respondent_key(survey.key_secret, uid) if uid and not survey.anonymous else ""
        objs.append(Response(survey=survey, respondent_key=key, answers=clean,
                             building_id=row.get("building_id"), tenure=row.get("tenure", ""),
                             channel=row.get("channel", Channel.ONLINE)))
    Response.objects.bulk_create(objs, batch_size=500)
    return len(objs)
