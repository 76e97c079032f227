"""Metadata and actions of plans phrased in ways the development plans do not use (issue 17).

Inputs are written for these tests in the style of several provinces; none is copied from a plan.
"""

from __future__ import annotations

from tanfeng.plans import read_text


def test_own_title_not_the_cited_opinion_in_the_preamble() -> None:
    text = ("龙岩市碳达峰实施方案\n"
            "为全面落实《中共福建省委 福建省人民政府关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见》"
            "（闽委发〔2022〕5号）和《福建省人民政府关于印发福建省碳达峰实施方案的通知》精神，制定本方案。\n"
            "一、总体要求\n到2025年，全市非化石能源消费比重达到28%。")
    m = read_text(text).meta
    assert m.title == "龙岩市碳达峰实施方案"
    assert m.region is not None and (m.region.name, m.region.level) == ("龙岩市", "city")


def test_title_after_a_site_banner_with_file_extension() -> None:
    text = ("【政策】思明区碳达峰实施方案.docx\n发布时间：2023-09-02\n"
            "为贯彻落实《厦门市碳达峰实施方案》，结合我区实际，制定本方案。\n一、主要目标\n到2025年，区内光伏装机达到5万千瓦。")
    m = read_text(text).meta
    assert m.title == "思明区碳达峰实施方案"
    assert m.region is not None and m.region.name == "思明区" and m.region.parent == "厦门市"


def test_title_from_a_consultation_notice() -> None:
    text = ("保山市发展改革委关于公开征求《保山市碳达峰实施方案（征求意见稿）》意见的公告\n"
            "根据《国务院关于印发2030年前碳达峰行动方案的通知》《中共云南省委 云南省人民政府关于印发云南省碳达峰"
            "实施方案的通知》要求，我委起草了本方案。\n一、总体要求")
    m = read_text(text).meta
    assert (m.title, m.status) == ("保山市碳达峰实施方案", "draft")
    assert m.region is not None and m.region.name == "保山市"


def test_doc_number_in_square_and_round_brackets_and_spelled_year() -> None:
    for written, expected in (("邢政字[2023]12号", "邢政字〔2023〕12号"), ("邢政字(2023)12号", "邢政字〔2023〕12号"),
                              ("邢政字〔二〇二三〕十二号", "邢政字〔2023〕12号")):
        text = f"邢台市人民政府关于印发邢台市碳达峰实施方案的通知\n{written}\n各县（市、区）人民政府：\n现将方案印发给你们。"
        assert read_text(text).meta.doc_number == expected, written


def test_date_without_year_takes_the_year_of_the_doc_number() -> None:
    text = ("承德市人民政府关于印发承德市碳达峰实施方案的通知\n承政发〔2023〕8号\n现将《承德市碳达峰实施方案》印发给你们。\n"
            "承德市人民政府\n12月13日\n承德市碳达峰实施方案\n一、总体要求")
    assert read_text(text).meta.date == "2023-12-13"


def test_posting_date_of_a_repost_site_is_not_the_plan_date() -> None:
    text = ("来宾市碳达峰实施方案\n发布日期：2024年1月9日 来源：某某网\n为贯彻落实党中央决策部署，制定本方案。\n一、总体要求")
    assert read_text(text).meta.date is None


def test_signature_date_in_digits_without_separators() -> None:
    text = ("某区人民政府关于印发某区碳达峰实施方案的通知\n现将《某区碳达峰实施方案》印发给你们。\n某区人民政府\n2023428\n")
    assert read_text(text).meta.date == "2023-04-28"
    # the same digits anywhere else are a number, not a date
    assert read_text("某区碳达峰实施方案\n项目编号\n2023428\n一、总体要求\n为贯彻落实党中央国务院决策部署制定本方案。").meta.date is None


def test_peak_year_phrasings() -> None:
    for sentence in ("二氧化碳排放力争于2030年前达到峰值。", "如期实现2030年碳达峰目标。", "确保2030年前实现碳达峰。"):
        plan = read_text("柳州市碳达峰实施方案\n一、主要目标\n" + sentence)
        assert plan.meta.peak_year == 2030, sentence
    plan = read_text("柳州市碳达峰实施方案\n一、主要目标\n到2030年，全市经济社会发展全面绿色转型，二氧化碳排放量达到峰值并稳中有降。")
    assert plan.meta.peak_year == 2030
    plan = read_text("柳州市碳达峰实施方案\n一、主要目标\n深入实施2030年碳达峰行动。")
    assert plan.meta.peak_year is None


