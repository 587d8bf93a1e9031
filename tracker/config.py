"""Configuration: defaults, then `instance/config.py`, then the environment, then a test dict.

The names and defaults are the contract in DESIGN.md's configuration table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

ENV_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "BASE_URL",
    "MAIL_URL",
    "MAIL_FROM",
    "SCHEDULER",
    "RATELIMIT_STORAGE_URL",
    "RATELIMIT_ENABLED",
    "PAGE_CACHE_BYTES",
)


def _defaults(instance: Path) -> dict:
    """The documented defaults, with paths inside the instance folder."""
    return {
        "DATABASE_URL": f"sqlite:///{instance / 'tracker.db'}",
        "BASE_URL": "http://127.0.0.1:5000",
        "MAIL_URL": f"file://{instance / 'outbox'}",
        "MAIL_FROM": "Secure Base <reminders@localhost>",
        "SCHEDULER": "0",
        "RATELIMIT_STORAGE_URL": "memory://",
        "RATELIMIT_ENABLED": "1",
        "LOGS_PER_PAGE": 20,
        "PAGE_CACHE_BYTES": 32 * 1024 * 1024,  # rendered pages per process; 0 turns the cache off
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 90,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_CHECK_DEFAULT": False,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
    }


def _secret_key(instance: Path) -> str:
    """A random key generated once into `instance/secret_key`, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(app: Flask, overrides: dict | None) -> None:
    """Fill `app.config` in the documented order of precedence."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(_defaults(instance))
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    https = str(app.config["BASE_URL"]).startswith("https://")
    # Flask defaults SESSION_COOKIE_SECURE to False, so a setdefault would never turn it on: https
    # switches both cookies to Secure (a setting can add the flag over http, never drop it over https).
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        app.config[key] = bool(app.config.get(key)) or https
