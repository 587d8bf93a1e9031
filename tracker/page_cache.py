"""Rendered pages per user, kept until anything they show changes.

Three years of logs make a review page cost tens of milliseconds to compute and render; the same page
again costs a lookup. A cached page is keyed on everything it depends on: the URL and the htmx headers,
the user's row (time zone, target, email...), their revision (bumped by database triggers whenever their
logs, people, pauses or practice change: migration m0006), their local date, and the session's CSRF
secret (the forms in the page carry tokens of that session). So no write has to remember to invalidate
anything, and a stale page can't be served. The store is per process, bounded in bytes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, current_app, g, make_response, request, session
from flask.globals import request_ctx
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker.insights import local_date_of
from tracker.models import User
from tracker.views.common import now

# Request headers a page's rendering depends on (htmx asks for fragments or whole pages with them).
VARYING_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Target")
# Response headers not replayed: cookies belong to the request that set them; the length is recomputed.
NOT_REPLAYED = frozenset({"set-cookie", "content-length"})
CACHEABLE_TYPES = frozenset({"text/html", "application/json"})


@dataclass(frozen=True)
class CachedPage:
    """A response as the view returned it, before the after-request hooks (headers, compression)."""

    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers) + 64


class PageCache:
    """A least-recently-used store of pages, bounded by the bytes it holds; safe across threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        if page.size > self.max_bytes // 4:  # one huge page must not flush everyone else's
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= evicted.size

    def __len__(self) -> int:
        return len(self._pages)


def init_app(app: Flask) -> None:
    """One store per app (so per worker process); PAGE_CACHE_BYTES = 0 switches caching off."""
    max_bytes = int(app.config["PAGE_CACHE_BYTES"])
    app.extensions["page_cache"] = PageCache(max_bytes) if max_bytes > 0 else None


def session_user() -> User | None:
    """The logged-in user of a browser session."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def token_user() -> User | None:
    """The user an API request authenticated as (tracker/views/api.py sets it)."""
    return g.get("user")


def page_key(user: User) -> str | None:
    """The key of this request's page for `user`, or None when the page must be rendered afresh."""
    if session.get("_flashes"):  # the page would show (and use up) one-time messages
        return None
    csrf_secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if csrf_secret is None and request.authorization is None:
        return None  # rendering creates the session's CSRF secret: nothing to key on yet
    parts = (
        request.endpoint,
        request.full_path,
        *(request.headers.get(name, "") for name in VARYING_HEADERS),
        repr(sorted(user.__data__.items())),  # every column, the revision among them
        local_date_of(now(), user.timezone).isoformat(),
        str(csrf_secret),
    )
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def cached_page(user_of: Callable[[], User | None]) -> Callable:
    """Serve a GET view from the cache when nothing it shows has changed; `user_of` names whose page."""

    def decorate(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
        @wraps(view)
        def wrapper(*args, **kwargs) -> ResponseReturnValue:
            store: PageCache | None = current_app.extensions.get("page_cache")
            user = user_of()
            key = page_key(user) if store is not None and user is not None else None
            if key is None:
                return view(*args, **kwargs)
            page = store.get(key)
            if page is not None:
                return current_app.response_class(page.body, page.status, list(page.headers))
            response = make_response(view(*args, **kwargs))
            if _storable(response):
                headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in NOT_REPLAYED)
                store.put(key, CachedPage(response.get_data(), response.status_code, headers))
            return response

        return wrapper

    return decorate


def _storable(response) -> bool:
    """A plain 200 page that showed no one-time message and set no cookie."""
    return (
        response.status_code == 200
        and response.mimetype in CACHEABLE_TYPES
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not request_ctx.flashes  # flashed and shown by this very request
        and not session.get("_flashes")  # flashed for the next page
    )
