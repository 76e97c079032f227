"""Load benchmark of the public comment page: /consult/<round> p50/p95 with N concurrent clients, next to the
login page's in the same run (both without a session: what an anonymous visitor gets).

The server (uvicorn, the demo database with one open public round on the reference draft) runs in its own
process; the load comes from wrk when installed, else from bench_web's bounded asyncio client. SQLite always;
PostgreSQL with --postgres (a throwaway database on 127.0.0.1:5432, dropped after).

    .venv/bin/python benchmarks/bench_consultation.py [--clients 50] [--requests 1000] [--seconds 10]
        [--workers 1] [--client wrk|python] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import httpx

from bench_web import _free_port, _load, _wait, cpu_per_request, throwaway_postgres, timed


def populate(url: str) -> int:
    """The demo data plus one open public round on its draft; returns the round's id."""
    from sqlalchemy import select

    from tanfeng.db.migrate import upgrade
    from tanfeng.db.models import PlanVersion
    from tanfeng.db.session import Database
    from tanfeng.services import consultation as cs
    from tanfeng.services.demo import populate_demo

    db = Database(url)
    upgrade(db)
    populate_demo(db)
    with db.transaction() as session:
        version_id = session.scalars(select(PlanVersion.id).where(PlanVersion.status == "draft")).first()
    assert version_id is not None, "the demo has no draft version"
    today = cs.today_cn()
    info = cs.open_round(db, cs.Actor("benchmark"), version_id=version_id, kind="public", opens_on=today,
                         closes_on=today + timedelta(days=30), channels=["web", "email", "letter"],
                         office_name="县发改委", email="fgw@example.gov.cn")
    db.dispose()
    return info.id


def measure(label: str, url: str, args: argparse.Namespace) -> None:
    round_id = populate(url)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bench_web.py")), "--serve", url,
                             "--port", str(port), "--workers", str(args.workers)])
    try:
        _wait(port, proc)
        base, cookies = f"http://127.0.0.1:{port}", httpx.Cookies()
        page = f"/consult/{round_id}"
        asyncio.run(_load(base, page, cookies, 5, 50))  # warm-up (imports, the round's cache, connections)
        size = len(httpx.get(base + page).content)
        for name, path in (("/login (baseline)", "/login"), (f"public page ({size // 1024} KB)", page)):
            print(f"{label:<10} {name:<24} {timed(base, path, cookies, args)}", flush=True)
        if args.workers == 1 and shutil.which("wrk") and Path(f"/proc/{proc.pid}/stat").exists():
            for name, path in (("/login (baseline)", "/login"), ("public page", page)):
                print(f"{label:<10} {name:<24} {cpu_per_request(proc.pid, base + path):6.2f} CPU ms/request "
                      "(server process, 4 connections: a figure that depends little on other load)", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.postgres:
        with throwaway_postgres() as url:
            measure("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
