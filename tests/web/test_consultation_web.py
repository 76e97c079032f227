"""The consultation through the web on SQLite and PostgreSQL: the public page (rate and size limits, the
check question, a receipt), the office's entries and handling, the final version, the 说明 opened back.
"""

from __future__ import annotations

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import delete, event, func, select

from integration.conftest import db, db_url, pg_url, sqlite_template  # noqa: F401
from integration.consultation_helpers import final_plan
from tanfeng.db.consultation_models import ConsultationComment, ConsultationRound
from tanfeng.db.models import PlanVersion
from tanfeng.db.session import Database
from tanfeng.plans import example_plan_path, read
from tanfeng.services import accounts
from tanfeng.services import consultation as cs
from tanfeng.services.consultation_public import PublicLimits, parse_answer
from tanfeng.services.plan_import import import_plan
from tanfeng.services.workspace import list_units
from tanfeng.web import create_app
from tanfeng.web.routes import consultation_public as public_routes

from .conftest import PASSWORD, login, settings

CONTACTS = ("13912345678", "citizen@example.cn", "赵市民", "lisi@example.cn", "钱信函", "某街道8号")


def _answer(page: str) -> str:
    question = re.search(r'<strong id="question">(.+?)</strong>', page)
    assert question is not None
    body = question.group(1).removesuffix("等于几？")
    op = "加" if "加" in body else "减"
    a, b = (parse_answer(x) for x in body.split(op))
    assert a is not None and b is not None
    return str(a + b if op == "加" else a - b)


def _form(page: str) -> dict[str, str]:
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token is not None
    return {"token": token.group(1), "answer": _answer(page)}


@pytest.fixture
def app(db: Database) -> FastAPI:  # noqa: F811
    import_plan(db, read(example_plan_path()), actor="test")
    units = {name: uid for uid, name, _ in list_units(db)}
    for username, role, unit in (("office", "office", None), ("fgw", "unit", "县发改委"), ("viewer", "viewer", None)):
        accounts.create_user(db, username=username, password=PASSWORD, role=role,
                             unit_id=units[unit] if unit else None)
    application = create_app(settings(), db)
    application.state.consult_limits = PublicLimits(per_window=4, max_comment=300)
    return application


