"""动态监控: actual energy against the 节能审查 figure."""

from __future__ import annotations

import pytest

from tanfeng.enterprises.monitoring import ApprovedProject, check_projects


def test_fifteen_percent_over_is_flagged_ten_is_not() -> None:
    p = ApprovedProject(1, "熟料线", "operating", 10000.0, 12000.0)
    over = check_projects([p], 2024, 11500.0, None)
    assert len(over) == 1 and over[0].flagged and over[0].method == "calorific"
    assert over[0].over_share == pytest.approx(0.15)
    assert not check_projects([p], 2024, 11000.0, None)[0].flagged
    assert check_projects([p], 2024, 11500.0, None, threshold=0.2)[0].flagged is False


def test_only_operating_projects_are_checked() -> None:
    p = ApprovedProject(1, "拟建线", "proposed", 10000.0, None)
    assert check_projects([p], 2024, 20000.0, None) == []


def test_several_projects_share_the_enterprise_total() -> None:
    a = ApprovedProject(1, "一线", "operating", 6000.0, None)
    b = ApprovedProject(2, "二线", "retrofit", 4000.0, None)
    checks = check_projects([a, b], 2024, 11600.0, None)
    assert [c.shared for c in checks] == [True, True]
    assert checks[0].approved_tce == 10000.0 and checks[0].flagged


def test_equivalent_method_when_only_that_is_approved() -> None:
    p = ApprovedProject(1, "线", "operating", None, 10000.0)
    assert check_projects([p], 2024, 9000.0, None) == []  # no 等价值 actual: nothing compared
    c = check_projects([p], 2024, 9000.0, 11600.0)[0]
    assert c.method == "equivalent" and c.flagged
