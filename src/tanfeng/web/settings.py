"""Settings of the web workspace, from ``TANFENG_*`` environment variables.

Outside ``demo``/``development`` mode a real secret key is required: an empty, short or
placeholder key is refused, so a forgotten setting never signs production sessions. In
``demo``/``development`` a missing (or placeholder) key is replaced by a random one for this run
(``secret_generated``): nothing is signed with a key anyone else knows.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanfeng.errors import TanfengError

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development", "please-change", "tanfeng"}
MIN_SECRET_LENGTH = 32


class SettingsError(TanfengError):
    pass


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANFENG_", extra="ignore")

    database_url: str | None = None  # None: the embedded SQLite default (tanfeng.config)
    secret_key: SecretStr = SecretStr("")
    mode: Literal["production", "development", "demo"] = "production"
    cookie_secure: bool = False  # set behind HTTPS
    session_max_age: Annotated[int, Field(ge=60, le=30 * 86400)] = 8 * 3600
    login_max_failures: Annotated[int, Field(ge=1, le=1000)] = 5  # free attempts per account name
    login_client_max_failures: Annotated[int, Field(ge=1, le=10000)] = 20  # per client address (offices share one)
    login_backoff_seconds: Annotated[float, Field(ge=0.1, le=86400)] = 30.0  # first wait; doubles per further attempt
    login_backoff_max_seconds: Annotated[float, Field(ge=1, le=7 * 86400)] = 900.0
    login_window_seconds: Annotated[int, Field(ge=1, le=7 * 86400)] = 300  # quiet time after which attempts are forgotten
    redis_url: str | None = None  # e.g. redis://127.0.0.1:6379/0: the login throttle lives there
    max_request_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024  # any request body
    max_upload_bytes: Annotated[int, Field(ge=1024)] = 20 * 1024 * 1024  # file uploads and plan documents
    default_language: Literal["zh", "en"] = "zh"
    # supporting documents (佐证材料); None: beside a SQLite file, else the per-user data directory
    attachments_dir: Path | None = None
    secret_generated: bool = False

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> WebSettings:
        key = self.secret_key.get_secret_value()
        weak = key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH
        if weak and self.mode == "production":
            raise SettingsError(
                f"请设置 TANFENG_SECRET_KEY（至少{MIN_SECRET_LENGTH}个随机字符）/ "
                f"set TANFENG_SECRET_KEY to at least {MIN_SECRET_LENGTH} random characters (placeholder refused)")
        if weak:
            self.secret_key = SecretStr(secrets.token_urlsafe(48))
            self.secret_generated = True
        return self
