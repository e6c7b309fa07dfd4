"""The project templates Gongzhi ships with (seeded by migration 0002, editable afterwards).

Each phase: ``key``, ``name`` (Chinese first, as residents say it), ``stage`` (五共),
``days`` (default duration) and ``actions`` ({phase-action code: [audience, …]}, codes
from the registry in ``projects/phase_actions.py``). Names are data, not UI strings: a
community edits them in the admin.
"""

from __future__ import annotations

PROPOSE, COMMENT, SUPPORT = "projects.propose", "projects.comment", "projects.support"
SIGNUP, DONATE, EVALUATE = "projects.signup", "projects.donate", "projects.evaluate"
VOTE, ATTEND = "decisions.vote", "meetings.attend"
ENTER, CONTEST_VOTE = "contests.enter", "contests.vote"

V = ["verified"]
M = ["member"]
VO = ["verified", "org_member"]
ALL = ["member", "org_member"]

DEFAULT_TEMPLATES: list[dict] = [
    {
        "key": "garden",
        "kind": "garden",
        "order": 10,
        "name": "社区花园共建 Community garden co-building",
        "description": "从发起到共享：共谋、共建、共管、共评、共享（五共）。"
                       "Garden co-building through the 五共 loop.",
        "phases": [
            {"key": "initiation", "name": "发起 Initiation", "stage": "plan", "days": 14,
             "actions": {COMMENT: M, ATTEND: ALL}},
            {"key": "needs_survey", "name": "共谋·需求调研 Needs survey", "stage": "plan",
             "days": 21, "actions": {PROPOSE: V, COMMENT: M, SUPPORT: V}},
            {"key": "co_design", "name": "共同设计 Co-design", "stage": "plan", "days": 21,
             "actions": {PROPOSE: VO, COMMENT: ALL, SUPPORT: V, ATTEND: ALL}},
            {"key": "deliberation", "name": "协商 Deliberation", "stage": "plan", "days": 14,
             "actions": {COMMENT: ALL, SUPPORT: V, ATTEND: ALL}},
            {"key": "decision", "name": "决策 Decision", "stage": "plan", "days": 7,
             "actions": {VOTE: V, ATTEND: ALL, COMMENT: M}},
            {"key": "co_construction", "name": "共建 Co-construction", "stage": "build",
             "days": 60, "actions": {SIGNUP: ALL, DONATE: ALL, COMMENT: ALL,
                                     ATTEND: ALL}},
            {"key": "operation", "name": "共管·运营维护 Operation and maintenance",
             "stage": "manage", "days": 90, "actions": {SIGNUP: ALL, DONATE: ALL, COMMENT: ALL,
                                                        PROPOSE: V, ATTEND: ALL}},
            {"key": "evaluation", "name": "共评 Evaluation", "stage": "evaluate", "days": 14,
             "actions": {EVALUATE: V, COMMENT: ALL}},
            {"key": "sharing", "name": "共享·成果分享 Sharing results", "stage": "share",
             "days": 30, "actions": {COMMENT: M, ATTEND: ALL}},
        ],
    },
    {
        "key": "micro_renewal",
        "kind": "micro_renewal",
        "order": 20,
        "name": "议事厅微更新 Deliberation-hall micro-renewal",
        "description": "议题受理 → 审查 → 会议公告 → 表决决议公告 → 实施结果公告 → 季度跟进。",
        "phases": [
            {"key": "intake", "name": "议题受理 Issue intake", "stage": "plan", "days": 14,
             "actions": {PROPOSE: M, COMMENT: M, SUPPORT: V}},
            {"key": "review", "name": "审查 Review", "stage": "plan", "days": 7,
             "actions": {COMMENT: M}},
            {"key": "meeting_notice", "name": "会议公告 Meeting notice", "stage": "plan",
             "days": 7, "actions": {ATTEND: ALL, COMMENT: M}},
            {"key": "resolution", "name": "表决决议公告 Vote and resolution notice",
             "stage": "plan", "days": 7, "actions": {VOTE: V, ATTEND: ALL}},
            {"key": "implementation", "name": "实施结果公告 Implementation notice",
             "stage": "build", "days": 60, "actions": {COMMENT: M, SIGNUP: ALL, ATTEND: ALL}},
            {"key": "follow_up", "name": "季度跟进 Quarterly follow-up", "stage": "evaluate",
             "days": 90, "actions": {EVALUATE: V, COMMENT: M, ATTEND: ALL}},
        ],
    },
    {
        "key": "budget",
        "kind": "budget",
        "order": 30,
        "name": "参与式预算 Participatory budget",
        "description": "居民提出项目、讨论、投票分配预算并跟踪实施。",
        "phases": [
            {"key": "ideas", "name": "征集 Collecting ideas", "stage": "plan", "days": 21,
             "actions": {PROPOSE: V, COMMENT: M, SUPPORT: V}},
            {"key": "assessment", "name": "可行性评估 Feasibility review", "stage": "plan",
             "days": 14, "actions": {COMMENT: M}},
            {"key": "vote", "name": "投票 Vote", "stage": "plan", "days": 14,
             "actions": {VOTE: V, COMMENT: M}},
            {"key": "implementation", "name": "实施 Implementation", "stage": "build",
             "days": 120, "actions": {COMMENT: M, SIGNUP: ALL}},
            {"key": "evaluation", "name": "评议 Evaluation", "stage": "evaluate", "days": 14,
             "actions": {EVALUATE: V, COMMENT: M}},
        ],
    },
    {
        "key": "contest",
        "kind": "contest",
        "order": 40,
        "name": "社区征集大赛 Contest (logo, mascot, space naming, photos)",
        "description": "征集作品、展示、投票、公布结果（如“北焦记忆”摄影大赛）。",
        "phases": [
            {"key": "submissions", "name": "作品征集 Submissions", "stage": "plan", "days": 30,
             "actions": {ENTER: M, COMMENT: M}},
            {"key": "exhibition", "name": "作品展示 Exhibition", "stage": "plan", "days": 14,
             "actions": {COMMENT: M}},
            {"key": "vote", "name": "投票 Vote", "stage": "plan", "days": 7,
             "actions": {CONTEST_VOTE: V}},
            {"key": "announcement", "name": "结果公布 Announcement", "stage": "share",
             "days": 14, "actions": {COMMENT: M, ATTEND: ALL}},
        ],
    },
]


def ensure_default_templates() -> int:
    """Create any shipped template that is missing (never overwrites edited ones).

    The data migration does this on install; the demo and transactional tests call it
    because a test-database flush empties tables that migrations had filled.
    """
    from gongzhi.projects.models import ProjectTemplate

    created = 0
    for data in DEFAULT_TEMPLATES:
        _obj, made = ProjectTemplate.objects.get_or_create(
            key=data["key"],
            defaults={k: data[k] for k in ("name", "description", "kind", "phases", "order")},
        )
        created += made
    return created
