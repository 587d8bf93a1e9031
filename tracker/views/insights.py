"""The monthly review, the year at a glance and one day's logs (the same figures as JSON: api/summary.py).

Views stay thin: they load the user's logs (only the columns insights need, one query) and pauses (one
query), hand plain values to the pure `tracker.insights`, and templates draw `tracker.charts` as SVG.
So a page costs the same few queries however long the user's history is.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, timedelta

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from tracker import insights, practice
from tracker.charts import (
    AxisChart,
    axis_chart,
    bar,
    change,
    nice_range,
    scale_ticks,
    scatter_chart,
    stacked,
)
from tracker.forms import MIN_YEAR, parse_day, parse_month, parse_year
from tracker.insights import History, MonthSummary, YearSummary, grid_status
from tracker.insights.bids import bids_sentence, recent_bids
from tracker.insights.outcome import CAVEAT, MIN_CHECKINS, MonthPractice, outcome_loop
from tracker.insights.printout import month_printout
from tracker.insights.words import balance_words
from tracker.models import Log
from tracker.practice import safety_words
from tracker.queries import (
    active_plans,
    checkins_by_month,
    load_history,
    month_notes,
    unsafe_names,
    user_today,
)
from tracker.views.common import render, wants_partial

bp = Blueprint("insights", __name__)
bp.add_app_template_global(bar)
bp.add_app_template_global(stacked)
bp.add_app_template_global(safety_words)

PARTS = ("score", "consistency", "balance", "safety")
RHYTHM_AFTER_DAYS = 14  # DOMAIN.md: the rhythm is shown once the user has 14 days of history
DAY_TICKS = (1, 8, 15, 22, 29)
# The thresholds of safety_words(), as the scale of the chart of how connections felt.
FELT_TICKS = ((25, "sometimes"), (50, "often"), (75, "mostly safe"))


def month_key(day: date) -> str:
    """'YYYY-MM' of a date, as month URLs spell it."""
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(first: date, months: int) -> date | None:
    """The first day of the month `months` away, None before 2000 or past what `date` can hold."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1) if MIN_YEAR <= year <= date.max.year else None


def shown_from(history: History) -> date:
    """The first day the rhythm is shown: once the user has 14 days of history (DOMAIN.md)."""
    return history.first_day + timedelta(days=RHYTHM_AFTER_DAYS - 1)


def month_charts(
    summary: MonthSummary, shown: date, numbers: bool = True
) -> tuple[dict[str, AxisChart], dict[str, dict | None]]:
    """The rhythm and C, B, S (as 0–100) over every day of the month with its days below and its scale
    at the left (none when the user hides numbers), and how each moved; gaps where a value is unknown or
    the rhythm is not shown yet."""
    by_day = {score.day: score for score in summary.series if score.day >= shown}
    days = list(summary.days)
    x_labels = [
        f"{day.day} {day:%b}" if day.day == 1 else str(day.day) if day.day in DAY_TICKS else None
        for day in days
    ]

    def values(part: str) -> list[float | None]:
        raw = [getattr(by_day[day], part) if day in by_day else None for day in days]
        return [None if v is None else v if part == "score" else 100 * v for v in raw]

    charts, changes = {}, {}
    for part in PARTS:
        series = values(part)
        changes[part] = rhythm_change(series, days)
        if part == "safety":  # how connections felt is told in words, never as a number (DOMAIN.md)
            charts[part] = axis_chart(series, x_labels, low=0, high=100, y_labels=FELT_TICKS, left=80)
            continue
        low, high = nice_range(series)
        ticks = scale_ticks(low, high) if numbers else ()
        charts[part] = axis_chart(series, x_labels, low=low, high=high, y_labels=ticks)
    return charts, changes


def week_progress(history: History) -> tuple[int, int]:
    """(active days, weekly target) in the current ISO week, up to today."""
    monday = history.today - timedelta(days=history.today.weekday())
    active = sum(
        1 for day in insights.days_between(monday, history.today) if history.statuses.get(day) == "active"
    )
    return active, history.profile.weekly_target


def rhythm_change(values: list[float | None], days: list[date]) -> dict | None:
    """How a shown series moved: its direction, words, first day and first and last values, or None."""
    moved = change(values)
    if moved is None:
        return None
    return {
        "direction": moved.direction,
        "words": moved.words,
        "since": days[moved.since],
        "first": moved.first,
        "last": moved.last,
    }


