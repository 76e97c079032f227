"""Targets: quantitative (and quota-deferred) commitments found in plan sentences.

The reader walks paragraphs in order, keeping a *year context* (到2025年 … carries forward inside a
paragraph, across the paragraphs of a goals section, and from a paragraph that names its five-year
period), splits sentences into clauses and, in each clause, looks for ``indicator [比2020年] verb
[力争] number unit [以上]`` (with 分别-lists), ``verb object number unit`` (累计建成高标准农田12.11万亩)
and ``indicator 完成/达到 上级下达指标`` (assigned). See contracts/plan-json.md for the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tanfeng.plans.vocab import (
    ASSIGNED_RE,
    BOUND_AFTER,
    CREATE_VERB_RE,
    HISTORY_RE,
    MEASURE_WORDS,
    PERIOD_END,
    QTY_RE,
    SCOPE_PREFIX_RE,
    VERB_OBJECT_RE,
    VERB_RE,
    canonical_code,
    verb_meaning,
)

_SENTENCE_SPLIT = re.compile(r"(?<=[。！？；\n])")
_YEAR_RE = re.compile(
    r"(?P<pre>到|至|截至|截止到?|在|于|力争|确保|计划)?\s*(?P<year>(?:19|20)\d{2})\s*年(?P<post>底|末|年底|前|以前|左右)?"
)
_PERIOD_RE = re.compile(r"“?(十[一二三四五六])五”?(?:期间|时期|末|期末|以来)")
_BASELINE_RE = re.compile(r"(?:比|较|相比|相较于?|与)\s*((?:19|20)\d{2})\s*年(?:相比|水平|底|末)?")
_COMMIT_RE = re.compile(r"确保|力争|争取|努力")
_STRETCH_PAREN = re.compile(r"^\s*(?:以上|左右|以内)?\s*[（(]\s*(?:力争|争取)(?:达到|下降|提高|提升)?\s*(\d+(?:\.\d+)?)\s*([^）)]{0,8})[）)]")
_COMPARED = re.compile(r"(?:比|较|相比|与|于|以)\s*$")
_RANGE_BEFORE = re.compile(r"[—–\-~至]\s*$")
_RANGE_AFTER = re.compile(r"\s*[—–\-~]")
_IN_STRETCH_PAREN = re.compile(r"[（(][^（）()]*(?:力争|争取)[^（）()]*$")
_CLAUSE = re.compile(r"[^，；：。！？\n]+")
_SO_FAR = re.compile(r"今年以来|去年以来|上半年|前[一二三]季度|1\s*[-—至]\s*\d{1,2}\s*月")  # a statistic to date
_MEASURE_TAIL = re.compile(r"([^，。；、\d（）()]{2,16}?)(?:约|近|达|超)?\s*$")
_OBJECT_AFTER = re.compile(r"^\s*(?:以上|左右)?(?:[^，。；]{0,24}的)?(?P<noun>[^，。；的（）()]{2,24})")
_PEAK_GUARD = re.compile(r"^\s*(?:前|以前)?(?:实现)?(?:碳达峰|达峰|达到峰值|二氧化碳排放达峰)")


@dataclass
class Paragraph:
    text: str
    offset: int
    task_id: str | None = None
    goal_section: bool = False  # under a heading whose title names goals (主要目标 …)
    heading: bool = False


@dataclass
class RawTarget:
    indicator: str
    sentence: str
    offset: int
    year: int | None
    value: float | None = None
    unit: str | None = None
    change: str | None = None
    stretch_value: float | None = None
    bound: str | None = None
    commitment: str | None = None
    baseline_year: int | None = None
    assigned: bool = False
    task_id: str | None = None
    code: str | None = None
    rule: str = "verb-number"  # the grammar rule that produced it (see RULES)
    year_from: str = "stated"  # stated | carried (earlier clause/paragraph) | period (the plan's own period)
    extra: dict[str, object] = field(default_factory=dict)


# Rules that produce targets, with the reader's base confidence in each (see confidence()).
RULES: dict[str, tuple[float, str]] = {
    "verb-number": (0.9, "指标 + 动词 + 数值单位 (indicator, verb, figure): 非化石能源消费比重达到25%"),
    "verb-object": (0.75, "动词 + 对象 + 数值 (verb, object, figure): 累计建成高标准农田12万亩"),
    "number-of-noun": (0.7, "数值 + 的 + 对象 (figure of a noun): 30%以上的新建建筑"),
    "verb-count-object": (0.7, "动词 + 数量 + 对象 (count before its object): 创建30个试点城市"),
    "noun-number": (0.6, "计量名词 + 数值，无动词 (measure noun with its figure): 总装机33万千瓦"),
    "assigned": (0.8, "完成上级下达指标 (defers to a quota set above)"),
    "table": (0.9, "指标表的一行 (a row of an indicator table)"),
    "peak": (0.95, "碳达峰承诺 (the peak commitment)"),
}


@dataclass(frozen=True)
class Rejected:
    """A reading the reader considered and dropped, kept for --explain."""

    offset: int
    sentence: str
    figure: str
    reason: str


def confidence(t: RawTarget) -> float:
    """Base confidence of the rule, less where the year was not stated in the target's own sentence."""
    base = RULES.get(t.rule, (0.5, ""))[0]
    if t.year_from == "carried":
        base -= 0.1
    elif t.year_from == "period":
        base -= 0.15
    if t.code is None and len(t.indicator) < 4:
        base -= 0.1
    return round(max(0.3, min(1.0, base)), 2)


