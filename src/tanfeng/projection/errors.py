"""Errors of the projection: a bad scenario file names the file, the key and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from tanfeng.errors import TanfengError


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario file."""

    key: str
    zh: str
    en: str

    def line(self, path: str) -> str:
        where = f"{path}: {self.key}" if self.key else path
        return f"{where}: {self.zh} / {self.en}"


class ScenarioError(TanfengError):
    """A scenario file is invalid; ``problems`` lists every problem, ``str()`` is the first one."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.path = path
        self.problems = problems
        first = problems[0].line(path)
        if len(problems) > 1:
            first += f"（另有 {len(problems) - 1} 处错误 / {len(problems) - 1} more)"
        super().__init__(first)

    def lines(self) -> list[str]:
        """Every problem, one line each (for the CLI and the web)."""
        return [p.line(self.path) for p in self.problems]


class ProjectionError(TanfengError):
    """A request the projection cannot answer (e.g. a year outside the horizon)."""
