"""Plan upload: read an uploaded plan file, then apply the office's corrections before it is stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from tanfeng.errors import TanfengError
from tanfeng.plans import read_bytes
from tanfeng.plans.model import Plan
from tanfeng.services.upload_guard import inspect_archive, run_limited
from tanfeng.services.validation import finite_number, year_in_range

MAX_PLAN_BYTES = 20 * 1024 * 1024


class PlanUploadError(TanfengError):
    pass


def read_upload(data: bytes, name: str) -> Plan:
    """A plan from an uploaded file (txt/docx/pdf/html, or a plan JSON)."""
    if not data:
        raise PlanUploadError(f"{name}: 文件为空 / {name}: the file is empty")
    if len(data) > MAX_PLAN_BYTES:
        raise PlanUploadError(f"{name}: 文件超过20MB / {name}: larger than 20 MB")
    if name.lower().endswith(".json"):
        try:
            return Plan.model_validate_json(data)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise PlanUploadError(f"{name}: 不是有效的方案JSON（{where}）/ {name}: not a plan JSON ({where}: "
                                  f"{first['msg']})") from err
    return read_bytes(data, name)


def read_upload_limited(data: bytes, name: str) -> Plan:
    """``read_upload`` behind the archive check, in a worker process with time and memory limits."""
    inspect_archive(data, name)
    plan: Plan = run_limited(read_upload, (data, name), name)
    return plan


def _number(text: str, what: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError as err:
        raise PlanUploadError(f"{what}: “{text}”不是数字 / {what}: '{text}' is not a number") from err
    return finite_number(number, what)


def _correct_target(target: dict[str, Any], form: Mapping[str, str]) -> None:
    key = f"target.{target['id']}."
    if key + "indicator" in form and form[key + "indicator"].strip():
        target["indicator"] = form[key + "indicator"].strip()
    if key + "value" in form:
        target["value"] = _number(form[key + "value"], f"目标{target['id']}的目标值 / target {target['id']} value")
    if key + "unit" in form:
        target["unit"] = form[key + "unit"].strip() or None
    if key + "year" in form:
        year = _number(form[key + "year"], f"目标{target['id']}的年份 / target {target['id']} year")
        if year is not None and not year.is_integer():
            raise PlanUploadError(f"目标{target['id']}的年份应为整数 / target {target['id']} year must be whole")
        target["year"] = year_in_range(int(year), f"目标{target['id']}的年份 / target {target['id']} year") \
            if year is not None else None
    if key + "present" in form:  # checkboxes send nothing when unticked
        target["assigned"] = form.get(key + "assigned") == "on"


def _correct_task(task: dict[str, Any], form: Mapping[str, str]) -> None:
    key = f"task.{task['id']}."
    if key + "lead" in form:
        task["lead"] = form[key + "lead"].strip() or None
    if key + "units" in form:
        units = [u.strip() for u in form[key + "units"].replace("，", "、").replace(",", "、").split("、")]
        task["units"] = [u for u in units if u]
    if task.get("lead") and task["lead"] not in task.get("units", []):
        task["units"] = [task["lead"], *task.get("units", [])]


def apply_corrections(document: str, form: Mapping[str, str]) -> Plan:
    """The previewed plan (its JSON) with the office's edits of targets and units; validated again."""
    try:
        data = json.loads(document)
    except json.JSONDecodeError as err:
        raise PlanUploadError("预览数据损坏，请重新上传 / the preview was damaged; upload again") from err
    for target in data.get("targets", []):
        _correct_target(target, form)
    for task in data.get("tasks", []):
        _correct_task(task, form)
    if form.get("meta.title", "").strip():
        data.setdefault("meta", {})["title"] = form["meta.title"].strip()
    changed = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # Corrected content is a different document: give it its own digest so it becomes its own version.
    if changed != json.dumps(json.loads(document), ensure_ascii=False, sort_keys=True):
        data["source"]["sha256"] = hashlib.sha256(changed.encode("utf-8")).hexdigest()
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise PlanUploadError(f"更正后的方案无效：{first['loc']} / corrected plan invalid: {first['msg']}") from err
