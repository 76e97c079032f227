"""一企一策 sums."""

from __future__ import annotations

from datetime import date

import pytest

from tanfeng.enterprises.measures import MeasureState, totals


def test_sums_against_the_target_skip_cancelled_and_count_overdue() -> None:
    states = [MeasureState(1, 1, 1000.0, 2600.0, 400.0, 1040.0, date(2025, 6, 30), "in_progress"),
              MeasureState(2, 2, 500.0, 1300.0, 500.0, 1300.0, date(2024, 12, 31), "done"),
              MeasureState(3, 2, 9999.0, 1.0, 0.0, 0.0, None, "cancelled")]
    t = totals(states, date(2025, 7, 1), target_tce=3000.0)
    assert (t.measures, t.expected_tce, t.achieved_tce, t.overdue) == (2, 1500.0, 900.0, 1)
    assert t.share_of_target() == pytest.approx(0.5)
    assert t.share_of_target(achieved=True) == pytest.approx(0.3)
    assert t.share_of_target(co2=True) is None
