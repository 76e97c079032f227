"""The report's outline: numbered sections (一、（一）1.) of paragraphs, tables and figures.

Built once from the content, in Chinese or English (``lang``: the interface words of the report; the
plan's own text — title, indicators, tasks, units, sentences — stays as written); the docx and html
renderers draw it, the xlsx renderer takes its tables.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from tanfeng.formatting import display_zone, format_number, format_quantity, format_target, local_time
from tanfeng.reports import charts
from tanfeng.reports.content import AnnualReport, Series, TargetLine
from tanfeng.reports.enterprises import TITLE, TITLE_EN, enterprise_section
from tanfeng.reports.extras import METRIC_EN
from tanfeng.services.evaluation import ActionFacts
from tanfeng.services.templates import PROGRESS_STATUSES
from tanfeng.tracking.trajectory import target_reading, value_reading
from tanfeng.tracking.warnings import LEVEL_LABELS, Level


@dataclass(frozen=True)
class Shown:
    """A number written out for reading (下降13%（力争13.5%）) that Excel still gets as the number."""

    text: str
    value: float | None


Cell = str | int | float | Shown | None

ZH_DIGITS = "零一二三四五六七八九"
NO_FONT_NOTE = "未找到中文字体，图表中的中文标签以编号和英文代替；安装中文字体（如 Noto CJK）后重新生成即可。"
NO_FONT_NOTE_EN = ("No Chinese font was found: chart labels use codes and English; install a Chinese font "
                   "(such as Noto CJK) and generate the report again.")
DEMO_BANNER = "示例数据：本报告含演示用的示例数据，不代表实际情况"
DEMO_BANNER_EN = "Demo data: this report contains illustrative data and does not describe the actual situation"
# " / English" after a Chinese note (the store keeps both languages in one string)
_ENGLISH_TAIL = re.compile(r"\s*/\s*(?=[A-Za-z(])[^\u4e00-\u9fff]*$")
LANGS = ("zh", "en")
_HAN = re.compile(r"[\u4e00-\u9fff]")
LEVEL_EN = {"green": "green (on track)", "yellow": "yellow (fairly serious)", "red": "red (very serious)",
            "none": "— (not assessable)"}
_LEVEL_OF_LABEL = {label: level.value for level, label in LEVEL_LABELS.items()}
PROGRESS_EN = {"not_started": "not started", "on_track": "on track", "late": "behind schedule", "done": "done",
               "cancelled": "cancelled"}
NOT_REPORTED = ("未报送", "not reported")


class Tr:
    """The report's language: ``tr(zh, en)`` picks the words of one."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = "en" if lang == "en" else "zh"

    @property
    def en(self) -> bool:
        return self.lang == "en"

    def __call__(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def note(self, text: str) -> str:
        """A stored bilingual note (中文 / English) in the report's language."""
        if not self.en:
            return chinese(text)
        head, sep, tail = text.rpartition(" / ")
        if sep and not _HAN.search(tail) and _HAN.search(head):
            return tail.strip()
        found = _ENGLISH_TAIL.search(text)
        return found.group(0).strip().lstrip("/").strip() if found else text

    def level(self, level: str, label: str | None = None) -> str:
        """A warning level in words (绿色（进展顺利） / green (on track))."""
        if not self.en:
            return label or LEVEL_LABELS[Level(level)]
        return LEVEL_EN.get(level, level)

    def level_label(self, label: str) -> str:
        """A stored level label (绿色（进展顺利）) in the report's language."""
        return LEVEL_EN.get(_LEVEL_OF_LABEL.get(label, ""), label) if self.en else label

    def progress(self, label: str | None) -> str:
        """A task progress status label (按计划推进) in the report's language; None → not reported."""
        if label is None or label == NOT_REPORTED[0]:
            return self(*NOT_REPORTED)
        return PROGRESS_EN.get(PROGRESS_STATUSES.get(label, ""), label) if self.en else label

    def quantity(self, value: float | None, unit: str | None) -> str:
        return format_quantity(value, unit, lang=self.lang)


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n < 10:
        return ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ZH_DIGITS[tens]) + "十" + (ZH_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int, lang: str = "zh", parent: str = "") -> str:
    """一、（一）1. in Chinese; 1. 1.1 1.1.1 in English."""
    if lang == "en":
        return f"{parent}{n}" + (". " if level == 1 else " ")
    return {1: f"{zh_number(n)}、", 2: f"（{zh_number(n)}）", 3: f"{n}."}.get(level, f"{n})")


