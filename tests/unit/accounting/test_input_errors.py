"""Bad input: one message per row naming sheet, row and column; nothing computed from partial input."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tanfeng.accounting import InventoryInput, InventoryInputError, compute

Make = Callable[..., InventoryInput]


def test_every_bad_row_is_reported_once(make_input: Make) -> None:
    body = """
能源消费,交通运输,柴油,2020,-5,吨,燃料,,,
能源消费,交通运输,航空汽油X,2020,10,吨,燃料,,,
能源消费,交通运输,柴油,2020,10,千瓦时,燃料,,,
能源消费,太空,柴油,2020,10,吨,燃料,,,
能源消费,交通运输,汽油,2020,10,吨,燃料,,,
农业,稻田,深水稻,2020,10,公顷,,,,
林业,杉木,,2020,10,万立方米,,,,
"""
    with pytest.raises(InventoryInputError) as err:
        make_input(body)
    problems = [str(p) for p in err.value.problems]
    assert len(problems) == 6, problems  # the good 汽油 row raises nothing
    # CSV rows: header is row 1, the 7 meta rows are 2–8, the body starts at row 9
    assert problems[0].startswith("能源消费 第9行 列“数量”") and "负数" in problems[0] and "negative" in problems[0]
    assert "第10行" in problems[1] and "未知能源品种“航空汽油X”" in problems[1] and "unknown fuel" in problems[1]
    assert "第11行 列“单位”" in problems[2] and "无法换算" in problems[2]
    assert "第12行 列“类别”" in problems[3] and "未知部门" in problems[3]
    assert "农业 第14行 列“子类”" in problems[4]
    assert "林业 第15行 列“年生长率（%）”" in problems[5]


def test_missing_factor_stops_the_whole_computation(make_input: Make) -> None:
    body = """
能源消费,交通运输,柴油,2020,100,吨,燃料,,,
废弃物,废水甲烷,生活污水,2020,100,吨,,,,
能源消费,服务业,热力,2020,100,吉焦,燃料,,,
"""
    inp = make_input(body)
    with pytest.raises(InventoryInputError) as err:
        compute(inp)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "废弃物 第10行" in text and "wastewater_mcf/domestic" in text
    assert "能源消费 第11行" in text and "heat_ef/heat" in text


def test_missing_grid_factor_for_early_year_is_an_error(make_input: Make) -> None:
    with pytest.raises(InventoryInputError, match="grid_ef"):
        compute(make_input("能源消费,服务业,电力,2020,100,万千瓦时,燃料,,,"))


def test_whole_file_checks(make_input: Make) -> None:
    meta = "基本信息,基准年,2019,,,,,,,"
    with pytest.raises(InventoryInputError) as err:
        make_input("能源消费,交通运输,柴油,2020,100,吨,燃料,,,", meta=meta)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "基准年2019没有活动水平数据" in text
    assert "缺少2020年“地区生产总值（可比价）”" in text and "缺少2020年“火电发电煤耗”" in text


def test_subtype_must_belong_to_its_category(make_input: Make) -> None:
    with pytest.raises(InventoryInputError) as err:
        make_input("废弃物,垃圾填埋,生活污水,2020,100,吨,,,,\n农业,稻田,猪,2020,5,公顷,,,,")
    text = [str(p) for p in err.value.problems]
    assert len(text) == 2
    assert "子类“生活污水”不属于类别“垃圾填埋”" in text[0] and "子类“猪”不属于类别“稻田”" in text[1]


def test_unreadable_and_unsupported_files(tmp_path: object) -> None:
    from pathlib import Path

    from tanfeng.accounting import read_inventory

    base = Path(str(tmp_path))
    (base / "x.pdf").write_bytes(b"%PDF")
    (base / "broken.xlsx").write_bytes(b"not a zip")
    for name, needle in (("missing.csv", "文件不存在"), ("x.pdf", ".xlsx 或 .csv"), ("broken.xlsx", "Excel")):
        with pytest.raises(InventoryInputError, match=needle):
            read_inventory(base / name)


@pytest.mark.parametrize("amount", ["nan", "inf", "-inf", "1e308"])
def test_non_finite_or_absurd_amounts_are_refused(make_input: Make, amount: str) -> None:
    with pytest.raises(InventoryInputError) as err:
        make_input(f"能源消费,交通运输,柴油,2020,{amount},吨,燃料,,,\n")
    problems = [str(p) for p in err.value.problems]
    assert len(problems) == 1 and "超出合理范围" in problems[0] and amount in problems[0]
