from __future__ import annotations

from gongzhi.accounts.models import Consent, Membership, RoleAssignment
from gongzhi.core.export import register
from gongzhi.core.models import AuditEntry
from gongzhi.notifications.models import Notification
from gongzhi.orgs.models import OrgMember


@register("account")
def account(user) -> dict:
    return {
        "username": user.username,
        "phone": user.phone,
        "email": user.email,
        "display_name": user.display_name,
        "real_name": user.real_name,
        "language": user.language,
        "date_joined": user.date_joined.isoformat(),
    }


@register("memberships")
def memberships(user) -> list[dict]:
    return [
        {
            "community": m.community.name,
            "status": m.status,
            "address": m.claimed_address,
            "household": str(m.household) if m.household else None,
            "moved_in_year": m.moved_in_year,
            "requested_at": m.created_at.isoformat(),
            "decided_at": m.decided_at.isoformat() if m.decided_at else None,
            "refusal_reason": m.refusal_reason,
        }
        for m in Membership.objects.filter(user=user).select_related(
            "community", "household__building", "household__unit")
    ]


@register("roles")
def roles(user) -> list[dict]:
    return [
        {"community": r.community.name, "role": r.role, "granted_at": r.granted_at.isoformat()}
        for r in RoleAssignment.objects.filter(user=user).select_related("community")
    ]


@register("consents")
def consents(user) -> list[dict]:
    return [
        {"document": c.document, "version": c.version, "accepted_at": c.accepted_at.isoformat()}
        for c in Consent.objects.filter(user=user)
    ]


@register("notifications")
def notifications(user) -> list[dict]:
    return [
        {"title": n.title, "body": n.body, "sent": n.created_at.isoformat(),
         "read": n.read_at.isoformat() if n.read_at else None}
        for n in Notification.objects.filter(user=user)[:1000]
    ]


@register("organisations")
def organisations(user) -> list[dict]:
    return [
        {"organisation": m.organisation.name, "title": m.title}
        for m in OrgMember.objects.filter(user=user).select_related("organisation")
    ]


@register("activity_log")
def activity_log(user) -> list[dict]:
    return [
        {"time": a.created_at.isoformat(), "action": a.action, "target": a.target_repr}
        for a in AuditEntry.objects.filter(actor=user)[:5000]
    ]
