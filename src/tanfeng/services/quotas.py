"""The quotas a city (or province) assigns to its lower regions (下达指标), in one table or one Excel file.

Each lower region's plan has targets it defers to a quota from above (``assigned``); entering the
quota makes that target trackable, with the assigning document's number (文号) as its source. All
rows are checked first, then written in one transaction with a change-log entry per target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.db.models import ChangeLog, Indicator, Region, Target
from tanfeng.db.session import Database
from tanfeng.services.errors import ImportValidationError, RowError, StoreError
from tanfeng.services.queries import current_versions
from tanfeng.services.tracked import units_match

SHEET = "下达指标"
COLUMNS = [("地区", "region"), ("指标代码", "code"), ("指标", "indicator"), ("目标年", "year"),
           ("下达值", "value"), ("单位", "unit")]


@dataclass(frozen=True)
class QuotaCell:
    plan_id: int
    target_id: int
    target: str
    unit: str | None
    value: float | None
    doc: str | None


@dataclass
class QuotaTable:
    region: str
    columns: list[tuple[str, int | None, str]]  # (code, year, indicator name)
    rows: list[tuple[str, dict[tuple[str, int | None], QuotaCell]]] = field(default_factory=list)  # region → cells


@dataclass(frozen=True)
class QuotaEntry:
    region: str
    code: str
    year: int | None
    value: float
    unit: str | None = None


def _lower_targets(session: Any, region: Region) -> list[tuple[str, Target, Indicator, int]]:
    """(lower region, assigned target, indicator, plan id) of the direct lower regions' current plans."""
    children = {r.id: r.name for r in session.scalars(select(Region).where(Region.parent_id == region.id))}
    out = []
    for ref in current_versions(session):
        if ref.region.id not in children:
            continue
        for t, ind in session.execute(select(Target, Indicator).join(Indicator, Indicator.id == Target.indicator_id)
                                      .where(Target.version_id == ref.version.id, Target.assigned.is_(True))
                                      .order_by(Target.position)):
            if ind.code:
                out.append((children[ref.region.id], t, ind, ref.plan.id))
    return out


def quota_table(db: Database, region_id: int) -> QuotaTable:
    """Lower regions × their assigned targets (by indicator code and year), with the quotas entered so far."""
    with db.transaction() as session:
        region = session.get(Region, region_id)
        if region is None:
            raise StoreError(f"没有编号为{region_id}的地区", f"no region {region_id}")
        table = QuotaTable(region.name, [])
        by_region: dict[str, dict[tuple[str, int | None], QuotaCell]] = {}
        names: dict[tuple[str, int | None], str] = {}
        for name, t, ind, plan_id in _lower_targets(session, region):
            key = (ind.code or "", t.year)
            names.setdefault(key, ind.name)
            by_region.setdefault(name, {})[key] = QuotaCell(plan_id, t.id, t.code, t.quota_unit or ind.unit,
                                                            t.quota_value, t.quota_doc)
        table.columns = [(c, y, names[(c, y)]) for c, y in sorted(names, key=lambda k: (k[0], k[1] or 0))]
        table.rows = sorted(by_region.items())
        return table


def save_quotas(db: Database, region_id: int, entries: list[QuotaEntry], *, doc: str, actor: str,
                source: str = "form") -> int:
    """Check every entry, then store all (one transaction); returns how many quotas changed."""
    with db.write() as session:
        return save_quotas_in(session, region_id, entries, doc=doc, actor=actor, source=source)


