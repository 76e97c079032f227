"""Consultation rounds, comments and their handling through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from builders import PlanBuilder
from tanfeng.db.account_models import AuditEntry
from tanfeng.db.consultation_models import ConsultationComment
from tanfeng.db.session import Database
from tanfeng.plans import example_plan_path, read
from tanfeng.plans.sections import refs, suggest_ref
from tanfeng.reports.consultation import adoption_docx, adoption_xlsx, notice_docx, safe_cell
from tanfeng.services import consultation as cs
from tanfeng.services.consultation_changes import build_report, compute_changes, link
from tanfeng.services.consultation_public import (
    PublicLimits,
    PublicRefused,
    check_challenge,
    check_rate,
    chinese_number,
    new_challenge,
    parse_answer,
    public_round,
    submit_public,
)
from tanfeng.services.errors import StoreError
from tanfeng.services.plan_import import import_plan
from tanfeng.services.workspace import list_units

from .consultation_helpers import RAISED_TO, final_plan

OFFICE = cs.Actor("office", None, "127.0.0.1")
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _answer(question: str) -> str:
    """Work the question out the way a reader does (the test knows no answer in advance)."""
    body = question.removesuffix("等于几？")
    op = "加" if "加" in body else "减"
    a, b = (parse_answer(x) for x in body.split(op))
    assert a is not None and b is not None
    return str(a + b if op == "加" else a - b)


def _draft_version(db: Database) -> int:
    import_plan(db, read(example_plan_path()), actor="office")
    with db.transaction() as session:
        from tanfeng.db.models import PlanVersion

        return session.scalars(select(PlanVersion.id)).one()


def _round(db: Database, **kw: object) -> cs.RoundInfo:
    today = cs.today_cn()
    args: dict[str, object] = {"version_id": _draft_version(db), "kind": "public", "opens_on": today - timedelta(days=1),
                               "closes_on": today + timedelta(days=20), "channels": ["web", "email", "letter"],
                               "office_name": "县发改委", "email": "fgw@example.cn", "address": "行政中心409室"}
    return cs.open_round(db, OFFICE, **(args | kw))  # type: ignore[arg-type]


def test_chinese_numerals_round_trip() -> None:
    for n in range(0, 100):
        assert parse_answer(chinese_number(n)) == n
    assert parse_answer("１８") == 18 and parse_answer("两") == 2 and parse_answer("十十") is None


def test_challenge_token_is_bound_to_round_and_answer() -> None:
    c = new_challenge(SECRET, 3)
    right = _answer(c.question)
    assert check_challenge(SECRET, 3, c.token, right, 60)
    wrong = str(int(right) + 1)
    with pytest.raises(PublicRefused, match="回答不正确"):
        check_challenge(SECRET, 3, c.token, wrong, 60)
    with pytest.raises(PublicRefused):
        check_challenge(SECRET, 4, c.token, right, 60)
    with pytest.raises(PublicRefused, match="表单校验失败"):
        check_challenge("another-secret-another-secret-0123456", 3, c.token, right, 60)


def test_suggestion_by_text_match() -> None:
    document = read(example_plan_path()).to_dict()
    assert suggest_ref(document, "建议把风电、光伏发电装机容量的目标提高") == "T5"
    assert suggest_ref(document, "关于T11的意见：县城绿色出行比例偏低") == "T11"
    assert suggest_ref(document, "希望加强电网骨干网架和充电桩建设，完善新能源汽车充电网络") == "A1.3"
    assert suggest_ref(document, "同意", "A2.1") == "A2.1"
    assert "goals" in refs(document) and "A10" in refs(document)


def test_round_comments_final_and_report(db: Database) -> None:
    info = _round(db)
    assert info.state() == "open" and info.title == "《上犹县碳达峰实施方案（征求意见稿）》"
    notice = Document(io.BytesIO(notice_docx(info, public_round(db, info.id).sections)))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "关于公开征集《上犹县碳达峰实施方案（征求意见稿）》意见建议的通知" in text
    assert f"{info.closes_on.month}月{info.closes_on.day}日前" in text and "fgw@example.cn" in text

    limits = PublicLimits(per_window=2)
    check_rate(db, "client-a", limits)
    check_rate(db, "client-a", limits)
    with pytest.raises(PublicRefused) as refused:
        check_rate(db, "client-a", limits)
    assert refused.value.status == 429
    check_rate(db, "client-b", limits)  # another client is not affected

    receipts = submit_public(db, cs.PUBLIC, info.id, [("T5", "建议将装机容量目标提高到60万千瓦"), ("general", "总体赞成")],
                             nonce="n1", name="张三", contact="13800000000", org=None)
    assert receipts == [f"YJ{info.id}-0001", f"YJ{info.id}-0002"]
    with pytest.raises(PublicRefused, match="已经提交过"):
        submit_public(db, cs.PUBLIC, info.id, [("T5", "again")], nonce="n1", name=None, contact=None, org=None)
    email = cs.add_comment(db, OFFICE, info.id, channel="email", text="建议提高风电、光伏发电装机容量目标",
                           received_on=cs.today_cn(), name="李四", contact="lisi@example.cn")
    letter = cs.add_comment(db, OFFICE, info.id, channel="letter", text="县城绿色出行比例可更高",
                            received_on=cs.today_cn(), name="王五", contact="某路1号")
    assert email.suggested_ref == "T5" and letter.suggested_ref == "T11"
    with pytest.raises(StoreError, match="未开放"):
        cs.add_comment(db, OFFICE, info.id, channel="phone", text="x", received_on=cs.today_cn())

    comments = {c.receipt: c for c in cs.list_comments(db, info.id)}
    first = comments[receipts[0]]
    cs.confirm_ref(db, OFFICE, first.id, "T5")
    units = {name: uid for uid, name, _ in list_units(db)}
    cs.assign(db, OFFICE, first.id, units["县发改委"])
    with pytest.raises(StoreError, match="未交由本单位"):
        cs.give_opinion(db, cs.Actor("forestry"), first.id, "同意", unit_id=units["县林业局"])
    opinion = cs.give_opinion(db, cs.Actor("fgw"), first.id, "建议采纳", unit_id=units["县发改委"])
    with pytest.raises(StoreError, match="已被他人修改"):
        cs.dispose(db, OFFICE, first.id, "采纳", None, expected_version=opinion.version - 1)
    cs.dispose(db, OFFICE, first.id, "采纳", "目标提高到60万千瓦", expected_version=opinion.version)
    cs.merge(db, OFFICE, email.id, first.id)
    with pytest.raises(StoreError, match="已合并"):
        cs.dispose(db, OFFICE, email.id, "未采纳", "x")
    with pytest.raises(StoreError, match="须说明理由"):
        cs.dispose(db, OFFICE, letter.id, "未采纳", "")
    cs.dispose(db, OFFICE, letter.id, "未采纳", "已按上级要求设定")
    cs.dispose(db, OFFICE, comments[receipts[1]].id, "部分采纳", "已在总体思路中体现")

    result = import_plan(db, final_plan(), actor="office")
    with db.transaction() as session:
        from tanfeng.db.models import PlanVersion

        final_id = session.scalar(select(PlanVersion.id).where(PlanVersion.number == result.version))
    assert final_id is not None
    cs.set_final(db, OFFICE, info.id, final_id)
    changes = compute_changes(db, info.id)
    raised = [c for c in changes if c.kind == "target"]
    assert len(raised) == 1 and raised[0].draft_ref == "T5"
    assert [f.label for f in raised[0].fields if f.new == "60"] == ["目标值"]
    assert first.id in {c.id for c in raised[0].related}
    link(db, OFFICE, info.id, first.id, raised[0].key)
    link(db, OFFICE, info.id, first.id, raised[0].key)  # twice: still one link
    assert [c.id for c in compute_changes(db, info.id)[0].linked] == [first.id]

    for public in (True, False):
        report = build_report(db, info.id, public=public)
        assert report.counts["采纳"] == (1, 2) and report.counts["未采纳"] == (1, 1)
        doc = Document(io.BytesIO(adoption_docx(report)))
        cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        body = "\n".join([p.text for p in doc.paragraphs] + cells)
        for receipt, comment in {c.receipt: c for c in cs.list_comments(db, info.id)}.items():
            row = next(r for r in report.rows if receipt in r.receipts)
            assert receipt in body and row.disposition in body
            assert (comment.submitter_contact or "") and ((comment.submitter_contact in body) != public)
        assert RAISED_TO.removeprefix("力争达到").removesuffix("万千瓦以上") in body  # the change, 50 → 60
        wb = load_workbook(io.BytesIO(adoption_xlsx(report)))
        values = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        assert all(r in " ".join(values) for r in comments)
        assert ("13800000000" in " ".join(values)) != public

    with pytest.raises(StoreError, match="截止后"):
        cs.purge_contacts(db, OFFICE, info.id)
    erased = cs.purge_contacts(db, OFFICE, info.id, today=info.closes_on + timedelta(days=1))
    assert erased == 4
    with db.transaction() as session:
        assert session.scalar(select(func.count()).where(ConsultationComment.submitter_contact.is_not(None))) == 0
        details = " ".join(str(e.detail) for e in session.scalars(select(AuditEntry)))
    assert "13800000000" not in details and "lisi@example.cn" not in details  # contacts never in the audit log
    assert "consultation_purge" in {e for e in _actions(db)}


def _actions(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(AuditEntry.action)))


def test_departments_round_on_another_plan(db: Database) -> None:
    import_plan(db, PlanBuilder(region="示例市", title="示例市碳达峰实施方案", status="draft").plan(), actor="office")
    with db.transaction() as session:
        from tanfeng.db.models import PlanVersion

        version_id = session.scalars(select(PlanVersion.id)).one()
    today = cs.today_cn()
    info = cs.open_round(db, OFFICE, version_id=version_id, kind="departments", opens_on=today,
                         closes_on=today + timedelta(days=7), channels=["official"], office_name="市发改委")
    comment = cs.add_comment(db, OFFICE, info.id, channel="official", text="森林覆盖率目标建议维持", ref="T4",
                             received_on=today, org="县林业局")
    assert comment.ref == "T4" and comment.suggested_ref == "T4"
    text = "\n".join(p.text for p in Document(io.BytesIO(notice_docx(info, public_round(db, info.id).sections)))
                     .paragraphs)
    assert "关于征求《示例市碳达峰实施方案（征求意见稿）》意见的函" in text and "加盖" in text
    with pytest.raises(PublicRefused, match="不在网上受理期"):
        submit_public(db, cs.PUBLIC, info.id, [("T4", "x")], nonce="n2", name=None, contact=None, org=None)
    report = build_report(db, info.id, public=True)
    assert report.rows[0].submitters == "县林业局" and report.counts["待处理"] == (1, 1)
    with pytest.raises(StoreError, match="不是征求意见稿"):
        import_plan(db, PlanBuilder(region="示例区", title="示例区方案").plan(), actor="office")
        with db.transaction() as session:
            from tanfeng.db.models import PlanVersion

            final_version = max(session.scalars(select(PlanVersion.id)))
        cs.open_round(db, OFFICE, version_id=final_version, kind="public", opens_on=today, closes_on=today,
                      channels=["web"])


def test_formula_cells_are_escaped() -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_cell("-1+2") == "'-1+2" and safe_cell("正常") == "正常" and safe_cell(3) == 3
