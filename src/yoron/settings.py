"""yoron's settings: one typed object; defaults < TOML file < ``YORON_*`` environment."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import msgspec

ENV_PREFIX = "YORON_"


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    """Every setting yoron reads. Each one is documented in docs/settings.md."""

    database_url: str = "sqlite:///yoron.db"
    secret_key: str = ""
    public_url: str = ""
    comment_max_length: int = 10_000
    author_name_max_length: int = 64
    request_max_bytes: int = 256 * 1024
    page_size_default: int = 50
    page_size_max: int = 200
    counts_max_keys: int = 100
    votes_per_network_per_minute: int = 600
    posts_per_writer_per_minute: int = 20
    posts_per_network_per_minute: int = 120
    moderation_plugins: str = ""
    rate_limit_storage: str = "memory://"
    trusted_proxies: str = "127.0.0.1,::1"
    page_cache_entries: int = 4096
    page_cache_megabytes: int = 64
    sqlite_synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = "FULL"
    sqlite_busy_timeout_ms: int = 5000
    pg_pool_min: int = 2
    pg_pool_max: int = 10
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    session_days: int = 30
    email_link_minutes: int = 60
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    mail_from: str = "yoron <noreply@localhost>"
    log_level: Literal["debug", "info", "warning", "error"] = "info"


def setting_names() -> tuple[str, ...]:
    return Settings.__struct_fields__


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build settings from defaults, then a TOML file, then ``YORON_*`` variables, then overrides.

    The file is ``config_file`` if given, else ``$YORON_CONFIG`` if set.
    Raises ``SettingsError`` naming the offending setting.
    """
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    if path:
        try:
            data.update(tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read settings file {path}: {exc}") from exc
    for name in setting_names():
        value = env.get(ENV_PREFIX + name.upper())
        if value is not None:
            data[name] = value
    data.update(overrides)
    unknown = sorted(set(data) - set(setting_names()))
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
    try:
        return msgspec.convert(data, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid setting: {exc}") from exc


class SettingsError(ValueError):
    """The settings file or environment holds something yoron cannot use."""
