"""An enterprise's CO₂ through the accounting engine (same factors, same provenance)."""

from __future__ import annotations

import pytest

from tanfeng.accounting import InventoryInputError
from tanfeng.accounting.factors import library
from tanfeng.enterprises.co2 import enterprise_carbon


def test_combustion_and_purchased_electricity_with_their_factors() -> None:
    lib = library()
    out = enterprise_carbon({2024: {"bituminous": 1000.0, "electricity": 1_000_000.0}}, province="江西", factors=lib)
    yr = out[2024]
    ncv = lib.resolve("ncv", "bituminous")
    cc = lib.resolve("carbon_content", "bituminous")
    ox = lib.resolve("oxidation", "bituminous")
    assert ncv and cc and ox
    by_hand = 1000.0 * ncv.factor.value / 1000 * cc.factor.value * ox.factor.value * 44 / 12
    assert yr.direct_co2_t == pytest.approx(by_hand)
    grid = next(ln for ln in yr.lines if ln.scope == "indirect")
    assert grid.factors[0].parameter == "grid_ef" and grid.factors[0].source
    assert yr.indirect_co2_t == pytest.approx(1_000_000.0 * grid.factors[0].value / 1000)
    coal_line = next(ln for ln in yr.lines if ln.scope == "direct")
    assert {f.factor_set for f in coal_line.factors} == {ncv.factor.set_name}
    assert yr.calorific_tce > 0 and yr.equivalent_tce is None
    assert any("未核验" in n or "not verified" in n for n in yr.notes)


def test_a_set_missing_a_parameter_is_not_mixed_silently() -> None:
    with pytest.raises(InventoryInputError, match="raw_coal"):
        enterprise_carbon({2024: {"raw_coal": 100.0}})
    out = enterprise_carbon({2024: {"raw_coal": 100.0}}, fallback="ipcc2006")
    assert out[2024].direct_co2_t > 0 and out[2024].lines[0].warnings
