"""Extraction: normalised text → Plan (metadata, parents, outline → actions and tasks, units, targets)."""

from __future__ import annotations

import re

from tanfeng.errors import PlanReadError
from tanfeng.plans.actions import action_name, enumerated_actions
from tanfeng.plans.division import division_tasks
from tanfeng.plans.meta import extract_meta
from tanfeng.plans.model import Action, Plan, Source, Target, Task
from tanfeng.plans.outline import Block, ancestors, own_text, parse_outline
from tanfeng.plans.responsibility import Responsibility, find_annotations, parse_units
from tanfeng.plans.tables import table_targets
from tanfeng.plans.targets import (
    Paragraph,
    RawTarget,
    Rejected,
    confidence,
    deduplicate,
    extract_targets,
    forward_years,
)
from tanfeng.plans.vocab import PERIOD_END
from tanfeng.text.normalise import CJK, normalise

_ACTION_TITLE = re.compile(r"(?:行动|工程|行动计划|专项行动)$")
_GOAL_TITLE = re.compile(r"目标")
_TASKS_SECTION = re.compile(r"^(?:重点|主要)(?:任务|工作|举措|工程)|任务$")
_PLAN_WORDS = re.compile(r"碳达峰|碳中和|节能|减排|降碳|低碳|温室气体|能源|方案|规划|行动|目标|任务|责任单位")


def extract(text: str, *, name: str, sha256: str, fmt: str, encoding: str | None,
            trace: list[Rejected] | None = None) -> Plan:
    """Build the Plan from the text of one file; raises PlanReadError for text that is not a plan.
    ``trace`` collects the readings the reader rejected (for ``tanfeng parse --explain``)."""
    norm = normalise(text)
    body = norm.text
    if len(re.findall(f"[{CJK}]", body)) < 20:
        raise PlanReadError(name, "没有可识别的中文方案文本", "no Chinese plan text found")
    blocks = parse_outline(body)
    offsets = _offsets(body, blocks)
    actions, tasks, task_of_block = _actions_and_tasks(blocks, body)
    _merge_division_table(body, actions, tasks)
    units_hint = [u for t in tasks for u in t.units]
    meta_result = extract_meta(body, units_hint)
    meta = meta_result.meta
    from_tables, table_rows = table_targets(body)
    paragraphs = [
        Paragraph(text=_block_text(b), offset=offsets[b.index], task_id=task_of_block.get(b.index),
                  goal_section=_in_goal_section(blocks, b), heading=b.is_heading)
        for b in blocks if b.text not in table_rows  # indicator tables are read by plans.tables
    ]
    deadlines = forward_years(body)
    raw = extract_targets(
        paragraphs,
        default_year=_plan_period_end(meta.title),
        period_start=_plan_period_start(meta.title),
        doc_year=int(meta.date[:4]) if meta.date else None,
        first_forward_year=min(deadlines) if deadlines else None,
        trace=trace,
    )
    raw = deduplicate(raw + from_tables, meta_result.body_start, trace)
    if meta.peak_year:
        raw.append(_peak_target(body, meta.peak_year))
    targets = _number_targets(raw)
    if not (meta.title or tasks or targets or actions) and len(_PLAN_WORDS.findall(body)) < 3:
        raise PlanReadError(name, "不像是一份方案（未找到标题、目标或任务）",
                            "does not look like a plan (no title, goals or tasks found)")
    for task in tasks:
        task.target_ids = [t.id for t in targets if t.task_id == task.id]
    source = Source(path=name, sha256=sha256, format=fmt, encoding=encoding, script=norm.script)  # type: ignore[arg-type]
    return Plan(source=source, meta=meta, parents=meta_result.parents, actions=actions, tasks=tasks, targets=targets)


def _offsets(body: str, blocks: list[Block]) -> dict[int, int]:
    out: dict[int, int] = {}
    pos = 0
    for b in blocks:
        found = body.find(b.text, pos)
        out[b.index] = found if found >= 0 else pos
        pos = out[b.index] + len(b.text)
    return out


def _block_text(b: Block) -> str:
    if b.is_heading:
        return b.text[len(b.marker):].strip() if b.text.startswith(b.marker) else b.text
    return b.text


def _in_goal_section(blocks: list[Block], b: Block) -> bool:
    heads = ([b] if b.is_heading else []) + ancestors(blocks, b)
    return any(_GOAL_TITLE.search(h.title) for h in heads)


def _plan_period_end(title: str | None) -> int | None:
    if not title:
        return None
    m = re.search(r"\d{4}\s*[—–\-~至]+\s*(\d{4})年?", title)
    if m:
        return int(m.group(1))
    m = re.search(r"“?(十[一二三四五六])五”?", title)
    return PERIOD_END.get(m.group(1)) if m else None


def _plan_period_start(title: str | None) -> int | None:
    m = re.search(r"(\d{4})\s*[—–\-~至]+\s*\d{4}年?", title or "")
    return int(m.group(1)) if m else None


