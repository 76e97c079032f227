"""Enterprise energy data pages and API: per-enterprise data with quality flags, the enterprise account's
home (submit a month), the region's 用能空间 with 动态监控, and 一企一策.

Reads and writes are scoped by services/enterprise_scope.py: an enterprise account reaches only its own
enterprise (anything else is 403), an office its region and the regions below.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tanfeng.accounting import vocab
from tanfeng.enterprises import measures as measure_rules
from tanfeng.enterprises.monitoring import DEFAULT_THRESHOLD
from tanfeng.enterprises.quality import RULE_EN, RULE_ZH, Flag
from tanfeng.formatting import format_number, local_time
from tanfeng.services import enterprise_data as data
from tanfeng.services import enterprise_energy as energy
from tanfeng.services.accounts import Account
from tanfeng.services.enterprise_scope import readable_enterprise, scope_in
from tanfeng.services.errors import NotAllowed, StoreError
from tanfeng.services.validation import INT32_MAX
from tanfeng.web.deps import CurrentUser, DbDep, DbId, audit_in, read_upload_bytes, writer, written

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["enterprise data"])
DATA_WRITERS = ("admin", "office", "enterprise")
DataWriter = Annotated[Account, Depends(writer(*DATA_WRITERS))]
# the fuels the month form offers (any vocabulary fuel may come by file or API)
FORM_FUELS = ("raw_coal", "bituminous", "coke", "natural_gas", "diesel", "gasoline", "fuel_oil", "lpg",
              "electricity", "heat")


def _renderer(request: Request) -> Any:
    return request.app.state.renderer


def _lang(request: Request) -> str:
    lang: str = _renderer(request).language(request)
    return lang


def _tr(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def fuel_name(code: str, lang: str) -> str:
    fuel = vocab.FUELS_BY_CODE.get(code)
    if fuel is None:
        return code
    return fuel.en if lang == "en" else fuel.zh


def flag_text(flag: Flag, lang: str) -> str:
    """What a flag says, with its numbers (rounded by tanfeng.formatting), in the page's language."""
    n, f = flag.numbers, format_number
    fuel = fuel_name(flag.fuel, lang) if flag.fuel else ""
    if flag.rule == "completeness":
        missing = "、".join(flag.detail) if lang != "en" else ", ".join(flag.detail)
        return _tr(lang, f"{flag.period}年应报{f(n['expected'], 0)}个月，已报{f(n['present'], 0)}个月"
                         f"（{f(n['share'] * 100, 1)}%，要求{f(n['required'] * 100, 0)}%）；缺：{missing}",
                   f"{flag.period}: {f(n['present'], 0)} of {f(n['expected'], 0)} months reported "
                   f"({f(n['share'] * 100, 1)}%, {f(n['required'] * 100, 0)}% required); missing: {missing}")
    if flag.rule == "annual_mismatch":
        return _tr(lang, f"{fuel}：月度合计{f(n['monthly_sum'])}，年报{f(n['annual'])}，相差{f(n['gap'] * 100, 1)}%"
                         f"（允许{f(n['tolerance'] * 100, 1)}%）",
                   f"{fuel}: monthly sum {f(n['monthly_sum'])} vs annual report {f(n['annual'])}, "
                   f"{f(n['gap'] * 100, 1)}% apart ({f(n['tolerance'] * 100, 1)}% allowed)")
    if flag.rule == "mom_outlier":
        return _tr(lang, f"{fuel}：本月{f(n['value'])}，参照月{f(n['reference'])}，相差{f(n['ratio'], 1)}倍"
                         f"（阈值{f(n['threshold'], 1)}倍）",
                   f"{fuel}: {f(n['value'])} this month vs {f(n['reference'])}, ×{f(n['ratio'], 1)} "
                   f"(threshold ×{f(n['threshold'], 1)})")
    if "slip" in n:
        return _tr(lang, f"{fuel}：{f(n['value'])}约为中位数{f(n['median'])}的{f(n['slip'], 0)}倍，疑似计量单位错填",
                   f"{fuel}: {f(n['value'])} is about {f(n['slip'], 0)} × the median {f(n['median'])}; "
                   "probably the wrong unit")
    unit, base = ((*flag.detail, "", ""))[:2]
    return _tr(lang, f"{fuel}：单位“{unit}”不能计量该品种（应为{base}的同类单位）",
               f"{fuel}: the unit '{unit}' does not measure this fuel (expected a unit like {base})")