# How a calendar day's status is read out.
DAY_WORDS = {
    "active": "active",
    "rest": "rest day",
    "missed": "open day",
    "pending": "today, nothing logged yet",
    "future": "ahead",
    "none": "before you started",
}


def calendar_rows(first: date, summary: MonthSummary, today: date) -> Markup:
    """The month's calendar rows, one cell per day linking to its logs: built here rather than by a
    Jinja loop, whose per-cell expressions were the largest part of the page's template."""
    day_href = escape(url_for("insights.day", day_iso="D")[:-1])  # url_for per cell cost more
    month_name = escape(f"{first:%B}")
    rows = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        cells = []
        for d in week:
            if d.month != first.month:
                cells.append("<td></td>")
                continue
            cell = summary.days[d]
            status = cell.status
            words = DAY_WORDS[status]
            if status in ("future", "none"):
                cells.append(
                    f'<td><span class="day day-{status}"><span class="day-number">{d.day}</span>'
                    f'<span class="visually-hidden">: {words}</span></span></td>'
                )
                continue
            href = f"{day_href}{d.isoformat()}"
            logs = cell.logs
            current = ' aria-current="date"' if d == today else ""
            count = f' <span class="day-count" aria-hidden="true">{logs}</span>' if logs else ""
            said = f", {logs} log{'s' if logs != 1 else ''}" if logs else ""
            # The panel it opens (hx-target, hx-swap) is set once on the table's body.
            cells.append(
                f'<td><a class="day day-{status}" href="{href}" data-hx-get="{href}?panel=month"{current}>'
                f'<span class="day-number">{d.day}</span>{count} '
                f'<span class="visually-hidden">{month_name}: {words}{said}</span></a></td>'
            )
        rows.append(f"<tr>{''.join(cells)}</tr>\n")
    # Dates, counts and fixed words; the link and the month's name are escaped above.
    return Markup("".join(rows))  # noqa: S704  # nosec B704 (escaped above)


def day_numbers(summary: MonthSummary, rhythm_from: date) -> Markup:
    """The month's numbers, day by day, once the rhythm is shown, as the table's rows: built here rather
    than by per-cell template filters (rounding, words), the costliest rows of the page."""
    rows = []
    for point in summary.series:
        if point.day < rhythm_from:
            continue
        cell = summary.days[point.day]
        felt = (safety_words(point.safety) or "—").replace(" felt safe", "").replace("felt ", "")
        status = "open" if cell.status == "missed" else cell.status
        balance = round(point.balance * 100) if point.balance is not None else "—"
        rows.append(
            f'<tr><th scope="row">{point.day:%a} {point.day.day}</th><td>{escape(status)}</td>'
            f"<td>{cell.logs}</td><td>{point.score}</td><td>{round(point.consistency * 100)}</td>"
            f"<td>{balance}</td><td>{escape(felt)}</td></tr>\n"
        )
    # Dates, numbers and the escaped words above.
    return Markup("".join(rows))  # noqa: S704  # nosec B704 (escaped above)


def _month_context(history: History, year: int, month: int, opened: date | None) -> dict:
    """What the month page shows: the summary, its calendar, charts, neighbours, an open day."""
    first = date(year, month, 1)
    previous, following = shift_month(first, -1), shift_month(first, 1)
    not_safe = unsafe_names(current_user)
    summary = insights.month_summary(history, year, month, not_safe)
    charts, changes = month_charts(summary, shown_from(history), not current_user.hide_numbers)
    return {
        "bids_sentence": month_bids_sentence(history, first, not_safe, not current_user.hide_numbers),
        "summary": summary,
        "history": history,
        "first": first,
        "calendar": calendar_rows(first, summary, history.today),
        "charts": charts,
        "changes": changes,
        "rhythm_from": shown_from(history),
        "day_numbers": day_numbers(summary, shown_from(history)),
        "week": week_progress(history),
        "previous": previous if previous and previous >= history.first_day.replace(day=1) else None,
        "following": following if following and following <= history.today else None,
        "fragment": wants_partial(),
        **(_day_context(history, opened, in_month=True) if opened else {}),
    }


def month_bids_sentence(history: History, first: date, not_safe: frozenset[str], numbers: bool) -> str | None:
    """How the user met bids over the 30 days to the month's last counted day, from the logs the page
    read anyway (load_history reads them for it); bids with people marked not safe are left out."""
    last = min(history.today, first.replace(day=calendar.monthrange(first.year, first.month)[1]))
    if last < first:
        return None
    days = "in the last 30 days" if last == history.today else f"in the 30 days to {last.day} {last:%B}"
    return bids_sentence(recent_bids(history.logs, last, not_safe), numbers=numbers, days=days)


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