def fmt_num(value: Cell, digits: int = 2) -> str:
    """A cell as text: numbers through :func:`tanfeng.formatting.format_number`; years stay as written."""
    if isinstance(value, Shown):
        return value.text
    if isinstance(value, float):
        return format_number(value, digits)
    return "—" if value is None else str(value)


def chinese(text: str) -> str:
    """A stored bilingual note (中文 / English) without its English half, for the Chinese report."""
    return _ENGLISH_TAIL.sub("", text).strip() or text


def _amount(t: TargetLine, value: float | None, tr: Tr) -> str:
    """A tracked value of ``t`` in prose, with its unit: 47万吨, 下降12.12% (a cumulative rate), down 12.12 %."""
    if value is None:
        return "—"
    return format_target(value, None, t.unit, change=value_reading(t.change, t.shape), lang=tr.lang)


@dataclass
class Para:
    text: str
    style: str = "body"  # body | note | banner


@dataclass
class Table:
    title: str
    sheet: str  # worksheet name in the xlsx export (≤ 31 characters)
    headers: list[str]
    rows: list[list[Cell]]
    widths: list[float] | None = None  # relative column widths


@dataclass
class Figure:
    """A chart, drawn on first use (the xlsx export never draws it)."""

    caption: str
    draw: Callable[[], bytes]
    _png: bytes | None = field(default=None, repr=False)

    @property
    def png(self) -> bytes:
        if self._png is None:
            self._png = self.draw()
        return self._png


@dataclass
class Section:
    title: str
    level: int = 1
    number: str = ""
    blocks: list[Block] = field(default_factory=list)


Block = Para | Table | Figure | Section


@dataclass
class Outline:
    title: str
    subtitle: list[str]
    banner: str | None
    sections: list[Section]
    appendix: Section
    lang: str = "zh"

    def tables(self) -> list[Table]:
        """Every table in reading order (the appendix last)."""
        out: list[Table] = []

        def walk(blocks: list[Block]) -> None:
            for b in blocks:
                if isinstance(b, Table):
                    out.append(b)
                elif isinstance(b, Section):
                    walk(b.blocks)

        walk([*self.sections, self.appendix])
        return out


def _number(sections: list[Section], level: int = 1, lang: str = "zh", parent: str = "") -> None:
    for n, s in enumerate(sections, start=1):
        s.level, s.number = level, heading_number(level, n, lang, parent)
        _number([b for b in s.blocks if isinstance(b, Section)], level + 1, lang, f"{parent}{n}.")


def _caption_numbers(sections: list[Section], tr: Tr) -> None:
    """表1, 表2 … and 图1, 图2 … (Table 1, Figure 1 …) in reading order."""
    counters = {"table": 0, "figure": 0}

    def walk(blocks: list[Block]) -> None:
        for b in blocks:
            if isinstance(b, Table):
                counters["table"] += 1
                b.title = tr(f"表{counters['table']} ", f"Table {counters['table']} ") + b.title
            elif isinstance(b, Figure):
                counters["figure"] += 1
                b.caption = tr(f"图{counters['figure']} ", f"Figure {counters['figure']} ") + b.caption
            elif isinstance(b, Section):
                walk(b.blocks)

    walk(list(sections))


def _basis(report: AnnualReport, tr: Tr) -> str:
    f = report.facts
    if tr.en:
        kind = "consultation draft" if f.version_status == "draft" else "issued version"
        issued = ", ".join(x for x in (f.doc_number, f.issued_date) if x)
        return (f"This report assesses the implementation in {f.region} in {report.year} of “{f.title}” "
                f"(version {f.version}, {kind}{', ' + issued if issued else ''}). Indicator values are those up to "
                f"the end of {report.year} reported by the responsible units and reviewed; warning levels follow the "
                "method of the energy dual-control barometer: the actual progress divided by the progress due.")
    kind = "征求意见稿" if f.version_status == "draft" else "正式印发稿"
    issued = "，".join(x for x in (f.doc_number, f.issued_date) if x)
    return (f"本报告依据《{f.title}》（第{f.version}版，{kind}{'，' + issued if issued else ''}），评估{f.region}"
            f"{report.year}年度实施情况。指标数值截至{report.year}年底，取各责任单位已报送和已审核的数据；"
            f"预警等级按能耗双控晴雨表的方法，以实际进度与应达进度之比判定。")


