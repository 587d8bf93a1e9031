"""Password hashing (Argon2id, memory-hard) and personal access tokens (only a hash is stored)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
TOKEN_PREFIX = "sb_"  # noqa: S105 (a label, not a secret)
# A real hash to verify against when an email has no account, so both answers take as long.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches; costs the same time when there is no account."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def replace_password(user, password: str) -> None:
    """Set a new password and end every session and API token of the account, in one transaction.

    Whoever knew the old password (or held a token made with it) is locked out together.
    """
    from tracker.models import ApiToken, User, UserSession, database

    with database.atomic():
        user.password_hash = hash_password(password)
        user.session_key = User.session_key.default()
        user.save()
        UserSession.end_all(user.id)
        ApiToken.delete().where(ApiToken.user == user.id).execute()


def new_api_token() -> tuple[str, str]:
    """A fresh token to show once, and the hash to store."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """SHA-256 of a high-entropy token: fast to look up, useless if the table leaks."""
    return hashlib.sha256(token.encode()).hexdigest()
