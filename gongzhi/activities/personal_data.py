"""The resident's activity data in the personal-data export and in account deletion (PIPL).

Deleting an account deletes the children the person registered (a child exists only
through the guardian's account) with their registrations, and the person's own
registrations; seats are freed and waiting lists move up. Photos the person uploaded stay
with the activity (they are the community's record) without the uploader's name.
"""

from __future__ import annotations

from gongzhi.activities.models import ActivityPhoto, Child, Registration
from gongzhi.core.export import on_delete, register


def _iso(value):
    return value.isoformat() if value else None


@register("activities")
def activities(user) -> dict:
    return {
        "children": [{"name": c.name, "birth_year": c.birth_year, "age_band": c.age_band,
                      "added_at": _iso(c.created_at)}
                     for c in Child.objects.filter(guardian=user)],
        "registrations": [{"activity": r.occurrence.activity.title,
                           "community": r.occurrence.community.name,
                           "starts_at": _iso(r.occurrence.starts_at),
                           "child": getattr(r.child, "name", None),
                           "status": r.status, "attended_at": _iso(r.attended_at)}
                          for r in Registration.objects.filter(user=user).select_related(
                              "occurrence__activity", "occurrence__community", "child")],
        "photos_uploaded": [{"activity": p.activity.title, "caption": p.caption,
                             "uploaded_at": _iso(p.created_at)}
                            for p in ActivityPhoto.objects.filter(uploaded_by=user)
                            .select_related("activity")],
    }


@on_delete("activities")
def delete_activities(user) -> None:
    from gongzhi.activities import services

    for reg in (Registration.objects.filter(user=user)
                .exclude(status=Registration.Status.CANCELLED).select_related("occurrence")):
        if reg.attended_at is None:
            services.registration_cancel(actor=user, registration=reg)
    Registration.objects.filter(user=user).delete()
    Child.objects.filter(guardian=user).delete()
    ActivityPhoto.objects.filter(uploaded_by=user).update(uploaded_by=None)