def _counts_text(report: AnnualReport, tr: Tr) -> str:
    scored = [t for t in report.targets if t.shape != "milestone"]
    by = Counter(t.level for t in scored)
    unscored = [t for t in scored if t.level == "none"]
    reasons = Counter(tr.note(t.note or "") or tr("无法评估", "not assessable") for t in unscored)
    milestones = len(report.targets) - len(scored)
    if tr.en:
        reason_text = "; ".join(f"{r}: {n}" for r, n in reasons.most_common())
        return (f"The plan sets {len(report.targets)} targets, {len(scored)} of them numeric: {by['green']} green "
                f"(on track), {by['yellow']} yellow (fairly serious), {by['red']} red (very serious) and "
                f"{len(unscored)} not assessable yet{' (' + reason_text + ')' if reason_text else ''}; "
                f"milestone targets: {milestones}.")
    reason_text = "、".join(f"{r}{n}项" for r, n in reasons.most_common())
    return (f"方案共{len(report.targets)}项目标，其中数值目标{len(scored)}项：绿色（进展顺利）{by['green']}项、"
            f"黄色（形势比较严峻）{by['yellow']}项、红色（形势十分严峻）{by['red']}项，"
            f"暂无法评估{len(unscored)}项{'（' + reason_text + '）' if reason_text else ''}；"
            f"里程碑目标{milestones}项。")


def part_name(n: int, tr: Tr) -> str:
    """A reference to a numbered part of the report: 第五部分 / part 5."""
    return tr(f"第{zh_number(n)}部分", f"part {n}")


def _projection_text(report: AnnualReport, tr: Tr, part: int) -> str:
    pr = report.projection
    assert pr is not None
    if tr.en:
        parts = [f"{s.title}: " + (f"peak in {s.peak_year}" if s.status == "peaked" else "no peak within the projection")
                 + (f" (probability of peaking by {pr.peak_by}: {s.probability * 100:.0f} %)"
                    if s.probability is not None else "") for s in pr.scenarios]
        label = f" ({pr.label})" if pr.label else ""
        return f"Peak projection{label}: " + "; ".join(parts) + f" (see {part_name(part, tr)})."
    parts = [f"{s.title}" + (f"{s.peak_year}年达峰" if s.status == "peaked" else "预测期内未达峰")
             + (f"（{pr.peak_by}年前达峰概率{s.probability * 100:.0f}%）" if s.probability is not None else "")
             for s in pr.scenarios]
    label = f"（{pr.label}）" if pr.label else ""
    return f"达峰预测{label}：" + "；".join(parts) + f"（详见{part_name(part, tr)}）。"


def _summary(report: AnnualReport, tr: Tr, parts: dict[str, int]) -> Section:
    """The overall situation; ``parts`` numbers the parts it refers to (problems, projection)."""
    f = report.facts
    blocks: list[Block] = [Para(_basis(report, tr))]
    for t in report.peak_targets:
        if tr.en:
            blocks.append(Para(f"Peak target: {t.sentence}." + (f" The plan sets the peak year {f.peak_year}."
                                                                 if f.peak_year else "")))
        else:
            blocks.append(Para(f"达峰目标：{t.sentence}。" + (f"方案确定的达峰年份为{f.peak_year}年。" if f.peak_year else "")))
    if report.projection is not None:
        blocks.append(Para(_projection_text(report, tr, parts["projection"])))
    blocks.append(Para(_counts_text(report, tr)))
    units = sorted({m.unit for m in report.missing})
    if tr.en:
        blocks.append(Para(f"In {report.year}, {f.values_in_year} indicator values and {f.progress_in_year} task "
                           "progress reports were submitted; " + (f"{len(units)} responsible units have items not "
                                                                  f"reported (see {part_name(parts['problems'], tr)})." if units else
                                                                  "every responsible unit reported.")))
    else:
        blocks.append(Para(f"{report.year}年度共报送指标数据{f.values_in_year}条、任务进展{f.progress_in_year}条；"
                           + (f"{len(units)}个责任单位存在未报送事项（详见{part_name(parts['problems'], tr)}）。" if units else "各责任单位均已报送。")))
    counts = [(code, tr.level(code, label), n) for code, label, n in report.level_counts()]
    blocks.append(Figure(tr("目标预警等级分布", "Targets by warning level"),
                         partial(charts.levels_chart, counts, english=tr.en)))
    changes: list[Block]
    if report.changes:
        rows: list[list[Cell]] = [
            [tr("预警等级", "warning level") if c.kind == "level" else tr("任务进展", "task progress"), c.item,
             tr.level_label(c.before) if c.kind == "level" else tr.progress(c.before),
             tr.level_label(c.after) if c.kind == "level" else tr.progress(c.after)] for c in report.changes]
        changes = [Para(tr(f"与{report.year - 1}年底相比，共有{len(report.changes)}项变化。",
                           f"Compared with the end of {report.year - 1}, {len(report.changes)} items changed.")),
                   Table(tr(f"与{report.year - 1}年相比的变化", f"Changes since {report.year - 1}"),
                         tr("与上年相比", "Changes"),
                         [tr("类别", "Kind"), tr("事项", "Item"), tr("上年", "Last year"), tr("本年", "This year")],
                         rows, [1.2, 4, 2, 2])]
    else:
        changes = [Para(tr(f"与{report.year - 1}年底相比，预警等级和任务进展状态均无变化。",
                           f"Compared with the end of {report.year - 1}, no warning level or task status changed."))]
    return Section(tr("总体情况", "Overall situation"),
                   blocks=[Section(tr("基本情况", "Summary"), blocks=blocks),
                           Section(tr("与上年相比的变化", "Changes since last year"), blocks=changes)])


