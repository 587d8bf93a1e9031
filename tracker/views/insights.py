"""The monthly review, the year at a glance and one day's logs (the same figures as JSON: api/summary.py).

Views stay thin: they load the user's logs (only the columns insights need, one query) and pauses (one
query), hand plain values to the pure `tracker.insights`, and templates draw `tracker.charts` as SVG.
So a page costs the same few queries however long the user's history is.
"""

from __future__ import annotations

import calendar
from datetime import date

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from tracker import insights
from tracker.charts import LineChart, bar_lengths, line_chart, stacked
from tracker.forms import MIN_YEAR, parse_day, parse_month, parse_year
from tracker.insights import History, MonthSummary, grid_status
from tracker.models import Log
from tracker.queries import load_history, user_today
from tracker.views.common import render, wants_partial

bp = Blueprint("insights", __name__)
bp.add_app_template_global(bar_lengths)
bp.add_app_template_global(stacked)

PARTS = ("score", "consistency", "balance", "safety")


def month_key(day: date) -> str:
    """'YYYY-MM' of a date, as month URLs spell it."""
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(first: date, months: int) -> date | None:
    """The first day of the month `months` away, None before 2000 or past what `date` can hold."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1) if MIN_YEAR <= year <= date.max.year else None


def month_charts(summary: MonthSummary) -> dict[str, LineChart]:
    """The score and C, B, S (as 0–100) over every day of the month; gaps where a value is unknown."""
    by_day = {score.day: score for score in summary.series}

    def values(part: str) -> list[float | None]:
        raw = [getattr(by_day[day], part) if day in by_day else None for day in summary.days]
        return [None if v is None else v if part == "score" else 100 * v for v in raw]

    return {part: line_chart(values(part), high=100) for part in PARTS}


def _month_context(history: History, year: int, month: int, opened: date | None) -> dict:
    """What the month page shows: the summary, its calendar weeks, charts, neighbours, an open day."""
    first = date(year, month, 1)
    previous, following = shift_month(first, -1), shift_month(first, 1)
    summary = insights.month_summary(history, year, month)
    return {
        "summary": summary,
        "history": history,
        "first": first,
        "weeks": calendar.Calendar().monthdatescalendar(year, month),
        "charts": month_charts(summary),
        "previous": previous if previous and previous >= history.first_day.replace(day=1) else None,
        "following": following if following and following <= history.today else None,
        "fragment": wants_partial(),
        **(_day_context(history, opened, in_month=True) if opened else {}),
    }


def _day_context(history: History, day: date, in_month: bool) -> dict:
    """One day's status and logs; inside the month page a change re-renders the month around it."""
    if in_month:
        here = url_for("insights.month", ym=month_key(day), day=day.isoformat())
    else:
        here = url_for("insights.day", day_iso=day.isoformat())
    return {
        "day": day,
        "day_status": grid_status(history, day),
        "day_logs": list(Log.on_day(current_user, day)),
        "in_month": in_month,
        "here": here,
    }


@bp.get("/month", defaults={"ym": None})
@bp.get("/month/<ym>")
@login_required
def month(ym: str | None):
    """The monthly review; htmx swaps just its content when moving between months."""
    today = user_today(current_user)
    year_month = parse_month(ym, today) if ym is not None else (today.year, today.month)
    if year_month is None:
        abort(404)
    opened = parse_day(request.args.get("day", ""), today)
    if opened and (opened.year, opened.month) != year_month:
        opened = None
    days = insights.month_days(*year_month)
    context = _month_context(load_history(current_user, today, (days[0], days[-1])), *year_month, opened)
    return render("pages/month.html", "partials/_month.html", **context)


@bp.get("/day/<day_iso>")
@login_required
def day(day_iso: str):
    """One day's logs: a page of its own, or (htmx) a panel opened in place under the calendar."""
    today = user_today(current_user)
    day = parse_day(day_iso, today)
    if day is None:
        abort(404)
    history = load_history(current_user, today)
    in_month = request.args.get("panel") == "month" and wants_partial()  # typed in by hand: the page
    context = _day_context(history, day, in_month=in_month)
    return render("pages/day.html", "partials/_day.html", **context)


@bp.get("/year", defaults={"year_str": None})
@bp.get("/year/<year_str>")
@login_required
def year(year_str: str | None):
    """Twelve small month heatmaps and the score over the year."""
    today = user_today(current_user)
    number = today.year if year_str is None else parse_year(year_str, today)
    if number is None:
        abort(404)
    days = [day for month in range(1, 13) for day in insights.month_days(number, month)]
    history = load_history(current_user, today, (days[0], days[-1]))
    scores = [history.scores[day].score if day in history.scores else None for day in days]
    return render(
        "pages/year.html",
        summary=insights.year_summary(history, number),
        history=history,
        chart=line_chart(scores, high=100, width=400, height=110),
    )
