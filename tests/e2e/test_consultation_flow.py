"""A citizen comments on the draft without logging in and gets a receipt; the office disposes of it and downloads
the 意见采纳情况说明."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from docx import Document
from sqlalchemy import select

from tanfeng.db.models import PlanVersion
from tanfeng.db.session import Database
from tanfeng.services import consultation as cs
from tanfeng.services.consultation_public import parse_answer
from tanfeng.services.demo import DemoResult

from .conftest import ARTIFACTS


def _answer(question: str) -> str:
    body = question.strip().removesuffix("等于几？")
    op = "加" if "加" in body else "减"
    a, b = (parse_answer(x) for x in body.split(op))
    assert a is not None and b is not None
    return str(a + b if op == "加" else a - b)


def test_citizen_comments_office_disposes_and_downloads(browser: Any, server: str, demo: DemoResult) -> None:
    db = Database(demo.url)
    with db.transaction() as session:
        version_id = session.scalars(select(PlanVersion.id).where(PlanVersion.status == "draft")).first()
    assert version_id is not None
    today = cs.today_cn()
    info = cs.open_round(db, cs.Actor("office"), version_id=version_id, kind="public", opens_on=today,
                         closes_on=today + timedelta(days=30), channels=["web", "email"], office_name="县发改委",
                         email="fgw@example.gov.cn")
    db.dispose()

    context = browser.new_context(locale="zh-CN", java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/consult")
    page.click(f"a[href='/consult/{info.id}']")
    page.click("#t-A1\\.1 details summary")
    page.fill("textarea[name='c.A1.1']", "建议明确屋顶分布式光伏的年度建设规模")
    page.fill("input[name=contact]", "e2e-citizen@example.cn")
    page.fill("input[name=answer]", _answer(page.text_content("#question") or ""))
    page.click("#submit-comments")
    receipt = (page.text_content("#receipts td.receipt") or "").strip()
    assert receipt == f"YJ{info.id}-0001"
    assert "e2e-citizen@example.cn" not in page.content()
    context.close()

    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", next(a.password for a in demo.accounts if a.username == "office"))
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    page.click("nav a[href='/consultation']")
    page.click(f"#rounds a[href='/consultation/{info.id}']")
    page.click(f"#comments tr[data-receipt='{receipt}'] a")
    page.check("#form-dispose input[value=partly]")
    page.fill("#form-dispose textarea[name=reason]", "已在任务中补充年度安排")
    page.click("#form-dispose button[type=submit]")
    assert page.text_content("#disposition") == "部分采纳"
    page.goto(f"{server}/consultation/{info.id}")
    with page.expect_download() as download_info:
        page.click("#report-docx")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx") and "意见采纳情况说明" in download.suggested_filename
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "consultation-adoption.docx"
    download.save_as(str(path))
    doc = Document(io.BytesIO(path.read_bytes()))
    row = next(r for t in doc.tables for r in t.rows if receipt in r.cells[1].text)
    assert "部分采纳" in [c.text for c in row.cells] and "已在任务中补充年度安排" in [c.text for c in row.cells]
    assert "e2e-citizen@example.cn" not in "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    context.close()