def _target_cell(t: TargetLine, tr: Tr) -> Cell:
    """The target as the plan states it: 下降13%（力争13.5%）, 50（力争55）; the number itself for Excel."""
    if t.target_value is None:
        return None
    reading = target_reading(t.change, t.shape)
    unit = t.unit if reading != "level" else None  # the unit column says the rest
    return Shown(format_target(t.target_value, t.stretch_value, unit, change=reading, lang=tr.lang), t.target_value)


def _value_cell(t: TargetLine, value: float | None, tr: Tr) -> Cell:
    """A tracked value: a cumulative rate as 下降8.2% (the number itself for Excel), a level as the number."""
    reading = value_reading(t.change, t.shape)
    if value is None or reading == "level":
        return value
    return Shown(format_target(value, None, t.unit, change=reading, lang=tr.lang), value)


def _target_row(t: TargetLine, tr: Tr) -> list[Cell]:
    return [t.code, t.indicator, t.unit or "—", t.baseline_year, t.baseline_value, t.target_year, _target_cell(t, tr),
            t.latest_period, _value_cell(t, t.latest_value, tr), _value_cell(t, t.expected_value, tr), t.gap,
            tr.level(t.level, t.level_label) if t.level != "none" else tr.note(t.note or "—")]


TARGET_HEADERS = ["编号", "指标", "单位", "基期年", "基期值", "目标年", "目标值", "最新期", "最新值", "应达值", "差距",
                  "预警"]
TARGET_HEADERS_EN = ["Code", "Indicator", "Unit", "Base year", "Base value", "Target year", "Target", "Latest period",
                     "Latest value", "Expected", "Gap", "Warning"]


def _chart_title(s: Series, tr: Tr) -> str:
    """A cumulative rate titled as the reduction (or increase) it is: …较2020年累计下降（%）."""
    if s.reading in ("decrease", "increase") and s.baseline_year:
        if tr.en:
            return f"{s.code} {s.indicator}: cumulative {'reduction' if s.reading == 'decrease' else 'increase'} " \
                   f"vs {s.baseline_year} (%), reported and expected"
        return f"{s.code} {s.indicator}：较{s.baseline_year}年累计{'下降' if s.reading == 'decrease' else '提高'}（%），" \
               "实际值与应达进度"
    return tr(f"{s.code} {s.indicator}：实际值与应达进度", f"{s.code} {s.indicator}: reported and expected")


def _headline(report: AnnualReport, tr: Tr) -> Section:
    rows = [_target_row(t, tr) for t in report.headline if t.shape != "milestone"]
    blocks: list[Block] = [
        Para(tr("下表列出方案主要目标的基期值、目标值、截至本年度的最新值、按进度应达到的值、差距和预警等级。"
                "累计下降类指标（如能耗强度）以较基期累计下降的百分比计；括号内为方案提出的力争值。",
                "The table lists the plan's main targets: base value, target, the latest value up to this year, the "
                "value due by now, the gap and the warning level. Cumulative reductions (such as energy intensity) "
                "are the percentage fallen since the base year; the stretch value the plan names is in brackets.")),
        Table(tr("主要指标完成情况", "Main indicators"), tr("主要指标", "Main indicators"),
              TARGET_HEADERS_EN if tr.en else TARGET_HEADERS, rows,
              [0.6, 2.2, 0.8, 1.25, 1.25, 1.25, 1.6, 1.25, 1.25, 1.25, 1.25, 1.7]),
    ]
    for s in report.series:
        data = charts.TrajectoryData(s.code, s.indicator, s.unit, report.year, s.expected, s.values, s.milestones,
                                     s.stretches, s.reading, s.baseline_year, tr.en)
        blocks.append(Figure(_chart_title(s, tr), partial(charts.trajectory_chart, data)))
    if not report.series:
        blocks.append(Para(tr("主要指标尚无填报数据和应达路径，暂无图表。",
                              "No chart: the main indicators have no reported values or expected path yet."), "note"))
    return Section(tr("主要指标完成情况", "Main indicators"), blocks=blocks)


