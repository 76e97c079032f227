"""Settings of the web workspace, from ``TANFENG_*`` environment variables.

Outside ``demo``/``development`` mode a real secret key is required: an empty, short or
placeholder key is refused, so a forgotten setting never signs production sessions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, model_validator
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
    session_max_age: int = 8 * 3600
    login_max_failures: int = 5  # per client and per user name within the window
    login_window_seconds: int = 300
    default_language: Literal["zh", "en"] = "zh"

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> WebSettings:
        key = self.secret_key.get_secret_value()
        if self.mode == "production" and (key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH):
            raise SettingsError(
                f"请设置 TANFENG_SECRET_KEY（至少{MIN_SECRET_LENGTH}个随机字符）/ "
                f"set TANFENG_SECRET_KEY to at least {MIN_SECRET_LENGTH} random characters (placeholder refused)")
        return self