def _open_round(office: TestClient, db: Database) -> int:  # noqa: F811
    with db.transaction() as session:
        version_id = session.scalars(select(PlanVersion.id)).one()
    today = cs.today_cn()
    response = office.post("/consultation", data={
        "version_id": str(version_id), "kind": "public", "opens_on": (today - timedelta(days=2)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(), "channels": ["web", "email", "letter"],
        "contact_policy": "optional", "office_name": "县发改委", "email": "fgw@example.gov.cn",
        "address": "行政中心409办公室"})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_public_page_office_handling_final_and_report(app: FastAPI, db: Database) -> None:  # noqa: F811
    office = login(app, "office")
    round_id = _open_round(office, db)
    public = TestClient(app, follow_redirects=False)

    page = public.get(f"/consult/{round_id}")
    assert page.status_code == 200 and 'name="c.T5"' in page.text and 'name="c.A1.1"' in page.text
    assert 'name="c.A1"' in page.text and 'name="c.goals"' in page.text  # a box per section too
    assert "大力发展可再生能源" in page.text and "<script" not in page.text.split("<footer")[0]
    ok = public.post(f"/consult/{round_id}", data=_form(page.text) | {
        "c.T5": "建议把风电、光伏发电装机容量目标提高到60万千瓦", "c.general": "=HYPERLINK(\"http://evil\")总体支持",
        "name": CONTACTS[2], "contact": CONTACTS[0]})
    assert ok.status_code == 200, ok.text
    receipts = re.findall(r'<td class="receipt">([^<]+)</td>', ok.text)
    assert receipts == [f"YJ{round_id}-0001", f"YJ{round_id}-0002"]
    replay = public.post(f"/consult/{round_id}", data=_form(page.text) | {"c.T5": "again"})
    assert replay.status_code == 409 and "已经提交过" in replay.text  # the token is good for one submission

    page = public.get(f"/consult/{round_id}")
    too_long = public.post(f"/consult/{round_id}", data=_form(page.text) | {"c.A1.2": "长" * 301})
    assert too_long.status_code == 413 and "300" in too_long.text
    assert "长" * 301 in too_long.text  # the citizen's text comes back to be shortened, not lost
    huge = public.post(f"/consult/{round_id}", content=b"c.general=" + b"x" * 200_000,
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert huge.status_code == 413
    wrong = public.post(f"/consult/{round_id}", data=_form(page.text) | {"answer": "一百", "c.A1.2": "意见"})
    assert wrong.status_code == 400 and "回答不正确" in wrong.text
    page = public.get(f"/consult/{round_id}")
    limited = public.post(f"/consult/{round_id}", data=_form(page.text) | {"c.A1.2": "第五次提交"})
    assert limited.status_code == 429  # four attempts per window, the refused ones included
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ConsultationComment)) == 2

    email = office.post(f"/consultation/{round_id}/comments", data={
        "channel": "email", "text": "风电、光伏发电装机容量目标偏低，建议提高", "received_on": cs.today_cn().isoformat(),
        "name": "李四", "contact": CONTACTS[3]})
    letter = office.post(f"/consultation/{round_id}/comments", data={
        "channel": "letter", "text": "建议提高县城绿色出行比例", "received_on": cs.today_cn().isoformat(),
        "name": CONTACTS[4], "contact": CONTACTS[5]})
    assert email.status_code == letter.status_code == 303
    comments = {c.receipt: c for c in cs.list_comments(db, round_id)}
    assert len(comments) == 4
    by_channel = {c.channel: c for c in comments.values()}
    asked = comments[receipts[0]]

    units = {name: uid for uid, name, _ in list_units(db)}
    for step, value in (("ref", "T5"), ("assign", str(units["县发改委"]))):
        current = cs.get_comment(db, asked.id)
        assert office.post(f"/consultation/comments/{asked.id}/{step}",
                           data={"value": value, "version": str(current.version)}).status_code == 303
    department = login(app, "fgw")
    assert receipts[0] in department.get("/consultation/opinions").text
    assert department.post(f"/consultation/comments/{asked.id}/opinion", data={"value": "建议采纳"}).status_code == 303
    assert department.post(f"/consultation/comments/{by_channel['letter'].id}/opinion",
                           data={"value": "x"}).status_code == 422  # not assigned to this unit
    assert department.post(f"/consultation/comments/{asked.id}/dispose", data={"value": "adopted"}).status_code == 403
    stale = office.post(f"/consultation/comments/{asked.id}/dispose", data={"value": "adopted", "version": "1"})
    assert stale.status_code == 422 and "已被他人修改" in stale.text
    assert office.post(f"/consultation/comments/{asked.id}/dispose",
                       data={"value": "adopted", "reason": "目标调整为60万千瓦"}).status_code == 303
    assert office.post(f"/consultation/comments/{by_channel['email'].id}/merge",
                       data={"value": str(asked.id)}).status_code == 303
    assert office.post(f"/consultation/comments/{by_channel['letter'].id}/dispose",
                       data={"value": "rejected", "reason": "与市级要求一致，暂不调整"}).status_code == 303

    result = import_plan(db, final_plan(), actor="office")
    with db.transaction() as session:
        final_id = session.scalar(select(PlanVersion.id).where(PlanVersion.number == result.version))
    assert office.post(f"/consultation/{round_id}/final", data={"version_id": str(final_id)}).status_code == 303
    changes = office.get(f"/consultation/{round_id}/changes").text
    key = re.search(r'<tr data-key="(target:[^"]+)">', changes)
    assert key is not None and "50 → " not in changes and "<ins>60</ins>" in changes
    assert f">{receipts[0]}</a>" in changes.split(key.group(1), 1)[1]  # the comment that asked, next to it
    assert office.post(f"/consultation/{round_id}/links",
                       data={"comment_id": str(asked.id), "change_key": key.group(1)}).status_code == 303
    assert 'class="linked"' in office.get(f"/consultation/{round_id}/changes").text
    office.get("/lang/en")
    english = office.get(f"/consultation/{round_id}").text
    assert "Adoption statement (public)" in english and "意见采纳情况说明" not in english
    office.get("/lang/zh")

    docx = office.get(f"/consultation/{round_id}/report.docx")
    assert docx.status_code == 200
    doc = Document(io.BytesIO(docx.content))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    for receipt, comment in comments.items():
        row = next(r for r in rows if receipt in r[1])
        expected = "采纳" if comment.id in (asked.id, by_channel["email"].id) else (
            "未采纳" if comment.id == by_channel["letter"].id else "待处理")
        assert expected in row, (receipt, row)
    xlsx = office.get(f"/consultation/{round_id}/report.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)  # the =HYPERLINK comment stays text
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    assert all(any(r in str(c.value) for c in cells) for r in comments)

    internal = office.get(f"/consultation/{round_id}/report.xlsx?audience=internal")
    internal_text = " ".join(str(c.value) for ws in load_workbook(io.BytesIO(internal.content)) for row in
                             ws.iter_rows() for c in row if c.value is not None)
    assert CONTACTS[0] in internal_text and CONTACTS[3] in internal_text

    public_exports = [public.get("/consult").text, public.get(f"/consult/{round_id}").text,
                      _docx_text(public.get(f"/consult/{round_id}/notice.docx").content),
                      _docx_text(docx.content), " ".join(str(c.value) for c in cells),
                      " ".join(str(c.value) for ws in load_workbook(io.BytesIO(
                          office.get(f"/consultation/{round_id}/comparison.xlsx").content))
                               for row in ws.iter_rows() for c in row if c.value is not None)]
    viewer = login(app, "viewer")
    public_exports += [viewer.get(f"/consultation/{round_id}").text,
                       _docx_text(viewer.get(f"/consultation/{round_id}/report.docx?audience=internal").content)]
    for text in public_exports:
        assert not [c for c in CONTACTS if c in text]
    assert public.get(f"/consultation/{round_id}").status_code == 303  # the office pages need a login


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_required_contact_and_closed_round(app: FastAPI, db: Database) -> None:  # noqa: F811
    with db.transaction() as session:
        version_id = session.scalars(select(PlanVersion.id)).one()
    today = cs.today_cn()
    required = cs.open_round(db, cs.Actor("office"), version_id=version_id, kind="public", opens_on=today,
                             closes_on=today, channels=["web"], contact_policy="required")
    closed = cs.open_round(db, cs.Actor("office"), version_id=version_id, kind="public",
                           opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=1), channels=["web"])
    public = TestClient(app, follow_redirects=False)
    assert public.get("/consult/9999").status_code == 404
    assert public.post("/consult/9999", data={"c.general": "x"}).status_code == 404
    page = public.get(f"/consult/{required.id}")
    assert "姓名（必填）" in page.text  # on PostgreSQL this round id was another round in the test before
    missing = public.post(f"/consult/{required.id}", data=_form(page.text) | {"c.general": "意见"})
    assert missing.status_code == 400 and "请填写姓名和联系方式" in missing.text
    page = public.get(f"/consult/{closed.id}")
    assert 'name="c.general"' not in page.text and "不在网上受理期" in page.text
    assert f"/consult/{closed.id}\"" not in public.get("/consult").text
    office = login(app, "office")
    assert office.post(f"/consultation/{closed.id}/purge").status_code == 303
    assert office.post(f"/consultation/{required.id}/purge").status_code == 422  # still open


