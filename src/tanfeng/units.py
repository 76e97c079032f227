"""One pint registry for the whole project, with the Chinese units plans and statistics use.

Plans write units as Chinese words (万千瓦, 万吨标准煤, 万亩 …). ``to_pint`` maps such a
string to a pint expression so that e.g. 500 MW and 50 万千瓦 compare. Shared by the
tracker, the accounting engine and the projection.
"""

from __future__ import annotations

from functools import lru_cache

import pint

# Chinese unit words → pint expressions. Longest match first (see ``to_pint``).
CHINESE_UNITS: dict[str, str] = {
    "万吨标准煤": "10000 * tce",
    "千克标准煤": "kgce",
    "千克标准油": "kgoe",
    "千克油当量": "kgoe",
    "克标准煤": "gce",
    "吨标准煤": "tce",
    "万吨标煤": "10000 * tce",
    "吨标煤": "tce",
    "万吨二氧化碳当量": "10000 * t_CO2e",
    "吨二氧化碳当量": "t_CO2e",
    "万吨二氧化碳": "10000 * t_CO2",
    "吨二氧化碳": "t_CO2",
    "亿千瓦时": "1e8 * kWh",
    "万千瓦时": "10000 * kWh",
    "千瓦时": "kWh",
    "度": "kWh",
    "万千瓦": "10000 * kW",
    "千瓦": "kW",
    "兆瓦": "MW",
    "吉瓦": "GW",
    "万立方米": "10000 * m ** 3",
    "万吉焦": "10000 * GJ",
    "吉焦": "GJ",
    "万头": "10000 * head",
    "头": "head",
    "万只": "10000 * head",
    "只": "head",
    "亿立方米": "1e8 * m ** 3",
    "立方米": "m ** 3",
    "万平方米": "10000 * m ** 2",
    "平方米": "m ** 2",
    "平方公里": "km ** 2",
    "万公顷": "10000 * hectare",
    "公顷": "hectare",
    "万亩": "10000 * mu",
    "亩": "mu",
    "万吨": "10000 * t",
    "吨": "t",
    "千克": "kg",
    "公斤": "kg",
    "亿元": "1e8 * CNY",
    "万元": "10000 * CNY",
    "元": "CNY",
    "公里": "km",
    "千米": "km",
    "万辆": "10000 * vehicle",
    "辆": "vehicle",
    "万个": "10000 * item",
    "个": "item",
    "家": "item",
    "座": "item",
    "处": "item",
    "项": "item",
    "万人": "10000 * person",
    "人": "person",
    "%": "percent",
    "％": "percent",
    "个百分点": "percentage_point",
    "百分点": "percentage_point",
}

_DEFINITIONS = """
tce = 29.3076 * GJ = tonne_coal_equivalent
t_CO2 = [co2_mass] = tCO2
t_CO2e = t_CO2 = tCO2e
kg_CO2 = 0.001 * t_CO2 = kgCO2
person = [population]
mu = 666.6666666666666 * m ** 2
CNY = [currency] = yuan
vehicle = [count]
item = vehicle
percentage_point = [percentage_point]
kgce = 0.001 * tce
kgoe = 0.001 * toe
gce = 0.000001 * tce
head = [livestock]
"""


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The project's registry (created once)."""
    ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line.strip())
    return ureg


def to_pint(unit: str) -> str:
    """Translate a Chinese unit word (or a pint expression) to a pint expression."""
    unit = unit.strip()
    if unit in CHINESE_UNITS:
        return CHINESE_UNITS[unit]
    return unit


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from one unit to another; raises ``pint.DimensionalityError``."""
    ureg = registry()
    src = ureg.parse_expression(to_pint(from_unit))
    dst = ureg.parse_expression(to_pint(to_unit))
    return float((value * src).to(dst.units).magnitude / dst.magnitude)


def compatible(unit_a: str, unit_b: str) -> bool:
    """True when the two units measure the same dimension."""
    ureg = registry()
    try:
        a = ureg.parse_expression(to_pint(unit_a))
        b = ureg.parse_expression(to_pint(unit_b))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError):
        return False
    a_dim = getattr(a, "dimensionality", None)
    b_dim = getattr(b, "dimensionality", None)
    return a_dim == b_dim