@dataclass
class _Ctx:
    default_year: int | None  # the plan's own period end (（2021—2025年）, “十四五”规划)
    first_forward_year: int | None
    doc_year: int | None
    period_start: int | None = None  # the plan's own period start (2024—2025年行动方案)
    year: int | None = None
    year_from: str = "stated"
    past: bool = False  # the clause context is history: the plan's own period does not apply
    last: RawTarget | None = None
    trace: list[Rejected] | None = None  # filled for `tanfeng parse --explain`

    def reject(self, offset: int, sentence: str, figure: str, reason: str) -> None:
        if self.trace is not None:
            self.trace.append(Rejected(offset, sentence.strip(), figure, reason))


def forward_years(text: str) -> list[int]:
    """Years that the text uses as deadlines (到2025年, 2030年前, 2025年底)."""
    out = []
    for m in _YEAR_RE.finditer(text):
        if (m.group("pre") in ("到", "至") or m.group("post") in ("底", "末", "年底", "前", "以前")) \
                and not _PEAK_GUARD.match(text[m.end():]) and not (m.group("pre") or "").startswith("截"):
            out.append(int(m.group("year")))
    return out


_HISTORIC = -1


_RANGE_START = re.compile(r"^\s*(?:在)?((?:19|20)\d{2})\s*[—–\-~至]+\s*((?:19|20)\d{2})\s*年(?:间|期间)?")


def _now(ctx: _Ctx) -> int | None:
    """The year the plan speaks from: its date, else its own period's start, else its first deadline."""
    return ctx.doc_year or ctx.period_start or ctx.first_forward_year


