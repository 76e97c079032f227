from __future__ import annotations

import pytest

from tanfeng.units import compatible, convert


def test_megawatts_and_wan_kilowatts_compare() -> None:
    assert convert(500, "MW", "万千瓦") == pytest.approx(50)


def test_mu_to_hectare() -> None:
    assert convert(15, "万亩", "公顷") == pytest.approx(10_000)  # 150000 亩 × 666.67 m² = 1e8 m²


def test_tce_energy() -> None:
    assert convert(1, "万吨标准煤", "GJ") == pytest.approx(293_076)


def test_incompatible_units() -> None:
    assert not compatible("%", "万吨")
    assert compatible("万千瓦", "GW")