def _flags(flags: list[Flag], lang: str) -> list[dict[str, Any]]:
    return [{"rule": fl.rule, "rule_name": RULE_EN[fl.rule] if lang == "en" else RULE_ZH[fl.rule],
             "period": fl.period, "fuel": fuel_name(fl.fuel, lang) if fl.fuel else "", "text": flag_text(fl, lang),
             "numbers": fl.numbers} for fl in flags]


def _enterprise(db: Any, user: Account, enterprise_id: int) -> Any:
    with db.transaction() as session:
        return readable_enterprise(session, user, enterprise_id)


def _can_write(db: Any, user: Account, enterprise: Any) -> bool:
    with db.transaction() as session:
        return user.role in DATA_WRITERS and scope_in(session, user).writes(enterprise.id, enterprise.region_id)


def _energy_context(db: Any, user: Account, enterprise_id: int, lang: str) -> dict[str, Any]:
    enterprise = _enterprise(db, user, enterprise_id)
    with db.transaction() as session:
        rows = energy.energy_rows(session, enterprise_id)
        production = energy.production_rows(session, enterprise_id)
    flags = energy.enterprise_flags(db, user, enterprise_id)
    fuels = sorted({r.fuel for r in rows})
    table: dict[str, dict[str, Any]] = {}
    for r in rows:
        table.setdefault(r.period, {})[r.fuel] = r
    flagged = {(fl.period, fl.fuel) for fl in flags if fl.rule in ("mom_outlier", "unit_error")}
    carbon = data.enterprise_co2(db, user, enterprise_id)
    return {"enterprise": enterprise, "fuels": [(f, fuel_name(f, lang)) for f in fuels], "periods": sorted(table),
            "table": table, "flags": _flags(flags, lang), "flagged": flagged, "production": production,
            "carbon": carbon, "can_write": _can_write(db, user, enterprise)}


@router.get("/enterprises/{enterprise_id}/energy", response_class=HTMLResponse)
def energy_page(request: Request, user: CurrentUser, db: DbDep, enterprise_id: DbId) -> Response:
    ctx = _energy_context(db, user, enterprise_id, _lang(request))
    return _renderer(request).page(request, "enterprise_energy.html", {"user": user, **ctx})


PAGE = 50