def _clause_year(clause: str, ctx: _Ctx) -> int | None:
    """The last deadline year stated in the clause, ``_HISTORIC`` for a clause about the past, or None.

    A deadline is 到/至/截至/力争/确保 YYYY年, YYYY年底/末/前, a range 2024—2025年 opening the clause
    (its end year), or a bare ``YYYY年，`` opening the clause for a year not before the plan's own
    time (2024年，… in a plan of 2024 is that year's target; 2022年，… in it is history)."""
    if "年" not in clause and "五" not in clause:
        return None  # no year and no five-year period: the common case, answered cheaply
    found: int | None = None
    rng = _RANGE_START.match(clause)
    if rng:
        end = int(rng.group(2))
        now = _now(ctx)
        found = end if now is None or end >= now else _HISTORIC
    for m in _YEAR_RE.finditer(clause):
        year = int(m.group("year"))
        before = clause[max(0, m.start() - 3) : m.start()]
        after = clause[m.end() :]
        if _COMPARED.search(before) and not m.group("pre"):
            continue
        if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(after):
            continue  # a period such as 2021—2025年 (read above when it opens the clause)
        if _PEAK_GUARD.match(after) and m.group("post") in ("前", "以前"):
            continue  # 2030年前碳达峰: the peak commitment, handled separately
        forward = m.group("pre") in ("到", "至", "截至", "截止", "截止到", "力争", "确保", "计划") or m.group("post")
        at_start = clause[: m.start()].strip() in ("", "在")
        now = _now(ctx)
        if m.group("pre") in ("截至", "截止", "截止到") and (
                (ctx.first_forward_year and year < ctx.first_forward_year) or (ctx.doc_year and year <= ctx.doc_year)):
            found = _HISTORIC  # 截至2022年底，全市已建成…: the state of things, not a deadline
            continue
        if not forward:
            if not at_start or now is None:
                continue
            if year < now:
                found = _HISTORIC
                continue
        found = year
    for m in _PERIOD_RE.finditer(clause):
        period_end = PERIOD_END.get(m.group(1))
        now = _now(ctx)
        if period_end and now is not None and period_end < now:
            found = _HISTORIC  # “十三五”期间，…下降18.5%: a period that ended before the plan
        elif period_end:
            found = period_end
    return found


def _strip_indicator(text: str) -> str:
    text = _BASELINE_RE.sub("", text)
    text = _YEAR_RE.sub("", text) if re.search(r"(?:19|20)\d{2}\s*年", text) else text
    text = re.sub(r"“?十[一二三四五六]五”?(?:期间|时期|末|期末)?", "", text)
    text = _COMMIT_RE.sub("", text)
    text = re.sub(r"(?:分别|累计|年均|平均|均|各|基本|进一步|持续|稳步|逐步|大幅|显著|明显|原则上|实现|使|让|推动|确保)$", "", text)
    # a bound word left by the previous figure: …90%以上、资源化利用率达到60%
    text = re.sub(r"^(?:及以上|以上|以下|以内|左右|上下)?[、，\s]*", "", text)
    text = re.sub(r"^(?:其中|同时|并且?|另外|此外|以及|及|和|要求|计划|预计|实现|推动|推进|使|让|全面|基本|努力)+", "", text)
    text = SCOPE_PREFIX_RE.sub("", text)
    text = re.sub(r"(?:分别|累计|均|年均|平均|约|近|超)$", "", text)
    return text.strip(" 、，的“”")


def _ends_with_measure(text: str) -> bool:
    return any(text.endswith(w) for w in MEASURE_WORDS if len(w) >= 2)


def _split_items(indicator: str, n: int) -> list[str] | None:
    """'营运车辆、船舶单位换算周转量碳排放强度' with n=2 → two indicators sharing the suffix."""
    parts = [p for p in re.split(r"、|和|及", indicator) if p]
    if len(parts) != n:
        return None
    last = parts[-1]
    suffix = ""
    for i in range(1, len(last)):
        if any(last[i:].startswith(w) for w in MEASURE_WORDS) and i >= 2:
            suffix = last[i:]
            break
    items = [p if _ends_with_measure(p) or not suffix else p + suffix for p in parts[:-1]] + [last]
    prefix = re.match(r"^(?:单位|万元)(?:地区|国内)?(?:生产总值|GDP)", items[0])
    if prefix:
        items = [items[0]] + [it if it.startswith(("单位", "万元")) else prefix.group(0) + it for it in items[1:]]
    return items


def _quantities_after(clause: str, start: int) -> list[re.Match[str]]:
    """A run of quantities joined by 、/和/及 starting at ``start`` (分别 lists)."""
    out: list[re.Match[str]] = []
    pos = start
    while True:
        m = QTY_RE.match(clause, pos)
        if not m:
            break
        out.append(m)
        tail = re.match(r"\s*(?:以上|以下|以内|左右|上下)?\s*(?:、|和|及|，)\s*(?=\d)", clause[m.end():])
        if not tail:
            break
        pos = m.end() + tail.end()
        if "，" in tail.group(0):
            break
    return out


