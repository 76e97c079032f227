"""Helpers of the browser tests: logging in as a demo account."""

from __future__ import annotations

from typing import Any

from tanfeng.services.demo import DemoResult


def demo_password(demo: DemoResult, username: str) -> str:
    return next(a.password for a in demo.accounts if a.username == username)


def log_in(page: Any, server: str, demo: DemoResult, username: str) -> None:
    """Log in through the login form as a demo account and wait for the overview."""
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo_password(demo, username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
