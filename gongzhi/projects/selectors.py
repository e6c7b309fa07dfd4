"""Reads shared by views and the API. Every query is scoped to a community or project."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet

from gongzhi.core.compiled import CompiledQuery, set_prefetched
from gongzhi.projects import phase_actions, phases
from gongzhi.projects.models import (
    Amendment,
    Comment,
    Evaluation,
    Milestone,
    Phase,
    Project,
    ProjectPhoto,
    Proposal,
    ProposalImage,
    ProposalVersion,
    Result,
    ResultUpdate,
    Stakeholder,
    Support,
    Task,
    TaskSignup,
    TeamMember,
)
from gongzhi.spaces.models import Space

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PROPOSAL_ORDERS = {"new": ["-created_at", "-id"], "supports": ["-support_count", "-id"],
                   "old": ["created_at", "id"]}


def projects_visible(community, user) -> QuerySet[Project]:
    qs = Project.objects.filter(community=community).prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("order")))
    if not user.has_perm("projects.manage_project", community):
        qs = qs.exclude(status=Project.Status.DRAFT)
    return qs


# The project page's reads, compiled once (core.compiled): each is a lookup by the
# project's id whose SQL never changes, and building that SQL cost Django more than the
# database took to answer it.
_PROJECT = CompiledQuery(
    lambda community, pk: Project.objects.select_related("community")
    .filter(community_id=community, pk=pk), community=int, pk=int)
_PHASES_WITH_PROJECT = CompiledQuery(
    lambda community, pk: Phase.objects.filter(project__community_id=community, project_id=pk)
    .select_related("project__community").order_by("order"), community=int, pk=int)
_PHASES = CompiledQuery(
    lambda project: Phase.objects.filter(project_id=project).order_by("order"), project=int)
_SPACES = CompiledQuery(
    lambda project: Space.objects.filter(projects__id=project), project=int)
_STAKEHOLDERS = CompiledQuery(
    lambda project: Stakeholder.objects.filter(project_id=project)
    .select_related("organisation"), project=int)
_TEAM = CompiledQuery(
    lambda project: TeamMember.objects.filter(project_id=project).select_related("user"),
    project=int)
_PHOTOS = CompiledQuery(
    lambda project: ProjectPhoto.objects.filter(project_id=project), project=int)


def project_in(community, pk: int) -> Project | None:
    """The project ``pk`` of ``community`` (with its community), or None."""
    return _PROJECT.first(community=community.pk, pk=pk)


def project_page(project: Project) -> Project:
    """``project`` with what its page shows -- phases (unless read already), spaces,
    stakeholders with their organisations, team with their people, photos -- in one
    compiled query each."""
    pk = project.pk
    if "_gz_phases" not in project.__dict__:
        phases.set_phases(project, _PHASES.all(project=pk))
    for name, query in (("spaces", _SPACES), ("stakeholders", _STAKEHOLDERS),
                        ("team", _TEAM), ("photos", _PHOTOS)):
        set_prefetched(project, name, query.all(project=pk))
    return project


def project_with_phases(community, pk: int) -> Project | None:
    """The project of ``community`` with its phases, in ONE query (the phases joined to
    their project), or None if it has no phases (or is not there): a signed-in page asks
    the phases which buttons to show, and they then cost no query of their own."""
    rows = _PHASES_WITH_PROJECT.all(community=community.pk, pk=pk)
    if not rows:
        return None
    project = rows[0].project
    for phase in rows:
        phase.project = project
    phases.set_phases(project, rows)
    return project


def proposals_for(project: Project, *, user=None, kind: str = "", answer: str = "",
                  space: int | None = None, q: str = "", order: str = "new",
                  include_hidden: bool = False) -> QuerySet[Proposal]:
    qs = (Proposal.objects.filter(project=project)
          .select_related("author", "space", "community", "merged_into")
          .prefetch_related("results"))
    if not include_hidden:
        visible = Q(visibility=Proposal.Visibility.VISIBLE)
        if user is not None and user.is_authenticated:
            # The author's own hidden or pending proposals come with the request's access
            # rows (OWN_HIDDEN_SQL, by the author index, almost always none), so the list
            # itself stays an indexed range on (project, visibility) instead of an OR
            # that no index serves, and costs no query more.
            own = own_hidden_proposal_ids(user, project)
            if own:
                visible |= Q(pk__in=own)
        qs = qs.filter(visible)
    if kind in Proposal.Kind.values:
        qs = qs.filter(kind=kind)
    if answer == "none":
        qs = qs.filter(answer="")
    elif answer and answer in Proposal.Answer.values:
        qs = qs.filter(answer=answer)
    if space:
        qs = qs.filter(space_id=space)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by(*PROPOSAL_ORDERS.get(order, PROPOSAL_ORDERS["new"]))


TOP_PROPOSALS = 5  # on the project page
# proposals_for's own query (its prefetch of results is not compiled: top_proposals reads
# them apart)
_TOP = CompiledQuery(
    lambda project: proposals_for(project, order="supports")[:TOP_PROPOSALS], project=int)
# the results of up to TOP_PROPOSALS proposals (ids beyond those given are 0: no row)
_RESULTS_OF = CompiledQuery(
    lambda **ids: Result.objects.filter(proposal_id__in=list(ids.values())),
    **{f"p{i}": int for i in range(TOP_PROPOSALS)})


def top_proposals(project: Project, user) -> list[Proposal]:
    """The project page's most supported proposals, as ``proposals_for(project, user=user,
    order="supports")[:TOP_PROPOSALS]`` with their results: compiled, unless the person has
    hidden or pending proposals of their own here (then the ORM's, which adds them)."""
    if user.is_authenticated and own_hidden_proposal_ids(user, project):
        return list(proposals_for(project, user=user, order="supports")[:TOP_PROPOSALS])
    top = _TOP.all(project=project.pk)
    # only an accepted proposal shows its results (projects/_fate.html)
    accepted = [p.pk for p in top if p.answer == Proposal.Answer.ACCEPTED]
    results: dict[int, list[Result]] = {p.pk: [] for p in top}
    if accepted:
        ids = [accepted[i] if i < len(accepted) else 0 for i in range(TOP_PROPOSALS)]
        for result in _RESULTS_OF.all(None, **{f"p{i}": pk for i, pk in enumerate(ids)}):
            results[result.proposal_id].append(result)
    for proposal in top:
        set_prefetched(proposal, "results", results[proposal.pk])
    return top


OWN_HIDDEN_KIND = "h"
# the person's own proposals that others do not see (pending review, hidden), newest 200,
# read with the request's access query (accounts.access.register_own_rows)
OWN_HIDDEN_SQL = ("SELECT id, CAST(project_id AS varchar) FROM projects_proposal "
                  "WHERE author_id = %s AND visibility NOT IN ('visible', 'withdrawn') "
                  "ORDER BY id DESC LIMIT 200")


def own_hidden_proposal_ids(user, project: Project) -> list[int]:
    """Ids of ``user``'s own hidden or pending proposals in ``project`` (no query once
    the request's access rows are read)."""
    from gongzhi.accounts.access import own_rows

    return [pk for pk, project_id in own_rows(user, OWN_HIDDEN_KIND)
            if project_id == str(project.pk)]


def with_my_support(user):
    """For ``id_page(..., rows=with_my_support(user))``: each row of the page gets
    ``my_support`` in the rows' own query, so ``supported_ids`` needs none."""
    def rows(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
        if not user.is_authenticated:
            return qs
        return qs.annotate(my_support=Exists(Support.objects.filter(
            proposal=OuterRef("pk"), user_id=user.pk)))
    return rows


def supported_ids(user, proposals) -> set[int]:
    if not user.is_authenticated:
        return set()
    proposals = list(proposals)
    if proposals and all(hasattr(p, "my_support") for p in proposals):
        return {p.pk for p in proposals if p.my_support}
    return set(Support.objects.filter(user=user, proposal__in=[p.pk for p in proposals])
               .values_list("proposal_id", flat=True))


# The proposal page's reads, compiled once: the proposal with its five related rows joined
# took PostgreSQL 2.8 ms to plan for 0.4 ms of work, and Django as long again to build.
def _proposal_query(project, pk):
    return (Proposal.objects.select_related("author", "space", "merged_into", "answered_by")
            .filter(project_id=project, pk=pk))


_PROPOSAL = CompiledQuery(_proposal_query, project=int, pk=int)
_PROPOSAL_FOR = CompiledQuery(
    lambda project, pk, user: _proposal_query(project, pk).annotate(my_support=Exists(
        Support.objects.filter(proposal=OuterRef("pk"), user_id=user))),
    project=int, pk=int, user=int)
_PROPOSAL_RELATED = (
    ("images", CompiledQuery(lambda pk: ProposalImage.objects.filter(proposal_id=pk), pk=int)),
    ("versions", CompiledQuery(lambda pk: ProposalVersion.objects.filter(proposal_id=pk),
                               pk=int)),
    ("amendments", CompiledQuery(lambda pk: Amendment.objects.filter(proposal_id=pk)
                                 .select_related("author"), pk=int)),
    ("results", CompiledQuery(lambda pk: Result.objects.filter(proposal_id=pk), pk=int)),
)


def proposal_page(project: Project, pk: int, user=None) -> Proposal:
    """One proposal of ``project`` with what its page shows (author, space, the proposal
    it was merged into, who answered it; images, versions, amendments with their authors,
    results); for a signed-in ``user`` also ``my_support`` (whether they support it), in
    the same query. Raises ``Proposal.DoesNotExist``."""
    if user is not None and user.is_authenticated:
        proposal = _PROPOSAL_FOR.first(project=project.pk, pk=pk, user=user.pk)
    else:
        proposal = _PROPOSAL.first(project=project.pk, pk=pk)
    if proposal is None:
        raise Proposal.DoesNotExist(f"no proposal {pk} in project {project.pk}")
    proposal.project = project
    for name, query in _PROPOSAL_RELATED:
        set_prefetched(proposal, name, query.all(pk=pk))
    return proposal


def supported(user, proposal: Proposal) -> bool:
    """Whether ``user`` supports ``proposal`` (no query when ``proposal_page`` read it)."""
    if not user.is_authenticated:
        return False
    if hasattr(proposal, "my_support"):
        return bool(proposal.my_support)
    return bool(supported_ids(user, [proposal]))


def comment_tree(proposal: Proposal | None, project: Project, *, show_hidden: bool = False):
    """Top-level comments with ``.children`` set (one query, any depth)."""
    qs = Comment.objects.filter(project=project, proposal=proposal).select_related("author")
    comments = list(qs)
    by_parent: dict[int | None, list[Comment]] = {}
    for c in comments:
        c.shown = show_hidden or c.visibility == Comment.Visibility.VISIBLE
        by_parent.setdefault(c.parent_id, []).append(c)
    for c in comments:
        c.children = by_parent.get(c.pk, [])
    return by_parent.get(None, [])


def has_build_stage(project: Project) -> bool:
    """A phase of the project is co-building (共建), so before/after photos belong to it."""
    from gongzhi.projects.models import FiveGong

    return any(p.stage == FiveGong.BUILD for p in phases.project_phases(project))


class TaskSignups(TypedDict):
    signed: int  # people signed up


_TASKS = CompiledQuery(
    lambda project: Task.objects.filter(project_id=project).select_related("space")
    .annotate(signed=Count("signups"))
    # in time order: a GROUP BY query does not take the model's ordering
    .order_by("starts_at", "id"), project=int)
_MY_TASKS = CompiledQuery(
    lambda project, user: TaskSignup.objects.filter(task__project_id=project, user_id=user)
    .values_list("task_id", flat=True), project=int, user=int)


def tasks_for(project: Project, user) -> list[WithAnnotations[Task, TaskSignups]]:
    tasks = _TASKS.all(project=project.pk)
    mine: set[int] = set()
    if user.is_authenticated and tasks:
        mine = set(_MY_TASKS.all(project=project.pk, user=user.pk))
    for t in tasks:
        t.is_mine = t.pk in mine
        t.free = max(0, t.capacity - t.signed)
    return tasks


def results_for(community, *, project: Project | None = None) -> QuerySet[Result]:
    qs = Result.objects.filter(community=community).select_related("project",
                                                                   "responsible_org")
    if project is not None:
        qs = qs.filter(project=project)
    return qs


PROJECT_RESULTS = 20  # on the project page
_PROJECT_RESULTS = CompiledQuery(
    lambda community, project: results_for(community, project=project)[:PROJECT_RESULTS],
    community=int, project=int)


def project_results(project: Project) -> list[Result]:
    """The project page's results: ``results_for(community, project=project)``, newest
    ``PROJECT_RESULTS``."""
    return _PROJECT_RESULTS.all(community=project.community_id, project=project.pk)


def result_page(community, pk: int) -> Result:
    return (Result.objects.select_related("project", "proposal__author", "responsible_org",
                                          "community")
            .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by(
                "due_on", "id")),
                Prefetch("updates", queryset=ResultUpdate.objects.select_related(
                    "author", "milestone")))
            .get(community=community, pk=pk))


