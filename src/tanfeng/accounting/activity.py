"""Activity data of an inventory: the validated input model and its validation.

Readers (``tanfeng.accounting.readers``) turn a workbook or CSV into ``RawRecord`` rows;
``validate`` turns those into an ``InventoryInput`` or raises ``InventoryInputError`` listing
every problem (sheet, row, column, what is wrong) — nothing is computed from partial input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pint

from tanfeng.accounting import vocab
from tanfeng.accounting.factors import conversion
from tanfeng.accounting.sheets import ANNUAL_KEYS, META_KEYS, SHEETS_BY_NAME, YES_LABEL
from tanfeng.errors import TanfengError
from tanfeng.units import CHINESE_UNITS


@dataclass(frozen=True, slots=True)
class Problem:
    """One input error at a sheet/row/column."""

    sheet: str
    row: int | None
    column: str | None
    zh: str
    en: str

    def __str__(self) -> str:
        zh = f"{self.sheet}" + (f" 第{self.row}行" if self.row else "") + (f" {self.column}" if self.column else "")
        en = f"sheet {self.sheet}" + (f" row {self.row}" if self.row else "") + (
            f" column {self.column}" if self.column else "")
        return f"{zh}: {self.zh} / {en}: {self.en}"


class InventoryInputError(TanfengError):
    """The activity data has errors; ``problems`` lists each one."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        first = str(problems[0]) if problems else ""
        super().__init__(f"{source}: {len(problems)}处输入错误 / {len(problems)} input error(s); {first}")


@dataclass(slots=True)
class RawRecord:
    """One row as read: field → (text or number, column label for messages)."""

    sheet: str
    row: int
    cells: dict[str, tuple[object, str]]

    def text(self, name: str) -> str:
        value = self.cells.get(name, (None, ""))[0]
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def label(self, name: str) -> str:
        return self.cells.get(name, (None, name))[1]


@dataclass(frozen=True, slots=True)
class ActivityRow:
    sheet: str
    row: int
    section: str
    category: str  # sector / generation type / product / agri or waste category / forest type
    item: str  # fuel (energy) or subtype (agriculture, waste); "" otherwise
    year: int
    amount: float  # in ``base_unit``
    base_unit: str
    entered: str  # amount and unit as entered
    use: str = "fuel"
    growth_rate: float | None = None  # forest: fraction per year
    harvest: float | None = None  # forest: m³ per year
    note: str = ""


@dataclass(slots=True)
class AnnualData:
    gdp: float | None = None  # 亿元 at constant prices
    coal_rate: float | None = None  # kgce per kWh
    import_nonfossil_share: float | None = None  # fraction


@dataclass(slots=True)
class InventoryInput:
    source: str
    sha256: str = ""
    region: str = ""
    province: str = ""
    base_year: int | None = None
    price_base_year: int | None = None
    grid_region: str = "全国"
    grid_factor_year: int | None = None
    agri_zone: str = ""
    label: str = ""
    reporter: str = ""
    rows: list[ActivityRow] = field(default_factory=list)
    annual: dict[int, AnnualData] = field(default_factory=dict)

    @property
    def is_example(self) -> bool:
        return YES_LABEL in self.label

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows})


def pint_unit(text: str) -> str:
    """A pint expression for a unit as office staff write it (Chinese words, ``a/b`` compounds)."""
    text = text.strip().replace("／", "/")
    if text in CHINESE_UNITS:
        return CHINESE_UNITS[text]
    if "/" in text:
        num, _, den = text.partition("/")
        return f"({pint_unit(num) or '1'}) / ({pint_unit(den)})"
    return {"立方米": "m ** 3", "公顷": "hectare"}.get(text, text)


def to_base(amount: float, unit: str, base: str) -> float:
    """``amount`` in ``unit`` expressed in ``base``; raises ValueError when it cannot convert."""
    try:
        return amount * conversion(pint_unit(unit), base)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError) as err:
        raise ValueError(str(err)) from err


# Base unit of the activity for each (section, category); None = depends on the row (fuel).
def base_unit(section: str, category: str) -> str:
    if section == "generation":
        return "kWh"
    if section == "process":
        return "t"
    if section == "forest":
        return "m ** 3"
    if section == "agriculture":
        return {"rice": "hectare", "fertiliser": "t"}.get(category, "head")
    return "t"  # waste: t of waste, of BOD/COD, or of protein


_VOCABS: dict[str, tuple[tuple[vocab.Term, ...], tuple[vocab.Term, ...] | None]] = {
    "generation": (vocab.GENERATION, None),
    "process": (vocab.PROCESSES, None),
    "agriculture": (vocab.AGRICULTURE, vocab.AGRI_SUBTYPES),
    "forest": (vocab.FOREST_TYPES, None),
    "waste": (vocab.WASTE, vocab.WASTE_SUBTYPES),
}


