"""A synthetic district for benchmarks and load tests (``gongzhi seed-city``).

At ``scale=1``: 1,000,000 residents (users, memberships, households in buildings and
units, ~70 % verified with their roles), 300 communities under 12 subdistricts with their
workers and admins, 100,000 proposals in 1,200 projects with phases, 1,000,000 votes
(500,000 proposal supports and 500,000 ballot votes), 1,000,000 problem reports, spaces
and meetings.

Every table is written with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``), ids chosen
here, sequences reset at the end. Every value comes from one ``random.Random(seed)`` and
the ``today`` date, so the same seed and day give byte-identical tables
(:func:`checksums`).

Ballot votes go through the decisions code, not around it: contents are normalised by
``tally.validate``, the hash chain is built with ``chain.entry_body``/``chain.entry_hash``
in shuffled batches with one coarse timestamp each (as the sequencer
``services.ballot_seal`` writes them), the opening entry records
``selectors.ballot_config``, and closed ballots carry the result counted by
``tally.count`` with the close entry's ``result_hash`` — so ``gongzhi decisions verify
--all`` passes on the seeded data. Secret ballots store no receipt on voter records.
"""

from django.db import connection

from gongzhi.core.seed_city.base import Plan, SeedError
from gongzhi.core.seed_city.generator import SEEDED_MODELS, CityGenerator, checksums

__all__ = ["SEEDED_MODELS", "CityGenerator", "Plan", "SeedError", "checksums", "connection"]
