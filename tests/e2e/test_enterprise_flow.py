"""The 两高 project list in the browser: the office of a county imports the enterprise list and the project
list on the import page and sees each project's 分类处置 (and the 拟建 line flagged at entry); the project
page draws the line's position between 标杆 and 基准; an enterprise account is refused another's page.

Runs on its own database: two counties (示例数据, built in code), files written with the real templates.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from integration.enterprise_helpers import COUNTY_A, USCC_B, two_counties, write_enterprises, write_projects
from live_server import running
from tanfeng.db.enterprise_models import Enterprise
from tanfeng.db.migrate import upgrade
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.regions import find_region_id
from tanfeng.web import WebSettings, create_app

from .conftest import ARTIFACTS

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('enterprises') / 'e.db'}")
    upgrade(db)
    two_counties(db)
    accounts.create_user(db, username="office", password=PASSWORD, role="office")
    app = create_app(WebSettings(mode="development", secret_key="e2e-secret-key-long-enough-0123456789abcdef"), db)
    with running(app) as port:
        yield f"http://127.0.0.1:{port}", db
    db.dispose()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_office_imports_projects_and_sees_the_classification(browser: Any, site: tuple[str, Database],
                                                             tmp_path: Path) -> None:
    base, db = site
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, base, "office")
    page.click("nav details[data-group=enterprises] summary")  # the menu's 企业与项目 group opens
    page.click("nav a:has-text('重点企业')")
    page.click("a:has-text('企业与项目导入')")
    page.set_input_files("#enterprise-upload input[type=file]", str(write_enterprises(tmp_path / "企业名录.xlsx")))
    page.click("#enterprise-upload button")
    page.wait_for_url(f"{base}/enterprises")
    assert page.locator("#enterprise-list tbody tr").count() == 3

    page.goto(f"{base}/enterprises/import")
    page.set_input_files("#project-upload input[type=file]", str(write_projects(tmp_path / "项目清单.xlsx")))
    page.click("#project-upload button")
    page.wait_for_url(f"{base}/projects")
    row = page.locator("#project-list tr[data-code='2024-360724-30-01-000001']")
    assert row.get_attribute("data-class") == "below_baseline" and row.get_attribute("data-entry") == "1"
    assert "限期改造或淘汰（低于基准水平）" in row.inner_text() and "准入预警" in row.inner_text()
    assert "118 kgce/t" in row.inner_text()  # entered as 0.118 tce/t
    classes = {r.get_attribute("data-code"): r.get_attribute("data-class")
               for r in page.locator("#project-list tbody tr").all()}
    assert classes == {"2024-360724-30-01-000001": "below_baseline", "2023-360724-32-03-000002": "upgrade",
                       "2022-360725-25-03-000003": "benchmark"}
    page.select_option("#project-filters select[name=klass]", "entry")
    page.click("#project-filters button")
    assert page.locator("#project-list tbody tr").count() == 1

    row = page.locator("#project-list tr[data-code='2024-360724-30-01-000001'] a")
    row.click()
    page.wait_for_selector(".bench-bar")
    bar = page.locator(".bench-bar")
    value = page.locator("#value-mark").bounding_box()
    marks = page.locator(".bench-bar .mark").all()
    benchmark_x, baseline_x = (m.bounding_box()["x"] for m in marks)
    assert benchmark_x < baseline_x < value["x"]  # drawn beyond 基准
    assert "发改产业〔2023〕723号" in page.inner_text("main") and "未核实" in page.inner_text("main")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bar.screenshot(path=str(ARTIFACTS / "project-benchmark-bar.png"))

    # the English page says the same in English
    page.goto(f"{base}/lang/en?next=/projects")
    assert "Retrofit by the deadline or exit (worse than baseline)" in page.inner_text("#project-list")

    # an enterprise account of county A reads its own enterprise; county B's answers 403
    with db.transaction() as session:
        own = session.scalar(select(Enterprise.id).where(Enterprise.region_id == find_region_id(db, COUNTY_A))
                             .order_by(Enterprise.id))
        other = session.scalar(select(Enterprise.id).where(Enterprise.uscc == USCC_B))
    accounts.create_user(db, username="ent-a", password=PASSWORD, role="enterprise", enterprise_id=own)
    ent = browser.new_context(locale="zh-CN").new_page()
    _login(ent, base, "ent-a")
    assert ent.goto(f"{base}/enterprises/{own}").status == 200
    assert ent.goto(f"{base}/enterprises/{other}").status == 403
    context.close()
