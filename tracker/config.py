"""Configuration: defaults, then `instance/config.py`, then the environment, then a test dict.

The names and defaults are the contract in DESIGN.md's configuration table.
"""

from __future__ import annotations

import base64
import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

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
    "TRUSTED_PROXIES",
    "VAPID_PRIVATE_KEY",
    "VAPID_SUBJECT",
    "PUSH_ALLOWED_HOSTS",
)
# Where the browsers' push services receive messages (a subscription's endpoint names one of them):
# Chrome, Edge's Chromium and Opera use FCM, Firefox Mozilla's autopush, Safari and every iPhone Apple's,
# the Windows apps WNS. A host is allowed when it is one of these or ends in "." + one of these.
PUSH_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)
LOCAL_NAMES = ("localhost", "127.0.0.1")
# The order of the P-256 group: a private key is a number from 1 to N - 1 (SEC 1, section 3.2.1).
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


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
        "TRUSTED_PROXIES": 0,  # reverse proxies in front that set X-Forwarded-For/-Proto/-Host
        "PUSH_ALLOWED_HOSTS": " ".join(PUSH_HOSTS),
        "LOGS_PER_PAGE": 20,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 90,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_CHECK_DEFAULT": False,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Flask-Compress: brotli, else gzip, at settings that cost under a millisecond for a 20 KB page.
        # Text formats only (PNG and the like are compressed already and only grow); static files
        # are compressed once at start-up instead (tracker/assets.py).
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_BR_LEVEL": 3,  # 4 made Month 4% smaller for 0.15 ms more per page (2%), 5 8% for 0.4 ms
        # A 256 KiB window, not brotli's 4 MiB: every page is far smaller, so it compresses the same, and
        # the encoder no longer sets up (and a worker no longer keeps) megabytes for each response.
        "COMPRESS_BR_WINDOW": 18,
        "COMPRESS_LEVEL": 6,
        "COMPRESS_MIN_SIZE": 500,  # below this a compressed body saves less than the headers it adds
        "COMPRESS_STREAMS": False,  # streamed answers go out as they are made
        "COMPRESS_MIMETYPES": [
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "application/xml",
            "image/svg+xml",
            "text/css",
            "text/csv",
            "text/html",
            "text/javascript",
            "text/plain",
        ],
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
    app.config["TRUSTED_PROXIES"] = _proxy_count(app.config["TRUSTED_PROXIES"])
    if not app.config.get("VAPID_PRIVATE_KEY"):
        app.config["VAPID_PRIVATE_KEY"] = _vapid_key(instance)
    app.config["VAPID_SUBJECT"] = _vapid_subject(app.config)
    app.config["PUSH_ALLOWED_HOSTS"] = _push_hosts(app.config["PUSH_ALLOWED_HOSTS"])
    https = str(app.config["BASE_URL"]).startswith("https://")
    # Flask defaults SESSION_COOKIE_SECURE to False, so a setdefault would never turn it on: https
    # switches both cookies to Secure (a setting can add the flag over http, never drop it over https).
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        app.config[key] = bool(app.config.get(key)) or https
    if https:
        _host_only_cookies(app)


def _vapid_key(instance: Path) -> str:
    """A P-256 private key (base64url of its 32 bytes) generated once into `instance/vapid_private_key`.

    Push services tie each subscription to the public half, so the key must outlive restarts: a new one
    would silently orphan every phone's subscription. Written beside the target and linked into place,
    so processes starting together never read half a key; the first one wins.
    """
    path = instance / "vapid_private_key"
    if not path.exists():
        scalar = 1 + secrets.randbelow(P256_ORDER - 1)
        encoded = base64.urlsafe_b64encode(scalar.to_bytes(32, "big")).rstrip(b"=").decode("ascii")
        draft = instance / f".vapid_private_key.{os.getpid()}.{secrets.token_hex(4)}"
        draft.write_text(encoded)
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _vapid_subject(config: dict) -> str:
    """The contact push services are given (RFC 8292's `sub`): VAPID_SUBJECT, else `mailto:` and the
    address of MAIL_FROM. Push services refuse a localhost contact, so with the default sender on a
    site served over https the site's own address is the contact instead."""
    subject = str(config.get("VAPID_SUBJECT") or "").strip()
    if subject:
        if not _real_contact(subject):
            raise ValueError(
                "VAPID_SUBJECT must be a real contact, mailto:someone@example.org or https://example.org, "
                f"not {subject!r} (push services refuse localhost)"
            )
        return subject
    _, address = parseaddr(str(config["MAIL_FROM"]))
    subject = f"mailto:{address}"
    base = str(config["BASE_URL"]).rstrip("/")
    if not _real_contact(subject) and _real_contact(base):
        return base
    return subject


def _real_contact(subject: str) -> bool:
    """A mailto: address or an https: URL whose host is a name other than localhost."""
    if subject.startswith("mailto:"):
        host = subject.rpartition("@")[2]
    elif subject.startswith("https://"):
        host = urlsplit(subject).hostname or ""
    else:
        return False
    host = host.lower().rstrip(".")
    return "." in host and host not in LOCAL_NAMES and not host.endswith(".localhost")


def _push_hosts(value: object) -> tuple[str, ...]:
    """PUSH_ALLOWED_HOSTS as lowercase host names, from text (separated by spaces or commas) or a list."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value or ())
    return tuple(dict.fromkeys(str(item).strip().lower().strip(".") for item in items if str(item).strip()))


def _proxy_count(value: object) -> int:
    """TRUSTED_PROXIES as a count of proxies; anything else stops the start with a clear message."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > 10:
        raise ValueError(f"TRUSTED_PROXIES must be a number of proxies from 0 to 10, not {value!r}")
    return int(text)


def _host_only_cookies(app: Flask) -> None:
    """`__Host-` names over https: browsers then accept the cookies only Secure, for Path=/ and without a
    Domain, so neither a sibling subdomain nor plain http can plant or overwrite them. Names set on
    purpose are kept."""
    if app.config.get("SESSION_COOKIE_NAME", "session") == "session":
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    app.config.setdefault("REMEMBER_COOKIE_NAME", "__Host-remember_token")
    for cookie in ("SESSION", "REMEMBER"):
        if str(app.config[f"{cookie}_COOKIE_NAME"]).startswith("__Host-"):
            app.config[f"{cookie}_COOKIE_PATH"] = "/"
            app.config[f"{cookie}_COOKIE_DOMAIN"] = None
