"""The projection in the report: each scenario's peak year, peak value and probability of peaking in time."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from tanfeng import projection
from tanfeng.cli import app
from tanfeng.db.session import Database
from tanfeng.reports.annual import build_annual_content
from tanfeng.reports.layout import build_outline


def test_projection_section_matches_the_projection(demo_db: Database) -> None:
    path = projection.example_scenarios_path()
    report = build_annual_content(demo_db, 2024, scenarios=path)
    assert report.projection is not None and report.demo
    expected = {p.scenario.name: p.peak for p in projection.project_all(projection.load(path))}
    for s in report.projection.scenarios:
        assert (s.peak_year, s.status) == (expected[s.name].year, expected[s.name].status)
        assert s.peak_value == pytest.approx(expected[s.name].value / 1e4)
        assert s.probability is None or 0.0 <= s.probability <= 1.0
    outline = build_outline(report)
    table = next(t for t in outline.tables() if t.sheet == "达峰预测")
    assert [r[0] for r in table.rows] == [s.title for s in report.projection.scenarios]


def test_cli_with_inventory_and_scenarios(demo_path: Path, tmp_path: Path) -> None:
    from tanfeng.accounting import example_inventory_path

    out = tmp_path / "r.docx"
    result = CliRunner().invoke(app, ["report", "annual", "--year", "2024", "-o", str(out), "--db", str(demo_path),
                                      "--inventory", str(example_inventory_path()),
                                      "--scenarios", str(projection.example_scenarios_path())])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "达峰预测（示例数据）：" in text and "（一）温室气体清单" in text and "（二）达峰预测" in text


def test_bad_scenario_file_exits_2(demo_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta]\ntitle = 1\n", encoding="utf-8")
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(app, ["report", "annual", "--year", "2024", "-o", str(out), "--db", str(demo_path),
                                      "--scenarios", str(bad)])
    assert result.exit_code == 2 and "bad.toml" in result.output and not out.exists()
