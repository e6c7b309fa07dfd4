"""Reads of the surveys app, scoped to what the user may see."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, QuerySet

from gongzhi.places.models import Building, Household
from gongzhi.surveys.formdef import FormDef, pick
from gongzhi.surveys.models import Instrument, Response, Survey

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class SurveyCounts(TypedDict):
    """What the list annotates on each survey."""

    n_responses: int


def survey_list(user, community) -> QuerySet[WithAnnotations[Survey, SurveyCounts]]:
    qs = (Survey.objects.filter(community=community).select_related("instrument")
          .annotate(n_responses=Count("responses")))
    if not user.has_perm("surveys.manage_surveys", community):
        qs = qs.filter(status__in=[Survey.Status.OPEN, Survey.Status.CLOSED])
    return qs.order_by("-created_at", "-id")


def instruments(community) -> QuerySet[Instrument]:
    return Instrument.objects.filter(community=community).order_by("title_zh", "id")


def response_rates_by_building(survey: Survey) -> list[dict[str, Any]]:
    """Responses per building against the ledger's dwellings (shops excluded)."""
    households = dict(Household.objects.filter(community=survey.community, is_shop=False)
                      .values("building").annotate(n=Count("id")).values_list("building", "n"))
    got = dict(Response.objects.filter(survey=survey, building__isnull=False)
               .values("building").annotate(n=Count("id")).values_list("building", "n"))
    out = []
    for b in Building.objects.filter(community=survey.community).order_by("number", "id"):
        h = households.get(b.pk, 0)
        n = got.get(b.pk, 0)
        if not h and not n:
            continue
        out.append({"building": b.number, "households": h, "responses": n,
                    "rate": (n / h) if h else None})
    unknown = Response.objects.filter(survey=survey, building__isnull=True).count()
    if unknown:
        out.append({"building": None, "households": 0, "responses": unknown, "rate": None})
    return out


def response_dicts(survey: Survey) -> list[dict[str, Any]]:
    """Responses for analysis and export: pseudonymous key, never a user."""
    return [
        {"response_id": r["id"], "respondent_key": r["respondent_key"][:16],
         "channel": r["channel"], "building": r["building__number"] or "",
         "submitted_at": r["submitted_at"].isoformat(timespec="seconds"),
         "answers": r["answers"], "tenure": r["tenure"]}
        for r in Response.objects.filter(survey=survey).order_by("id").values(
            "id", "respondent_key", "channel", "building__number", "submitted_at", "answers",
            "tenure")
    ]


def choice_counts(form: FormDef, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For every select question: each option's count and share of those who answered."""
    out = []
    for q in form.questions():
        if q.type not in ("select_one", "select_multiple"):
            continue
        c: Counter[str] = Counter()
        n = 0
        for a in answers:
            v = a.get(q.name)
            if v in (None, "", []):
                continue
            n += 1
            for x in (v if isinstance(v, list) else [v]):
                c[str(x)] += 1
        options = [{"name": ch.name, "label": pick(ch.label), "count": c.get(ch.name, 0),
                    "share": (c.get(ch.name, 0) / n) if n else None}
                   for ch in form.choices.get(q.list_name, [])]
        out.append({"name": q.name, "label": pick(q.label), "type": q.type, "n": n,
                    "options": options})
    return out
