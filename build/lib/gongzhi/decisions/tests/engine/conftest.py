"""Shared fixtures: the real Pabulib files live outside the repository, in
``<repo>/../shared/data/pabulib``; tests that need them skip when the folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[4]
PABULIB_DIR = (REPO_ROOT / ".." / "shared" / "data" / "pabulib").resolve()


def pabulib_files() -> list[Path]:
    return sorted(PABULIB_DIR.glob("*.pb")) if PABULIB_DIR.is_dir() else []


@pytest.fixture
def pabulib_dir() -> Path:
    if not PABULIB_DIR.is_dir():
        pytest.skip(f"real Pabulib data not found at {PABULIB_DIR} (../shared/data/pabulib)")
    return PABULIB_DIR


def require_file(name: str) -> Path:
    path = PABULIB_DIR / name
    if not path.is_file():
        pytest.skip(f"real Pabulib file {name} not found in {PABULIB_DIR}")
    return path