def _actions_and_tasks(blocks: list[Block], body: str) -> tuple[list[Action], list[Task], dict[int, str]]:
    """Tasks are headings that carry a responsibility annotation (or, in plans without any, the
    headings under action headings); a task's action is its nearest enclosing heading."""
    resp: dict[int, Responsibility] = {}
    for b in blocks:
        if b.is_heading:
            notes = find_annotations(own_text(blocks, b))
            if notes:
                resp[b.index] = parse_units(notes[0])
    if resp:
        task_blocks = [b for b in blocks if b.index in resp]
    else:
        task_blocks = [b for b in blocks if b.is_heading and b.parent is not None and b.title
                       and _is_action_heading(blocks, blocks[b.parent])]
    action_names: list[str] = []
    action_of: dict[int, str | None] = {}
    for b in task_blocks:
        parent = next((a for a in ancestors(blocks, b) if a.index not in resp), None)
        name = action_name(parent.title) if parent else None
        action_of[b.index] = name
        if name and name not in action_names:
            action_names.append(name)
    for b in blocks:
        if b.is_heading and _is_action_heading(blocks, b) and b.index not in resp \
                and action_name(b.title) not in action_names:
            action_names.append(action_name(b.title))
    for name in enumerated_actions(body):
        if not any(name in n or n in name for n in action_names):
            action_names.append(name)
    actions = [Action(id=f"A{i + 1}", name=n) for i, n in enumerate(action_names)]
    action_id = {a.name: a.id for a in actions}
    tasks: list[Task] = []
    counters: dict[str, int] = {}
    for b in task_blocks:
        aid = action_id.get(action_of[b.index] or "")
        key = aid or "X"
        counters[key] = counters.get(key, 0) + 1
        r = resp.get(b.index)
        tasks.append(Task(id=f"{key}.{counters[key]}", action=aid, title=b.title,
                          text=own_text(blocks, b) if not b.body else b.text[len(b.marker):].strip() + _rest(blocks, b),
                          lead=r.lead if r else None, units=r.units if r else [], due=r.due if r else None,
                          rule="heading+annotation" if r else "heading-under-action",
                          confidence=(0.9 if r.lead else 0.6) if r else 0.5))
    task_of_block: dict[int, str] = {}
    for task, b in zip(tasks, task_blocks, strict=True):
        _mark_subtree(blocks, b, task.id, task_of_block)
    return actions, tasks, task_of_block


def _merge_division_table(body: str, actions: list[Action], tasks: list[Task]) -> None:
    """The 重点任务分工表 names units (and 完成时限) for the tasks: a row whose task is already a heading
    fills what the heading left open; any other row is a task of its own."""
    rows, _ = division_tasks(body)
    if not rows:
        return
    by_title = {re.sub(r"\s+", "", t.title): t for t in tasks}
    for row in rows:
        r = row.responsibility
        twin = by_title.get(re.sub(r"\s+", "", row.title))
        if twin is not None:
            if twin.lead is None:
                twin.lead, twin.units, twin.rule, twin.confidence = r.lead, r.units, "heading+division-table", 0.85
            twin.due = twin.due or r.due
            continue
        action = next((a for a in actions if row.action and (a.name in row.action or row.action in a.name)), None)
        if action is None and row.action and _ACTION_TITLE.search(row.action):
            action = Action(id=f"A{len(actions) + 1}", name=action_name(row.action))
            actions.append(action)
        key = action.id if action else "X"
        n = sum(1 for t in tasks if (t.action or "X") == key) + 1
        task = Task(id=f"{key}.{n}", action=action.id if action else None, title=row.title, text=row.text,
                    lead=r.lead, units=r.units, due=r.due, rule="division-table", confidence=0.8 if r.lead else 0.5)
        tasks.append(task)
        by_title[re.sub(r"\s+", "", row.title)] = task


def _is_action_heading(blocks: list[Block], b: Block) -> bool:
    """A named action (…行动/…工程), or a section directly under 重点任务 that has sub-items."""
    if _ACTION_TITLE.search(b.title):
        return True
    parent = blocks[b.parent] if b.parent is not None else None
    has_items = any(blocks[i].is_heading for i in b.children)
    return bool(parent and _TASKS_SECTION.search(parent.title) and has_items)


def _rest(blocks: list[Block], b: Block) -> str:
    paras = [blocks[i].text for i in b.children if not blocks[i].is_heading]
    return ("\n" + "\n".join(paras)) if paras else ""


def _mark_subtree(blocks: list[Block], b: Block, task_id: str, out: dict[int, str]) -> None:
    out[b.index] = task_id
    for i in b.children:
        if i not in out:
            _mark_subtree(blocks, blocks[i], task_id, out)


def _peak_target(body: str, year: int) -> RawTarget:
    masked = re.sub(r"《[^《》\n]*》", lambda b: "《" + "＿" * (len(b.group(0)) - 2) + "》", body)
    m = re.search(rf"[^。；\n]*{year}\s*年(?:前|以前|左右)[^。；\n]*(?:达峰|峰值)[^。；\n]*", masked)
    sentence = body[m.start() : m.end()] if m else f"{year}年前实现碳达峰"
    commitment = "ensure" if "确保" in sentence else "strive" if re.search("力争|争取", sentence) else None
    return RawTarget(indicator="二氧化碳排放达峰", sentence=sentence.strip("，"), offset=m.start() if m else len(body),
                     year=year, code="carbon_peak", change="level", commitment=commitment, rule="peak")


def _number_targets(raw: list[RawTarget]) -> list[Target]:
    raw = sorted(raw, key=lambda t: t.offset)
    return [
        Target(id=f"T{i + 1}", indicator=t.indicator, code=t.code, change=t.change, value=_num(t.value), unit=t.unit,  # type: ignore[arg-type]
               stretch_value=_num(t.stretch_value), bound=t.bound, commitment=t.commitment, year=t.year,  # type: ignore[arg-type]
               baseline_year=t.baseline_year, assigned=t.assigned, task_id=t.task_id, sentence=t.sentence,
               rule=t.rule, confidence=confidence(t))
        for i, t in enumerate(raw)
    ]


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x
