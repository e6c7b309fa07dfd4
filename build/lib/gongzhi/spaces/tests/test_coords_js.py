"""The browser's WGS-84 ⇄ GCJ-02 port agrees with gongzhi.core.geo.coords."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gongzhi.core.geo.coords import gcj02_to_wgs84, wgs84_to_gcj02

JS = Path(__file__).resolve().parents[1] / "static" / "spaces" / "coords.js"
POINTS = [(121.5035, 31.2835), (116.3975, 39.9087), (113.2644, 23.1291), (87.6168, 43.8256),
          (126.6425, 45.7567), (103.8343, 36.0611), (2.35, 48.85), (121.4737, 31.2304),
          (135.0, 53.0), (73.7, 3.9)]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_js_port_matches_python():
    script = (f"const c = require({json.dumps(str(JS))});"
              f"const pts = {json.dumps(POINTS)};"
              "console.log(JSON.stringify(pts.map(p => [c.wgs84ToGcj02(p[0], p[1]),"
              " c.gcj02ToWgs84(p[0], p[1])])));")
    out = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                    check=True, timeout=30).stdout)
    for (lon, lat), (fwd, inv) in zip(POINTS, out, strict=True):
        assert fwd == pytest.approx(list(wgs84_to_gcj02(lon, lat)), abs=1e-11)
        assert inv == pytest.approx(list(gcj02_to_wgs84(lon, lat)), abs=1e-11)
    # Shanghai really moves by a few hundred metres; Paris does not move.
    assert abs(out[0][0][0] - 121.5035) > 0.003
    assert out[6][0] == [2.35, 48.85]
