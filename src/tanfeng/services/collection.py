"""Import a unit's filled workbook (or CSV): validate every row first, then store all or nothing."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.config import entry_rules
from tanfeng.db.models import Indicator, Observation, Region, Task, Unit
from tanfeng.db.session import Database
from tanfeng.services.errors import ImportValidationError, RowError, StoreError
from tanfeng.services.queries import current_versions
from tanfeng.services.registry import find_unit, get_region
from tanfeng.services.templates import (
    IND_COLUMNS,
    IND_SHEET,
    MAX_PROGRESS_TEXT,
    META_SHEET,
    PROGRESS_STATUSES,
    READ_ONLY,
    TASK_COLUMNS,
    TASK_SHEET,
)
from tanfeng.services.tracked import (
    VISIBLE_STATUSES,
    TrackedTarget,
    in_indicator_unit,
    indicator_basis,
    load_tracked,
    unit_factor,
    units_match,
)
from tanfeng.services.writes import ObservationRow, ProgressRow, StoredValue, store_observations, store_progress
from tanfeng.tracking.entry import EntryRules, ValueKind, check_value
from tanfeng.tracking.periods import Period, parse_period

_HEADER_KEYS = {zh: key for zh, key in IND_COLUMNS + TASK_COLUMNS} | {key: key for _, key in IND_COLUMNS + TASK_COLUMNS}
_HEADER_KEYS = {header: key for header, key in _HEADER_KEYS.items() if key != READ_ONLY}  # read, never imported
_HEADER_KEYS |= {"填报单位": "reporter", "reporter": "reporter", "期间": "period", "数值": "value"}


@dataclass
class RawSheet:
    name: str | None
    rows: list[tuple[int, dict[str, Any]]]  # (row number, key → cell value)
    columns: set[str] | None = None  # recognised header keys (None: rows built in code)


REQUIRED = {"indicators": {"indicator_id": "指标ID", "period": "填报期间", "value": "本期值"},
            "tasks": {"plan_id": "方案ID", "task": "任务编号", "period": "填报期间", "status": "进展状态"}}


@dataclass
class ParsedFile:
    path: str
    region: str | None
    reporter: str | None
    indicators: RawSheet | None = None
    tasks: RawSheet | None = None


@dataclass
class CollectionResult:
    path: str
    reporter: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    task_reports: int = 0
    skipped_blank: int = 0
    units: list[str] = field(default_factory=list)
    stored: list[StoredValue] = field(default_factory=list)  # each value written or kept, with its version


def _header_key(cell: Any) -> str | None:
    if cell is None:
        return None
    text = str(cell).strip()
    for part in [text, *text.split("\n")]:
        key = _HEADER_KEYS.get(part.strip())
        if key:
            return key
    return None


def _rows(header: list[Any], body: list[tuple[int, list[Any]]]) -> list[tuple[int, dict[str, Any]]]:
    keys = [_header_key(h) for h in header]
    out = []
    for number, values in body:
        record = {k: v for k, v in zip(keys, values, strict=False) if k}
        if any(v not in (None, "") for v in record.values()):
            out.append((number, record))
    return out


def parse_file(path: str | Path) -> ParsedFile:
    """Read an .xlsx made by ``write_template`` or a .csv with the same column headers."""
    p = Path(path)
    if not p.is_file():
        raise StoreError(f"{p}: 文件不存在", f"{p}: file not found")
    if p.suffix.lower() == ".csv":
        return _parse_csv(p)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        raise StoreError(f"{p}: 只能导入 .xlsx 或 .csv 文件", f"{p}: only .xlsx or .csv files can be imported")
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise StoreError(f"{p}: 无法打开工作簿", f"{p}: cannot open the workbook ({type(err).__name__})") from err
    meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]} \
        if META_SHEET in wb.sheetnames else {}
    parsed = ParsedFile(str(p), meta.get("region"), meta.get("unit"))
    for sheet, attr in ((IND_SHEET, "indicators"), (TASK_SHEET, "tasks")):
        if sheet in wb.sheetnames:
            all_rows = [[_cell_value(c) for c in r] for r in wb[sheet].iter_rows()]
            if all_rows:
                body = [(i, r) for i, r in enumerate(all_rows[1:], start=2)]
                columns = {k for k in map(_header_key, all_rows[0]) if k}
                setattr(parsed, attr, RawSheet(sheet, _rows(all_rows[0], body), columns))
    wb.close()
    if parsed.indicators is None and parsed.tasks is None:
        raise StoreError(f"{p}: 工作簿中没有“{IND_SHEET}”或“{TASK_SHEET}”工作表",
                         f"{p}: no '{IND_SHEET}' or '{TASK_SHEET}' sheet in the workbook")
    return parsed


def _cell_value(cell: Any) -> Any:
    """A cell's value; Excel turns a typed ``8.5%`` into 0.085 with a percent format, undo that."""
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return round(value * 100, 10)
    return value


