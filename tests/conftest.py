from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def reference_plan_path() -> Path:
    from tanfeng.plans import example_plan_path

    return example_plan_path()
