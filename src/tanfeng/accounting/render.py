"""Render an inventory result: plain-text table, JSON document, or an Excel workbook."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from tanfeng.accounting.factors import EVIDENCE_ZH
from tanfeng.accounting.indicators import Indicators
from tanfeng.accounting.observations import Observation
from tanfeng.accounting.results import SECTOR_ZH, SUMMARY_ROWS, EmissionLine, InventoryResult
from tanfeng.cells import neutralise_formulas

# kept for callers of the old name: the Chinese label of each headline key
TOTAL_ZH: dict[str, str] = {key: zh for key, zh, _ in SUMMARY_ROWS}


INDICATOR_ZH: dict[str, str] = {
    "year": "考核年", "base_year": "基准年", "energy_total_tce": "能源消费总量（所选折算方法，吨标准煤）",
    "energy_total_eq_tce": "能源消费总量（等价值，吨标准煤）", "energy_total_cal_tce": "能源消费总量（当量值，吨标准煤）",
    "energy_assessed_tce": "考核口径能耗（吨标准煤）", "base_energy_assessed_tce": "基准年考核口径能耗（吨标准煤）",
    "gdp": "地区生产总值（可比价，亿元）", "base_gdp": "基准年地区生产总值（亿元）",
    "energy_intensity": "单位GDP能耗（吨标准煤/万元）", "base_energy_intensity": "基准年单位GDP能耗（吨标准煤/万元）",
    "energy_intensity_reduction_pct": "能耗强度下降率（%）", "co2_t": "二氧化碳排放（吨）",
    "base_co2_t": "基准年二氧化碳排放（吨）", "carbon_intensity": "单位GDP二氧化碳排放（吨/万元）",
    "base_carbon_intensity": "基准年单位GDP二氧化碳排放（吨/万元）",
    "carbon_intensity_reduction_pct": "碳排放强度下降率（%）", "non_fossil_share_pct": "非化石能源消费比重（%）",
}


def _title(result: InventoryResult) -> str:
    label = f"【{result.label}】" if result.label else ""
    return f"{label}{result.input.region or '（未填地区）'} 温室气体清单 / GHG inventory（GWP {result.gwp_metric}）"


def to_dict(result: InventoryResult, ind: Indicators | None = None,
            observations: dict[str, Observation] | None = None) -> dict[str, Any]:
    """The JSON document: every line with its activity, factors (with source) and arithmetic."""
    inp = result.input
    return {
        "label": result.label,
        "region": inp.region,
        "source": {"path": inp.source, "sha256": inp.sha256},
        "base_year": inp.base_year,
        "gwp": result.gwp_metric,
        "factor_sets": result.factor_sets,
        "fallback": result.fallback,
        "warnings": result.warnings,
        "evidence": result.evidence_counts(),
        "notes": result.notes,
        "years": {
            str(y): {
                "totals_t": yr.totals(),
                "energy_balance": {k: v for k, v in asdict(yr.balance).items()},
                "lines": [ln.to_dict() for ln in yr.lines],
            } for y, yr in result.years.items()
        },
        "summary": [{"key": k, "label": zh, "label_en": en, "values_t": dict(zip(map(str, sorted(result.years)), v,
                                                                                    strict=True))}
                    for k, zh, en, v in result.summary()],
        "indicators": ind.to_dict() if ind else None,
        "observations": {k: o.to_dict() for k, o in (observations or {}).items()},
    }


def to_json(result: InventoryResult, ind: Indicators | None = None,
            observations: dict[str, Observation] | None = None) -> str:
    return json.dumps(to_dict(result, ind, observations), ensure_ascii=False, indent=2)


def to_table(result: InventoryResult, ind: Indicators | None = None) -> str:
    """A compact text summary (万吨 = 10⁴ t)."""
    years = sorted(result.years)
    out = [_title(result), ""]
    if result.warnings:
        out += ["警告：以下各行混用了因子集 / warnings: these lines mix factor sets", *("  " + w for w in result.warnings), ""]
    head = _pad("项目", 40) + "".join(f"{y:>14}" for y in years)
    out += [head + "   单位：万吨二氧化碳（当量）", "-" * len(head)]
    for _key, zh, _en, values in result.summary():
        out.append(_pad(zh, 40) + "".join(f"{v / 1e4:>14.2f}" for v in values))
    out += ["", _pad("能源消费总量（等价值，万tce）", 40) + "".join(
        f"{result.years[y].balance.total_eq_tce / 1e4:>14.2f}" for y in years)]
    out.append(_pad("能源消费总量（当量值，万tce）", 40) + "".join(
        f"{result.years[y].balance.total_cal_tce / 1e4:>14.2f}" for y in years))
    if ind is not None:
        out += ["", f"双控指标 {ind.year} 较 {ind.base_year} / dual-control indicators", *("  " + t for t in ind.trace)]
    if result.notes:
        out += ["", "说明 / notes:", *("  " + n for n in result.notes)]
    return "\n".join(out)


def _pad(text: str, width: int) -> str:
    """Left-align text whose CJK characters take two columns."""
    cols = sum(2 if ord(c) > 0x2E80 else 1 for c in text)
    return text + " " * max(width - cols, 1)


def _factor_text(ln: EmissionLine) -> str:
    return "；".join(f"{f.parameter}={f.value:.6g} {f.unit}（{f.factor_set}: {f.source} {f.table}，"
                     f"{'已核验' if f.verified else '未核验'}）" for f in ln.factors)


def write_xlsx(result: InventoryResult, path: str | Path, ind: Indicators | None = None,
               observations: dict[str, Observation] | None = None) -> None:
    """Write the result as a workbook: summary, lines with factors and arithmetic, factors, indicators."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    ws.append([_title(result)])
    ws["A1"].font = Font(bold=True, size=13)
    years = sorted(result.years)
    ws.append(["项目（吨）", *years])
    for _key, zh, _en, values in result.summary():
        ws.append([zh, *values])
    ws.append(["能源消费总量（等价值，吨标准煤）", *(result.years[y].balance.total_eq_tce for y in years)])
    ws.append(["能源消费总量（当量值，吨标准煤）", *(result.years[y].balance.total_cal_tce for y in years)])
    for note in result.notes:
        ws.append([note])
    ws.column_dimensions["A"].width = 40
    lines = wb.create_sheet("排放明细")
    lines.append([_title(result)])
    lines.append(["年份", "部门", "类别", "IPCC", "气体", "范围", "活动水平", "排放量（吨气体）", "CO₂当量（吨）",
                  "因子及来源", "计算过程", "来源行", "警告"])
    for y in years:
        for ln in result.years[y].lines:
            lines.append([ln.year, SECTOR_ZH[ln.sector], ln.category_zh, ln.ipcc, ln.gas,
                          "直接" if ln.scope == "direct" else "间接", ln.activity, ln.emission_t, ln.co2e_t,
                          _factor_text(ln), ln.arithmetic, "，".join(ln.source_rows), "；".join(ln.warnings)])
    for col, width in zip("ABCDEFGHIJKLM", (6, 14, 24, 8, 6, 6, 30, 14, 14, 60, 60, 14, 40), strict=True):
        lines.column_dimensions[col].width = width
    _factor_sheet(wb, result)
    _balance_sheet(wb, result)
    if ind is not None:
        sheet = wb.create_sheet("双控指标")
        sheet.append([_title(result)])
        for key, value in ind.to_dict().items():
            if key not in {"trace", "options", "deductions", "base_deductions"}:
                sheet.append([INDICATOR_ZH.get(key, key), value, key])
        for what, tce in ind.deductions:
            sheet.append([f"{ind.year} {what}（吨标准煤）", -tce, "deduction"])
        for what, tce in ind.base_deductions:
            sheet.append([f"{ind.base_year} {what}（吨标准煤）", -tce, "base_deduction"])
        for line in ind.trace:
            sheet.append([line])
        for code, ob in (observations or {}).items():
            sheet.append([f"observation:{code}", ob.value, ob.unit, ob.measure, ob.baseline_year])
    neutralise_formulas(wb)
    wb.save(path)


