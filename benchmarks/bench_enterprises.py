"""Benchmark of enterprise energy data: a province's E enterprises × M months × 6 fuels (示例数据, generated).

The province is the reference plan's (its region replaced by the province, like bench_rollup), with its
counties below; E invented enterprises spread over the counties, each with M months of six fuels
(1 % of them with a missing month, 1 % with a tenfold spike, so the checks find something). Measured in
one run, on SQLite and (with ``--postgres``) on a throwaway PostgreSQL database:

- import: the same number of rows row by row (ORM) and by the bulk path (PostgreSQL COPY / SQLite
  executemany), on two disjoint samples of S enterprises — the ratio is the point; then the whole province
  by the bulk path, one CSV file per county (read, validated, stored: what ``energy-import`` does);
- the data-quality checks over every enterprise (streamed per enterprise);
- the region page (``GET /headroom`` of the province: 用能空间 and 动态监控) and one enterprise's energy page;
- peak resident memory after each phase (ru_maxrss).

    .venv/bin/python benchmarks/bench_enterprises.py [--enterprises 5000] [--months 60] [--sample 100] [--postgres]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_web

MARK = "示例数据"
PASSWORD = "benchmark-office-password"
FUELS = (("烟煤", "吨", 2000.0), ("天然气", "万立方米", 30.0), ("电力", "万千瓦时", 400.0), ("柴油", "吨", 50.0),
         ("热力", "吉焦", 8000.0), ("焦炭", "吨", 300.0))
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_of(n: int) -> str:
    """An invented but well-formed 统一社会信用代码 (GB 32100 check character)."""
    stem = f"91360000MA{n:07d}"
    total = sum(ALPHABET.index(c) * w for c, w in zip(stem, WEIGHTS, strict=True))
    return stem + ALPHABET[(31 - total % 31) % 31]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def months(n: int, first_year: int = 2020) -> list[str]:
    return [f"{first_year + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def csv_of(enterprises: list[tuple[int, str]], periods: list[str], seed: int) -> str:
    """The long-format CSV of some enterprises (示例数据): seasonal figures with a few anomalies."""
    rnd = random.Random(seed)
    out = io.StringIO()
    out.write("统一社会信用代码,期间,类别,品种,数量,单位\n")
    for n, uscc in enterprises:
        scale = 0.2 + rnd.random() * 5
        skip = periods[n % len(periods)] if n % 100 == 7 else None
        spike = periods[(n * 7) % len(periods)] if n % 100 == 13 else None
        for p in periods:
            if p == skip:
                continue
            season = 1.0 + 0.1 * ((int(p[5:]) % 4) - 1.5) / 1.5
            for fuel, unit, base in FUELS:
                value = base * scale * season * (10 if p == spike and fuel == "烟煤" else 1)
                out.write(f"{uscc},{p},能源,{fuel},{value:.2f},{unit}\n")
    return out.getvalue()


def populate(url: str, n_enterprises: int) -> tuple[int, list[int], list[tuple[int, int, str]]]:
    """The province's plan, its counties, E enterprises, an office account, the region's yearly figures and a few
    approved projects. Returns (province id, county ids, [(enterprise no., region id, uscc)])."""
    from sqlalchemy import insert, select

    from tanfeng.db.enterprise_models import EnergyReview, Enterprise, Project, RegionEnergyYear
    from tanfeng.db.migrate import upgrade
    from tanfeng.db.models import Region
    from tanfeng.db.session import Database
    from tanfeng.plans import example_plan_path, read
    from tanfeng.plans.model import Plan
    from tanfeng.regions.gazetteer import gazetteer
    from tanfeng.services import accounts
    from tanfeng.services.plan_import import import_plan

    db = Database(url)
    upgrade(db)
    reference = read(example_plan_path())
    g = gazetteer()
    own = next(iter(g.by_name.get(reference.meta.region.name if reference.meta.region else "", [])))
    province = g.by_code[own.adcode[:2] + "0000"]
    body = copy.deepcopy(reference.to_dict())
    body["meta"]["region"] = {"name": province.name, "level": "province", "adcode": province.adcode}
    body["meta"]["title"] = f"{province.name}碳达峰实施方案（{MARK}）"
    body["source"] = {"path": f"{MARK}.txt", "format": "txt", "sha256": hashlib.sha256(
        json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()}
    import_plan(db, Plan.model_validate(body), actor="bench")
    counties = sorted((d for d in g.by_code.values() if d.level == "county" and d.adcode[:2] == own.adcode[:2]),
                      key=lambda d: d.adcode)[:20]
    with db.write() as session:
        pid = session.scalar(select(Region.id).where(Region.name == province.name))
        assert pid is not None
        county_ids = []
        for d in counties:
            r = Region(name=d.name, level="county", adcode=d.adcode, parent=province.name, parent_id=pid)
            session.add(r)
            session.flush()
            county_ids.append(r.id)
        rows = [(i, county_ids[i % len(county_ids)], uscc_of(i)) for i in range(n_enterprises)]
        session.execute(insert(Enterprise), [
            {"region_id": rid, "name": f"示例企业{i:05d}（{MARK}）", "uscc": uscc, "key_energy_user": True,
             "key_emitter": False, "carbon_market": False, "version": 1} for i, rid, uscc in rows])
        ids = dict(session.execute(select(Enterprise.uscc, Enterprise.id)).all())
        for k in range(0, n_enterprises, max(n_enterprises // 20, 1)):
            p = Project(region_id=rows[k][1], enterprise_id=ids[rows[k][2]], name=f"示例项目{k}（{MARK}）",
                        code=f"BENCH-{k:05d}", status="operating", energy_equivalent_tce=20000.0,
                        energy_calorific_tce=15000.0, operation_year=2021)
            session.add(p)
            session.flush()
            session.add(EnergyReview(project_id=p.id, approved_calorific_tce=15000.0, approved_equivalent_tce=20000.0,
                                     document_no=f"示例〔2021〕{k}号"))
        gdp = 25_000.0
        for year in range(2020, 2026):
            session.add(RegionEnergyYear(region_id=pid, year=year, gdp=gdp, energy_tce=9.0e7 if year <= 2024 else None,
                                         feedstock_tce=2.0e6 if year <= 2024 else None, source=MARK))
            gdp *= 1.05
    accounts.create_user(db, username="office", password=PASSWORD, role="office")
    db.dispose()
    return pid, county_ids, rows


def _store(url: str, text: str, bulk: bool | None) -> tuple[int, float]:
    from tanfeng.db.session import Database
    from tanfeng.services.enterprise_energy import cli_account, store_records, validate

    db = Database(url)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.csv"
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        from tanfeng.services.enterprise_energy import read_rows

        records = validate(read_rows(str(path)), path.name)
        result = store_records(db, cli_account("bench"), records, source="cli", bulk=bulk)
        seconds = time.perf_counter() - start
    db.dispose()
    return result.created, seconds


def _timed(fn: Any, repeat: int = 3) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(label: str, url: str, args: argparse.Namespace) -> None:
    from tanfeng.db.session import Database
    from tanfeng.services.enterprise_energy import cli_account, region_flags

    periods = months(args.months)
    pid, _counties, rows = populate(url, args.enterprises)
    s = min(args.sample, len(rows) // 2)
    print(f"[{label}] {len(rows)} enterprises × {len(periods)} months × {len(FUELS)} fuels "
          f"= {len(rows) * len(periods) * len(FUELS):,} figures ({MARK}); peak {peak_mb():.0f} MB after set-up")
    sample_a = [(n, u) for n, _r, u in rows[:s]]
    sample_b = [(n, u) for n, _r, u in rows[s:2 * s]]
    n_row, t_row = _store(url, csv_of(sample_a, periods, 1), bulk=False)
    n_bulk, t_bulk = _store(url, csv_of(sample_b, periods, 2), bulk=True)
    print(f"[{label}] import of {s} enterprises ({n_row:,} figures each way): row by row {t_row:.1f} s "
          f"({n_row / t_row:,.0f}/s), bulk {t_bulk:.1f} s ({n_bulk / t_bulk:,.0f}/s) — bulk {t_row / t_bulk:.1f}× faster")
    rest = rows[2 * s:]
    by_county: dict[int, list[tuple[int, str]]] = {}
    for n, rid, u in rest:
        by_county.setdefault(rid, []).append((n, u))
    total_rows, total_s = n_row + n_bulk, 0.0
    for i, (_rid, ents) in enumerate(sorted(by_county.items())):
        for k in range(0, len(ents), args.chunk):
            created, seconds = _store(url, csv_of(ents[k:k + args.chunk], periods, 100 + i * 1000 + k), bulk=None)
            total_rows += created
            total_s += seconds
    total_s += t_bulk
    print(f"[{label}] whole province by the bulk path, one file per county (≤{args.chunk} enterprises): "
          f"{total_rows:,} figures in {total_s:.1f} s ({total_rows / total_s:,.0f}/s); row by row it would take "
          f"~{total_rows / (n_row / t_row) / 60:.0f} min; peak {peak_mb():.0f} MB")
    db = Database(url)
    start = time.perf_counter()
    flags = region_flags(db, cli_account("bench"), last=periods[-1])
    t_q = time.perf_counter() - start
    flagged = sum(1 for v in flags.values() if v)
    by_rule: dict[str, int] = {}
    for v in flags.values():
        for f in v:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    print(f"[{label}] quality checks over {len(flags)} enterprises: {t_q:.1f} s; {flagged} flagged "
          f"{dict(sorted(by_rule.items()))}; peak {peak_mb():.0f} MB")
    from fastapi.testclient import TestClient

    from tanfeng.web import WebSettings, create_app

    app = create_app(WebSettings(mode="development", secret_key=bench_web.SECRET), db)
    client = TestClient(app)
    assert client.post("/api/v1/session", json={"username": "office", "password": PASSWORD}).status_code == 200

    def region_page() -> None:
        r = client.get(f"/headroom?region={pid}")
        assert r.status_code == 200 and "headroom-data" in r.text, r.text[:300]

    def enterprise_page() -> None:
        assert client.get("/enterprises/1/energy").status_code == 200

    t_region, t_ent = _timed(region_page), _timed(enterprise_page)
    print(f"[{label}] region page (用能空间 + 动态监控 of {len(rows)} enterprises) {t_region:.0f} ms; one enterprise's "
          f"energy page ({len(periods) * len(FUELS)} figures, flags, CO₂) {t_ent:.0f} ms; peak {peak_mb():.0f} MB")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--sample", type=int, default=100, help="enterprises in each of the row/bulk samples")
    parser.add_argument("--chunk", type=int, default=250, help="enterprises per file")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.postgres:
        with bench_web.throwaway_postgres() as url:
            measure("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
