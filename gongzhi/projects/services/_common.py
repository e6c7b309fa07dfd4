"""Helpers shared by the projects services: permission check, notifications, URLs."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from gongzhi.notifications.i18n import Text
from gongzhi.projects.models import (
    Proposal,
    Result,
)

User = get_user_model()

PROJECT_FIELDS = [
    "title",
    "summary",
    "description",
    "goals",
    "budget",
    "status",
    "kind",
    "report_threshold",
]
PROPOSAL_TEXT_FIELDS = ["title", "description", "cost_estimate"]
RESULT_FIELDS = [
    "title",
    "status",
    "progress",
    "planned_cost",
    "spent_cost",
    "responsible_org",
    "starts_on",
    "due_on",
    "completed_on",
]
MAX_IMAGES = 6



def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _notify_after_commit(
    users: Iterable,
    *,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    community=None,
    exclude=None,
) -> None:
    """Fan out notifications once the transaction has committed (never for a rollback)."""
    recipients = [u for u in users if u is not None and (exclude is None or u.pk != exclude.pk)]
    if not recipients:
        return

    def send() -> None:
        from gongzhi.notifications.services import notification_send

        notification_send(
            users=recipients, kind=kind, title=title, body=body, url=url, community=community
        )

    transaction.on_commit(send)


def proposal_url(proposal: Proposal) -> str:
    return reverse(
        "projects:proposal", args=[proposal.community.slug, proposal.project_id, proposal.pk]
    )


def result_url(result: Result) -> str:
    return reverse("projects:result", args=[result.community.slug, result.pk])


