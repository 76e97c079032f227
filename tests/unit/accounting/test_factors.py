"""The shipped factor library: loads, units parse, provenance filled, overrides and fall-backs work."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import pytest
import yaml

from tanfeng.accounting import FactorFileError, gwp, library
from tanfeng.accounting.factors import BUILTIN_SETS, CANONICAL, EVIDENCE_KINDS, load_builtin, load_file


def _raw(name: str) -> list[dict[str, str]]:
    text = resources.files("tanfeng").joinpath(f"data/factors/{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", BUILTIN_SETS)
def test_every_shipped_set_loads_with_provenance(name: str) -> None:
    fset = load_builtin(name)
    meta = yaml.safe_load(resources.files("tanfeng").joinpath(f"data/factors/{name}.yaml").read_text("utf-8"))
    assert meta["name"] == name and meta["document"] and meta["edition"]
    assert len(fset.factors) == len(_raw(name)) > 0
    for f in fset.factors:
        assert f.parameter in CANONICAL
        assert f.source and f.table and f.edition, f
        assert f.evidence in EVIDENCE_KINDS, f
        # a copy is only evidence when it is named
        assert f.evidence != "copy" or f.evidence_ref, f
        # no official text was read in this work: no factor may claim to be verified or officially evidenced
        assert f.verified is False and f.evidence != "official", f


def test_reference_per_unit_values_are_consistent() -> None:
    """NCV × CC × OF × 44/12 reproduces the per-unit CO2 column of the reference table (§2)."""
    lib = library()
    expected = {"gasoline": 2.925, "diesel": 3.096, "crude_oil": 3.020, "fuel_oil": 3.170, "lpg": 3.101,
                "coke": 2.860, "natural_gas": 21.62}
    for fuel, per_unit in expected.items():
        ncv, cc, ox = (lib.resolve(p, fuel).factor.value for p in ("ncv", "carbon_content", "oxidation"))  # type: ignore[union-attr]
        # the reference rounds to four significant figures
        assert ncv * cc * ox * 44 / 12 / 1000 == pytest.approx(per_unit, rel=5e-4), fuel


def test_physical_constants() -> None:
    lib = library()
    # CO2/CaO molar masses 44.01 / 56.08
    assert lib.resolve("co2_per_cao", "cement_clinker").factor.value == pytest.approx(44.01 / 56.08, abs=2e-4)  # type: ignore[union-attr]
    # 0.1229 kgce/kWh = 860 kcal/kWh ÷ 7000 kcal/kgce, stored as tce/kWh
    assert lib.resolve("tce_coef", "electricity").factor.value == pytest.approx(860 / 7000 / 1000, rel=1e-3)  # type: ignore[union-attr]


def test_units_are_converted_on_load(tmp_path: Path) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("parameter,item,value,unit,table,verified\nncv,bituminous,21.5,MJ/kg,plant lab 2024,true\n",
                    encoding="utf-8")
    lib = library([path])
    found = lib.resolve("ncv", "bituminous")
    assert found is not None
    assert found.factor.value == pytest.approx(21.5)  # MJ/kg == GJ/t
    assert found.factor.set_name == "plant" and found.factor.verified is True
    assert lib.names[0] == "plant"
    # the shipped set is untouched: without the user file the guideline default applies
    shipped = library().resolve("ncv", "bituminous")
    assert shipped is not None and shipped.factor.value == pytest.approx(23.204)


def test_grid_year_fallback_and_region_order() -> None:
    lib = library()
    exact = lib.resolve("grid_ef", "electricity", ("华中",), 2023)
    assert exact is not None and exact.factor.value == pytest.approx(0.5271) and not exact.note
    later = lib.resolve("grid_ef", "electricity", ("华中",), 2025)
    assert later is not None and later.factor.year == 2023 and "2023" in later.note
    assert lib.resolve("grid_ef", "electricity", ("华中",), 2020) is None  # nothing earlier: no guess


@pytest.mark.parametrize(("row", "column"), [
    ("nvc,diesel,42,GJ/t", "parameter"),
    ("ncv,diesel,abc,GJ/t", "value"),
    ("ncv,diesel,42,kWh/head", "unit"),
])
def test_bad_factor_file_names_row_and_column(tmp_path: Path, row: str, column: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"parameter,item,value,unit\nncv,diesel,42,GJ/t\n{row}\n", encoding="utf-8")
    with pytest.raises(FactorFileError) as err:
        load_file(path)
    assert "第3行" in str(err.value) and column in str(err.value)


def test_gwp_sets() -> None:
    assert (gwp("AR5", "CH4").value, gwp("AR5", "N2O").value) == (28, 265)
    assert (gwp("SAR", "CH4").value, gwp("AR4", "CH4").value, gwp("AR6", "N2O").value) == (21, 25, 273)
    with pytest.raises(FactorFileError):
        gwp("AR7", "CH4")
