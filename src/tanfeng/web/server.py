"""How the workspace is served: the options every uvicorn start uses (``tanfeng serve``, the benchmarks, tests)."""

from __future__ import annotations

from typing import Any

# The standard library's event loop, not uvloop: under 50 keep-alive clients on one worker uvloop served some
# connections late (public page p99 0.8 s, max 1.3 s; the stdlib loop 93 / 154 ms at the same throughput, measured
# with benchmarks/bench_consultation.py). httptools is kept: the C HTTP parser costs far less per request than h11.
SERVER_OPTIONS: dict[str, Any] = {"loop": "asyncio", "http": "httptools", "log_level": "warning",
                                  "access_log": False}