def _bound(verb: str, clause: str, qty_end: int) -> str | None:
    after = clause[qty_end : qty_end + 4]
    for word, bound in BOUND_AFTER:
        if after.startswith(word):
            return bound
    if re.search(r"超过|突破|不低于|不少于|高于|大于", verb):
        return "min"
    if re.search(r"不超过|不高于|低于|控制在|少于|以内", verb):
        return "max"
    return None


def _commitment(text: str) -> str | None:
    if "确保" in text:
        return "ensure"
    if re.search(r"力争|争取|努力", text):
        return "strive"
    return None


def _numeric_targets(clause: str, sentence: str, para: Paragraph, ctx: _Ctx, offset: int) -> list[RawTarget]:
    out: list[RawTarget] = []
    pos = prev_end = 0
    while True:
        m = QTY_RE.search(clause, pos)
        if not m:
            break
        pre = clause[: m.start()]
        segment_start = prev_end
        if _IN_STRETCH_PAREN.search(pre):
            pos = m.end()  # the stretch figure of （力争下降15%）, read with its target
            ctx.reject(offset, sentence, m.group(0), "力争值，随主目标读出 (stretch figure of the target before it)")
            continue
        verb_m = VERB_RE.search(pre, segment_start)
        run = _quantities_after(clause, m.start())
        pos = run[-1].end()
        rule = "verb-number"
        if verb_m and verb_m.start() >= segment_start:
            # a second figure in the same clause names its own indicator after the first one
            indicator_raw, verb = pre[segment_start : verb_m.start()], verb_m.group("verb")
        else:
            vo = VERB_OBJECT_RE.search(pre)
            after = clause[run[-1].end():]
            post = re.match(r"\s*(?:以上|及以上)?的([^，。；]{2,30})", after)
            made = CREATE_VERB_RE.search(pre) if len(run) == 1 else None
            noun = _MEASURE_TAIL.search(pre[segment_start:])
            if vo:
                # the subject before the verb belongs to the indicator: 可再生能源新增装机140万千瓦
                subject = pre[segment_start : vo.start()] if vo.start() >= segment_start else ""
                indicator_raw, verb, rule = subject + vo.group("verb") + vo.group("object"), "达到", "verb-object"
            elif post and not pre.strip(" ，、全区市省县"):
                indicator_raw, verb, rule = post.group(1), "达到", "number-of-noun"
            elif made and (obj := _OBJECT_AFTER.match(after)):
                # 创建30个特色鲜明、差异化发展的碳达峰试点城市: the object follows its count
                indicator_raw, verb, rule = obj.group("noun"), "达到", "verb-count-object"
            elif noun and _ends_with_measure(noun.group(1)):
                # 总装机33.2万千瓦: a measure noun stated with its figure, no verb
                indicator_raw, verb, rule = noun.group(1), "达到", "noun-number"
            else:
                ctx.reject(offset, sentence, m.group(0), "没有动词或指标 (no verb or indicator before the figure)")
                continue
        if verb in ("在", "为") and not re.match(r"\s*(?:以上|以下|以内|左右)", clause[run[-1].end():]):
            ctx.reject(offset, sentence, m.group(0), "“在/为”后无界限词，多为现状 (在/为 without a bound: a state)")
            continue
        if HISTORY_RE.search(clause[max(0, run[0].start() - 1) : run[-1].end() + 2]) or re.search(r"了\s*$", pre) \
                or _SO_FAR.search(pre[segment_start:]):
            ctx.reject(offset, sentence, m.group(0), "已完成/同比等历史表述 (history: 了/已/同比)")
            continue
        found = _make_targets(indicator_raw, verb, clause, run, sentence, para, ctx, offset, segment_start, rule)
        out.extend(found)
        ctx.last = found[-1] if found else ctx.last
        prev_end = run[-1].end()
    return out


