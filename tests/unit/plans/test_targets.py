from __future__ import annotations

from tanfeng.plans import Target, read_text

HEAD = "某某县碳达峰实施方案\n为深入贯彻落实碳达峰碳中和决策部署，制定本方案。\n一、主要目标\n"


def _targets(body: str, head: str = HEAD) -> list[Target]:
    return [t for t in read_text(head + body).targets if t.code != "carbon_peak"]


def test_headline_target_with_baseline_stretch_and_code() -> None:
    (t,) = _targets("到2025年，单位地区生产总值能源消耗较2020年下降13%，力争达到13.5%。")
    assert (t.code, t.change, t.value, t.unit, t.stretch_value, t.year, t.baseline_year) == (
        "energy_intensity", "decrease", 13, "%", 13.5, 2025, 2020)
    assert t.sentence.startswith("到2025年") and not t.assigned


def test_respectively_list_gives_one_target_per_item_with_shared_suffix() -> None:
    a, b = _targets("到2030年，营运车辆、船舶单位换算周转量碳排放强度比2020年分别下降10%、5%。")
    assert a.indicator == "营运车辆单位换算周转量碳排放强度"
    assert b.indicator == "船舶单位换算周转量碳排放强度"
    assert (a.value, b.value, a.baseline_year, b.baseline_year) == (10, 5, 2020, 2020)
    assert a.code is None  # a sector intensity is not the regional carbon intensity


def test_respectively_list_shares_a_gdp_prefix() -> None:
    e, c = _targets("到2025年，单位地区生产总值能源消耗、二氧化碳排放分别比2020年下降14.5%、20.5%。")
    assert (e.code, e.value) == ("energy_intensity", 14.5)
    assert (c.code, c.value, c.indicator) == ("carbon_intensity", 20.5, "单位地区生产总值二氧化碳排放")


def test_pollutant_list_with_units() -> None:
    ts = _targets("到2025年，化学需氧量、氨氮、氮氧化物重点工程减排量分别达到7.14万吨、0.2万吨、5.02万吨。")
    assert [(t.indicator, t.value, t.unit) for t in ts] == [
        ("化学需氧量重点工程减排量", 7.14, "万吨"), ("氨氮重点工程减排量", 0.2, "万吨"), ("氮氧化物重点工程减排量", 5.02, "万吨")]


def test_year_carries_forward_inside_a_paragraph_and_changes_with_a_new_year() -> None:
    ts = _targets("到2025年，秸秆综合利用率达到95%，主要再生资源循环利用量达到11.85万吨，到2030年达到13.5万吨。")
    assert [(t.year, t.value, t.unit) for t in ts] == [(2025, 95, "%"), (2025, 11.85, "万吨"), (2030, 13.5, "万吨")]
    assert ts[2].indicator == ts[1].indicator


def test_bounds_and_commitments() -> None:
    a, b, c, d = _targets("到2025年，风电、光伏发电装机容量力争达到50万千瓦以上，非化石能源消费比重确保达到20%左右，"
                          "煤炭消费比重控制在60%以内，森林覆盖率不低于81.8%。")
    assert (a.code, a.bound, a.commitment) == ("renewable_capacity", "min", "strive")
    assert (b.code, b.bound, b.commitment) == ("non_fossil_share", "about", "ensure")
    assert (c.bound, d.bound, d.code) == ("max", "min", "forest_coverage")


def test_assigned_target_defers_to_a_quota_and_splits_on_he() -> None:
    ts = _targets("到2025年，单位地区生产总值能源消耗和单位地区生产总值二氧化碳排放确保完成国家下达指标。")
    assert [(t.code, t.assigned, t.value, t.year) for t in ts] == [
        ("energy_intensity", True, None, 2025), ("carbon_intensity", True, None, 2025)]


def test_assigned_target_to_a_higher_level_average() -> None:
    (t,) = _targets("到2025年，非化石能源消费比重达到自治区平均水平。")
    assert t.assigned and t.code == "non_fossil_share"


def test_five_year_period_names_the_year_and_history_is_not_a_target() -> None:
    ts = _targets("“十四五”期间，森林蓄积量达到5300万立方米。\n“十三五”期间，单位生产总值能耗下降了18%。",
                  head="某某省碳达峰实施方案\n某某省人民政府\n2022年12月18日\n一、主要目标\n")
    assert [(t.code, t.value, t.year) for t in ts] == [("forest_stock", 5300, 2025)]


def test_year_carries_across_paragraphs_of_the_goals_section_only() -> None:
    body = "到2025年，非化石能源消费比重达到25%。\n清洁能源装机占比达到50%。\n二、重点任务\n（一）加强建设。新建通道比例不低于50%。\n"
    ts = _targets(body)
    assert [(t.value, t.year) for t in ts] == [(25, 2025), (50, 2025)]