def _factor_sheet(wb: Workbook, result: InventoryResult) -> None:
    sheet = wb.create_sheet("因子")
    sheet.append([_title(result)])
    sheet.append(["因子集", "参数", "项目", "区域", "年份", "数值", "单位", "来源文件", "表", "版本", "已核验", "依据类型",
                  "依据出处", "说明"])
    seen: set[tuple[str, str, str, str, int | None]] = set()
    for yr in result.years.values():
        for ln in yr.lines:
            for f in ln.factors:
                key = (f.factor_set, f.parameter, f.item, f.region, f.year)
                if key in seen:
                    continue
                seen.add(key)
                sheet.append([f.factor_set, f.parameter, f.item, f.region, f.year, f.value, f.unit, f.source,
                              f.table, f.edition, "是" if f.verified else "否", EVIDENCE_ZH.get(f.evidence, f.evidence),
                              f.evidence_ref, f.note])


_BALANCE_ROWS: tuple[tuple[str, str], ...] = (
    ("fossil_tce", "化石能源（吨标准煤，含原料）"), ("feedstock_tce", "其中：原料用能（吨标准煤）"),
    ("biomass_tce", "生物质能（吨标准煤）"), ("heat_tce", "外购热力（吨标准煤）"),
    ("electricity_use_kwh", "全社会用电量（千瓦时）"), ("nonfossil_generation_kwh", "本地非化石能源发电量（千瓦时）"),
    ("net_import_kwh", "净调入电量（千瓦时）"), ("coal_rate", "火电发电煤耗（千克标准煤/千瓦时）"),
    ("import_nonfossil_share", "调入电力中非化石能源比重"), ("total_eq_tce", "能源消费总量（等价值，吨标准煤）"),
    ("total_cal_tce", "能源消费总量（当量值，吨标准煤）"), ("nonfossil_eq_tce", "非化石能源（等价值，吨标准煤）"),
)


def _balance_sheet(wb: Workbook, result: InventoryResult) -> None:
    sheet = wb.create_sheet("能源平衡")
    sheet.append([_title(result)])
    years = sorted(result.years)
    sheet.append(["项目", *years])
    for key, zh in _BALANCE_ROWS:
        sheet.append([zh, *(getattr(result.years[y].balance, key) for y in years)])
    for y in years:
        for line in result.years[y].balance.trace:
            sheet.append([f"{y}: {line}"])
    sheet.column_dimensions["A"].width = 40
