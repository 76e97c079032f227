"""``tanfeng peak --db``: the projection checks the targets of the plan stored in the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanfeng.cli import app


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _checks(output: str, scenario: str) -> dict[str, dict[str, object]]:
    doc = json.loads(output)
    (s,) = [s for s in doc["scenarios"] if s["name"] == scenario]
    return {t["code"]: t for t in s["targets"]}


def test_peak_checks_stored_targets_including_entered_quotas(db_url: str, reference_plan_path: Path) -> None:
    _run("plan", "import", str(reference_plan_path), "--db", db_url)
    before = _checks(_run("peak", "--example", "-s", "policy", "--format", "json", "--db", db_url), "policy")
    assert before["carbon_intensity"]["met"] is None  # deferred to a quota not yet entered
    status = {r["code"]: r for r in json.loads(_run("status", "--format", "json", "--db", db_url)) if r["code"]}
    _run("plan", "quota", status["carbon_intensity"]["target"], "18", "--unit", "%", "--db", db_url)

    checks = _checks(_run("peak", "--example", "-s", "policy", "--format", "json", "--db", db_url), "policy")
    ci, ei = checks["carbon_intensity"], checks["energy_intensity"]
    assert (ci["required"], ci["unit"], ci["year"], ci["baseline_year"]) == (18, "%", 2025, 2020)
    # met / missed by how much: the projected 2020→2025 reduction against the quota, by hand
    assert isinstance(ci["projected"], float)
    assert ci["gap"] == pytest.approx(ci["projected"] - 18)
    assert ci["met"] is (ci["projected"] >= 18)
    # the plan's own energy-intensity target, read from the database like the file would give it
    from_file = _checks(_run("peak", "--example", "-s", "policy", "--format", "json", "--plan",
                             str(reference_plan_path)), "policy")["energy_intensity"]
    assert (ei["required"], ei["stretch"], ei["projected"], ei["met"]) == (
        13, 13.5, from_file["projected"], from_file["met"])


def test_peak_db_and_plan_file_are_exclusive(db_url: str, reference_plan_path: Path) -> None:
    out = _run("peak", "--example", "--db", db_url, "--plan", str(reference_plan_path), code=2)
    assert "--plan" in out and "--db" in out
