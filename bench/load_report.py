"""Per-endpoint p50 / p95 / p99 and errors from locust's CSV files, one column set per
user count:  python3 bench/load_report.py bench/out/load-10 bench/out/load-50 ...
(the prefixes given to ``locust --csv``). Standard library only."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path


def read(prefix: str) -> dict[str, dict[str, str]]:
    with Path(prefix + "_stats.csv").open(newline="") as fh:
        return {f"{r['Type']} {r['Name']}".strip(): r for r in csv.DictReader(fh)}


def main(prefixes: list[str]) -> int:
    runs = [(int(re.sub(r"\D", "", Path(p).name) or 0), read(p)) for p in prefixes]
    names = [n for n in runs[-1][1] if not n.endswith("Aggregated")]
    names.append("Aggregated")
    head = "  ".join(f"{'u=' + str(u):>24}" for u, _ in runs)
    print(f"{'endpoint':58} {head}")
    print(f"{'':58} " + "  ".join(f"{'p50/p95/p99 ms   err':>24}" for _ in runs))
    for name in names:
        cells = []
        for _u, rows in runs:
            r = rows.get(name) or rows.get(" " + name)
            if r is None:
                r = next((v for k, v in rows.items() if k.endswith(name)), None)
            if r is None or r["Request Count"] == "0":
                cells.append(f"{'-':>24}")
                continue
            cells.append(f"{r['50%']:>5}/{r['95%']:>5}/{r['99%']:>5} {r['Failure Count']:>3}/"
                         f"{r['Request Count']:<4}")
        print(f"{name[:58]:58} " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
