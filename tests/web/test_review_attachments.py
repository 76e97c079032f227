"""The office's review with context (previous, expected, source, note, documents), filters, pages, batch accept;
supporting documents checked by content, stored outside the database and readable only by who reads the value."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

from integration.conftest import db_url, pg_url, sqlite_template  # noqa: F401
from tanfeng.db.attachment_models import Attachment
from tanfeng.db.session import Database
from tanfeng.formatting import format_number
from tanfeng.services import audit
from tanfeng.services.plan_admin import set_baseline, set_frequency
from tanfeng.services.review import list_observations
from tanfeng.services.status import indicator_series
from tanfeng.web import WebSettings, create_app

from .conftest import OTHER_UNIT, OWN_UNIT, Fixture, login, populate

# A real (tiny) PDF and PNG, written here: the checks read their magic bytes, not their names.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
                    "00000000050001a5f645400000000049454e44ae426082")


def _docx(macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("2024年森林覆盖率监测报告（示例数据）")
    document.save(buffer)
    if not macro:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/vbaProject.bin", b"\x00" * 64)
    return out.getvalue()


def _text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return soup.get_text(" ", strip=True)


def _submit(client: TestClient, unit_id: int, indicator: int, period: str, value: float, **extra: object) -> None:
    response = client.post("/api/v1/observations", json={"unit_id": unit_id, "values": [
        {"indicator_id": indicator, "period": period, "value": value, **extra}]})
    assert response.status_code == 201, response.text


def _accept_all(client: TestClient) -> None:
    for item in client.get("/api/v1/observations?status=submitted").json():
        assert client.post(f"/api/v1/observations/{item['id']}/accept").status_code == 200


def _bulk_form(rows: list[BeautifulSoup]) -> dict[str, object]:
    """What the batch form sends with every row ticked: the ids and the version of each as shown."""
    form: dict[str, object] = {"ids": [r.select_one("input[name=ids]")["value"] for r in rows]}
    form.update({h["name"]: h["value"] for r in rows for h in r.select("input[type=hidden][form=bulk]")})
    return form


def _review_rows(html: str) -> list[BeautifulSoup]:
    return BeautifulSoup(html, "html.parser").select("#review tbody tr[data-indicator]")


def test_review_shows_previous_expected_source_note_and_no_ids(fx: Fixture,
                                                               client_for: Callable[[str | None], TestClient]) -> None:
    unit, office = client_for("unit"), client_for("office")
    forest, energy = fx.indicator["forest_coverage"], fx.indicator["renewable_capacity"]
    own, other = fx.unit_ids[OWN_UNIT], fx.unit_ids[OTHER_UNIT]
    _submit(unit, own, forest, "2023", 80.4)
    set_baseline(fx.db, plan=None, target="T3", year=2020, value=10, actor="test")
    _submit(office, other, energy, "2023", 7.5)
    _accept_all(office)
    _submit(unit, own, forest, "2024", 81.25, source="县林业局森林资源年报", note="含新造林1.2万亩")
    _submit(office, other, energy, "2024", 9.0)
    page = office.get("/review")
    assert page.status_code == 200
    rows = {(r["data-indicator"], r["data-period"]): r for r in _review_rows(page.text)}
    row = rows[(str(forest), "2024")]
    assert "81.25" in row.select_one("td.value").get_text()
    previous = row.select_one("td.previous").get_text(" ")
    assert "80.4" in previous and "2023" in previous and "已采纳" in previous
    assert "县林业局森林资源年报" in row.select_one("td.source").get_text() and "含新造林1.2万亩" in row.get_text()
    # the expected value is the target path's value for the period, as the chart draws it
    path = dict(indicator_series(fx.db, energy).expected)
    energy_row = rows[(str(energy), "2024")]
    assert format_number(path[2024]) in energy_row.select_one("td.expected").get_text()
    assert "7.5" in energy_row.select_one("td.previous").get_text()
    # no internal id anywhere a person reads it
    ids = {str(o.id) for o in list_observations(fx.db)}
    visible = [td.get_text(strip=True) for r in rows.values() for td in r.find_all("td")]
    assert not ids & set(visible)
    assert all(not (el.get("aria-label") or "").strip().isdigit() for el in
               BeautifulSoup(page.text, "html.parser").select("#review input"))


def test_review_filters_and_pages(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    unit, office = client_for("unit"), client_for("office")
    forest, energy = fx.indicator["forest_coverage"], fx.indicator["renewable_capacity"]
    own, other = fx.unit_ids[OWN_UNIT], fx.unit_ids[OTHER_UNIT]
    for period in ("2020", "2021", "2022", "2023", "2024", "2025"):
        _submit(unit, own, forest, period, 80.0)
    for period in ("2021", "2022", "2023", "2024"):
        _submit(office, other, energy, period, 8.0)
    by_unit = _review_rows(office.get(f"/review?unit={other}").text)
    assert len(by_unit) == 4 and {r["data-indicator"] for r in by_unit} == {str(energy)}
    by_indicator = _review_rows(office.get(f"/review?indicator={forest}").text)
    assert len(by_indicator) == 6
    by_period = _review_rows(office.get("/review?period=2024").text)
    assert {(r["data-indicator"], r["data-period"]) for r in by_period} == {(str(forest), "2024"), (str(energy), "2024")}
    assert _review_rows(office.get(f"/review?unit={other}&indicator={forest}").text) == []
    assert len(_review_rows(office.get("/review?unit=&indicator=&period=").text)) == 10  # "all" in every filter
    # pages of 10 at most 10 rows: 10 values fit one page; per_page below 10 is refused
    assert office.get("/review?per_page=5").status_code == 422
    first = office.get(f"/review?indicator={forest}&per_page=10")
    assert "共6项" in _text(first.text)
    # tab counts follow the other filters
    assert "待审核（4）" in _text(office.get(f"/review?unit={other}").text)


def test_review_pagination_splits_long_lists(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    unit, office = client_for("unit"), client_for("office")
    forest = fx.indicator["forest_coverage"]
    set_frequency(fx.db, plan=None, target="T4", frequency="month", actor="test")
    periods = [f"{y}M{m:02d}" for y in (2022, 2023) for m in range(1, 13)]  # 24 monthly values
    response = unit.post("/api/v1/observations", json={"unit_id": fx.unit_ids[OWN_UNIT], "values": [
        {"indicator_id": forest, "period": p, "value": 80 + i / 10} for i, p in enumerate(periods)]})
    assert response.status_code == 201, response.text
    seen = []
    for page in (1, 2, 3):
        html = office.get(f"/review?per_page=10&page={page}").text
        seen += [r["data-period"] for r in _review_rows(html)]
        nav = BeautifulSoup(html, "html.parser").select_one("nav.pager")
        assert (nav.select_one("a[rel=next]") is not None) == (page < 3)
    assert seen == periods  # every value once, in period order
    assert len(_review_rows(office.get("/review?per_page=10&page=99").text)) == 4  # past the end: the last page


def test_batch_accept_acts_on_the_versions_seen_and_refuses_stale(fx: Fixture,
                                                                   client_for: Callable[[str | None], TestClient]
                                                                   ) -> None:
    unit, office = client_for("unit"), client_for("office")
    forest = fx.indicator["forest_coverage"]
    own = fx.unit_ids[OWN_UNIT]
    for period, value in (("2022", 80.1), ("2023", 80.2)):
        _submit(unit, own, forest, period, value)
    rows = _review_rows(office.get("/review").text)
    form = _bulk_form(rows)
    # the unit changes 2023 after the office opened the page: nothing is accepted, the message says which
    _submit(unit, own, forest, "2023", 79.9)
    before = len(audit.recent(fx.db, limit=100))
    stale = office.post("/review/bulk", data={**form, "back": "status=submitted"})
    assert stale.status_code == 303 and stale.headers["location"] == "/review?status=submitted"
    message = _text(office.get("/review").text)
    assert "已被修改" in message and "森林覆盖率 2023" in message and "79.9" in message
    assert {o.status for o in list_observations(fx.db)} == {"submitted"}
    assert len(audit.recent(fx.db, limit=100)) == before  # no entry for a refused accept
    # with what is on the page now, both are accepted, with one audit entry naming both at their versions
    rows = _review_rows(office.get("/review").text)
    form = _bulk_form(rows)
    assert office.post("/review/bulk", data=form).status_code == 303
    assert {o.status for o in list_observations(fx.db)} == {"accepted"}
    entry = audit.recent(fx.db, limit=1)[0]
    assert entry.action == "review_accept" and len(entry.detail["ids"]) == 2 and entry.detail["versions"]
    assert "已采纳2项" in _text(office.get("/review?status=accepted").text)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "documents"


def _app_with_store(db: Database, store_dir: Path) -> TestClient:
    return create_app(WebSettings(mode="development", secret_key="test-secret-key-that-is-long-enough-0123456789",
                                  attachments_dir=store_dir), db)


def _upload(client: TestClient, name: str, data: bytes, **fields: object) -> object:
    return client.post("/attachments", data={k: str(v) for k, v in fields.items()},
                       files={"file": (name, data, "application/octet-stream")})


def _attachment_flow(db: Database, fx: Fixture, store_dir: Path) -> None:
    app = _app_with_store(db, store_dir)
    # 县发改委 (unit2) leads 光伏发电装机容量; 县林业局 (unit) has no part in it
    reporter, stranger, office, viewer = (login(app, n) for n in ("unit2", "unit", "office", "viewer"))
    solar = fx.indicator["renewable_capacity"]
    _submit(reporter, fx.unit_ids[OTHER_UNIT], solar, "2024", 31.5)
    name = "2024年光伏并网容量统计（县发改委）.pdf"
    response = _upload(reporter, name, PDF, indicator_id=solar, period="2024")
    assert response.status_code == 303, response.text
    # stored outside the database under its hash; the row holds the user's name, size, hash, kind, uploader
    sha = hashlib.sha256(PDF).hexdigest()
    assert (store_dir / sha[:2] / sha).read_bytes() == PDF
    assert not [p for p in store_dir.rglob(".incoming-*")]
    with db.transaction() as session:
        row = session.scalars(select(Attachment)).one()
        assert (row.filename, row.size, row.sha256, row.kind, row.uploaded_by, row.unit_id) == (
            name, len(PDF), sha, "pdf", "unit2", fx.unit_ids[OTHER_UNIT])
        attachment_id = row.id
    # the same file again is kept once
    assert _upload(reporter, name, PDF, indicator_id=solar, period="2024").status_code == 303
    with db.transaction() as session:
        assert len(session.scalars(select(Attachment)).all()) == 1
    # the office sees it beside the value and downloads it under the user's own name
    review = office.get("/review")
    assert name in review.text
    download = office.get(f"/attachments/{attachment_id}/file")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in download.headers["content-disposition"]
    assert viewer.get(f"/attachments/{attachment_id}/file").status_code == 200  # leaders read values too
    # another unit may not read it, nor list it, nor attach to the value
    assert stranger.get(f"/attachments/{attachment_id}/file").status_code == 403
    assert stranger.get(f"/attachments?indicator_id={solar}&period=2024").status_code == 403
    assert _upload(stranger, "x.pdf", PDF, indicator_id=solar, period="2024").status_code == 403
    actions = [e.action for e in audit.recent(db, limit=10)]
    assert "attach" in actions and "download_attachment" in actions


def test_attachments_on_sqlite_and_postgresql(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    db = Database(db_url)
    try:
        _attachment_flow(db, populate(db), tmp_path / "documents")
    finally:
        db.dispose()


@pytest.mark.parametrize(("name", "data", "words"), [
    ("程序.pdf", b"MZ\x90\x00" + b"\x00" * 200, "不是允许的类型"),
    ("说明.pdf", "这只是一段文字".encode(), "不是允许的类型"),
    ("照片.pdf", PNG, "扩展名.pdf与文件内容（png）不符"),
    ("带宏.docx", _docx(macro=True), "含有宏"),
    ("空.pdf", b"", "文件为空"),
])
def test_files_are_checked_by_content(fx: Fixture, store_dir: Path, name: str, data: bytes, words: str) -> None:
    app = _app_with_store(fx.db, store_dir)
    unit = login(app, "unit")
    response = _upload(unit, name, data, indicator_id=fx.indicator["forest_coverage"], period="2024")
    assert response.status_code == 422 and words in response.text and name in response.text
    assert not store_dir.exists() or not any(p.is_file() for p in store_dir.rglob("*"))


def test_zip_bomb_office_file_is_refused(fx: Fixture, store_dir: Path) -> None:
    from .bombs import xlsx_zip_bomb

    unit = login(_app_with_store(fx.db, store_dir), "unit")
    response = _upload(unit, "统计表.xlsx", xlsx_zip_bomb(), indicator_id=fx.indicator["forest_coverage"],
                       period="2024")
    assert response.status_code == 422 and "统计表.xlsx" in response.text


def test_office_files_images_and_progress_reports(fx: Fixture, store_dir: Path) -> None:
    app = _app_with_store(fx.db, store_dir)
    reporter, stranger, office = login(app, "unit2"), login(app, "unit"), login(app, "office")
    plan_id = reporter.get("/api/v1/status").json()[0]["plan_id"]
    for name, data in (("项目验收报告.docx", _docx()), ("现场照片.PNG", PNG)):
        assert _upload(reporter, name, data, plan_id=plan_id, task="A1.1", period="2024").status_code == 303
    page = reporter.get(f"/attachments?plan_id={plan_id}&task=A1.1&period=2024")
    assert page.status_code == 200 and "项目验收报告.docx" in page.text and "现场照片.PNG" in page.text
    assert "DOCX" in page.text and "PNG" in page.text
    assert stranger.get(f"/attachments?plan_id={plan_id}&task=A1.1&period=2024").status_code == 403
    assert _upload(stranger, "x.pdf", PDF, plan_id=plan_id, task="A1.1", period="2024").status_code == 403
    docs = BeautifulSoup(office.get(f"/attachments?plan_id={plan_id}&task=A1.1&period=2024&unit_id="
                                    f"{fx.unit_ids[OTHER_UNIT]}").text, "html.parser").select("#attachments a[download]")
    assert len(docs) == 2
    downloaded = [office.get(d["href"]) for d in docs]
    assert downloaded[0].content[:2] == b"PK" and "wordprocessingml" in downloaded[0].headers["content-type"]
    assert downloaded[1].content == PNG
    assert all(stranger.get(d["href"]).status_code == 403 for d in docs)


def test_a_unit_withdraws_its_document_until_the_value_is_accepted(fx: Fixture, store_dir: Path) -> None:
    app = _app_with_store(fx.db, store_dir)
    unit, office = login(app, "unit"), login(app, "office")
    forest = fx.indicator["forest_coverage"]
    _submit(unit, fx.unit_ids[OWN_UNIT], forest, "2024", 81.0)
    for name, data in (("a.pdf", PDF), ("b.png", PNG)):
        assert _upload(unit, name, data, indicator_id=forest, period="2024").status_code == 303
    with fx.db.transaction() as session:
        first, second = (r.id for r in session.scalars(select(Attachment).order_by(Attachment.id)))
    assert unit.post(f"/attachments/{first}/withdraw").status_code == 303
    assert unit.get(f"/attachments/{first}/file").status_code == 422  # withdrawn: no longer listed or served
    _accept_all(office)
    refused = unit.post(f"/attachments/{second}/withdraw")
    assert refused.status_code == 422 and "已采纳" in refused.text
    assert "b.png" in office.get("/review?status=accepted").text and "a.pdf" not in office.get(
        "/review?status=accepted").text


def test_the_store_writes_atomically_and_once(tmp_path: Path) -> None:
    from tanfeng.services.attachments import AttachmentStore

    store = AttachmentStore(tmp_path)
    sha = store.put(PDF)
    path = store.path(sha)
    stamp = path.stat().st_mtime_ns
    assert store.put(PDF) == sha and path.stat().st_mtime_ns == stamp
    assert path.read_bytes() == PDF and sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [sha]
    with pytest.raises(Exception, match="invalid file hash"):
        store.path("../../etc/passwd")


def test_user_file_names_are_kept_without_folders() -> None:
    from tanfeng.services.attachments import user_filename

    assert user_filename("C:\\fakepath\\报告 2024.pdf") == "报告 2024.pdf"
    assert user_filename("../../a/监测.docx") == "监测.docx"
    with pytest.raises(Exception, match="文件没有名称"):
        user_filename("")
    with pytest.raises(Exception, match="不可见"):
        user_filename("报告\u202egpj.pdf")



def test_the_api_attaches_lists_serves_and_withdraws(fx: Fixture, store_dir: Path) -> None:
    app = _app_with_store(fx.db, store_dir)
    reporter, stranger, office = login(app, "unit2"), login(app, "unit"), login(app, "office")
    solar = fx.indicator["renewable_capacity"]
    created = reporter.post("/api/v1/attachments", data={"indicator_id": str(solar), "period": "2024"},
                            files={"file": ("并网验收单.png", PNG, "image/png")})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["filename"], body["kind"], body["size"], body["created"]) == ("并网验收单.png", "png", len(PNG), True)
    listed = office.get("/api/v1/attachments", params={"indicator_id": solar, "period": "2024"}).json()
    assert [d["sha256"] for d in listed] == [hashlib.sha256(PNG).hexdigest()]
    assert office.get(body["url"]).content == PNG
    assert stranger.get(body["url"]).status_code == 403
    assert stranger.get("/api/v1/attachments", params={"indicator_id": solar, "period": "2024"}).status_code == 403
    assert stranger.delete(f"/api/v1/attachments/{body['id']}").status_code == 403
    assert reporter.delete(f"/api/v1/attachments/{body['id']}").status_code == 200
    assert office.get("/api/v1/attachments", params={"indicator_id": solar, "period": "2024"}).json() == []
    bad = reporter.post("/api/v1/attachments", data={"indicator_id": str(solar), "period": "abc"},
                        files={"file": ("a.pdf", PDF, "application/pdf")})
    assert bad.status_code == 422 and "abc" in bad.json()["detail"]


def test_two_uploads_of_one_file_at_once_store_one_row(db_url: str) -> None:  # noqa: F811
    import threading
    import time

    from sqlalchemy import event

    from tanfeng.services import attachments

    database = Database(db_url)
    try:
        fx = populate(database)
        solar, unit = fx.indicator["renewable_capacity"], fx.unit_ids[OTHER_UNIT]
        barrier, errors, results = threading.Barrier(4), [], []

        @event.listens_for(database.engine, "before_cursor_execute")
        def _slow_check(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            # widen the gap between "is this file there?" and the insert, where two uploads would collide
            if statement.lstrip().upper().startswith("SELECT COUNT(*)") and "attachments" in statement:
                time.sleep(0.3)

        def upload() -> None:
            try:
                barrier.wait()
                with database.write() as session:
                    subject = attachments.value_subject(session, solar, "2024")
                    results.append(attachments.add_in(session, subject, unit_id=unit, filename="同一文件.pdf",
                                                      data_size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(),
                                                      kind="pdf", actor="unit2")[1])
            except Exception as err:  # pragma: no cover - the assertion below shows it
                errors.append(err)

        threads = [threading.Thread(target=upload) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors and sorted(results) == [False, False, False, True]
        with database.transaction() as session:
            assert len(session.scalars(select(Attachment)).all()) == 1
    finally:
        database.dispose()


def test_kinds_are_read_from_the_bytes() -> None:
    from openpyxl import Workbook

    from tanfeng.services.attachments import detect
    from tanfeng.services.upload_guard import UploadRejected

    book = io.BytesIO()
    Workbook().save(book)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "示例数据")
    assert detect(book.getvalue(), "统计表.xlsx") == "xlsx"
    assert detect(_docx(), "报告.DOCX") == "docx"
    assert detect(PNG, "照片.png") == "png" and detect(PDF, "a.pdf") == "pdf"
    for data, name in ((book.getvalue(), "统计表.docx"), (plain_zip.getvalue(), "统计表.xlsx"), (PDF, "a")):
        with pytest.raises(UploadRejected, match=re.escape(name)):
            detect(data, name)
    with pytest.raises(UploadRejected, match="超过1 MB"):
        detect(PDF + b"\0" * 1024 * 1024, "大.pdf", max_bytes=1024 * 1024)
