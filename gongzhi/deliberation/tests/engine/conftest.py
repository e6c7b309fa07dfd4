"""Real Pol.is conversations live outside the repository, in ``<repo>/../shared/data/polis``;
tests that need them skip when the folder is absent (CI always has it)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[4]
POLIS_DIR = (REPO_ROOT / ".." / "shared" / "data" / "polis").resolve()


@pytest.fixture(scope="session")
def polis_dir() -> Path:
    if not POLIS_DIR.is_dir():
        pytest.skip(f"real Pol.is data not found at {POLIS_DIR} (../shared/data/polis)")
    return POLIS_DIR