def _action_section(report: AnnualReport, action: ActionFacts, tr: Tr) -> Section:
    rows: list[list[Cell]] = []
    for t in action.tasks:
        r = t.report
        rows.append([t.code, t.title, t.lead_unit or "—", tr.progress(r.status_label if r else None),
                     (r.text or "—") if r else "—", r.period if r else "—", r.reporter if r else "—"])
    other = tr("其他任务", "Other tasks")
    name = f"{action.code} {action.name}" if action.code else other
    blocks: list[Block] = [Table(tr(f"{name}：任务进展", f"{name}: task progress"), action.code or other,
                                 [tr("任务编号", "Task"), tr("任务", "Title"), tr("牵头单位", "Lead unit"),
                                  tr("进展状态", "Status"), tr("进展说明", "Progress"), tr("报送期间", "Period"),
                                  tr("报送单位", "Reported by")],
                                 rows, [0.8, 2.4, 1.3, 1.1, 4, 0.9, 1.3])]
    codes = {t.code for t in action.tasks}
    related = [t for t in report.targets if t.task in codes]
    if related:
        level = [tr.level(t.level, t.level_label) if t.level != "none" else tr("暂无法评估", "not assessable yet")
                 for t in related]
        blocks.insert(0, Para(tr("本行动相关目标：", "Targets of this action: ") + tr("；", "; ").join(
            f"{t.code} {t.indicator}" + tr(f"（{lv}）", f" ({lv})") for t, lv in zip(related, level, strict=True))
            + tr("。", ".")))
    done = Counter(tr.progress(t.report.status_label) for t in action.tasks if t.report)
    if tr.en:
        status = ", ".join(f"{k}: {v}" for k, v in done.most_common())
        blocks.insert(0, Para(f"This action has {len(action.tasks)} tasks; progress was reported for "
                              f"{sum(done.values())} of them in {report.year}" + (f" ({status})" if status else "") + "."))
    else:
        status = "、".join(f"{k}{v}项" for k, v in done.most_common())
        blocks.insert(0, Para(f"本行动共{len(action.tasks)}项任务，{report.year}年度报送进展{sum(done.values())}项"
                              + (f"（{status}）" if status else "") + "。"))
    return Section(action.name or other, blocks=blocks)