@bp.get("/month/<ym>/summary")
@login_required
def month_summary(ym: str):
    """The month on one printable page to bring to a therapist or keep: nicknames hidden with
    ?names=hide, notes only when ticked in (?notes=show)."""
    today = user_today(current_user)
    year_month = parse_month(ym, today)
    if year_month is None:
        abort(404)
    days = insights.month_days(*year_month)
    history = load_history(current_user, today, (days[0], days[-1]), listed=True)
    summary = insights.month_summary(history, *year_month, unsafe_names(current_user))
    first, hide_names = days[0], request.args.get("names") == "hide"
    with_notes = request.args.get("notes") == "show"
    notes = month_notes(current_user, first, min(days[-1], today)) if with_notes and first <= today else []
    checkin = checkins_by_month(current_user).get(month_key(first))
    shown = [point for point in summary.series if point.day >= shown_from(history)]
    printout = month_printout(
        summary,
        checkin=practice.shown_means(checkin) if checkin else None,
        plans=active_plans(current_user.id),
        notes=notes,
        hide_names=hide_names,
        numbers=not current_user.hide_numbers,
    )
    return render(
        "pages/month_summary.html",
        first=first,
        summary=summary,
        printout=printout,
        calendar=calendar_rows(first, summary, history.today),
        moved=rhythm_change([p.score for p in shown], [p.day for p in shown]),
        rhythm_shown=bool(shown),
        hide_names=hide_names,
        with_notes=with_notes,
        made=today,
        checkin_disclaimer=practice.DISCLAIMER,
    )


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


def year_months(
    summary: YearSummary, months: list[int], today: date, rhythm_from: date, numbers: bool = True
) -> tuple[Markup, Markup]:
    """The year's month cards (a small day grid each, linking to the month) and its table's rows: built
    here rather than by Jinja loops, whose per-month links and 365 day squares cost more than the rest
    of the page. Month names, dates, numbers and fixed statuses; the link is escaped."""
    month_href = escape(
        url_for("insights.month", ym="0000-00")[: -len("0000-00")]
    )  # url_for per month cost more
    blank = '<span class="mini-day"></span>'
    squares = {status: f'<span class="mini-day day-{escape(status)}"></span>' for status in DAY_WORDS}
    cards, rows = [], []
    for month in months:
        grid = summary.months[month]
        first = next(iter(grid))
        last = min(max(grid), today)
        tally = summary.tallies[month]
        href = f"{month_href}{month_key(first)}"
        cells = "".join(map(squares.__getitem__, grid.values()))
        counts = numbers and (
            f'<span class="mini-counts"><span>{tally["active"]} active ·</span> '
            f"<span>{tally['rest']} rest ·</span> <span>{tally['missed']} open</span></span>"
        )
        cards.append(
            f'<li class="mini-month">\n  <a class="mini-link" href="{href}">\n'
            f'    <span class="mini-title">{first:%B}</span>\n'
            f'    <span class="mini-grid" aria-hidden="true">{blank * first.weekday()}{cells}</span>\n'
            f"    {counts or ''}\n  </a>\n</li>\n"
        )
        score = summary.month_end_scores[month]
        shown = score if score is not None and last >= rhythm_from else "—"
        rows.append(
            f'<tr><th scope="row"><a href="{href}">{first:%b}</a></th><td>{shown}</td>'
            f"<td>{tally['active']}</td><td>{tally['rest']}</td><td>{tally['missed']}</td></tr>\n"
        )
    # Month names, dates, numbers and fixed statuses; the link is escaped above.
    return Markup("".join(cards)), Markup("".join(rows))  # noqa: S704  # nosec B704 (escaped above)


OUTCOME_X_TICKS = ((1, "not at all true"), (5, "very true"))  # a middle label crowds at 320 px


