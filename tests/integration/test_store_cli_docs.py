"""Every command is documented: a help text (Chinese / English) and a mention in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from tanfeng.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[tuple[str, Any]]:
    root: Any = typer.main.get_command(app)
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        out.append((prefix, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(f"{prefix} {name}", sub)

    for name in root.list_commands(None):
        walk(name, root.get_command(None, name))  # sub-command groups load lazily
    return out


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_command_is_documented(name: str, command: Any) -> None:
    help_text = command.help or ""
    assert "/" in help_text and any("\u4e00" <= ch <= "\u9fff" for ch in help_text), name
    assert f"tanfeng {name}" in README.read_text(encoding="utf-8"), f"README does not mention 'tanfeng {name}'"
