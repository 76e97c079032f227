"""Normalise plan text: traditional → simplified (OpenCC), injected pinyin, widths, punctuation noise,
spaces inside CJK runs and numbers, and PDF line breaks.

Everything downstream (outline, units, targets) works on the output of ``normalise``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")

# Pinyin syllable (tone marks folded): optional initial + final. Used to tell an injected
# annotation such as 發(fā) or 发【fā】 from a real parenthetical such as (GDP).
_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")
_SYLLABLE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:a|ai|an|ang|ao|e|ei|en|eng|er|i|ia|ian|iang|iao|ie|in|ing|iong|iu|o|ong|ou|u|ua|uai|uan|uang|ue|ui|un|uo|v|ve|n|ng|m)$"
)
_PINYIN = re.compile(
    rf"(?<=[{CJK}）)】])\s?[\(（【\[]\s*([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{{1,6}})[1-5]?\s*[\)）】\]]"
)
_ARTIFACTS = re.compile(r"\[(?:bookmark|anchor|footnote|comment)[^\]]*\]|\{\s*\\\w+[^}]*\}", re.I)
_PAGE_MARK = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$")
_HEADER_NOISE = re.compile(r"^\s*(?:SOURCE:\s*\S+|\[[^\]\n]{0,200}\])\s*$", re.I)

# Full-width ASCII letters and digits → ASCII; keep Chinese punctuation full-width.
_WIDTH: dict[int, int | str | None] = {i: i - 0xFEE0 for i in range(0xFF10, 0xFF1A)}
_WIDTH.update({i: i - 0xFEE0 for i in range(0xFF21, 0xFF3B)})
_WIDTH.update({i: i - 0xFEE0 for i in range(0xFF41, 0xFF5B)})
_WIDTH.update({ord("％"): "%", ord("．"): ".", ord("\u3000"): " ", ord("\xa0"): " ", ord("\u2002"): " ",
               ord("\u2003"): " ", ord("\u200b"): None, ord("\ufeff"): None, ord("\u200c"): None,
               ord("\u200d"): None, ord("〇"): "〇", ord("～"): "~", ord("／"): "/", ord("＋"): "+",
               ord("－"): "-", ord("＜"): "<", ord("＞"): ">", ord("＝"): "=",})

_PUNCT_MAP = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！"}
_ASCII_PUNCT = re.compile(rf"(?:(?<=[{CJK}%“”》）)])|(?<=\d)(?!\s*[,;:!]\d))\s*([,;:!])|([,;:!])(?=\s*[{CJK}“”《（])")
_SPACE_BETWEEN = re.compile(
    rf"(?<=[{CJK}\d%“”‘’《》（）〔〕【】、，。；：！？…—·])[ ]+(?=[{CJK}\d“”‘’《》（）〔〕【】、，。；：！？%…—·])"
)
_QMARK_NOISE = re.compile(rf"(?:(?<=[{CJK}\s?：:])\?+|\?+(?=[{CJK}\s?：:]))")
_PUNCT_RUN = re.compile(r"[，、。；,]{2,}")
_STRENGTH = {"。": 4, "；": 3, "，": 2, ",": 2, "、": 1}
_OUTLINE_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[、．.](?!\d)|[（(]\d{1,2}[）)]|第[一二三四五六七八九十]{1,3}[章节部分条])"
)
_TERMINAL = tuple("。！？；：…）」』”】;:!?")
_CONTINUATION_START = "“《（(0123456789，、。；：）》”,;:)%"


@dataclass(frozen=True)
class Normalised:
    text: str
    script: str  # simplified | traditional | mixed


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> tuple[str, str]:
    """Convert with OpenCC; return the text and the script it was written in."""
    out = _t2s().convert(text)
    changed = sum(1 for a, b in zip(text, out, strict=False) if a != b)
    cjk = len(_CJK_RE.findall(text)) or 1
    ratio = changed / cjk
    script = "traditional" if ratio > 0.05 else "mixed" if changed > 3 and ratio > 0.005 else "simplified"
    return out, script


def _strip_pinyin(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        syllable = m.group(1)
        if syllable.isupper() and len(syllable) > 1:
            return m.group(0)  # an acronym such as (GDP), not pinyin
        return "" if _SYLLABLE.match(syllable.lower().translate(_TONES)) else m.group(0)

    previous = None
    while previous != text:  # 面(mian)(mian): annotations can repeat
        previous = text
        text = _PINYIN.sub(repl, text)
    return text


def _collapse_punct(m: re.Match[str]) -> str:
    run = m.group(0)
    return max(run, key=lambda ch: _STRENGTH.get(ch, 0)).replace(",", "，")


def _fix_ascii_punct(line: str) -> str:
    def repl(m: re.Match[str]) -> str:
        ch = m.group(1) or m.group(2)
        return _PUNCT_MAP[ch]

    line = _ASCII_PUNCT.sub(repl, line)
    if _CJK_RE.search(line):
        line = re.sub(r"\(([^()\n]{0,80})\)", lambda m: _paren(m.group(1)), line)
    return line


def _paren(inner: str) -> str:
    if _CJK_RE.search(inner) or re.fullmatch(r"[一二三四五六七八九十\d]{1,3}", inner) or not inner:
        return f"（{inner}）"
    return f"({inner})"


def _split_inline_outline(line: str) -> list[str]:
    """Very long lines (a PDF flattened to one line) are split before outline markers."""
    if len(line) < 400:
        return [line]
    parts = re.split(r"\s+(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])\S)", line)
    return [p for p in parts if p]


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join lines broken inside a sentence (PDF/hard-wrapped copies)."""
    lengths = [len(x) for x in lines if len(x) >= 12]
    wrap = 0
    if len(lengths) >= 5:
        counts: dict[int, int] = {}
        for n in lengths:
            counts[n] = counts.get(n, 0) + 1
        mode = max(counts, key=lambda k: (counts[k], k))
        near = [x for x in lines if mode - 3 <= len(x) <= mode + 1]
        open_ended = sum(1 for x in near if not x.endswith(_TERMINAL))
        # A hard-wrapped text keeps most of its characters in full-width lines; a few short
        # headings of equal length (titles, dates, 一、主要目标) must not look like a wrap width.
        volume = sum(len(x) for x in near) >= 0.5 * sum(len(x) for x in lines)
        if len(near) >= max(6, 0.4 * len(lengths)) and open_ended >= 0.6 * len(near) and 15 <= mode < 120 and volume:
            wrap = mode
    out: list[str] = []
    prev_raw, prev_view = "", ""
    for line in lines:
        view = _strip_pinyin(line) if "(" in line or "（" in line or "【" in line else line
        if out and _continues(prev_view, view, wrap, len(prev_raw)):
            out[-1] += line
        else:
            out.append(line)
        prev_raw, prev_view = line, view
    return out


