"""Guards of the reader that no phrasing test exercises: each fails if its guard is removed."""

from __future__ import annotations

from tanfeng.plans import read_text
from tanfeng.plans.outline import parse_outline


def test_contact_lines_are_not_headings() -> None:
    blocks = parse_outline("联系方式\n1.电子邮箱：dc@example.cn\n2.联系电话：0851-1234567\n3.加快发展光伏产业\n")
    assert [b.is_heading for b in blocks] == [False, False, False, True]


def test_year_on_year_change_is_history_not_a_target() -> None:
    text = ("某县碳达峰实施方案\n一、主要目标\n到2025年，全县非化石能源消费比重达到20%，"
            "今年以来全县能源消费总量同比下降3.2%。\n")
    assert [(t.indicator, t.value) for t in read_text(text).targets] == [("非化石能源消费比重", 20)]


def test_cited_parent_number_is_not_the_plan_number() -> None:
    text = ("某某市碳达峰实施方案\n为贯彻落实《国务院关于印发2030年前碳达峰行动方案的通知》（国发〔2021〕23号），"
            "结合本市实际，制定本方案。\n一、总体要求\n")
    plan = read_text(text)
    assert plan.meta.doc_number is None
    assert plan.parents[0].doc_number == "国发〔2021〕23号"


def test_a_stretch_figure_in_brackets_is_not_a_second_target() -> None:
    text = "某县碳达峰实施方案\n一、主要目标\n到2025年，全县森林覆盖率达到68%（力争达到70%）。\n"
    targets = read_text(text).targets
    assert [(t.value, t.stretch_value) for t in targets] == [(68, 70)]
