"""Gongzhi's decision engine: pure-Python counting rules (no Django).

Participatory budgeting on Pabulib data (greedy variants, Method of Equal Shares with add1
completion, sequential Phragmén), single-decision methods (plurality, approval, score,
Borda, Schulze, instant-runoff, majority with quorum) and owners' decisions under Art. 278
of the PRC Civil Code. See docs/decisions-engine.md.
"""

from .art278 import Art278Result, Choice, Unit, decide
from .explain import explain
from .greedy import greedy
from .mes import equal_shares, equal_shares_add1
from .outcome import Outcome
from .pabulib import (
    PabulibError,
    PBElection,
    Project,
    Voter,
    parse_pabulib_text,
    read_pabulib,
    save_pabulib,
    write_pabulib,
)
from .phragmen import sequential_phragmen
from .profile import PBProfile
from .ranked import instant_runoff, schulze
from .rules import RULES, UnknownRuleError, compute, resolve_rule
from .single import approval, borda, majority_with_quorum, plurality, score_voting
from .tiebreak import DEFAULT_TIE_BREAK, TieBreak

__all__ = [
    "RULES",
    "DEFAULT_TIE_BREAK",
    "Art278Result",
    "Choice",
    "Outcome",
    "PBElection",
    "PBProfile",
    "PabulibError",
    "Project",
    "TieBreak",
    "Unit",
    "UnknownRuleError",
    "Voter",
    "approval",
    "borda",
    "compute",
    "decide",
    "equal_shares",
    "equal_shares_add1",
    "explain",
    "greedy",
    "instant_runoff",
    "majority_with_quorum",
    "parse_pabulib_text",
    "plurality",
    "read_pabulib",
    "resolve_rule",
    "save_pabulib",
    "schulze",
    "score_voting",
    "sequential_phragmen",
    "write_pabulib",
]
