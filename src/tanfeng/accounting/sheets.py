"""Layout of the activity-data workbook: sheets, columns, and the long CSV equivalent.

One place defines what the template writes and what the readers accept, so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    field: str  # internal field: key, sub, year, amount, unit, use, growth, harvest, note
    header: str  # Chinese header as written in the template
    en: str
    width: int = 14


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: str  # sheet name (Chinese)
    section: str  # meta | annual | energy | generation | process | agriculture | forest | waste
    en: str
    columns: tuple[Column, ...]


_YEAR = Column("year", "年份", "year", 8)
_UNIT = Column("unit", "单位", "unit", 12)
_NOTE = Column("note", "备注", "note", 28)

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("基本信息", "meta", "general", (
        Column("key", "项目", "item", 22), Column("sub", "内容", "value", 22), Column("note", "说明", "note", 60))),
    SheetSpec("年度数据", "annual", "annual data", (
        Column("key", "指标", "indicator", 26), _YEAR, Column("amount", "数值", "value"), _UNIT, _NOTE)),
    SheetSpec("能源消费", "energy", "energy consumption", (
        Column("key", "部门", "sector", 16), Column("sub", "能源品种", "fuel", 16), _YEAR,
        Column("amount", "消费量", "amount"), _UNIT, Column("use", "用途", "use", 10), _NOTE)),
    SheetSpec("本地发电", "generation", "local generation", (
        Column("key", "发电类型", "generation type", 14), _YEAR, Column("amount", "发电量", "generation"), _UNIT, _NOTE)),
    SheetSpec("工业过程", "process", "industrial processes", (
        Column("key", "产品", "product", 16), _YEAR, Column("amount", "产量", "production"), _UNIT, _NOTE)),
    SheetSpec("农业", "agriculture", "agriculture", (
        Column("key", "类别", "category", 16), Column("sub", "子类", "subtype", 20), _YEAR,
        Column("amount", "活动水平", "activity"), _UNIT, _NOTE)),
    SheetSpec("林业", "forest", "forestry", (
        Column("key", "林分类型", "forest type", 12), _YEAR, Column("amount", "活立木蓄积量", "growing stock", 16),
        _UNIT, Column("growth", "年生长率（%）", "annual growth rate (%)", 14),
        Column("harvest", "年消耗量（立方米）", "annual harvest (m³)", 18), _NOTE)),
    SheetSpec("废弃物", "waste", "waste", (
        Column("key", "类别", "category", 16), Column("sub", "子类", "subtype", 18), _YEAR,
        Column("amount", "活动水平", "activity"), _UNIT, _NOTE)),
)

SHEETS_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in SHEETS}

# The long CSV: one table, a 表 column naming the sheet, and these columns (field → header).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sheet", "表"), ("key", "类别"), ("sub", "子类"), ("year", "年份"), ("amount", "数量"), ("unit", "单位"),
    ("use", "用途"), ("growth", "年生长率（%）"), ("harvest", "年消耗量（立方米）"), ("note", "备注"),
)

# 基本信息 keys (Chinese item → field), with the explanation the template shows.
META_KEYS: tuple[tuple[str, str, str], ...] = (
    ("region", "地区名称", "如：上犹县"),
    ("province", "省份", "如：江西（用于查找省级排放因子）"),
    ("base_year", "基准年", "强度下降率的比较年份，如 2020"),
    ("price_base_year", "价格基年", "地区生产总值可比价所用的价格年份，如 2020"),
    ("grid_region", "电网排放因子区域", "省份（如 江西）、区域电网（如 华中）或 全国"),
    ("grid_factor_year", "电网排放因子年份", "留空则各年采用当年因子（无当年因子时用最近年份）；填写则各年统一采用该年因子，便于可比"),
    ("agri_zone", "农业分区", "稻田甲烷排放因子分区，如 华东、中南"),
    ("label", "数据性质", "正式数据 或 示例数据；示例数据会在所有输出中标明"),
    ("reporter", "填报单位", "如：县发改委"),
)

ANNUAL_KEYS: tuple[tuple[str, str, str, str], ...] = (
    # field, Chinese name, default unit, canonical unit
    ("gdp", "地区生产总值（可比价）", "亿元", "1e8 * CNY"),
    ("coal_rate", "火电发电煤耗", "克标准煤/千瓦时", "kgce / kWh"),
    ("import_nonfossil_share", "调入电力中非化石能源比重", "%", ""),
)

YES_LABEL = "示例数据"
