from __future__ import annotations

from gongzhi.accounts.models import User
from gongzhi.core.demo import DemoContext
from gongzhi.deliberation.demo import CONSENSUS_FOR_DESIGN, build_boiler_yard
from gongzhi.deliberation.models import Conversation


def test_boiler_yard_conversation_has_three_groups_and_two_consensus_statements(personas):
    users = User.objects.bulk_create([
        User(phone=f"1990000{i:04d}", username=f"d1-{i}", display_name=f"居民{i}")
        for i in range(260)])
    c = build_boiler_yard(DemoContext(), personas.community, personas.worker, users)
    assert c.state == Conversation.State.CLOSED
    snap = c.snapshots.get()
    assert snap.participant_count == 260
    assert snap.k == 3
    sizes = sorted(g["size"] for g in snap.data["groups"])
    assert sizes[0] > 40  # car owners, the smallest group, stand out
    bridging = [x["statement"] for x in snap.data["group_informed"]]
    assert set(CONSENSUS_FOR_DESIGN) <= set(bridging[:3])
    agreed = [x["statement"] for x in snap.data["consensus"]["agree"]]
    assert set(CONSENSUS_FOR_DESIGN) <= set(agreed)
    # reproducible
    users2 = User.objects.bulk_create([User(phone=f"1991000{i:04d}", username=f"d2-{i}")
                                       for i in range(260)])
    c2 = build_boiler_yard(DemoContext(), personas.community, personas.worker, users2)
    assert c2.snapshots.get().data["groups"] == snap.data["groups"]
