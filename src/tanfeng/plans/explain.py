"""``tanfeng parse --explain``: for each target and task, the sentence, the rule that produced it and
the competing readings the reader rejected; then the figures it dropped in sentences with no target
(where a rule may be too narrow)."""

from __future__ import annotations

import hashlib

from tanfeng.plans.model import Plan, Target
from tanfeng.plans.targets import RULES, Rejected

_TASK_RULES = {
    "heading+annotation": "标题 + 责任单位标注 (a heading with its responsibility annotation)",
    "heading-under-action": "行动下的标题，无责任单位 (a heading under an action, no annotation)",
    "heading+division-table": "标题，责任单位取自分工表 (a heading; units from the division table)",
    "division-table": "重点任务分工表的一行 (a row of the task division table)",
}


def explain_bytes(data: bytes, name: str) -> str:
    """The explanation of one plan file's bytes (raises PlanReadError like ``read_bytes``)."""
    from tanfeng.plans.extract import extract
    from tanfeng.plans.sources import load

    raw = load(data, name)
    trace: list[Rejected] = []
    plan = extract(raw.text, name=name, sha256=hashlib.sha256(data).hexdigest(), fmt=raw.format,
                   encoding=raw.encoding, trace=trace)
    return render(plan, trace)


def _target_line(t: Target) -> str:
    value = "上级下达 (assigned)" if t.assigned else f"{t.value:g}{t.unit or ''}" if t.value is not None else "—"
    return f"{t.id} [{t.rule}, {t.confidence}] {t.indicator} · {t.year or '?'} · {t.change or ''} {value}"


def render(plan: Plan, trace: list[Rejected]) -> str:
    m = plan.meta
    lines = [f"# {m.title or '（未识别标题 / untitled）'}",
             f"地区 region: {m.region.name if m.region else '—'} · 文号: {m.doc_number or '—'} · 日期: {m.date or '—'}"
             f" · 达峰年: {m.peak_year or '—'}", "", "## 目标 Targets"]
    used: set[int] = set()
    for t in sorted(plan.targets, key=lambda x: x.confidence or 0):
        lines.append(_target_line(t))
        lines.append(f"    句子 sentence: {t.sentence}")
        rule = RULES.get(t.rule or "", (0, "?"))[1]
        lines.append(f"    规则 rule: {rule}")
        competing = [(i, r) for i, r in enumerate(trace) if r.sentence.strip("。；，\n ") == t.sentence]
        for i, r in competing:
            used.add(i)
            lines.append(f"    未采用 rejected: 「{r.figure}」 {r.reason}")
    lines += ["", "## 任务 Tasks"]
    for task in sorted(plan.tasks, key=lambda x: x.confidence or 0):
        co = [u for u in task.units if u != task.lead]
        lines.append(f"{task.id} [{task.rule}, {task.confidence}] {task.title} — 牵头 lead: {task.lead or '—'}"
                     + (f"；配合 co: {'、'.join(co)}" if co else "") + (f"；完成时限 due: {task.due}" if task.due else ""))
        lines.append(f"    规则 rule: {_TASK_RULES.get(task.rule or '', '?')}")
    rest = [r for i, r in enumerate(trace) if i not in used]
    if rest:
        lines += ["", "## 未成为目标的数值 Figures not read as targets"]
        for r in rest:
            lines.append(f"「{r.figure}」 {r.reason}")
            lines.append(f"    句子 sentence: {r.sentence[:160]}")
    return "\n".join(lines)
