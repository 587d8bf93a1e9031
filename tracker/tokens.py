"""Sealed, expiring, single-use tokens for email links (one-tap actions, unsubscribe, verification,
password reset).

A token is its content (whose, what for, which object, until when) sealed with AES-SIV (RFC 5297,
from the `cryptography` package) under a key derived from SECRET_KEY: encrypted and authenticated, so
a link shows no ids and can't be forged or altered. SIV needs no nonce, so there is nothing to repeat
however many links the dispatcher writes, and it adds only 16 bytes: links stay short for mail apps
that wrap long lines. The purpose is authenticated too, so a snooze token never passes as "I did it".

A token is bound to its account: it carries the start of the user's random `token_key` (users, m0008),
checked against the account the token names when it is read, so a deleted account's links never act
in another. Expiry is checked against the `now` the caller passes (the app's clock), and a token is
spent by inserting its one-time id (`jti`) into `used_tokens`: the primary key makes a second use fail
in the database, even when two clicks arrive at once. Spend it inside the same transaction as the
action it allows, so a failed action leaves the token usable.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from flask import current_app
from peewee import IntegrityError

from tracker.models import UsedToken, User, database, naive_utc

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

LIFETIMES: dict[str, timedelta] = {
    "done": timedelta(days=7),
    "snooze": timedelta(days=2),
    "not_today": timedelta(days=7),
    "unsubscribe": timedelta(days=90),
    "fresh_off": timedelta(days=90),  # a fresh-start email's "stop these" (one-click too)
    "verify": timedelta(days=3),
    "details": timedelta(days=1),
    "reset": timedelta(hours=1),
}
MAX_LENGTH = 600  # longer input is refused before any work
KEY_TAG = 12  # hex digits of the account's token_key a token carries (48 bits)
_INFO = b"secure-base.email-link.v2"  # the derived key's own purpose: no other use of SECRET_KEY shares it


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


@lru_cache(maxsize=4)
def _cipher_for(secret: str | bytes) -> AESSIV:
    """AES-256-SIV under a key derived (HKDF-SHA256) from the secret; derived once per secret."""
    # Imported on first use, not with the module: `cryptography` weighs about 7 MB in every web worker,
    # and only email links (a small share of requests) ever open or seal a token.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    raw = secret if isinstance(secret, bytes) else secret.encode()
    key = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=_INFO).derive(raw)
    return AESSIV(key)


def _cipher() -> AESSIV:
    return _cipher_for(current_app.config["SECRET_KEY"])


def _encode(sealed: bytes) -> str:
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def _owner(user: User | int) -> tuple[int, str]:
    """The account's id and token_key, from the User at hand or read by id."""
    if isinstance(user, User):
        if user.token_key:
            return user.id, user.token_key
        user = user.id
    key = User.select(User.token_key).where(User.id == user).scalar()
    if key is None:
        raise LookupError(f"no account {user} to make a token for")
    return user, key


def make(
    purpose: str, user: User | int, subject: int | str, now: datetime, jti: str | None = None, **extra: object
) -> str:
    """A token for one purpose, user (a User or an id) and object (a nudge, a rule, a log).

    `jti` names what may happen once (like "done:<nudge marker>": one "I did it" per email); by default
    each token is its own. It is sealed in the token like everything else.
    """
    user_id, key = _owner(user)
    expires = int((now + LIFETIMES[purpose]).timestamp())
    jti = jti or secrets.token_urlsafe(12)
    body = json.dumps([user_id, subject, expires, jti, key[:KEY_TAG], extra], separators=(",", ":"))
    return _encode(_cipher().encrypt(body.encode(), [purpose.encode()]))


def _open(token: object, purpose: str) -> list | None:
    """The sealed content, or None for anything this app didn't seal for this purpose."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_LENGTH:
        return None
    from cryptography.exceptions import InvalidTag  # see _cipher_for

    try:
        sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        if _encode(sealed) != token:  # one spelling per token: no variant passes
            return None
        data = json.loads(_cipher().decrypt(sealed, [purpose.encode()]))
    except (ValueError, binascii.Error, InvalidTag):
        return None
    shaped = isinstance(data, list) and len(data) == 6 and isinstance(data[5], dict)
    return data if shaped else None


def read(token: str, purpose: str, now: datetime) -> Token:
    """The token's content when it is genuine, for this purpose, of a living account, unexpired and
    unspent."""
    data = _open(token, purpose)
    if data is None:
        raise TokenError("invalid")
    user_id, subject, expires, jti, tag, extra = data
    key = User.select(User.token_key).where(User.id == user_id).scalar()
    if key is None or not hmac.compare_digest(key[:KEY_TAG], tag):
        raise TokenError("invalid")  # the account is gone (or it is another one with its id)
    if now.timestamp() > expires:
        raise TokenError("expired")
    found = Token(purpose, user_id, subject, jti, extra)
    if UsedToken.get_or_none(UsedToken.jti == jti) is not None:
        raise TokenError("used", found)
    return found


def spend(token: Token, now: datetime) -> None:
    """Mark the token used; TokenError("used") when it already was (call inside a transaction)."""
    try:
        with database.atomic():
            UsedToken.insert(
                jti=token.jti, user=token.user_id, purpose=token.purpose, used_at=naive_utc(now)
            ).execute()
    except IntegrityError as exc:
        raise TokenError("used", token) from exc
