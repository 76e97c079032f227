"""What a reported value means (填报口径) and whether it is plausible: the checks every door applies.

The kind of a value follows from the indicator's data alone — its shape, unit and the change its
targets state — never from its name:

* ``cumulative`` — a compound target (较2020年累计下降13%): the value is the cumulative % change
  against the base year; it stays within ±100 % and its implied average yearly change is bounded.
* ``rate`` — a % change that is not cumulative (年均下降3%): within ±100 % and the yearly bound.
* ``share`` — any other percentage (森林覆盖率, 非化石能源消费比重): 0–100.
* ``count`` — a number of things (个, 座, 辆, 人: a unit counting items, without 万/亿): whole, ≥ 0.
* ``level`` — any other quantity; not negative when the unit is a physical one (万千瓦, 万吨).

A change against the same period a year earlier (同比) beyond ``EntryRules.jump_limit`` percent needs
an explanation note; for a cumulative value the change is measured on the underlying quantity
(intensity 95 → 55 is −42 %), not on the percentage itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pint

from tanfeng.formatting import format_number, format_quantity
from tanfeng.tracking.periods import Period
from tanfeng.tracking.trajectory import PERCENT_UNITS, Shape
from tanfeng.units import registry, to_pint

# Dimensions of things counted one by one (units.py: item/vehicle → [count], person, head).
_COUNT_DIMENSIONS = ("[count]", "[population]", "[livestock]")
# Measure words plans use for counted things that pint does not know.
_MEASURE_WORDS = frozenset("个家座处项台套条所户辆人头只艘株棵件栋批次")


class ValueKind(StrEnum):
    cumulative = "cumulative"
    rate = "rate"
    share = "share"
    counted = "count"  # (not ``count``: str.count)
    level = "level"


@dataclass(frozen=True)
class EntryRules:
    """Limits of the entry checks (``TANFENG_ENTRY_JUMP_PERCENT``, ``TANFENG_ENTRY_MAX_YEARLY_RATE``)."""

    jump_limit: float = 30.0  # % change against a year earlier that needs a note
    max_yearly_rate: float = 20.0  # % a year: no intensity falls or rises faster on average


@dataclass(frozen=True)
class Basis:
    """The 填报口径 of one indicator: what a unit reports for it."""

    kind: ValueKind
    unit: str | None
    baseline_year: int | None
    baseline_value: float | None
    reduction: bool = True  # cumulative / rate: a reduction (下降) or an increase (提高)
    physical: bool = False  # level: a physical quantity, never negative

    @property
    def cumulative(self) -> bool:
        return self.kind is ValueKind.cumulative


@dataclass(frozen=True)
class Problem:
    """One failed check; ``needs_note``: an explanation note would clear it."""

    code: str
    zh: str
    en: str
    needs_note: bool = False


def _is_percent(unit: str | None) -> bool:
    return unit is not None and unit.strip() in PERCENT_UNITS


def _quantity(unit: str) -> pint.Quantity | None:
    try:
        parsed = registry().parse_expression(to_pint(unit))
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError):
        return None
    return parsed if isinstance(parsed, pint.Quantity) else None


def is_count_unit(unit: str | None) -> bool:
    """个, 座, 辆, 人 … (one thing each); not 万辆 or 万人, which are counted in ten-thousands."""
    if not unit:
        return False
    text = unit.strip()
    if text in _MEASURE_WORDS:
        return True
    quantity = _quantity(text)
    if quantity is None or quantity.magnitude != 1:
        return False
    dims = str(quantity.dimensionality)
    return any(dims == d for d in _COUNT_DIMENSIONS)


def is_physical_unit(unit: str | None) -> bool:
    """A unit with a physical dimension (a capacity, a mass, an area), which no reported value makes negative."""
    if not unit or _is_percent(unit):
        return False
    quantity = _quantity(unit.strip())
    return quantity is not None and not quantity.dimensionless


def basis_of(shape: str, unit: str | None, changes: list[str | None], baseline_year: int | None,
             baseline_value: float | None) -> Basis:
    """The 口径 from an indicator's shape and unit and the changes its targets state."""
    reduction = "increase" not in changes
    if shape == Shape.compound.value:
        return Basis(ValueKind.cumulative, unit or "%", baseline_year, 0.0, reduction)
    if _is_percent(unit):
        if any(c in ("decrease", "increase") for c in changes):
            return Basis(ValueKind.rate, unit, baseline_year, baseline_value, reduction)
        return Basis(ValueKind.share, unit, baseline_year, baseline_value)
    if is_count_unit(unit):
        return Basis(ValueKind.counted, unit, baseline_year, baseline_value)
    return Basis(ValueKind.level, unit, baseline_year, baseline_value, physical=is_physical_unit(unit))


def basis_text(basis: Basis, lang: str = "zh") -> str:
    """One sentence: what is counted, in which unit, against which base (Chinese or English)."""
    unit = basis.unit or ""
    if basis.kind is ValueKind.cumulative:
        if lang == "en":
            verb = "reduction" if basis.reduction else "increase"
            return (f"Cumulative % {verb} against {basis.baseline_year} (base year = 0); "
                    f"enter 7.2 for a cumulative {verb} of 7.2 %")
        verb = "下降" if basis.reduction else "提高"
        return f"较{basis.baseline_year}年累计{verb}的百分比（基期年为0），如累计{verb}7.2%填7.2"
    if basis.kind is ValueKind.rate:
        if lang == "en":
            return f"% {'reduction' if basis.reduction else 'increase'} in the period (not cumulative)"
        return f"本期{'下降' if basis.reduction else '提高'}的百分比（当期，非累计）"
    if basis.kind is ValueKind.share:
        return "Share in % at the end of the period, 0–100" if lang == "en" else "期末占比（%），0—100之间"
    if basis.kind is ValueKind.counted:
        return (f"Number at the end of the period, a whole number of {unit}" if lang == "en"
                else f"期末数量，以{unit}计的整数")
    if lang == "en":
        return f"Level at the end of the period, in {unit}" if unit else "Level at the end of the period"
    return f"期末水平值，单位{unit}" if unit else "期末水平值"