def test_plan_period_gives_its_end_year_to_yearless_goals() -> None:
    ts = read_text("重庆市能源发展“十四五”规划（2021—2025年）\n火电平均供电煤耗控制在300克标煤/千瓦时以下。").targets
    assert [(t.value, t.unit, t.year, t.bound) for t in ts] == [(300, "克标煤/千瓦时", 2025, "max")]


def test_garbled_percentages_and_historic_years_are_not_targets() -> None:
    ts = _targets("到2025年单位地区生产总值能源消耗较2020年下降145%。\n"
                  "2021年全市万元地区生产总值二氧化碳排放量较2012年累计下降48%。")
    assert ts == []


def test_same_target_stated_twice_is_reported_once_with_richer_fields() -> None:
    text = ("近日，某某市人民政府印发《某某市碳达峰实施方案》，要求到2025年，单位地区生产总值能耗下降14%。\n"
            "某某市碳达峰实施方案\n一、主要目标\n到2025年，单位地区生产总值能源消耗较2020年下降14%。")
    ts = [t for t in read_text(text).targets if t.code == "energy_intensity"]
    assert len(ts) == 1 and ts[0].baseline_year == 2020


def test_peak_commitment_is_a_target_and_sets_the_peak_year() -> None:
    plan = read_text(HEAD + "到2030年，单位地区生产总值二氧化碳排放比2005年下降65%以上，确保2030年前实现碳达峰。")
    assert plan.meta.peak_year == 2030
    peak = [t for t in plan.targets if t.code == "carbon_peak"]
    assert len(peak) == 1 and peak[0].value is None and peak[0].year == 2030 and peak[0].commitment == "ensure"


def test_number_after_the_object() -> None:
    (t,) = _targets("到2025年，累计建成高标准农田12.11万亩。")
    assert "高标准农田" in t.indicator and (t.value, t.unit) == (12.11, "万亩")


def test_targets_are_attached_to_their_task() -> None:
    text = ("某某县碳达峰实施方案\n一、重点任务\n（一）能源绿色低碳转型行动\n"
            "1.大力发展可再生能源。到2025年，光伏发电装机容量达到50万千瓦。（责任单位：县发改委、住建局）\n")
    plan = read_text(text)
    (task,) = plan.tasks
    (target,) = plan.targets
    assert target.task_id == task.id and task.target_ids == [target.id]


def test_stretch_in_brackets_after_a_bound() -> None:
    (t,) = _targets("到2025年，全区单位GDP能耗较2020年下降14%以上（力争下降15%）。")
    assert (t.code, t.value, t.bound, t.stretch_value, t.baseline_year) == ("energy_intensity", 14, "min", 15, 2020)


def test_share_of_a_whole_and_verb_object_with_wan_units() -> None:
    a, b = _targets("到2025年，新能源汽车新车销售量达到汽车新车销售总量的60%左右，完成既有建筑节能改造面积50万平方米。")
    assert (a.indicator, a.value, a.bound) == ("新能源汽车新车销售量", 60, "about")
    assert "既有建筑节能改造面积" in b.indicator and (b.value, b.unit) == (50, "万平方米")


def test_plan_without_responsibility_annotations_takes_items_under_task_sections() -> None:
    plan = read_text("某某省碳达峰实施方案\n二、重点任务\n（一）推进能源结构优化\n1.大力发展可再生能源。加快开发。\n"
                     "2.合理控制煤炭消费。严控煤电。\n（二）推动产业绿色转型\n1.推动工业绿色发展。实施工程。\n三、保障措施\n（一）加强组织领导。\n")
    assert [a.name for a in plan.actions] == ["推进能源结构优化", "推动产业绿色转型"]
    assert [(t.id, t.title, t.lead) for t in plan.tasks] == [
        ("A1.1", "大力发展可再生能源", None), ("A1.2", "合理控制煤炭消费", None), ("A2.1", "推动工业绿色发展", None)]


def test_second_figure_in_a_clause_has_its_own_indicator_or_is_a_stretch() -> None:
    e, n, w = _targets("到2025年，单位地区生产总值能源消耗下降13%、力争下降13.5%，非化石能源消费比重达到20%和风电装机达到100万千瓦。")
    assert (e.value, e.stretch_value) == (13, 13.5)
    assert (n.indicator, n.value) == ("非化石能源消费比重", 20)
    assert (w.indicator, w.value, w.unit, w.code) == ("风电装机", 100, "万千瓦", "renewable_capacity")


def test_status_quo_as_of_a_past_year_is_not_a_target() -> None:
    ts = _targets("截至2022年底，全市光伏装机达到120万千瓦。到2025年，光伏装机达到300万千瓦。")
    assert [(t.value, t.year) for t in ts] == [(300, 2025)]
