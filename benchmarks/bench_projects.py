"""Benchmark the enterprise and 两高 project lists: import from the templates and the classified list.

Run:  .venv/bin/python benchmarks/bench_projects.py [--enterprises 2000] [--db URL]

Generates N invented enterprises (示例数据) with one two-line project each in two counties, writes them
with the real templates, and prints: reading the files alone (the same-run baseline), the all-or-nothing
import, and listing every project with its classification against the benchmark table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tanfeng.db.migrate import upgrade
from tanfeng.db.models import Region
from tanfeng.db.session import Database
from tanfeng.enterprises.credit import uscc_with_check
from tanfeng.services import enterprise_sheets as sheets
from tanfeng.services import enterprises, projects

MARK = "示例数据"


def _rows(n: int) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    e_rows, p_rows = [], []
    for i in range(n):
        region = "甲县（示例数据）" if i % 2 else "乙县（示例数据）"
        uscc = uscc_with_check(f"91360700MA{i:07d}")
        e_rows.append({"region": region, "name": f"示例企业{i}（{MARK}）", "uscc": uscc, "industry_code": "C3011",
                       "key_energy_user": "是", "key_emitter": "否", "carbon_market": "否"})
        for product, value, unit in (("水泥熟料", 95 + i % 30, "kgce/t"), ("电解铝", 12900 + i % 600, "kWh/t")):
            p_rows.append({"region": region, "code": f"{MARK}-{i:06d}", "name": f"示例项目{i}（{MARK}）", "uscc": uscc,
                           "status": ("拟建", "在建", "投产")[i % 3], "product": product, "design_capacity": 100,
                           "capacity_unit": "万吨/年", "design_unit_energy": value, "unit_energy_unit": unit,
                           "energy_equivalent_tce": 100000 + i})
    return e_rows, p_rows


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    print(f"{label:<48} {seconds:8.2f} s")
    return out, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(db)
        with db.write() as session:
            session.add_all([Region(name="甲县（示例数据）", level="county"), Region(name="乙县（示例数据）", level="county")])
        e_rows, p_rows = _rows(args.enterprises)
        e_path, p_path = Path(tmp) / "e.xlsx", Path(tmp) / "p.xlsx"
        _timed(f"write templates ({len(e_rows)} + {len(p_rows)} rows)",
               lambda: (sheets.enterprise_template(e_path, e_rows), sheets.project_template(p_path, p_rows)))
        _, read_s = _timed("read both files only (baseline)", lambda: (
            sheets.read_sheet(e_path, "e", sheets.ENTERPRISE_SHEET, sheets.ENTERPRISE_COLUMNS),
            sheets.read_sheet(p_path, "p", sheets.PROJECT_SHEET, sheets.PROJECT_COLUMNS)))
        _, import_s = _timed("import enterprises + projects (all or nothing)", lambda: (
            enterprises.import_enterprises(db, e_path, actor="bench"),
            projects.import_projects(db, p_path, actor="bench")))
        views, list_s = _timed("list every project with its classification",
                               lambda: projects.list_projects(db, None))
        print(f"projects {len(views)}, classes {projects.class_counts(views)}")
        print(f"import / read-only ratio {import_s / read_s:.1f}×; list {list_s / max(len(views), 1) * 1000:.2f} ms "
              "per project")
        db.dispose()


if __name__ == "__main__":
    main()
