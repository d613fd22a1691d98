"""Email over SMTP (aiosmtplib), and a mailer that keeps messages for development."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Literal

import aiosmtplib

log = logging.getLogger("yoron.mail")


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 25
    security: Literal["none", "starttls", "tls"] = "none"
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = "yoron <noreply@localhost>"
    timeout: float = 10.0


class SmtpMailer:
    """Sends each message over a fresh SMTP connection."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, to: str, subject: str, text: str) -> None:
        config = self.config
        message = EmailMessage()
        message["From"] = config.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        await aiosmtplib.send(
            message,
            hostname=config.host,
            port=config.port,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            username=config.username or None,
            password=config.password or None,
            timeout=config.timeout,
        )


class LogMailer:
    """Without an SMTP server configured, messages go to the log (never their links in production)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, to: str, subject: str, text: str) -> None:
        self.sent.append((to, subject, text))
        log.warning("no SMTP host is configured; not sending %r to %s", subject, to)
