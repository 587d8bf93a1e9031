"""Pages about the app itself: About, More (everything the tab bar leaves out) and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import login_required
from peewee import PeeweeException

from tracker.models import database

bp = Blueprint("pages", __name__)


@bp.get("/about")
def about():
    """The idea in plain words, with the research behind it."""
    return render_template("pages/about.html")


@bp.get("/more")
@login_required
def more():
    """Every section the phone's tab bar has no room for, one tap away."""
    return render_template("pages/more.html")


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability for load balancers."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except (PeeweeException, OSError):
        return jsonify(status="degraded", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
