"""The national 能效标杆水平 / 基准水平 table and the 分类处置 of a product line against it.

Rows come from ``data/benchmarks/energy_efficiency.csv`` (one per edition and product, each with its
document, unit, deadline and evidence, like the factor library). ``classify`` converts the design or
actual unit energy use to the row's unit with pint, then places it:

- ``benchmark``: at or better than 标杆 (lower is better for every row);
- ``upgrade``: between 标杆 and 基准 — 改造升级 towards 标杆 by the policy deadline;
- ``below_baseline``: worse than 基准 — 限期改造或淘汰 by the deadline;
and flags a 拟建 project worse than 标杆 at entry (准入: new capacity is to be built at 标杆).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

import pint

from tanfeng.accounting.factors import EVIDENCE_KINDS, EVIDENCE_ZH
from tanfeng.units import convert

LATEST_EDITION = "2023"
EDITIONS = ("2021", "2023")
CLASSES = ("benchmark", "upgrade", "below_baseline")
CLASS_ZH = {"benchmark": "达到标杆水平", "upgrade": "标杆与基准之间（改造升级）",
            "below_baseline": "低于基准水平（限期改造或淘汰）"}
CLASS_EN = {"benchmark": "at or better than the benchmark", "upgrade": "between benchmark and baseline (upgrade)",
            "below_baseline": "worse than the baseline (retrofit by the deadline or exit)"}
# English names of the products (the table's own names are Chinese)
PRODUCT_EN = {
    "cement_clinker": "Cement clinker", "blast_furnace_iron": "Blast furnace (ironmaking)",
    "converter_steel": "Converter (steelmaking)", "coke_top_charged": "Coke (top-charged ovens)",
    "coke_stamp_charged": "Coke (stamp-charged ovens)", "electrolytic_aluminium": "Electrolytic aluminium (AC power)",
    "copper_smelting": "Copper smelting (cathode copper)", "ethylene_naphtha": "Ethylene (naphtha feed)",
    "paraxylene": "Paraxylene", "ammonia_lump_anthracite": "Ammonia (lump anthracite)",
    "ammonia_natural_gas": "Ammonia (natural gas)", "calcium_carbide": "Calcium carbide",
    "caustic_soda_30": "Caustic soda (membrane, liquid ≥30%)", "soda_ash_ammonia_light": "Soda ash (ammonia-soda, light)",
    "yellow_phosphorus": "Yellow phosphorus",
}
# Unit words people write for unit energy use → the pint expression
UNIT_WORDS = {
    "kgce/t": "kgce/t", "千克标准煤/吨": "kgce/t", "kgce/吨": "kgce/t", "公斤标准煤/吨": "kgce/t",
    "tce/t": "tce/t", "吨标准煤/吨": "tce/t",
    "kwh/t": "kWh/t", "千瓦时/吨": "kWh/t", "度/吨": "kWh/t",
    "kgoe/t": "kgoe/t", "千克标准油/吨": "kgoe/t", "千克油当量/吨": "kgoe/t",
    "gce/kwh": "gce/kWh",
}


class BenchmarkError(ValueError):
    """A unit that cannot be compared with the row, or an unknown product or edition; ``zh``/``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Benchmark:
    edition: str
    document: str
    product: str
    product_zh: str
    industry_code: str
    metric_zh: str
    unit: str
    benchmark: float  # 标杆水平
    baseline: float  # 基准水平
    deadline: date | None
    verified: bool
    evidence: str  # official | copy | none (see accounting.factors.EVIDENCE_KINDS)
    evidence_ref: str
    note: str

    @property
    def evidence_zh(self) -> str:
        return EVIDENCE_ZH[self.evidence] + ("" if self.verified else "（未核实）")

    def cite(self) -> str:
        return f"{self.document}（{self.edition}年版）{self.product_zh}{self.metric_zh}"


@dataclass(frozen=True)
class Classification:
    row: Benchmark
    value: float  # in the row's unit
    value_written: float
    unit_written: str
    klass: str  # one of CLASSES
    entry_flag: bool  # a 拟建 project worse than 标杆 (准入)
    deadline: date | None  # by when an ``upgrade`` / ``below_baseline`` line must be retrofitted or exit

    @property
    def label_zh(self) -> str:
        return CLASS_ZH[self.klass]

    @property
    def label_en(self) -> str:
        return CLASS_EN[self.klass]

    def position(self) -> float:
        """Where the value sits: 0 at 标杆, 1 at 基准 (below 0 better, above 1 worse); for the chart."""
        span = self.row.baseline - self.row.benchmark
        return (self.value - self.row.benchmark) / span if span else 0.0