def real_user(user):
    """The User behind ``request.user``'s lazy wrapper, so permission caches are shared
    with ``has_perm`` (which runs predicates on the real object)."""
    from django.utils.functional import empty

    wrapped = user.__dict__.get("_wrapped", None)
    return wrapped if wrapped is not None and wrapped is not empty else user


def what_you_can_do(user, project: Project) -> list[str]:
    """The codes of the phase actions open to ``user`` now (current phase × their roles ×
    each action's own rule), in registry order."""
    user = real_user(user)
    return [a.code for a in phase_actions.open_to_user(user, project)]


def open_to_labels(phase: Phase) -> list[tuple[str, list[str]]]:
    """``(action label, [audience label, …])`` for what ``phase`` opens, in registry order."""
    from gongzhi.projects.models import Audience

    aud = dict(Audience.choices)
    opened = phase.actions or {}
    return [(str(a.label), [str(aud.get(x, x)) for x in opened[a.code]])
            for a in phase_actions.registered() if opened.get(a.code)]


def my_input(user) -> dict:
    """Each proposal/idea/comment/support/amendment/sign-up of ``user`` and its fate."""
    proposals = list(Proposal.objects.filter(author=user)
                     .select_related("project", "community", "merged_into")
                     .prefetch_related("results").order_by("-created_at")[:200])
    supports = list(Support.objects.filter(user=user)
                    .select_related("proposal__project", "proposal__community",
                                    "proposal__merged_into")
                    .prefetch_related("proposal__results").order_by("-created_at")[:200])
    comments = list(Comment.objects.filter(author=user)
                    .select_related("project", "community", "proposal__community",
                                    "proposal__merged_into")
                    .prefetch_related("proposal__results")
                    .order_by("-created_at")[:200])
    amendments = list(Amendment.objects.filter(author=user)
                      .select_related("proposal__project", "proposal__community")
                      .order_by("-created_at")[:100])
    signups = list(TaskSignup.objects.filter(user=user)
                   .select_related("task__project", "task__community")
                   .order_by("-created_at")[:100])
    return {"proposals": proposals, "supports": supports, "comments": comments,
            "amendments": amendments, "signups": signups, **_my_other_input(user)}


