"""Driver uncertainty: one draw per run and driver, applied to the driver's whole path.

``apply = "rate"``: the draw *d* is an extra annual growth rate, ``v'_t = v_t (1 + d)^(t - t0)``
  (GDP growing 1 point faster or slower every year);
``apply = "change"``: the draw *k* scales the path's change from the base year,
  ``v'_t = v_0 + k (v_t - v_0)`` (a policy achieving 70 %–110 % of its planned cut).

Shares are renormalised after clipping at zero; fractions are clipped to 0–1.
Draws are independent across drivers (no correlation is modelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from tanfeng.projection.paths import Array
from tanfeng.projection.toml_reader import Checker, join

Dist = Literal["normal", "triangular", "uniform", "none"]
Apply = Literal["rate", "change"]
KEYS = ("dist", "mean", "sd", "min", "mode", "max", "apply")
MAX_REDRAWS = 200


@dataclass(frozen=True)
class Uncertainty:
    """The distribution of one driver's draw, with optional bounds (normal is truncated)."""

    driver: str
    dist: Dist
    apply: Apply = "change"
    mean: float = 0.0
    sd: float = 0.0
    low: float | None = None
    mode: float | None = None
    high: float | None = None

    def sample(self, rng: np.random.Generator, n: int) -> Array:
        """``n`` draws; a bounded normal is truncated by redrawing values outside the bounds."""
        if self.dist == "uniform":
            return rng.uniform(self.low, self.high, n)  # type: ignore[arg-type]
        if self.dist == "triangular":
            return rng.triangular(self.low, self.mode, self.high, n)  # type: ignore[arg-type]
        x = rng.normal(self.mean, self.sd, n)
        lo = -np.inf if self.low is None else self.low
        hi = np.inf if self.high is None else self.high
        for _ in range(MAX_REDRAWS):
            bad = (x < lo) | (x > hi)
            if not bad.any():
                break
            x[bad] = rng.normal(self.mean, self.sd, int(bad.sum()))
        return np.clip(x, lo, hi)


def default_apply(driver: str) -> Apply:
    return "rate" if driver in ("gdp", "population") else "change"


def read_uncertainty(ck: Checker, raw: Any, key: str, driver: str, info: Any) -> Uncertainty | None:
    """One ``[scenarios.X.uncertainty]`` entry; ``info`` is the driver's DriverInfo or None if unknown."""
    if info is None:
        ck.add(key, f"未知的驱动因素 '{driver}'", f"unknown driver '{driver}'")
        return None
    t = ck.table(raw, key)
    if t is None:
        return None
    ck.known(t, key, KEYS)
    dist = ck.choice(t.get("dist"), join(key, "dist"), ("normal", "triangular", "uniform", "none"))
    apply = ck.choice(t.get("apply"), join(key, "apply"), ("rate", "change"), default=default_apply(info.id))
    if dist is None or apply is None:
        return None
    if dist == "none":
        return Uncertainty(info.id, "none")
    if info.id == "forest_coverage":
        ck.add(key, "森林覆盖率不影响排放，不设不确定性", "forest coverage does not affect emissions; no uncertainty")
        return None
    if apply == "rate" and info.is_shares:
        ck.add(join(key, "apply"), "比重只能用 apply = \"change\"", 'shares only take apply = "change"')
        return None

    def num(name: str, required: bool) -> float | None:
        return ck.number(t.get(name), join(key, name), minimum=None, required=required)

    if dist == "normal":
        mean, sd = num("mean", True), ck.number(t.get("sd"), join(key, "sd"), above=0.0)
        low, high, mode = num("min", False), num("max", False), None
        if mean is None or sd is None:
            return None
    else:
        low, high = num("min", True), num("max", True)
        mode = num("mode", dist == "triangular")
        mean, sd = 0.0, 0.0
        if low is None or high is None or (dist == "triangular" and mode is None):
            return None
    if not _consistent(ck, key, dist, mean, low, mode, high):
        return None
    return Uncertainty(info.id, dist, apply, mean, sd, low, mode, high)  # type: ignore[arg-type]


def _consistent(ck: Checker, key: str, dist: str, mean: float, low: float | None, mode: float | None,
                high: float | None) -> bool:
    if low is not None and high is not None and not low < high:
        ck.add(key, "min 必须小于 max", "min must be less than max")
        return False
    centre = mode if dist == "triangular" else (mean if dist == "normal" else None)
    if centre is not None and ((low is not None and centre < low) or (high is not None and centre > high)):
        name = "mode" if dist == "triangular" else "mean"
        ck.add(join(key, name), f"{name} 应在 min 与 max 之间", f"{name} must lie between min and max")
        return False
    return True


def perturb(path: Array, draws: Array, u: Uncertainty, kind: str, years: NDArray[np.int64]) -> Array:
    """Apply per-run draws (R,) to a driver path (K, T); returns (R, K, T)."""
    if u.apply == "rate":
        factor = (1.0 + draws[:, None]) ** (years - years[0])[None, :]  # (R, T)
        out = path[None, :, :] * factor[:, None, :]
    else:
        base = path[:, :1]
        out = base[None, :, :] + draws[:, None, None] * (path - base)[None, :, :]
    if kind == "shares":
        out = np.clip(out, 0.0, None)
        total = out.sum(axis=1, keepdims=True)
        out = np.divide(out, total, out=np.full_like(out, 1.0 / out.shape[1]), where=total > 0)
    elif kind == "fraction":
        out = np.clip(out, 0.0, 1.0)
    else:
        out = np.clip(out, 0.0, None)
    return out