def test_public_page_from_memory_is_the_rendered_page(app: FastAPI, db: Database) -> None:  # noqa: F811
    """Repeat visits are served without the database, with a fresh question and token each, and every token works."""
    office = login(app, "office")
    round_id = _open_round(office, db)
    public = TestClient(app, follow_redirects=False)
    first = public.get(f"/consult/{round_id}")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    pages = [public.get(f"/consult/{round_id}") for _ in range(3)]
    event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []  # within the round's confirmation window: no query at all
    assert all(p.status_code == 200 and "set-cookie" not in p.headers for p in pages)  # no session made for them

    def slotless(text: str) -> str:
        return re.sub(r'name="token" value="[^"]+"', "", re.sub(r'<strong id="question">.+?</strong>', "", text))

    assert len({slotless(p.text) for p in [first, *pages]}) == 1  # the same page around the slots
    assert len({_form(p.text)["token"] for p in [first, *pages]}) == 4
    for n, page in enumerate(pages[:2]):
        ok = public.post(f"/consult/{round_id}", data=_form(page.text) | {"c.general": f"第{n + 1}条意见"})
        assert ok.status_code == 200, ok.text
    assert public.get("/consult/9999").status_code == 404
    english = TestClient(app, follow_redirects=False)
    english.get(f"/lang/en?next=/consult/{round_id}")
    assert 'lang="en"' in english.get(f"/consult/{round_id}").text  # the language is part of the page's key


