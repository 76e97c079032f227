"""Load benchmark of the web workspace on loopback: overview p50/p95 with N concurrent clients.

The server (uvicorn, the demo database) runs in its own process. The load comes from ``wrk`` (Debian
package; N connections, closed loop, a fixed duration) when installed — it is far lighter than a Python
client, which matters on a 2-core machine — else from a bounded asyncio client keeping N requests in
flight for a fixed number of requests (``--client python`` forces it). Baseline in the same run: /api/v1/me (session check and one account lookup, no
plan data). SQLite always; PostgreSQL with --postgres (a throwaway database on 127.0.0.1:5432, dropped after).

    .venv/bin/python benchmarks/bench_web.py [--clients 50] [--requests 1000] [--seconds 10] [--workers 1]
        [--client wrk|python] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET = "benchmark-secret-key-0123456789abcdef0123"


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A new empty database on 127.0.0.1:5432 for one benchmark run, dropped after it."""
    from sqlalchemy import create_engine, text

    name = f"tanfeng_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, port: int, workers: int) -> None:
    """Child process: serve ``url`` (already populated) on 127.0.0.1:port."""
    import uvicorn

    from tanfeng.web.server import SERVER_OPTIONS

    os.environ["TANFENG_DATABASE_URL"] = url
    os.environ["TANFENG_SECRET_KEY"] = SECRET
    os.environ["TANFENG_MODE"] = "demo"
    uvicorn.run("tanfeng.web.app:create_app", factory=True, host="127.0.0.1", port=port, workers=workers,
                **SERVER_OPTIONS)


def populate(url: str) -> str:
    """Build the demo data in ``url``; returns the office password."""
    from tanfeng.db.migrate import upgrade
    from tanfeng.db.session import Database
    from tanfeng.services.demo import populate_demo

    db = Database(url)
    upgrade(db)
    result = populate_demo(db)
    db.dispose()
    return next(a.password for a in result.accounts if a.username == "office")


async def _login(base: str, password: str, username: str = "office") -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=base) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        response = await client.post("/login", data={"username": username, "password": password,
                                                     "csrf_token": token.group(1)})
        assert response.status_code == 303, response.text
        return client.cookies


async def _load(base: str, path: str, cookies: httpx.Cookies, clients: int, total: int) -> list[float]:
    latencies: list[float] = []
    remaining = total
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=60) as client:
        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code}")

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def _wrk(base: str, path: str, cookies: httpx.Cookies, clients: int, seconds: int) -> tuple[int, float, float, float]:
    """(requests, p50 ms, p95 ms, req/s) from wrk; fails on any error or non-2xx answer."""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        out = subprocess.run([shutil.which("wrk") or "wrk", f"-c{clients}", "-t2", f"-d{seconds}s", "-s", script.name,
                              "-H", f"Cookie: {cookie}", base + path], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    n, micros, p50, p95, errors = line.split()[1:]
    if int(errors) or "Non-2xx" in out.stdout:
        raise RuntimeError(f"{path}: wrk saw errors\n{out.stdout}")
    return int(n), float(p50), float(p95), int(n) / (int(micros) / 1e6)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_per_request(pid: int, url: str, seconds: int = 5, cookies: httpx.Cookies | None = None) -> float:
    """The server's CPU time per request while wrk keeps four connections busy for ``seconds``."""
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    before = _cpu_seconds(pid)
    out = subprocess.run(["wrk", "-t1", "-c4", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url], capture_output=True,
                         text=True, check=True)
    used = _cpu_seconds(pid) - before
    requests = int(next(line for line in out.stdout.splitlines() if "requests in" in line).split()[0])
    return 1000 * used / max(requests, 1)


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def timed(base: str, path: str, cookies: httpx.Cookies, args: argparse.Namespace) -> str:
    """One path under ``args.clients`` clients (wrk when installed, else the Python client): a result line."""
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    if use_wrk:
        n, p50, p95, rate = _wrk(base, path, cookies, args.clients, args.seconds)
    else:
        start = time.perf_counter()
        lat = sorted(asyncio.run(_load(base, path, cookies, args.clients, args.requests)))
        n, rate = len(lat), len(lat) / (time.perf_counter() - start)
        p50, p95 = statistics.median(lat) * 1000, lat[int(0.95 * (len(lat) - 1))] * 1000
    return (f"{'wrk' if use_wrk else 'python'} clients={args.clients} n={n} "
            f"p50={p50:7.1f} ms p95={p95:7.1f} ms  {rate:6.0f} req/s")


def measure(label: str, url: str, args: argparse.Namespace) -> None:
    password = populate(url)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", url, "--port", str(port),
                             "--workers", str(args.workers)])
    try:
        _wait(port, proc)
        base = f"http://127.0.0.1:{port}"
        cookies = asyncio.run(_login(base, password))
        asyncio.run(_load(base, "/", cookies, 5, 50))  # warm-up (imports, caches, connections)
        for name, path in (("/api/v1/me (baseline)", "/api/v1/me"), ("overview", "/")):
            print(f"{label:<10} {name:<22} {timed(base, path, cookies, args)}", flush=True)
        if args.workers == 1 and shutil.which("wrk") and Path(f"/proc/{proc.pid}/stat").exists():
            for name, path in (("/api/v1/me (baseline)", "/api/v1/me"), ("overview", "/")):
                print(f"{label:<10} {name:<22} {cpu_per_request(proc.pid, base + path, cookies=cookies):6.2f} CPU "
                      "ms/request (server process, 4 connections)", flush=True)
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
    parser.add_argument("--serve")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.workers)
        return
    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.postgres:
        with throwaway_postgres() as url:
            measure("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
