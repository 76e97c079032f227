"""Every page the app serves, at 1366 px and 390 px, as the office, a unit and a logged-out visitor:
a screenshot of each into tests/artifacts/screens/ (looked at by people; not committed), and no page
may scroll sideways at 390 px (wide tables scroll inside their own box)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from live_server import running
from route_walk import get_paths
from tanfeng.db.enterprise_models import Enterprise, Project
from tanfeng.db.models import PlanVersion
from tanfeng.db.session import Database
from tanfeng.services import consultation as cs
from tanfeng.services.demo import DemoResult, build_demo
from tanfeng.services.status import compute_status
from tanfeng.web import WebSettings, create_app

from .browser import log_in as _login
from .conftest import ARTIFACTS

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
SCREENS = ARTIFACTS / "screens"
# Routes that answer a file, switch the language or serve assets: not pages.
NOT_PAGES = re.compile(r"\.(xlsx|docx|csv|js|\{fmt\})$|^/lang/|^/static|/file$")


def page_routes(app: FastAPI) -> list[str]:
    """The GET paths of the app's HTML pages (path parameters still in braces)."""
    return [p for p in get_paths(app) if not p.startswith("/api/") and not NOT_PAGES.search(p)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoResult, list[str]]]:
    """The demo database with a consultation round and a comment, served; and the concrete page list."""
    demo = build_demo(tmp_path_factory.mktemp("screens") / "demo.db")
    db = Database(demo.url)
    with db.transaction() as session:
        version_id = session.scalars(select(PlanVersion.id).where(PlanVersion.status == "draft")).first()
    assert version_id is not None
    today = cs.today_cn()
    round_info = cs.open_round(db, cs.Actor("office"), version_id=version_id, kind="public", opens_on=today,
                               closes_on=today + timedelta(days=30), channels=["web", "email"],
                               office_name="县发改委（示例）", email="fgw@example.gov.cn")
    comment = cs.add_comment(db, cs.Actor("office"), round_info.id, channel="email", received_on=today,
                             text="建议明确屋顶分布式光伏的年度建设规模（示例数据）", name="示例用户")
    indicator = compute_status(db)[0].indicator_id
    app = create_app(WebSettings(mode="demo", secret_key="e2e-secret-key-long-enough-0123456789abcdef"), db)
    with db.transaction() as session:  # the demo's first enterprise and project (示例数据)
        enterprise = session.scalars(select(Enterprise.id).order_by(Enterprise.id)).first()
        project = session.scalars(select(Project.id).order_by(Project.id)).first()
    assert enterprise is not None and project is not None
    values = {"indicator_id": indicator, "round_id": round_info.id, "comment_id": comment.id,
              "enterprise_id": enterprise, "project_id": project}
    queries = {"/attachments": f"?indicator_id={indicator}&period={today.year - 1}"}  # pages that need a query
    paths = []
    for path in page_routes(app):
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        assert "{" not in path, f"no value for the page {path}: add one to the fixture"
        paths.append(path + queries.get(path, ""))
    paths.append("/no-such-page")  # the 404 page is a page too
    with running(app) as port:
        yield f"http://127.0.0.1:{port}", demo, paths
    db.dispose()



def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "overview"


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def _shoot(page: Any, path: Path) -> None:
    if page.query_selector("figure.chart .plot"):
        page.wait_for_selector("figure.chart .main-svg", timeout=15_000)  # Plotly drew the charts
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize(("who", "lang"), [("office", "zh"), ("unit-a", "zh"), (None, "zh"), ("office", "en")])
def test_every_page_at_desktop_and_phone_width(browser: Any, site: tuple[str, DemoResult, list[str]],
                                               who: str | None, lang: str) -> None:
    server, demo, paths = site
    SCREENS.mkdir(parents=True, exist_ok=True)
    role = (who or "public") + ("-en" if lang == "en" else "")
    widths = WIDTHS if lang == "zh" else {"phone": WIDTHS["phone"]}  # English words are longer: the narrow case
    if who is None:  # a visitor sees the login and the public consultation pages only
        paths = ["/login", *[p for p in paths if p == "/consult" or p.startswith("/consult/")], "/no-such-page"]
    overflowing, shown = [], 0
    for kind, (width, height) in widths.items():
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        page = context.new_page()
        if who is not None:
            _login(page, server, demo, who)
        if lang == "en":
            page.goto(f"{server}/lang/en?next=/")
        for path in paths:
            response = page.goto(f"{server}{path}")
            assert response is not None and response.status in (200, 403, 404), (role, path, response and response.status)
            if response.status == 403 and kind == "desktop":
                assert page.query_selector("header.top nav"), (role, path)  # a refusal keeps the menu
            _shoot(page, SCREENS / f"{role}-{kind}-{_slug(path)}.png")
            shown += 1
            if kind == "phone" and _overflow(page) > width + 1:
                overflowing.append((path, _overflow(page)))
        if kind == "phone" and who is not None:  # the folded menu, opened without any script
            page.goto(f"{server}/")
            assert not page.is_visible("#main-menu")
            page.click("label.menu-button")
            assert not page.is_visible("#main-menu a[href^='/matrix']")  # groups fold too
            page.click("#main-menu details[data-group=plans] summary")
            assert page.is_visible("#main-menu a[href^='/matrix']")
            page.screenshot(path=str(SCREENS / f"{role}-{kind}-menu-open.png"))
        context.close()
    assert not overflowing, f"{role}: pages wider than 390 px: {overflowing}"
    assert shown >= len(widths) * len(paths)


def test_the_annual_report_shows_it_is_working(browser: Any, site: tuple[str, DemoResult, list[str]]) -> None:
    """Generating the report (about 2 s) shows a busy note until the file has arrived; then the form is free."""
    server, demo, _paths = site
    context = browser.new_context(locale="zh-CN", accept_downloads=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, server, demo, "office")
    with page.expect_download(timeout=60_000) as download:
        page.click("#annual-report")
        page.wait_for_selector("form.report-form .busy-note", timeout=5_000)
        assert page.is_disabled("#annual-report")
        assert page.text_content("form.report-form .busy-note") == "正在处理，请稍候…"
        page.screenshot(path=str(SCREENS / "office-phone-report-busy.png"))
    assert download.value.suggested_filename.endswith(".docx")
    page.wait_for_selector("form.report-form .busy-note", state="detached", timeout=10_000)
    assert not page.is_disabled("#annual-report")
    context.close()
