"""Pure opinion-group engine (Pol.is mathematics): numpy and scipy, no Django."""

from gongzhi.deliberation.engine.opinion import (
    Params,
    Result,
    VoteMatrix,
    adjusted_rand_index,
    comment_priority,
    compute,
)
from gongzhi.deliberation.engine.polis_csv import Conversation, read_conversation

__all__ = [
    "Conversation",
    "Params",
    "Result",
    "VoteMatrix",
    "adjusted_rand_index",
    "comment_priority",
    "compute",
    "read_conversation",
]