def _problems(report: AnnualReport, tr: Tr) -> Section:
    red = [t for t in report.targets if t.level == "red"]
    yellow = [t for t in report.targets if t.level == "yellow"]
    late = [(t.code, t.title) for a in report.actions for t in a.tasks if t.report and t.report.status == "late"]
    blocks: list[Block] = []
    groups = ((tr("形势十分严峻（红色）的指标", "Indicators in a very serious position (red)"), red),
              (tr("形势比较严峻（黄色）的指标", "Indicators in a fairly serious position (yellow)"), yellow))
    for label, items in groups:
        if not items:
            continue
        if tr.en:
            blocks.append(Para(f"{label}, {len(items)}: " + "; ".join(
                f"{t.code} {t.indicator} (latest {_amount(t, t.latest_value, tr)}, due "
                f"{_amount(t, t.expected_value, tr)}, lead unit {t.lead_unit or 'not named'})" for t in items) + "."))
        else:
            blocks.append(Para(f"{label}{len(items)}项：" + "；".join(
                f"{t.code} {t.indicator}（最新值{_amount(t, t.latest_value, tr)}，应达{_amount(t, t.expected_value, tr)}，"
                f"牵头单位{t.lead_unit or '未明确'}）" for t in items) + "。"))
    if late:
        blocks.append(Para(tr(f"进展滞后的任务{len(late)}项：", f"Tasks behind schedule, {len(late)}: ")
                           + tr("；", "; ").join(f"{c} {t}" for c, t in late) + tr("。", ".")))
    if not blocks:
        blocks.append(Para(tr("本年度未发现红色、黄色预警指标和进展滞后的任务。",
                              "No indicator is at a red or yellow warning level and no task is behind schedule this year.")))
    blocks = [Section(tr("预警指标和滞后任务", "Warnings and tasks behind schedule"), blocks=blocks)]
    if report.missing:
        by_unit: dict[str, tuple[list[str], list[str]]] = {}
        for m in report.missing:
            values, tasks = by_unit.setdefault(m.unit, ([], []))
            (values if m.kind == "value" else tasks).append(m.item if m.kind == "value" else m.item.split()[0])
        sep = tr("、", ", ")
        rows: list[list[Cell]] = [[unit, len(v), sep.join(v) or "—", len(t), sep.join(t) or "—"]
                                  for unit, (v, t) in sorted(by_unit.items(), key=lambda kv: -len(kv[1][0] + kv[1][1]))]
        missing: list[Block] = [
            Para(tr(f"{len(by_unit)}个责任单位有{len(report.missing)}项{report.year}年度应报事项未报送（指标数据按方案"
                    "基期后、目标年前的年度计，任务进展按牵头任务计）：",
                    f"{len(by_unit)} responsible units have {len(report.missing)} items due for {report.year} not "
                    "reported (indicator values for each year after the plan's base year and up to the target year; "
                    "task progress for the tasks they lead):")),
            Table(tr("未报送事项", "Items not reported"), tr("未报送", "Not reported"),
                  [tr("责任单位", "Unit"), tr("指标数据（项）", "Indicator values"), tr("未报送的指标", "Indicators"),
                   tr("任务进展（项）", "Task progress"), tr("未报送进展的任务", "Tasks")],
                  rows, [1.6, 0.9, 4, 0.9, 2.4])]
    else:
        missing = [Para(tr("各责任单位均已报送本年度应报的指标数据和任务进展。",
                           "Every responsible unit reported the indicator values and task progress due this year."))]
    blocks.append(Section(tr("未按时报送的单位", "Units that did not report in time"), blocks=missing))
    return Section(tr("存在的主要问题", "Main problems"), blocks=blocks)


def _inventory(report: AnnualReport, tr: Tr) -> Section:
    inv = report.inventory
    title = tr("温室气体清单", "Greenhouse gas inventory")
    if inv is None:
        return Section(title, blocks=[Para(tr("本报告未附清单核算数据（生成报告时可附活动水平数据文件）。",
                                              "This report has no inventory (an activity-data file can be given "
                                              "when the report is generated)."), "note")])

    def name(zh: str) -> str:
        return inv.english.get(zh, zh) if tr.en else zh

    years = [str(y) for y in inv.years]
    blocks: list[Block] = [Para(tr(
        f"清单依据{inv.label or inv.region}活动水平数据，按默认排放因子库计算，全球增温潜势取{inv.gwp}；所用因子中"
        f"{inv.unverified_factors}个尚未核实，结果仅供参考（数据来源见附件2）。",
        f"The inventory is computed from the activity data of {inv.label or inv.region} with the default emission "
        f"factors and the global warming potentials of {inv.gwp}; {inv.unverified_factors} of the factors used are "
        "not yet verified, so the results are for reference only (sources in annex 2)."))]
    rows: list[list[Cell]] = [[name(zh), *vals] for _, zh, vals in inv.sectors]
    rows += [[name(zh), *vals] for zh, vals in inv.totals]
    blocks.append(Table(tr("温室气体排放（万吨二氧化碳当量）", "Greenhouse gas emissions (10^4 t CO2e)"),
                        tr("清单", "Inventory"), [tr("项目", "Item"), *years], rows))
    blocks.append(Figure(tr("分部门温室气体排放", "Emissions by sector"), partial(
        charts.sector_chart, inv.years, [(name(zh), vals) for _, zh, vals in inv.sectors],
        tr("万吨二氧化碳当量", "10^4 t CO2e"), [c for c, _, _ in inv.sectors], english=tr.en)))
    if inv.indicator_year is not None:
        blocks.append(Table(tr(f"{inv.indicator_year}年能耗和碳排放强度（清单核算）",
                               f"Energy and carbon intensity in {inv.indicator_year} (from the inventory)"),
                            tr("清单指标", "Inventory indicators"), [tr("指标", "Indicator"), tr("数值", "Value")],
                            [[name(n), value] for n, value in inv.indicators]))
    blocks += [Para(name(n) if n in inv.english else tr.note(n), "note") for n in inv.notes]
    return Section(title, blocks=blocks)


