"""Benchmark of many regions: a province with N counties (示例数据), each 25 indicators × 10 years of values.

Every county's plan is generated from the bundled reference plan (its region replaced by a county of
the reference plan's province, from the gazetteer; its targets padded to 25 with illustrative ones),
and every indicator gets ten yearly accepted values (示例数据). Measured, each next to the single-plan
figure of the same run:

- the roll-up page of the province (``GET /rollup``) vs one county's overview page, in process;
- ``tanfeng status --region PROVINCE --children`` vs ``tanfeng status --region COUNTY`` (subprocess);
- the county overview p50/p95 with C concurrent clients (PostgreSQL with ``--postgres``; wrk if
  installed, else a Python client) on the N-county database vs a database holding one county only, and the
  server's CPU time per request (wrk, 4 connections: it depends little on other load on the machine), for
  the county's own office and for an office of every region (whose plan selector lists every county).

    .venv/bin/python benchmarks/bench_rollup.py [--counties 100] [--clients 50] [--seconds 10] [--cpu-seconds 5]
        [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_web

MARK = "示例数据"
INDICATORS, YEARS = 25, range(2015, 2025)
PASSWORD = "benchmark-office-password"
COUNTY_OFFICE = "county-office"  # the office of the first county (the one whose overview is measured)
ACCOUNTS = ((COUNTY_OFFICE, "county office"), ("office", "office of every region"))


def _county_plans(n: int) -> tuple[str, list[Any]]:
    """(province name, N plan variants of the reference plan, one per county of its province)."""
    from tanfeng.plans import example_plan_path, read
    from tanfeng.plans.model import Plan
    from tanfeng.regions.gazetteer import gazetteer

    reference = read(example_plan_path())
    g = gazetteer()
    region = reference.meta.region
    own = next(iter(g.by_name.get(region.name if region and region.name else "", [])), None)
    if own is None:
        raise SystemExit("the reference plan's region is not in the gazetteer")
    province = g.by_code[own.adcode[:2] + "0000"]
    counties = sorted((d for d in g.by_code.values() if d.level == "county" and d.adcode[:2] == own.adcode[:2]),
                      key=lambda d: d.adcode)[:n]
    doc = reference.to_dict()
    base_targets = [t for t in doc["targets"] if t.get("code") and t.get("value") is not None][:INDICATORS]
    extra = [{"id": f"X{k}", "indicator": f"示例指标{k}（{MARK}）", "code": f"demo_{k}", "change": "level",
              "value": 100 + k, "unit": "万吨", "year": 2030, "baseline_year": 2015,
              "sentence": f"示例指标{k}到2030年达到{100 + k}万吨（{MARK}）"} for k in range(INDICATORS - len(base_targets))]
    plans = []
    for d in counties:
        body = copy.deepcopy(doc)
        body["meta"]["region"] = {"name": d.name, "level": "county", "adcode": d.adcode}
        body["meta"]["title"] = f"{d.name}碳达峰实施方案（{MARK}）"
        body["targets"] = [dict(t, baseline_year=t.get("baseline_year") or 2015) for t in base_targets] + extra
        ids = {t["id"] for t in body["targets"]}
        for task in body["tasks"]:
            task["target_ids"] = [i for i in task.get("target_ids", []) if i in ids]
        digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        body["source"] = {"path": f"{MARK}-{d.name}.txt", "sha256": digest, "format": "txt"}
        plans.append(Plan.model_validate(body))
    return province.name, plans


def populate(url: str, plans: list[Any]) -> list[str]:
    """Import the plans, ten years of accepted values per indicator, an office account; returns county names."""
    from sqlalchemy import insert, select

    from tanfeng.db.migrate import upgrade
    from tanfeng.db.models import Indicator, Observation, PlanRecord, Target
    from tanfeng.db.session import Database
    from tanfeng.services import accounts
    from tanfeng.services.plan_import import import_plan

    db = Database(url)
    upgrade(db)
    rng = random.Random(7)
    names = []
    for plan in plans:
        result = import_plan(db, plan, actor=MARK)
        names.append(result.region)
        with db.write() as session:
            rows = session.execute(select(Indicator, Target).join(Target, Target.indicator_id == Indicator.id)
                                   .join(PlanRecord, PlanRecord.id == Indicator.plan_id)
                                   .where(PlanRecord.id == result.plan_id)).all()
            values, seen = [], set()
            for ind, target in rows:
                if ind.id in seen or target.value is None:
                    continue
                seen.add(ind.id)
                compound = ind.shape == "compound"
                ind.baseline_year = 2015
                if not compound:
                    ind.baseline_value = round(target.value * 0.7, 2)
                for i, year in enumerate(YEARS):
                    share = i / (2030 - 2015) * rng.uniform(0.6, 1.3)
                    value = target.value * share if compound else target.value * (0.7 + 0.3 * share)
                    values.append({"indicator_id": ind.id, "period": str(year), "period_key": year * 100 + 12,
                                   "value": round(value, 3), "unit": ind.unit, "source": MARK, "note": MARK,
                                   "status": "accepted", "updated_by": MARK})
            session.execute(insert(Observation), values)
    accounts.create_user(db, username="office", password=PASSWORD, role="office")
    with db.transaction() as session:
        county = session.scalar(select(PlanRecord.region_id).order_by(PlanRecord.id).limit(1))
    accounts.create_user(db, username=COUNTY_OFFICE, password=PASSWORD, role="office", region_id=county)
    db.dispose()
    return names


def _timed(fn: Any, repeat: int = 5) -> float:
    """Median wall time (ms) of ``repeat`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def in_process(url: str, province: str, county_plan: int) -> tuple[float, float]:
    """(roll-up page ms, one county's overview page ms) through the ASGI app, no network."""
    from fastapi.testclient import TestClient

    from tanfeng.db.session import Database
    from tanfeng.web import WebSettings, create_app

    db = Database(url)
    app = create_app(WebSettings(mode="development", secret_key=bench_web.SECRET), db)
    client = TestClient(app)
    assert client.post("/api/v1/session", json={"username": "office", "password": PASSWORD}).status_code == 200

    def rollup() -> None:
        response = client.get(f"/rollup?region={province}")
        assert response.status_code == 200 and "data-region" in response.text

    def overview() -> None:
        app.state.overview_cache.clear()  # the overview uncached, like the roll-up
        assert client.get(f"/?plan={county_plan}").status_code == 200

    result = _timed(rollup), _timed(overview)
    db.dispose()
    return result


def cli(url: str, *args: str) -> float:
    tanfeng = str(Path(sys.executable).parent / "tanfeng")

    def run() -> None:
        subprocess.run([tanfeng, "status", *args, "--db", url], check=True, capture_output=True)

    return _timed(run, repeat=3)


def load(url: str, plan_id: int, args: argparse.Namespace) -> dict[str, tuple[float, float, float | None]]:
    """Per account: (p50, p95, server CPU ms per request or None without wrk) of one county's overview."""
    port = bench_web._free_port()
    proc = subprocess.Popen([sys.executable, bench_web.__file__, "--serve", url, "--port", str(port),
                             "--workers", "1"])
    out: dict[str, tuple[float, float, float | None]] = {}
    try:
        bench_web._wait(port, proc)
        base = f"http://127.0.0.1:{port}"
        path = f"/?plan={plan_id}"
        for username, _ in ACCOUNTS:
            cookies = asyncio.run(bench_web._login(base, PASSWORD, username))
            asyncio.run(bench_web._load(base, path, cookies, 5, 50))
            if shutil.which("wrk"):
                _, p50, p95, _ = bench_web._wrk(base, path, cookies, args.clients, args.seconds)
                cpu = bench_web.cpu_per_request(proc.pid, base + path, args.cpu_seconds, cookies)
                out[username] = (p50, p95, cpu)
                continue
            lat = sorted(asyncio.run(bench_web._load(base, path, cookies, args.clients, args.requests)))
            out[username] = (statistics.median(lat) * 1000, lat[int(0.95 * (len(lat) - 1))] * 1000, None)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def first_plan(url: str) -> int:
    from sqlalchemy import func, select

    from tanfeng.db.models import PlanRecord
    from tanfeng.db.session import Database

    db = Database(url)
    with db.transaction() as session:
        plan_id = int(session.scalar(select(func.min(PlanRecord.id))) or 0)
    db.dispose()
    return plan_id


def run(label: str, url: str, single_url: str, args: argparse.Namespace) -> None:
    province, plans = _county_plans(args.counties)
    start = time.perf_counter()
    counties = populate(url, plans)
    populate(single_url, plans[:1])
    print(f"{label}: {len(counties)} counties of {province} × {INDICATORS} indicators × {len(YEARS)} years "
          f"({MARK}), built in {time.perf_counter() - start:.0f} s", flush=True)
    plan_id, single_plan = first_plan(url), first_plan(single_url)
    rollup_ms, overview_ms = in_process(url, province, plan_id)
    print(f"{label:<10} roll-up page ({len(counties)} counties)   {rollup_ms:8.1f} ms   "
          f"single county overview page {overview_ms:8.1f} ms", flush=True)
    children = cli(url, "--region", province, "--children")
    one = cli(url, "--region", counties[0])
    print(f"{label:<10} status --children ({len(counties)})      {children:8.1f} ms   "
          f"status --region {counties[0]} {one:8.1f} ms", flush=True)
    if args.load:
        many, single = load(url, plan_id, args), load(single_url, single_plan, args)

        def cpu(value: float | None) -> str:
            return "" if value is None else f" CPU {value:5.2f} ms/request"

        for username, who in ACCOUNTS:
            (p50, p95, c), (s50, s95, sc) = many[username], single[username]
            print(f"{label:<10} county overview ({who}), {args.clients} clients: p50 {p50:6.1f} ms p95 {p95:6.1f} ms"
                  f"{cpu(c)} ({len(counties)} counties stored)   one county stored: p50 {s50:6.1f} ms "
                  f"p95 {s95:6.1f} ms{cpu(sc)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--cpu-seconds", type=int, default=5, help="duration of each CPU-per-request run (wrk)")
    parser.add_argument("--requests", type=int, default=1000, help="requests per run of the Python client")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL (throwaway databases)")
    parser.add_argument("--no-load", dest="load", action="store_false", help="skip the concurrent-client runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{Path(tmp) / 'many.db'}", f"sqlite:///{Path(tmp) / 'one.db'}", args)
    if args.postgres:
        from sqlalchemy import create_engine, text

        names = [f"tanfeng_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
        admin = create_engine(bench_web.PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        base = bench_web.PG_ADMIN.rsplit("/", 1)[0]
        try:
            run("PostgreSQL", f"{base}/{names[0]}", f"{base}/{names[1]}", args)
        finally:
            with admin.connect() as conn:
                for name in names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
