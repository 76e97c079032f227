"""用能空间 of the reference plan's example, computed by hand."""

from __future__ import annotations

import pytest

from tanfeng.enterprises.headroom import HeadroomError, HeadroomInput, ProjectLoad, gdp_path, headroom
from tanfeng.plans import example_plan_path, read


def _target() -> tuple[int, int, float]:
    """(baseline year, target year, reduction share) of the plan's energy-intensity target."""
    plan = read(example_plan_path())  # the bundled reference plan (上犹县)
    t = next(t for t in plan.targets if t.code == "energy_intensity" and t.value is not None)
    assert t.year is not None and t.baseline_year is not None and t.value is not None
    return t.baseline_year, t.year, t.value / 100.0


def test_reference_plan_headroom_by_hand() -> None:
    base, target, r = _target()
    assert (base, target, r) == (2020, 2025, 0.13)  # 到2025年，单位地区生产总值能源消耗较2020年下降13%
    # invented inputs (示例数据): 2020 GDP 120 亿元 growing 6 %/yr; actual use 60万 tce (2020), 64万 (2023)
    gdp = gdp_path(2020, 120.0, 0.06, 2025)
    inp = HeadroomInput(
        base_year=base, base_gdp=120.0, target_year=target, reduction=r, gdp=gdp,
        actual_energy_tce={2020: 600_000.0, 2023: 640_000.0},
        feedstock_tce={2020: 20_000.0, 2023: 25_000.0}, new_renewable_tce={2023: 8_000.0},
        projects=[ProjectLoad("玻纤二期", "construction", 30_000.0, 70_000.0, 2024, True),
                  ProjectLoad("拟建熟料线", "proposed", 50_000.0, 120_000.0, 2025, False),
                  ProjectLoad("已投产", "operating", 9_999.0, 1.0, 2022, True),  # in the 2023 actual already
                  ProjectLoad("退出线", "exited", 7_777.0, 1.0, 2025, True)])
    rooms = {y.year: y for y in headroom(inp)}
    assert sorted(rooms) == [2020, 2021, 2022, 2023, 2024, 2025]
    # by hand: I0 = (600000 − 20000) / (120 × 10⁴) = 0.483333 tce/万元
    i0 = 580_000 / 1_200_000
    assert rooms[2020].intensity_allowed == pytest.approx(0.4833333, rel=1e-6)
    assert rooms[2020].room_tce == pytest.approx(0.0, abs=1e-6)
    # 2025: I = 0.87 × I0 = 0.4205; GDP = 120 × 1.06⁵ = 160.587069; allowed = 0.4205 × 1605871 = 675,268.63 tce
    gdp25 = 120 * 1.06 ** 5
    assert rooms[2025].gdp == pytest.approx(160.58710, rel=1e-6)
    assert rooms[2025].intensity_allowed == pytest.approx(0.87 * i0)
    assert rooms[2025].allowed_tce == pytest.approx(0.4205 * gdp25 * 1e4, rel=1e-9)
    assert rooms[2025].allowed_tce == pytest.approx(675_268.63, abs=0.01)
    # counted 2025 = 640000 − 25000 − 8000 + 30000 (approved) + 50000 (planned) = 687,000 → room −11,731.37
    assert rooms[2025].counted_tce == pytest.approx(687_000.0)
    assert rooms[2025].approved_tce == 30_000.0 and rooms[2025].planned_tce == 50_000.0
    assert rooms[2025].room_tce == pytest.approx(-11_731.37, abs=0.01)
    assert rooms[2025].projects_co2_t == 190_000.0
    # 2024: I = I0 × 0.87^(4/5); only the approved project operates
    allowed24 = i0 * 0.87 ** 0.8 * 120 * 1.06 ** 4 * 1e4
    assert rooms[2024].room_tce == pytest.approx(allowed24 - (640_000 - 25_000 - 8_000 + 30_000))
    # 2021–2022 carry the 2020 actual forward
    assert rooms[2022].existing_tce == 600_000.0 and not rooms[2022].actual and rooms[2023].actual


def test_errors_name_what_is_missing() -> None:
    inp = HeadroomInput(2020, 100.0, 2025, 0.13, {2021: 101.0}, {2020: 1.0})
    with pytest.raises(HeadroomError, match="2022"):
        headroom(inp)
    with pytest.raises(HeadroomError, match="基准年"):
        headroom(HeadroomInput(2020, 100.0, 2025, 0.13, gdp_path(2020, 100.0, 0.05, 2025), {2021: 1.0}))
