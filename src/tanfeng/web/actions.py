"""The writes of the workspace, shared by pages and the API: permission checks, the service call, the audit entry.

A unit account writes only for its own unit and only the indicators and tasks its unit is responsible
for; the office and the administrator write for any unit (e.g. entering a paper report).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from tanfeng.accounting import example_inventory_path
from tanfeng.db.session import Database
from tanfeng.projection import example_scenarios_path
from tanfeng.reports.annual import build_annual_content, render
from tanfeng.services import accounts, plan_admin, registry, review
from tanfeng.services.collection import CollectionResult, import_collection, parse_file, submit_progress, submit_values
from tanfeng.services.errors import StoreError
from tanfeng.services.inventory_record import RecordResult, record_inventory
from tanfeng.services.regions import regions_of_unit_names
from tanfeng.services.scope import observation_region, region_ids_by_name, unit_region_id
from tanfeng.services.workspace import indicator_unit_ids, list_units, task_unit_ids, unit_ids_for_names
from tanfeng.web.deps import Forbidden, record
from tanfeng.web.inventory_view import compute_file
from tanfeng.web.scoping import chosen_plan_id, plan_context, plan_region, require_quota, require_write


def _unit(db: Database, unit_id: int) -> tuple[str, str]:
    """(name, region) of a unit: a write for a unit is scoped to the unit's region, never "the only region"."""
    for uid, name, region in list_units(db):
        if uid == unit_id:
            return name, region
    raise StoreError(f"没有编号为{unit_id}的单位", f"no unit {unit_id}")


def acting_unit(user: accounts.Account, requested: int | None) -> int:
    """The unit a write is for: a unit account's own; the office names one."""
    if user.role == "unit":
        if requested is not None and requested != user.unit_id:
            raise Forbidden("只能为本单位填报 / a unit account reports only for its own unit")
        assert user.unit_id is not None
        return user.unit_id
    if requested is None:
        raise StoreError("请指定填报单位", "name the reporting unit (unit_id)")
    return requested


def submit(request: Request, user: accounts.Account, values: list[dict[str, Any]], unit_id: int | None,
           draft: bool = False) -> CollectionResult:
    db: Database = request.app.state.db
    unit = acting_unit(user, unit_id)
    require_write(request, user, unit_region_id(db, unit))
    for item in values:
        indicator_id = item.get("indicator_id")
        if user.role == "unit" and (not isinstance(indicator_id, int) or unit not in indicator_unit_ids(db, indicator_id)):
            raise Forbidden(f"本单位不负责指标{indicator_id}，不能填报 / your unit is not responsible for "
                            f"indicator {indicator_id}")
    name, region = _unit(db, unit)
    result = submit_values(db, values, reporter=name, region=region, actor=user.username, draft=draft,
                           source="web")
    record(request, user, "submit_values", "unit", unit, values=values, draft=draft,
           created=result.created, updated=result.updated)
    return result


def progress(request: Request, user: accounts.Account, plan_id: int, task: str, period: str, status: str,
             text: str | None, unit_id: int | None) -> CollectionResult:
    db: Database = request.app.state.db
    unit = acting_unit(user, unit_id)
    require_write(request, user, unit_region_id(db, unit))
    if plan_region(db, plan_id) != unit_region_id(db, unit):
        raise Forbidden(f"方案{plan_id}不属于该单位所在地区 / plan {plan_id} is not of the unit's region")
    if user.role == "unit" and unit not in task_unit_ids(db, plan_id, task):
        raise Forbidden(f"本单位不负责任务{task} / your unit is not responsible for task {task}")
    name, region = _unit(db, unit)
    result = submit_progress(db, [{"plan_id": plan_id, "task": task, "period": period, "status": status,
                                   "text": text}], reporter=name, region=region, actor=user.username, source="web")
    record(request, user, "task_progress", "task", None, plan_id=plan_id, task=task, period=period, status=status)
    return result


