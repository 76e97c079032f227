"""Administrative divisions from the cpca package's gazetteer (adcodes.csv), with level and parent.

We read cpca's data file directly (importlib.resources) instead of calling ``cpca.transform``:
that path imports pandas and pkg_resources, which costs ~0.5 s per process for a lookup that
is a dictionary scan here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_SUFFIXES = ("回族自治区", "壮族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_IGNORED = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Division:
    adcode: str
    name: str

    @property
    def level(self) -> str:
        """province (incl. the four municipalities and autonomous regions), city or county."""
        if self.adcode.endswith("0000"):
            return "province"
        if self.adcode.endswith("00"):
            return "city"
        return "county"


class Gazetteer:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        for code, name in rows:
            if name in _IGNORED:
                continue
            d = Division(code, name)
            self.by_code[code] = d
            for alias in _aliases(d):
                self.by_name.setdefault(alias, []).append(d)
        # Names by their first two characters (every name has at least two), longest first so
        # that 西青区 wins over a shorter name inside it; a dictionary scan is far faster than
        # one regex of 3,500 alternatives.
        self._by_prefix: dict[str, list[str]] = {}
        for n in sorted(self.by_name, key=len, reverse=True):
            self._by_prefix.setdefault(n[:2], []).append(n)

    def parent(self, d: Division) -> Division | None:
        """The division one level up (a county's city, or its province where the city is nominal)."""
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
        (and in ``context``); ``None`` when nothing is named or the name stays ambiguous."""
        found = self.find_all(text)
        if not found:
            return None
        codes = {d.adcode for _, _, cands in found for d in cands}
        if context:
            codes |= {d.adcode for _, _, cands in self.find_all(context) for d in cands}
        best: Division | None = None
        best_key: tuple[int, int, int] = (-1, -1, 0)
        for pos, written, cands in found:
            for d in cands:
                parent = self.parent(d)
                grand = self.parent(parent) if parent else None
                support = sum(1 for p in (parent, grand) if p is not None and p.adcode in codes)
                rank = {"province": 0, "city": 1, "county": 2}[d.level]
                # a short alias (江西) must not outrank an explicit full name
                key = (rank if len(written) >= 2 else -1, support, -pos)
                if key > best_key:
                    best, best_key = d, key
        if best is not None and best_key[1] == 0 and len(self.by_name.get(best.name, [])) > 1:
            return None  # e.g. 朝阳区 alone: two districts share the name
        return best


def _aliases(d: Division) -> set[str]:
    names = {d.name}
    if d.level in ("province", "city"):
        for suffix in _SUFFIXES:
            if d.name.endswith(suffix) and len(d.name) - len(suffix) >= 2:
                short = d.name[: -len(suffix)]
                if suffix.endswith("自治区"):
                    names.add(short + "自治区")
                break
    if d.name.endswith("自治州") and len(d.name) > 5:
        names.add(d.name[:2] + "州")
    return names


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer built from cpca's bundled adcodes.csv (loaded once)."""
    with resources.files("cpca").joinpath("resources/adcodes.csv").open("r", encoding="utf-8") as fh:
        rows = [(r["adcode"][:6], r["name"]) for r in csv.DictReader(fh)]
    return Gazetteer(rows)