_TITLE_LINE = re.compile(r"^[^，。；,;]{4,60}(?:方案|规划|規劃|计划|計劃|意见|意見|办法|辦法|通知)(?:[（(][^）)]{1,20}[）)])?$")


def _continues(prev: str, line: str, wrap: int, prev_width: int) -> bool:
    """Whether physical line ``line`` continues ``prev`` (both seen without pinyin annotations);
    ``prev_width`` is the previous line's printed width, compared with the detected wrap width."""
    if not prev or not line or prev.endswith(_TERMINAL) or _OUTLINE_START.match(line):
        return False
    if "\t" in prev or "\t" in line:  # table rows
        return False
    if re.search(r"[(（【\[][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{0,6}$", prev):
        return True  # an annotation such as 碳(t|an) cut by the break
    if len(prev) >= 15 and (prev.count("(") > prev.count(")") or prev.count("（") > prev.count("）")):
        return True  # a bracket left open by the break
    if _TITLE_LINE.match(line) or _TITLE_LINE.match(prev):
        return False
    if not _CJK_RE.match(line[0]) and line[0] not in _CONTINUATION_START:
        return False
    if line[0] in "，、。；：）》”,;:)%":  # a line never starts with these: the break fell before them
        return True
    if wrap and prev_width >= wrap - 3:
        return True
    if _OUTLINE_START.match(prev) and len(prev) >= 8 and 0 <= line.find("。") <= 6:
        return True  # a heading's title cut just before its full stop: 3.加快绿色交通基础设施建|设。
    return len(prev) >= 40 and _CJK_RE.match(prev[-1]) is not None


def normalise(raw: str) -> Normalised:
    """Normalise a whole plan text; see the module docstring.

    Broken lines are re-joined first, on the raw text, so that a pinyin annotation, a bracket or a
    number split by a PDF line break is whole again before the character-level rules run.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_WIDTH)
    text = _ARTIFACTS.sub("", text)
    raw_lines: list[str] = []
    for raw_line in text.split("\n"):
        if _HEADER_NOISE.match(raw_line) or _PAGE_MARK.match(raw_line):
            continue
        raw_lines.extend(p.strip(" ") for p in _split_inline_outline(raw_line.rstrip()) if p.strip())
    text = "\n".join(_join_broken_lines(raw_lines))
    text = _strip_pinyin(text)
    text, script = to_simplified(text)
    lines: list[str] = []
    for line in text.split("\n"):
        line = _QMARK_NOISE.sub("", line)
        line = _fix_ascii_punct(line)
        line = _SPACE_BETWEEN.sub("", line)
        line = _SPACE_BETWEEN.sub("", line)  # overlapping runs such as "2 0 2 5"
        line = _PUNCT_RUN.sub(_collapse_punct, line).strip(" ")
        line = re.sub(r" *\t *", "\t", line)
        if line:
            lines.append(line)
    return Normalised("\n".join(lines), script)
