"""The web workspace (FastAPI, server-rendered Jinja2 pages, JSON API under /api/v1).

``create_app`` and ``WebSettings`` are imported lazily so the CLI starts without loading FastAPI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WebSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from tanfeng.web.app import create_app

        return create_app
    if name == "WebSettings":
        from tanfeng.web.settings import WebSettings

        return WebSettings
    raise AttributeError(name)
