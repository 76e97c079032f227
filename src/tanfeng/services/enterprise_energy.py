"""Enterprise energy data: uploads (Excel/CSV), the monitoring platform's pushes, the month form; quality flags.

One long format for every door: 统一社会信用代码, 期间 (YYYY-MM, YYYY-MM-DD or YYYY for the annual
statement), 类别 (能源/产品), 品种 (fuel or product), 数量, 单位. A file is validated as a whole (every
bad row listed, nothing stored) and then written in one transaction: new figures inserted, changed
ones updated (version + 1), equal ones left alone. Large writes take the bulk path — PostgreSQL
``COPY`` into a temporary table and one ``INSERT … ON CONFLICT``, SQLite one ``executemany`` upsert;
``bulk=False`` is the row-by-row ORM path (kept to measure against, see benchmarks/bench_enterprises.py).
Values written by the bulk path skip the ORM flush check, so they are checked here with the same rules
(services/validation.py).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pint
from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tanfeng.accounting import vocab
from tanfeng.accounting.activity import pint_unit
from tanfeng.db.base import utcnow
from tanfeng.db.enterprise_models import Enterprise, EnterpriseEnergy, EnterpriseProduction
from tanfeng.db.session import Database
from tanfeng.enterprises import quality
from tanfeng.services.accounts import Account
from tanfeng.services.enterprise_scope import check_write, readable_enterprise, scope_in
from tanfeng.services.errors import ImportValidationError, RowError, StaleEdit, StoreError
from tanfeng.services.upload_guard import count_workbook, inspect_archive, run_limited
from tanfeng.services.validation import MAX_MAGNITUDE, clean_text
from tanfeng.units import registry

SOURCES = ("upload", "api", "web", "cli")
KINDS = {"能源": "energy", "energy": "energy", "产品": "production", "产量": "production", "production": "production",
         "product": "production"}
# accepted headers (Chinese as in the template, English as in the API) → field
HEADERS: dict[str, str] = {
    "统一社会信用代码": "uscc", "uscc": "uscc", "期间": "period", "period": "period", "类别": "kind", "kind": "kind",
    "品种": "item", "能源品种或产品": "item", "item": "item", "数量": "quantity", "quantity": "quantity",
    "单位": "unit", "unit": "unit",
}
TEMPLATE_HEADER = ("统一社会信用代码", "期间", "类别", "品种", "数量", "单位")
REQUIRED = ("uscc", "period", "kind", "item", "quantity", "unit")
BULK_FROM = 200  # rows: from here on the bulk path pays for itself


@dataclass(frozen=True, slots=True)
class Record:
    """One validated figure (``item`` is a fuel code for energy, the product as written for production)."""

    uscc: str
    period: str
    kind: str  # energy | production
    item: str
    quantity: float
    unit: str
    row: int = 0


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    enterprises: set[int] = field(default_factory=set)

    def summary(self) -> str:
        return (f"已保存：新增{self.created}、更新{self.updated}、未变{self.unchanged} / "
                f"saved: {self.created} new, {self.updated} updated, {self.unchanged} unchanged")


# ---- reading files (runs in the upload worker) ----

def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, field → text) of a CSV or xlsx file in the long format; header on row 1."""
    p = Path(path)
    with p.open("rb") as f:
        is_zip = f.read(4) == b"PK\x03\x04"
    rows: list[list[str]]
    if is_zip:
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    else:
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="strict")
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    if not rows:
        raise ImportValidationError(p.name, [RowError(1, None, "文件没有表头", "the file has no header row")])
    header = [HEADERS.get(h.strip().lower() if h.isascii() else h.strip(), "") for h in rows[0]]
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise ImportValidationError(p.name, [RowError(1, missing[0], f"缺少列（应为：{'、'.join(TEMPLATE_HEADER)}）",
                                                      f"missing column (expected {', '.join(REQUIRED)})")])
    out: list[tuple[int, dict[str, str]]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        out.append((n, {f: (row[i] if i < len(row) else "") for i, f in enumerate(header) if f}))
    return out


def _read_limited(path: str, name: str) -> list[tuple[int, dict[str, str]]]:
    with Path(path).open("rb") as f:
        is_zip = f.read(4) == b"PK\x03\x04"
    if is_zip:
        count_workbook(path, name)
    return read_rows(path)


def read_upload(path: Path, name: str) -> list[tuple[int, dict[str, str]]]:
    """An uploaded file's rows, read within the upload limits by a worker (services/upload_guard.py)."""
    inspect_archive(path, name)
    rows: list[tuple[int, dict[str, str]]] = run_limited(_read_limited, (str(path), name), name)
    return rows


# ---- validation ----

@lru_cache(maxsize=1024)
def known_unit(unit: str) -> bool:
    """Whether pint can read ``unit`` at all (a unit of the wrong kind is a quality flag, not an error)."""
    try:
        registry().parse_expression(pint_unit(unit) or "1")
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError):
        return False
    return True


