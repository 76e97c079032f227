from __future__ import annotations

from tanfeng.plans import read_text

NOTICE = """某某省人民政府关于印发某某省碳达峰实施方案的通知
京政发〔2022〕31 号
各市人民政府：
现将《某某省碳达峰实施方案》印发给你们，请认真贯彻落实。
某某省人民政府
2022年10月11日
某某省碳达峰实施方案
为深入贯彻落实《国务院关于印发2030年前碳达峰行动方案的通知》（国发〔2021〕23号），制定本方案。
一、总体要求
"""


def test_notice_metadata() -> None:
    plan = read_text(NOTICE.replace("某某省", "江西省"))
    m = plan.meta
    assert m.title == "江西省碳达峰实施方案"
    assert m.doc_number == "京政发〔2022〕31号"
    assert m.date == "2022-10-11"
    assert m.issuer == "江西省人民政府"
    assert m.status == "final"
    assert m.region is not None and (m.region.name, m.region.level, m.region.adcode) == ("江西省", "province", "360000")
    assert m.peak_year is None  # 2030年前碳达峰行动方案 is a parent's title, not a commitment
    assert [(p.title, p.doc_number) for p in plan.parents] == [("2030年前碳达峰行动方案", "国发〔2021〕23号")]


def test_county_region_with_parent_and_draft_status() -> None:
    plan = read_text("关于公开征集《上犹县碳达峰实施方案（征求意见稿）》意见建议的通知\n2023年5月14日\n上犹县碳达峰实施方案\n"
                     "（征求意见稿）\n一、总体思路\n确保2030年前实现碳达峰。")
    m = plan.meta
    assert m.title == "上犹县碳达峰实施方案" and m.status == "draft" and m.date == "2023-05-14"
    assert m.region is not None and (m.region.level, m.region.adcode, m.region.parent) == ("county", "360724", "赣州市")
    assert m.peak_year == 2030


def test_district_in_a_municipality_and_county_level_city() -> None:
    r = read_text("天津市西青区碳达峰实施方案\n为推进碳达峰工作，制定本方案。").meta.region
    assert r is not None and (r.name, r.level, r.parent) == ("西青区", "county", "天津市")
    r = read_text("梅河口市碳达峰实施方案\n为推进碳达峰工作，制定本方案。").meta.region
    assert r is not None and (r.name, r.level) == ("梅河口市", "county")


def test_ambiguous_district_name_has_no_adcode() -> None:
    r = read_text("朝阳区碳达峰实施方案\n为推进碳达峰工作，制定本方案。").meta.region
    assert r is None or r.adcode is None


def test_level_from_responsible_units_when_no_title() -> None:
    plan = read_text("五、著力构建低碳空间格局\n优化国土空间布局。（责任单位：省发展改革委、省建设厅）")
    assert plan.meta.title is None
    assert plan.meta.region is not None and plan.meta.region.level == "province" and plan.meta.region.name is None
    assert plan.tasks[0].lead == "省发展改革委"


def test_dates_in_other_spellings() -> None:
    assert read_text("某某市碳达峰实施方案\n某某市人民政府\n2023428\n一、总体要求").meta.date == "2023-04-28"
    assert read_text("某某市碳达峰实施方案\n某某市人民政府\n二〇二二年六月二十三日\n一、总体要求").meta.date == "2022-06-23"
    assert read_text("成文日期：2023年11月24日\n某某市碳达峰实施方案\n一、总体要求").meta.date == "2023-11-24"


def test_web_publication_time_is_not_the_notice_date() -> None:
    assert read_text("某某市碳达峰实施方案发布时间：2022-10-10 14:04\n一、主要目标\n推进碳达峰。").meta.date is None


def test_title_of_a_five_year_plan_with_its_period() -> None:
    plan = read_text("重庆市人民政府办公厅关于印发重庆市能源发展“十四五”规划(2021—2025年)的通知\n能源保障安全有力。")
    assert plan.meta.title == "重庆市能源发展“十四五”规划（2021—2025年）"


def test_redacted_title_line_is_not_taken() -> None:
    plan = read_text("山东省人民政府关于印发山东省碳达峰实施方案的通知\n现将《（略）碳达峰实施方案》印发给你们。\n（略）碳达峰实施方案")
    assert plan.meta.title == "山东省碳达峰实施方案"


def test_draft_status_from_a_consultation_notice_without_the_word_draft() -> None:
    plan = read_text("关于对《某某市碳达峰实施方案》公开征求意见的公告\n某某市碳达峰实施方案\n一、总体要求\n推进碳达峰工作。")
    assert plan.meta.status == "draft"