def _projection(report: AnnualReport, tr: Tr) -> Section:
    pr = report.projection
    title = tr("达峰预测", "Peak projection")
    if pr is None:
        return Section(title, blocks=[Para(tr("本报告未附达峰情景预测（生成报告时可附情景设定文件）。",
                                              "This report has no peak projection (a scenario file can be given "
                                              "when the report is generated)."), "note")])
    rows: list[list[Cell]] = [[s.title, s.peak_year if s.status == "peaked" else tr("预测期内未达峰", "no peak"),
                               s.peak_value, f"{s.probability * 100:.0f}%" if s.probability is not None else "—"]
                              for s in pr.scenarios]
    metric = tr(pr.metric_zh or "二氧化碳", METRIC_EN.get(pr.metric, "CO2"))
    blocks: list[Block] = [
        Para(tr(f"预测依据情景设定“{pr.title}”（数据来源见附件2）；达峰概率为按各情景不确定性抽样{pr.runs}次、"
                f"在{pr.peak_by}年及以前达峰的比例。",
                f"The projection follows the scenario set “{pr.title}” (sources in annex 2); the probability of "
                f"peaking is the share of {pr.runs} draws from each scenario's uncertainty that peak by {pr.peak_by}.")),
        Table(tr("各情景达峰年份与峰值", "Peak year and peak value of each scenario"), title,
              [tr("情景", "Scenario"), tr("达峰年份", "Peak year"), tr(f"峰值（万吨，{metric}）", f"Peak (10^4 t, {metric})"),
               tr(f"{pr.peak_by}年前达峰概率", f"Probability of peaking by {pr.peak_by}")], rows),
        Figure(tr("排放预测", "Projected emissions"),
               partial(charts.projection_chart, pr.years, pr.paths, tr("万吨二氧化碳", "10^4 t CO2"), pr.peak_by,
                       english=tr.en)),
    ]
    if pr.base_year is not None and pr.base_value is not None:
        if tr.en:
            origin = ("from the inventory, equal to the figure of the same name in the inventory table"
                      if pr.base_from_inventory else "from the scenario file")
            blocks.insert(1, Para(f"The projection's base year is {pr.base_year}, with {metric} of "
                                  f"{fmt_num(pr.base_value)} × 10^4 t ({origin})."))
        else:
            origin = "取自清单，与上节清单表同名数值一致" if pr.base_from_inventory else "取自情景文件"
            blocks.insert(1, Para(f"预测基准年{pr.base_year}年{pr.metric_zh}为{fmt_num(pr.base_value)}万吨（{origin}）。"))
    blocks += [Para(tr.note(n), "note") for n in pr.notes]
    return Section(title, blocks=blocks)


def _provenance(report: AnnualReport, tr: Tr) -> Table:
    """Where each part of the report comes from, in words (file fingerprints, never internal names)."""
    f = report.facts
    rows: list[list[Cell]] = [
        [tr("实施方案", "Implementation plan"), tr(f"《{f.title}》第{f.version}版", f"“{f.title}” version {f.version}"),
         tr("方案库（导入的方案文件）", "the plan library (the imported plan file)"), "—"],
        [tr("指标数据和任务进展", "Indicator values and task progress"),
         tr(f"{report.year}年及以前各期", f"periods up to {report.year}"),
         tr("各责任单位报送、领导小组办公室审核的数据", "reported by the responsible units, reviewed by the leading "
                                              "group's office"), "—"],
    ]
    if report.inventory is not None:
        inv = report.inventory
        rows.append([tr("温室气体清单", "Greenhouse gas inventory"), inv.label or inv.region,
                     tr(f"活动水平数据文件，默认排放因子库，{inv.gwp}",
                        f"activity-data file, default emission factors, {inv.gwp}"), inv.sha256[:12]])
    if report.enterprises is not None:
        rows.append([tr(TITLE, TITLE_EN),
                     tr(f"{report.enterprises.region}（含下辖地区）", f"{report.enterprises.region} (with the areas below)"),
                     tr(f"导入的企业名录和项目清单；国家能效标杆水平和基准水平（{report.enterprises.edition}年版）",
                        f"imported enterprise and project lists; national energy-efficiency benchmark and baseline levels "
                        f"({report.enterprises.edition} edition)"), "—"])
    if report.projection is not None:
        pr = report.projection
        rows.append([tr("达峰预测", "Peak projection"), pr.title,
                     tr(f"情景设定文件，{pr.runs}次抽样", f"scenario file, {pr.runs} draws"), pr.sha256[:12] or "—"])
    rows.append([tr("报告生成", "Report generated"), format_time_local(report, tr),
                 tr("碳峰系统按库中数据自动生成", "generated by the tanfeng system from the stored data"), "—"])
    return Table(tr("附表2 数据来源", "Annex table 2 Sources"), tr("数据来源", "Sources"),
                 [tr("内容", "Content"), tr("范围", "Scope"), tr("来源", "Source"),
                  tr("文件校验码（SHA-256前12位）", "File checksum (first 12 of SHA-256)")], rows,
                 [1.4, 2.2, 3.4, 1.8])