_RICE = {"single", "double_early", "double_late"}


def subtype_fits(category: str, item: str) -> bool:
    """Whether a subtype belongs to a category (e.g. 双季早稻 to 稻田, 管理型 to 垃圾填埋)."""
    if category == "rice":
        return item in _RICE
    if category == "fertiliser":
        return item == "synthetic_n"
    if category in {"enteric", "manure_ch4", "manure_n2o"}:
        return item not in _RICE and item != "synthetic_n"
    if category == "landfill":
        return item.startswith("landfill.")
    if category == "incineration":
        return item == "incineration"
    if category == "wastewater_ch4":
        return item in {"domestic", "industrial"}
    if category == "wastewater_n2o":
        return item == "domestic"
    return True


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, rec: RawRecord, col: str | None, zh: str, en: str) -> None:
        self.problems.append(Problem(rec.sheet, rec.row, rec.label(col) if col else None, zh, en))


# No county's activity data comes near (1e15 t of coal is 10^5 × the world's yearly use); NaN, inf and
# 1e308 would turn every total into nan/inf.
MAX_AMOUNT = 1e15


def _number(rec: RawRecord, name: str, out: _Collector, required: bool = True) -> float | None:
    raw = rec.cells.get(name, (None, ""))[0]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            out.add(rec, name, "数值为空", "value is empty")
        return None
    try:
        value = float(str(raw).replace(",", "").strip()) if not isinstance(raw, int | float) else float(raw)
    except ValueError:
        out.add(rec, name, f"不是数字“{raw}”", f"not a number '{raw}'")
        return None
    if not math.isfinite(value) or value > MAX_AMOUNT:
        out.add(rec, name, f"数值超出合理范围（{raw}）", f"value out of range ('{raw}')")
        return None
    if value < 0:
        out.add(rec, name, f"不能为负数（{value:g}）", f"must not be negative ({value:g})")
        return None
    return value


def _year(rec: RawRecord, out: _Collector) -> int | None:
    value = _number(rec, "year", out)
    if value is None:
        return None
    if not value.is_integer() or not 1900 <= value <= 2100:
        out.add(rec, "year", f"年份无效“{rec.text('year')}”", f"invalid year '{rec.text('year')}'")
        return None
    return int(value)


def _amount(rec: RawRecord, base: str, out: _Collector) -> tuple[float, str] | None:
    value = _number(rec, "amount", out)
    unit = rec.text("unit")
    if not unit:
        out.add(rec, "unit", "单位为空", "unit is empty")
        return None
    if value is None:
        return None
    try:
        return to_base(value, unit, base), f"{value:g} {unit}"
    except ValueError:
        out.add(rec, "unit", f"单位“{unit}”无法换算为 {base}", f"unit '{unit}' does not convert to {base}")
        return None


def _energy_row(rec: RawRecord, year: int, out: _Collector) -> ActivityRow | None:
    sector = vocab.lookup(vocab.SECTORS, rec.text("key"))
    fuel_code = vocab.lookup(vocab.FUELS, rec.text("sub"))
    use = vocab.lookup(vocab.USES, rec.text("use"))
    if sector is None:
        out.add(rec, "key", f"未知部门“{rec.text('key')}”", f"unknown sector '{rec.text('key')}'")
    if fuel_code is None:
        out.add(rec, "sub", f"未知能源品种“{rec.text('sub')}”", f"unknown fuel '{rec.text('sub')}'")
    if use is None:
        out.add(rec, "use", f"用途应为“燃料”或“原料”，而非“{rec.text('use')}”",
                f"use must be 燃料 (fuel) or 原料 (feedstock), not '{rec.text('use')}'")
    if fuel_code is None:
        return None
    fuel = vocab.FUELS_BY_CODE[fuel_code]
    amt = _amount(rec, fuel.base_unit, out)
    if sector is None or use is None or amt is None:
        return None
    if use == "feedstock" and fuel.kind is not vocab.FuelKind.fossil:
        out.add(rec, "use", "只有化石能源可标为原料", "only fossil fuels can be feedstock")
        return None
    return ActivityRow(rec.sheet, rec.row, "energy", sector, fuel_code, year, amt[0], fuel.base_unit, amt[1],
                       use=use, note=rec.text("note"))


