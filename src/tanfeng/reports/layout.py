"""The report's outline: numbered sections (一、（一）1.) of paragraphs, tables and figures.

Built once from the content; the docx and html renderers draw it, the xlsx renderer takes its tables.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from tanfeng.formatting import display_zone, format_number, format_quantity, format_target, local_time
from tanfeng.reports import charts
from tanfeng.reports.content import AnnualReport, TargetLine
from tanfeng.reports.enterprises import TITLE, enterprise_section
from tanfeng.services.evaluation import ActionFacts


@dataclass(frozen=True)
class Shown:
    """A number written out for reading (下降13%（力争13.5%）) that Excel still gets as the number."""

    text: str
    value: float | None


Cell = str | int | float | Shown | None

ZH_DIGITS = "零一二三四五六七八九"
NO_FONT_NOTE = "未找到中文字体，图表中的中文标签以编号和英文代替；安装中文字体（如 Noto CJK）后重新生成即可。"
DEMO_BANNER = "示例数据：本报告含演示用的示例数据，不代表实际情况"
# " / English" after a Chinese note (the store keeps both languages in one string)
_ENGLISH_TAIL = re.compile(r"\s*/\s*(?=[A-Za-z(])[^\u4e00-\u9fff]*$")


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n < 10:
        return ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ZH_DIGITS[tens]) + "十" + (ZH_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
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


def _reduction(t: TargetLine) -> bool:
    """Cumulative reductions (能耗强度下降13%) are written 下降…, not as a bare rate."""
    return t.shape == "compound"


def _amount(t: TargetLine, value: float | None) -> str:
    """A value of ``t`` in prose, with its unit: 47万吨, 下降12.12%."""
    if value is None:
        return "—"
    return ("下降" if _reduction(t) else "") + format_quantity(value, t.unit)


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


def _number(sections: list[Section], level: int = 1) -> None:
    for n, s in enumerate(sections, start=1):
        s.level, s.number = level, heading_number(level, n)
        _number([b for b in s.blocks if isinstance(b, Section)], level + 1)


def _caption_numbers(sections: list[Section]) -> None:
    """表1, 表2 … and 图1, 图2 … in reading order."""
    counters = {"table": 0, "figure": 0}

    def walk(blocks: list[Block]) -> None:
        for b in blocks:
            if isinstance(b, Table):
                counters["table"] += 1
                b.title = f"表{counters['table']} {b.title}"
            elif isinstance(b, Figure):
                counters["figure"] += 1
                b.caption = f"图{counters['figure']} {b.caption}"
            elif isinstance(b, Section):
                walk(b.blocks)

    walk(list(sections))


def _basis(report: AnnualReport) -> str:
    f = report.facts
    kind = "征求意见稿" if f.version_status == "draft" else "正式印发稿"
    issued = "，".join(x for x in (f.doc_number, f.issued_date) if x)
    return (f"本报告依据《{f.title}》（第{f.version}版，{kind}{'，' + issued if issued else ''}），评估{f.region}"
            f"{report.year}年度实施情况。指标数值截至{report.year}年底，取各责任单位已报送和已审核的数据；"
            f"预警等级按能耗双控晴雨表的方法，以实际进度与应达进度之比判定。")


def _counts_text(report: AnnualReport) -> str:
    scored = [t for t in report.targets if t.shape != "milestone"]
    by = Counter(t.level for t in scored)
    unscored = [t for t in scored if t.level == "none"]
    reasons = Counter(chinese(t.note or "") or "无法评估" for t in unscored)
    reason_text = "、".join(f"{r}{n}项" for r, n in reasons.most_common())
    milestones = len(report.targets) - len(scored)
    return (f"方案共{len(report.targets)}项目标，其中数值目标{len(scored)}项：绿色（进展顺利）{by['green']}项、"
            f"黄色（形势比较严峻）{by['yellow']}项、红色（形势十分严峻）{by['red']}项，"
            f"暂无法评估{len(unscored)}项{'（' + reason_text + '）' if reason_text else ''}；"
            f"里程碑目标{milestones}项。")


def _projection_text(report: AnnualReport) -> str:
    pr = report.projection
    assert pr is not None
    parts = [f"{s.title}" + (f"{s.peak_year}年达峰" if s.status == "peaked" else "预测期内未达峰")
             + (f"（{pr.peak_by}年前达峰概率{s.probability * 100:.0f}%）" if s.probability is not None else "")
             for s in pr.scenarios]
    label = f"（{pr.label}）" if pr.label else ""
    return f"达峰预测{label}：" + "；".join(parts) + "（详见第五部分）。"


def _summary(report: AnnualReport) -> Section:
    f = report.facts
    blocks: list[Block] = [Para(_basis(report))]
    for t in report.peak_targets:
        blocks.append(Para(f"达峰目标：{t.sentence}。" + (f"方案确定的达峰年份为{f.peak_year}年。" if f.peak_year else "")))
    if report.projection is not None:
        blocks.append(Para(_projection_text(report)))
    blocks.append(Para(_counts_text(report)))
    units = sorted({m.unit for m in report.missing})
    blocks.append(Para(f"{report.year}年度共报送指标数据{f.values_in_year}条、任务进展{f.progress_in_year}条；"
                       + (f"{len(units)}个责任单位存在未报送事项（详见第四部分）。" if units else "各责任单位均已报送。")))
    blocks.append(Figure("目标预警等级分布", partial(charts.levels_chart, report.level_counts())))
    changes: list[Block]
    if report.changes:
        rows: list[list[Cell]] = [["预警等级" if c.kind == "level" else "任务进展", c.item, c.before, c.after]
                                  for c in report.changes]
        changes = [Para(f"与{report.year - 1}年底相比，共有{len(report.changes)}项变化。"),
                   Table(f"与{report.year - 1}年相比的变化", "与上年相比", ["类别", "事项", "上年", "本年"], rows,
                         [1.2, 4, 2, 2])]
    else:
        changes = [Para(f"与{report.year - 1}年底相比，预警等级和任务进展状态均无变化。")]
    return Section("总体情况", blocks=[Section("基本情况", blocks=blocks), Section("与上年相比的变化", blocks=changes)])


def _target_cell(t: TargetLine) -> Cell:
    """The target as the plan states it: 下降13%（力争13.5%）, 50（力争55）; the number itself for Excel."""
    if t.target_value is None:
        return None
    unit = t.unit if _reduction(t) else None  # the unit column says the rest
    return Shown(format_target(t.target_value, t.stretch_value, unit, reduction=_reduction(t)), t.target_value)


def _target_row(t: TargetLine) -> list[Cell]:
    return [t.code, t.indicator, t.unit or "—", t.baseline_year, t.baseline_value, t.target_year, _target_cell(t),
            t.latest_period, t.latest_value, t.expected_value, t.gap,
            t.level_label if t.level != "none" else chinese(t.note or "—")]


TARGET_HEADERS = ["编号", "指标", "单位", "基期年", "基期值", "目标年", "目标值", "最新期", "最新值", "应达值", "差距",
                  "预警"]


def _headline(report: AnnualReport) -> Section:
    rows = [_target_row(t) for t in report.headline if t.shape != "milestone"]
    blocks: list[Block] = [
        Para("下表列出方案主要目标的基期值、目标值、截至本年度的最新值、按进度应达到的值、差距和预警等级。"
             "累计下降类指标（如能耗强度）以较基期累计下降的百分比计。"),
        Table("主要指标完成情况", "主要指标", TARGET_HEADERS, rows, [0.6, 2.2, 0.8, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.7]),
    ]
    for s in report.series:
        data = charts.TrajectoryData(s.code, s.indicator, s.unit, report.year, s.expected, s.values, s.milestones)
        blocks.append(Figure(f"{s.code} {s.indicator}：实际值与应达进度", partial(charts.trajectory_chart, data)))
    return Section("主要指标完成情况", blocks=blocks)


def _action_section(report: AnnualReport, action: ActionFacts) -> Section:
    rows: list[list[Cell]] = []
    for t in action.tasks:
        r = t.report
        rows.append([t.code, t.title, t.lead_unit or "—", r.status_label if r else "未报送",
                     (r.text or "—") if r else "—", r.period if r else "—", r.reporter if r else "—"])
    name = f"{action.code} {action.name}" if action.code else "其他任务"
    blocks: list[Block] = [Table(f"{name}：任务进展", action.code or "其他任务",
                                 ["任务编号", "任务", "牵头单位", "进展状态", "进展说明", "报送期间", "报送单位"],
                                 rows, [0.8, 2.4, 1.3, 1.1, 4, 0.9, 1.3])]
    codes = {t.code for t in action.tasks}
    related = [t for t in report.targets if t.task in codes]
    if related:
        blocks.insert(0, Para("本行动相关目标：" + "；".join(
            f"{t.code} {t.indicator}（{t.level_label if t.level != 'none' else '暂无法评估'}）" for t in related) + "。"))
    done = Counter(t.report.status_label for t in action.tasks if t.report)
    status = "、".join(f"{k}{v}项" for k, v in done.most_common())
    blocks.insert(0, Para(f"本行动共{len(action.tasks)}项任务，{report.year}年度报送进展{sum(done.values())}项"
                          + (f"（{status}）" if status else "") + "。"))
    return Section(action.name or "其他任务", blocks=blocks)


def _problems(report: AnnualReport) -> Section:
    red = [t for t in report.targets if t.level == "red"]
    yellow = [t for t in report.targets if t.level == "yellow"]
    late = [(t.code, t.title) for a in report.actions for t in a.tasks if t.report and t.report.status == "late"]
    blocks: list[Block] = []
    for label, items in (("形势十分严峻（红色）的指标", red), ("形势比较严峻（黄色）的指标", yellow)):
        if items:
            blocks.append(Para(f"{label}{len(items)}项：" + "；".join(
                f"{t.code} {t.indicator}（最新值{_amount(t, t.latest_value)}，应达{_amount(t, t.expected_value)}，"
                f"牵头单位{t.lead_unit or '未明确'}）" for t in items) + "。"))
    if late:
        blocks.append(Para(f"进展滞后的任务{len(late)}项：" + "；".join(f"{c} {t}" for c, t in late) + "。"))
    if not blocks:
        blocks.append(Para("本年度未发现红色、黄色预警指标和进展滞后的任务。"))
    blocks = [Section("预警指标和滞后任务", blocks=blocks)]
    if report.missing:
        by_unit: dict[str, tuple[list[str], list[str]]] = {}
        for m in report.missing:
            values, tasks = by_unit.setdefault(m.unit, ([], []))
            (values if m.kind == "value" else tasks).append(m.item if m.kind == "value" else m.item.split()[0])
        rows: list[list[Cell]] = [[unit, len(v), "、".join(v) or "—", len(t), "、".join(t) or "—"]
                                  for unit, (v, t) in sorted(by_unit.items(), key=lambda kv: -len(kv[1][0] + kv[1][1]))]
        missing: list[Block] = [
            Para(f"{len(by_unit)}个责任单位有{len(report.missing)}项{report.year}年度应报事项未报送（指标数据按方案"
                 "基期后、目标年前的年度计，任务进展按牵头任务计）："),
            Table("未报送事项", "未报送", ["责任单位", "指标数据（项）", "未报送的指标", "任务进展（项）", "未报送进展的任务"],
                  rows, [1.6, 0.9, 4, 0.9, 2.4])]
    else:
        missing = [Para("各责任单位均已报送本年度应报的指标数据和任务进展。")]
    blocks.append(Section("未按时报送的单位", blocks=missing))
    return Section("存在的主要问题", blocks=blocks)


def _inventory(report: AnnualReport) -> Section:
    inv = report.inventory
    if inv is None:
        return Section("温室气体清单", blocks=[Para("本报告未附清单核算数据（生成时可用 --inventory 指定活动水平文件）。",
                                                   "note")])
    years = [str(y) for y in inv.years]
    blocks: list[Block] = [Para(f"清单依据{inv.label or inv.region}活动水平数据，按默认排放因子库计算，全球增温潜势取"
                                f"{inv.gwp}；所用因子中{inv.unverified_factors}个尚未核实，结果仅供参考"
                                "（数据来源见附件2）。")]
    rows: list[list[Cell]] = [[zh, *vals] for _, zh, vals in inv.sectors]
    rows += [[zh, *vals] for zh, vals in inv.totals]
    blocks.append(Table("温室气体排放（万吨二氧化碳当量）", "清单", ["项目", *years], rows))
    blocks.append(Figure("分部门温室气体排放", partial(
        charts.sector_chart, inv.years, [(zh, vals) for _, zh, vals in inv.sectors], "万吨二氧化碳当量", [c for c, _, _ in inv.sectors])))
    if inv.indicator_year is not None:
        blocks.append(Table(f"{inv.indicator_year}年能耗和碳排放强度（清单核算）", "清单指标", ["指标", "数值"],
                            [[name, value] for name, value in inv.indicators]))
    blocks += [Para(chinese(n), "note") for n in inv.notes]
    return Section("温室气体清单", blocks=blocks)


def _projection(report: AnnualReport) -> Section:
    pr = report.projection
    if pr is None:
        return Section("达峰预测", blocks=[Para("本报告未附达峰情景预测（生成时可用 --scenarios 指定情景文件）。", "note")])
    rows: list[list[Cell]] = [[s.title, s.peak_year if s.status == "peaked" else "预测期内未达峰", s.peak_value,
                               f"{s.probability * 100:.0f}%" if s.probability is not None else "—"]
                              for s in pr.scenarios]
    blocks: list[Block] = [
        Para(f"预测依据情景设定“{pr.title}”（数据来源见附件2）；达峰概率为按各情景不确定性抽样{pr.runs}次、"
             f"在{pr.peak_by}年及以前达峰的比例。"),
        Table("各情景达峰年份与峰值", "达峰预测", ["情景", "达峰年份", f"峰值（万吨，{pr.metric_zh or '二氧化碳'}）",
                                             f"{pr.peak_by}年前达峰概率"], rows),
        Figure("排放预测", partial(charts.projection_chart, pr.years, pr.paths, "万吨二氧化碳", pr.peak_by)),
    ]
    if pr.base_year is not None and pr.base_value is not None:
        origin = "取自清单，与上节清单表同名数值一致" if pr.base_from_inventory else "取自情景文件"
        blocks.insert(1, Para(f"预测基准年{pr.base_year}年{pr.metric_zh}为{fmt_num(pr.base_value)}万吨（{origin}）。"))
    blocks += [Para(chinese(n), "note") for n in pr.notes]
    return Section("达峰预测", blocks=blocks)


def _provenance(report: AnnualReport) -> Table:
    """Where each part of the report comes from, in words (file fingerprints, never internal names)."""
    f = report.facts
    rows: list[list[Cell]] = [
        ["实施方案", f"《{f.title}》第{f.version}版", "方案库（导入的方案文件）", "—"],
        ["指标数据和任务进展", f"{report.year}年及以前各期", "各责任单位报送、领导小组办公室审核的数据", "—"],
    ]
    if report.inventory is not None:
        inv = report.inventory
        rows.append(["温室气体清单", inv.label or inv.region, f"活动水平数据文件，默认排放因子库，{inv.gwp}",
                     inv.sha256[:12]])
    if report.enterprises is not None:
        rows.append([TITLE, f"{report.enterprises.region}（含下辖地区）",
                     f"导入的企业名录和项目清单；国家能效标杆水平和基准水平（{report.enterprises.edition}年版）", "—"])
    if report.projection is not None:
        pr = report.projection
        rows.append(["达峰预测", pr.title, f"情景设定文件，{pr.runs}次抽样", pr.sha256[:12] or "—"])
    rows.append(["报告生成", format_time_zh(report), "碳峰系统按库中数据自动生成", "—"])
    return Table("附表2 数据来源", "数据来源", ["内容", "范围", "来源", "文件校验码（SHA-256前12位）"], rows,
                 [1.4, 2.2, 3.4, 1.8])


def format_time_zh(report: AnnualReport) -> str:
    """The generation time in the office's zone, named: 2026-12-01 17:18（北京时间）."""
    zone = display_zone()
    name = "北京时间" if zone.key in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else zone.key
    return f"{local_time(report.generated_at):%Y-%m-%d %H:%M}（{name}）"


