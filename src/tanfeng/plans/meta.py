"""Plan metadata: title, region (via the gazetteer), issuer, 文号, date, draft/final, peak year, parents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tanfeng.plans.model import Meta, Parent, Region
from tanfeng.regions.gazetteer import ZONE_RE, Division, gazetteer
from tanfeng.text.normalise import CJK

_DOC_KINDS = r"(?:实施方案|行动方案|工作方案|方案|规划|行动计划|计划|实施意见|意见|办法|纲要)"
_DRAFT = re.compile(r"[（(]?(?:征求意见稿|送审稿|草案|讨论稿|公开征求意见稿)[）)]?")
_PERIOD_PAREN = r"(?:（\d{4}\s*[—–\-－~至]+\s*\d{4}年?）)?"
_TITLE_BODY = rf"[^《》\n，。；：]{{2,60}}?{_DOC_KINDS}{_PERIOD_PAREN}(?:（[^）]{{0,12}}稿）)?"
# A title is found by one grammar with three sources, in order of authority:
#   1. the notice that publishes it: 印发《X》, 现将《X》印发, 《X》已经…同意, 征求《X》意见, 关于印发X的通知;
#   2. a line that is a title by itself (after a site banner such as 【政策】 and a file extension);
#   3. failing both, the first 《X》 that is not cited as a basis (根据/贯彻/落实《…》).
# A candidate inside another book (《…关于印发X的通知》 cited in the preamble) is never the plan's own.
_NOTICE_PATTERNS = [
    re.compile(rf"印发\s*《({_TITLE_BODY})》"),
    re.compile(rf"现将\s*《({_TITLE_BODY})》\s*(?:印发|予以|公开|公布|发布)"),
    re.compile(rf"《({_TITLE_BODY})》\s*已经[^。\n]{{0,60}}(?:同意|通过)"),
    re.compile(rf"(?:征求|征集)\s*《({_TITLE_BODY})》\s*(?:的)?意见"),
    re.compile(rf"(?:关于|对|就)\s*《({_TITLE_BODY})》\s*(?:向社会)?(?:公开)?(?:征求|征集)"),
    re.compile(rf"印发\s*({_TITLE_BODY})\s*的通知", re.S),
]
_BANNER = re.compile(r"^(?:【[^】\n]{1,10}】|\[[^\]\n]{1,10}\]|附件\s*\d*\s*[：:]?|标题\s*[：:])\s*")
_FILE_EXT = re.compile(r"\.(?:docx?|wps|pdf|html?|txt|ofd)$", re.I)
_STANDALONE = re.compile(rf"^({_TITLE_BODY})$")
_LINE_START = re.compile(rf"^({_TITLE_BODY})(?=发布时间|发布日期|来源|$)")
_PLACEHOLDER = re.compile(r"（略）|\(略\)|×{2,}|\*{2,}|X{2,}")
_ANY_BOOK = re.compile(rf"《({_TITLE_BODY})》")
_DRAFT_STATUS = re.compile(r"征求意见稿|公开征求意见|征求意见的?(?:通知|公告)|征集[^。\n]{0,30}意见|[（(](?:草案|送审稿|讨论稿)[）)]")
_PLACEHOLDER = re.compile(r"（略）|\(略\)|×{2,}|\*{2,}")
_ANY_BOOK = re.compile(rf"《({_TITLE_BODY})》")
# 文号: issuer abbreviation, the year in any bracket ([2023] (2023) 〔2023〕 【2023】 〔二〇二三〕), number, 号.
_DOC_NO = re.compile(rf"([{CJK}]{{1,8}})\s*[〔\[【（(〈]\s*((?:19|20)\d{{2}}|[二][〇○O零][一二三四五六七八九〇○O零]{{2}})\s*[〕\]】）)〉]\s*"
                     rf"(\d{{1,4}}|[一二三四五六七八九十百〇零]{{1,5}})\s*号")
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_HAN = re.compile(r"([二〇○O零一三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_ISSUER = re.compile(
    rf"([{CJK}]{{1,30}}?(?:人民政府办公厅|人民政府办公室|人民政府|发展和改革委员会|发展改革委|发改委|领导小组办公室|领导小组|办公厅|委员会))"
    rf"(?:关于|印发|发布|起草|制定|\s*$|\s*(?:19|20)\d{{2}}年)"
)
# The peak commitment: a year, optionally 前/以前/左右/之前, then (within a few words) 达峰 / 达到峰值:
# 2030年前实现碳达峰, 力争于2030年前达到峰值, 如期实现2030年碳达峰目标, 2030年左右二氧化碳排放达峰.
_PEAK = re.compile(r"(20\d{2})\s*年(?:前后|前|以前|之前|左右)?[^。；，\n\d]{0,12}?(?:碳达峰|达峰|达到峰值|排放峰值)(?!行动|试点|方案)")
_BASIS = re.compile(r"制定本|制定如下|特制定|结合[^。]{1,12}实际|根据|依据|按照|贯彻|落实")
_HAN_DIGIT = {"〇": 0, "○": 0, "O": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass
class MetaResult:
    meta: Meta
    parents: list[Parent]
    body_start: int  # offset where the plan's own text begins (after any notice / news lead)


def _clean_title(title: str) -> str:
    title = _DRAFT.sub("", title).strip(" “”\"'")
    title = re.sub(r"^(?:关于)?印发", "", title)
    return re.sub(r"\s+", "", title)


def _outside_books(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) <= text.rfind("》", 0, pos)


def _in_book(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def _cited(text: str, pos: int) -> bool:
    """Whether the book at ``pos`` is cited as a basis (根据《…》, 落实《…》…) in its sentence."""
    start = max(text.rfind(ch, 0, pos) for ch in "。\n；")
    return bool(_BASIS.search(text[start + 1 : pos]))


def _title_line(line: str) -> str:
    """A line with any site banner and file extension removed: 【政策】X方案.docx → X方案."""
    return _FILE_EXT.sub("", _BANNER.sub("", line.strip())).strip()


def find_title(text: str) -> tuple[str | None, int]:
    """The plan's own title and the position where it is stated."""
    head = text[:8000]
    notices: list[tuple[int, str]] = []
    for pattern in _NOTICE_PATTERNS:
        for m in pattern.finditer(head):
            in_marks = head[m.start(1) - 1] == "《"
            anchor = m.start(1) - 1 if in_marks else m.start()
            if _in_book(head, anchor) or _PLACEHOLDER.search(m.group(1)):
                continue  # 《省人民政府关于印发X的通知》 cited in the preamble is another document
            if in_marks and _cited(head, anchor):
                continue
            notices.append((m.start(1), _clean_title(m.group(1))))
            break
    if notices:
        pos, title = min(notices)
        return title, pos
    pos = 0
    for i, line in enumerate(head.split("\n")):
        s = _title_line(line)
        hit = _STANDALONE.match(s) or (_LINE_START.match(s) if i < 5 else None)
        if hit and not s.startswith(("关于", "《")) and not _PLACEHOLDER.search(hit.group(1)):
            return _clean_title(hit.group(1)), pos
        pos += len(line) + 1
    for book in _ANY_BOOK.finditer(head[:3000]):
        if not _cited(head, book.start()) and not _in_book(head, book.start()):
            return _clean_title(book.group(1)), book.start(1)
    return None, -1


