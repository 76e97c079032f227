"""End to end: template → workbook → CLI → outputs opened back; national check; the example county vs the plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tanfeng.accounting import (
    InventoryInputError,
    compute,
    example_inventory_path,
    indicators,
    match_targets,
    plan_observations,
    read_inventory,
    validate,
)
from tanfeng.accounting.readers import read_csv_records
from tanfeng.cli import app
from tanfeng.plans.model import Target

runner = CliRunner()


def test_template_is_usable_by_office_staff(tmp_path: Path) -> None:
    out = tmp_path / "活动水平-2024.xlsx"
    res = runner.invoke(app, ["inventory", "template", "-o", str(out)])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["说明", "基本信息", "年度数据"]
    assert "能源消费" in wb.sheetnames and wb["选项"].sheet_state == "hidden"
    energy = wb["能源消费"]
    assert [c.value for c in energy[1]] == ["部门", "能源品种", "年份", "消费量", "单位", "用途", "备注"]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in energy.data_validations.dataValidation if dv.type == "list"}
    assert set(lists) == {"A", "B", "E", "F"}  # sector, fuel, unit, use
    checks = {str(dv.sqref)[0]: dv.type for dv in energy.data_validations.dataValidation if dv.type != "list"}
    assert checks == {"C": "whole", "D": "decimal"}  # year, amount ≥ 0
    fuel_range = lists["B"].split("!")[1].replace("$", "")
    fuels = [c.value for row in wb["选项"][fuel_range] for c in row]
    assert "柴油" in fuels and "天然气" in fuels and "电力" in fuels
    assert "原料用能" in "".join(str(c.value) for c in wb["说明"]["A"])
    meta_items = [r[0].value for r in wb["基本信息"].iter_rows(min_row=2)]
    assert "基准年" in meta_items and "数据性质" in meta_items


def test_example_county_computes_from_the_template(tmp_path: Path) -> None:
    book = tmp_path / "example.xlsx"
    assert runner.invoke(app, ["inventory", "template", "--example", "-o", str(book)]).exit_code == 0
    assert "示例数据" in str(load_workbook(book)["说明"]["A1"].value)
    from_xlsx = compute(read_inventory(book))
    from_csv = compute(read_inventory(example_inventory_path()))
    for year in (2020, 2024):
        assert from_xlsx.year(year).totals() == pytest.approx(from_csv.year(year).totals())
    assert from_xlsx.label == "示例数据"
    # every sector of the guideline is present in the example
    assert {ln.sector for ln in from_xlsx.year(2024).lines} == {"energy", "ippu", "agriculture", "lulucf", "waste"}


def test_cli_outputs_are_traceable_and_labelled(tmp_path: Path) -> None:
    src = str(example_inventory_path())
    res = runner.invoke(app, ["inventory", "compute", src, "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["label"] == "示例数据" and doc["gwp"] == "AR5"
    line = next(ln for ln in doc["years"]["2024"]["lines"] if ln["category"] == "combustion.transport")
    assert line["activity"] and line["arithmetic"] and line["source_rows"] and line["gwp"] == "AR5"
    assert all(f["source"] and f["table"] and "verified" in f for f in line["factors"])
    assert set(doc["observations"]) >= {"energy_intensity", "carbon_intensity", "non_fossil_share"}
    table = runner.invoke(app, ["inventory", "compute", src])
    assert table.exit_code == 0 and "【示例数据】" in table.stdout and "能耗强度下降率" in table.stdout
    out = tmp_path / "结果.xlsx"
    assert runner.invoke(app, ["inventory", "compute", src, "-f", "xlsx", "-o", str(out), "--gwp", "AR6"]).exit_code == 0
    wb = load_workbook(out)
    for name in ("汇总", "排放明细", "因子", "双控指标", "能源平衡"):
        assert "示例数据" in str(wb[name]["A1"].value), name
    detail = list(wb["排放明细"].iter_rows(min_row=3, values_only=True))
    assert detail and all(r[9] and r[10] for r in detail)  # factors with source, arithmetic
    assert "AR6" in str(wb["汇总"]["A1"].value)


def test_cli_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    text = example_inventory_path().read_text(encoding="utf-8")
    text = text.replace("交通运输,柴油,2020,25000", "交通运输,柴油,2020,-25000").replace(
        "居民生活,液化石油气,2024,3500,吨", "居民生活,液化石油气,2024,3500,千瓦")
    bad.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["inventory", "compute", str(bad), "--format", "json"])
    assert res.exit_code == 2
    assert res.stdout == ""  # nothing computed from partial input
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("  ")]
    assert len(lines) == 2 and "负数" in lines[0] and "无法换算" in lines[1]


def test_national_energy_co2_against_published_estimates() -> None:
    """China 2016, national energy use by fuel → energy CO₂, against published inventories.

    Activity: NBS 2016 statistical communiqué and NEA figures: total 43.6亿 tce; coal 62.0%;
    non-fossil 13.3%; clean energy (gas + non-fossil) 19.5% (the 2017 communiqué: 20.8%, up 1.3 points),
    so gas 6.2% and oil 100 − 62.0 − 19.5 = 18.5%. Converted to physical units with the standard-coal
    coefficients (coal as raw coal, oil as crude oil).
    Published figure: Han et al. 2020, ACP 20:11371 (doi 10.5194/acp-20-11371-2020): nine inventories give
    China's fossil-fuel CO₂ in 2016 as 9.8 (range 9.2–10.4) Gt. Tolerance: that published range. Our
    estimate also counts non-energy use and uses a single raw-coal quality, so it cannot be expected to be
    closer than the spread between the published inventories themselves.
    """
    total_tce = 43.6e8
    coal_t = total_tce * 0.620 / 0.7143  # raw coal, t
    oil_t = total_tce * 0.185 / 1.4286  # crude oil, t
    gas_wm3 = total_tce * 0.062 / 12.143  # natural gas, 10^4 m³
    meta = ("表,类别,子类,年份,数量,单位,用途,年生长率（%）,年消耗量（立方米）,备注\n"
            "基本信息,地区名称,全国,,,,,,,\n基本信息,基准年,2016,,,,,,,\n"
            "年度数据,地区生产总值（可比价）,,2016,746395,亿元,,,,\n"
            "年度数据,火电发电煤耗,,2016,300,克标准煤/千瓦时,,,,\n")
    body = (f"能源消费,工业和建筑业,原煤,2016,{coal_t},吨,燃料,,,\n"
            f"能源消费,工业和建筑业,原油,2016,{oil_t},吨,燃料,,,\n"
            f"能源消费,工业和建筑业,天然气,2016,{gas_wm3},万立方米,燃料,,,\n")
    inp = validate(read_csv_records((meta + body).encode(), "national.csv"), "national.csv")
    # the shipped sets have no raw-coal oxidation rate: without a named fallback the run stops
    with pytest.raises(InventoryInputError, match="原煤"):
        compute(inp)
    # with IPCC's complete oxidation allowed for it, the one mixed line is reported as such
    result = compute(inp, fallback="ipcc2006")
    assert len(result.warnings) == 1 and "原煤" in result.warnings[0] and "ipcc2006" in result.warnings[0]
    co2_gt = result.year(2016).totals()["energy_co2_direct"] / 1e9
    assert 9.2 <= co2_gt <= 10.4, co2_gt


SHANGYOU_TARGETS = [
    # as the plan states them (src/tanfeng/data/examples/shangyou-xian.txt, 主要目标):
    # "到2025年，单位地区生产总值能源消耗较2020年下降13%，力争达到13.5%，单位地区生产总值二氧化碳排放下降确保完成市下达指标"
    Target(id="T1", indicator="单位地区生产总值能源消耗", code="energy_intensity", change="decrease", value=13,
           unit="%", stretch_value=13.5, year=2025, baseline_year=2020, sentence="…下降13%，力争达到13.5%…"),
    Target(id="T2", indicator="单位地区生产总值二氧化碳排放", code="carbon_intensity", change="decrease", year=2025,
           assigned=True, sentence="单位地区生产总值二氧化碳排放下降确保完成市下达指标"),
    # "到2030年，非化石能源消费比重确保完成省市下达指标"
    Target(id="T3", indicator="非化石能源消费比重", code="non_fossil_share", change="increase", year=2030,
           assigned=True, sentence="非化石能源消费比重确保完成省市下达指标"),
]


def test_example_indicators_land_on_the_reference_plan_targets() -> None:
    result = compute(read_inventory(example_inventory_path()))
    obs = plan_observations(result, 2024)
    matches = {m.code: m for m in match_targets(obs, SHANGYOU_TARGETS)}
    assert set(matches) == {"energy_intensity", "carbon_intensity", "non_fossil_share"}
    ei = matches["energy_intensity"]
    assert ei.comparable and ei.observation.baseline_year == 2020 and ei.observation.unit == "%"
    assert ei.observation.value == pytest.approx(indicators(result, 2024).energy_intensity_reduction_pct)
    assert ei.reached is (ei.observation.value >= 13)
    assert matches["carbon_intensity"].target_value is None and not matches["carbon_intensity"].comparable
    for m in matches.values():
        assert m.observation.label == "示例数据"
        assert m.observation.provenance["kind"] == "inventory" and m.observation.provenance["source_sha256"]


def test_example_observations_match_the_parsed_reference_plan(reference_plan_path: Path) -> None:
    """The plan reader's targets of 上犹县 and the example inventory meet on the canonical codes."""
    from tanfeng.plans import read

    plan = read(reference_plan_path)
    result = compute(read_inventory(example_inventory_path()))
    obs = plan_observations(result, 2024)
    matched = {m.code: m for m in match_targets(obs, plan.targets)}
    assert {"energy_intensity", "carbon_intensity", "non_fossil_share", "forest_stock"} <= set(matched)
    ei = matched["energy_intensity"]
    assert ei.target_value == 13 and ei.comparable
    stock = matched["forest_stock"]
    # the example reports Chinese fir 540 + Masson pine 375 万m³ in 2024; the plan's 2030 target is 1101.72
    assert stock.observation.value == pytest.approx(915) and stock.target_value == pytest.approx(1101.72)
    assert stock.reached is False