def _appendix(report: AnnualReport) -> Section:
    rows: list[list[Cell]] = [[t.code, t.indicator, t.target_year, _target_cell(t), t.unit or "—", t.task or "—",
                               t.lead_unit or "—", t.level_label if t.level != "none" else "—", t.sentence]
                              for t in report.targets]
    return Section("附件", blocks=[
        Para("附件1 方案提出的全部目标，含方案原文，供核对。"),
        Table("附表1 方案目标清单", "目标清单", ["编号", "指标", "目标年", "目标值", "单位", "所在任务", "牵头单位", "预警",
                                       "方案原文"], rows, [0.7, 2, 1.15, 1.15, 0.8, 0.9, 1.3, 1.3, 4.2]),
        Para("附件2 本报告各部分数据的来源。"),
        _provenance(report),
    ])


def build_outline(report: AnnualReport) -> Outline:
    """Lay the content out as numbered sections (charts are drawn when a renderer asks for them)."""
    f = report.facts
    sections = [
        _summary(report),
        _headline(report),
        Section("重点任务进展情况", blocks=[_action_section(report, a) for a in report.actions]),
        enterprise_section(report),
        _problems(report),
        Section("碳排放核算与达峰预测", blocks=[_inventory(report), _projection(report)]),
    ]
    _number(sections)
    _caption_numbers(sections)
    subtitle = [f"{f.region} · 方案第{f.version}版（{'征求意见稿' if f.version_status == 'draft' else '正式稿'}）",
                f"数据截至{report.year}年12月31日 · 生成于{format_time_zh(report)}"]
    banner = DEMO_BANNER if report.demo else None
    if charts.cjk_font() is None:
        sections[0].blocks.insert(0, Para(NO_FONT_NOTE, "note"))
    return Outline(report.title, subtitle, banner, sections, _appendix(report))
