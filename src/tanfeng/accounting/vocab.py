"""Vocabulary of the inventory: sectors, fuels and categories with Chinese names and IPCC 2006 codes.

The structure follows the provincial inventory guideline (能源活动, 工业生产过程, 农业,
土地利用变化和林业, 废弃物处理); each entry carries its IPCC 2006 category code. Users write
Chinese names (or the English codes) in the workbook; ``lookup`` maps either to the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FuelKind(StrEnum):
    fossil = "fossil"
    electricity = "electricity"
    heat = "heat"
    biomass = "biomass"


@dataclass(frozen=True, slots=True)
class Term:
    """A vocabulary entry: code, Chinese name, English name, IPCC code and aliases."""

    code: str
    zh: str
    en: str
    ipcc: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fuel:
    code: str
    zh: str
    en: str
    kind: FuelKind
    base_unit: str  # pint expression every activity is converted to
    display_unit: str  # the unit the template suggests (Chinese)
    aliases: tuple[str, ...] = ()


_T = "t"
_GAS = "10000 * m ** 3"

FUELS: tuple[Fuel, ...] = (
    Fuel("raw_coal", "原煤", "raw coal", FuelKind.fossil, _T, "吨", ("煤炭", "煤")),
    Fuel("anthracite", "无烟煤", "anthracite", FuelKind.fossil, _T, "吨"),
    Fuel("bituminous", "烟煤", "bituminous coal", FuelKind.fossil, _T, "吨"),
    Fuel("lignite", "褐煤", "lignite", FuelKind.fossil, _T, "吨"),
    Fuel("washed_coal", "洗精煤", "washed coal", FuelKind.fossil, _T, "吨"),
    Fuel("coke", "焦炭", "coke", FuelKind.fossil, _T, "吨"),
    Fuel("crude_oil", "原油", "crude oil", FuelKind.fossil, _T, "吨"),
    Fuel("gasoline", "汽油", "gasoline", FuelKind.fossil, _T, "吨"),
    Fuel("kerosene", "煤油", "kerosene", FuelKind.fossil, _T, "吨"),
    Fuel("diesel", "柴油", "diesel", FuelKind.fossil, _T, "吨"),
    Fuel("fuel_oil", "燃料油", "fuel oil", FuelKind.fossil, _T, "吨"),
    Fuel("lpg", "液化石油气", "LPG", FuelKind.fossil, _T, "吨", ("LPG",)),
    Fuel("refinery_gas", "炼厂干气", "refinery dry gas", FuelKind.fossil, _T, "吨"),
    Fuel("natural_gas", "天然气", "natural gas", FuelKind.fossil, _GAS, "万立方米"),
    Fuel("coke_oven_gas", "焦炉煤气", "coke-oven gas", FuelKind.fossil, _GAS, "万立方米"),
    Fuel("electricity", "电力", "electricity", FuelKind.electricity, "kWh", "万千瓦时", ("电",)),
    Fuel("heat", "热力", "heat", FuelKind.heat, "GJ", "吉焦", ("热",)),
    Fuel("biogas", "沼气", "biogas", FuelKind.biomass, _GAS, "万立方米"),
    Fuel("biomass_briquette", "生物质成型燃料", "biomass briquettes", FuelKind.biomass, _T, "吨"),
    Fuel("biodiesel", "生物柴油", "biodiesel", FuelKind.biomass, _T, "吨"),
)

SECTORS: tuple[Term, ...] = (
    Term("energy_industries", "能源工业", "energy industries", "1.A.1",
         ("电力热力生产", "能源加工转换", "火力发电", "输配电损失")),
    Term("industry", "工业和建筑业", "manufacturing and construction", "1.A.2", ("工业", "建筑业")),
    Term("transport", "交通运输", "transport", "1.A.3", ("交通",)),
    Term("services", "服务业", "commercial and institutional", "1.A.4.a", ("第三产业", "商业")),
    Term("residential", "居民生活", "residential", "1.A.4.b", ("居民", "生活消费")),
    Term("agriculture", "农林牧渔业", "agriculture, forestry and fishing", "1.A.4.c", ("农业", "第一产业")),
    Term("other", "其他", "other", "1.A.5"),
)

USES: tuple[Term, ...] = (
    Term("fuel", "燃料", "fuel", aliases=("燃烧", "能源", "")),
    Term("feedstock", "原料", "feedstock (non-energy use)", aliases=("原料用能", "非能源利用")),
)

GENERATION: tuple[Term, ...] = (
    Term("hydro", "水电", "hydropower", aliases=("水力发电",)),
    Term("wind", "风电", "wind power", aliases=("风力发电",)),
    Term("solar", "光伏", "solar power", aliases=("太阳能发电", "光伏发电")),
    Term("biomass", "生物质发电", "biomass power", aliases=("生物质", "垃圾发电")),
    Term("nuclear", "核电", "nuclear power"),
    Term("thermal", "火电", "fossil thermal power", aliases=("火力发电", "煤电")),
)

PROCESSES: tuple[Term, ...] = (
    Term("cement_clinker", "水泥熟料", "cement clinker", "2.A.1", ("熟料", "水泥")),
    Term("lime", "石灰", "lime", "2.A.2"),
    Term("lime.high_calcium", "高钙石灰", "high-calcium lime", "2.A.2"),
    Term("lime.dolomitic", "白云石石灰", "dolomitic lime", "2.A.2"),
    Term("glass", "玻璃", "glass", "2.A.3", ("平板玻璃",)),
)

AGRICULTURE: tuple[Term, ...] = (
    Term("rice", "稻田", "rice cultivation", "3.C.7", ("水稻",)),
    Term("enteric", "肠道发酵", "enteric fermentation", "3.A.1", ("动物肠道发酵",)),
    Term("manure_ch4", "粪便管理甲烷", "manure management CH4", "3.A.2", ("粪便管理CH4",)),
    Term("manure_n2o", "粪便管理氧化亚氮", "manure management N2O", "3.A.2", ("粪便管理N2O",)),
    Term("fertiliser", "农用地氮肥", "synthetic fertiliser N2O", "3.C.4", ("化肥", "氮肥")),
)

AGRI_SUBTYPES: tuple[Term, ...] = (
    Term("single", "单季稻", "single rice"),
    Term("double_early", "双季早稻", "double-crop early rice", aliases=("早稻",)),
    Term("double_late", "双季晚稻", "double-crop late rice", aliases=("晚稻",)),
    Term("dairy_cattle.scaled", "奶牛（规模化）", "dairy cattle, large-scale"),
    Term("dairy_cattle.household", "奶牛（农户散养）", "dairy cattle, household"),
    Term("dairy_cattle.grazing", "奶牛（放牧）", "dairy cattle, grazing"),
    Term("non_dairy_cattle.scaled", "非奶牛（规模化）", "non-dairy cattle, large-scale", aliases=("肉牛（规模化）",)),
    Term("non_dairy_cattle.household", "非奶牛（农户散养）", "non-dairy cattle, household", aliases=("肉牛（农户散养）",)),
    Term("non_dairy_cattle.grazing", "非奶牛（放牧）", "non-dairy cattle, grazing", aliases=("肉牛（放牧）",)),
    Term("buffalo.scaled", "水牛（规模化）", "buffalo, large-scale"),
    Term("buffalo.household", "水牛（农户散养）", "buffalo, household"),
    Term("sheep.scaled", "绵羊（规模化）", "sheep, large-scale"),
    Term("sheep.household", "绵羊（农户散养）", "sheep, household"),
    Term("sheep.grazing", "绵羊（放牧）", "sheep, grazing"),
    Term("goat.scaled", "山羊（规模化）", "goats, large-scale"),
    Term("goat.household", "山羊（农户散养）", "goats, household"),
    Term("goat.grazing", "山羊（放牧）", "goats, grazing"),
    Term("pig", "猪", "pigs", aliases=("生猪",)),
    Term("horse", "马", "horses"),
    Term("donkey_mule", "驴/骡", "donkeys and mules", aliases=("驴", "骡")),
    Term("camel", "骆驼", "camels"),
    Term("synthetic_n", "化肥氮（折纯）", "synthetic N (pure N)", aliases=("氮肥（折纯）", "化肥氮")),
)

FOREST_TYPES: tuple[Term, ...] = (
    Term("chinese_fir", "杉木", "Chinese fir", "3.B.1.a", ("杉木林",)),
    Term("masson_pine", "马尾松", "Masson pine", "3.B.1.a", ("马尾松林",)),
)

WASTE: tuple[Term, ...] = (
    Term("landfill", "垃圾填埋", "solid waste disposal", "4.A", ("填埋",)),
    Term("incineration", "垃圾焚烧", "waste incineration", "4.C.1", ("焚烧",)),
    Term("wastewater_ch4", "废水甲烷", "wastewater CH4", "4.D", ("污水甲烷",)),
    Term("wastewater_n2o", "废水氧化亚氮", "wastewater N2O", "4.D.1", ("污水氧化亚氮",)),
)

WASTE_SUBTYPES: tuple[Term, ...] = (
    Term("landfill.managed", "管理型", "managed"),
    Term("landfill.deep", "非管理型（深）", "unmanaged, deep"),
    Term("landfill.shallow", "非管理型（浅）", "unmanaged, shallow"),
    Term("landfill.uncategorised", "未分类", "uncategorised"),
    Term("domestic", "生活污水", "domestic wastewater"),
    Term("industrial", "工业废水", "industrial wastewater"),
    Term("incineration", "生活垃圾", "municipal solid waste", aliases=("城市生活垃圾",)),
)

FUELS_BY_CODE: dict[str, Fuel] = {f.code: f for f in FUELS}


def _index(terms: tuple[Term, ...] | tuple[Fuel, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in terms:
        for key in (t.code, t.zh, t.en, *t.aliases):
            out[_norm(key)] = t.code
    return out


def _norm(text: str) -> str:
    return text.strip().replace("(", "（").replace(")", "）").replace(" ", "").lower()


_INDEXES: dict[str, dict[str, str]] = {}


def lookup(vocab: tuple[Term, ...] | tuple[Fuel, ...], text: str) -> str | None:
    """The code of ``text`` (code, Chinese name, English name or alias) in ``vocab``, or None."""
    key = str(id(vocab))
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = _index(vocab)
    return index.get(_norm(text))


def zh_name(vocab: tuple[Term, ...] | tuple[Fuel, ...], code: str) -> str:
    """The Chinese name of ``code`` (the code itself when unknown)."""
    for t in vocab:
        if t.code == code:
            return t.zh
    return code


def term(vocab: tuple[Term, ...], code: str) -> Term:
    """The entry for ``code``; raises KeyError when absent."""
    for t in vocab:
        if t.code == code:
            return t
    raise KeyError(code)