def format_time_local(report: AnnualReport, tr: Tr) -> str:
    """The generation time in the office's zone, named: 2026-12-01 17:18（北京时间） / (Beijing time)."""
    zone = display_zone()
    beijing = zone.key in ("Asia/Shanghai", "Asia/Chongqing", "PRC")
    name = tr("北京时间", "Beijing time") if beijing else zone.key
    return f"{local_time(report.generated_at):%Y-%m-%d %H:%M}" + tr(f"（{name}）", f" ({name})")


def format_time_zh(report: AnnualReport) -> str:
    """The generation time in the office's zone, named: 2026-12-01 17:18（北京时间）."""
    return format_time_local(report, Tr("zh"))


def _appendix(report: AnnualReport, tr: Tr) -> Section:
    rows: list[list[Cell]] = [[t.code, t.indicator, t.target_year, _target_cell(t, tr), t.unit or "—", t.task or "—",
                               t.lead_unit or "—", tr.level(t.level, t.level_label) if t.level != "none" else "—",
                               t.sentence]
                              for t in report.targets]
    return Section(tr("附件", "Annexes"), blocks=[
        Para(tr("附件1 方案提出的全部目标，含方案原文，供核对。",
                "Annex 1 Every target of the plan, with the plan's own words, for checking.")),
        Table(tr("附表1 方案目标清单", "Annex table 1 Targets of the plan"), tr("目标清单", "Targets"),
              [tr("编号", "Code"), tr("指标", "Indicator"), tr("目标年", "Target year"), tr("目标值", "Target"),
               tr("单位", "Unit"), tr("所在任务", "Task"), tr("牵头单位", "Lead unit"), tr("预警", "Warning"),
               tr("方案原文", "Plan text")], rows, [0.7, 2, 1.15, 1.4, 0.8, 0.9, 1.3, 1.3, 4]),
        Para(tr("附件2 本报告各部分数据的来源。", "Annex 2 Where each part of this report comes from.")),
        _provenance(report, tr),
    ])


def build_outline(report: AnnualReport, lang: str = "zh") -> Outline:
    """Lay the content out as numbered sections in ``lang`` (charts are drawn when a renderer asks for them)."""
    tr = Tr(lang)
    f = report.facts
    rest = [
        _headline(report, tr),
        Section(tr("重点任务进展情况", "Progress of the main tasks"),
                blocks=[_action_section(report, a, tr) for a in report.actions]),
        enterprise_section(report, tr),
        problems := _problems(report, tr),
        accounting := Section(tr("碳排放核算与达峰预测", "Emission accounting and peak projection"),
                              blocks=[_inventory(report, tr), _projection(report, tr)]),
    ]
    # part numbers of the parts the summary refers to (it comes first)
    parts = {name: next(i for i, x in enumerate(rest) if x is part) + 2
             for name, part in (("problems", problems), ("projection", accounting))}
    sections = [_summary(report, tr, parts), *rest]
    _number(sections, lang=tr.lang)
    _caption_numbers(sections, tr)
    if tr.en:
        kind = "consultation draft" if f.version_status == "draft" else "final"
        subtitle = [f"{f.region} · plan version {f.version} ({kind})",
                    f"Data up to 31 December {report.year} · generated {format_time_local(report, tr)}"]
    else:
        subtitle = [f"{f.region} · 方案第{f.version}版（{'征求意见稿' if f.version_status == 'draft' else '正式稿'}）",
                    f"数据截至{report.year}年12月31日 · 生成于{format_time_zh(report)}"]
    banner = tr(DEMO_BANNER, DEMO_BANNER_EN) if report.demo else None
    if charts.cjk_font() is None:
        sections[0].blocks.insert(0, Para(tr(NO_FONT_NOTE, NO_FONT_NOTE_EN), "note"))
    return Outline(report.title_in(tr.lang), subtitle, banner, sections, _appendix(report, tr), tr.lang)