def outcome_context(
    summary: YearSummary, history: History, months: list[int], checkins: dict[str, dict], numbers: bool
) -> dict:
    """The year's outcome loop (DOMAIN.md, "Beyond tracking"): each finished month's check-in beside its
    practice, from the year's own tallies and scores (nothing read again), as a chart, a sentence and a
    table; or, before 3 such months, how many there are, for a kind word about what comes."""
    practice_months = []
    for month in months:
        first = date(summary.year, month, 1)
        last = min(first.replace(day=calendar.monthrange(summary.year, month)[1]), history.today)
        point = history.scores.get(last)
        practice_months.append(
            MonthPractice(
                month_key(first),
                summary.tallies[month]["active"],
                point.balance if point else None,
                complete=last < history.today,
            )
        )
    shown = {key: practice.shown_means(answers) for key, answers in checkins.items()}
    loop = outcome_loop(practice_months, shown, practice.SUBSCALES)
    if loop is None:  # a hint only for someone who already checks in: no nudge for anyone else
        return {"loop": None, "min_checkins": MIN_CHECKINS, "hint": bool(checkins)}
    lead = loop.lead.subscale if loop.lead else "closeness"
    chart = None
    if loop.threshold is not None:  # each month's result on its row, busier months above, with each mean
        above = f"{loop.threshold}+ days" if numbers else "busier"
        compared = {c.subscale: c for c in loop.comparisons}
        # Months with the same result on a row are stacked a little apart, so each dot is seen.
        seen: Counter[tuple[float, int]] = Counter()
        dots = []
        for m in loop.months:
            if m.scores.get(lead) is None:
                continue
            spot = (round(m.scores[lead], 2), 1 if m.practice.active_days >= loop.threshold else 0)
            nth, seen[spot] = seen[spot], seen[spot] + 1
            dots.append((spot[0], spot[1] + (nth + 1) // 2 * 0.14 * (1 if nth % 2 else -1), ""))
        chart = scatter_chart(
            dots,
            x_range=(1, 5),
            y_range=(-0.5, 1.5),
            x_labels=OUTCOME_X_TICKS,
            y_labels=((1, above), (0, "fewer" if numbers else "quieter")),
            means=((compared[lead].busier, 1), (compared[lead].quieter, 0)) if lead in compared else (),
            height=130,
            left=66,
        )
    rows = [
        (
            f"{date.fromisoformat(m.practice.month + '-01'):%B}",
            m.practice.active_days,
            balance_words(m.practice.balance) or "not known",
            [practice.scale_words(m.scores.get(name)) or "—" for name in practice.SUBSCALES],
        )
        for m in loop.months
    ]
    return {
        "loop": loop,
        "sentence": loop.sentence(practice.SUBSCALE_LABELS, numbers),
        "caveat": CAVEAT,
        "chart": chart,
        "chart_label": practice.SUBSCALE_LABELS[lead],
        "columns": [practice.SUBSCALE_LABELS[name] for name in practice.SUBSCALES],
        "rows": rows,
    }


@bp.get("/year", defaults={"year_str": None})
@bp.get("/year/<year_str>")
@login_required
def year(year_str: str | None):
    """Twelve small month heatmaps and the practice rhythm over the year."""
    today = user_today(current_user)
    number = today.year if year_str is None else parse_year(year_str, today)
    if number is None:
        abort(404)
    days = [day for month in range(1, 13) for day in insights.month_days(number, month)]
    history = load_history(current_user, today, (days[0], days[-1]))
    summary = insights.year_summary(history, number)
    # Months from the account's start to this month: no cards for before it began or still ahead.
    first_month = history.first_day.month if number == history.first_day.year else 1
    last_month = today.month if number == today.year else 12
    started = history.first_day.year <= number <= today.year
    months = [m for m in range(1, 13) if first_month <= m <= last_month] if started else []
    shown = [day for day in days if months and months[0] <= day.month <= months[-1]]
    rhythm_from = shown_from(history)
    scores = [
        history.scores[day].score if day in history.scores and day >= rhythm_from else None for day in shown
    ]
    low, high = nice_range(scores)
    every = 1 if len(months) <= 6 else 3
    x_labels = [
        f"{day:%b}" if day.day == 1 and (day.month - months[0]) % every == 0 else None for day in shown
    ]
    cards, table_rows = year_months(summary, months, today, rhythm_from, not current_user.hide_numbers)
    checkins = checkins_by_month(current_user)  # one read, for the check-in chart and the outcome loop
    outcome = outcome_context(summary, history, months, checkins, not current_user.hide_numbers)
    return render(
        "pages/year.html",
        summary=summary,
        checkins=checkins,
        outcome=outcome,
        cards=cards,
        table_rows=table_rows,
        months=months,
        history=history,
        rhythm_from=rhythm_from,
        chart=axis_chart(
            scores,
            x_labels,
            low=low,
            high=high,
            y_labels=() if current_user.hide_numbers else scale_ticks(low, high),
        )
        if shown
        else None,
        rhythm_change=rhythm_change(scores, shown),
    )
