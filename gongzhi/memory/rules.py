"""Who may do what in the memory archive (django-rules); the matrix is in docs/memory.md.

Seeing an item follows its status and licence (``visible_q`` in selectors is the same rule
as a query filter, so lists never load what the person may not see):

* approved, CC BY 4.0 — everyone; community only — signed-in members of the community;
  all rights reserved — the contributor (or who recorded it) and the community's workers;
* waiting for review, not published or taken down — the contributor, who recorded it and
  the workers;
* a person tagged in an item (and not declining) sees it too, to decide on the tag.

Members (pending residents too) contribute; workers and volunteers record on behalf of a
resident; workers (and the subdistrict's admins) moderate, decide takedowns and curate
collections. Anyone signed in who can see an item may ask for its takedown. A project's
items can be contributed while its phase opens ``memory.collect`` (the phase-action
registry), or by a worker at any time.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_volunteer, is_worker
from gongzhi.memory.models import Licence, MemoryItem, PersonTag, Status, TakedownRequest
from gongzhi.projects.rules import phase_allows


def item_of(obj) -> MemoryItem | None:
    if isinstance(obj, MemoryItem):
        return obj
    if isinstance(obj, PersonTag | TakedownRequest):
        return obj.item
    return None


@rules.predicate
def is_item_owner(user, obj=None) -> bool:
    item = item_of(obj)
    return (item is not None and user.is_authenticated
            and user.pk in (item.contributor_id, item.recorded_by_id))


@rules.predicate
def is_tagged(user, obj=None) -> bool:
    item = item_of(obj)
    if item is None or not user.is_authenticated or item.pk is None:
        return False
    return PersonTag.objects.filter(item=item, person=user).exclude(
        state=PersonTag.State.DECLINED).exists()


@rules.predicate
def is_published(user, obj=None) -> bool:
    item = item_of(obj)
    return item is not None and item.status == Status.APPROVED


@rules.predicate
def licence_public(user, obj=None) -> bool:
    item = item_of(obj)
    return item is not None and item.licence == Licence.CC_BY


@rules.predicate
def licence_community(user, obj=None) -> bool:
    item = item_of(obj)
    return item is not None and item.licence == Licence.COMMUNITY


@rules.predicate
def not_taken_down(user, obj=None) -> bool:
    item = item_of(obj)
    return item is not None and item.status != Status.TAKEN_DOWN


@rules.predicate
def is_pending(user, obj=None) -> bool:
    item = item_of(obj)
    return item is not None and item.status == Status.PENDING


@rules.predicate
def is_tag_person(user, obj=None) -> bool:
    return (isinstance(obj, PersonTag) and user.is_authenticated
            and obj.person_id == user.pk)


in_collect_phase = phase_allows("memory.collect")  # over (user, project)

can_view = (is_worker | is_item_owner
            | (is_published & (licence_public | (licence_community & is_member)))
            | (not_taken_down & is_tagged))

rules.add_perm("memory.view_archive", rules.always_allow)          # on a community
rules.add_perm("memory.view", can_view)                             # on an item
rules.add_perm("memory.contribute", rules.is_authenticated & (is_member | is_worker))
rules.add_perm("memory.contribute_to_project",                      # on a project
               rules.is_authenticated & (is_worker | (is_member & in_collect_phase)))
rules.add_perm("memory.record_on_behalf", rules.is_authenticated & (is_worker | is_volunteer))
rules.add_perm("memory.moderate", is_worker)                        # community or item
rules.add_perm("memory.manage_collections", is_worker)
rules.add_perm("memory.tag", rules.is_authenticated & not_taken_down
               & (is_worker | is_item_owner))
rules.add_perm("memory.respond_tag", is_tag_person)                 # on a tag
rules.add_perm("memory.untag", rules.is_authenticated & (is_tag_person | is_worker
                                                         | is_item_owner))
rules.add_perm("memory.request_takedown", rules.is_authenticated & not_taken_down & can_view)
rules.add_perm("memory.take_down", is_worker)
