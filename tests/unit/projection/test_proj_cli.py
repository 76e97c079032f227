"""``tanfeng peak``: formats, output file, plan targets, and exit 2 with one message for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tanfeng.cli import app
from tanfeng.projection import example_scenarios_path

runner = CliRunner()


def test_table_with_monte_carlo() -> None:
    result = runner.invoke(app, ["peak", str(example_scenarios_path()), "--runs", "300", "--seed", "4",
                                 "-s", "policy"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("【示例数据】")
    assert "P(peak ≤ 2030)" in result.stdout and "== 政策情景" in result.stdout and "== 基准情景" not in result.stdout
    assert "相对基准情景（baseline）2030 年" in result.stdout


def test_json_to_file_is_reproducible(tmp_path: Path) -> None:
    outs = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        result = runner.invoke(app, ["peak", str(example_scenarios_path()), "--runs", "200", "--seed", "9",
                                     "--format", "json", "-o", str(out), "--decompose", "2025:2035"])
        assert result.exit_code == 0, result.output
        outs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outs[0] == outs[1]
    assert outs[0]["scenarios"][1]["decomposition"]["from"] == 2025


def test_plan_json_targets_are_checked(tmp_path: Path, two_year_text: str) -> None:
    scenarios = tmp_path / "s.toml"
    scenarios.write_text(two_year_text, encoding="utf-8")
    plan = {"source": {"path": "p.txt", "sha256": "0" * 64, "format": "txt"},
            "targets": [{"id": "T9", "indicator": "单位地区生产总值能源消耗", "code": "energy_intensity",
                         "change": "decrease", "value": 6, "unit": "%", "year": 2021, "baseline_year": 2020,
                         "sentence": "到2021年能耗强度下降6%"}]}
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["peak", str(scenarios), "--plan", str(plan_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    [check] = json.loads(result.stdout)["scenarios"][0]["targets"]
    assert check["id"] == "T9" and check["met"] is False
    assert check["gap"] == pytest.approx((1 - (1147 / 110000) / 0.011) * 100 - 6)  # 5.21 % against 6 %


def test_bad_file_exit_2_one_message_nothing_written(tmp_path: Path, known_peak_text: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(known_peak_text.replace("industry = { coal = 50000.0 }", "industry = { coal = -1.0 }"),
                   encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["peak", str(bad), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{bad}: base_year.energy.industry.coal:" in lines[0] and "不能为负数" in lines[0]
    assert not out.exists()


def test_unknown_scenario_and_bad_years(known_peak_text: str, tmp_path: Path) -> None:
    f = tmp_path / "k.toml"
    f.write_text(known_peak_text, encoding="utf-8")
    r1 = runner.invoke(app, ["peak", str(f), "-s", "nope"])
    r2 = runner.invoke(app, ["peak", str(f), "--decompose", "2010:2030"])
    r3 = runner.invoke(app, ["peak", str(tmp_path / "missing.toml")])
    assert (r1.exit_code, r2.exit_code, r3.exit_code) == (2, 2, 2)
    assert "unknown scenario 'nope'" in r1.stderr
    assert "2010" in r2.stderr
    assert "file not found" in r3.stderr


def test_iamc_output(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = runner.invoke(app, ["peak", str(example_scenarios_path()), "--format", "iamc", "-o", str(out)])
    assert result.exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:5] == ["Model", "Scenario", "Region", "Variable", "Unit"] and header[5] == "2020"
    assert header[-1] == "2060"


def test_targets_read_from_the_plan_text(reference_plan_path: Path) -> None:
    result = runner.invoke(app, ["peak", str(example_scenarios_path()), "-s", "baseline", "--format", "json",
                                 "--plan", str(reference_plan_path)])
    assert result.exit_code == 0, result.output
    checks = {c["code"]: c for c in json.loads(result.stdout)["scenarios"][0]["targets"]}
    ei = checks["energy_intensity"]
    assert (ei["required"], ei["stretch"], ei["year"], ei["baseline_year"]) == (13, 13.5, 2025, 2020)
    assert ei["met"] is False and ei["gap"] < 0  # the baseline path falls short of −13 %
    assert checks["carbon_peak"]["met"] is False


def test_example_flag_and_argument_are_exclusive() -> None:
    ok = runner.invoke(app, ["peak", "--example", "-s", "enhanced"])
    assert ok.exit_code == 0 and "强化情景" in ok.stdout
    both = runner.invoke(app, ["peak", str(example_scenarios_path()), "--example"])
    neither = runner.invoke(app, ["peak"])
    assert both.exit_code == 2 and neither.exit_code == 2 and "--example" in neither.stderr


def test_gb18030_file_reads_like_utf8(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(example_scenarios_path().read_text(encoding="utf-8").encode("gb18030"))
    a = runner.invoke(app, ["peak", str(gbk), "--format", "csv"])
    b = runner.invoke(app, ["peak", "--example", "--format", "csv"])
    assert a.exit_code == 0 and a.stdout == b.stdout
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    r = runner.invoke(app, ["peak", str(binary)])
    assert r.exit_code == 2 and "UTF-8" in r.stderr
