"""``tanfeng peak --db``: the projection checks the targets of the plan stored in the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanfeng.cli import app
from tanfeng.db.session import Database
from tanfeng.projection import example_scenarios_path, load, project
from tanfeng.services.plan_targets import stored_targets


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

def _checks_by_id(output: str, scenario: str) -> dict[str, dict[str, object]]:
    doc = json.loads(output)
    rows = next(s for s in doc["scenarios"] if s["name"] == scenario)["targets"]
    return {r["id"]: r for r in rows}


def test_peak_quotas_against_hand_computed_projection(db_url: str, reference_plan_path: Path) -> None:
    _run("plan", "import", str(reference_plan_path), "--db", db_url)
    # before a quota: the deferred carbon-intensity target is listed but cannot be checked
    before = _checks_by_id(_run("peak", "--example", "--db", db_url, "-f", "json", "-s", "policy"), "policy")
    assert before["T2"]["met"] is None and "上级下达" in str(before["T2"]["note"])
    _run("plan", "quota", "T2", "18", "--unit", "%", "--note", "示例：市下达", "--db", db_url)
    _run("plan", "quota", "T3", "30", "--unit", "%", "--db", db_url)

    out = _run("peak", "--example", "--db", db_url, "--region", "上犹县", "-f", "json")
    scn = load(example_scenarios_path())
    for name in ("baseline", "policy"):
        checks = _checks_by_id(out, name)
        p = project(scn, name)
        i20, i25, i30 = p.index(2020), p.index(2025), p.index(2030)
        # by hand: energy CO₂ per GDP, reduction 2020 → 2025 against the 18 % quota
        ci = p.series("energy_co2") / p.series("gdp")
        reduction = (1 - ci[i25] / ci[i20]) * 100
        t2 = checks["T2"]
        assert (t2["required"], t2["unit"], t2["year"], t2["baseline_year"]) == (18.0, "%", 2025, 2020)
        assert t2["projected"] == pytest.approx(reduction) and t2["gap"] == pytest.approx(reduction - 18)
        assert t2["met"] is bool(reduction >= 18)
        # non-fossil share level in 2030 against the 30 % quota
        t = p.totals
        share = t.non_fossil_energy[0][i30] / t.weighted_energy[0][i30] * 100
        t3 = checks["T3"]
        assert t3["projected"] == pytest.approx(share) and t3["gap"] == pytest.approx(share - 30)
        assert t3["met"] is bool(share >= 30)
        # a plan target with its own value (energy intensity −13 % by 2025, stretch 13.5 %)
        ei = p.series("energy") / p.series("gdp")
        ei_red = (1 - ei[i25] / ei[i20]) * 100
        assert checks["T1"]["gap"] == pytest.approx(ei_red - 13) and checks["T1"]["met"] is bool(ei_red >= 13)
    # the baseline misses the energy-intensity target, the policy scenario meets it (illustrative paths)
    assert _checks_by_id(out, "baseline")["T1"]["met"] is False and _checks_by_id(out, "policy")["T1"]["met"] is True


def test_stored_targets_service(db: Database, db_url: str, reference_plan_path: Path) -> None:
    _run("plan", "import", str(reference_plan_path), "--db", db_url)
    _run("plan", "quota", "T2", "18", "--unit", "%", "--db", db_url)
    targets = {t.id: t for t in stored_targets(db, region="上犹县")}
    assert targets["T1"].code == "energy_intensity" and targets["T1"].value == 13.0 and not targets["T1"].assigned
    assert targets["T2"].value == 18.0 and targets["T2"].unit == "%" and not targets["T2"].assigned
    assert targets["T3"].assigned and targets["T3"].value is None  # no quota yet: still deferred


def test_peak_db_errors(db_url: str) -> None:
    empty = CliRunner().invoke(app, ["peak", "--example", "--db", db_url])
    assert empty.exit_code == 2 and "方案" in empty.output
    unknown = CliRunner().invoke(app, ["peak", "--example", "--db", db_url, "--region", "不存在县"])
    assert unknown.exit_code == 2 and "未知地区" in unknown.output
    no_db = CliRunner().invoke(app, ["peak", "--example", "--region", "上犹县"])
    assert no_db.exit_code == 2 and "--db" in no_db.output
    no_db = CliRunner().invoke(app, ["peak", "--example", "--plan-id", "1"])
    assert no_db.exit_code == 2 and "--db" in no_db.output


def test_peak_db_does_not_create_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(app, ["peak", "--example", "--db", str(missing)])
    assert result.exit_code == 2 and "不存在" in result.output and not missing.exists()
