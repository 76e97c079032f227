"""The office's review page with many accepted values (示例数据): one page with its context vs the whole list.

Run:  .venv/bin/python benchmarks/bench_review.py [--values 5000] [--repeat 7] [--postgres]

Builds the demo database (示例数据), adds accepted monthly values (示例数据) until the plan holds
--values of them, each with a supporting document on every tenth, then times in process
(median of --repeat; TestClient, logged in as the office):

* baseline: ``list_observations(status="accepted")`` — reading the whole list, as the page did before;
* ``GET /review?status=accepted`` — page 1 (50 rows) with previous, expected, source, note, documents;
* the same page deep in the list (the last page) and a filtered page (one unit).

It prints each time, its ratio to the baseline, and the page's HTML size.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

MARK = "示例数据"


def _median(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fill(db: Any, total: int) -> tuple[int, int]:
    """Accepted monthly values (示例数据) on the demo plan's indicators; returns (values, documents)."""
    from sqlalchemy import func, select

    from tanfeng.db.attachment_models import Attachment
    from tanfeng.db.models import Observation, ObservationRevision
    from tanfeng.services.queries import current_versions
    from tanfeng.services.tracked import load_tracked

    with db.write() as session:
        plan_id = current_versions(session)[0].plan.id
        tracked = [t for t in load_tracked(session, plan_ids=[plan_id]) if t.units]
        have = session.scalar(select(func.count()).select_from(Observation)) or 0
        seen: set[tuple[int, str]] = set(session.execute(select(Observation.indicator_id, Observation.period)).all())
        documents, n = 0, 0
        for year in range(2000, 2100):
            for month in range(1, 13):
                for item in tracked:
                    if have + n >= total:
                        return have + n, documents
                    period = f"{year}M{month:02d}"
                    if (item.indicator.id, period) in seen:
                        continue
                    seen.add((item.indicator.id, period))
                    obs = Observation(indicator_id=item.indicator.id, period=period, period_key=year * 100 + month,
                                      value=10 + month / 10, unit=item.indicator.unit, reporter_unit_id=item.units[0][0],
                                      source=MARK, note=MARK, status="accepted", updated_by="bench")
                    session.add(obs)
                    session.flush()
                    session.add(ObservationRevision(observation_id=obs.id, seq=1, actor="bench", action="create",
                                                    new_value=obs.value, new_status="accepted"))
                    if n % 10 == 0:
                        sha = hashlib.sha256(f"{obs.id}".encode()).hexdigest()
                        session.add(Attachment(subject=f"value:{item.indicator.id}:{period}", plan_id=plan_id,
                                               unit_id=item.units[0][0], indicator_id=item.indicator.id, period=period,
                                               filename=f"佐证{n}.pdf", size=1000, sha256=sha, kind="pdf",
                                               content_type="application/pdf", uploaded_by="bench"))
                        documents += 1
                    n += 1
    return have + n, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--values", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database (127.0.0.1:5432)")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from tanfeng.db.session import Database
    from tanfeng.services.demo import build_demo, populate_demo
    from tanfeng.services.review import list_observations
    from tanfeng.web import WebSettings, create_app

    tmp = Path(tempfile.mkdtemp(prefix="bench-review-"))
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if args.postgres:
        import uuid

        from sqlalchemy import text

        from tanfeng.db.migrate import upgrade

        admin = Database("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        name = f"bench_review_{uuid.uuid4().hex[:8]}"
        with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        db = Database(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        upgrade(db)
        demo = populate_demo(db)

        def cleanup() -> None:
            db.dispose()
            with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        demo = build_demo(tmp / "demo.db")
        db = Database(demo.url)
    try:
        values, documents = _fill(db, args.values)
        accepted = len(list_observations(db, status="accepted"))
        app = create_app(WebSettings(mode="demo", secret_key="bench-secret-key-long-enough-0123456789abcdef",
                                     attachments_dir=tmp / "documents"), db)
        client = TestClient(app)
        password = next(a.password for a in demo.accounts if a.username == "office")
        assert client.post("/api/v1/session", json={"username": "office", "password": password}).status_code == 200
        first = client.get("/review?status=accepted")
        pages = max(1, -(-accepted // 50))
        unit = re.findall(r'<option value="(\d+)"', first.text.split('id="filter-unit"')[1])[0]
        baseline = _median(lambda: list_observations(db, status="accepted"), args.repeat)
        rows = [("baseline: list_observations(accepted), the whole list", baseline, None),
                ("GET /review?status=accepted (page 1 of 50, with context)",
                 _median(lambda: client.get("/review?status=accepted"), args.repeat), len(first.content)),
                (f"GET /review?status=accepted&page={pages} (the last page)",
                 _median(lambda: client.get(f"/review?status=accepted&page={pages}"), args.repeat), None),
                ("GET /review?status=accepted&unit=… (one unit)",
                 _median(lambda: client.get(f"/review?status=accepted&unit={unit}"), args.repeat), None)]
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{backend}: {values} values ({accepted} accepted), {documents} documents; median of {args.repeat}")
        for label, seconds, size in rows:
            extra = f", {size / 1024:.0f} KB HTML" if size else ""
            print(f"  {label}: {seconds * 1000:.0f} ms ({seconds / baseline:.2f}× baseline{extra})")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
