"""Monte Carlo: reproducible with a seed, independent of chunking, draws within bounds."""

from __future__ import annotations

import numpy as np
import pytest

from tanfeng.projection import ScenarioSet, loads, project, simulate
from tanfeng.projection.uncertainty import Uncertainty, perturb

UNCERTAIN = """
[scenarios.rising.uncertainty]
gdp = { dist = "normal", mean = 0.0, sd = 0.02, min = -0.02, max = 0.02 }
"intensity.industry" = { dist = "triangular", min = 0.5, mode = 1.0, max = 1.2 }
"""


@pytest.fixture
def uncertain(known_peak_text: str) -> ScenarioSet:
    return loads(known_peak_text + UNCERTAIN, "u.toml")


def test_same_seed_same_result_other_seed_differs(uncertain: ScenarioSet) -> None:
    a = simulate(uncertain, "rising", 3000, seed=42)
    b = simulate(uncertain, "rising", 3000, seed=42)
    c = simulate(uncertain, "rising", 3000, seed=43)
    assert np.array_equal(a.peak_year, b.peak_year)
    assert all(np.array_equal(a.fan[q], b.fan[q]) for q in a.fan)
    assert a.p_peak_by == b.p_peak_by
    assert not np.array_equal(a.peak_year, c.peak_year)


def test_chunking_does_not_change_the_result(uncertain: ScenarioSet) -> None:
    whole = simulate(uncertain, "rising", 2000, seed=7)
    chunked = simulate(uncertain, "rising", 2000, seed=7, chunk_bytes=1)  # one run per chunk
    assert np.array_equal(whole.peak_year, chunked.peak_year)
    assert all(np.allclose(whole.fan[q], chunked.fan[q]) for q in whole.fan)


def test_without_uncertainty_every_run_is_the_projection(known_peak: ScenarioSet) -> None:
    mc = simulate(known_peak, "rising", 50, seed=1)
    p = project(known_peak, "rising")
    assert set(mc.peak_year.tolist()) == {p.peak.year}
    assert mc.p_peak_by == 1.0
    assert np.allclose(mc.fan[5], p.series("energy_co2")) and np.allclose(mc.fan[95], p.series("energy_co2"))


def test_peak_year_spreads_with_uncertainty(uncertain: ScenarioSet) -> None:
    mc = simulate(uncertain, "rising", 5000, seed=3)
    dist = mc.peak_year_distribution()
    assert sum(dist.values()) == pytest.approx(1.0)
    # emissions only turn at the 2025 kink of the intensity path, or keep rising when the draws
    # weaken the later cut enough: the peak year is 2025 or none at all
    assert set(dist) == {"2025", "none"}
    assert mc.p_peak_by == pytest.approx(dist["2025"]) and 0.5 < mc.p_peak_by < 1.0
    assert np.all(np.diff(np.stack([mc.fan[q] for q in sorted(mc.fan)]), axis=0) >= -1e-9)  # fan ordered


def test_truncated_normal_and_triangular_stay_within_bounds() -> None:
    rng = np.random.default_rng(0)
    x = Uncertainty("gdp", "normal", "rate", 0.0, 1.0, -0.5, None, 0.25).sample(rng, 20000)
    assert x.min() >= -0.5 and x.max() <= 0.25 and abs(x.mean() - (-0.12)) < 0.03
    t = Uncertainty("gdp", "triangular", "change", low=0.5, mode=1.0, high=1.2).sample(rng, 20000)
    assert t.min() >= 0.5 and t.max() <= 1.2 and t.mean() == pytest.approx((0.5 + 1.0 + 1.2) / 3, abs=0.01)


def test_perturbed_shares_still_sum_to_one() -> None:
    years = np.arange(2020, 2031)
    path = np.stack([np.linspace(0.6, 0.0, 11), np.linspace(0.4, 1.0, 11)])
    u = Uncertainty("mix.x", "uniform", "change", low=0.5, high=1.5)
    out = perturb(path, np.array([0.5, 1.0, 1.5]), u, "shares", years)
    assert np.allclose(out.sum(axis=1), 1.0) and out.min() >= 0.0
    assert out[1] == pytest.approx(path)
    assert out[0, 0, -1] == pytest.approx(0.3)  # half the planned change


def test_target_probability(uncertain: ScenarioSet) -> None:
    from tanfeng.plans.model import Target

    t = Target(id="t", indicator="能耗", code="energy_intensity", change="decrease", value=9.0, unit="%",
               year=2025, baseline_year=2020, sentence="…")
    mc = simulate(uncertain, "rising", 4000, seed=5, targets=[t])
    # intensity falls 2 %/yr in the plan (9.6 % by 2025); the draw scales the change by 0.5–1.2
    [(target, prob)] = mc.target_probability
    assert target.id == "t" and 0.3 < prob < 0.95
