"""History: past logs, newest first, filterable by kind and person, paginated."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user, login_required

from tracker.kinds import KINDS, KINDS_BY_KEY
from tracker.models import Log, Person
from tracker.views.common import render

bp = Blueprint("history", __name__)


def _filters() -> dict:
    """The valid filters of the query string; anything else is ignored."""
    kind = request.args.get("kind", "")
    person = request.args.get("person", "")
    page = request.args.get("page", "1")
    return {
        "kind": kind if kind in KINDS_BY_KEY else "",
        "person": int(person) if person.isdigit() and len(person) < 10 else None,
        "page": min(int(page), 100_000) if page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1,
    }


@bp.get("/history")
@login_required
def index():
    """A page of past logs with filters; htmx swaps just the list."""
    filters = _filters()
    per_page = current_app.config["LOGS_PER_PAGE"]
    query = Log.for_user(current_user)
    if filters["kind"]:
        query = query.where(Log.kind == filters["kind"])
    if filters["person"] is not None:
        query = query.where(Log.person == filters["person"])
    rows = list(query.offset((filters["page"] - 1) * per_page).limit(per_page + 1))
    return render(
        "pages/history.html",
        "partials/_history.html",
        logs=rows[:per_page],
        has_next=len(rows) > per_page,
        filters=filters,
        kinds=KINDS,
        people=list(Person.for_user(current_user, include_archived=True)),
    )