def _other_row(rec: RawRecord, section: str, year: int, out: _Collector) -> ActivityRow | None:
    cats, subs = _VOCABS[section]
    category = vocab.lookup(cats, rec.text("key"))
    if category is None:
        if section != "process" or not rec.text("key"):
            out.add(rec, "key", f"未知类别“{rec.text('key')}”", f"unknown category '{rec.text('key')}'")
            return None
        category = rec.text("key")  # another product: needs a process_co2_ef factor of that name
    item = ""
    if subs is not None:
        item = vocab.lookup(subs, rec.text("sub")) or ""
        if not item:
            out.add(rec, "sub", f"未知子类“{rec.text('sub')}”", f"unknown subtype '{rec.text('sub')}'")
        elif not subtype_fits(category, item):
            out.add(rec, "sub", f"子类“{rec.text('sub')}”不属于类别“{rec.text('key')}”",
                    f"subtype '{rec.text('sub')}' does not belong to category '{rec.text('key')}'")
            item = ""
    base = base_unit(section, category)
    amt = _amount(rec, base, out)
    growth = harvest = None
    if section == "forest":
        growth = _number(rec, "growth", out)
        harvest = _number(rec, "harvest", out, required=False) or 0.0
    if amt is None or (subs is not None and not item) or (section == "forest" and growth is None):
        return None
    return ActivityRow(rec.sheet, rec.row, section, category, item, year, amt[0], base, amt[1],
                       growth_rate=None if growth is None else growth / 100.0, harvest=harvest, note=rec.text("note"))


def _meta(rec: RawRecord, inp: InventoryInput, out: _Collector) -> None:
    names = {zh: key for key, zh, _ in META_KEYS}
    key = names.get(rec.text("key"))
    if key is None:
        if rec.text("key"):
            out.add(rec, "key", f"未知项目“{rec.text('key')}”", f"unknown item '{rec.text('key')}'")
        return
    value = rec.text("sub")
    if key in {"base_year", "price_base_year", "grid_factor_year"}:
        if not value:
            return
        if not value.isdigit() or not 1900 <= int(value) <= 2100:
            out.add(rec, "sub", f"年份无效“{value}”", f"invalid year '{value}'")
            return
        setattr(inp, key, int(value))
    else:
        setattr(inp, key, value or getattr(inp, key))


def _annual(rec: RawRecord, inp: InventoryInput, out: _Collector) -> None:
    spec = {zh: (name, canon) for name, zh, _, canon in ANNUAL_KEYS}.get(rec.text("key"))
    if spec is None:
        out.add(rec, "key", f"未知指标“{rec.text('key')}”", f"unknown indicator '{rec.text('key')}'")
        return
    year = _year(rec, out)
    amt = _amount(rec, spec[1], out)
    if year is None or amt is None:
        return
    setattr(inp.annual.setdefault(year, AnnualData()), spec[0], amt[0])


def validate(records: list[RawRecord], source: str) -> InventoryInput:
    """Validate raw rows into an ``InventoryInput``; raise ``InventoryInputError`` with every problem."""
    out = _Collector()
    inp = InventoryInput(source=source)
    for rec in records:
        spec = SHEETS_BY_NAME.get(rec.sheet)
        if spec is None:
            out.problems.append(Problem(rec.sheet, rec.row, None, "未知的表", "unknown sheet"))
            continue
        if spec.section == "meta":
            _meta(rec, inp, out)
        elif spec.section == "annual":
            _annual(rec, inp, out)
        else:
            year = _year(rec, out)
            row = _energy_row(rec, year or 0, out) if spec.section == "energy" else _other_row(
                rec, spec.section, year or 0, out)
            if row is not None and year is not None:
                inp.rows.append(row)
    _check_whole(inp, out)
    if out.problems:
        raise InventoryInputError(source, out.problems)
    return inp


def _check_whole(inp: InventoryInput, out: _Collector) -> None:
    """Checks that need the whole input: base year, GDP and coal rate for every year."""
    if not inp.rows and not out.problems:
        out.problems.append(Problem("能源消费", None, None, "没有任何活动水平数据", "no activity data"))
        return
    if inp.base_year is None:
        out.problems.append(Problem("基本信息", None, "基准年", "未填写基准年", "base year missing"))
    elif inp.rows and inp.base_year not in inp.years:
        out.problems.append(Problem("能源消费", None, "年份", f"基准年{inp.base_year}没有活动水平数据",
                                    f"no activity data for the base year {inp.base_year}"))
    for year in inp.years:
        data = inp.annual.get(year, AnnualData())
        for name, zh, _, _ in ANNUAL_KEYS[:2]:
            if getattr(data, name) is None:
                out.problems.append(Problem("年度数据", None, "指标", f"缺少{year}年“{zh}”",
                                            f"missing '{zh}' for {year}"))
