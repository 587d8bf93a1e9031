"""Pages about the app itself: About and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from peewee import PeeweeException

from tracker.models import database

bp = Blueprint("pages", __name__)


@bp.get("/about")
def about():
    """The idea in plain words, with the research behind it."""
    return render_template("pages/about.html")


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability for load balancers."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except (PeeweeException, OSError):
        return jsonify(status="degraded", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