def validate(rows: Iterable[tuple[int, dict[str, str]]], name: str) -> list[Record]:
    """Records from raw rows; raises ``ImportValidationError`` listing every bad row (nothing is stored)."""
    errors: list[RowError] = []
    out: list[Record] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    cleaned: dict[tuple[str, str, int], str] = {}  # a file repeats its codes, fuels and units on every row

    def clean(value: str, what: str, length: int) -> str:
        key = (value, what, length)
        if key not in cleaned:
            cleaned[key] = clean_text(value, what, max_length=length, multiline=False)
        return cleaned[key]

    for n, raw in rows:
        bad = len(errors)
        uscc = raw.get("uscc", "").strip().upper()
        if not uscc:
            errors.append(RowError(n, "统一社会信用代码", "为空", "empty"))
        period = raw.get("period", "").strip()
        if quality.period_kind(period) is None:
            errors.append(RowError(n, "期间", f"“{period}”不是YYYY-MM、YYYY-MM-DD或YYYY",
                                   f"'{period}' is not YYYY-MM, YYYY-MM-DD or YYYY"))
        kind = KINDS.get(raw.get("kind", "").strip().lower(), "")
        if not kind:
            errors.append(RowError(n, "类别", f"“{raw.get('kind', '')}”应为“能源”或“产品”",
                                   f"'{raw.get('kind', '')}' must be energy or production"))
        item_text = raw.get("item", "").strip()
        item = item_text
        if kind == "energy":
            code = quality.fuel_code(item_text)
            if code is None:
                errors.append(RowError(n, "品种", f"未知能源品种“{item_text}”", f"unknown fuel '{item_text}'"))
            item = code or item_text
        elif not item_text:
            errors.append(RowError(n, "品种", "为空", "empty"))
        quantity = _quantity(raw.get("quantity", ""), n, errors)
        unit = raw.get("unit", "").strip()
        if not unit or not known_unit(unit):
            errors.append(RowError(n, "单位", f"无法识别的单位“{unit}”", f"unknown unit '{unit}'"))
        key = (uscc, period, kind, item)
        if len(errors) == bad and key in seen:
            errors.append(RowError(n, None, f"与第{seen[key]}行重复", f"repeats row {seen[key]}"))
        if len(errors) == bad and quantity is not None:
            try:
                out.append(Record(clean(uscc, "统一社会信用代码", 18), clean(period, "期间", 10), kind,
                                  clean(item, "品种", 100), quantity, clean(unit, "单位", 30), n))
            except StoreError as err:
                errors.append(RowError(n, None, err.zh, err.en))
            seen[key] = n
    if errors:
        raise ImportValidationError(name, errors)
    if not out:
        raise ImportValidationError(name, [RowError(2, None, "没有数据行", "no data rows")])
    return out