def _body_start(text: str, title: str | None) -> int:
    """Where the plan text proper begins: the last standalone title line, else 0."""
    if not title:
        return 0
    best = 0
    pos = 0
    for line in text.split("\n"):
        if _clean_title(line.strip()) == title:
            best = pos
        pos += len(line) + 1
    return best


_DOC_NO_CORE = re.compile(r"[〔\[【（(〈]\s*((?:19|20)\d{2}|二[〇○O零][一二三四五六七八九〇○O零]{2})\s*[〕\]】）)〉]\s*"
                          r"(\d{1,4}|[一二三四五六七八九十百〇零]{1,5})\s*号")
_DOC_PREFIX = re.compile(rf"([{CJK}]{{1,8}})\s*$")


def find_doc_number(head: str) -> str | None:
    """The plan's own 文号 (the first one not attached to a cited book)."""
    if "号" not in head:
        return None
    for m in _DOC_NO_CORE.finditer(head):  # the bracketed year first: far cheaper than a CJK-led pattern
        p = _DOC_PREFIX.search(head, max(0, m.start() - 12), m.start())
        if not p:
            continue
        before = head[max(0, p.start(1) - 2) : p.start(1)]
        if "》" in before or not _outside_books(head, p.start(1)):
            continue  # a cited parent's number: 《…》（国发〔2021〕23号）
        prefix = re.sub(r"^.*?(?:字号|文号|编号|号码)", "", p.group(1))
        prefix = re.sub(r"^(?:[一-龥]*?(?:通知|人民政府|办公厅))", "", prefix) or prefix
        if len(prefix) < 1:
            continue
        return f"{prefix}〔{_year(m.group(1))}〕{_count(m.group(2))}号"
    return None


