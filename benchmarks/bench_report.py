"""Annual report timings on the demo database (示例数据: the reference plan with invented values).

Run:  .venv/bin/python benchmarks/bench_report.py [--repeat 5] [--year 2024] [--inventory] [--scenarios]

Builds the demo database once (SQLite in a temp dir, through the store's services), then times,
median of --repeat runs each:

* baseline: ``compute_status`` for the year (one status query — the floor of any report);
* the content (two status queries, progress, missing reports, series) without rendering;
* the whole report as docx, xlsx and html (content + charts + file), as the CLI and web call it.

The goal (issue 8) is the docx under 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from tanfeng.accounting import example_inventory_path
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database
from tanfeng.projection import example_scenarios_path
from tanfeng.reports import charts
from tanfeng.reports.annual import build_annual_content, build_annual_report
from tanfeng.services.demo import populate_demo
from tanfeng.services.status import compute_status


def _median(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--inventory", action="store_true", help="include the example inventory (示例数据)")
    parser.add_argument("--scenarios", action="store_true", help="include the example scenarios (示例数据)")
    args = parser.parse_args()
    inventory = example_inventory_path() if args.inventory else None
    scenarios = example_scenarios_path() if args.scenarios else None
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'demo.db'}")
        upgrade(db)
        start = time.perf_counter()
        populate_demo(db, today=date(args.year + 1, 3, 1), other_regions=False)  # the demo of `tanfeng demo`, as of the report's due date
        print(f"demo database built in {time.perf_counter() - start:.2f} s (示例数据)")
        start = time.perf_counter()
        font = charts.cjk_font()
        print(f"CJK font look-up (once per process): {time.perf_counter() - start:.2f} s → {font}")
        base = _median(lambda: compute_status(db, as_of=args.year), args.repeat)
        print(f"{'baseline: compute_status':<40} {base * 1000:8.0f} ms")
        content = _median(lambda: build_annual_content(db, args.year, inventory=inventory, scenarios=scenarios), args.repeat)
        print(f"{'report content (no rendering)':<40} {content * 1000:8.0f} ms  ({content / base:.1f}× status)")
        for fmt in ("docx", "xlsx", "html"):
            size = len(build_annual_report(db, args.year, fmt=fmt, inventory=inventory, scenarios=scenarios))
            t = _median(lambda f=fmt: build_annual_report(db, args.year, fmt=f, inventory=inventory,
                                                          scenarios=scenarios), args.repeat)
            print(f"{'whole report, ' + fmt:<40} {t * 1000:8.0f} ms  ({t / base:.1f}× status, {size // 1024} KB)"
                  + ("  goal < 5 s" if fmt == "docx" else ""))
        db.dispose()


if __name__ == "__main__":
    main()
