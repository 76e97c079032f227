"""Page latency under heavy uploads: p95 of page requests from N clients, with and without a 3 MB plan
preview and a 5 MB template upload running at the same time (the same server, the same run).

The server is ``tanfeng serve`` (one uvicorn worker, the demo database on SQLite) in its own process.
Phase 1: N closed-loop clients request pages (overview, plan, matrix, review, a static file) for a
fixed time. Phase 2: the same, while two more clients keep posting a 3 MB plan (.txt, the bundled
example plan's text repeated; read by the plan reader) to /api/v1/plans/preview and a 5 MB filled
template (the demo unit's template with 15,000 extra rows of random notes) to /api/v1/uploads.
Before issue 11 the event loop parsed these: a static file waited seconds.

    .venv/bin/python benchmarks/bench_web_load.py [--clients 50] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench_web import _free_port, _wait

SECRET = "benchmark-secret-key-0123456789abcdef0123456789"
PAGES = ("/", "/plan", "/matrix", "/review", "/static/app.css")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _files(work: Path, db_path: Path) -> tuple[bytes, bytes, str]:
    """(3 MB plan text, 5 MB template, the office password) for a fresh demo database."""
    from openpyxl import load_workbook

    from tanfeng.db.session import Database
    from tanfeng.plans import example_plan_path
    from tanfeng.services.demo import build_demo
    from tanfeng.services.templates import IND_SHEET, write_template
    from tanfeng.services.workspace import list_units

    result = build_demo(db_path)
    text = example_plan_path().read_text(encoding="utf-8")
    plan = (text * (3 * 1024 * 1024 // len(text.encode()) + 1)).encode()[: 3 * 1024 * 1024]
    plan = plan.decode("utf-8", errors="ignore").encode()
    db = Database(result.url)
    _uid, unit, region = list_units(db)[0]  # the demo holds several regions: the unit's own
    path = work / "template.xlsx"
    write_template(db, unit=unit, period=result.open_period, path=path, region=region)
    db.dispose()
    wb = load_workbook(path)
    ws = wb[IND_SHEET]
    rng = random.Random(11)
    first = [c.value for c in ws[2]] if ws.max_row >= 2 else [None] * ws.max_column
    note_col = next(i for i, c in enumerate(ws[1]) if str(c.value).startswith("备注"))
    while path.stat().st_size < 5 * 1024 * 1024:
        for _ in range(3000):
            row = list(first)
            row[note_col] = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(110))
            ws.append(row)
        wb.save(path)
    password = next(a.password for a in result.accounts if a.username == "office")
    return plan, path.read_bytes(), password


async def _session(base: str, password: str) -> tuple[httpx.Cookies, str]:
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post("/api/v1/session", json={"username": "office", "password": password})
        response.raise_for_status()
        return client.cookies, response.json()["csrf_token"]


async def _pages(client: httpx.AsyncClient, until: float, latencies: list[float]) -> None:
    i = random.randrange(len(PAGES))
    while time.perf_counter() < until:
        path = PAGES[i % len(PAGES)]
        i += 1
        start = time.perf_counter()
        try:
            response = await client.get(path)
        except httpx.HTTPError as err:
            raise RuntimeError(f"{path}: {type(err).__name__} after {time.perf_counter() - start:.1f} s") from err
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")


async def _heavy(client: httpx.AsyncClient, until: float, url: str, name: str, data: bytes, kind: str,
                 done: list[tuple[float, int]]) -> None:
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            response = await client.post(url, files={"file": (name, data, kind)})
        except httpx.HTTPError as err:
            raise RuntimeError(f"{url}: {type(err).__name__} after {time.perf_counter() - start:.1f} s") from err
        done.append((time.perf_counter() - start, response.status_code))


async def _phase(base: str, cookies: httpx.Cookies, token: str, clients: int, seconds: float,
                 uploads: tuple[bytes, bytes] | None) -> tuple[list[float], list[tuple[float, int]],
                                                               list[tuple[float, int]]]:
    # keep-alive shorter than the server's 5 s: never reuse a connection the server is closing
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4, keepalive_expiry=2.0)
    latencies: list[float] = []
    previews: list[tuple[float, int]] = []
    templates: list[tuple[float, int]] = []
    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=120,
                                 headers={"X-CSRF-Token": token}) as client:
        until = time.perf_counter() + seconds
        jobs = [_pages(client, until, latencies) for _ in range(clients)]
        if uploads:
            plan, template = uploads
            jobs += [_heavy(client, until, "/api/v1/plans/preview", "方案.txt", plan, "text/plain", previews),
                     _heavy(client, until, "/api/v1/uploads", "填报.xlsx", template, XLSX, templates)]
        await asyncio.gather(*jobs)
    return latencies, previews, templates


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db_path = work / "demo.db"
        plan, template, password = _files(work, db_path)
        port = _free_port()
        tanfeng = Path(sys.executable).parent / "tanfeng"
        env = dict(os.environ, TANFENG_SECRET_KEY=SECRET, TANFENG_MODE="production")
        proc = subprocess.Popen([str(tanfeng), "serve", "--db", str(db_path), "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL)
        try:
            _wait(port, proc)
            base = f"http://127.0.0.1:{port}"
            cookies, token = asyncio.run(_session(base, password))
            asyncio.run(_phase(base, cookies, token, args.clients, 2.0, None))  # warm-up
            quiet, _, _ = asyncio.run(_phase(base, cookies, token, args.clients, args.seconds, None))
            busy, previews, templates = asyncio.run(_phase(base, cookies, token, args.clients, args.seconds,
                                                           (plan, template)))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"{args.clients} clients, {args.seconds:.0f} s per phase, pages {', '.join(PAGES)} (one uvicorn worker, SQLite)")
    print(f"  pages alone:            {len(quiet):6d} requests  p50 {_p(quiet, 50):7.1f} ms  p95 {_p(quiet, 95):7.1f} ms")
    print(f"  pages during uploads:   {len(busy):6d} requests  p50 {_p(busy, 50):7.1f} ms  p95 {_p(busy, 95):7.1f} ms")
    for label, runs, size in (("3 MB plan preview", previews, len(plan)), ("5 MB template upload", templates,
                                                                          len(template))):
        codes = sorted({c for _, c in runs})
        mean = statistics.mean(t for t, _ in runs) if runs else float("nan")
        print(f"  {label:<22} {len(runs):3d} done, mean {mean:5.2f} s, HTTP {codes} ({size / 1024 / 1024:.1f} MB)")
    print(f"p95 ratio (during / alone): {_p(busy, 95) / _p(quiet, 95):.2f}  (aim <= 2)")


if __name__ == "__main__":
    main()
