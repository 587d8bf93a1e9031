"""Pages about the app itself: About, Privacy, More (everything the tab bar leaves out), finding a
therapist or a group, and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required
from peewee import PeeweeException

from tracker import care
from tracker.models import database

bp = Blueprint("pages", __name__)


@bp.get("/about")
def about():
    """The idea in plain words, with the research behind it."""
    return render_template("pages/about.html")


@bp.get("/help")
def find_help():
    """Find a therapist or a group: for the user's region (or one named in `?region=`), signed in or
    not, never behind a ladder step (DOMAIN.md, "Care")."""
    region = request.args.get("region")
    if region not in care.HELP:  # none named, or not one we list: the user's own
        signed_in = current_user.is_authenticated
        chosen, zone = (current_user.help_region, current_user.timezone) if signed_in else (None, None)
        region = care.region_of(chosen, zone)
    return render_template(
        "pages/find_help.html",
        region=region,
        region_in=care.REGION_IN[region],
        lines=care.therapy_lines(region),
        crisis=care.help_lines(region),
        regions=care.REGION_NAMES,
    )


@bp.get("/privacy")
def privacy():
    """What is stored, where, who can see it, and how to take it away: for everyone, signed in or not."""
    return render_template("pages/privacy.html")


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