def test_factors_command_lists_provenance(tmp_path: Path) -> None:
    res = runner.invoke(app, ["inventory", "factors", "--parameter", "grid_ef"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert rows and all(r["parameter"] == "grid_ef" and r["source"] and r["verified"] is False for r in rows)
    bad = tmp_path / "bad.csv"
    bad.write_text("parameter,item,value,unit\nncv,diesel,x,GJ/t\n", encoding="utf-8")
    res = runner.invoke(app, ["inventory", "factors", "--factors", str(bad)])
    assert res.exit_code == 2 and "第2行" in res.stderr and "value" in res.stderr


def test_gb18030_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(example_inventory_path().read_text(encoding="utf-8").encode("gb18030"))
    assert compute(read_inventory(path)).year(2024).totals() == pytest.approx(
        compute(read_inventory(example_inventory_path())).year(2024).totals())


def test_workbook_errors_name_sheet_row_and_column_letter(tmp_path: Path) -> None:
    book = tmp_path / "edited.xlsx"
    assert runner.invoke(app, ["inventory", "template", "--example", "-o", str(book)]).exit_code == 0
    wb = load_workbook(book)
    ws = wb["能源消费"]
    ws["D3"] = -1  # 消费量 of the second data row
    ws["B5"] = "可燃冰"  # an unknown fuel
    wb["农业"]["E2"] = "辆"  # a unit that cannot be an area
    wb.save(book)
    res = runner.invoke(app, ["inventory", "compute", str(book)])
    assert res.exit_code == 2 and res.stdout == ""
    problems = [ln.strip() for ln in res.stderr.splitlines() if ln.startswith("  ")]
    assert problems[0].startswith("能源消费 第3行 D列（消费量）: 不能为负数")
    assert problems[1].startswith("能源消费 第5行 B列（能源品种）: 未知能源品种“可燃冰”")
    assert problems[2].startswith("农业 第2行 E列（单位）: 单位“辆”无法换算")
    assert len(problems) == 3


def test_target_units_are_converted_before_comparison() -> None:
    result = compute(read_inventory(example_inventory_path()))
    obs = plan_observations(result, 2024)
    in_yi = Target(id="X", indicator="活立木蓄积量", code="forest_stock", change="level", value=0.09, unit="亿立方米",
                   year=2030, sentence="…")
    odd = Target(id="Y", indicator="活立木蓄积量", code="forest_stock", change="level", value=1, unit="公顷",
                 year=2030, sentence="…")
    by_id = {m.target_id: m for m in match_targets(obs, [in_yi, odd])}
    assert by_id["X"].comparable and by_id["X"].reached is True  # 915 万m³ = 0.0915 亿m³ ≥ 0.09
    assert not by_id["Y"].comparable and by_id["Y"].reached is None  # m³ vs hectare
