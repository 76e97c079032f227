"""Settings: where the database lives and the warning thresholds; read from the environment.

Nothing here opens a connection: an engine is made only when a command or the web app asks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from tanfeng.errors import TanfengError
from tanfeng.tracking.entry import EntryRules

ENV_DATABASE_URL = "TANFENG_DATABASE_URL"
ENV_WARN_GREEN = "TANFENG_WARN_GREEN"
ENV_WARN_RED = "TANFENG_WARN_RED"
ENV_REPORT_GRACE_DAYS = "TANFENG_REPORT_GRACE_DAYS"
ENV_USER = "TANFENG_USER"
ENV_ENTRY_JUMP = "TANFENG_ENTRY_JUMP_PERCENT"  # 同比 change (%) above which a value needs a note
ENV_ENTRY_MAX_RATE = "TANFENG_ENTRY_MAX_YEARLY_RATE"  # plausible average yearly % change of a rate


def default_database_path() -> Path:
    """The embedded SQLite file used when no URL is configured (a per-user data directory)."""
    return Path(user_data_dir("tanfeng", appauthor=False)) / "tanfeng.db"


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def normalise_database_url(value: str) -> str:
    """Accept a URL or a plain file path (taken as a SQLite file); psycopg 3 for PostgreSQL."""
    value = value.strip()
    if "://" not in value:
        return sqlite_url(value)
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


@dataclass(frozen=True)
class Settings:
    """Run-time settings; ``Settings.load()`` reads the environment, arguments override it."""

    database_url: str
    warn_green: float = 1.0
    warn_red: float = 0.5
    report_grace_days: int = 90

    @classmethod
    def load(cls, database: str | None = None) -> Settings:
        url = database or os.environ.get(ENV_DATABASE_URL) or sqlite_url(default_database_path())
        return cls(
            database_url=normalise_database_url(url),
            warn_green=float(os.environ.get(ENV_WARN_GREEN, "1.0")),
            warn_red=float(os.environ.get(ENV_WARN_RED, "0.5")),
            report_grace_days=int(os.environ.get(ENV_REPORT_GRACE_DAYS, "90")),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(self.database_url.split("///", 1)[1]) if "///" in self.database_url else None


def current_user() -> str:
    """Who is acting, for the change history (``TANFENG_USER`` or the login name)."""
    name = os.environ.get(ENV_USER)
    if name:
        return name
    try:
        return os.getlogin()
    except OSError:
        import getpass

        return getpass.getuser()


def _positive(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise TanfengError(f"{name}应为正数（现为“{raw}”）/ {name} must be a positive number (now '{raw}')")
    return value


def entry_rules() -> EntryRules:
    """The entry checks' limits from the environment (defaults: 30 % jump, 20 % a year)."""
    return EntryRules(jump_limit=_positive(ENV_ENTRY_JUMP, EntryRules.jump_limit),
                      max_yearly_rate=_positive(ENV_ENTRY_MAX_RATE, EntryRules.max_yearly_rate))
