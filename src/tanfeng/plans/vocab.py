"""Vocabulary of target sentences: units, verbs, bounds, measure words and canonical indicator codes."""

from __future__ import annotations

import re

# Units as plans write them (longest first so 万千瓦时 wins over 万千瓦).
_BASE_UNITS = [
    "个百分点", "百分点", "%", "‰",
    "亿千瓦时", "万千瓦时", "千瓦时", "亿千瓦", "万千瓦", "千瓦", "兆瓦", "吉瓦", "GW", "MW", "kW",
    "亿吨标准煤", "万吨标准煤", "吨标准煤", "万吨标煤", "吨标煤", "千克标准煤", "千克标煤", "克标准煤", "克标煤",
    "亿吨二氧化碳当量", "万吨二氧化碳当量", "亿吨二氧化碳", "万吨二氧化碳", "吨二氧化碳",
    "亿吨", "万吨", "吨",
    "亿立方米", "万立方米", "立方米", "亿平方米", "万平方米", "平方米", "平方公里", "万公顷", "公顷", "万亩", "亩",
    "亿元", "万元", "公里", "千米", "万辆", "辆", "万户", "户", "万人", "万个", "个", "家", "座", "处", "项", "台",
    "套", "条", "所", "倍", "小时",
]
_PER = r"(?:/(?:千瓦时|kWh|万元|吨|平方米|人|户|公里|亩|立方米|年))?"
UNITS_RE = "(?:" + "|".join(re.escape(u) for u in sorted(_BASE_UNITS, key=len, reverse=True)) + ")" + _PER
QTY_RE = re.compile(rf"(?<![\d.])(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(?P<unit>{UNITS_RE})")

# verb → (change). The value after 下降到/提高到 … is a level, after 下降/提高 a change.
_DECREASE = ["下降", "降低", "减少", "削减", "压减", "压降", "缩减", "减排", "降"]
_INCREASE = ["提高", "提升", "增长", "增加", "扩大"]
_LEVEL = [
    "达到", "达", "超过", "突破", "保持在", "保持", "稳定在", "稳定", "维持在", "不低于", "不少于", "不高于", "不超过",
    "低于", "高于", "大于", "少于", "控制在", "控制到", "在", "为", "占", "累计达到", "累计完成", "完成", "实现",
]
_TO = ["到", "至"]
_VERBS = (
    [v + t for v in _DECREASE + _INCREASE for t in _TO] + ["降至", "降到", "增至"] + _LEVEL + _DECREASE + _INCREASE
)
_GAP = r"(?:分别|累计|均|年均|平均|力争|确保|争取|稳定|原则上|基本|进一步|总体|整体|约|近|超)*"
VERB_RE = re.compile(
    rf"(?P<verb>{'|'.join(sorted(set(_VERBS), key=len, reverse=True))})(?:[^，。；\d]{{1,16}}?的)?{_GAP}\s*$"
)
VERB_OBJECT_RE = re.compile(
    r"(?P<verb>累计建成|累计新增|累计完成|完成|新增|建成|减排|节约|形成|建设|新建|改造|推广|培育|创建|打造|淘汰|退出|种植|造林|营造|完成造林|植树|推广应用|争创|认定|培训)"
    r"(?P<object>[^，。；、\d]{1,20})$"
)
# A verb that creates or builds what it counts, directly before the count: 创建30个…试点城市.
CREATE_VERB_RE = re.compile(r"(?:创建|建成|建设|打造|培育|争创|新建|新增|累计建成|认定|评选|遴选)(?:[^，。；\d]{0,4})$")
ASSIGNED_RE = re.compile(
    r"(?:确保|力争)?(?:完成|达到|落实|实现|满足|符合)"
    r"(?:国家|省|市|县|区|州|自治区|上级|省市|省、市|国家和省|国家、省|省级|市级|国家、省、市)?[^，。；]{0,14}?"
    r"(?:下达|有关要求|要求|平均水平|考核|约束性(?:指标|目标))"
)
HISTORY_RE = re.compile(r"了|已经?|比上年|同比")
BOUND_AFTER = [("及以上", "min"), ("以上", "min"), ("以下", "max"), ("以内", "max"), ("左右", "about"), ("上下", "about")]
PERIOD_END = {"十一": 2010, "十二": 2015, "十三": 2020, "十四": 2025, "十五": 2030, "十六": 2035}
SCOPE_PREFIX_RE = re.compile(r"^(?:全(?:[省市县区州盟旗]|域|国|自治区)|本[省市县区]|我[省市县区])(?=.)")
MEASURE_WORDS = [
    "单位", "重点工程", "减排量", "排放总量", "排放", "总量", "比重", "占比", "比例", "强度", "消耗", "能耗", "产量",
    "利用率", "覆盖率", "普及率", "率", "用量", "容量", "装机", "规模", "面积", "数量", "指数", "浓度", "蓄积", "产值",
    "增加值", "收入", "消费", "权重", "盖度", "天数", "水平", "产能", "量",
]
_POWER_UNITS = {"千瓦", "万千瓦", "亿千瓦", "兆瓦", "吉瓦", "GW", "MW", "kW"}
_GDP = r"(?:单位|万元)(?:地区)?(?:生产总值|GDP|国内生产总值)(?:（GDP）)?"


def verb_meaning(verb: str) -> str:
    """decrease / increase / level for a verb as written."""
    if re.search(r"[到至]$", verb) or verb in ("降至", "降到", "增至"):
        return "level"
    if any(verb.startswith(v) for v in _DECREASE):
        return "decrease"
    if any(verb.startswith(v) for v in _INCREASE):
        return "increase"
    return "level"


def canonical_code(indicator: str, unit: str | None) -> str | None:
    """Canonical indicator code (contracts/plan-json.md) or None."""
    ind = indicator
    if "森林覆盖率" in ind:
        return "forest_coverage"
    if "蓄积" in ind and ("森林" in ind or "活立木" in ind or ind.startswith("蓄积")):
        return "forest_stock"
    if "非化石能源" in ind and re.search(r"消费|比重|占比", ind) and "发电" not in ind and unit in (None, "%"):
        return "non_fossil_share"
    gdp = re.search(_GDP, ind)
    if (gdp and re.search(r"二氧化碳|碳排放", ind[gdp.end():])) or re.fullmatch(r"(?:二氧化碳排放|碳排放)?强度|碳强度", ind):
        return "carbon_intensity" if unit in (None, "%") else None
    if (gdp and re.search(r"能耗|能源消耗", ind[gdp.end():])) or re.search(r"^(?:能耗|能源消耗)强度$", ind):
        return "energy_intensity" if unit in (None, "%") else None
    if unit in _POWER_UNITS and re.search(r"风电|光伏|风光|可再生能源|新能源|太阳能|水电|生物质|清洁能源|非化石能源", ind) \
            and re.search(r"装机|容量|规模", ind):
        return "renewable_capacity"
    return None