def _row(raw: dict[str, str], rowno: int) -> Benchmark:
    evidence = raw["evidence"].strip() or "none"
    if evidence not in EVIDENCE_KINDS:
        raise BenchmarkError(f"标杆表第{rowno}行依据类型“{evidence}”无效", f"benchmark table row {rowno}: evidence '{evidence}'")
    verified = raw["verified"].strip().lower() == "true"
    if verified and evidence != "official":
        raise BenchmarkError(f"标杆表第{rowno}行：已核实须有官方原文依据",
                             f"benchmark table row {rowno}: verified needs evidence=official")
    return Benchmark(raw["edition"].strip(), raw["document"].strip(), raw["product"].strip(), raw["product_zh"].strip(),
                     raw["industry_code"].strip(), raw["metric_zh"].strip(), raw["unit"].strip(),
                     float(raw["benchmark"]), float(raw["baseline"]),
                     date.fromisoformat(raw["deadline"]) if raw["deadline"].strip() else None, verified, evidence,
                     raw["evidence_ref"].strip(), raw["note"].strip())


@lru_cache(maxsize=1)
def table() -> tuple[Benchmark, ...]:
    """Every row of the shipped table."""
    text = resources.files("tanfeng").joinpath("data/benchmarks/energy_efficiency.csv").read_text("utf-8")
    rows = tuple(_row(raw, i) for i, raw in enumerate(csv.DictReader(text.splitlines()), start=2))
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if (r.edition, r.product) in seen:
            raise BenchmarkError(f"标杆表重复：{r.edition} {r.product}", f"benchmark table: duplicate {r.edition} {r.product}")
        seen.add((r.edition, r.product))
    return rows


def products() -> dict[str, str]:
    """product key → its Chinese name (latest edition's wording)."""
    out: dict[str, str] = {}
    for r in sorted(table(), key=lambda r: r.edition):
        out[r.product] = r.product_zh
    return out


def find_product(written: str) -> str | None:
    """The product key of a key or a Chinese name as written (水泥熟料 → cement_clinker)."""
    text = (written or "").strip()
    names = products()
    if text in names:
        return text
    exact = [k for k, zh in names.items() if zh == text]
    if exact:
        return exact[0]
    prefix = [k for k, zh in names.items() if zh.split("（")[0] == text]
    return prefix[0] if len(prefix) == 1 else None


def lookup(product: str, edition: str = LATEST_EDITION) -> Benchmark:
    """The row of ``product`` in ``edition``, else in the latest earlier edition that has it."""
    if edition not in EDITIONS:
        raise BenchmarkError(f"没有{edition}年版标杆表（可选 {'/'.join(EDITIONS)}）", f"no {edition} edition ({'/'.join(EDITIONS)})")
    candidates = [r for r in table() if r.product == product and r.edition <= edition]  # a few dozen rows
    if not candidates:
        raise BenchmarkError(f"标杆表中没有产品“{product}”", f"no benchmark row for product '{product}'")
    return max(candidates, key=lambda r: r.edition)


def unit_expression(unit: str) -> str:
    text = (unit or "").strip()
    return UNIT_WORDS.get(text.lower(), UNIT_WORDS.get(text, text))


def _kind(expr: str) -> str:
    low = expr.lower()
    return "electricity" if "wh" in low else "fuel"


def to_row_unit(value: float, unit: str, row: Benchmark) -> float:
    """``value`` in ``unit`` converted to the row's unit (kgce/t ↔ tce/t ↔ kgoe/t; kWh/t only to itself).

    Electricity (kWh) and coal or oil equivalents are not converted into each other: which coefficient
    applies (当量 or 等价) depends on the indicator, so the line must be reported in the row's kind of unit.
    """
    src, dst = unit_expression(unit), unit_expression(row.unit)
    if _kind(src) != _kind(dst):
        raise BenchmarkError(f"{row.product_zh}的{row.metric_zh}以{row.unit}计，不能由{unit}换算",
                             f"{row.product}: {row.metric_zh} is in {row.unit}; '{unit}' cannot be converted")
    try:
        return value * _factor(src, dst)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as err:
        raise BenchmarkError(f"单位“{unit}”无法换算为{row.unit}", f"unit '{unit}' cannot be converted to {row.unit}") from err


@lru_cache(maxsize=256)
def _factor(src: str, dst: str) -> float:
    """How many ``dst`` one ``src`` is (every unit here is a ratio scale: no offsets)."""
    return 1.0 if src == dst else convert(1.0, src, dst)


def classify(product: str, unit_energy: float, unit: str, edition: str = LATEST_EDITION, *,
             status: str | None = None) -> Classification:
    """The 分类处置 of one product line (``status`` proposed: the 准入 flag applies)."""
    row = lookup(product, edition)
    value = to_row_unit(unit_energy, unit, row)
    # compared after rounding away float noise of the conversion (99.99999 kgce/t is 100)
    v = round(value, 9)
    klass = "benchmark" if v <= row.benchmark else "upgrade" if v <= row.baseline else "below_baseline"
    return Classification(row, value, unit_energy, unit, klass, status == "proposed" and klass != "benchmark",
                          row.deadline if klass != "benchmark" else None)