def _quantity(text: str, row: int, errors: list[RowError]) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        errors.append(RowError(row, "数量", f"“{text}”不是数字", f"'{text}' is not a number"))
        return None
    if value != value or abs(value) > MAX_MAGNITUDE or value < 0:
        errors.append(RowError(row, "数量", f"数值{text}超出范围（0至1e15）", f"{text} out of range (0 to 1e15)"))
        return None
    return value


# ---- writing ----

def _enterprise_ids(session: Session, account: Account, records: Sequence[Record], name: str) -> dict[str, int]:
    """USCC → enterprise id for every record, each one writable by ``account`` (else the whole file is refused)."""
    codes = sorted({r.uscc for r in records})
    found: dict[str, tuple[int, int]] = {}
    for i in range(0, len(codes), 500):
        chunk = codes[i:i + 500]
        found.update({u: (eid, rid) for eid, u, rid in session.execute(
            select(Enterprise.id, Enterprise.uscc, Enterprise.region_id).where(Enterprise.uscc.in_(chunk)))})
    first_row: dict[str, int] = {}
    for r in records:
        first_row.setdefault(r.uscc, r.row)
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ImportValidationError(name, [RowError(first_row[c], "统一社会信用代码", f"没有代码为{c}的企业",
                                                    f"no enterprise with code {c}") for c in unknown])
    scope = scope_in(session, account)
    for code in codes:
        eid, rid = found[code]
        check_write(scope, account, eid, rid)
    return {c: v[0] for c, v in found.items()}


def store_records(db: Database, account: Account, records: Sequence[Record], *, source: str, name: str = "-",
                  bulk: bool | None = None, audit: Callable[[Session, StoreResult], None] | None = None
                  ) -> StoreResult:
    """Write validated records in one transaction (all or nothing); ``bulk`` None = by size."""
    if source not in SOURCES:
        raise StoreError(f"未知来源“{source}”", f"unknown source '{source}'")
    try:
        with db.write() as session:
            result = store_in(session, account, records, source=source, name=name, bulk=bulk)
            if audit is not None:
                audit(session, result)
    except IntegrityError as err:  # another write stored the same (enterprise, period, fuel) meanwhile
        raise StaleEdit("同一期间的数据刚被另一次写入保存，请重试", "the same figures were stored by another write "
                        "meanwhile; retry", []) from err
    return result


def store_in(session: Session, account: Account, records: Sequence[Record], *, source: str, name: str = "-",
             bulk: bool | None = None) -> StoreResult:
    """``store_records`` inside the caller's write transaction."""
    ids = _enterprise_ids(session, account, records, name)
    result = StoreResult(enterprises=set(ids.values()))
    use_bulk = len(records) >= BULK_FROM if bulk is None else bulk
    for kind, model in (("energy", EnterpriseEnergy), ("production", EnterpriseProduction)):
        rows = [(ids[r.uscc], r.period, r.item, r.quantity, r.unit) for r in records if r.kind == kind]
        if not rows:
            continue
        if use_bulk:
            _bulk(session, model, rows, source, result)
        else:
            _row_by_row(session, model, rows, source, result)
    return result


def _item_column(model: Any) -> Any:
    return model.fuel if model is EnterpriseEnergy else model.product


def _existing(session: Session, model: Any,
              rows: Sequence[tuple[int, str, str, float, str]]) -> dict[tuple[int, str, str], tuple[int, float, str]]:
    """(enterprise, period, item) → (id, quantity, unit) of the stored rows the write touches."""
    item = _item_column(model)
    out: dict[tuple[int, str, str], tuple[int, float, str]] = {}
    by_enterprise: dict[int, set[str]] = defaultdict(set)
    for eid, period, _i, _q, _u in rows:
        by_enterprise[eid].add(period)
    eids = sorted(by_enterprise)
    for i in range(0, len(eids), 500):
        chunk = eids[i:i + 500]
        periods = sorted(set().union(*(by_enterprise[e] for e in chunk)))
        query = select(model.id, model.enterprise_id, model.period, item, model.quantity, model.unit).where(
            model.enterprise_id.in_(chunk))
        if len(periods) <= 500:
            query = query.where(model.period.in_(periods))
        for rid, eid, period, it, qty, unit in session.execute(query):
            out[(eid, period, it)] = (rid, qty, unit)
    return out


