"""Surveys API, mounted at /api/v1/surveys/: list, definition, answer, aggregate results.

Raw responses are not in the API: they are exported by the survey's owners only
(pseudonymised CSV / XLSX / SPSS on the results page)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from gongzhi.core.http import community_or_404
from gongzhi.surveys import selectors, services
from gongzhi.surveys.formdef import pick
from gongzhi.surveys.models import Survey
from gongzhi.surveys.scoring import survey_scores

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: int
    title: str
    status: str
    wave: str
    purpose: str
    anonymous: bool
    responses: int


class QuestionOut(Schema):
    name: str
    type: str
    label: str
    required: bool
    relevant: str
    constraint: str
    page: str
    choices: list[dict[str, str]]


class SurveyDetailOut(SurveyOut):
    questions: list[QuestionOut]


class AnswerIn(Schema):
    answers: dict[str, Any] = Field(..., description="question name → value (a list for "
                                                     "select_multiple)")


class SubmittedOut(Schema):
    id: int


class SubscaleOut(Schema):
    name: str
    n: int
    mean: float | None
    alpha: float | None
    omega: float | None


class ResultsOut(Schema):
    n: int
    subscales: list[SubscaleOut]
    questions: list[dict[str, Any]]


def _survey(request: HttpRequest, pk: int, perm: str) -> Survey:
    s = get_object_or_404(Survey.objects.select_related("instrument", "community"), pk=pk)
    if not request.user.has_perm(perm, s):
        if not request.user.has_perm("surveys.view_survey", s):
            raise Http404
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return s


def _out(s: Survey, n: int) -> dict:
    return {"id": s.pk, "title": s.title, "status": s.status, "wave": s.wave,
            "purpose": s.purpose, "anonymous": s.anonymous, "responses": n}


@router.get("/", response=list[SurveyOut], summary="Surveys of a community")
def list_surveys(request: HttpRequest, community: str):
    c = community_or_404(community)
    if not request.user.has_perm("surveys.view_surveys", c):
        return []
    return [_out(s, s.n_responses) for s in selectors.survey_list(request.user, c)[:200]]


@router.get("/{int:pk}", response=SurveyDetailOut, summary="A survey and its questions")
def survey_detail(request: HttpRequest, pk: int):
    s = _survey(request, pk, "surveys.view_survey")
    form = s.instrument.form()
    out = _out(s, s.responses.count())
    out["questions"] = [
        {"name": q.name, "type": q.type, "label": pick(q.label), "required": q.required,
         "relevant": q.relevant, "constraint": q.constraint, "page": g.name,
         "choices": [{"name": c.name, "label": pick(c.label)}
                     for c in form.choices.get(q.list_name, [])]}
        for g in form.groups for q in g.questions]
    return out


@router.post("/{int:pk}/responses", response={201: SubmittedOut},
             summary="Answer a survey")
def submit(request: HttpRequest, pk: int, payload: AnswerIn):
    s = _survey(request, pk, "surveys.respond")
    r = services.response_submit(survey=s, user=request.user, answers=payload.answers)
    return 201, {"id": r.pk}


@router.get("/{int:pk}/results", response=ResultsOut, summary="Aggregate results")
def results(request: HttpRequest, pk: int):
    s = _survey(request, pk, "surveys.view_results")
    form = s.instrument.form()
    answers = [r["answers"] for r in selectors.response_dicts(s)]
    scores = survey_scores(form, answers)
    return {"n": len(answers), "questions": selectors.choice_counts(form, answers),
            "subscales": [{"name": x.name, "n": x.n_scored, "mean": x.mean,
                           "alpha": x.reliability.alpha if x.reliability else None,
                           "omega": x.reliability.omega if x.reliability else None}
                          for x in scores.subscales]}
