"""History: past logs, newest first, filterable by kind and person, paginated."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, request
from flask_login import current_user, login_required

from tracker.kinds import KINDS, KINDS_BY_KEY
from tracker.models import Log, Person
from tracker.views.common import render

bp = Blueprint("history", __name__)


# ASCII digits only: str.isdigit() also accepts "²", which int() then refuses.
_NUMBER = re.compile(r"[0-9]{1,9}")


def _number(name: str) -> int | None:
    """A query-string value as a positive int, None when it is anything else."""
    value = request.args.get(name, "")
    if not _NUMBER.fullmatch(value):
        return None
    return int(value) or None


def _filters() -> dict:
    """The valid filters of the query string; anything else is ignored."""
    kind = request.args.get("kind", "")
    return {
        "kind": kind if kind in KINDS_BY_KEY else "",
        "person": _number("person"),
        "page": min(_number("page") or 1, 100_000),
    }


@bp.get("/history")
@login_required
def index():
    """A page of past logs with filters; htmx swaps just the list."""
    filters = _filters()
    per_page = current_app.config["LOGS_PER_PAGE"]
    # Logs can share an instant (one-tap at the same second, imports): the id keeps pages from overlapping.
    query = Log.for_user(current_user).order_by_extend(Log.id.desc())
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
