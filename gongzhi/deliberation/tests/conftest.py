"""Fixtures: an open conversation in the personas' community with eight seed statements."""

from __future__ import annotations

import pytest

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Conversation

SEEDS = [
    "锅炉房旧址应该建成社区花园",
    "花园里要有儿童玩耍的地方",
    "应该保留一部分停车位",
    "老人需要有遮阳的座椅",
    "花园晚上九点以后应该关门",
    "种植箱应该让居民认领",
    "施工期间要保证消防通道畅通",
    "维护费用应该由物业承担",
]


def fresh(user):
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_perm_cache"):
            user.__dict__.pop(key, None)
    return user


@pytest.fixture
def conversation(personas) -> Conversation:
    c = services.conversation_create(
        actor=personas.worker, community=personas.community,
        question="锅炉房旧址的未来：大家怎么看？", description="说说你的看法。",
        seeds=SEEDS, state=Conversation.State.OPEN)
    fresh(personas.worker)
    return c


@pytest.fixture
def other_conversation(personas) -> Conversation:
    return services.conversation_create(
        actor=personas.other_admin, community=personas.other_community,
        question="隔壁社区的问题", seeds=SEEDS[:3], state=Conversation.State.OPEN)
