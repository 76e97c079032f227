"""Helpers to build activity data in tests as the long CSV office staff could write."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tanfeng.accounting import InventoryInput, validate
from tanfeng.accounting.readers import read_csv_records

HEADER = "表,类别,子类,年份,数量,单位,用途,年生长率（%）,年消耗量（立方米）,备注"

META = """基本信息,地区名称,测试县,,,,,,,
基本信息,省份,江西,,,,,,,
基本信息,基准年,2020,,,,,,,
基本信息,电网排放因子区域,江西,,,,,,,
基本信息,农业分区,华东,,,,,,,
年度数据,地区生产总值（可比价）,,2020,100,亿元,,,,
年度数据,火电发电煤耗,,2020,300,克标准煤/千瓦时,,,,"""


def build(body: str, meta: str = META) -> InventoryInput:
    text = "\n".join([HEADER, meta, body.strip()])
    return validate(read_csv_records(text.encode("utf-8"), "test.csv"), "test.csv")


@pytest.fixture
def make_input() -> Callable[..., InventoryInput]:
    return build