def upload_region(db: Database, user: accounts.Account, written: str | None, names: set[str]) -> str:
    """The region an uploaded file reports for: a unit account's own; else the file's, else its units' region."""
    if user.role == "unit" and user.unit_id is not None:
        own = _unit(db, user.unit_id)[1]
        if written and written != own:
            raise Forbidden(f"文件属于{written}，不是本单位所在的{own} / the file is for {written}, not {own}")
        return own
    if written:
        return written
    found = regions_of_unit_names(db, names)
    if len(found) != 1:
        raise StoreError("文件未注明地区，且填报单位不能确定唯一地区；请使用本系统下载的填报表",
                         "the file names no region and its units do not fix one; use a template downloaded here")
    return found.pop()


def upload(request: Request, user: accounts.Account, path: Path, filename: str) -> CollectionResult:
    """A filled template: a unit may upload only a file that reports for itself."""
    db: Database = request.app.state.db
    parsed = parse_file(path)
    names = {n for n in [parsed.reporter, *(str(r["reporter"]) for sheet in (parsed.indicators, parsed.tasks)
                                            if sheet for _, r in sheet.rows if r.get("reporter"))] if n}
    region = upload_region(db, user, parsed.region, names)
    require_write(request, user, region_ids_by_name(db).get(region))
    if user.role == "unit":
        # names are resolved like the import does (aliases, short forms); unknown names fail validation there
        if any(uid is not None and uid != user.unit_id for uid in unit_ids_for_names(db, names, region).values()):
            raise Forbidden(f"文件中的填报单位不是{user.unit} / the file reports for another unit than {user.unit}")
        indicator_ids = {int(r["indicator_id"]) for _, r in (parsed.indicators.rows if parsed.indicators else [])
                         if str(r.get("indicator_id", "")).isdigit() and r.get("value") not in (None, "")}
        for indicator_id in indicator_ids:
            if (user.unit_id or 0) not in indicator_unit_ids(db, indicator_id):
                raise Forbidden(f"本单位不负责指标{indicator_id} / your unit is not responsible for {indicator_id}")
    result = import_collection(db, path, actor=user.username, region=region)
    record(request, user, "upload_template", "file", None, filename=filename, created=result.created,
           updated=result.updated, task_reports=result.task_reports)
    return result


def review_one(request: Request, user: accounts.Account, observation_id: int, action: str,
               reason: str | None) -> None:
    review_many(request, user, [observation_id], action, reason)


def review_many(request: Request, user: accounts.Account, observation_ids: list[int], action: str,
                reason: str | None) -> int:
    """Accept or return several values at once: all or none (the service checks every one first)."""
    if not observation_ids:
        raise StoreError("没有选择任何填报值", "no value selected")
    for observation_id in observation_ids:
        region_id = observation_region(request.app.state.db, observation_id)
        if region_id is not None:  # an unknown id is refused by the service with its own message
            require_write(request, user, region_id)
    count = review.review(request.app.state.db, observation_ids, action=action, actor=user.username, reason=reason)
    entity_id = observation_ids[0] if len(observation_ids) == 1 else None
    record(request, user, f"review_{action}", "observation", entity_id, ids=observation_ids, reason=reason)
    return count


def quota(request: Request, user: accounts.Account, plan_id: int, target: str, value: float, unit: str | None,
          note: str | None) -> plan_admin.IndicatorRef:
    db: Database = request.app.state.db
    require_quota(request, user, plan_region(db, plan_id))
    ref = plan_admin.set_quota(db, plan=str(plan_id), target=target, value=value, unit=unit, note=note,
                               actor=user.username)
    record(request, user, "set_quota", "indicator", ref.indicator_id, plan_id=plan_id, target=target, value=value,
           unit=unit, note=note)
    return ref


