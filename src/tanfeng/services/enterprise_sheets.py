"""Workbooks of the enterprise and project lists: the template (with data validation), reading a filled
one (within the upload limits, in a worker), and the Excel export of a list.

A sheet's first row holds "中文\\nEnglish" headers; a file is read by the header words, so columns may be
moved. CSV files with the same headers are read too (UTF-8 or GB18030).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tanfeng.cells import cell, neutralise_formulas
from tanfeng.services import upload_guard
from tanfeng.services.errors import StoreError

Columns = Sequence[tuple[str, str, str]]  # (key, 中文, English)

ENTERPRISE_SHEET = "企业名录"
PROJECT_SHEET = "项目清单"
YES_NO = ("是", "否")
STATUS_WORDS = {"拟建": "proposed", "在建": "construction", "投产": "operating", "存量": "operating",
                "改造": "retrofit", "退出": "exited"}
STATUS_ZH = {"proposed": "拟建", "construction": "在建", "operating": "投产（存量）", "retrofit": "改造", "exited": "退出"}
STATUS_EN = {"proposed": "proposed", "construction": "under construction", "operating": "in operation",
             "retrofit": "retrofit", "exited": "exited"}

ENTERPRISE_COLUMNS: Columns = (
    ("region", "地区", "Region"), ("name", "企业名称", "Name"), ("uscc", "统一社会信用代码", "Credit code"),
    ("industry_code", "行业代码（GB/T 4754）", "Industry code"), ("industry_name", "行业名称", "Industry"),
    ("products", "主要产品", "Products"), ("key_energy_user", "重点用能单位", "Key energy user"),
    ("key_emitter", "重点排放单位", "Key emitter"), ("carbon_market", "纳入全国碳市场", "In the carbon market"),
    ("contact_name", "联系人", "Contact"), ("contact_phone", "联系电话", "Phone"),
    ("contact_email", "电子邮箱", "E-mail"), ("note", "备注", "Note"),
)
PROJECT_COLUMNS: Columns = (
    ("region", "地区", "Region"), ("code", "项目代码", "Project code"), ("name", "项目名称", "Project"),
    ("uscc", "企业统一社会信用代码", "Owner's credit code"), ("industry_code", "行业代码（GB/T 4754）", "Industry code"),
    ("status", "项目状态", "Status"), ("product", "产品", "Product"),
    ("design_capacity", "设计产能", "Design capacity"), ("capacity_unit", "产能单位", "Capacity unit"),
    ("design_unit_energy", "设计单位产品能耗", "Design unit energy use"),
    ("unit_energy_unit", "单位产品能耗单位", "Unit of unit energy use"),
    ("energy_equivalent_tce", "年综合能耗等价值（吨标准煤）", "Annual energy, equivalent (tce)"),
    ("energy_calorific_tce", "年综合能耗当量值（吨标准煤）", "Annual energy, calorific (tce)"),
    ("coal_tce", "年煤炭消费量（吨标准煤）", "Annual coal (tce)"), ("co2_t", "年二氧化碳排放（吨）", "Annual CO2 (t)"),
    ("start_year", "开工年份", "Start year"), ("operation_year", "投产年份", "Operation year"),
    ("review_date", "节能审查日期", "Review date"), ("review_office", "节能审查机关", "Reviewing office"),
    ("review_document_no", "节能审查文号", "Review document no."),
    ("approved_equivalent_tce", "批复能耗等价值（吨标准煤）", "Approved energy, equivalent (tce)"),
    ("approved_calorific_tce", "批复能耗当量值（吨标准煤）", "Approved energy, calorific (tce)"),
    ("approved_coal_tce", "批复煤炭消费量（吨标准煤）", "Approved coal (tce)"),
    ("review_conditions", "审查意见（条件）", "Review conditions"),
)
FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class SheetRows:
    path: str
    rows: list[tuple[int, dict[str, Any]]]  # (row number in the sheet, header key → value)
    columns: set[str]


def _letter(columns: Columns, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([k for k, _, _ in columns].index(key) + 1)


def _sheet(wb: Workbook, title: str, columns: Columns, rows: list[dict[str, Any]], *, first: bool) -> Worksheet:
    ws = wb.active if first else wb.create_sheet(title)
    assert ws is not None
    ws.title = title
    ws.append([f"{zh}\n{en}" for _, zh, en in columns])
    for head in ws[1]:
        head.font, head.fill = Font(bold=True), HEAD
        head.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        ws.append([cell(row.get(key)) for key, _, _ in columns])
    for idx, (key, _, _) in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = 30 if key in ("name", "products") else 16
    ws.freeze_panes = "B2"
    return ws


def _validations(ws: Worksheet, columns: Columns, lists: dict[str, Sequence[str]], numbers: Sequence[str],
                 years: Sequence[str], last_row: int) -> None:
    for key, values in lists.items():
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, error="请从列表中选择 / choose from the list")
        dv.add(f"{_letter(columns, key)}2:{_letter(columns, key)}{last_row}")
        ws.add_data_validation(dv)
    for key in numbers:
        dv = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True,
                            showErrorMessage=True, error="请填写数字 / a number, please")
        dv.add(f"{_letter(columns, key)}2:{_letter(columns, key)}{last_row}")
        ws.add_data_validation(dv)
    for key in years:
        dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100", allow_blank=True,
                            showErrorMessage=True, error="年份（2000—2100）/ a year (2000–2100)")
        dv.add(f"{_letter(columns, key)}2:{_letter(columns, key)}{last_row}")
        ws.add_data_validation(dv)
    # 18 characters, checked again (with the check character) when the file is imported
    if "uscc" in [k for k, _, _ in columns]:
        dv = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True,
                            showErrorMessage=True, error="统一社会信用代码为18位 / the credit code has 18 characters")
        dv.add(f"{_letter(columns, 'uscc')}2:{_letter(columns, 'uscc')}{last_row}")
        ws.add_data_validation(dv)


ENTERPRISE_NOTES = [
    "填表说明 / Instructions",
    "1. 每行一家企业；统一社会信用代码（18位）必填，导入时校验其校验位；同一代码再次导入即更新该企业。",
    "2. 行业代码按GB/T 4754-2017填写（如水泥制造 C3011）；“是/否”列从下拉列表选择。",
    "3. 任何一行有错，整份文件不导入，并逐行列出错误。",
    "One enterprise per row; the 18-character credit code is required and checked; any bad row refuses the whole file.",
]
PROJECT_NOTES = [
    "填表说明 / Instructions",
    "1. 每行一条产品线；同一项目有多条产品线时，项目代码相同的各行合为一个项目（项目信息填在首行即可）。",
    "2. 项目状态：拟建、在建、投产（存量）、改造、退出；企业须已在企业名录中（按统一社会信用代码）。",
    "3. 产品填标杆表中的产品名称（如“水泥熟料”）；设计单位产品能耗的单位可为 kgce/t、tce/t、kWh/t、kgoe/t。",
    "4. 节能审查信息（日期、机关、文号、批复能耗）有则填写。任何一行有错，整份文件不导入，并逐行列出错误。",
    "One product line per row; rows with the same project code form one project. Any bad row refuses the whole file.",
]


def enterprise_template(path: str | Path, rows: list[dict[str, Any]] | None = None, *, regions: Sequence[str] = ()) -> None:
    """The enterprise workbook (``rows`` pre-filled: an export that can be edited and imported again)."""
    rows = rows or []
    wb = Workbook()
    ws = _sheet(wb, ENTERPRISE_SHEET, ENTERPRISE_COLUMNS, rows, first=True)
    lists: dict[str, Sequence[str]] = {k: YES_NO for k in ("key_energy_user", "key_emitter", "carbon_market")}
    if regions:
        lists["region"] = regions
    _validations(ws, ENTERPRISE_COLUMNS, lists, (), (), max(len(rows) + 1, 500))
    notes = wb.create_sheet("说明")
    for line in ENTERPRISE_NOTES:
        notes.append([cell(line)])
    notes.column_dimensions["A"].width = 110
    neutralise_formulas(wb)
    wb.save(str(path))


def project_template(path: str | Path, rows: list[dict[str, Any]] | None = None, *, regions: Sequence[str] = (),
                     products: Sequence[str] = ()) -> None:
    rows = rows or []
    wb = Workbook()
    ws = _sheet(wb, PROJECT_SHEET, PROJECT_COLUMNS, rows, first=True)
    lists: dict[str, Sequence[str]] = {"status": ("拟建", "在建", "投产", "改造", "退出"),
                                       "unit_energy_unit": ("kgce/t", "tce/t", "kWh/t", "kgoe/t")}
    if regions:
        lists["region"] = regions
    if products and len(",".join(products)) < 250:  # Excel's limit for an inline list
        lists["product"] = products
    numbers = ("design_capacity", "design_unit_energy", "energy_equivalent_tce", "energy_calorific_tce", "coal_tce",
               "co2_t", "approved_equivalent_tce", "approved_calorific_tce", "approved_coal_tce")
    _validations(ws, PROJECT_COLUMNS, lists, numbers, ("start_year", "operation_year"), max(len(rows) + 1, 500))
    notes = wb.create_sheet("说明")
    for line in PROJECT_NOTES:
        notes.append([cell(line)])
    if products:
        notes.append([""])
        notes.append([cell("标杆表产品 / benchmark products: " + "、".join(products))])
    notes.column_dimensions["A"].width = 110
    neutralise_formulas(wb)
    wb.save(str(path))


def _key_of(columns: Columns) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, zh, en in columns:
        out[zh], out[en.lower()], out[key] = key, key, key
        out[zh.split("（")[0]] = key
    return out


def _header(value: Any, keys: dict[str, str]) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    for part in [text, *text.split("\n")]:
        part = part.strip()
        if part in keys or part.lower() in keys:
            return keys.get(part) or keys[part.lower()]
    return None


def _records(columns: Columns, table: list[list[Any]], path: str, sheet: str) -> SheetRows:
    if not table:
        raise StoreError(f"{path}: “{sheet}”表为空", f"{path}: the sheet '{sheet}' is empty")
    keys = _key_of(columns)
    header = [_header(h, keys) for h in table[0]]
    if not any(header):
        raise StoreError(f"{path}: 第1行没有可识别的列名（请用模板）", f"{path}: row 1 holds no known column (use the template)")
    rows = []
    for number, values in enumerate(table[1:], start=2):
        record = {k: v for k, v in zip(header, values, strict=False) if k}
        record = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items()}
        if any(v not in (None, "") for v in record.values()):
            rows.append((number, record))
    return SheetRows(path, rows, {k for k in header if k})


def parse_sheet(path: str, sheet: str, columns: Columns) -> SheetRows:
    """The rows of ``sheet`` (or a CSV file) keyed by column; blank rows skipped, row numbers kept."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        data = p.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise StoreError(f"{path}: 无法识别文件编码（应为UTF-8或GB18030）", f"{path}: unknown encoding (UTF-8 or GB18030)")
        return _records(columns, [list(r) for r in csv.reader(io.StringIO(text))], path, sheet)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise StoreError(f"{path}: 无法打开工作簿", f"{path}: cannot open the workbook ({type(err).__name__})") from err
    try:
        ws = wb[sheet] if sheet in wb.sheetnames else wb.worksheets[0]
        return _records(columns, [list(r) for r in ws.iter_rows(values_only=True)], path, sheet)
    finally:
        wb.close()


def _read_limited(path: str, name: str, sheet: str, columns: Columns, limits: upload_guard.FileLimits) -> SheetRows:
    if upload_guard._is_zip(Path(path)):
        upload_guard.count_workbook(path, name, limits)
    return parse_sheet(path, sheet, columns)


def read_sheet(path: Path, name: str, sheet: str, columns: Columns,
               limits: upload_guard.FileLimits = upload_guard.DEFAULT_LIMITS) -> SheetRows:
    """``parse_sheet`` in a worker within the upload limits (size, zip shape, time, memory)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
        raise StoreError(f"{name}: 只能导入 .xlsx 或 .csv 文件", f"{name}: only .xlsx or .csv files can be imported")
    if not path.is_file():
        raise StoreError(f"{name}: 文件不存在", f"{name}: file not found")
    if upload_guard._is_zip(path):
        upload_guard.inspect_archive(path, name, limits)
    return upload_guard.run_limited(_read_limited, (str(path), name, sheet, columns, limits), name, limits)