def _make_targets(indicator_raw: str, verb: str, clause: str, run: list[re.Match[str]], sentence: str,
                  para: Paragraph, ctx: _Ctx, offset: int, segment_start: int = 0,
                  rule: str = "verb-number") -> list[RawTarget]:
    change = verb_meaning(verb)
    indicator = _strip_indicator(indicator_raw)
    baseline = _BASELINE_RE.search(clause)
    commitment = _commitment(clause[segment_start : run[0].start()])
    year = ctx.year if ctx.year is not None else (None if ctx.past else ctx.default_year)
    out: list[RawTarget] = []
    if not indicator:
        prev = ctx.last
        if prev is None or prev.assigned:
            ctx.reject(offset, sentence, run[0].group(0), "指标为空且前面没有目标可承接 (no indicator)")
            return []
        if (len(run) == 1 and commitment == "strive" and prev.year == year and prev.unit == run[0].group("unit")
                and prev.stretch_value is None and prev.value is not None):
            prev.stretch_value = float(run[0].group("num"))
            ctx.reject(offset, sentence, run[0].group(0), "力争值，并入前一目标 (stretch value of the target before it)")
            return []
        if prev.year == year:
            ctx.reject(offset, sentence, run[0].group(0), "指标为空，与前一目标同年 (no indicator of its own)")
            return []
        indicator = prev.indicator
    if rule == "noun-number" and re.fullmatch(r"总?(?:装机(?:容量)?|容量|规模|面积|总量|产能|投资)", indicator):
        label = re.match(r"^\s*([^：:，。；]{2,16})[：:]", sentence)  # 光伏发电项目：…，总装机33.2万千瓦
        if not label:
            return []
        indicator = label.group(1) + indicator
    items = _split_items(indicator, len(run)) if len(run) > 1 else [indicator]
    if items is None:
        items = [indicator] * len(run) if len(run) > 1 else [indicator]
        run = run[-1:] if len(run) > 1 and not re.search(r"分别", clause) else run
        items = items[: len(run)]
    for item, q in zip(items, run, strict=False):
        value = float(q.group("num").replace(",", ""))
        unit = q.group("unit")
        if change == "decrease" and unit == "%" and value >= 100:
            ctx.reject(offset, sentence, q.group(0), "下降100%以上，数字有误 (a garbled figure)")
            continue  # a garbled figure such as 下降145% (for 14.5%)
        if year is None:
            ctx.reject(offset, sentence, q.group(0), "没有目标年份 (no deadline year in force)")
            continue
        t = RawTarget(indicator=item, sentence=sentence.strip("。；，\n "), offset=offset, year=year, value=value,
                      unit=unit, change=change, bound=_bound(verb, clause, q.end()), commitment=commitment,
                      baseline_year=int(baseline.group(1)) if baseline else None, task_id=para.task_id,
                      rule=rule, year_from=ctx.year_from if ctx.year is not None else "period")
        stretch = _STRETCH_PAREN.match(clause[q.end():])
        if stretch:
            t.stretch_value = float(stretch.group(1))
        t.code = canonical_code(item, unit)
        out.append(t)
    return out


def _assigned_targets(clause: str, sentence: str, para: Paragraph, ctx: _Ctx, offset: int) -> list[RawTarget]:
    m = ASSIGNED_RE.search(clause)
    if not m or QTY_RE.search(clause):
        return []
    year = ctx.year if ctx.year is not None else (None if ctx.past else ctx.default_year)
    indicator = _strip_indicator(re.sub(r"(?:下降|降低|提高|提升|增长|下降率|降低率)?(?:指标|目标|任务)?$", "", clause[: m.start()]))
    indicator = re.sub(r"(?:下降|降低|提高|提升)$", "", indicator)
    if not any(w in indicator for w in MEASURE_WORDS):  # 完成国家下达的“十四五”能耗强度降低目标: after the verb
        after = re.search(r"(?:下达|完成)(?:的|给我[省市县区]的)?(.{2,40}?)(?:下降|降低|提高|提升|控制)?(?:约束性)?(?:目标|指标|任务)",
                          clause[m.start():])
        indicator = _strip_indicator(after.group(1)) if after else ""
    if not indicator or year is None or not any(w in indicator for w in MEASURE_WORDS):
        return []
    parts = [p for p in re.split(r"和|、|及", indicator) if p]
    if len(parts) > 1 and all(any(w in p for w in MEASURE_WORDS) for p in parts):
        items = _split_items(indicator, len(parts)) or parts
    else:
        items = [indicator]
    return [RawTarget(indicator=it, sentence=sentence.strip("。；，\n "), offset=offset, year=year, assigned=True,
                      change=verb_meaning(clause[m.start():]), commitment=_commitment(clause), task_id=para.task_id,
                      code=canonical_code(it, None), rule="assigned",
                      year_from=ctx.year_from if ctx.year is not None else "period") for it in items]


