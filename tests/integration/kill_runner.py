"""Run a ``tanfeng`` command that stops, mid-work, to be killed with SIGKILL by the test (not a test itself).

    python kill_runner.py MARKER sql N   -- tanfeng args…   # pause before the N-th INSERT
    python kill_runner.py MARKER write SUFFIX -- tanfeng args…   # pause half-way into writing a *SUFFIX file

At the pause it writes MARKER and sleeps; the test then kills the process, exactly where the
command is inside its transaction (or its output file), with the work before it really done.
"""

from __future__ import annotations

import builtins
import io
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _pause(marker: Path) -> None:
    marker.write_text("paused", encoding="utf-8")
    while True:
        time.sleep(60)


def pause_at_insert(marker: Path, n: int) -> None:
    seen = 0

    @event.listens_for(Engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal seen
        if statement.lstrip().upper().startswith("INSERT"):
            seen += 1
            if seen == n:
                _pause(marker)


class _HalfWriter:
    """A binary file that stops (for ever) half-way through its first large write."""

    def __init__(self, raw: Any, marker: Path) -> None:
        self._raw, self._marker = raw, marker

    def write(self, data: bytes) -> int:
        if len(data) > 1024:
            self._raw.write(data[: len(data) // 2])
            self._raw.flush()
            _pause(self._marker)
        return int(self._raw.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.close()


def pause_in_write(marker: Path, suffix: str) -> None:
    real_open = io.open

    def opener(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if "w" in mode and "b" in mode and suffix in str(file):
            return _HalfWriter(handle, marker)
        return handle

    io.open = builtins.open = opener  # type: ignore[assignment]


def main() -> None:
    marker, kind, arg = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    assert sys.argv[4] == "--"
    if kind == "sql":
        pause_at_insert(marker, int(arg))
    else:
        pause_in_write(marker, arg)
    from tanfeng.cli import app

    app(sys.argv[5:], prog_name="tanfeng")


if __name__ == "__main__":
    main()
