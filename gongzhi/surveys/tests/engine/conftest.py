"""The real item-level data (Krumbholz 2023, CC BY 4.0) lives in
``<repo>/../shared/data/surveys``; tests that need it skip when it is absent.

It holds *content-validity ratings*: 1,465 students rated, for communities they named, how
necessary each item of four sense-of-community tests is (slider 0–1). It is not
self-reported belonging; here it is only a real, messy item matrix for checking numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[4]
CONVAL = (REPO_ROOT / ".." / "shared" / "data" / "surveys" /
          "krumbholz2023_05_conval_data.csv").resolve()
INSTRUMENTS = {"chavis": 25, "omoto": 18, "jason": 9, "halamova": 22}


def items(name: str) -> list[str]:
    return [f"{name}_{i}" for i in range(1, INSTRUMENTS[name] + 1)]


@pytest.fixture(scope="session")
def conval_path() -> Path:
    if not CONVAL.exists():
        pytest.skip(f"real survey data not found at {CONVAL} (../shared/data/surveys)")
    return CONVAL


@pytest.fixture(scope="session")
def conval(conval_path):
    pd = pytest.importorskip("pandas")
    return pd.read_csv(conval_path, na_values=["NA"], keep_default_na=False)
