"""Plans: read a published 碳达峰实施方案 into the typed plan model (the JSON contract).

>>> from tanfeng.plans import read
>>> plan = read("shangyou-xian.txt")          # doctest: +SKIP
>>> [t.indicator for t in plan.targets]       # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from tanfeng.errors import PlanReadError
from tanfeng.plans.model import Action, Meta, Parent, Plan, Region, Source, Target, Task

__all__ = [
    "Action", "Meta", "Parent", "Plan", "PlanReadError", "Region", "Source", "Target", "Task",
    "example_plan_path", "read", "read_bytes", "read_text",
]

MAX_BYTES = 64 * 1024 * 1024


def read(path: str | Path) -> Plan:
    """Read a plan file (.txt in any common Chinese encoding, .docx, .pdf, .html) into a ``Plan``."""
    name = str(path)
    try:
        p = Path(path)
        if p.stat().st_size > MAX_BYTES:
            raise PlanReadError(name, "文件过大（超过 64 MiB）", "file too large (over 64 MiB)")
        data = p.read_bytes()
    except IsADirectoryError as err:
        raise PlanReadError(name, "是目录，不是文件", "is a directory, not a file") from err
    except FileNotFoundError as err:
        raise PlanReadError(name, "文件不存在", "file not found") from err
    except PermissionError as err:
        raise PlanReadError(name, "没有读取权限", "permission denied") from err
    except OSError as err:
        raise PlanReadError(name, "无法读取文件", f"cannot read file ({err.strerror})") from err
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str = "-") -> Plan:
    """Read a plan from the bytes of a file; ``name`` is used for messages and ``source.path``."""
    from tanfeng.plans.extract import extract
    from tanfeng.plans.sources import load

    raw = load(data, name)
    sha = hashlib.sha256(data).hexdigest()
    return extract(raw.text, name=name, sha256=sha, fmt=raw.format, encoding=raw.encoding)


def read_text(text: str, name: str = "<text>") -> Plan:
    """Read a plan from a string (notebooks, tests)."""
    from tanfeng.plans.extract import extract

    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return extract(text, name=name, sha256=sha, fmt="txt", encoding=None)


def example_plan_path() -> Path:
    """Path of the bundled reference plan (上犹县碳达峰实施方案, 2023 draft, a public document)."""
    return Path(str(resources.files("tanfeng") / "data" / "examples" / "shangyou-xian.txt"))
