"""The vectorised batch agrees with the single-county engine."""

from __future__ import annotations

import numpy as np
import pytest

from tanfeng.accounting import compute, example_inventory_path, read_inventory
from tanfeng.accounting.batch import BatchEnergy, batch_energy, fuel_coefficients, intensity_reduction


def test_batch_matches_scalar_for_the_example_county() -> None:
    inp = read_inventory(example_inventory_path())
    result = compute(inp)
    fuels = sorted({r.item for r in inp.rows if r.section == "energy" and r.item not in {"electricity", "heat"}})
    coef = fuel_coefficients(fuels)
    out = {}
    for year in (2020, 2024):
        rows = [r for r in inp.rows if r.year == year]
        use = np.zeros((2, len(fuels)))
        feed = np.zeros((2, len(fuels)))
        for r in rows:
            if r.section == "energy" and r.item in fuels:
                (feed if r.use == "feedstock" else use)[:, fuels.index(r.item)] += r.amount
        elec = sum(r.amount for r in rows if r.section == "energy" and r.item == "electricity")
        nonfossil = sum(r.amount for r in rows if r.section == "generation" and r.category != "thermal")
        data = BatchEnergy(use, feed, np.full(2, elec), np.full(2, nonfossil), np.zeros(2), np.full(2, 0.5835),
                           np.full(2, inp.annual[year].coal_rate or 0.0), np.full(2, inp.annual[year].gdp or 0.0))
        out[year] = batch_energy(data, coef)
        yr = result.year(year)
        assert out[year]["energy_co2_direct"] == pytest.approx(np.full(2, yr.totals()["energy_co2_direct"]))
        assert out[year]["energy_co2_indirect"] == pytest.approx(np.full(2, yr.totals()["energy_co2_indirect"]))
        assert out[year]["total_eq_tce"] == pytest.approx(np.full(2, yr.balance.total_eq_tce))
        assert out[year]["total_cal_tce"] == pytest.approx(np.full(2, yr.balance.total_cal_tce))
        assert out[year]["nonfossil_eq_tce"] == pytest.approx(np.full(2, yr.balance.nonfossil_eq_tce))
    red = intensity_reduction(out[2024]["energy_intensity"], out[2020]["energy_intensity"])
    from tanfeng.accounting import indicators

    assert red == pytest.approx(np.full(2, indicators(result, 2024).energy_intensity_reduction_pct))


def test_batch_rejects_electricity_as_a_fuel() -> None:
    with pytest.raises(ValueError, match="electricity"):
        fuel_coefficients(["diesel", "electricity"])