def _statements(db: Database) -> tuple[list[str], object]:  # noqa: F811
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    return seen, count


def test_busy_public_page_reconfirms_once_and_notices_a_removed_round(app: FastAPI, db: Database,  # noqa: F811
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Past half the confirmation window one visit re-confirms the round after its answer (one query), the
    others are served from memory; a round gone from the database answers 404 once that check has run."""
    monkeypatch.setattr(public_routes, "PAGE_TTL", 2.0)
    office = login(app, "office")
    round_id = _open_round(office, db)
    public = TestClient(app, follow_redirects=False)
    assert public.get(f"/consult/{round_id}").status_code == 200  # rendered and confirmed
    time.sleep(1.1)  # past half of the window, within it
    seen, listener = _statements(db)
    first = public.get(f"/consult/{round_id}")  # answered from memory; re-confirms after sending
    after_first = list(seen)
    others = [public.get(f"/consult/{round_id}") for _ in range(3)]
    event.remove(db.engine, "before_cursor_execute", listener)
    assert first.status_code == 200 and all(o.status_code == 200 for o in others)
    assert len(after_first) == 1 and "consultation_rounds" in after_first[0]
    assert seen == after_first  # the re-confirmation renewed the window: no further query
    with db.transaction() as session:  # as after a restore of an older backup: the round is gone
        session.execute(delete(ConsultationRound).where(ConsultationRound.id == round_id))
    time.sleep(1.1)
    assert public.get(f"/consult/{round_id}").status_code == 200  # still within the window: from memory
    assert public.get(f"/consult/{round_id}").status_code == 404  # the re-confirmation found it gone


def test_cold_public_page_is_rendered_once_for_concurrent_visitors(app: FastAPI, db: Database,  # noqa: F811
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    office = login(app, "office")
    round_id = _open_round(office, db)
    renders: list[int] = []
    original = public_routes._render_parts

    def counted(request: object, info: object) -> object:
        renders.append(1)
        time.sleep(0.2)  # a slow render: the other visitors arrive while it runs
        return original(request, info)  # type: ignore[arg-type]

    monkeypatch.setattr(public_routes, "_render_parts", counted)
    with TestClient(app) as public, ThreadPoolExecutor(6) as pool:
        pages = list(pool.map(lambda _: public.get(f"/consult/{round_id}"), range(6)))
    assert [p.status_code for p in pages] == [200] * 6
    assert len(renders) == 1
    assert len({_form(p.text)["token"] for p in pages}) == 6  # one render, still a token per visitor
