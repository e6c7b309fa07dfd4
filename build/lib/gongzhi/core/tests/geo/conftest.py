"""Fixtures for the pure geometry tests (no database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

# Run standalone (`pytest -p no:django`), nothing has configured Django; the validator's
# messages are gettext_lazy and need settings to turn into text. Under pytest-django the
# project settings are already loaded and this does nothing.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)

REPO_ROOT = Path(__file__).resolve().parents[4]
OSM_DIR = REPO_ROOT.parent / "shared" / "data" / "osm"


def osm_file(name: str) -> Path:
    path = OSM_DIR / name
    if not path.is_file():
        pytest.skip(
            f"Real OSM data {name} not found at {path}: these tests read the shared data "
            "folder that sits next to the repository (../shared/data/osm)."
        )
    return path


@pytest.fixture(scope="session")
def siping_osm() -> Path:
    return osm_file("siping.osm")


@pytest.fixture(scope="session")
def siping_pbf() -> Path:
    return osm_file("siping.osm.pbf")


@pytest.fixture(scope="session")
def shanghai_center_pbf() -> Path:
    return osm_file("shanghai_center.osm.pbf")
