"""No blocking work on the event loop: a check over the route table and a check of the runtime guard."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text

from tanfeng.web.deps import get_db

from .conftest import Fixture
from .loop_guard import guarded

# Async endpoints are allowed only where they must await the request body (multipart uploads, dynamic
# form keys); each hands its work to the thread pool. A new async endpoint must be reviewed and added.
ASYNC_ENDPOINTS = {
    "me",  # reads the session only
    "upload_template", "preview_plan", "upload", "preview", "save", "submit_values", "review_bulk",
    "inventory_upload",
    "enterprise_upload", "project_upload", "api_enterprise_import", "api_project_import",  # multipart lists
}


def _calls(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _calls(sub)


def test_async_code_never_receives_the_database(app: FastAPI) -> None:
    """An ``async`` endpoint or dependency that takes the database would query it on the event loop."""
    offenders, unexpected = [], []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        if inspect.iscoroutinefunction(route.endpoint) and route.endpoint.__name__ not in ASYNC_ENDPOINTS:
            unexpected.append(f"{route.path}: {route.endpoint.__name__}")
        for node in [route.dependant, *_calls(route.dependant)]:
            if node.call is None or not inspect.iscoroutinefunction(node.call):
                continue
            if any(sub.call is get_db for sub in node.dependencies):
                offenders.append(f"{route.path}: {getattr(node.call, '__qualname__', node.call)}")
    assert not offenders, offenders
    assert not unexpected, f"new async endpoints (make them plain def or offload and list them): {unexpected}"


def test_the_guard_catches_sql_in_an_async_handler(fx: Fixture) -> None:
    """The autouse guard is real: an async handler that queries the database is reported."""
    probe = FastAPI()

    @probe.get("/blocking")
    async def blocking(request: Request) -> dict[str, int]:
        with fx.db.engine.connect() as conn:
            return {"n": conn.execute(text("SELECT 1")).scalar_one()}

    @probe.get("/offloaded")
    def offloaded() -> dict[str, int]:
        with fx.db.engine.connect() as conn:
            return {"n": conn.execute(text("SELECT 1")).scalar_one()}

    with guarded() as found:
        assert TestClient(probe).get("/offloaded").json() == {"n": 1}
        assert found == []
        assert TestClient(probe).get("/blocking").json() == {"n": 1}
        assert found and all("SQL on the event loop" in f for f in found)  # BEGIN and the SELECT
        found.clear()  # the outer autouse guard must not fail this test
