"""The report workflow as a table: action → (from which statuses, to which status, perm).

    submitted ──accept(+org)──▶ accepted ──start──▶ in_progress ──resolve──▶ resolved
        │                          │  ▲                                       │   │
        └──refuse(+reason)──▶ refused  └── assign (same status, other org)    │   │
                                                                     confirm  │   │ reopen
                        closed ◀──────────── auto_close (after N days) ◀──────┘   │
                                                                                   ▼
                                                         reopened ──start / resolve──▶ …

Anything not in the table is refused with a ValidationError by the service, which reads
the current status under ``select_for_update`` so two requests cannot both move it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gongzhi.reports.models import EventKind, Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset[str]
    target: str | None  # None: the status stays (reassignment)
    event: str
    perm: str | None  # None: only the system (periodic job) does it


def _t(action, label, sources, target, event, perm) -> Transition:
    return Transition(action, label, frozenset(str(s) for s in sources),
                      str(target) if target else None, str(event), perm)


ASSIGNABLE = (Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED)

TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    _t("accept", _("Accept and assign"), [Status.SUBMITTED], Status.ACCEPTED,
       EventKind.ACCEPTED, "reports.accept"),
    _t("refuse", _("Refuse"), [Status.SUBMITTED], Status.REFUSED, EventKind.REFUSED,
       "reports.refuse"),
    _t("assign", _("Reassign"), ASSIGNABLE, None, EventKind.ASSIGNED, "reports.assign"),
    _t("start", _("Start work"), [Status.ACCEPTED, Status.REOPENED], Status.IN_PROGRESS,
       EventKind.STARTED, "reports.start"),
    _t("resolve", _("Mark resolved"), ASSIGNABLE, Status.RESOLVED, EventKind.RESOLVED,
       "reports.resolve"),
    _t("confirm", _("Confirm it is fixed"), [Status.RESOLVED], Status.CLOSED,
       EventKind.CONFIRMED, "reports.confirm"),
    _t("reopen", _("It is not fixed: reopen"), [Status.RESOLVED], Status.REOPENED,
       EventKind.REOPENED, "reports.reopen"),
    _t("auto_close", _("Close automatically"), [Status.RESOLVED], Status.CLOSED,
       EventKind.AUTO_CLOSED, None),
)}

# Actions a person may take through the web page or the API (auto_close is the system's).
USER_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.perm)


def allowed(action: str, status: str) -> bool:
    t = TRANSITIONS.get(action)
    return t is not None and status in t.sources


def actions_for(user, report) -> list[Transition]:
    """Actions ``user`` may take on ``report`` now (status and permission both allow)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [t for t in TRANSITIONS.values()
            if t.perm and report.status in t.sources and user.has_perm(t.perm, report)]
