"""Signed, expiring, single-use tokens for email links (one-tap actions, unsubscribe, verification,
password reset).

A token carries only ids and an expiry, signed with SECRET_KEY (itsdangerous), so a link reveals
nothing about the person. Expiry is checked against the `now` the caller passes (the app's clock),
and a token is spent by inserting its random id into `used_tokens`: the primary key makes a second
use fail in the database, even when two clicks arrive at once. Spend it inside the same transaction
as the action it allows, so a failed action leaves the token usable.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from peewee import IntegrityError

from tracker.models import UsedToken, database, naive_utc

LIFETIMES: dict[str, timedelta] = {
    "done": timedelta(days=7),
    "snooze": timedelta(days=2),
    "not_today": timedelta(days=7),
    "unsubscribe": timedelta(days=90),
    "verify": timedelta(days=3),
    "details": timedelta(days=1),
    "reset": timedelta(hours=1),
}
_SALT = "secure-base.email-link"


class TokenError(Exception):
    """A token that can't be used: `reason` is "invalid", "expired" or "used" (then `token` says whose)."""

    def __init__(self, reason: str, token: Token | None = None):
        super().__init__(reason)
        self.reason = reason
        self.token = token


@dataclass(frozen=True)
class Token:
    """What a valid token says: what it is for, whose it is, the object it acts on."""

    purpose: str
    user_id: int
    subject: int | str
    jti: str
    extra: dict = field(default_factory=dict)


def _serializer() -> URLSafeSerializer:
    """Signs with SECRET_KEY under a salt of its own, so no other signed value passes for a token."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def make(
    purpose: str, user_id: int, subject: int | str, now: datetime, jti: str | None = None, **extra: object
) -> str:
    """A token for one purpose, user and object (a nudge, a rule, a log), expiring by purpose.

    `jti` names what may happen once (like "done:<nudge>": one "I did it" per email); by default
    each token is its own. It needn't be secret: only a signed token can be spent.
    """
    expires = int((now + LIFETIMES[purpose]).timestamp())
    jti = jti or secrets.token_urlsafe(12)
    return _serializer().dumps({"p": purpose, "u": user_id, "i": subject, "e": expires, "j": jti, **extra})


def read(token: str, purpose: str, now: datetime) -> Token:
    """The token's content when it is genuine, for this purpose, unexpired and unspent."""
    try:
        data = _serializer().loads(token) if len(token) <= 600 else None
    except BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise TokenError("invalid")
    if now.timestamp() > data["e"]:
        raise TokenError("expired")
    core = {"p", "u", "i", "e", "j"}
    token = Token(purpose, data["u"], data["i"], data["j"], {k: v for k, v in data.items() if k not in core})
    if UsedToken.get_or_none(UsedToken.jti == token.jti) is not None:
        raise TokenError("used", token)
    return token


def spend(token: Token, now: datetime) -> None:
    """Mark the token used; TokenError("used") when it already was (call inside a transaction)."""
    try:
        with database.atomic():
            UsedToken.insert(
                jti=token.jti, user=token.user_id, purpose=token.purpose, used_at=naive_utc(now)
            ).execute()
    except IntegrityError as exc:
        raise TokenError("used", token) from exc
