from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore new random inputs on every developer run; in CI they replay a fixed
# sequence so that a landing is never decided by an unlucky draw (failures found locally are
# kept by hypothesis's example database and turned into unit tests).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def reference_plan_path() -> Path:
    from tanfeng.plans import example_plan_path

    return example_plan_path()