@router.get("/energy-data", response_class=HTMLResponse)
def energy_overview(request: Request, user: CurrentUser, db: DbDep,
                    page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """The enterprises the account reads, 50 a page: how many figures, the latest period, the flags by rule."""
    from sqlalchemy import func, select

    from tanfeng.db.enterprise_models import Enterprise, EnterpriseEnergy

    with db.transaction() as session:
        query = scope_in(session, user).restrict(select(Enterprise.id, Enterprise.name, Enterprise.uscc))
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(query.order_by(Enterprise.name, Enterprise.id).offset((page - 1) * PAGE).limit(PAGE)).all()
        ids = [r[0] for r in rows]
        stats = {eid: (n, last) for eid, n, last in session.execute(
            select(EnterpriseEnergy.enterprise_id, func.count(), func.max(EnterpriseEnergy.period))
            .where(EnterpriseEnergy.enterprise_id.in_(ids)).group_by(EnterpriseEnergy.enterprise_id))}
    flags = energy.region_flags(db, user, enterprise_ids=ids)
    lang = _lang(request)
    items = [{"id": eid, "name": name, "uscc": uscc, "figures": stats.get(eid, (0, None))[0],
              "last": stats.get(eid, (0, None))[1],
              "flags": {(RULE_EN if lang == "en" else RULE_ZH)[r]: sum(1 for f in flags.get(eid, []) if f.rule == r)
                        for r in RULE_ZH if any(f.rule == r for f in flags.get(eid, []))}} for eid, name, uscc in rows]
    return _renderer(request).page(request, "energy_overview.html", {
        "user": user, "items": items, "page": page, "pages": max((total + PAGE - 1) // PAGE, 1), "total": total})


@router.get("/enterprise/energy-template.csv")
def energy_template(user: CurrentUser) -> Response:
    return Response(energy.template_csv().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=energy-template.csv"})


def _audit_store(request: Request, user: Account, action: str, name: str) -> Any:
    def hook(session: Session, result: energy.StoreResult) -> None:
        audit_in(session, request, user, action, "enterprise_energy", None, filename=name, created=result.created,
                 updated=result.updated)

    return hook


@router.post("/enterprises/energy/upload")
async def energy_upload(request: Request, user: DataWriter, file: Annotated[UploadFile, File()],
                        back: Annotated[str, Form()] = "") -> Response:
    payload = await read_upload_bytes(file)
    name = file.filename or "upload.csv"
    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in (".csv", ".xlsx") else ".csv"

    def work() -> energy.StoreResult:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(payload)
            records = energy.validate(energy.read_upload(path, name), name)
        return energy.store_records(request.app.state.db, user, records, source="upload", name=name,
                                    audit=_audit_store(request, user, "energy_upload", name))

    result = await run_in_threadpool(work)
    written(request)
    _renderer(request).flash(request, result.summary())
    target = back if back.startswith("/") and not back.startswith("//") else "/enterprise"
    return RedirectResponse(target, 303)


# ---- the enterprise account's home ----

def _last_month(today: date) -> str:
    return f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"


@router.get("/enterprise", response_class=HTMLResponse)
def enterprise_home(request: Request, user: CurrentUser, db: DbDep,
                    period: Annotated[str | None, Query(max_length=10)] = None) -> Response:
    if user.role != "enterprise" or user.enterprise_id is None:
        raise NotAllowed("本页面仅供企业账号使用", "this page is for enterprise accounts")
    lang = _lang(request)
    month = period if period and len(period) == 7 else _last_month(local_time(datetime.now(UTC)).date())
    ctx = _energy_context(db, user, user.enterprise_id, lang)
    current = ctx["table"].get(month, {})
    form_fuels = [(f, fuel_name(f, lang), current.get(f)) for f in dict.fromkeys((*FORM_FUELS, *current))]
    measures = data.list_measures(db, user, enterprise_id=user.enterprise_id)
    return _renderer(request).page(request, "enterprise_home.html", {
        "user": user, **ctx, "month": month, "form_fuels": form_fuels, "measures": measures,
        "default_units": {f.code: f.display_unit for f in vocab.FUELS},
        "statuses": [(s, _status(s, lang)) for s in measure_rules.STATUSES]})


def _status(status: str, lang: str) -> str:
    return (measure_rules.STATUS_EN if lang == "en" else measure_rules.STATUS_ZH).get(status, status)


def _number(text: str, what: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError as err:
        raise StoreError(f"{what}：“{text}”不是数字", f"{what}: '{text}' is not a number") from err


@router.post("/enterprise/month")
async def submit_month(request: Request, user: DataWriter) -> Response:
    form = await request.form()
    given = str(form.get("enterprise_id") or "")
    enterprise_id = user.enterprise_id if user.role == "enterprise" else (int(given) if given.isdigit() else None)
    if not enterprise_id or enterprise_id > INT32_MAX:
        raise StoreError("没有指定企业", "no enterprise given")
    period = str(form.get("period") or "").strip()
    values: dict[str, tuple[float, str]] = {}
    versions: dict[str, int] = {}
    for key, raw in form.multi_items():
        if not key.startswith("q."):
            continue
        fuel = key[2:]
        number = _number(str(raw), fuel)
        if number is None:
            continue
        values[fuel] = (number, str(form.get(f"u.{fuel}") or "").strip())
        if (v := str(form.get(f"v.{fuel}") or "")).isdigit():
            versions[fuel] = int(v)
    production: dict[str, tuple[float, str]] = {}
    product = str(form.get("product") or "").strip()
    amount = _number(str(form.get("product_quantity") or ""), product or "产品")
    if product and amount is not None:
        production[product] = (amount, str(form.get("product_unit") or "").strip())
    if not values and not production:
        raise StoreError("没有填写任何数值", "no figure entered")

    def work() -> energy.StoreResult:
        return energy.submit_month(request.app.state.db, user, enterprise_id, period, values, production,
                                   versions=versions, source="web",
                                   audit=_audit_store(request, user, "energy_month", period))

    result = await run_in_threadpool(work)
    written(request)
    _renderer(request).flash(request, result.summary())
    back = "/enterprise" if user.role == "enterprise" else f"/enterprises/{enterprise_id}/energy"
    return RedirectResponse(f"{back}?period={period}" if user.role == "enterprise" else back, 303)


# ---- 用能空间 and 动态监控 ----

def _regions_for(db: Any, user: Account) -> list[tuple[int, str]]:
    from sqlalchemy import select

    from tanfeng.db.models import Region

    with db.transaction() as session:
        scope = scope_in(session, user)
        if scope.enterprise_id is not None:
            return []
        query = select(Region.id, Region.name).order_by(Region.id)
        if scope.read_regions is not None:
            query = query.where(Region.id.in_(sorted(scope.read_regions)))
        return [(rid, name) for rid, name in session.execute(query)]


@router.get("/headroom", response_class=HTMLResponse)
def headroom_page(request: Request, user: CurrentUser, db: DbDep,
                  region: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
                  threshold: Annotated[float, Query(ge=0, le=10)] = DEFAULT_THRESHOLD) -> Response:
    regions = _regions_for(db, user)
    if not regions:
        raise NotAllowed("无权查看用能空间", "not allowed to read the energy headroom")
    region_id = region or (user.region_id if user.region_id in dict(regions) else regions[0][0])
    view = data.region_headroom(db, user, region_id)
    lang = _lang(request)
    year = max((y.year for y in view.years if y.actual), default=date.today().year - 1)
    checks = data.monitoring(db, user, year, threshold=threshold)
    with db.transaction() as session:
        can_write = user.role in ("admin", "office") and scope_in(session, user).writes_region(region_id)
    chart = {**view.chart(), "labels": {
        "allowed": _tr(lang, "目标允许的能耗", "Energy the target allows"),
        "counted": _tr(lang, "计入考核的能耗（含新增项目）", "Counted energy (incl. new projects)"),
        "room": _tr(lang, "剩余用能空间", "Room left"), "unit": _tr(lang, "吨标准煤", "tce")}}
    return _renderer(request).page(request, "headroom.html", {
        "user": user, "view": view, "regions": regions, "region_id": region_id, "chart": chart, "checks": checks,
        "monitor_year": year, "threshold": threshold, "can_write": can_write})


@router.post("/headroom/{region_id}/year")
def headroom_year(request: Request, user: Annotated[Account, Depends(writer("admin", "office"))], region_id: DbId,
                  year: Annotated[int, Form(ge=1980, le=2100)], gdp: Annotated[str, Form()] = "",
                  energy_tce: Annotated[str, Form()] = "", feedstock_tce: Annotated[str, Form()] = "",
                  new_renewable_tce: Annotated[str, Form()] = "", source: Annotated[str, Form()] = "") -> Response:
    def hook(session: Session, row_id: int) -> None:
        audit_in(session, request, user, "region_energy_year", "region_energy_years", row_id, year=year)

    data.set_region_year(request.app.state.db, user, region_id, year, gdp=_number(gdp, "GDP"),
                         energy_tce=_number(energy_tce, "能耗"), feedstock_tce=_number(feedstock_tce, "原料用能"),
                         new_renewable_tce=_number(new_renewable_tce, "新增可再生能源"), source=source.strip() or None,
                         audit=hook)
    written(request)
    _renderer(request).flash(request, f"已保存{year}年数据 / {year} saved")
    return RedirectResponse(f"/headroom?region={region_id}", 303)


# ---- 一企一策 ----

@router.get("/measures", response_class=HTMLResponse)
def measures_page(request: Request, user: CurrentUser, db: DbDep,
                  target_tce: Annotated[float | None, Query(ge=0, le=1e12)] = None) -> Response:
    lang = _lang(request)
    views = data.list_measures(db, user, enterprise_id=user.enterprise_id if user.role == "enterprise" else None)
    totals = data.measure_totals(views, date.today(), target_tce=target_tce)
    from sqlalchemy import select

    from tanfeng.db.enterprise_models import Enterprise

    with db.transaction() as session:
        scope = scope_in(session, user)
        writable = [(e.id, e.name) for e in session.scalars(scope.restrict(select(Enterprise).order_by(Enterprise.name)))
                    if user.role in DATA_WRITERS and scope.writes(e.id, e.region_id)]
    return _renderer(request).page(request, "measures.html", {
        "user": user, "measures": views, "totals": totals, "writable": writable, "today": date.today(),
        "statuses": [(s, _status(s, lang)) for s in measure_rules.STATUSES], "target_tce": target_tce,
        "status_name": lambda s: _status(s, lang)})


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise StoreError(f"日期“{text}”应为YYYY-MM-DD", f"date '{text}' must be YYYY-MM-DD") from err


@router.post("/measures")
def add_measure(request: Request, user: DataWriter, enterprise_id: Annotated[int, Form(ge=1, le=INT32_MAX)],
                title: Annotated[str, Form(max_length=300)], expected_tce: Annotated[float, Form(ge=0, le=1e12)],
                expected_co2_t: Annotated[float, Form(ge=0, le=1e12)] = 0.0, deadline: Annotated[str, Form()] = "",
                responsible: Annotated[str, Form(max_length=100)] = "") -> Response:
    def hook(session: Session, mid: int) -> None:
        audit_in(session, request, user, "measure_add", "enterprise_measures", mid, title=title)

    data.add_measure(request.app.state.db, user, enterprise_id, title=title, expected_tce=expected_tce,
                     expected_co2_t=expected_co2_t, deadline=_date(deadline), responsible=responsible.strip() or None,
                     audit=hook)
    written(request)
    _renderer(request).flash(request, "已添加措施 / measure added")
    return RedirectResponse("/measures", 303)


@router.post("/measures/{measure_id}/progress")
def measure_progress(request: Request, user: DataWriter, measure_id: DbId, period: Annotated[str, Form(max_length=7)],
                     achieved_tce: Annotated[float, Form(ge=0, le=1e12)],
                     achieved_co2_t: Annotated[float, Form(ge=0, le=1e12)] = 0.0,
                     note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    def hook(session: Session, pid: int) -> None:
        audit_in(session, request, user, "measure_progress", "measure_progress", pid, measure=measure_id)

    data.report_progress(request.app.state.db, user, measure_id, period=period.strip(), achieved_tce=achieved_tce,
                         achieved_co2_t=achieved_co2_t, note=note.strip() or None, audit=hook)
    written(request)
    _renderer(request).flash(request, "已报送进展 / progress reported")
    return RedirectResponse("/measures", 303)


@router.post("/measures/{measure_id}")
def update_measure(request: Request, user: DataWriter, measure_id: DbId, version: Annotated[int, Form(ge=1)],
                   status: Annotated[str, Form(max_length=12)], deadline: Annotated[str, Form()] = "",
                   responsible: Annotated[str, Form(max_length=100)] = "") -> Response:
    def hook(session: Session, mid: int) -> None:
        audit_in(session, request, user, "measure_update", "enterprise_measures", mid, status=status)

    data.update_measure(request.app.state.db, user, measure_id, version=version, status=status,
                        deadline=_date(deadline), responsible=responsible.strip() or None, audit=hook)
    written(request)
    _renderer(request).flash(request, "已保存 / saved")
    return RedirectResponse("/measures", 303)


# ---- JSON API (the monitoring platform pushes here, logged in as the enterprise account or the office) ----

class FigureIn(BaseModel):
    period: str = Field(max_length=10)
    fuel: str | None = Field(default=None, max_length=40)
    product: str | None = Field(default=None, max_length=100)
    quantity: float
    unit: str = Field(max_length=30)


class PushIn(BaseModel):
    records: list[FigureIn] = Field(max_length=50_000)


@api.post("/enterprises/{enterprise_id}/energy")
def push_energy(request: Request, user: DataWriter, enterprise_id: DbId, body: PushIn) -> JSONResponse:
    """Store figures of one enterprise (all or nothing); each record names a fuel or a product."""
    db = request.app.state.db
    with db.transaction() as session:
        uscc = readable_enterprise(session, user, enterprise_id, write=True).uscc
    raw = [(n, {"uscc": uscc, "period": r.period, "kind": "production" if r.product else "energy",
                "item": r.product or r.fuel or "", "quantity": repr(float(r.quantity)), "unit": r.unit})
           for n, r in enumerate(body.records, start=1)]
    records = energy.validate(raw, f"api:{enterprise_id}")
    result = energy.store_records(db, user, records, source="api", name=f"api:{enterprise_id}",
                                  audit=_audit_store(request, user, "energy_push", f"api:{enterprise_id}"))
    written(request)
    return JSONResponse({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


@api.get("/enterprises/{enterprise_id}/energy")
def get_energy(request: Request, user: CurrentUser, enterprise_id: DbId) -> dict[str, Any]:
    db = request.app.state.db
    flags = energy.enterprise_flags(db, user, enterprise_id)
    with db.transaction() as session:
        rows = energy.energy_rows(session, enterprise_id)
    return {"enterprise_id": enterprise_id,
            "energy": [{"period": r.period, "fuel": r.fuel, "quantity": r.quantity, "unit": r.unit, "source": r.source,
                        "version": r.version} for r in rows],
            "flags": [{**fl.to_dict(), "text": flag_text(fl, "en")} for fl in flags]}


@api.get("/regions/{region_id}/headroom")
def get_headroom(request: Request, user: CurrentUser, region_id: DbId) -> dict[str, Any]:
    view = data.region_headroom(request.app.state.db, user, region_id)
    return {"region": view.region, "target": view.target, "error": view.error,
            "years": [y.to_dict() for y in view.years]}


@api.get("/measures")
def get_measures(request: Request, user: CurrentUser) -> dict[str, Any]:
    views = data.list_measures(request.app.state.db, user,
                               enterprise_id=user.enterprise_id if user.role == "enterprise" else None)
    totals = data.measure_totals(views, date.today())
    return {"measures": [{**v.__dict__, "deadline": v.deadline.isoformat() if v.deadline else None} for v in views],
            "expected_tce": totals.expected_tce, "achieved_tce": totals.achieved_tce,
            "expected_co2_t": totals.expected_co2_t, "achieved_co2_t": totals.achieved_co2_t}
