"""Pure opinion-group engine (Pol.is mathematics): numpy and scipy, no Django.

One update of the opinion map is ``opinion.compute``; the docstring of ``opinion`` lists its
steps and the module (and Pol.is Clojure file) of each.
"""

from gongzhi.deliberation.engine.matrix import VoteMatrix
from gongzhi.deliberation.engine.opinion import Result, adjusted_rand_index, compute
from gongzhi.deliberation.engine.params import Params
from gongzhi.deliberation.engine.polis_csv import Conversation, read_conversation
from gongzhi.deliberation.engine.repness import comment_priority

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
