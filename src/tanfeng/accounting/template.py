"""The activity-data template workbook for office staff: Chinese headers, an instructions sheet,
drop-down lists for sectors, fuels, categories and units. Optionally pre-filled (the example)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import RawRecord
from tanfeng.accounting.sheets import ANNUAL_KEYS, META_KEYS, SHEETS, YES_LABEL, SheetSpec
from tanfeng.cells import neutralise_formulas

MAX_ROWS = 500  # rows covered by the drop-down lists

UNITS: dict[str, tuple[str, ...]] = {
    "energy": ("吨", "万吨", "万立方米", "亿立方米", "立方米", "万千瓦时", "亿千瓦时", "千瓦时", "吉焦", "万吉焦"),
    "generation": ("万千瓦时", "亿千瓦时", "千瓦时"),
    "process": ("吨", "万吨"),
    "agriculture": ("公顷", "万亩", "亩", "头", "万头", "只", "万只", "吨"),
    "forest": ("立方米", "万立方米"),
    "waste": ("吨", "万吨"),
    "annual": ("亿元", "万元", "克标准煤/千瓦时", "千克标准煤/千瓦时", "%"),
}

LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("energy", "key"): tuple(t.zh for t in vocab.SECTORS),
    ("energy", "sub"): tuple(f.zh for f in vocab.FUELS),
    ("energy", "use"): ("燃料", "原料"),
    ("generation", "key"): tuple(t.zh for t in vocab.GENERATION),
    ("process", "key"): tuple(t.zh for t in vocab.PROCESSES),
    ("agriculture", "key"): tuple(t.zh for t in vocab.AGRICULTURE),
    ("agriculture", "sub"): tuple(t.zh for t in vocab.AGRI_SUBTYPES),
    ("forest", "key"): tuple(t.zh for t in vocab.FOREST_TYPES),
    ("waste", "key"): tuple(t.zh for t in vocab.WASTE),
    ("waste", "sub"): tuple(t.zh for t in vocab.WASTE_SUBTYPES),
    ("annual", "key"): tuple(zh for _, zh, _, _ in ANNUAL_KEYS),
    ("meta", "label"): ("正式数据", "示例数据"),
}

INSTRUCTIONS: tuple[str, ...] = (
    "温室气体清单活动水平数据填报模板 / activity-data template for a GHG inventory",
    "",
    "1. 每个工作表一类数据；请勿修改表头，在表头下方逐行填写。下拉列表列出可选的部门、能源品种、类别和单位。",
    "2. “年份”必填：同一文件可填多个年份（例如基准年2020与当年2024），指标按相同口径对比。",
    "3. 数量不能为负；单位须能换算（如 吨、万吨、万立方米、万千瓦时），否则整份文件不计算并逐行提示错误。",
    "4. 能源消费：按部门、能源品种填写终端消费量；电力填全社会用电量（含线损，线损计入“能源工业”）；"
    "火电厂的燃料投入计入“能源工业”。用作原料的化石能源（原料用能）在“用途”列选“原料”。",
    "5. 本地发电：本县（区）境内各类电源的发电量，用于计算电力净调入和非化石能源。",
    "6. 年度数据：每个年份须填“地区生产总值（可比价）”（亿元，价格基年见基本信息）和“火电发电煤耗”"
    "（克标准煤/千瓦时，用于等价值折算）；“调入电力中非化石能源比重”可选，不填按0计。",
    "7. 林业：按林分类型填活立木蓄积量、年生长率（%）与年消耗量（立方米），结果为碳汇（负值）。",
    "8. 废弃物：填埋须另行提供可降解有机碳比例（DOC），废水甲烷须提供甲烷修正因子（MCF），"
    "通过自定义因子文件（tanfeng inventory compute --factors 文件.csv）提供。",
    "9. 示例数据：若“基本信息”中“数据性质”为“示例数据”，所有输出均标明“示例数据”。",
    "",
    "计算：tanfeng inventory compute 本文件.xlsx [--factors 因子集或文件] [--gwp AR5] [--format table|json|xlsx]",
)

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_template(path: str | Path, records: list[RawRecord] | None = None) -> Path:
    """Write the template workbook; ``records`` (e.g. the example CSV) are filled in."""
    wb = Workbook()
    intro = wb.active
    assert intro is not None
    intro.title = "说明"
    example = any(r.sheet == "基本信息" and YES_LABEL in r.text("sub") for r in records or [])
    if example:
        intro.append([f"【{YES_LABEL}】本文件填入的是虚构的示例数据，仅用于演示，不代表任何地区的实际情况"])
        intro["A1"].font = Font(bold=True, size=13, color="C00000")
    for line in INSTRUCTIONS:
        intro.append([line])
    intro.cell(row=2 if example else 1, column=1).font = Font(bold=True, size=13)
    _reference_tables(intro)
    intro.column_dimensions["A"].width = 120
    options = wb.create_sheet("选项")
    ranges = _write_options(options)
    by_sheet: dict[str, list[RawRecord]] = {}
    for rec in records or []:
        by_sheet.setdefault(rec.sheet, []).append(rec)
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name)
        _header(ws, spec)
        if spec.section == "meta":
            _meta_rows(ws, by_sheet.get(spec.name, []))
        else:
            for rec in by_sheet.get(spec.name, []):
                ws.append([_cell(rec, col.field) for col in spec.columns])
        _validations(ws, spec, ranges)
    options.sheet_state = "hidden"
    wb.move_sheet("选项", offset=len(wb.sheetnames))
    p = Path(path)
    neutralise_formulas(wb)
    wb.save(p)
    return p


_AGRI_UNITS = {"rice": "公顷（或 万亩）", "fertiliser": "吨（折纯氮）"}
_WASTE_UNITS = {"landfill": "吨（填埋量）", "incineration": "吨（焚烧量）", "wastewater_ch4": "吨（BOD或COD）",
                "wastewater_n2o": "吨（蛋白质消费量）"}


def _reference_tables(ws: Worksheet) -> None:
    """Fuels and categories with the unit each expects, under the instructions."""
    ws.append([])
    ws.append(["能源品种 / fuel", "建议单位 / unit"])
    for fuel in vocab.FUELS:
        ws.append([fuel.zh, fuel.display_unit])
    ws.append([])
    ws.append(["类别 / category", "活动水平单位 / unit", "IPCC 2006"])
    for t in vocab.PROCESSES:
        ws.append([f"工业过程：{t.zh}", "吨（产量）", t.ipcc])
    for t in vocab.AGRICULTURE:
        ws.append([f"农业：{t.zh}", _AGRI_UNITS.get(t.code, "头或只（饲养量口径按清单指南）"), t.ipcc])
    for t in vocab.FOREST_TYPES:
        ws.append([f"林业：{t.zh}", "立方米（活立木蓄积量）", t.ipcc])
    for t in vocab.WASTE:
        ws.append([f"废弃物：{t.zh}", _WASTE_UNITS[t.code], t.ipcc])
    for t in vocab.SECTORS:
        ws.append([f"能源消费部门：{t.zh}", "", t.ipcc])
    ws.column_dimensions["B"].width = 24


def _cell(rec: RawRecord, field: str) -> object:
    value = rec.cells.get(field, (None, ""))[0]
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and field == "year" else number
    return value


def _header(ws: Worksheet, spec: SheetSpec) -> None:
    ws.append([c.header for c in spec.columns])
    for idx, col in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True)
        ws.column_dimensions[get_column_letter(idx)].width = col.width
    ws.freeze_panes = "A2"


def _meta_rows(ws: Worksheet, records: list[RawRecord]) -> None:
    given = {r.text("key"): r.cells.get("sub", (None, ""))[0] for r in records}
    for _, zh, hint in META_KEYS:
        ws.append([zh, given.get(zh), hint])


def _write_options(ws: Worksheet) -> dict[tuple[str, str], str]:
    ranges: dict[tuple[str, str], str] = {}
    lists = dict(LISTS)
    lists.update({(section, "unit"): units for section, units in UNITS.items()})
    for col_idx, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col_idx)
        ws.cell(row=1, column=col_idx, value=f"{key[0]}.{key[1]}")
        for row_idx, value in enumerate(values, start=2):
            ws.cell(row=row_idx, column=col_idx, value=value)
        ranges[key] = f"选项!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _number_checks(ws: Worksheet, spec: SheetSpec) -> None:
    """Years are whole numbers 1990–2100; amounts, growth rates and harvests are not negative."""
    for idx, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(idx)
        if col.field == "year":
            dv = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100",
                                error="年份应为1990–2100的整数 / year must be a whole number", errorTitle="无效年份")
        elif col.field in {"amount", "growth", "harvest"}:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                error="数值不能为负 / must not be negative", errorTitle="无效数值")
        else:
            continue
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.add_data_validation(dv)


def _validations(ws: Worksheet, spec: SheetSpec, ranges: dict[tuple[str, str], str]) -> None:
    if spec.section != "meta":
        _number_checks(ws, spec)
    for idx, col in enumerate(spec.columns, start=1):
        key = ("meta", "label") if spec.section == "meta" and col.field == "sub" else (spec.section, col.field)
        formula = ranges.get(key)
        if formula is None:
            continue
        # other products and units are allowed (with a warning): the reader checks them anyway
        strict = key not in {("process", "key")} and col.field != "unit"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            errorStyle="stop" if strict else "warning",
                            error="请从下拉列表中选择 / choose from the list", errorTitle="无效输入")
        letter = get_column_letter(idx)
        if spec.section == "meta":
            dv.add(f"{letter}{2 + [k for k, _, _ in META_KEYS].index('label')}")
        else:
            dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.add_data_validation(dv)
