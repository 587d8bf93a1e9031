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


def _answer(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify(error=message, field=None), status
    return render_template("pages/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _answer(400, "This form expired or came from elsewhere. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return _answer(exc.code, MESSAGES.get(exc.code, exc.description or "Something went wrong."))

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _answer(500, "Something went wrong on our side. Nothing you did was lost.")
