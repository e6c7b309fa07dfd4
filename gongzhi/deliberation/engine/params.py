"""The settings of an update (``Params``).

The defaults are Pol.is' (``conversation.clj`` and the ``math/src/polismath/math/*.clj`` code it
calls), except ``exact_pca_max_statements`` and ``seed``, which belong to this engine's PCA
(``pca``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    min_votes: int = 7
    greedy_n: int = 15
    base_k: int = 100
    max_k: int = 5
    base_iters: int = 100
    # Pol.is passes :cluster-iters to kmeans, which reads :max-iters, so groups get the default 20.
    group_iters: int = 20
    k_buffer: int = 4
    pick_max: int = 5
    exact_pca_max_statements: int = 0
    seed: int = 20140618