def _row_by_row(session: Session, model: Any,
                rows: Sequence[tuple[int, str, str, float, str]], source: str, result: StoreResult) -> None:
    item = _item_column(model)
    for eid, period, it, qty, unit in rows:
        stored = session.scalar(select(model).where(model.enterprise_id == eid, model.period == period, item == it))
        if stored is None:
            values: dict[str, Any] = {"enterprise_id": eid, "period": period, "quantity": qty, "unit": unit,
                                      "source": source, item.key: it}
            session.add(model(**values))
            session.flush()
            result.created += 1
        elif stored.quantity == qty and stored.unit == unit:
            result.unchanged += 1
        else:
            stored.quantity, stored.unit, stored.source = qty, unit, source
            stored.version += 1
            session.flush()
            result.updated += 1


def _bulk(session: Session, model: Any,
          rows: Sequence[tuple[int, str, str, float, str]], source: str, result: StoreResult) -> None:
    """Insert the new and update the changed rows with set-based statements (values checked already)."""
    existing = _existing(session, model, rows)
    now = utcnow()
    inserts: list[tuple[int, str, str, float, str]] = []
    updates: list[dict[str, Any]] = []
    for eid, period, it, qty, unit in rows:
        stored = existing.get((eid, period, it))
        if stored is None:
            inserts.append((eid, period, it, qty, unit))
        elif stored[1] == qty and stored[2] == unit:
            result.unchanged += 1
        else:
            updates.append({"b_id": stored[0], "b_quantity": qty, "b_unit": unit})
    item = _item_column(model)
    table: Table = model.__table__
    if inserts:
        bind = session.connection()
        if bind.dialect.name == "postgresql":
            _copy(session, table.name, item.key, inserts, source, now)
        else:
            session.execute(table.insert(), [
                {"enterprise_id": e, "period": p, item.key: i, "quantity": q, "unit": u, "source": source,
                 "version": 1, "updated_at": now} for e, p, i, q, u in inserts])
        result.created += len(inserts)
    if updates:
        stmt = (table.update().where(table.c.id == bindparam("b_id"))
                .values(quantity=bindparam("b_quantity"), unit=bindparam("b_unit"), source=source,
                        version=table.c.version + 1, updated_at=now))
        session.connection().execute(stmt, updates)
        result.updated += len(updates)


def _copy(session: Session, table: str, item: str, rows: Sequence[tuple[int, str, str, float, str]], source: str,
          now: Any) -> None:
    """PostgreSQL COPY of new rows (psycopg 3) straight into the table; the unique index still guards it."""
    conn = session.connection().connection.driver_connection
    assert conn is not None
    columns = f"enterprise_id, period, {item}, quantity, unit, source, version, updated_at"
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for e, p, i, q, u in rows:
            copy.write_row((e, p, i, q, u, source, 1, now))


# ---- the month form and the push API ----

