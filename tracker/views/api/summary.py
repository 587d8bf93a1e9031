"""`GET /api/v1/summary`: the month's review as JSON, the same figures as the month page."""

from __future__ import annotations

from flask import g, jsonify, request

from tracker import insights
from tracker.forms import parse_month
from tracker.queries import load_history, user_today
from tracker.views.api.base import bp, error


@bp.get("/summary")
def summary():
    """The month's review as JSON (default: the current month in the user's zone)."""
    today = user_today(g.user)
    value = request.args.get("month")
    year_month = (today.year, today.month) if value is None else parse_month(value, today)
    if year_month is None:
        return error("Month must look like 2026-05, from 2000 to next year.", 400, "month")
    days = insights.month_days(*year_month)
    history = load_history(g.user, today, (days[0], days[-1]), listed=True)
    return jsonify(insights.month_summary(history, *year_month).as_api_dict())
