"""The projection hook: with ``tanfeng.projection`` installed the report shows each scenario's peak;
without it ``--scenarios`` is refused with a clear message (exit 2)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanfeng.cli import app
from tanfeng.db.session import Database
from tanfeng.reports.annual import build_annual_content
from tanfeng.reports.layout import build_outline

HAVE_PROJECTION = importlib.util.find_spec("tanfeng.projection") is not None


@pytest.mark.skipif(not HAVE_PROJECTION, reason="tanfeng.projection not merged yet (the other branch checks the refusal)")
def test_projection_section_matches_the_projection(demo_db: Database) -> None:
    from tanfeng import projection

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


@pytest.mark.skipif(HAVE_PROJECTION, reason="tanfeng.projection is installed (the other branch checks the section)")
def test_scenarios_option_without_the_projection_module(demo_path: Path, tmp_path: Path) -> None:
    scenarios = tmp_path / "s.toml"
    scenarios.write_text("[meta]\n", encoding="utf-8")
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(app, ["report", "annual", "--year", "2024", "-o", str(out), "--db", str(demo_path),
                                      "--scenarios", str(scenarios)])
    assert result.exit_code == 2 and "tanfeng.projection" in result.output and not out.exists()