def save_quotas_in(session: Session, region_id: int, entries: list[QuotaEntry], *, doc: str, actor: str,
                   source: str = "form") -> int:
    """``save_quotas`` in the caller's write transaction."""
    doc = (doc or "").strip()
    if not doc:
        raise StoreError("请填写下达文件的文号", "give the number (文号) of the assigning document")
    if len(doc) > 100:
        raise StoreError("文号过长（最多100字）", "the document number is longer than 100 characters")
    region = session.get(Region, region_id)
    if region is None:
        raise StoreError(f"没有编号为{region_id}的地区", f"no region {region_id}")
    known = {(name, ind.code, t.year): (t, ind) for name, t, ind, _ in _lower_targets(session, region)}
    errors: list[RowError] = []
    checked: list[tuple[Target, Indicator, QuotaEntry]] = []
    for number, entry in enumerate(entries, start=2):
        found = known.get((entry.region, entry.code, entry.year))
        if found is None:
            errors.append(RowError(number, "指标代码", f"{entry.region}没有待下达的“{entry.code}”（{entry.year or '—'}年）目标",
                                   f"{entry.region} has no assigned target '{entry.code}' ({entry.year})", SHEET))
            continue
        t, ind = found
        if not math.isfinite(entry.value):
            errors.append(RowError(number, "下达值", "下达值不是数字", "the quota is not a number", SHEET))
        elif entry.unit and not units_match(entry.unit, ind.unit):
            errors.append(RowError(number, "单位", f"单位“{entry.unit}”与指标单位“{ind.unit}”不符",
                                   f"unit '{entry.unit}' does not match '{ind.unit}'", SHEET))
        else:
            checked.append((t, ind, entry))
    if errors:
        raise ImportValidationError(source, errors)
    changed = 0
    for t, ind, entry in checked:
        row = session.scalar(select(Target).where(Target.id == t.id).with_for_update())
        assert row is not None
        unit = entry.unit or ind.unit or "%"
        if (row.quota_value, row.quota_unit, row.quota_doc) == (entry.value, unit, doc):
            continue
        old = row.quota_value
        row.quota_value, row.quota_unit, row.quota_doc = entry.value, unit, doc
        row.quota_note = f"{region.name}下达（{doc}）"
        ind.unit = ind.unit or unit
        session.add(ChangeLog(actor=actor, entity="target", entity_id=row.id, action="quota",
                              detail={"target": row.code, "region": entry.region, "old": old, "new": entry.value,
                                      "unit": unit, "doc": doc, "by": region.name, "source": source}))
        changed += 1
    return changed


def quota_template(db: Database, region_id: int) -> bytes:
    """An .xlsx with one row per lower region × assigned target, to fill in and upload."""
    table = quota_table(db, region_id)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append([zh for zh, _ in COLUMNS])
    for region, cells in table.rows:
        for code, year, name in table.columns:
            cell = cells.get((code, year))
            if cell is not None:
                ws.append([region, code, name, year, cell.value, cell.unit])
    for letter, width in zip("ABCDEF", (12, 20, 30, 8, 10, 8), strict=True):
        ws.column_dimensions[letter].width = width
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def parse_quota_file(path: Path) -> list[QuotaEntry]:
    """Rows of a filled quota workbook; blank quotas are skipped, bad cells reported by row."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise StoreError(f"{path.name}: 无法打开工作簿", f"{path.name}: cannot open the workbook") from err
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise StoreError(f"{path.name}: 文件为空", f"{path.name}: empty file")
    header = {str(h).strip(): i for i, h in enumerate(rows[0]) if h is not None}
    missing = [zh for zh, key in COLUMNS if key in ("region", "code", "value") and zh not in header]
    if missing:
        raise StoreError(f"{path.name}: 缺少列：{'、'.join(missing)}", f"{path.name}: missing columns {missing}")
    entries, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        def get(zh: str, row: tuple[Any, ...] = row) -> Any:
            return row[header[zh]] if zh in header and header[zh] < len(row) else None
        raw = get("下达值")
        if raw in (None, ""):
            continue
        try:
            value = float(str(raw).replace(",", "").strip())
            year = int(get("目标年")) if get("目标年") not in (None, "") else None
        except ValueError:
            errors.append(RowError(number, "下达值", f"“{raw}”不是数字", f"'{raw}' is not a number", SHEET))
            continue
        entries.append(QuotaEntry(str(get("地区") or "").strip(), str(get("指标代码") or "").strip(), year, value,
                                  (str(get("单位")).strip() or None) if get("单位") else None))
    if errors:
        raise ImportValidationError(path.name, errors)
    return entries
