"""End-to-end fixtures: the demo database served by uvicorn on loopback, and Debian's headless Chromium.

Chromium is the system package (/usr/bin/chromium, installed by .ci/run); Playwright never downloads a
browser. In CI (CI=true) a missing browser is a failure, elsewhere the tests skip and say why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from live_server import running
from tanfeng.db.session import Database
from tanfeng.services.demo import DemoResult, build_demo
from tanfeng.web import WebSettings, create_app

CHROMIUM = Path(os.environ.get("TANFENG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
ARTIFACTS = Path(os.environ.get("TANFENG_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture(scope="module")
def server(demo: DemoResult) -> Iterator[str]:
    db = Database(demo.url)
    app = create_app(WebSettings(mode="demo", secret_key="e2e-secret-key-long-enough-0123456789abcdef"), db)
    with running(app) as port:
        yield f"http://127.0.0.1:{port}"
    db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not installed (apt-get install chromium; .ci/run does this)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()
