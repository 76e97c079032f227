"""Human-readable renderings of a plan (markdown outline)."""

from __future__ import annotations

from tanfeng.plans.model import Plan, Target

_CHANGE = {"decrease": "下降", "increase": "提高", "level": "达到"}
_BOUND = {"min": "以上", "max": "以内", "about": "左右"}


def _fmt_num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}"


def target_row(t: Target) -> str:
    value = "上级下达 (assigned)" if t.assigned else f"{_fmt_num(t.value)}{t.unit or ''}"
    if t.stretch_value is not None:
        value += f"（力争 {_fmt_num(t.stretch_value)}{t.unit or ''}）"
    if t.bound:
        value += _BOUND[t.bound]
    cells = [t.id, t.indicator, t.code or "", _CHANGE.get(t.change or "", ""), value,
             str(t.year or ""), str(t.baseline_year or ""), t.task_id or ""]
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def to_markdown(plan: Plan) -> str:
    """Outline: metadata, actions → tasks (with lead unit) → targets table."""
    m = plan.meta
    region = m.region
    lines = [f"# {m.title or '（未识别标题 / untitled）'}", ""]
    facts = [
        ("地区 Region", f"{region.name}（{region.level or '?'}，{region.adcode or '—'}，上级 {region.parent or '—'}）"
         if region else "—"),
        ("发布机关 Issuer", m.issuer or "—"),
        ("文号 Doc number", m.doc_number or "—"),
        ("日期 Date", m.date or "—"),
        ("状态 Status", "征求意见稿 draft" if m.status == "draft" else "正式 final"),
        ("达峰年 Peak year", str(m.peak_year or "—")),
    ]
    lines += [f"- **{k}**: {v}" for k, v in facts]
    if plan.parents:
        lines += ["", "## 依据文件 Parents", ""]
        lines += [f"- 《{p.title}》" + (f"（{p.doc_number}）" if p.doc_number else "") for p in plan.parents]
    by_task: dict[str | None, list[Target]] = {}
    for t in plan.targets:
        by_task.setdefault(t.task_id, []).append(t)
    header = ["| ID | 指标 Indicator | 代码 Code | 变化 | 目标值 Value | 年份 Year | 基准年 Base | 任务 Task |",
              "|---|---|---|---|---|---|---|---|"]
    if by_task.get(None):
        lines += ["", "## 主要目标 Goals", "", *header, *(target_row(t) for t in by_task[None])]
    sections: list[tuple[str | None, str]] = [(a.id, a.name) for a in plan.actions]
    if any(t.action is None for t in plan.tasks):
        sections.append((None, "其他任务 Other tasks"))
    for action_id, name in sections:
        tasks = [t for t in plan.tasks if t.action == action_id]
        lines += ["", f"## {action_id + ' ' if action_id else ''}{name}", ""]
        for task in tasks:
            lead = f" — 牵头 {task.lead}" if task.lead else ""
            co = [u for u in task.units if u != task.lead]
            lines.append(f"- **{task.id} {task.title}**{lead}" + (f"；配合 {'、'.join(co)}" if co else ""))
            if by_task.get(task.id):
                lines += ["", *("  " + row for row in header), *("  " + target_row(t) for t in by_task[task.id]), ""]
    lines += ["", f"共 {len(plan.actions)} 项行动、{len(plan.tasks)} 项任务、{len(plan.targets)} 项目标 / "
              f"{len(plan.actions)} actions, {len(plan.tasks)} tasks, {len(plan.targets)} targets"]
    return "\n".join(lines)
