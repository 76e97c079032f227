"""The writes of the workspace, shared by pages and the API: permission checks, the service call, the audit entry.

Each write is one write transaction: the permission checks read inside it, the service changes
the data inside it and the audit entry is added inside it, so all three commit together or not at
all (an audit failure undoes the change; a failed change leaves no entry).

A unit account writes only for its own unit and only the indicators and tasks its unit is responsible
for; the office and the administrator write for any unit (e.g. entering a paper report) — of the regions
their scope writes (web.scoping). A write for a unit is for the unit's region, never "the only region".
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from tanfeng.accounting import example_inventory_path
from tanfeng.accounting.observations import Observation as InventoryValue
from tanfeng.db.models import Unit
from tanfeng.db.session import Database
from tanfeng.plans.model import Plan
from tanfeng.projection.scenarios import example_inventory_scenarios_path
from tanfeng.reports.annual import build_annual_content, render
from tanfeng.services import accounts, api_tokens, permissions, plan_admin, registry, review, sessions
from tanfeng.services.collection import (
    CollectionResult,
    ParsedFile,
    parse_file,
    store_parsed,
    store_progress_reports,
    store_values,
)
from tanfeng.services.errors import StoreError
from tanfeng.services.inventory_record import RecordResult, preview_inventory, record_inventory
from tanfeng.services.plan_import import MappingChoices, PlanImportResult, import_plan
from tanfeng.services.regions import regions_of_unit_names
from tanfeng.services.scope import observation_region, region_ids_by_name, unit_region_id
from tanfeng.web.deps import OFFICE, Forbidden, RateLimited, audit_in, record, written
from tanfeng.web.inventory_view import compute_file
from tanfeng.web.scoping import (
    chosen_plan_id,
    plan_context,
    plan_region,
    require_quota,
    require_write,
    require_write_named,
)


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


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _unit_region(session: Session, unit_id: int) -> str:
    """The region name of a unit (the region its writes are validated against)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise StoreError(f"没有编号为{unit_id}的单位", f"no unit {unit_id}")
    return unit.region.name


def submit(request: Request, user: accounts.Account, values: list[dict[str, Any]], unit_id: int | None,
           draft: bool = False) -> CollectionResult:
    """Values from the form or the API; each may carry the ``version`` it was edited from."""
    unit = acting_unit(user, unit_id)
    require_write(request, user, unit_region_id(_db(request), unit))
    with _db(request).write() as session:
        for item in values:
            indicator_id = item.get("indicator_id")
            if user.role == "unit" and (not isinstance(indicator_id, int)
                                        or unit not in permissions.indicator_unit_ids(session, indicator_id)):
                raise Forbidden(f"本单位不负责指标{indicator_id}，不能填报 / your unit is not responsible for "
                                f"indicator {indicator_id}")
        result = store_values(session, values, reporter=permissions.unit_name(session, unit), actor=user.username,
                              region=_unit_region(session, unit), draft=draft, source="web",
                              office=user.role in OFFICE)
        audit_in(session, request, user, "submit_values", "unit", unit, values=values, draft=draft,
                 created=result.created, updated=result.updated)
    written(request)
    return result


def progress(request: Request, user: accounts.Account, plan_id: int, task: str, period: str, status: str,
             text: str | None, unit_id: int | None, version: int | None = None) -> CollectionResult:
    unit = acting_unit(user, unit_id)
    report: dict[str, Any] = {"plan_id": plan_id, "task": task, "period": period, "status": status, "text": text}
    if version is not None:
        report["version"] = version
    region_id = unit_region_id(_db(request), unit)
    require_write(request, user, region_id)
    if plan_region(_db(request), plan_id) != region_id:
        raise Forbidden(f"方案{plan_id}不属于该单位所在地区 / plan {plan_id} is not of the unit's region")
    with _db(request).write() as session:
        if user.role == "unit" and unit not in permissions.task_unit_ids(session, plan_id, task):
            raise Forbidden(f"本单位不负责任务{task} / your unit is not responsible for task {task}")
        result = store_progress_reports(session, [report], reporter=permissions.unit_name(session, unit),
                                        actor=user.username, region=_unit_region(session, unit), source="web")
        audit_in(session, request, user, "task_progress", "task", None, plan_id=plan_id, task=task, period=period,
                 status=status)
    written(request)
    return result


