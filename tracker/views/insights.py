"""The monthly review, the year at a glance, one day's logs, and `GET /api/v1/summary`.

Views stay thin: they load the user's logs (only the columns insights need, one query) and pauses (one
query), hand plain values to the pure `tracker.insights`, and templates draw `tracker.charts` as SVG.
So a page costs the same few queries however long the user's history is.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from flask import Blueprint, abort, g, jsonify, request, url_for
from flask_login import current_user, login_required

from tracker import insights
from tracker.charts import LineChart, bar_lengths, line_chart, stacked
from tracker.insights import DayTotals, History, LogFact, MonthSummary, Profile, build_history, grid_status
from tracker.models import Log, User, dated_rows
from tracker.models import Pause as PauseRow
from tracker.views.api import bp as api_bp
from tracker.views.api import error as api_error
from tracker.views.common import now, render, wants_partial

bp = Blueprint("insights", __name__)
bp.add_app_template_global(bar_lengths)
bp.add_app_template_global(stacked)

# Pages exist from 2000 (no log is older) to the end of next year in the user's zone: a later month has
# nothing to show, and the calendar of 9999-12 would run into a year 10000 that `date` cannot hold.
MIN_YEAR = 2000
# ASCII digits only: `\d` would also accept other scripts' digits.
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YEAR = re.compile(r"[0-9]{4}")
PARTS = ("score", "consistency", "balance", "safety")


def last_year(today: date) -> int:
    """The latest year a page or the summary shows: next year in the user's zone."""
    return today.year + 1


def parse_month(value: str, today: date) -> tuple[int, int] | None:
    """(year, month) from 'YYYY-MM' within the years pages show, else None."""
    match = MONTH.fullmatch(value)
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return (year, month) if MIN_YEAR <= year <= last_year(today) and 1 <= month <= 12 else None


def parse_year(value: str, today: date) -> int | None:
    """A year from 'YYYY' within the years pages show, else None."""
    year = int(value) if YEAR.fullmatch(value) else None
    return year if year and MIN_YEAR <= year <= last_year(today) else None


def parse_day(value: str, today: date) -> date | None:
    """A real calendar date from 'YYYY-MM-DD' within the years pages show, else None."""
    try:
        day = date.fromisoformat(value) if DAY.fullmatch(value) else None
    except ValueError:
        return None
    return day if day and MIN_YEAR <= day.year <= last_year(today) else None


def user_today(user: User) -> date:
    """The user's own calendar date right now."""
    return insights.local_date_of(now(), user.timezone)


def load_history(
    user: User, today: date, shown: tuple[date, date] | None = None, *, listed: bool = False
) -> History:
    """The user's history as of today from three queries: logs per date over the whole history (all
    statuses and streaks need), the pauses, and for scores on the `shown` days (first, last), what they
    read of those days and the 27 before them: the logs themselves, with the person's name, when the
    page lists them (`listed`: a month reads a few hundred), else just each day's totals (a year's
    scores, summed up in SQL, instead of some 1,700 logs)."""
    counts = dict(dated_rows(Log.day_counts(user, today)))
    logs: list[LogFact] = []
    totals: list[DayTotals] | None = None
    if shown is not None and shown[0] <= today:
        since, last = shown[0] - timedelta(days=insights.WINDOW_DAYS - 1), min(shown[1], today)
        if listed:
            logs = list(map(LogFact._make, dated_rows(Log.facts(user, since, last))))
        else:
            totals = list(map(DayTotals._make, dated_rows(Log.day_totals(user, since, last))))
    rows = PauseRow.select(PauseRow.start_date, PauseRow.end_date).where(PauseRow.user == user.id).tuples()
    pauses = [insights.Pause(*row) for row in rows]
    profile = Profile(insights.local_date_of(user.created_at, user.timezone), user.weekly_target)
    scored = shown or (date.max, date.min)  # no day: nothing to score
    return build_history(logs, profile, today, pauses, counts=counts, totals=totals, scored=scored)


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
    history = load_history(current_user, today, (days[0], days[-1]), listed=True)
    context = _month_context(history, *year_month, opened)
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


@api_bp.get("/summary")
def summary():
    """The month's review as JSON (default: the current month in the user's zone)."""
    today = user_today(g.user)
    value = request.args.get("month")
    year_month = (today.year, today.month) if value is None else parse_month(value, today)
    if year_month is None:
        return api_error("Month must look like 2026-05, from 2000 to next year.", 400, "month")
    days = insights.month_days(*year_month)
    history = load_history(g.user, today, (days[0], days[-1]), listed=True)
    return jsonify(insights.month_summary(history, *year_month).as_api_dict())