_CONTINUES = re.compile(r"^(?:同时|其中|此外|另外|并且?|以及)[，,]?")


def _continues(previous: Paragraph | None, para: Paragraph) -> bool:
    """Whether ``para`` goes on with the goal sentence of ``previous`` (the year stays in force): the
    previous paragraph breaks off without a full stop (a copy that broke the sentence) or ``para``
    opens with a connective (同时，… / 其中，…)."""
    if previous is None or previous.heading or para.heading:
        return False
    return not previous.text.rstrip().endswith(("。", "！", "？", "…")) or bool(_CONTINUES.match(para.text))


def extract_targets(paragraphs: list[Paragraph], default_year: int | None, doc_year: int | None,
                    first_forward_year: int | None, period_start: int | None = None,
                    trace: list[Rejected] | None = None) -> list[RawTarget]:
    """All targets of the plan, in document order, before de-duplication."""
    ctx = _Ctx(default_year=default_year, first_forward_year=first_forward_year, doc_year=doc_year,
               period_start=period_start, trace=trace)
    out: list[RawTarget] = []
    previous: Paragraph | None = None
    for para in paragraphs:
        carried = para.goal_section and previous is not None and previous.goal_section
        if not (carried or _continues(previous, para)):
            ctx.year = None
        ctx.year_from = "carried" if ctx.year is not None else "period"
        ctx.last, ctx.past = None, False
        for sentence in _SENTENCE_SPLIT.split(para.text):
            if not sentence.strip():
                continue
            base = para.offset + para.text.find(sentence)
            ctx.past = False  # history holds for the rest of its sentence
            for clause_m in _CLAUSE.finditer(sentence):
                clause = clause_m.group(0)
                year = _clause_year(clause, ctx)
                if year == _HISTORIC:
                    ctx.year, ctx.past = None, True
                    if QTY_RE.search(sentence, clause_m.start()):
                        ctx.reject(base, sentence, clause, "年份早于方案本身，是现状 (a year before the plan: history)")
                elif year is not None:
                    ctx.year, ctx.year_from, ctx.past = year, "stated", False
                found = _numeric_targets(clause, sentence, para, ctx, base) or _assigned_targets(
                    clause, sentence, para, ctx, base)
                if found:
                    out.extend(found)
                    ctx.last = found[-1]
        previous = para
    return out


def _key(t: RawTarget) -> tuple[object, ...]:
    return (t.code or t.indicator, t.year, t.value, t.unit, t.assigned)


def deduplicate(targets: list[RawTarget], body_start: int, trace: list[Rejected] | None = None) -> list[RawTarget]:
    """The same target stated twice (a news lead and the body) is kept once, with the richer fields."""
    kept: list[RawTarget] = []
    for t in targets:
        twin = next((k for k in kept if _same(k, t)), None)
        if twin is None:
            kept.append(t)
            continue
        if trace is not None:
            trace.append(Rejected(t.offset, t.sentence, f"{t.indicator} {t.value}{t.unit or ''}",
                                  f"与前文同一目标重复，合并 (the same target as “{twin.sentence[:30]}…”)"))
        richer = t if (twin.offset < body_start <= t.offset) else twin
        other = twin if richer is t else t
        for name in ("baseline_year", "stretch_value", "bound", "commitment", "task_id", "code"):
            if getattr(richer, name) is None:
                setattr(richer, name, getattr(other, name))
        if richer is t:
            kept[kept.index(twin)] = t
    return kept


def _same(a: RawTarget, b: RawTarget) -> bool:
    if (a.year, a.value, a.unit, a.assigned) != (b.year, b.value, b.unit, b.assigned):
        return False
    if a.code and a.code == b.code:
        return True
    x, y = a.indicator, b.indicator
    return bool(x and y and (x in y or y in x))