def _year(s: str) -> int:
    return int(s) if s.isdigit() else _han_number(s)


def _count(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "百" in s:
        hundreds, _, rest = s.partition("百")
        return _HAN_DIGIT.get(hundreds, 1) * 100 + (_han_number(rest.lstrip("零〇")) if rest.strip("零〇") else 0)
    return _han_number(s)


def _iso(y: int, mth: int, d: int) -> str | None:
    if 1 <= mth <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mth:02d}-{d:02d}"
    return None


def _han_number(s: str) -> int:
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_HAN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_HAN_DIGIT.get(units, 0) if units else 0)
    return int("".join(str(_HAN_DIGIT[c]) for c in s))


_SIGNER = re.compile(rf"[{CJK}]{{2,30}}(?:人民政府|办公厅|办公室|委员会|发展改革委|发改委|领导小组)$")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})")
_DATE_MD = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日|([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_POSTED = re.compile(r"发布(?:时间|日期)|来源|浏览|点击|阅读|访问量|作者|编辑")


def _parse_date(s: str, year: int | None, after_signer: bool) -> str | None:
    """A date written alone on a line: 2023年4月28日, 二〇二三年四月二十八日, 2023-04-28 (after a
    signature), 2023428 (a copy that lost 年月日, read only when one split is valid), or 4月28日
    with the year taken from the 文号."""
    if m := _DATE_CN.fullmatch(s):
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _DATE_HAN.fullmatch(s):
        return _iso(_han_number(m.group(1)), _han_number(m.group(2)), _han_number(m.group(3)))
    if after_signer and (m := _DATE_ISO.fullmatch(s)):
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if after_signer and re.fullmatch(r"20\d{5,6}", s):
        dates = [d for d in _digit_dates(s) if d]
        return dates[0] if len(dates) == 1 else None
    if year and (m := _DATE_MD.fullmatch(s)):
        if m.group(1):
            return _iso(year, int(m.group(1)), int(m.group(2)))
        return _iso(year, _han_number(m.group(3)), _han_number(m.group(4)))
    return None


def find_date(head: str, doc_number: str | None = None) -> str | None:
    """Date of the issuing notice or draft: 成文日期, or the date of the signature block (a date
    line, or a signer line ending in its date); a web page's own posting date is never taken."""
    m = re.search(r"(?:成文日期|成文时间|印发日期|发文日期)\s*[：:]\s*(?:" + _DATE_CN.pattern + "|" + _DATE_ISO.pattern + ")", head)
    if m:
        y, mth, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        return _iso(int(y), int(mth), int(d))
    ym = re.search(r"〔(\d{4})〕", doc_number or "")
    year = int(ym.group(1)) if ym else None
    posted = _posting_date(head)
    previous = ""
    standalone: str | None = None
    for line in head.split("\n"):
        s = line.strip().strip("（）()")  # （2023年12月13日） under a title
        if _POSTED.search(s):
            previous = s
            continue
        signed = _SIGNER.search(previous) is not None
        rest = re.sub(rf"^[{CJK}]{{2,30}}(?:人民政府|办公厅|委员会|办公室)\s*", "", s)
        found = _parse_date(s, year or _year_before(posted, s), signed) or (
            _parse_date(rest, year, True) if rest != s else None)
        if found and (signed or rest != s):
            return found  # the signature block's date
        standalone = standalone or found
        previous = s
    if standalone:
        return standalone
    m = re.search(rf"(?:人民政府|办公厅)\s*{_DATE_CN.pattern}", head)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _posting_date(head: str) -> tuple[int, int, int] | None:
    """A web page's posting date (发布时间：2023-12-20): never the plan's date, but it dates a
    year-less signature (a plan is posted after it is signed)."""
    for line in head.split("\n"):
        if _POSTED.search(line) and (m := _DATE_ISO.search(line) or _DATE_CN.search(line)):
            return int(m.group(1)), int(m.group(2)), int(m.group(3))
    return None


def _year_before(posted: tuple[int, int, int] | None, line: str) -> int | None:
    m = _DATE_MD.fullmatch(line) if posted else None
    if not m or not m.group(1) or posted is None:
        return None
    return posted[0] if (int(m.group(1)), int(m.group(2))) <= posted[1:] else posted[0] - 1


def _digit_dates(s: str) -> list[str | None]:
    y, rest = int(s[:4]), s[4:]
    return [_iso(y, int(rest[:cut]), int(rest[cut:])) for cut in range(1, len(rest))
            if len(rest[:cut]) <= 2 and len(rest[cut:]) <= 2]


def find_issuer(head: str, title: str | None) -> str | None:
    for m in _ISSUER.finditer(head):
        name = re.sub(r"^.*?(?:发布机构|发文机关|来源)[：:]?", "", m.group(1))
        name = re.sub(r"^(?:\d+月\d+日|近日|日前|今天)", "", name)
        if 3 <= len(name) <= 30 and not name.startswith(("关于", "各", "现将", "经")):
            return name
    return None


# A goal paragraph that opens with its deadline and states the peak later: 到2030年，…二氧化碳排放量达到峰值.
_PEAK_IN_GOAL = re.compile(r"(?:^|\n)\s*到(20\d{2})\s*年[，,][^\n]{0,400}?(?:二氧化碳排放(?:量|总量)?(?:达到峰值|达峰)|实现碳达峰)")


def find_peak_year(text: str) -> int | None:
    stripped = re.sub(r"《[^《》]*》", "《》", text)
    years = [int(m.group(1)) for m in _PEAK.finditer(stripped)]
    if not years:
        years = [int(m.group(1)) for m in _PEAK_IN_GOAL.finditer(stripped)]
    return years[0] if years else None


def find_parents(text: str, title: str | None, body_start: int) -> list[Parent]:
    """Documents cited as the plan's basis (《…》 in the preamble sentences), with their 文号."""
    first_heading = re.search(r"\n[一二三四五六七八九十]{1,3}、", text[body_start:])
    end = body_start + first_heading.start() if first_heading else min(len(text), body_start + 3000)
    zone = text[:end]
    out: list[Parent] = []
    seen: set[str] = set()
    for sentence in re.split(r"[。\n]", zone):
        if not _BASIS.search(sentence):
            continue
        for book, number in _books_with_numbers(sentence):
            name = _parent_title(book)
            own = _clean_title(name)
            if len(name) < 5 or own == title or (title and own.endswith(title)) or "简称" in name:
                continue
            if name not in seen:
                seen.add(name)
                out.append(Parent(title=name, doc_number=number))
    return out


def _books_with_numbers(sentence: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    i = sentence.find("《")
    while i != -1:
        depth, j = 0, i
        while j < len(sentence):
            if sentence[j] == "《":
                depth += 1
            elif sentence[j] == "》":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        book = sentence[i + 1 : j]
        m = re.match(r"\s*（\s*(" + _DOC_NO.pattern + r")\s*）", sentence[j + 1 :])
        number = None
        if m:
            number = f"{m.group(2)}〔{_year(m.group(3))}〕{_count(m.group(4))}号"
        out.append((book, number))
        i = sentence.find("《", j + 1)
    return out


def _parent_title(book: str) -> str:
    book = book.replace("〈", "《").replace("〉", "》")
    m = re.fullmatch(r"(?:[^《》]{0,40}?)关于印发(.+?)的通知", book)
    if m and len(m.group(1)) >= 4:
        return m.group(1).strip("《》")
    return book.strip()


def extract_meta(text: str, units_hint: list[str]) -> MetaResult:
    """All metadata of a normalised plan text; ``units_hint`` are responsible units (level fallback)."""
    title, _ = find_title(text)
    body_start = _body_start(text, title)
    head = text[: max(body_start, 0) + 600] if body_start else text[:3000]
    status = "draft" if _DRAFT_STATUS.search(text[:4000]) else "final"
    doc_number = find_doc_number(head)
    parents = find_parents(text, title, body_start)
    region = _region(title, head, units_hint, parents)
    meta = Meta(
        title=title,
        region=region,
        issuer=find_issuer(head, title),
        doc_number=doc_number,
        date=find_date(head, doc_number),
        status=status,  # type: ignore[arg-type]
        peak_year=find_peak_year(text),
    )
    return MetaResult(meta, parents, body_start)


def _region(title: str | None, head: str, units_hint: list[str], parents: list[Parent]) -> Region | None:
    """The plan's region: the division its title names (else its issuer), disambiguated by the
    plan's context (issuer lines, the parent plans it cites), or a development zone acting as a county."""
    g = gazetteer()
    context = head[:1500] + " " + " ".join(p.title for p in parents)
    d = g.locate(title, context=context) if title else None
    if d is None:
        issuer_zone = " ".join(re.findall(rf"[{CJK}]{{2,20}}?(?:人民政府|发改委|发展和改革委员会|管委会|管理委员会)", head[:1500]))
        d = g.locate(issuer_zone, context=context) if issuer_zone else None
    zone = _zone(title or "", d)
    if zone is not None:
        return zone
    if d is not None:
        parent = g.parent(d)
        current = g.current(d)
        return Region(name=d.name, level=d.level, adcode=current.adcode or None,  # type: ignore[arg-type]
                      parent=parent.name if parent else None)
    level = _level_from_units(units_hint)
    if level is None:
        return None
    return Region(name=None, level=level)  # type: ignore[arg-type]


def _zone(title: str, located: Division | None) -> Region | None:
    """某某经开区碳达峰实施方案: a zone the division list does not hold is a county-level region under
    the division located around it (重庆市 for 万盛经开区)."""
    m = ZONE_RE.search(title.split("碳达峰")[0])
    if not m or (located is not None and (located.kind == "zone" or located.level == "county"
                                          or located.name == m.group(1))):
        return None  # no zone, a zone the supplement knows, or a district named in the title
    name = m.group(1)
    if located is not None and name.startswith(located.name) and len(name) - len(located.name) >= 3:
        name = name[len(located.name):]  # 宁波市杭州湾新区 → 杭州湾新区 under 宁波市
    return Region(name=name, level="county", adcode=None, parent=located.name if located else None)


def _level_from_units(units: list[str]) -> str | None:
    counts = {"province": 0, "city": 0, "county": 0}
    for u in units:
        if u.startswith("省"):
            counts["province"] += 1
        elif u.startswith("市") and not u.startswith("市场"):
            counts["city"] += 1
        elif u.startswith(("县", "区")):
            counts["county"] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None
