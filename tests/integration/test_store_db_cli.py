"""``tanfeng db info``, ``db backup`` and ``db restore`` run as a user runs them: a fresh process each time."""

from __future__ import annotations

import json
import subprocess
import sys


def tanfeng(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command in its own interpreter: nothing imported by the test process hides a missing import."""
    return subprocess.run([sys.executable, "-m", "tanfeng", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_db_info_counts_every_table_in_a_fresh_process(db_url: str) -> None:
    result = tanfeng("db", "info", "--db", db_url, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "error" not in data, data["error"]
    assert data["revision"] == data["head_revision"]
    assert data["rows"]["users"] == 0 and data["rows"]["units"] == 0 and data["rows"]["observations"] == 0


def test_db_info_of_an_unreachable_database_says_so_and_fails() -> None:
    result = tanfeng("db", "info", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "错误 error: OperationalError" in result.stdout
