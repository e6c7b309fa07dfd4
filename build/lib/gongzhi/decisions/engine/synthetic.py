"""Seeded synthetic approval elections for benchmarks and scale tests.

Real ballots are far from uniform: a few projects are very popular, most voters approve a
handful of projects, and costs span orders of magnitude. The generator mimics that
(Zipf-like popularity, 1-15 approvals per voter, log-uniform costs) so that MES behaves as
on city data: many rounds, many distinct ballots (little merging of identical voters) and
a long add1 completion.
"""

from __future__ import annotations

import numpy as np

from .pabulib import PBElection, Project, Voter


def synthetic_approval_election(
    n_voters: int,
    n_projects: int,
    seed: int = 2024,
    budget_share: float = 0.25,
    max_approvals: int = 15,
) -> PBElection:
    rng = np.random.default_rng(seed)
    costs = np.round(np.exp(rng.uniform(np.log(20_000), np.log(1_000_000), n_projects)), -2).astype(
        np.int64
    )
    popularity = 1.0 / np.arange(1, n_projects + 1) ** 0.8
    popularity = popularity[rng.permutation(n_projects)]
    popularity /= popularity.sum()
    lengths = np.minimum(rng.geometric(0.2, n_voters), max_approvals)
    ids = [str(1000 + i) for i in range(n_projects)]
    voters = []
    for v in range(n_voters):
        chosen = rng.choice(
            n_projects, size=min(int(lengths[v]), n_projects), replace=False, p=popularity
        )
        voters.append(Voter(str(v + 1), [ids[i] for i in sorted(chosen.tolist())]))
    budget = int(costs.sum() * budget_share)
    meta = {
        "description": f"synthetic approval election (seed {seed})",
        "country": "Nowhere",
        "unit": "Synthetic",
        "instance": str(seed),
        "num_projects": str(n_projects),
        "num_votes": str(n_voters),
        "budget": str(budget),
        "vote_type": "approval",
        "rule": "equalshares/add1",
        "max_length": str(max_approvals),
    }
    projects = {
        pid: Project(pid, int(cost), f"Project {pid}", None, {})
        for pid, cost in zip(ids, costs.tolist(), strict=True)
    }
    return PBElection(meta, projects, voters, ["project_id", "cost", "name"], ["voter_id", "vote"])
