"""Outgoing mail through SMTP, configured from the environment (``TANFENG_SMTP_*``).

Without ``TANFENG_SMTP_HOST`` no mail is sent: reminders are then in-app notices only, and the
office's list of reminders says so.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from tanfeng.services.errors import StoreError

ENV_PREFIX = "TANFENG_SMTP_"


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: host, port, optional login, STARTTLS or implicit TLS, the sender address."""

    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False  # implicit TLS (port 465)
    sender: str = "tanfeng@localhost"
    sender_name: str = "碳达峰工作领导小组办公室"
    timeout: float = 20.0

    @classmethod
    def from_env(cls) -> SmtpSettings | None:
        """The settings from ``TANFENG_SMTP_HOST`` etc.; None when no host is set (mail is off)."""
        env = os.environ
        host = env.get(f"{ENV_PREFIX}HOST", "").strip()
        if not host:
            return None
        tls = _flag(f"{ENV_PREFIX}TLS")
        try:
            port = int(env.get(f"{ENV_PREFIX}PORT", "") or (465 if tls else 25))
            timeout = float(env.get(f"{ENV_PREFIX}TIMEOUT", "") or 20)
        except ValueError as err:
            raise StoreError(f"邮件服务器端口或超时设置不是数字：{err}", f"SMTP port or timeout is not a number: {err}") from err
        return cls(host=host, port=port, username=env.get(f"{ENV_PREFIX}USER") or None,
                   password=env.get(f"{ENV_PREFIX}PASSWORD") or None, starttls=_flag(f"{ENV_PREFIX}STARTTLS"),
                   tls=tls, sender=env.get("TANFENG_MAIL_FROM", "").strip() or cls.sender,
                   sender_name=env.get("TANFENG_MAIL_FROM_NAME", "").strip() or cls.sender_name, timeout=timeout)


def build_message(settings: SmtpSettings, recipients: list[str], subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((settings.sender_name, settings.sender))
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1] or "localhost")
    message.set_content(body)  # UTF-8; the mail library picks a transfer encoding Chinese survives
    return message


def send(settings: SmtpSettings, recipients: list[str], subject: str, body: str) -> None:
    """Send one message; raises ``OSError`` / ``smtplib.SMTPException`` when the server refuses it."""
    message = build_message(settings, recipients, subject, body)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.tls:
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.starttls and not settings.tls:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)
