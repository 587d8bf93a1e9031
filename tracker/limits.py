"""Rate limits (Flask-Limiter): sign-in, sign-up, password reset and the address check, per IP and
per account; API writes per token. Storage from RATELIMIT_STORAGE_URL (memory:// in one process,
redis:// when several serve); RATELIMIT_ENABLED=0 switches them off.

The address is the client's: behind TRUSTED_PROXIES reverse proxies, ProxyFix (create_app) takes it
from X-Forwarded-For; with 0 that header is ignored, so a client can't name a fresh address per try.
The limits name the POST endpoints, the only ones that sign in, sign up or send mail.

Sign-in counts wrong passwords only, in three buckets, so a guesser is slowed without locking the owner
out:
- 10 per 15 minutes per (account, address): the owner's own mistakes, or one guesser at one account;
  a guesser elsewhere never fills the owner's bucket.
- 50 a day per account, from anywhere: a botnet gets 50 guesses a day at an account (under 20,000 a
  year, against passwords of at least 10 characters); the owner can always get in through a reset link,
  which signs in without this form.
- 20 a minute and 100 an hour per address: one address trying many accounts (credential stuffing).
Sign-up and reset requests send mail, so they count every try, per address and per typed account.

Each app gets a limiter of its own (so counts never leak between apps, as in tests), and the limits
are attached to the registered views here, in one table, rather than scattered over the blueprints.
A breach raises 429, which errors.py answers with the friendly page (JSON under /api/) and the
limiter's Retry-After header.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, Response, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

OFF = {"0", "false", "no", "off", ""}
WRITES = ["POST", "PATCH", "PUT", "DELETE"]


def _digest(value: str) -> str:
    """A short digest, so the limit store never holds addresses or tokens."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:24]


def by_ip() -> str:
    """The client's address (behind a proxy, ProxyFix makes this the real client)."""
    return "ip:" + (get_remote_address() or "unknown")


def by_typed_email() -> str:
    """The account a form names, however it is capitalised or padded."""
    email = request.form.get("email", "")
    return "email:" + _digest(email.strip().lower() if isinstance(email, str) else "")


def by_typed_email_and_ip() -> str:
    """The account a form names, from this address."""
    return by_typed_email() + "|" + by_ip()


def by_user() -> str:
    """The signed-in account (all its sessions together)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else by_ip()


def by_api_client() -> str:
    """The bearer token, or the session's account when the browser calls the API."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + _digest(header)
    return "user:" + str(getattr(g, "user", None) and g.user.id)


def _failed(response: Response) -> bool:
    """Only wrong passwords count against the login limit: signing in often is fine."""
    return response.status_code == 401


# endpoint -> (limit, key, methods, deduct_when)
Rule = tuple[str, Callable[[], str], list[str], Callable[[Response], bool] | None]
LIMITS: dict[str, list[Rule]] = {
    "auth.sign_in_with_password": [
        ("20/minute;100/hour", by_ip, ["POST"], _failed),
        ("10/15 minutes", by_typed_email_and_ip, ["POST"], _failed),
        ("50/day", by_typed_email, ["POST"], _failed),
    ],
    # The idle lock's password (views/lock.py): wrong ones only, like signing in, per account.
    "lock.unlock_with_password": [
        ("20/minute;100/hour", by_ip, ["POST"], _failed),
        ("10/15 minutes;50/day", by_user, ["POST"], _failed),
    ],
    "auth.create_account": [("10/hour", by_ip, ["POST"], None), ("3/hour", by_typed_email, ["POST"], None)],
    "recovery.send_reset_link": [
        ("10/hour", by_ip, ["POST"], None),
        ("3/hour", by_typed_email, ["POST"], None),
    ],
    "recovery.set_password": [("30/hour", by_ip, ["POST"], None)],
    "reminders.resend_verification": [
        ("10/hour", by_ip, ["POST"], None),
        ("3/hour", by_user, ["POST"], None),
    ],
    **{
        endpoint: [("120/minute;2000/hour", by_api_client, WRITES, None)]
        for endpoint in (
            "api.create",
            "api.update",
            "api.delete",
            "api.reminders_create",
            "api.reminders_update",
            "api.reminders_delete",
            "api.push_subscribe",
            "api.push_unsubscribe",
        )
    },
}


def enabled(app: Flask) -> bool:
    """RATELIMIT_ENABLED as a boolean ("0", "false", "off" switch limits off)."""
    value = app.config.get("RATELIMIT_ENABLED", True)
    return value if isinstance(value, bool) else str(value).strip().lower() not in OFF


def init_app(app: Flask) -> Limiter | None:
    """A limiter of this app's own, wrapped around the views in LIMITS (call after the blueprints)."""
    app.config["RATELIMIT_ENABLED"] = enabled(app)  # Flask-Limiter reads it, and "0" is truthy
    if not app.config["RATELIMIT_ENABLED"]:
        return None
    limiter = Limiter(
        key_func=by_ip,
        storage_uri=app.config["RATELIMIT_STORAGE_URL"],
        headers_enabled=True,  # Retry-After (and X-RateLimit-*) on answers
        swallow_errors=True,  # an unreachable Redis must not take the site down: limits fail open
        key_prefix="secure-base",
    )
    limiter.init_app(app)
    for endpoint, rules in LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for value, key, methods, deduct_when in rules:
            view = limiter.limit(value, key_func=key, methods=methods, deduct_when=deduct_when)(view)
        app.view_functions[endpoint] = view
    return limiter
