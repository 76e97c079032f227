"""Exports: IAMC that pyam reads back with the same numbers; long CSV; JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyam
import pytest

from tanfeng import __version__
from tanfeng.projection import ScenarioSet, loads
from tanfeng.projection.export import to_csv, to_iamc, to_json
from tanfeng.projection.report import build


def test_iamc_round_trip_through_pyam(two_year: ScenarioSet, known_peak_text: str, tmp_path: Path) -> None:
    reports = build(two_year, runs=200, seed=1)
    path = tmp_path / "two-year.csv"
    path.write_text(to_iamc(reports), encoding="utf-8")
    df = pyam.IamDataFrame(str(path))
    assert df.model == [f"tanfeng {__version__} [测试数据]"]
    assert df.scenario == ["base"] and df.region == ["测试县"]
    assert df.year == [2020, 2021]
    ts = df.filter(variable="Emissions|CO2|Energy").timeseries()
    assert ts.iloc[0].tolist() == pytest.approx([4400e-6, 4004.8e-6])
    assert df.filter(variable="Emissions|CO2|Energy").unit == ["Mt CO2/yr"]
    # sectors add up to the total, fuels to their sector (the IAMC hierarchy holds)
    assert df.check_aggregate("Emissions|CO2|Energy") is None
    assert df.check_aggregate("Emissions|CO2|Energy|industry") is None
    assert df.check_aggregate("Final Energy") is None
    assert "Emissions|CO2|Energy|Monte Carlo|p50" in df.variable
    # and pyam writes it back in the same shape
    again = tmp_path / "again.csv"
    df.to_csv(again)
    assert pyam.IamDataFrame(str(again)).equals(df)


def test_long_csv_carries_the_label(two_year: ScenarioSet) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(build(two_year)))))
    assert {r["label"] for r in rows} == {"测试数据"}
    net = {int(r["year"]): float(r["value"]) for r in rows if r["variable"] == "Emissions|Net"}
    assert net == pytest.approx({2020: 4520e-6, 2021: 4124.8e-6})


def test_json_document(two_year: ScenarioSet) -> None:
    doc = json.loads(to_json(build(two_year, runs=100, seed=2)))
    assert doc["label"] == "测试数据"
    s = doc["scenarios"][0]
    assert s["label"] == "测试数据" and s["peak"]["year"] == 2020 and s["peak"]["status"] == "declining"
    assert s["series"]["Emissions|CO2|Energy"]["values"]["2021"] == pytest.approx(4004.8e-6)
    assert s["decomposition"]["from"] == 2020 and s["decomposition"]["to"] == 2021
    assert s["monte_carlo"]["runs"] == 100 and s["monte_carlo"]["seed"] == 2
    assert all(f["source"] for f in doc["factors"])


def test_unlabelled_file_has_a_plain_model_name(known_peak_text: str) -> None:
    text = to_iamc(build(loads(known_peak_text, "k.toml")))
    assert text.splitlines()[1].startswith(f"tanfeng {__version__},rising,测试县,")


def test_energy_falling_to_zero_leaves_shares_undefined_not_invalid(known_peak_text: str) -> None:
    text = known_peak_text.replace(
        'intensity = { industry = { growth = { "2021-2025" = -0.02, "2026-2040" = -0.08 } } }',
        'intensity = { industry = { milestones = { 2030 = 0.0 } } }')
    reports = build(loads(text, "z.toml"))
    doc = json.loads(to_json(reports))  # strict JSON: no NaN
    share = doc["scenarios"][0]["series"]["Non-Fossil Share"]["values"]
    assert share["2020"] == 0.0 and share["2035"] is None
    rows = [r for r in csv.DictReader(io.StringIO(to_csv(reports))) if r["variable"] == "Non-Fossil Share"]
    assert {r["year"]: r["value"] for r in rows}["2035"] == ""