def submit_month(db: Database, account: Account, enterprise_id: int, period: str,
                 energy: dict[str, tuple[float, str]], production: dict[str, tuple[float, str]] | None = None, *,
                 versions: dict[str, int] | None = None, source: str = "web",
                 audit: Callable[[Session, StoreResult], None] | None = None) -> StoreResult:
    """An enterprise's figures of one period (the enterprise home's form, or one push of the API).

    ``versions``: the version of each fuel's stored figure the form was filled from; a figure changed
    since (by another account or a push) refuses the whole submission with ``StaleEdit`` (409).
    """
    if quality.period_kind(period) is None:
        raise StoreError(f"期间“{period}”应为YYYY-MM、YYYY-MM-DD或YYYY", f"period '{period}' is not YYYY-MM, "
                         "YYYY-MM-DD or YYYY")
    with db.write() as session:
        enterprise = readable_enterprise(session, account, enterprise_id, write=True)
        raw: list[tuple[int, dict[str, str]]] = []
        for n, (fuel, (qty, unit)) in enumerate(sorted(energy.items()), start=1):
            raw.append((n, {"uscc": enterprise.uscc, "period": period, "kind": "energy", "item": fuel,
                            "quantity": repr(float(qty)), "unit": unit}))
        for n, (product, (qty, unit)) in enumerate(sorted((production or {}).items()), start=len(raw) + 1):
            raw.append((n, {"uscc": enterprise.uscc, "period": period, "kind": "production", "item": product,
                            "quantity": repr(float(qty)), "unit": unit}))
        records = validate(raw, f"{enterprise.name} {period}")
        if versions:
            stored = {f: (v, q, u) for f, v, q, u in session.execute(
                select(EnterpriseEnergy.fuel, EnterpriseEnergy.version, EnterpriseEnergy.quantity, EnterpriseEnergy.unit)
                .where(EnterpriseEnergy.enterprise_id == enterprise.id, EnterpriseEnergy.period == period))}
            stale = [f for f, v in versions.items() if f in stored and stored[f][0] != v]
            if stale:
                raise StaleEdit(f"{period}的{'、'.join(vocab.zh_name(vocab.FUELS, f) for f in stale)}已被他人修改，请刷新后重填",
                                f"{', '.join(stale)} of {period} changed meanwhile; reload and re-enter",
                                [{"fuel": f, "version": stored[f][0], "quantity": stored[f][1], "unit": stored[f][2]}
                                 for f in stale])
        result = store_in(session, account, records, source=source, bulk=False)
        if audit is not None:
            audit(session, result)
    return result


# ---- reading back ----

@dataclass(frozen=True, slots=True)
class EnergyRow:
    period: str
    fuel: str
    quantity: float
    unit: str
    source: str
    version: int


def energy_rows(session: Session, enterprise_id: int) -> list[EnergyRow]:
    return [EnergyRow(*r) for r in session.execute(
        select(EnterpriseEnergy.period, EnterpriseEnergy.fuel, EnterpriseEnergy.quantity, EnterpriseEnergy.unit,
               EnterpriseEnergy.source, EnterpriseEnergy.version)
        .where(EnterpriseEnergy.enterprise_id == enterprise_id).order_by(EnterpriseEnergy.period, EnterpriseEnergy.fuel))]


def production_rows(session: Session, enterprise_id: int) -> list[tuple[str, str, float, str]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(EnterpriseProduction.period, EnterpriseProduction.product, EnterpriseProduction.quantity,
               EnterpriseProduction.unit).where(EnterpriseProduction.enterprise_id == enterprise_id)
        .order_by(EnterpriseProduction.period, EnterpriseProduction.product))]


def readings(rows: Iterable[EnergyRow]) -> list[quality.Reading]:
    return [quality.Reading(r.period, r.fuel, r.quantity, r.unit) for r in rows]


def enterprise_flags(db: Database, account: Account, enterprise_id: int, rules: quality.Rules | None = None,
                     *, last: str | None = None) -> list[quality.Flag]:
    """The quality flags of one enterprise the account reads (403 otherwise)."""
    with db.transaction() as session:
        readable_enterprise(session, account, enterprise_id)
        return quality.check(readings(energy_rows(session, enterprise_id)), rules, last=last)