def upload(request: Request, user: accounts.Account, path: Path, filename: str,
           parsed: ParsedFile | None = None) -> CollectionResult:
    """A filled template: a unit may upload only a file that reports for itself.

    ``parsed``: the file as already read (by the upload worker), so it is not read again here.
    """
    parsed = parsed or parse_file(path)
    names = _reporter_names(parsed)
    region = upload_region(_db(request), user, parsed.region, names)
    require_write(request, user, region_ids_by_name(_db(request)).get(region))
    with _db(request).write() as session:
        if user.role == "unit":
            _check_own_file(session, user, parsed, region)
        result = store_parsed(session, parsed, actor=user.username, region=region, draft=False,
                              office=user.role in OFFICE)
        audit_in(session, request, user, "upload_template", "file", None, filename=filename, created=result.created,
                 updated=result.updated, task_reports=result.task_reports)
    written(request)
    return result


def _reporter_names(parsed: ParsedFile) -> set[str]:
    return {n for n in [parsed.reporter, *(str(r["reporter"]) for sheet in (parsed.indicators, parsed.tasks)
                                           if sheet for _, r in sheet.rows if r.get("reporter"))] if n}


def upload_region(db: Database, user: accounts.Account, written: str | None, names: set[str]) -> str:
    """The region an uploaded file reports for: a unit account's own; else the file's, else its units' region."""
    if user.role == "unit" and user.region is not None:
        if written and written != user.region:
            raise Forbidden(f"文件属于{written}，不是本单位所在的{user.region} / the file is for {written}, "
                            f"not {user.region}")
        return user.region
    if written:
        return written
    found = regions_of_unit_names(db, names)
    if len(found) != 1:
        raise StoreError("文件未注明地区，且填报单位不能确定唯一地区；请使用本系统下载的填报表",
                         "the file names no region and its units do not fix one; use a template downloaded here")
    return found.pop()


def _check_own_file(session: Session, user: accounts.Account, parsed: ParsedFile, region: str) -> None:
    names = _reporter_names(parsed)
    # names are resolved like the import does (aliases, short forms); unknown names fail validation there
    found = permissions.unit_ids_for_names(session, names, region)
    if any(uid is not None and uid != user.unit_id for uid in found.values()):
        raise Forbidden(f"文件中的填报单位不是{user.unit} / the file reports for another unit than {user.unit}")
    indicator_ids = {int(r["indicator_id"]) for _, r in (parsed.indicators.rows if parsed.indicators else [])
                     if str(r.get("indicator_id", "")).isdigit() and r.get("value") not in (None, "")}
    for indicator_id in indicator_ids:
        if (user.unit_id or 0) not in permissions.indicator_unit_ids(session, indicator_id):
            raise Forbidden(f"本单位不负责指标{indicator_id} / your unit is not responsible for {indicator_id}")


def review_one(request: Request, user: accounts.Account, observation_id: int, action: str,
               reason: str | None, version: int | None = None) -> None:
    review_many(request, user, [observation_id], action, reason,
                {observation_id: version} if version is not None else None)


def review_many(request: Request, user: accounts.Account, observation_ids: list[int], action: str,
                reason: str | None, versions: dict[int, int] | None = None) -> int:
    """Accept or return several values at once: all or none, each at the version the office saw (if given)."""
    if not observation_ids:
        raise StoreError("没有选择任何填报值", "no value selected")
    for observation_id in observation_ids:
        region_id = observation_region(_db(request), observation_id)
        if region_id is not None:  # an unknown id is refused by the service with its own message
            require_write(request, user, region_id)
    with _db(request).write() as session:
        count = review.review_in(session, observation_ids, action=action, actor=user.username, reason=reason,
                                 versions=versions)
        entity_id = observation_ids[0] if len(observation_ids) == 1 else None
        audit_in(session, request, user, f"review_{action}", "observation", entity_id, ids=observation_ids,
                 reason=reason, versions=versions)
    written(request)
    return count


def quota(request: Request, user: accounts.Account, plan_id: int, target: str, value: float, unit: str | None,
          note: str | None, version: int | None = None) -> plan_admin.IndicatorRef:
    require_quota(request, user, plan_region(_db(request), plan_id))
    with _db(request).write() as session:
        ref = plan_admin.set_quota_in(session, plan=str(plan_id), target=target, value=value, unit=unit, note=note,
                                      actor=user.username, version=version)
        audit_in(session, request, user, "set_quota", "indicator", ref.indicator_id, plan_id=plan_id, target=target,
                 value=value, unit=unit, note=note)
    written(request)
    return ref


