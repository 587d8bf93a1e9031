"""Error answers: JSON under /api/, friendly pages elsewhere; never a bare 500 with a trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: "That request didn't make sense to us.",
    401: "Please log in.",
    403: "That isn't yours to see.",
    404: "There's nothing here.",
    405: "That page can't be used that way.",
    413: "That was more than we can take at once.",
    429: "That was a lot of requests. Take a breath and try again in a minute.",
}


def _answer(status: int, message: str, headers: dict | None = None):
    """The error as JSON under /api/, else as a page in the site's layout."""
    if request.path.startswith("/api/"):
        return jsonify(error=message, field=None), status, headers or {}
    return render_template("pages/error.html", status=status, message=message), status, headers or {}


def _protocol_headers(exc: HTTPException) -> dict:
    """Headers an error must keep, like Allow on 405 and Retry-After on 429 (not its content type)."""
    return {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _answer(400, "This form expired or came from elsewhere. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        message = MESSAGES.get(exc.code, exc.description or "Something went wrong.")
        return _answer(exc.code, message, _protocol_headers(exc))

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        # Flask has already logged an unhandled exception; an explicit abort(500) is logged here.
        if exc.original_exception is None:
            app.logger.exception("Error 500 on %s %s", request.method, request.path)
        return _answer(500, "Something went wrong on our side. Nothing you did was lost.")
