"""A base year built from an inventory (the adapter) gives the same projection as one written in the file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pytest

from tanfeng.projection import (
    BaseYear,
    EnergyUse,
    Factor,
    Fuel,
    Item,
    ScenarioError,
    ScenarioSet,
    Sector,
    base_year_from_source,
    loads,
    project,
)


class Inventory:
    """An inventory as the accounting engine might hand it over (plain data, physical units)."""

    year = 2020

    def __init__(self, file_base: BaseYear) -> None:
        self._b = file_base

    def gdp(self) -> Factor:
        return Factor(10.0, "亿元", "清单", False)

    def population(self) -> Factor:
        return Factor(10000.0, "人", "清单", False)

    def value_added_shares(self) -> Mapping[str, float]:
        return {"industry": 1.0}

    def energy_uses(self) -> Iterable[EnergyUse]:
        # the same energy in other units: 10⁶ kg coal, 4 000 MWh + 800 MWh of electricity
        return [EnergyUse("industry", "coal", 1e6, "kg"), EnergyUse("industry", "electricity", 4000.0, "MWh"),
                EnergyUse("households", "electricity", 800.0, "MWh")]

    def fuels(self) -> tuple[Fuel, ...]:
        return self._b.fuels

    def sectors(self) -> tuple[Sector, ...]:
        return self._b.sectors

    def grid_factor(self) -> Factor:
        return self._b.grid_factor

    def electricity_non_fossil_share(self) -> Factor:
        return self._b.electricity_non_fossil

    def non_energy(self) -> tuple[Item, ...]:
        return self._b.non_energy

    def sinks(self) -> tuple[Item, ...]:
        return self._b.sinks


def _without_base(text: str) -> str:
    """The scenario file with its sectors, fuels and base year removed (they sit between the two)."""
    return text[: text.index("[sectors.")] + text[text.index("[scenarios.base]"):]


def test_inventory_base_year_matches_the_file(two_year: ScenarioSet, two_year_text: str) -> None:
    base = base_year_from_source(Inventory(two_year.base))
    assert np.allclose(base.energy, two_year.base.energy)
    assert base.gdp == pytest.approx(two_year.base.gdp) and base.population == pytest.approx(10000.0)
    scenarios_only = _without_base(two_year_text)
    assert "[base_year" not in scenarios_only and "[scenarios.base]" in scenarios_only
    from_inventory = project(loads(scenarios_only, "s.toml", base=base), "base")
    from_file = project(two_year, "base")
    assert np.allclose(from_inventory.series("net"), from_file.series("net"))


def test_a_file_with_its_own_base_year_is_refused_when_one_is_given(two_year: ScenarioSet,
                                                                     two_year_text: str) -> None:
    with pytest.raises(ScenarioError, match=r"s\.toml: sectors: .*inventory"):
        loads(two_year_text, "s.toml", base=two_year.base)
