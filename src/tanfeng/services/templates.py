"""The data-collection workbook a unit fills in: its indicators and tasks for one period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.cells import cell, neutralise_formulas
from tanfeng.db.models import Observation, PlanVersion, Responsibility, Task, TaskProgress
from tanfeng.db.session import Database
from tanfeng.formatting import excel_format, format_quantity, format_target
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import current_versions
from tanfeng.services.registry import get_region, require_unit
from tanfeng.services.status import expected_at
from tanfeng.services.tracked import TrackedTarget, indicator_basis, load_tracked
from tanfeng.tracking.entry import basis_text
from tanfeng.tracking.periods import Period, parse_period
from tanfeng.tracking.trajectory import target_reading

TEMPLATE_VERSION = "1"
MAX_PROGRESS_TEXT = 500
META_SHEET = "_meta"
IND_SHEET = "指标填报"
TASK_SHEET = "任务进展"

# (header, English key). The first columns are the ones a unit fills in; the rest are for reading (the import
# ignores them, so a workbook written before a reading column was added still imports).
IND_COLUMNS = [
    ("指标ID", "indicator_id"), ("指标名称", "indicator"), ("填报期间", "period"), ("本期值", "value"),
    ("计量单位", "unit"), ("数据来源", "source"), ("备注", "note"), ("填报口径", "basis"), ("目标", "targets"),
    ("基期", "baseline"), ("以往数值", "previous"), ("预期值（只读）", "expected"), ("本单位职责", "role"),
    ("方案", "plan"),
]
READ_ONLY = "expected"  # key of the column the import never reads (the expected path at the period's end)
TASK_COLUMNS = [
    ("方案ID", "plan_id"), ("任务编号", "task"), ("任务名称", "title"), ("填报期间", "period"),
    ("进展状态", "status"), ("进展说明", "text"), ("本单位职责", "role"), ("上期进展", "previous"),
]
PROGRESS_STATUSES = {
    "未启动": "not_started", "按计划推进": "on_track", "进展滞后": "late", "已完成": "done", "已取消": "cancelled",
}
ROLE_LABELS = {"lead": "牵头", "co": "配合"}
FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD = PatternFill("solid", fgColor="DDEBF7")

INSTRUCTIONS = [
    "填报说明 / Instructions",
    "1. 只填写黄色列：本期值、计量单位（可改为同类单位，如“兆瓦”代替“万千瓦”）、数据来源、备注；其他列请勿修改。",
    "2. 本期值只填数字，不带单位和百分号；未取得数据的指标留空。",
    "3. 按“填报口径”列填写：标注“累计”的指标，填写较基期年累计下降（或提高）的百分比，如累计下降7.2%填 7.2；"
    "占比在0—100之间；以个、座等计的数量填整数。",
    "   与上年同期相比变化过大（超过系统设定的幅度）的数值，须在备注中说明原因，否则整份文件退回。",
    "   “预期值”列为按方案目标路径测算的本期末应达值（按指标原计量单位和填报口径），仅供对照，导入时不读取。",
    f"4. 任务进展：从下拉列表选择进展状态，并简要说明进展（{MAX_PROGRESS_TEXT}字以内）。",
    "5. 填好后交牵头办公室，由其用“tanfeng data import 文件名”导入；有任何一行错误，整份文件退回并逐行说明。",
    "Fill in the yellow columns only; numbers without units; leave unknown values blank.",
]


@dataclass(frozen=True)
class TemplateInfo:
    path: str
    unit: str
    region: str
    period: str
    indicators: int
    tasks: int


def _targets_text(items: list[TrackedTarget]) -> str:
    parts = []
    for item in items:
        t = item.target
        if t.assigned and t.quota_value is None:
            goal_text = "待下达"
        else:
            value, unit = (t.quota_value, t.quota_unit) if t.assigned else (t.value, t.unit)
            # read the right way round: 下降13%（力争13.5%）, from the target's own verb
            goal_text = format_target(value, t.stretch_value, unit, change=target_reading(t.change, item.indicator.shape))
        parts.append(f"{t.year or '?'}年 {goal_text}")
    return "；".join(parts)


def _basis(items: list[TrackedTarget]) -> str:
    """The 填报口径 the web form shows too (tracking.entry), so the file and the form say the same."""
    if items[0].indicator.shape == "milestone":
        return "里程碑，无需填数"
    return basis_text(indicator_basis(items), "zh")


def _previous(session: Session, indicator_id: int, before_key: int) -> str:
    rows = session.execute(
        select(Observation.period, Observation.value, Observation.unit, Observation.status)
        .where(Observation.indicator_id == indicator_id, Observation.period_key < before_key)
        .order_by(Observation.period_key.desc()).limit(3)
    )
    return "；".join(f"{p}: {format_quantity(v, u)}" + ("（已退回）" if s == "returned" else "") for p, v, u, s in rows)


def _write_rows(sheet: Worksheet, columns: list[tuple[str, str]], rows: list[dict[str, object]],
                editable: set[str]) -> None:
    sheet.append([f"{zh}\n{en}" for zh, en in columns])
    for head in sheet[1]:
        head.font, head.fill = Font(bold=True), HEAD
        head.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append([cell(row.get(key)) for _, key in columns])
        if READ_ONLY in row:  # a number for Excel, shown as the project's formatter writes it (四舍五入)
            shown = sheet.cell(row=sheet.max_row, column=[k for _, k in columns].index(READ_ONLY) + 1)
            shown.number_format = excel_format(row[READ_ONLY])  # type: ignore[arg-type]
            shown.font = Font(color="595959")
    for idx, (_, key) in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=idx).column_letter
        sheet.column_dimensions[letter].width = 14 if key not in ("indicator", "title", "targets", "text") else 36
        if key in editable:
            for r in range(2, len(rows) + 2):
                sheet.cell(row=r, column=idx).fill = FILL
    sheet.freeze_panes = "C2"


def write_template(db: Database, *, unit: str, period: str, path: str | Path, region: str | None = None) -> TemplateInfo:
    """Write the workbook for ``unit`` and ``period`` to ``path`` (its indicators and tasks only)."""
    parsed = parse_period(period)
    if parsed is None:
        raise StoreError(f"期间“{period}”无法识别（应如 2024、2024Q1、2024-03）",
                         f"period '{period}' not understood (e.g. 2024, 2024Q1, 2024-03)")
    with db.transaction() as session:
        refs = current_versions(session, get_region(session, region) if region else None)
        regions = {r.region.id: r.region for r in refs}
        if not regions:
            raise StoreError("数据库中还没有方案，请先 tanfeng plan import", "no plan stored yet; run tanfeng plan import")
        if len(regions) > 1 and region is None:
            raise StoreError("有多个地区，请用 --region 指定", "several regions stored; give --region")
        region_row = next(iter(regions.values()))
        unit_row = require_unit(session, region_row, unit)
        by_indicator: dict[int, list[TrackedTarget]] = {}
        for item in load_tracked(session, region_row):
            if any(u == unit_row.id for u, _ in item.units):
                by_indicator.setdefault(item.indicator.id, []).append(item)
        ind_rows = [_indicator_row(session, items, unit_row.id, parsed)
                    for items in by_indicator.values() if items[0].indicator.shape != "milestone"]
        task_rows = _task_rows(session, [r.version.id for r in refs], unit_row.id, parsed.label)
        wb = Workbook()
        info = wb.active
        info.title = "说明"
        for line in [f"填报单位：{unit_row.name}", f"地区：{region_row.name}", f"填报期间：{parsed.label}", "", *INSTRUCTIONS]:
            info.append([cell(line)])
        info.column_dimensions["A"].width = 110
        _write_rows(wb.create_sheet(IND_SHEET), IND_COLUMNS, ind_rows, {"value", "unit", "source", "note"})
        _add_validation(wb[IND_SHEET], ind_rows)
        _write_rows(wb.create_sheet(TASK_SHEET), TASK_COLUMNS, task_rows, {"status", "text"})
        _add_task_validation(wb[TASK_SHEET], len(task_rows))
        meta = wb.create_sheet(META_SHEET)
        for key, value in [("template_version", TEMPLATE_VERSION), ("region", region_row.name),
                           ("unit", unit_row.name), ("unit_id", unit_row.id), ("period", parsed.label),
                           ("generated_at", datetime.now(UTC).isoformat(timespec="seconds"))]:
            meta.append([key, cell(value)])
        meta.sheet_state = "hidden"
        neutralise_formulas(wb)
        wb.save(str(path))
        return TemplateInfo(str(path), unit_row.name, region_row.name, parsed.label, len(ind_rows), len(task_rows))


def _indicator_row(session: Session, items: list[TrackedTarget], unit_id: int, period: Period) -> dict[str, object]:
    ind = items[0].indicator
    role = next(r for u, r in items[0].units if u == unit_id)
    base = f"{ind.baseline_year}年" + (f" {format_quantity(ind.baseline_value, ind.unit)}"
                                       if ind.baseline_value is not None else "")
    return {
        "indicator_id": ind.id, "indicator": ind.name, "period": period.label, "unit": ind.unit,
        "expected": expected_at(session, ind, items, period), "basis": _basis(items), "targets": _targets_text(items),
        "baseline": base if ind.baseline_year else None,
        "previous": _previous(session, ind.id, period.key), "role": ROLE_LABELS.get(role, role),
        "plan": items[0].ref.plan.title, "_kind": indicator_basis(items).kind.value,
    }


def _task_rows(session: Session, version_ids: list[int], unit_id: int, period: str) -> list[dict[str, object]]:
    rows = session.execute(
        select(Task, Responsibility.role, PlanVersion.plan_id)
        .join(Responsibility, Responsibility.task_id == Task.id)
        .join(PlanVersion, PlanVersion.id == Task.version_id)
        .where(Task.version_id.in_(version_ids), Responsibility.unit_id == unit_id)
        .order_by(Task.version_id, Task.position)
    )
    out = []
    for task, role, plan_id in rows:
        last = session.scalar(
            select(TaskProgress).where(TaskProgress.plan_id == plan_id, TaskProgress.task_lineage == task.lineage)
            .order_by(TaskProgress.id.desc()).limit(1)
        )
        label = next((zh for zh, code in PROGRESS_STATUSES.items() if last and code == last.status), None)
        out.append({"plan_id": plan_id, "task": task.code, "title": task.title, "period": period,
                    "role": ROLE_LABELS.get(role, role),
                    "previous": f"{last.period} {label}：{last.text or ''}" if last else None})
    return out


def _add_validation(ws: Worksheet, rows: list[dict[str, object]]) -> None:
    """Excel's own checks on 本期值: a number; a share 0–100 and a count whole (the import checks it all again)."""
    if not rows:
        return
    col = chr(ord("A") + [k for _, k in IND_COLUMNS].index("value"))
    kinds = {
        "share": DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                                showErrorMessage=True, error="占比应在0—100之间", errorTitle="本期值"),
        "count": DataValidation(type="whole", operator="between", formula1="0", formula2="1000000000000000",
                                allow_blank=True, showErrorMessage=True, error="数量应为整数", errorTitle="本期值"),
    }
    number = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True,
                            showErrorMessage=True, error="请填写数字", errorTitle="本期值")
    for index, row in enumerate(rows, start=2):
        kinds.get(str(row.get("_kind")), number).add(f"{col}{index}")
    for dv in [number, *kinds.values()]:
        if dv.sqref:
            ws.add_data_validation(dv)


def _add_task_validation(ws: Worksheet, n: int) -> None:
    if n == 0:
        return
    col = chr(ord("A") + [k for _, k in TASK_COLUMNS].index("status"))
    dv = DataValidation(type="list", formula1='"' + ",".join(PROGRESS_STATUSES) + '"', allow_blank=True,
                        showErrorMessage=True, error="请从列表中选择 / choose from the list", errorTitle="进展状态")
    dv.add(f"{col}2:{col}{n + 1}")
    ws.add_data_validation(dv)
    text_col = chr(ord("A") + [k for _, k in TASK_COLUMNS].index("text"))
    length = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_PROGRESS_TEXT),
                            allow_blank=True, showErrorMessage=True, errorTitle="进展说明",
                            error=f"不超过{MAX_PROGRESS_TEXT}字 / at most {MAX_PROGRESS_TEXT} characters")
    length.add(f"{text_col}2:{text_col}{n + 1}")
    ws.add_data_validation(length)