def create_account(request: Request, user: accounts.Account, *, username: str, password: str, role: str,
                   display_name: str | None, unit_id: int | None,
                   region_id: int | None = None) -> accounts.Account:
    if user.role != "admin" and role in ("admin", "office"):
        raise Forbidden("只有系统管理员能创建管理员或办公室账号 / only an administrator creates admin or office accounts")
    if unit_id is not None:
        require_write(request, user, unit_region_id(_db(request), unit_id))
    if user.region_id is not None:
        region_id = user.region_id  # a regional office creates accounts of its own region
    with _db(request).write() as session:
        account = accounts.create_user_in(session, username=username, password=password, role=role,
                                          display_name=display_name, unit_id=unit_id, region_id=region_id)
        audit_in(session, request, user, "create_account", "user", account.id, username=username, role=role,
                 unit_id=unit_id)
    written(request)
    return account


def update_account(request: Request, user: accounts.Account, account_id: int, *, password: str | None,
                   active: bool | None, role: str | None, version: int | None = None) -> accounts.Account:
    with _db(request).write() as session:
        target = accounts.lock_user(session, account_id)
        if target is None:
            raise StoreError(f"没有编号为{account_id}的账号", f"no account {account_id}")
        if user.role != "admin" and (target.role in ("admin", "office") or role in ("admin", "office")):
            raise Forbidden("只有系统管理员能修改管理员或办公室账号 / only an administrator changes admin or office accounts")
        unit_row = session.get(Unit, target.unit_id) if target.unit_id else None
        target_region = target.region_id or (unit_row.region_id if unit_row else None)
        if target_region is not None or user.region_id is not None:
            require_write(request, user, target_region)
        account = accounts.update_user_in(session, account_id, password=password, active=active, role=role,
                                          version=version)
        audit_in(session, request, user, "update_account", "user", account_id, password_changed=password is not None,
                 active=active, role=role)
    written(request)
    return account


def change_own_password(request: Request, user: accounts.Account, current: str, new: str,
                        repeat: str | None = None) -> int:
    """The logged-in user's own password: the current one first (throttled like logins); the account's
    other sessions end, this one stays. Returns how many other sessions ended."""
    if repeat is not None and repeat != new:
        raise StoreError("两次输入的新密码不一致，密码未修改", "the two new passwords differ; nothing changed")
    throttle = request.app.state.throttle
    client = request.client.host if request.client else "?"
    account_key, client_key = f"user:{user.username.casefold()}", f"ip:{client}"
    wait = throttle.reserve(client_key, account_key)
    if wait > 0:
        raise RateLimited(f"尝试过多，请{math.ceil(wait)}秒后再试 / too many attempts; try again in {math.ceil(wait)} s")
    with _db(request).write() as session:  # a wrong current password raises: the attempt stays counted
        accounts.change_own_password_in(session, user.id, current, new)
        ended = sessions.end_others_in(session, user.id, request.session.get("sid"))
        audit_in(session, request, user, "change_own_password", "user", user.id, other_sessions_ended=ended)
    throttle.succeeded(account_key, client_key)
    written(request)
    return ended


def _session_only(request: Request) -> None:
    if getattr(request.state, "token_auth", False):  # a leaked token must not mint or end others
        raise Forbidden("API令牌不能管理令牌，请登录后操作 / an API token cannot manage tokens; log in to do so")


def create_own_token(request: Request, user: accounts.Account, name: str, days: int | None
                     ) -> tuple[api_tokens.TokenInfo, str]:
    """A new API token of the logged-in account (shown once): (its record, the token)."""
    _session_only(request)
    with _db(request).write() as session:
        info, token = api_tokens.create_in(session, username=user.username, name=name, days=days,
                                           created_by=user.username)
        audit_in(session, request, user, "create_api_token", "api_token", info.id, name=info.name, hint=info.hint,
                 days=days)
    return info, token


def revoke_own_token(request: Request, user: accounts.Account, token_id: int) -> api_tokens.TokenInfo:
    _session_only(request)
    with _db(request).write() as session:
        info = api_tokens.revoke_in(session, token_id, revoked_by=user.username, owner=user)
        audit_in(session, request, user, "revoke_api_token", "api_token", info.id, name=info.name, hint=info.hint)
    return info


def rename_unit(request: Request, user: accounts.Account, region: str, unit: str, new_name: str) -> None:
    require_write(request, user, region_ids_by_name(_db(request)).get(region))
    with _db(request).write() as session:
        info = registry.rename_in(session, region=region, unit=unit, new_name=new_name, actor=user.username)
        audit_in(session, request, user, "rename_unit", "unit", info.id, old=unit, new=new_name)
    written(request)


