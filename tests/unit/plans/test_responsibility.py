from __future__ import annotations

from tanfeng.plans.responsibility import find_annotations, parse_units


def _units(text: str) -> tuple[str | None, list[str]]:
    notes = find_annotations(text)
    assert notes, text
    r = parse_units(notes[0])
    return r.lead, r.units


def test_county_prefix_restored_and_nested_brackets_kept() -> None:
    lead, units = _units("推进光伏。（责任单位：县发改委、住建局、市场监管局、工业园区管委会，各乡（镇）人民政府）")
    assert lead == "县发改委"
    assert units == ["县发改委", "县住建局", "县市场监管局", "县工业园区管委会", "各乡（镇）人民政府"]


def test_trailing_parenthetical_dropped_and_groups_restate_prefix() -> None:
    lead, units = _units("（责任单位：县委组织部（人才办），县科协、人社局）")
    assert lead == "县委组织部"
    assert units == ["县委组织部", "县科协", "县人社局"]


def test_party_school_gets_party_committee_prefix() -> None:
    _, units = _units("（责任单位：县委组织部、党校，县碳达峰碳中和工作领导小组办公室）")
    assert units == ["县委组织部", "县委党校", "县碳达峰碳中和工作领导小组办公室"]


def test_duty_division_style_without_label() -> None:
    lead, units = _units("（省发改委、省生态环境厅、省工信厅等按职责分工负责）")
    assert lead == "省发改委"
    assert units == ["省发改委", "省生态环境厅", "省工信厅"]


def test_explicit_lead_marker_wins_over_order() -> None:
    lead, units = _units("（市工信局、市发展改革委（牵头）、市住建局）")
    assert lead == "市发展改革委"
    assert units[0] == "市发展改革委" and set(units) == {"市工信局", "市发展改革委", "市住建局"}


def test_lead_and_co_units_labels() -> None:
    lead, units = _units("（牵头单位：市发改委；配合单位：市工信局、市场监管局）")
    assert lead == "市发改委"
    assert units == ["市发改委", "市工信局", "市市场监管局"]


def test_generic_others_are_not_units() -> None:
    lead, units = _units("（责任单位：县碳达峰碳中和工作领导小组办公室牵头，各有关部门按职责分工负责）")
    assert lead == "县碳达峰碳中和工作领导小组办公室"
    assert units == ["县碳达峰碳中和工作领导小组办公室"]


def test_ordinary_parentheticals_are_not_annotations() -> None:
    assert find_annotations("重庆市能源发展规划（2021—2025年）（以下简称《规划》）单位生产总值（GDP）") == []


def test_co_leads_marked_together_take_the_first_as_lead() -> None:
    lead, units = _units("（省发改委、省能源局牵头，省自然资源厅、省生态环境厅等按职责分工负责）")
    assert lead == "省发改委"
    assert units == ["省发改委", "省能源局", "省自然资源厅", "省生态环境厅"]
    lead, _ = _units("（省统计局、省生态环境厅牵头）")
    assert lead == "省统计局"
