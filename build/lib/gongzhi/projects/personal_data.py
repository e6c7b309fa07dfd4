"""The projects section of a resident's personal-data export."""

from __future__ import annotations

from gongzhi.core.export import register
from gongzhi.projects.models import (
    Amendment,
    Comment,
    Donation,
    Evaluation,
    Proposal,
    Support,
    TaskSignup,
)


@register("projects")
def collect(user) -> dict:
    return {
        "proposals": [{
            "id": p.pk, "project": p.project_id, "kind": p.kind, "title": p.title,
            "description": p.description, "lat": p.lat, "lon": p.lon,
            "cost_estimate": str(p.cost_estimate) if p.cost_estimate is not None else None,
            "answer": p.answer, "answer_text": p.answer_text,
            "created_at": p.created_at.isoformat(),
            "images": [i.image.name for i in p.images.all()],
        } for p in Proposal.objects.filter(author=user).prefetch_related("images")
            .order_by("pk")],
        "supports": [{"proposal": s.proposal_id, "created_at": s.created_at.isoformat()}
                     for s in Support.objects.filter(user=user).order_by("pk")],
        "comments": [{"id": c.pk, "project": c.project_id, "proposal": c.proposal_id,
                      "body": c.body, "created_at": c.created_at.isoformat()}
                     for c in Comment.objects.filter(author=user).order_by("pk")],
        "amendments": [{"proposal": a.proposal_id, "title": a.title,
                        "description": a.description, "state": a.state}
                       for a in Amendment.objects.filter(author=user).order_by("pk")],
        "task_signups": [{"task": s.task_id, "created_at": s.created_at.isoformat()}
                         for s in TaskSignup.objects.filter(user=user).order_by("pk")],
        "donations": [{"project": d.project_id, "item": d.item, "quantity": str(d.quantity),
                       "unit": d.unit, "state": d.condition}
                      for d in Donation.objects.filter(donor=user).order_by("pk")],
        "evaluations": [{"project": e.project_id, "score": e.score, "comment": e.comment}
                        for e in Evaluation.objects.filter(user=user).order_by("pk")],
    }
