"""One number per label: the web inventory page, the CLI's JSON and the annual report's table print the same
figures under the same labels for the example inventory (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import re
from html import unescape

from docx import Document
from typer.testing import CliRunner

from integration.conftest import db, db_url, pg_url, sqlite_template  # noqa: F401
from tanfeng.accounting import example_inventory_path
from tanfeng.cli import app as cli_app
from tanfeng.db.session import Database
from tanfeng.reports.annual import build_annual_content, render
from tanfeng.web import create_app
from web.conftest import login, populate, settings


def _web_rows(html: str) -> dict[str, list[float]]:
    table = html[html.index('<table id="inventory">'):]
    table = table[:table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr data-key=\"[^\"]+\">(.*?)</tr>", table, re.S):
        cells = [unescape(c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        rows[cells[0]] = [float(c.replace(",", "")) for c in cells[1:]]
    return rows


def _report_rows(data: bytes) -> dict[str, list[float]]:
    doc = Document(io.BytesIO(data))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "项目" and "2020" in t.rows[0].cells[1].text)
    return {r.cells[0].text: [float(c.text.replace(",", "")) for c in r.cells[1:]] for r in table.rows[1:]}


def test_web_cli_and_report_print_the_same_figures(db: Database) -> None:  # noqa: F811
    populate(db)
    result = CliRunner().invoke(cli_app, ["inventory", "compute", str(example_inventory_path()), "--format", "json"])
    assert result.exit_code == 0, result.output
    cli = {r["label"]: [v / 1e4 for v in r["values_t"].values()] for r in json.loads(result.output)["summary"]}
    assert "能源活动（不含调入电力）" in cli and "能源活动（含调入电力）" in cli and "调入电力间接排放" in cli

    page = login(create_app(settings(), db), "viewer").get("/inventory")
    assert page.status_code == 200
    web = _web_rows(page.text)
    report = _report_rows(render(build_annual_content(db, 2024, inventory=example_inventory_path()), "docx"))

    for label, values in cli.items():
        expected = [round(v, 2) for v in values]
        assert web[label] == expected, label
        assert [round(v, 2) for v in report[label]] == expected, label
    # the with/without pair really differs, so a page that mixed them up would fail here
    assert cli["能源活动（含调入电力）"] != cli["能源活动（不含调入电力）"]
    # and no other row on either page reuses a label for another number
    assert set(web) - {"能源消费总量（万吨标准煤，等价值）"} == set(cli)
    assert set(report) == set(cli)