def _my_other_input(user) -> dict:
    """Reports, meetings and votes for "my input". Votes say only that the person voted,
    when and how — never what they chose (secret ballots keep no link to the content)."""
    from django.db.models import Q

    from gongzhi.decisions.models import VoterRecord
    from gongzhi.meetings.models import Attendance, Registration
    from gongzhi.reports.models import Report

    reports = list(Report.objects.filter(reporter=user).select_related("community")
                   .order_by("-created_at")[:100])
    attended = {a.meeting_id: a for a in Attendance.objects.filter(user=user)
                .select_related("meeting__community").order_by("-meeting__starts_at")[:100]}
    meetings: dict[int, dict] = {}
    for reg in (Registration.objects.filter(user=user).select_related("meeting__community")
                .order_by("-meeting__starts_at")[:100]):
        meetings[reg.meeting_id] = {"meeting": reg.meeting, "registration": reg,
                                    "attendance": attended.get(reg.meeting_id)}
    for meeting_id, att in attended.items():
        meetings.setdefault(meeting_id, {"meeting": att.meeting, "registration": None,
                                         "attendance": att})
    votes = list(VoterRecord.objects.filter(Q(cast_by=user) | Q(eligibility__user=user))
                 .select_related("ballot__community").only(
                     "voted_on", "channel", "ballot__title", "ballot__state",
                     "ballot__secrecy", "ballot__community__slug",
                     "ballot__community__name")
                 .order_by("-voted_on")[:100])
    return {"reports": reports,
            "meetings": sorted(meetings.values(), key=lambda m: m["meeting"].starts_at,
                               reverse=True),
            "votes": votes}


def pending_moderation(community) -> dict:
    return {
        "proposals": list(Proposal.objects.filter(community=community).exclude(
            visibility__in=[Proposal.Visibility.VISIBLE, Proposal.Visibility.WITHDRAWN])
            .select_related("author", "project").order_by("-updated_at")[:100]),
        "comments": list(Comment.objects.filter(community=community,
                                                visibility=Comment.Visibility.PENDING)
                         .select_related("author", "project").order_by("-updated_at")[:100]),
    }


_EVALUATIONS = CompiledQuery(
    lambda project: Evaluation.objects.filter(project_id=project).values("project_id")
    .annotate(n=Count("id"), avg=Avg("score")).values_list("n", "avg"), project=int)


def evaluation_summary(project: Project) -> dict:
    """``{"n": evaluations, "avg": mean score or None}``."""
    row = _EVALUATIONS.first(project=project.pk)
    return {"n": row[0], "avg": row[1]} if row else {"n": 0, "avg": None}
