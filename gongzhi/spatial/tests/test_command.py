"""`gongzhi spatial import-network` on the real Siping extract, and `spatial access`
through Django's command runner."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.core.models import AuditEntry
from gongzhi.spatial import selectors
from gongzhi.spatial.models import WalkNetwork

from .engine.reference import SIPING
from .engine.test_cli import city_files

pytestmark = pytest.mark.django_db


def test_import_network_from_siping(town):
    if not SIPING.exists():
        pytest.skip(f"real data missing: {SIPING} (CI always has ../shared/data)")
    community = town["community"]
    WalkNetwork.objects.filter(community=community).delete()
    out = io.StringIO()
    call_command("spatial", "import-network", community.slug, str(SIPING), stdout=out)
    net = WalkNetwork.objects.get(community=community)
    assert net.nodes > 900 and net.edges > 1000 and "siping.osm.pbf" in out.getvalue()
    assert any(f["kind"] == "pocket_park" for f in net.osm_facilities)
    assert AuditEntry.objects.filter(action="spatial.network_import").exists()
    result = selectors.access_result(community)
    # real distances along the real network: finite, and the OSM parks count as green
    assert all(b["nearest"]["green"] is not None for b in result["buildings"])
    assert any(str(f["id"]).startswith("osm:") for f in result["facilities"])
    with pytest.raises(CommandError):
        call_command("spatial", "import-network", "no-such-community", str(SIPING))


def test_access_command_json(tmp_path):
    _net, demand, _supply, files = city_files(tmp_path)
    out = io.StringIO()
    call_command("spatial", "access", "--nodes", files["nodes"], "--edges", files["edges"],
                 "--demand", files["demand"], "--supply", files["supply"],
                 "--max-cost", "350", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data["demand"]) == list(demand.ids)
    assert 0 <= data["gini_2sfca"] <= 1
    with pytest.raises(SystemExit) as exc:
        call_command("spatial", "access", "--nodes", str(tmp_path / "missing.csv"),
                     "--edges", files["edges"], "--demand", files["demand"],
                     "--supply", files["supply"], "--max-cost", "350",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.code == 2
