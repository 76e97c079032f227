"""Targets phrased in ways the development plans do not use (issue 17); inputs written for the tests."""

from __future__ import annotations

from tanfeng.plans import read_text


def _rows(text: str) -> list[tuple[str, int | None, float | None, str | None]]:
    return [(t.indicator, t.year, t.value, t.unit) for t in read_text(text).targets if t.code != "carbon_peak"]


def test_bare_year_opening_a_sentence_is_a_deadline_in_a_short_plan() -> None:
    text = ("湖北省2024—2025年节能降碳工作方案\n一、主要目标\n"
            "2024年，全省单位地区生产总值能源消耗降低2.5%左右，非化石能源消费比重达到21%左右。\n"
            "2025年，全省非化石能源消费比重达到22%左右。\n")
    rows = _rows(text)
    assert ("单位地区生产总值能源消耗", 2024, 2.5, "%") in rows
    assert ("非化石能源消费比重", 2024, 21, "%") in rows and ("非化石能源消费比重", 2025, 22, "%") in rows


def test_bare_year_before_the_plan_is_history() -> None:
    text = ("某市人民政府关于印发某市节能降碳方案的通知\n某市人民政府\n2024年3月1日\n某市节能降碳方案\n"
            "2022年，全市单位地区生产总值能源消耗下降3.2%。\n到2025年，全市非化石能源消费比重达到20%。\n")
    rows = _rows(text)
    assert rows == [("非化石能源消费比重", 2025, 20, "%")]


def test_range_opening_a_sentence_gives_its_end_year() -> None:
    text = ("某省节能降碳行动方案（2024—2025年）\n一、目标\n2024—2025年，全省节能降碳改造形成节能量约300万吨标准煤。\n")
    assert _rows(text) == [("节能降碳改造形成节能量", 2025, 300, "万吨标准煤")]


def test_year_stays_in_force_across_a_broken_paragraph() -> None:
    text = ("某县碳达峰实施方案\n为贯彻落实国家和省的部署，制定本方案。\n"
            "到2030年，全县非化石能源消费比重达到30%，\n"
            "单位地区生产总值二氧化碳排放比2005年下降65%以上。\n"
            "全县森林覆盖率保持在70%以上。\n")
    rows = _rows(text)
    assert ("单位地区生产总值二氧化碳排放", 2030, 65, "%") in rows
    # a paragraph after a full stop, outside any goals section, starts without a year
    assert all(r[0] != "森林覆盖率" for r in rows)


def test_national_style_pairs_with_respectively_and_about() -> None:
    text = ("2024—2025年节能降碳行动方案\n一、主要目标\n2024年，单位国内生产总值能源消耗和二氧化碳排放分别降低2.5%左右、"
            "3.9%左右，重点领域节能降碳改造形成节能量约5000万吨标准煤、减排二氧化碳约1.3亿吨。\n"
            "2025年，尽最大努力完成“十四五”能耗强度降低约束性指标。\n")
    plan = read_text(text)
    by = {t.indicator: t for t in plan.targets}
    assert by["单位国内生产总值二氧化碳排放"].code == "carbon_intensity"
    assert (by["单位国内生产总值二氧化碳排放"].value, by["单位国内生产总值二氧化碳排放"].bound) == (3.9, "about")
    assert (by["减排二氧化碳"].value, by["减排二氧化碳"].unit) == (1.3, "亿吨")
    assert by["能耗强度"].assigned and by["能耗强度"].year == 2025


def test_count_before_its_object() -> None:
    text = ("某省碳达峰实施方案\n一、主要目标\n到2030年，争取创建20个各具特色、梯次推进的近零碳示范园区。\n")
    assert _rows(text) == [("近零碳示范园区", 2030, 20, "个")]


def test_measure_noun_with_its_figure_under_a_label() -> None:
    text = ("某县碳达峰实施方案\n一、重点项目\n风电项目：到2025年，建成某县风电场二期，总装机12.5万千瓦。\n")
    assert _rows(text) == [("风电项目总装机", 2025, 12.5, "万千瓦")]


def test_subject_before_a_verb_object_is_kept() -> None:
    text = "某市碳达峰实施方案\n一、主要目标\n到2025年，可再生能源新增装机80万千瓦以上。\n"
    plan = read_text(text)
    assert [(t.indicator, t.code) for t in plan.targets] == [("可再生能源新增装机", "renewable_capacity")]


def test_second_target_after_a_bound_word_and_enumeration_comma() -> None:
    text = ("某县碳达峰实施方案\n一、主要目标\n到2025年，城镇生活垃圾分类覆盖率达到90%以上、资源化利用率达到60%左右。\n")
    assert [r[0] for r in _rows(text)] == ["城镇生活垃圾分类覆盖率", "资源化利用率"]


def test_a_five_year_period_that_ended_before_the_plan_is_history() -> None:
    text = ("某市“十四五”节能减排综合工作方案\n一、主要目标\n“十三五”期间，全市单位地区生产总值能耗累计下降18.5%，"
            "超额完成省下达目标。\n到2025年，全市单位地区生产总值能耗比2020年下降14%。\n")
    assert _rows(text) == [("单位地区生产总值能耗", 2025, 14, "%")]
