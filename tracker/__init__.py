"""Secure Base: practise secure attachment, one small relationship action at a time."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import assets, cli, config, errors, limits, scheduler, security_headers, templating
from tracker.clock import utc_now
from tracker.extensions import compress, csrf, htmx, login_manager
from tracker.migrations import migrate
from tracker.models import User, database, init_database
from tracker.views.blueprints import BLUEPRINTS, TOKEN_ONLY_POSTS


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, database, extensions, blueprints."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    config.load(app, test_config)
    _trust_proxies(app)
    app.config.setdefault("CLOCK", utc_now)
    compress.init_app(app)  # first: after-request hooks run last-registered first
    assets.init_app(app)
    _init_database(app)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(User.by_session_key)
    app.before_request(_protect_from_csrf)
    _register_blueprints(app)
    limits.init_app(app)  # wraps registered views, so after the blueprints
    security_headers.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    scheduler.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from the
    X-Forwarded-* headers they set (the rate limits key on that address); with 0, ignore those headers,
    which any client can send."""
    count = app.config["TRUSTED_PROXIES"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _init_database(app: Flask) -> None:
    """Bind the models, migrate on start-up, and close each request's connection (opened lazily).

    The migration's connection is closed for good, not kept in the pool: under gunicorn's `--preload`
    the app is built before the workers fork, and a connection shared by forked processes would mix
    their queries. Each worker opens its own on its first request."""
    db = init_database(app.config["DATABASE_URL"])
    if app.config.get("MIGRATE_ON_START", True):
        with db.connection_context():
            migrate(db)
        db.close_all()

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if not database.is_closed():
            database.close()


def _protect_from_csrf() -> None:
    """CSRF on every state change made with the session cookie.

    API calls that authenticate by header, or carry no session at all (the API answers 401), have
    nothing a forged cross-site request could borrow.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.path.startswith("/api/") and (
        request.headers.get("Authorization") or not current_user.is_authenticated
    ):
        return
    # RFC 8058 one-click unsubscribe: mail apps POST without a session; the signed token is the proof.
    # A notification's "I did it" and "Later" likewise, POSTed by the service worker (views/push.py).
    if request.endpoint in TOKEN_ONLY_POSTS:
        return
    csrf.protect()


def _register_blueprints(app: Flask) -> None:
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
