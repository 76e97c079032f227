"""Plan store timings: importing the reference plan, and ``status`` over a large synthetic store.

Run:  .venv/bin/python benchmarks/bench_store.py [--plans 100] [--targets 50] [--years 10] [--repeat 5]
      [--postgres]   (also run against a throwaway database on 127.0.0.1:5432)

1. Import of the bundled reference plan (上犹县) into a fresh migrated database: reading the
   file (the reader) and storing it (our part) are timed separately, median of --repeat.
2. ``compute_status`` over --plans plans × --targets targets × --years yearly observations
   (示例数据: synthetic plans and values generated here, not real figures), median of --repeat.
   Baseline in the same run: a plain ``SELECT`` of every observation row through SQLAlchemy
   Core — the floor of any status query that looks at all values; the ratio is what the
   grouping, unit conversion, trajectories and warnings add.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from tanfeng.db.migrate import upgrade
from tanfeng.db.models import Indicator, Observation
from tanfeng.db.session import Database
from tanfeng.plans import example_plan_path, read
from tanfeng.plans.model import Plan
from tanfeng.services.plan_import import import_plan
from tanfeng.services.status import compute_status

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SHAPES = [("energy_intensity", "decrease", "%", 2020), ("forest_coverage", "level", "%", None),
          ("renewable_capacity", "level", "万千瓦", None), (None, "level", "万亩", None), (None, "level", "%", None)]


def median_time(func: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def fresh_database(backend: str) -> Iterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            upgrade(db)
            yield db
            db.dispose()
        return
    admin = Database(PG_ADMIN)
    name = f"tanfeng_bench_{uuid.uuid4().hex[:8]}"
    engine = admin.engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def synthetic_plan(n: int, targets: int) -> Plan:
    """示例数据: a county plan with ``targets`` targets over 10 tasks (deterministic)."""
    tasks = [{"id": f"A1.{k}", "action": "A1", "title": f"示例任务{k}", "text": "示例数据",
              "lead": "县发改委", "units": ["县发改委", "县住建局", "市场监督局"][: 1 + k % 3]} for k in range(1, 11)]
    items = []
    for j in range(targets):
        code, change, unit, base = SHAPES[j % len(SHAPES)]
        items.append({"id": f"T{j + 1}", "indicator": f"示例指标{j + 1}", "code": code if j < len(SHAPES) else None,
                      "change": change, "value": 10.0 + j, "unit": unit, "year": 2030, "baseline_year": base,
                      "task_id": f"A1.{1 + j % 10}", "sentence": "示例数据"})
    body = {"meta": {"title": f"示例{n}县碳达峰实施方案", "region": {"name": f"示例{n}县", "level": "county"},
                     "date": "2022-06-01"},
            "actions": [{"id": "A1", "name": "示例行动"}], "tasks": tasks, "targets": items}
    digest = hashlib.sha256(repr(body).encode()).hexdigest()
    return Plan.model_validate({**body, "source": {"path": f"bench-{n}.json", "sha256": digest, "format": "txt"}})


def seed(db: Database, plans: int, targets: int, years: int) -> int:
    for n in range(plans):
        import_plan(db, synthetic_plan(n, targets), actor="bench")
    with db.transaction() as session:
        ids = session.scalars(select(Indicator.id).order_by(Indicator.id)).all()
        rows = [{"indicator_id": i, "period": str(2020 + y), "period_key": (2020 + y) * 100 + 12,
                 "value": 1.0 + y + (i % 7) * 0.1, "unit": None, "status": "submitted", "updated_by": "bench"}
                for i in ids for y in range(1, years + 1)]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Observation), rows[start:start + 5000])
    return len(rows)


def bench_backend(backend: str, args: argparse.Namespace) -> None:
    path = example_plan_path()
    read_s = median_time(lambda: read(path), args.repeat)
    plan = read(path)
    store_times = []
    for _ in range(args.repeat):
        with fresh_database(backend) as db:
            start = time.perf_counter()
            import_plan(db, plan, actor="bench")
            store_times.append(time.perf_counter() - start)
    print(f"[{backend}] reference plan ({len(plan.tasks)} tasks, {len(plan.targets)} targets): "
          f"read {read_s * 1000:.0f} ms, store {statistics.median(store_times) * 1000:.0f} ms (median of {args.repeat})")

    with fresh_database(backend) as db:
        start = time.perf_counter()
        n_obs = seed(db, args.plans, args.targets, args.years)
        seed_s = time.perf_counter() - start
        status_s = median_time(lambda: compute_status(db), args.repeat)
        rows = compute_status(db)

        def scan() -> None:
            with db.engine.connect() as conn:
                conn.execute(select(Observation.indicator_id, Observation.period, Observation.value)).all()

        floor_s = median_time(scan, args.repeat)
        print(f"[{backend}] seeded {args.plans} plans × {args.targets} targets, {n_obs} observations "
              f"in {seed_s:.1f} s")
        print(f"[{backend}] status over {len(rows)} targets: {status_s * 1000:.0f} ms (median of {args.repeat}); "
              f"baseline full scan of observations {floor_s * 1000:.0f} ms; ratio {status_s / floor_s:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--targets", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also run against PostgreSQL on 127.0.0.1:5432")
    args = parser.parse_args()
    for backend in ["sqlite", "postgresql"] if args.postgres else ["sqlite"]:
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