def create_account(request: Request, user: accounts.Account, *, username: str, password: str, role: str,
                   display_name: str | None, unit_id: int | None,
                   region_id: int | None = None) -> accounts.Account:
    if user.role != "admin" and role in ("admin", "office"):
        raise Forbidden("只有系统管理员能创建管理员或办公室账号 / only an administrator creates admin or office accounts")
    if unit_id is not None:
        require_write(request, user, unit_region_id(request.app.state.db, unit_id))
    if user.region_id is not None:
        region_id = user.region_id  # a regional office creates accounts of its own region
    account = accounts.create_user(request.app.state.db, username=username, password=password, role=role,
                                   display_name=display_name, unit_id=unit_id, region_id=region_id)
    record(request, user, "create_account", "user", account.id, username=username, role=role, unit_id=unit_id)
    return account


def update_account(request: Request, user: accounts.Account, account_id: int, *, password: str | None,
                   active: bool | None, role: str | None) -> accounts.Account:
    db: Database = request.app.state.db
    target = accounts.get_account(db, account_id)
    if target is None:
        raise StoreError(f"没有编号为{account_id}的账号", f"no account {account_id}")
    if user.role != "admin" and (target.role in ("admin", "office") or role in ("admin", "office")):
        raise Forbidden("只有系统管理员能修改管理员或办公室账号 / only an administrator changes admin or office accounts")
    if target.region_id is not None or user.region_id is not None:
        require_write(request, user, target.region_id)
    account = accounts.update_user(db, account_id, password=password, active=active, role=role)
    record(request, user, "update_account", "user", account_id, password_changed=password is not None,
           active=active, role=role)
    return account


def rename_unit(request: Request, user: accounts.Account, region: str, unit: str, new_name: str) -> None:
    require_write(request, user, region_ids_by_name(request.app.state.db).get(region))
    info = registry.rename(request.app.state.db, region=region, unit=unit, new_name=new_name, actor=user.username)
    record(request, user, "rename_unit", "unit", info.id, old=unit, new=new_name)


def alias_unit(request: Request, user: accounts.Account, region: str, alias: str, unit: str) -> None:
    require_write(request, user, region_ids_by_name(request.app.state.db).get(region))
    info = registry.alias_unit(request.app.state.db, region=region, alias=alias, unit=unit, actor=user.username)
    record(request, user, "alias_unit", "unit", info.id, alias=alias, unit=unit)



REPORT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "html": "text/html; charset=utf-8"}


def annual_report(request: Request, user: accounts.Account, year: int | None, fmt: str,
                  plan_id: int | None) -> Response:
    """生成年度评估报告: the annual evaluation report (tanfeng.reports) as a download.

    On the demo database the bundled example inventory and scenario file (示例数据) go into the report too.
    """
    db: Database = request.app.state.db
    plan_id = chosen_plan_id(request, user, plan_id)
    year = year or date.today().year - 1
    extra: dict[str, Any] = {}
    if request.app.state.demo:
        extra = {"inventory": example_inventory_path(), "scenarios": example_scenarios_path()}
    content = build_annual_content(db, year, plan=plan_id, **extra)
    data = render(content, fmt)
    record(request, user, "annual_report", "plan", content.facts.plan_id, year=year, format=fmt)
    name = content.filename(fmt)
    disposition = f"attachment; filename=\"annual-report-{year}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=REPORT_TYPES.get(fmt, "application/octet-stream"),
                    headers={"Content-Disposition": disposition})


def inventory(request: Request, user: accounts.Account, path: Path, filename: str,
              record_values: bool, plan_id: int | None = None) -> tuple[dict[str, Any], RecordResult | None]:
    """Compute an activity-data file; optionally record its indicators as observations of the plan's targets."""
    summary, observations = compute_file(path, filename)
    if not record_values:
        return summary, None
    if observations is None:
        raise StoreError("记录需要基准年和之后年份的数据", "recording needs data for the base year and a later year")
    chosen = plan_context(request, user, plan_id).chosen
    if chosen is None:
        raise StoreError("没有可记录的方案", "no plan to record into")
    require_write(request, user, chosen.region_id)
    result = record_inventory(request.app.state.db, observations, actor=user.username, region=chosen.region)
    record(request, user, "record_inventory", "file", None, filename=filename,
           values=[(r.code, r.period, r.value) for r in result.recorded], skipped=result.skipped)
    return summary, result