def region_flags(db: Database, account: Account, rules: quality.Rules | None = None, *, last: str | None = None,
                 region_ids: Sequence[int] | None = None, enterprise_ids: Sequence[int] | None = None
                 ) -> dict[int, list[quality.Flag]]:
    """Flags of every enterprise the account reads (optionally only of some regions or some enterprises),
    streamed by enterprise."""
    out: dict[int, list[quality.Flag]] = {}
    with db.transaction() as session:
        query = scope_in(session, account).restrict(select(Enterprise.id))
        if region_ids is not None:
            query = query.where(Enterprise.region_id.in_(list(region_ids)))
        if enterprise_ids is not None:
            query = query.where(Enterprise.id.in_(list(enterprise_ids)))
        ids = set(session.scalars(query))
        stmt = (select(EnterpriseEnergy.enterprise_id, EnterpriseEnergy.period, EnterpriseEnergy.fuel,
                       EnterpriseEnergy.quantity, EnterpriseEnergy.unit)
                .order_by(EnterpriseEnergy.enterprise_id).execution_options(yield_per=20_000))
        if enterprise_ids is not None:
            stmt = stmt.where(EnterpriseEnergy.enterprise_id.in_(sorted(ids)))
        current: int | None = None
        batch: list[quality.Reading] = []
        for eid, period, fuel, qty, unit in session.execute(stmt):
            if eid != current:
                if current is not None and current in ids:
                    out[current] = quality.check(batch, rules, last=last)
                current, batch = eid, []
            if eid in ids:
                batch.append(quality.Reading(period, fuel, qty, unit))
        if current is not None and current in ids:
            out[current] = quality.check(batch, rules, last=last)
    return out


def yearly_use(rows: Iterable[EnergyRow]) -> tuple[dict[int, dict[str, float]], list[str]]:
    """Year → fuel → base-unit amount (annual statement where given, else the monthly/daily sum), and the
    figures left out because their unit does not measure the fuel."""
    annual: dict[int, dict[str, float]] = defaultdict(dict)
    summed: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    monthly_seen: set[tuple[str, str]] = set()
    left_out: list[str] = []
    rows = list(rows)
    for r in rows:
        if quality.period_kind(r.period) == "month":
            monthly_seen.add((r.fuel, r.period))
    for r in rows:
        value = quality.in_base(quality.Reading(r.period, r.fuel, r.quantity, r.unit))
        if value is None:
            left_out.append(f"{r.period} {r.fuel} {r.quantity:g} {r.unit}")
            continue
        kind = quality.period_kind(r.period)
        year = int(r.period[:4])
        if kind == "year":
            annual[year][r.fuel] = value
        elif kind == "month" or (kind == "day" and (r.fuel, r.period[:7]) not in monthly_seen):
            summed[year][r.fuel] += value
    out: dict[int, dict[str, float]] = {}
    for year in sorted(set(annual) | set(summed)):
        out[year] = {**summed.get(year, {}), **annual.get(year, {})}
    return out, left_out


def template_csv() -> str:
    """The upload template as CSV (header and two example rows marked 示例)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(TEMPLATE_HEADER)
    w.writerow(["（示例）91360000000000000X", "2024-01", "能源", "电力", "120", "万千瓦时"])
    w.writerow(["（示例）91360000000000000X", "2024-01", "产品", "水泥熟料", "8.5", "万吨"])
    return buf.getvalue()



def cli_account(actor: str) -> Account:
    """The account the command line acts as: every region, like an administrator (the CLI runs on the server)."""
    return Account(0, actor, actor, "admin", None, None, True, 0, None)


def import_files(db: Database, paths: Sequence[Path], *, actor: str, bulk: bool | None = None,
                 dry_run: bool = False) -> list[tuple[Path, StoreResult]]:
    """Local files (the CLI): each validated whole and stored in its own transaction; ``dry_run`` rolls back."""
    account = cli_account(actor)
    out: list[tuple[Path, StoreResult]] = []
    for path in paths:
        records = validate(read_rows(str(path)), path.name)
        if dry_run:
            with db.transaction() as session:
                result = store_in(session, account, records, source="cli", name=path.name, bulk=bulk)
                session.rollback()
        else:
            def audit(session: Session, result: StoreResult, name: str = path.name) -> None:
                from tanfeng.services import audit as audit_log

                audit_log.add(session, user_id=None, username=actor, action="energy_import", entity="enterprise_energy",
                              detail={"filename": name, "created": result.created, "updated": result.updated})

            result = store_records(db, account, records, source="cli", name=path.name, bulk=bulk, audit=audit)
        out.append((path, result))
    return out
