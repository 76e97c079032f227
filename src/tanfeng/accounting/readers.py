"""Read an activity-data workbook (.xlsx) or its long CSV into validated ``InventoryInput``."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tanfeng.accounting.activity import InventoryInput, InventoryInputError, Problem, RawRecord, validate
from tanfeng.accounting.sheets import CSV_COLUMNS, SHEETS, SHEETS_BY_NAME, SheetSpec

HEADER_SCAN_ROWS = 5  # the header row may sit under a title line


def read_inventory(path: str | Path) -> InventoryInput:
    """Read and validate an activity-data file (.xlsx or .csv)."""
    p = Path(path)
    if not p.is_file():
        raise InventoryInputError(str(p), [Problem(p.name, None, None, "文件不存在", "file not found")])
    suffix = p.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        records = read_xlsx_records(p)
    elif suffix in {".csv", ".txt"}:
        records = read_csv_records(p.read_bytes(), p.name)
    else:
        raise InventoryInputError(str(p), [Problem(p.name, None, None, "只支持 .xlsx 或 .csv 文件",
                                                    "only .xlsx or .csv files are supported")])
    inp = validate(records, str(p))
    inp.sha256 = hashlib.sha256(p.read_bytes()).hexdigest()
    return inp


def _header_map(ws: object, spec: SheetSpec) -> tuple[int, dict[int, tuple[str, str]]] | None:
    """Find the header row; map column index → (field, label)."""
    for row_idx, row in enumerate(ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True),  # type: ignore[attr-defined]
                                  start=1):
        cells = [str(c).strip() if c is not None else "" for c in row]
        mapping: dict[int, tuple[str, str]] = {}
        for col in spec.columns:
            for idx, text in enumerate(cells):
                if text.split("\n")[0].startswith(col.header):
                    mapping[idx] = (col.field, f"{get_column_letter(idx + 1)}列（{col.header}）")
                    break
        if len(mapping) == len(spec.columns) or (mapping and spec.columns[0].field in {f for f, _ in mapping.values()}
                                                 and len(mapping) >= 3):
            return row_idx, mapping
    return None


def read_xlsx_records(path: Path) -> list[RawRecord]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a broken file
        raise InventoryInputError(str(path), [Problem(path.name, None, None, "无法作为Excel工作簿打开",
                                                       f"cannot open as an Excel workbook ({type(err).__name__})")]) from err
    records: list[RawRecord] = []
    problems: list[Problem] = []
    try:
        for spec in SHEETS:
            if spec.name not in wb.sheetnames:
                continue
            ws = wb[spec.name]
            found = _header_map(ws, spec)
            if found is None:
                problems.append(Problem(spec.name, None, None, "找不到表头行", "header row not found"))
                continue
            header_row, mapping = found
            for row_idx, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True),
                                          start=header_row + 1):
                cells = {f: (row[i] if i < len(row) else None, label) for i, (f, label) in mapping.items()}
                if all(v is None or (isinstance(v, str) and not v.strip()) for v, _ in cells.values()):
                    continue
                records.append(RawRecord(spec.name, row_idx, cells))
    finally:
        wb.close()
    if problems:
        raise InventoryInputError(str(path), problems)
    return records


def read_csv_records(data: bytes, name: str) -> list[RawRecord]:
    """Records from the long CSV (UTF-8 with or without BOM, or GB18030)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as err:
            raise InventoryInputError(name, [Problem(name, None, None, "无法识别文本编码（应为UTF-8或GB18030）",
                                                     "unknown text encoding (expected UTF-8 or GB18030)")]) from err
    reader = csv.reader(io.StringIO(text))
    rows = [r for r in reader if not (r and r[0].lstrip().startswith("#"))]  # comment lines (e.g. the 示例数据 banner)
    if not rows:
        raise InventoryInputError(name, [Problem(name, None, None, "文件为空", "file is empty")])
    header = [h.strip() for h in rows[0]]
    index = {h: i for i, h in enumerate(header)}
    missing = [h for f, h in CSV_COLUMNS if f in {"sheet", "key", "year", "amount", "unit"} and h not in index]
    if missing:
        raise InventoryInputError(name, [Problem(name, 1, missing[0], "缺少必需列", "required column missing")])
    records: list[RawRecord] = []
    for rowno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells: dict[str, tuple[object, str]] = {}
        for fld, head in CSV_COLUMNS:
            i = index.get(head)
            if i is not None and i < len(row):
                cells[fld] = (row[i].strip() or None, f"列“{head}”")
        sheet = str(cells.pop("sheet", ("", ""))[0] or "")
        spec = SHEETS_BY_NAME.get(sheet)
        if spec is not None:
            # the 内容 of 基本信息 and the 数值 of 年度数据 use the common columns
            cells = {k: v for k, v in cells.items() if k in {c.field for c in spec.columns}}
        records.append(RawRecord(sheet or "?", rowno, cells))
    return records
