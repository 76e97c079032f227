"""The gazetteer: current divisions, former names mapped to today's codes, zones, context (issue 17)."""

from __future__ import annotations

from tanfeng.plans import read_text
from tanfeng.regions.gazetteer import gazetteer

BODY = "\n为贯彻落实党中央、国务院关于碳达峰碳中和的重大战略决策，结合实际，制定本方案。\n一、总体要求\n"


def test_knows_divisions_created_after_2021() -> None:
    g = gazetteer()
    for name, code, parent in (("临平区", "330113", "杭州市"), ("龙港市", "330383", "温州市"), ("钱塘区", "330114", "杭州市")):
        d = g.locate(name)
        assert d is not None and (d.adcode, d.level) == (code, "county"), name
        p = g.parent(d)
        assert p is not None and p.name == parent


def test_a_2021_name_maps_to_its_current_code() -> None:
    plan = read_text("杭州市江干区碳达峰实施方案" + BODY)
    region = plan.meta.region
    assert region is not None and (region.name, region.adcode, region.parent) == ("江干区", "330102", "杭州市")
    d = gazetteer().locate("下城区")
    assert d is not None and gazetteer().current(d).name == "拱墅区"


def test_divisions_missing_from_the_package_come_from_the_supplement() -> None:
    region = read_text("重庆市渝北区碳达峰实施方案" + BODY).meta.region
    assert region is not None and (region.name, region.adcode, region.parent) == ("渝北区", "500112", "重庆市")


def test_a_district_written_alone_resolves_through_the_parent_plan_it_cites() -> None:
    text = ("朝阳区碳达峰实施方案\n为贯彻落实《北京市碳达峰实施方案》，结合本区实际，制定本方案。\n一、总体要求\n")
    region = read_text(text).meta.region
    assert region is not None and (region.name, region.adcode) == ("朝阳区", "110105")
    text = ("朝阳区碳达峰实施方案\n为贯彻落实《长春市碳达峰实施方案》，结合本区实际，制定本方案。\n一、总体要求\n")
    region = read_text(text).meta.region
    assert region is not None and (region.name, region.parent) == ("朝阳区", "长春市")


def test_development_zone_acting_as_a_county() -> None:
    region = read_text("万盛经开区碳达峰实施方案" + BODY).meta.region
    assert region is not None and (region.name, region.level, region.parent) == ("万盛经开区", "county", "重庆市")
    region = read_text("宁波市杭州湾新区碳达峰实施方案" + BODY).meta.region
    assert region is not None and (region.name, region.level, region.parent) == ("杭州湾新区", "county", "宁波市")