def _parse_csv(p: Path) -> ParsedFile:
    data = p.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise StoreError(f"{p}: 无法识别文件编码", f"{p}: unknown text encoding")
    table = list(csv.reader(io.StringIO(text)))
    if not table:
        raise StoreError(f"{p}: 文件为空", f"{p}: empty file")
    rows = _rows(table[0], [(i, r) for i, r in enumerate(table[1:], start=2)])
    parsed = ParsedFile(str(p), None, None)
    keys = {k for k in map(_header_key, table[0]) if k}
    sheet = RawSheet(None, rows, keys)
    if "task" in keys:
        parsed.tasks = sheet
    else:
        parsed.indicators = sheet
    if "reporter" not in keys:
        raise StoreError(f"{p}: CSV缺少“填报单位”列", f"{p}: the CSV has no 'reporter' (填报单位) column")
    return parsed


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", "").replace("，", ""))
        except ValueError:
            return None
    return number if math.isfinite(number) else None  # 'nan', 'inf' are not values


class _Validator:
    """Checks every row against the stored plans; collects errors instead of stopping at the first."""

    def __init__(self, session: Session, region: Region, parsed: ParsedFile, today: date | None = None,
                 rules: EntryRules | None = None) -> None:
        self.session, self.region, self.parsed = session, region, parsed
        self.today = today or date.today()
        self.rules = rules or entry_rules()
        self.batch: dict[tuple[int, str], float] = {}  # values of this file (in the indicator unit), by period
        self.draft = False  # rows are drafts unless they say otherwise
        self.errors: list[RowError] = []
        self.tracked: dict[int, list[TrackedTarget]] = {}
        for item in load_tracked(session, region):
            self.tracked.setdefault(item.indicator.id, []).append(item)
        self.versions = {ref.plan.id: ref for ref in current_versions(session, region)}
        self._units: dict[str, Unit | None] = {}
        self.skipped = 0

    def error(self, sheet: RawSheet, row: int, column: str | None, zh: str, en: str) -> None:
        self.errors.append(RowError(row, column, zh, en, sheet.name))

    def reporter(self, sheet: RawSheet, row: int, record: dict[str, Any]) -> Unit | None:
        name = _text(record.get("reporter")) or self.parsed.reporter
        if not name:
            self.error(sheet, row, "填报单位", "缺少填报单位", "no reporting unit")
            return None
        if name not in self._units:
            self._units[name] = find_unit(self.session, self.region, name)
        unit = self._units[name]
        if unit is None:
            self.error(sheet, row, "填报单位", f"未知单位“{name}”", f"unknown unit '{name}'")
        return unit

    def period(self, sheet: RawSheet, row: int, value: Any, lo: int | None, hi: int | None) -> Period | None:
        period = parse_period(value) if value not in (None, "") else None
        if period is None:
            self.error(sheet, row, "填报期间", f"期间“{value}”无法识别", f"period '{value}' not understood")
            return None
        if (lo is not None and period.year < lo) or (hi is not None and period.year > hi):
            span = f"{lo or ''}—{hi or ''}"
            self.error(sheet, row, "填报期间", f"期间{period.label}不在方案期限（{span}年）内",
                       f"period {period.label} outside the plan ({span})")
            return None
        if period.start_date() > self.today:
            self.error(sheet, row, "填报期间", f"期间{period.label}尚未开始，不能填报",
                       f"period {period.label} has not begun; values for later periods are refused")
            return None
        return period

    def observation(self, sheet: RawSheet, row: int, record: dict[str, Any]) -> ObservationRow | None:
        if record.get("value") in (None, ""):
            self.skipped += 1
            return None
        before = len(self.errors)
        raw_id = _number(record.get("indicator_id"))
        items = self.tracked.get(int(raw_id)) if raw_id is not None and raw_id.is_integer() else None
        if not items:
            self.error(sheet, row, "指标ID", f"未知指标“{record.get('indicator_id')}”",
                       f"unknown indicator '{record.get('indicator_id')}'")
            return None
        indicator = items[0].indicator
        value = _number(record.get("value"))
        if value is None:
            self.error(sheet, row, "本期值", f"“{record.get('value')}”不是数字", f"'{record.get('value')}' is not a number")
        unit = _text(record.get("unit")) or indicator.unit
        if not units_match(unit, indicator.unit):
            self.error(sheet, row, "计量单位", f"单位“{unit}”与指标单位“{indicator.unit}”不符",
                       f"unit '{unit}' does not match the indicator unit '{indicator.unit}'")
        years = [t.target.year for t in items if t.target.year]
        period = self.period(sheet, row, record.get("period"), indicator.baseline_year, max(years, default=None))
        if period is not None and period.kind != "year" and period.kind != indicator.frequency:
            self.error(sheet, row, "填报期间", f"该指标按{_FREQ[indicator.frequency]}填报，不收{period.label}",
                       f"this indicator is reported per {indicator.frequency}, not {period.label}")
        unit_row = self.reporter(sheet, row, record)
        if unit_row is not None and all(u != unit_row.id for t in items for u, _ in t.units):
            self.error(sheet, row, "填报单位", f"{unit_row.name}不是“{indicator.name}”的责任单位",
                       f"{unit_row.name} is not responsible for '{indicator.name}'")
            return None
        version = _version(self, sheet, row, record)
        if value is None or period is None or unit_row is None or len(self.errors) > before:
            return None
        self.check(sheet, row, items, value * (unit_factor(unit, indicator.unit) or 1.0), period,
                   _text(record.get("note")), draft=_flag(record.get("draft"), self.draft))
        if len(self.errors) > before:
            return None
        lead = any(u == unit_row.id and role == "lead" for t in items for u, role in t.units)
        return ObservationRow(indicator.id, period, value, unit, _text(record.get("source")),
                              _text(record.get("note")), unit_row.id, lead, version, row, sheet.name)

    def check(self, sheet: RawSheet, row: int, items: list[TrackedTarget], value: float, period: Period,
              note: str | None, draft: bool = False) -> None:
        """The checks by kind (share, count, rate, jump against a year earlier): one place for every door.

        A draft may still lack the note a jump needs (it is asked for when the value is submitted)."""
        basis = indicator_basis(items)
        previous = self.previous(items[0].indicator, period, basis.kind)
        for problem in check_value(basis, value, period, previous=previous, note=note, rules=self.rules):
            if draft and problem.needs_note:
                continue
            self.error(sheet, row, "备注" if problem.needs_note else "本期值", problem.zh, problem.en)

    def previous(self, indicator: Indicator, period: Period, kind: ValueKind) -> tuple[str, float] | None:
        """(label, value) of the same period a year earlier: from this file, else stored, else the base value."""
        before = Period(period.year - 1, period.end_month, period.kind)
        if (indicator.id, before.label) in self.batch:
            return before.label, self.batch[(indicator.id, before.label)]
        stored = self.session.execute(
            select(Observation.value, Observation.unit).where(
                Observation.indicator_id == indicator.id, Observation.period == before.label,
                Observation.status.in_(VISIBLE_STATUSES))).first()
        if stored is not None:
            value = in_indicator_unit(stored[0], stored[1], indicator)
            return (before.label, value) if value is not None else None
        if before.kind == "year" and before.year == indicator.baseline_year:
            if kind is ValueKind.cumulative:
                return before.label, 0.0
            if indicator.baseline_value is not None:
                return before.label, indicator.baseline_value
        return None

    def remember(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        """The file's own values, so a row is compared with the previous year's row of the same file."""
        for _, record in rows:
            raw_id, value = _number(record.get("indicator_id")), _number(record.get("value"))
            period = parse_period(record["period"]) if record.get("period") not in (None, "") else None
            items = self.tracked.get(int(raw_id)) if raw_id is not None and raw_id.is_integer() else None
            if not items or value is None or period is None:
                continue
            indicator = items[0].indicator
            factor = unit_factor(_text(record.get("unit")) or indicator.unit, indicator.unit)
            if factor is not None:
                self.batch[(indicator.id, period.label)] = value * factor

    def progress(self, sheet: RawSheet, row: int, record: dict[str, Any]) -> ProgressRow | None:
        status_text, text = _text(record.get("status")), _text(record.get("text"))
        if status_text is None and text is None:
            self.skipped += 1
            return None
        plan_id = _number(record.get("plan_id"))
        ref = self.versions.get(int(plan_id)) if plan_id is not None and plan_id.is_integer() else None
        task = None
        if ref is not None:
            task = self.session.scalar(select(Task).where(Task.version_id == ref.version.id,
                                                          Task.code == _text(record.get("task"))))
        if ref is None or task is None:
            self.error(sheet, row, "任务编号", f"未知任务“{record.get('plan_id')}/{record.get('task')}”",
                       f"unknown task '{record.get('plan_id')}/{record.get('task')}'")
            return None
        status = PROGRESS_STATUSES.get(status_text or "") or (
            status_text if status_text in PROGRESS_STATUSES.values() else None)
        if status is None:
            self.error(sheet, row, "进展状态", f"进展状态“{status_text}”不在列表中（{'、'.join(PROGRESS_STATUSES)}）",
                       f"progress status '{status_text}' is not one of the list")
        if text is not None and len(text) > MAX_PROGRESS_TEXT:
            self.error(sheet, row, "进展说明", f"进展说明超过{MAX_PROGRESS_TEXT}字",
                       f"progress text longer than {MAX_PROGRESS_TEXT} characters")
        years = [t.target.year for items in self.tracked.values() for t in items if t.ref.plan.id == ref.plan.id]
        period = self.period(sheet, row, record.get("period"), None, max([y for y in years if y], default=None))
        unit_row = self.reporter(sheet, row, record)
        if unit_row is not None and all(r.unit_id != unit_row.id for r in task.responsibilities):
            self.error(sheet, row, "填报单位", f"{unit_row.name}不是任务{task.code}的责任单位",
                       f"{unit_row.name} is not responsible for task {task.code}")
            return None
        version = _version(self, sheet, row, record)
        if status is None or period is None or unit_row is None:
            return None
        return ProgressRow(ref.plan.id, task, period, status, text, unit_row.id, version, row)


_FREQ = {"year": "年", "quarter": "季度", "month": "月"}


def _version(validator: _Validator, sheet: RawSheet, row: int, record: dict[str, Any]) -> int | None:
    """The version a form or API call says it edited (absent: not checked)."""
    raw = record.get("version")
    if raw in (None, ""):
        return None
    number = _number(raw)
    if number is None or not number.is_integer() or number < 0:
        validator.error(sheet, row, "版本", f"版本号“{raw}”无效", f"invalid version '{raw}'")
        return None
    return int(number)


def import_collection(
    db: Database, path: str | Path, *, actor: str, region: str | None = None, draft: bool = False,
    office: bool = True,
) -> CollectionResult:
    """Validate and store a filled template or CSV; raises ``ImportValidationError`` listing every bad row."""
    parsed = parse_file(path)
    with db.write() as session:
        return store_parsed(session, parsed, actor=actor, region=region, draft=draft, office=office)


def submit_values(
    db: Database, values: list[dict[str, Any]], *, reporter: str, actor: str, region: str | None = None,
    draft: bool = False, source: str = "form", office: bool = True,
) -> CollectionResult:
    """Store values entered elsewhere (a web form, a notebook) through the same checks as a file.

    Each dict has the template's keys: ``indicator_id``, ``period``, ``value`` and optionally
    ``unit``, ``source``, ``note`` and ``version`` (the version the form showed: a stale edit is
    refused with ``StaleEdit``). All or nothing, like a file. ``office=False`` applies a unit's
    limits (an accepted value is changed only by its lead unit).
    """
    with db.write() as session:
        return store_values(session, values, reporter=reporter, actor=actor, region=region, draft=draft,
                            source=source, office=office)


def store_values(
    session: Session, values: list[dict[str, Any]], *, reporter: str, actor: str, region: str | None = None,
    draft: bool = False, source: str = "form", office: bool = True, reason: str | None = None,
) -> CollectionResult:
    """``submit_values`` inside the caller's write transaction (which may record the audit entry with it).

    ``reason`` goes into the revision of every value it changes (why it was replaced)."""
    parsed = ParsedFile(source, region, reporter, indicators=RawSheet(None, list(enumerate(values, start=1))))
    return store_parsed(session, parsed, actor=actor, region=region, draft=draft, office=office, reason=reason)


def submit_progress(
    db: Database, reports: list[dict[str, Any]], *, reporter: str, actor: str, region: str | None = None,
    source: str = "form",
) -> CollectionResult:
    """Store task progress entered elsewhere (a web form) through the same checks as a file.

    Each dict has the template's keys: ``plan_id``, ``task``, ``period``, ``status``, ``text`` and
    optionally ``version`` (id of the latest report the form showed, 0 for none).
    """
    with db.write() as session:
        return store_progress_reports(session, reports, reporter=reporter, actor=actor, region=region,
                                      source=source)


def store_progress_reports(
    session: Session, reports: list[dict[str, Any]], *, reporter: str, actor: str, region: str | None = None,
    source: str = "form",
) -> CollectionResult:
    parsed = ParsedFile(source, region, reporter, tasks=RawSheet(None, list(enumerate(reports, start=1))))
    return store_parsed(session, parsed, actor=actor, region=region, draft=False)


def store_parsed(
    session: Session, parsed: ParsedFile, *, actor: str, region: str | None, draft: bool, office: bool = True,
    reason: str | None = None,
) -> CollectionResult:
    """Validate every row, then store all of them in the caller's (write) transaction, or raise."""
    region_row = _region(session, region or parsed.region)
    validator = _Validator(session, region_row, parsed)
    ind_sheet, task_sheet = parsed.indicators or RawSheet(None, []), parsed.tasks or RawSheet(None, [])
    validator.remember(ind_sheet.rows)
    validator.draft = draft
    observations = [validator.observation(ind_sheet, n, rec) for n, rec in ind_sheet.rows]
    progress = [validator.progress(task_sheet, n, rec) for n, rec in task_sheet.rows]
    _check_duplicates(validator, parsed, observations)
    _check_columns(validator, parsed)
    _raise_if(validator.errors, parsed)
    result = CollectionResult(parsed.path, parsed.reporter, skipped_blank=validator.skipped)
    # a row may say itself whether it is a draft (the web form: a draft stays one unless its box is ticked)
    as_draft = {n: _flag(rec.get("draft"), draft) for n, rec in ind_sheet.rows}
    refused: list[RowError] = []
    for status in ("draft", "submitted"):
        rows = [o for o in observations if o is not None and as_draft[o.row] == (status == "draft")]
        if not rows:
            continue
        counts, stored, refusals = store_observations(session, rows, status=status, actor=actor,
                                                      source_file=parsed.path, office=office, reason=reason)
        refused += refusals
        result.stored += stored
        result.created += counts["created"]
        result.updated += counts["updated"]
        result.unchanged += counts["unchanged"]
    _raise_if(refused, parsed)
    result.task_reports = store_progress(session, [p for p in progress if p is not None], actor=actor,
                                         source_file=parsed.path)
    return result


def _flag(raw: Any, default: bool) -> bool:
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    return str(raw).strip().lower() in ("1", "true", "yes", "是")


def _raise_if(errors: list[RowError], parsed: ParsedFile) -> None:
    if errors:
        raise ImportValidationError(parsed.path, sorted(errors, key=lambda e: (e.sheet or "", e.row)))


def _region(session: Session, name: str | None) -> Region:
    if name:
        return get_region(session, name)
    regions = {ref.region.id: ref.region for ref in current_versions(session)}
    if len(regions) != 1:
        raise StoreError("请用 --region 指定地区", "give the region with --region")
    return next(iter(regions.values()))


def _check_duplicates(validator: _Validator, parsed: ParsedFile, rows: list[ObservationRow | None]) -> None:
    seen: dict[tuple[int, str], int] = {}
    if parsed.indicators is None:
        return
    for (number, _), obs in zip(parsed.indicators.rows, rows, strict=True):
        if obs is None:
            continue
        key = (obs.indicator_id, obs.period.label)
        if key in seen:
            validator.error(parsed.indicators, number, "指标ID", f"与第{seen[key]}行重复（同一指标同一期间）",
                            f"duplicates row {seen[key]} (same indicator and period)")
        seen.setdefault(key, number)


def _check_columns(validator: _Validator, parsed: ParsedFile) -> None:
    """A sheet whose required headers are missing or renamed is reported once, as row 1."""
    for attr, required in REQUIRED.items():
        sheet: RawSheet | None = getattr(parsed, attr)
        if sheet is None or sheet.columns is None:
            continue
        missing = [zh for key, zh in required.items() if key not in sheet.columns]
        if missing:
            validator.error(sheet, 1, None, f"缺少列：{'、'.join(missing)}（请使用 tanfeng data template 生成的表）",
                            f"missing columns: {', '.join(k for k in required if k not in sheet.columns)}")
