"""Driver paths: how a driver moves from its base-year value to the end of the horizon.

Three ways to write a path, as analysts do in LEAP-style tools:

* ``growth``: annual growth rates per period (``{"2021-2025" = 0.07}``), compounding;
* ``milestones``: values in given years, linearly interpolated, held after the last;
* ``steps``: a value from a year on, held until the next step.

Milestone and step values are absolute unless ``relative`` is set, in which case they
are multiples of the base-year value (1.0 = unchanged). Share drivers (economic
structure, fuel mix) carry a vector per year; their values are shares summing to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
PathKind = Literal["growth", "milestones", "steps", "constant"]


@dataclass(frozen=True)
class Period:
    """Years ``first``..``last`` inclusive with an annual growth ``rate``."""

    first: int
    last: int
    rate: float


@dataclass(frozen=True)
class PathSpec:
    """A driver path. ``points`` hold (year, values) for milestones/steps; ``periods`` for growth."""

    kind: PathKind
    periods: tuple[Period, ...] = ()
    points: tuple[tuple[int, tuple[float, ...]], ...] = ()
    relative: bool = False

    @staticmethod
    def constant() -> PathSpec:
        return PathSpec(kind="constant")


def evaluate(spec: PathSpec, base: Array, years: NDArray[np.int64]) -> Array:
    """Values of the path over ``years`` (first = base year), shape ``(len(base), len(years))``."""
    base = np.asarray(base, dtype=float)
    if spec.kind == "constant":
        return np.repeat(base[:, None], len(years), axis=1)
    if spec.kind == "growth":
        return base[:, None] * growth_index(spec.periods, years)[None, :]
    values = np.array([v for _, v in spec.points], dtype=float)  # (P, K)
    if spec.relative:
        values = values * base[None, :]
    point_years = np.array([y for y, _ in spec.points], dtype=float)
    if spec.kind == "milestones":
        xs = np.concatenate([[years[0]], point_years])
        ys = np.concatenate([base[None, :], values], axis=0)
        return np.stack([np.interp(years, xs, ys[:, k]) for k in range(len(base))])
    # steps: index of the last step at or before each year (-1 = before the first: base value)
    idx = np.searchsorted(point_years, years, side="right") - 1
    table = np.concatenate([base[None, :], values], axis=0)
    return table[idx + 1].T.copy()


def growth_index(periods: tuple[Period, ...], years: NDArray[np.int64]) -> Array:
    """Cumulative index (1 at the base year) from annual rates; periods must cover years[1:]."""
    rates = np.zeros(len(years))
    for p in periods:
        mask = (years >= p.first) & (years <= p.last)
        rates[mask] = p.rate
    rates[0] = 0.0
    return np.cumprod(1.0 + rates).astype(np.float64)


def coverage_problem(periods: tuple[Period, ...], first: int, last: int) -> str | None:
    """Why the growth periods do not cover ``first``..``last`` exactly once, or None."""
    seen: dict[int, int] = {}
    for p in periods:
        if p.last < p.first:
            return f"{p.first}-{p.last}"
        for y in range(p.first, p.last + 1):
            seen[y] = seen.get(y, 0) + 1
    twice = sorted(y for y, n in seen.items() if n > 1)
    if twice:
        return f"overlap {twice[0]}"
    missing = [y for y in range(first, last + 1) if y not in seen]
    if missing:
        return f"missing {missing[0]}"
    return None