def test_actions_enumerated_count_first_with_quotes() -> None:
    text = ("泉州市碳达峰实施方案\n二、重点任务\n重点实施‘碳达峰八大行动’，包括能源绿色低碳转型行动、工业领域碳达峰行动、"
            "城乡建设碳达峰行动、交通运输绿色低碳行动、循环经济助力降碳行动、绿色低碳科技创新行动、碳汇能力巩固提升行动、"
            "绿色低碳全民行动。\n")
    names = [a.name for a in read_text(text).actions]
    assert names[:2] == ["能源绿色低碳转型行动", "工业领域碳达峰行动"] and len(names) == 8


def test_actions_enumerated_list_first_special_actions() -> None:
    text = ("大理州碳达峰实施方案\n深入开展能源结构优化行动、产业绿色升级行动、建筑节能提升行动、交通低碳出行行动"
            "等碳达峰四大专项行动，确保如期实现碳达峰。\n")
    assert [a.name for a in read_text(text).actions] == [
        "能源结构优化行动", "产业绿色升级行动", "建筑节能提升行动", "交通低碳出行行动"]


def test_enumeration_items_without_the_word_action_need_the_count() -> None:
    from tanfeng.plans.actions import enumerations

    agreed = enumerations("全面开展能源转型、工业降碳、建筑节能等三大行动。")
    assert agreed and agreed[0].names == ["能源转型行动", "工业降碳行动", "建筑节能行动"] and agreed[0].complete
    assert enumerations("全面开展能源转型、工业降碳、建筑节能等五大行动。") == []


def test_action_headings_lose_their_leading_verb() -> None:
    text = ("某县碳达峰实施方案\n三、重点任务\n（一）实施能源绿色低碳转型行动\n1.大力发展光伏\n推进屋顶光伏建设。\n")
    assert [a.name for a in read_text(text).actions] == ["能源绿色低碳转型行动"]


def test_actions_enumerated_as_quoted_items_side_by_side() -> None:
    text = ("某区碳达峰实施方案\n深入实施“能源绿色低碳转型行动”“工业领域碳达峰行动”“城乡建设碳达峰行动”"
            "等碳达峰三大行动，确保如期实现碳达峰目标。\n")
    assert [a.name for a in read_text(text).actions] == ["能源绿色低碳转型行动", "工业领域碳达峰行动", "城乡建设碳达峰行动"]


def test_signature_date_wins_over_a_date_line_of_the_repost_page() -> None:
    text = ("2024年1月9日\n某某市人民政府关于印发某某市碳达峰实施方案的通知\n现将《某某市碳达峰实施方案》印发给你们。\n"
            "某某市人民政府\n2023年12月26日\n某某市碳达峰实施方案\n一、总体要求")
    assert read_text(text).meta.date == "2023-12-26"


def test_date_of_record_in_a_disclosure_table_and_in_brackets_under_the_title() -> None:
    text = ("索引号：11530000-2023-01234\n发布日期：2023-12-20\n成文日期：2023-12-13\n某州碳达峰实施方案\n"
            "为贯彻落实国家部署，结合本州实际，制定本方案。\n一、总体要求")
    assert read_text(text).meta.date == "2023-12-13"
    text = "某州碳达峰实施方案\n（2023年12月13日）\n为贯彻落实国家部署，结合本州实际，制定本方案。\n一、总体要求"
    assert read_text(text).meta.date == "2023-12-13"


def test_year_less_signature_dated_by_the_posting_date() -> None:
    text = ("发布时间：2024-01-05 09:30\n某州人民政府关于印发某州碳达峰实施方案的通知\n现将《某州碳达峰实施方案》印发给你们。\n"
            "某州人民政府\n12月28日\n某州碳达峰实施方案\n一、总体要求")
    assert read_text(text).meta.date == "2023-12-28"


def test_title_from_a_notice_that_names_the_draft_before_the_consultation() -> None:
    text = ("铜仁市发展和改革委员会关于《铜仁市碳达峰实施方案（征求意见稿）》公开征求意见的公告\n"
            "为贯彻落实《贵州省碳达峰实施方案》，我委起草了本方案，现向社会公开征求意见。\n一、总体要求")
    m = read_text(text).meta
    assert (m.title, m.status) == ("铜仁市碳达峰实施方案", "draft")


def test_sections_numbered_as_chapters_and_sections() -> None:
    text = ("某省碳达峰实施方案\n第三章 重点任务\n第一节 能源绿色低碳转型行动\n一、大力发展风电光伏\n"
            "推进风光基地建设。（牵头单位：省能源局）\n第二节 工业领域碳达峰行动\n一、推动钢铁行业碳达峰\n"
            "严禁新增产能。（牵头单位：省工业和信息化厅）\n")
    plan = read_text(text)
    assert [a.name for a in plan.actions] == ["能源绿色低碳转型行动", "工业领域碳达峰行动"]
    assert [(t.id, t.lead) for t in plan.tasks] == [("A1.1", "省能源局"), ("A2.1", "省工业和信息化厅")]