def base_text(basis: Basis, lang: str = "zh") -> str | None:
    """The base year and value (None without a base year)."""
    if basis.baseline_year is None:
        return None
    if basis.cumulative:
        return f"{basis.baseline_year} (= 0)" if lang == "en" else f"{basis.baseline_year}年（=0）"
    value = format_quantity(basis.baseline_value, basis.unit) if basis.baseline_value is not None else None
    if lang == "en":
        return f"{basis.baseline_year}: {value}" if value else f"{basis.baseline_year} (no base value)"
    return f"{basis.baseline_year}年：{value}" if value else f"{basis.baseline_year}年（基期值未录入）"


def _n(value: float) -> str:
    return format_number(value)


def check_value(basis: Basis, value: float, period: Period, *, previous: tuple[str, float] | None,
                note: str | None, rules: EntryRules = EntryRules()) -> list[Problem]:
    """Every check ``value`` (in the indicator's unit) fails; ``previous``: (label, value) a year earlier."""
    problems = _bounds(basis, value, period, rules)
    if problems:
        return problems
    jump = _jump(basis, value, previous)
    if jump is not None and abs(jump) > rules.jump_limit and not (note or "").strip():
        label, before = previous or ("", 0.0)
        sign = "+" if jump > 0 else ""
        of_zh, of_en = ("（按指标本身计）", " (of the quantity itself)") if basis.cumulative else ("", "")
        problems.append(Problem(
            "jump", f"较上年同期（{label}：{_n(before)}）变化{sign}{_n(jump)}%{of_zh}，超过{_n(rules.jump_limit)}%，"
                    "请在备注中说明原因",
            f"changes {sign}{_n(jump)} %{of_en} against a year earlier ({label}: {_n(before)}), more than "
            f"{_n(rules.jump_limit)} %; explain it in the note", needs_note=True))
    return problems


def _bounds(basis: Basis, value: float, period: Period, rules: EntryRules) -> list[Problem]:
    kind, v = basis.kind, _n(value)
    if kind is ValueKind.share and not 0 <= value <= 100:
        return [Problem("share", f"占比应在0—100之间（填了{v}）", f"a share must be between 0 and 100 (got {v})")]
    if kind is ValueKind.counted:
        if value < 0:
            return [Problem("count", f"数量不能为负数（填了{v}）", f"a count cannot be negative (got {v})")]
        if not float(value).is_integer():
            return [Problem("count", f"以{basis.unit}计的数量应为整数（填了{v}）",
                            f"a count of {basis.unit} must be a whole number (got {v})")]
    if kind is ValueKind.level and basis.physical and value < 0:
        return [Problem("negative", f"该指标不能为负数（填了{v}）", f"this quantity cannot be negative (got {v})")]
    if kind in (ValueKind.cumulative, ValueKind.rate):
        if not -100 < value < 100:
            return [Problem("rate", f"变化率应在−100%与100%之间（填了{v}%）",
                            f"a rate of change must lie between −100 % and 100 % (got {v} %)")]
        years = period.as_year - basis.baseline_year if kind is ValueKind.cumulative and basis.baseline_year else 1.0
        if years > 0:
            yearly = _yearly(value, years, basis.reduction)
            if abs(yearly) > rules.max_yearly_rate:
                return [_implausible(basis, yearly, rules)]
    return []


def _implausible(basis: Basis, yearly: float, rules: EntryRules) -> Problem:
    falls = yearly > 0 if basis.reduction else yearly < 0
    verb, verb_en = ("下降", "reduction") if falls else ("提高", "increase")
    limit, rate = _n(rules.max_yearly_rate), _n(abs(yearly))
    if basis.kind is ValueKind.cumulative:
        return Problem("implausible_rate",
                       f"相当于{basis.baseline_year}年以来年均{verb}{rate}%，超出合理范围（年均不超过{limit}%），请核对填报口径",
                       f"that is an average yearly {verb_en} of {rate} % since {basis.baseline_year}, beyond the "
                       f"plausible {limit} % a year; check the basis")
    return Problem("implausible_rate", f"{verb}{rate}%超出合理范围（不超过{limit}%），请核对填报口径",
                   f"a {verb_en} of {rate} % is beyond the plausible {limit} %; check the basis")


def _yearly(cumulative: float, years: float, reduction: bool) -> float:
    """The average yearly % change that compounds to ``cumulative`` % over ``years``."""
    remaining = 1 - cumulative / 100 if reduction else 1 + cumulative / 100
    return 100 * (1 - remaining ** (1 / years)) * (1 if reduction else -1)


def _jump(basis: Basis, value: float, previous: tuple[str, float] | None) -> float | None:
    """% change against the previous value (of the underlying quantity for a cumulative value)."""
    if previous is None:
        return None
    before = previous[1]
    if basis.kind is ValueKind.cumulative:
        sign = -1 if basis.reduction else 1
        start, now = 1 + sign * before / 100, 1 + sign * value / 100
        return None if start <= 0 else 100 * (now / start - 1)
    if before == 0:
        return None
    return 100 * (value - before) / abs(before)
