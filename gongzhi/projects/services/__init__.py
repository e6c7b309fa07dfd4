"""Every write in the projects app: one transaction, a permission check, an audit entry
for what others rely on, notifications after commit. Split by subdomain; import from here.

Other apps call ``result_create`` (meetings: a decision becomes a tracked result).
"""

from gongzhi.projects.services._common import (
    MAX_IMAGES,
    PROJECT_FIELDS,
    PROPOSAL_TEXT_FIELDS,
    RESULT_FIELDS,
    User,
    proposal_url,
    result_url,
)
from gongzhi.projects.services.construction import (
    donation_advance,
    donation_create,
    project_photo_add,
    task_create,
    task_signup,
    task_signup_cancel,
)
from gongzhi.projects.services.projects import (
    evaluation_submit,
    phase_advance,
    phase_close,
    phase_update,
    phases_from_template,
    project_create,
    project_update,
    stakeholder_add,
    team_member_add,
)
from gongzhi.projects.services.proposals import (
    abuse_report_create,
    amendment_create,
    amendment_decide,
    comment_create,
    content_moderate,
    proposal_answer,
    proposal_create,
    proposal_edit,
    proposal_merge,
    support_add,
    support_remove,
)
from gongzhi.projects.services.results import (
    milestone_add,
    result_announce_decision,
    result_create,
    result_followers,
    result_link_decision,
    result_update_post,
    results_flag_overdue,
)

__all__ = [
    "MAX_IMAGES",
    "PROJECT_FIELDS",
    "PROPOSAL_TEXT_FIELDS",
    "RESULT_FIELDS",
    "User",
    "abuse_report_create",
    "amendment_create",
    "amendment_decide",
    "comment_create",
    "content_moderate",
    "donation_advance",
    "donation_create",
    "evaluation_submit",
    "milestone_add",
    "phase_advance",
    "phase_close",
    "phase_update",
    "phases_from_template",
    "project_create",
    "project_photo_add",
    "project_update",
    "proposal_answer",
    "proposal_create",
    "proposal_edit",
    "proposal_merge",
    "proposal_url",
    "result_create",
    "result_announce_decision",
    "result_link_decision",
    "result_followers",
    "result_update_post",
    "result_url",
    "results_flag_overdue",
    "stakeholder_add",
    "support_add",
    "support_remove",
    "task_create",
    "task_signup",
    "task_signup_cancel",
    "team_member_add",
]
