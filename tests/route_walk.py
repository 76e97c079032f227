"""The app's routes with their full paths (included routers' prefixes joined), for tests that visit every page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def get_paths(app: Any) -> list[str]:
    """Every path the app answers GET on, path parameters still in braces, in the app's order."""

    def walk(routes: Any, prefix: str = "") -> Iterator[tuple[set[str], str]]:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from walk(inner.routes, prefix + (inner.prefix or ""))
            elif getattr(route, "methods", None):
                yield route.methods, prefix + route.path

    return [path for methods, path in walk(app.routes) if "GET" in methods]
