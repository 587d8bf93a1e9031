"""Who is calling the API: a bearer token (Settings makes them) or the signed-in session."""

from __future__ import annotations

from datetime import timedelta

from flask import g, request
from flask_login import current_user

from tracker.clock import now
from tracker.models import ApiToken, User, naive_utc
from tracker.security import hash_token
from tracker.views.api.base import PUBLIC, bp, error

# Settings shows the day a token was last used: a write on every request would cost more than the read.
LAST_USED_EVERY = timedelta(hours=1)


@bp.before_request
def authenticate():
    """Set g.user from a bearer token or the session; answer 401 otherwise."""
    if request.endpoint in PUBLIC:
        return None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = None
        if scheme == "Bearer" and 0 < len(token) <= 200:
            user = User.by_token_hash(hash_token(token.strip()))
        if user is None:
            return error("Invalid or revoked token.", 401)
        stamp = naive_utc(now())
        if user.token_last_used_at is None or stamp - user.token_last_used_at >= LAST_USED_EVERY:
            ApiToken.update(last_used_at=stamp).where(ApiToken.id == user.token_id).execute()
        g.user = user
    elif current_user.is_authenticated:
        g.user = current_user._get_current_object()
    else:
        return error("Log in or send a bearer token.", 401)