def alias_unit(request: Request, user: accounts.Account, region: str, alias: str, unit: str,
               confirm: bool = True) -> registry.MergePreview | None:
    """Register an alias; if it would merge another unit and ``confirm`` is false, only say what would move."""
    require_write(request, user, region_ids_by_name(_db(request)).get(region))
    with _db(request).write() as session:
        region_row = registry.lock_region(session, registry.get_region(session, region))
        preview = registry.merge_preview(session, region_row, alias, unit)
        if preview is not None and not confirm:
            return preview
        info = registry.add_alias(session, region_row, alias, unit, user.username)
        audit_in(session, request, user, "alias_unit", "unit", info.id, alias=alias, unit=unit,
                 merged=preview.moves() if preview else None)
    written(request)
    return None


def store_plan(request: Request, user: accounts.Account, plan: Plan, choices: MappingChoices | None = None,
               **detail: Any) -> PlanImportResult:
    """Import a plan (JSON or the corrected upload) with its audit entry in the same transaction."""
    require_write_named(request, user, plan.meta.region.name if plan.meta.region else None)

    def audit(session: Session, result: PlanImportResult) -> None:
        audit_in(session, request, user, "import_plan", "plan", result.plan_id, title=result.title,
                 version=result.version, created=result.created, **detail)

    result = import_plan(_db(request), plan, actor=user.username, choices=choices, audit=audit)
    written(request)
    return result


REPORT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "html": "text/html; charset=utf-8"}


def annual_report(request: Request, user: accounts.Account, year: int | None, fmt: str,
                  plan_id: int | None, lang: str | None = None) -> Response:
    """生成年度评估报告: the annual evaluation report (tanfeng.reports) as a download.

    On the demo database the bundled example inventory and scenario file (示例数据) go into the report too.
    """
    db: Database = request.app.state.db
    plan_id = chosen_plan_id(request, user, plan_id)
    year = year or date.today().year - 1
    extra: dict[str, Any] = {}
    if request.app.state.demo:
        # the projection's base year from the same inventory, so both sections print the same figures
        extra = {"inventory": example_inventory_path(), "scenarios": example_inventory_scenarios_path()}
    content = build_annual_content(db, year, plan=plan_id, **extra)
    lang = lang or request.app.state.renderer.language(request)  # the English UI gets the English report
    data = render(content, fmt, lang)
    record(request, user, "annual_report", "plan", content.facts.plan_id, year=year, format=fmt)
    name = content.filename(fmt, lang)
    disposition = f"attachment; filename=\"annual-report-{year}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=REPORT_TYPES.get(fmt, "application/octet-stream"),
                    headers={"Content-Disposition": disposition})


def inventory(request: Request, user: accounts.Account, path: Path, filename: str,
              record_values: bool, fallback: str | None = None,
              plan_id: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Compute an activity-data file; with ``record_values`` also the preview of recording its indicators.

    The preview carries a signed token of the computed values, so the confirmation records exactly
    what was shown, without the file being uploaded again.
    """
    summary, observations = compute_file(path, filename, fallback)
    if not record_values:
        return summary, {}
    if observations is None:
        raise StoreError("记录需要基准年和之后年份的数据", "recording needs data for the base year and a later year")
    chosen = plan_context(request, user, plan_id).chosen
    if chosen is None:
        raise StoreError("没有可记录的方案", "no plan to record into")
    require_write(request, user, chosen.region_id)
    preview = preview_inventory(_db(request), observations, region=chosen.region)
    token = _signer(request).dumps({"summary": summary, "values": {k: v.to_dict() for k, v in observations.items()},
                                    "region": chosen.region, "region_id": chosen.region_id})
    return summary, {"preview": preview, "token": token}


def _signer(request: Request) -> URLSafeSerializer:
    secret = request.app.state.settings.secret_key.get_secret_value()  # never empty: WebSettings makes one
    return URLSafeSerializer(secret, salt="tanfeng.inventory-record")


def confirm_inventory(request: Request, user: accounts.Account, token: str, fingerprint: str,
                      reason: str | None) -> tuple[dict[str, Any], RecordResult]:
    """Record the previewed values (submitted for review); refuses a tampered or stale preview."""
    try:
        data = _signer(request).loads(token)
    except BadSignature as err:
        raise StoreError("预览已失效，请重新上传文件", "the preview is invalid; upload the file again") from err
    values = {k: InventoryValue(**v) for k, v in data["values"].items()}
    require_write(request, user, data.get("region_id"))

    def audit(session: Session, result: RecordResult) -> None:
        audit_in(session, request, user, "record_inventory", "file", None, filename=data["summary"].get("source"),
                 reason=reason, values=[(r.code, r.period, r.value) for r in result.recorded],
                 skipped=result.skipped)

    result = record_inventory(_db(request), values, actor=user.username, confirm=True, reason=reason,
                              expected=fingerprint, audit=audit, region=data.get("region"))
    written(request)
    return data["summary"], result
