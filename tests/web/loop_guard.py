"""Detects blocking work on the event loop during web tests.

Every SQL statement and every file opened while an asyncio loop runs in the current thread is
recorded: FastAPI runs plain ``def`` handlers and dependencies in worker threads (no running
loop there), so a record means an ``async`` handler, dependency or exception handler did blocking
work that would stall every other request.
"""

from __future__ import annotations

import asyncio
import sys
import sysconfig
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Files the interpreter itself opens lazily on first use (mimetypes tables, stdlib/site modules).
_SYSTEM_PREFIXES = tuple({sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
                         | {"/etc/", "/usr/share/", "/dev/", "/proc/"})

_active = False
violations: list[str] = []


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


_local = threading.local()


def _where() -> str:
    _local.busy = True  # extract_stack opens source files: no audit of our own reading
    try:
        frames = [f for f in traceback.extract_stack()[:-3] if "/tanfeng/" in f.filename]
    finally:
        _local.busy = False
    return " <- ".join(f"{f.filename.rsplit('/tanfeng/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames[-4:]))


def _sql(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if _active and _on_loop():
        violations.append(f"SQL on the event loop: {statement.split()[0]} … at {_where()}")


def _audit(name: str, args: tuple[Any, ...]) -> None:
    if not _active or name != "open" or getattr(_local, "busy", False) or not _on_loop():
        return
    path = args[0]
    opened = path.decode() if isinstance(path, bytes) else str(path)
    # Source files are read by inspect/linecache (tracebacks, signature analysis), not by handlers.
    if isinstance(path, int) or opened.startswith(_SYSTEM_PREFIXES) or opened.endswith(".py"):
        return
    violations.append(f"file opened on the event loop: {path!r} at {_where()}")


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Engine, "before_cursor_execute", _sql)
        sys.addaudithook(_audit)  # audit hooks cannot be removed: gated by ``_active``
        _installed = True


@contextmanager
def guarded() -> Iterator[list[str]]:
    """Record blocking work on the event loop inside the block; yields the list of findings."""
    global _active
    install()
    violations.clear()
    _active = True
    try:
        yield violations
    finally:
        _active = False
