"""The monthly check-in: nine items on a 1–5 scale, once per month and editable that month.

The form always asks the current wording (issue 17: one question per item) and a save notes it on the
month's row; a month answered in an earlier wording is shown in that wording, here and on its own page
(`/checkin/<YYYY-MM>`), and its answers are not put under the new statements.

Scoring and the ±0.5 rule live in the pure `tracker.practice`; the month and year pages draw the
scores through the `checkin_chart` template global, one query per page.
"""

from __future__ import annotations

from datetime import UTC, date

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import IntegrityError

from tracker import practice
from tracker.charts import axis_chart
from tracker.clock import now
from tracker.forms import InvalidInput, checkin_answers, parse_checkin, parse_month
from tracker.insights import local_date_of
from tracker.models import CheckIn, User, database, naive_utc
from tracker.queries import checkins_by_month
from tracker.views.common import invalid_status, render

bp = Blueprint("checkin", __name__)
SCALE_TICKS = ((1, "not at all"), (3, "somewhat"), (5, "very"))


def this_month(user: User) -> str:
    """The user's current month as YYYY-MM."""
    return f"{local_date_of(now(), user.timezone):%Y-%m}"


def checkin_due(user: User) -> bool:
    """Whether Today offers this month's check-in (from the 1st until it is done, never in the account's
    first week)."""
    today = local_date_of(now(), user.timezone)
    created = local_date_of(user.created_at.replace(tzinfo=UTC), user.timezone) if user.created_at else today
    if not practice.checkin_offered(created, today, done_this_month=False):
        return False
    done = CheckIn.select().where(CheckIn.user == user.id, CheckIn.month == f"{today:%Y-%m}").exists()
    return practice.checkin_offered(created, today, done_this_month=done)


def _all(user: User) -> dict[str, dict]:
    """The user's check-ins: month → answers (one query)."""
    return checkins_by_month(user)


def answered(row: CheckIn) -> list[tuple[practice.Item, int | None]]:
    """A month's statements as worded when it was answered, each with its answer."""
    return [(item, getattr(row, item.key)) for item in practice.items_for(row.wording)]


def _this_row() -> CheckIn | None:
    return CheckIn.get_or_none(CheckIn.user == current_user.id, CheckIn.month == this_month(current_user))


def _page(answers: dict | None, errors: dict | None = None, status: int = 200, saved: bool = False):
    """The check-in form with this month's results and the change since the previous check-in.

    `answers` None: the saved ones, when they were given to the statements the form asks now."""
    month = this_month(current_user)
    row = _this_row()
    current = row is not None and row.wording == practice.CURRENT_WORDING
    if answers is None:
        answers = row.answers if current else {}
    checkins = _all(current_user)
    previous = practice.previous_checkin(checkins, month)
    done = month in checkins
    return render(
        "pages/checkin.html",
        status=status,
        items=practice.ITEMS,
        scale=practice.SCALE,
        answers=answers,
        errors=errors or {},
        month=date.fromisoformat(month + "-01"),
        done=done,
        saved=saved,
        answered=answered(row) if row else [],
        earlier_wording=row is not None and not current,
        scores=practice.shown_means(checkins[month]) if done else None,
        before=practice.shown_means(checkins[previous]) if done and previous else {},
        changes=practice.changes(checkins.get(previous), checkins[month]) if done else {},
        previous=date.fromisoformat(previous + "-01") if previous else None,
        previous_key=previous,
        labels=practice.SUBSCALE_LABELS,
        words=practice.scale_words,
        disclaimer=practice.DISCLAIMER,
    )


@bp.get("/checkin")
@login_required
def show():
    """This month's check-in: the form (filled in when already done) and its results."""
    return _page(None, saved=request.args.get("saved") == "1")


@bp.post("/checkin")
@login_required
def save():
    """Save (or change) this month's check-in, in the wording the form asks."""
    try:
        answers = parse_checkin(request.form)
    except InvalidInput as exc:
        kept = {key: value for key, value in checkin_answers(request.form).items() if value is not None}
        return _page(kept, exc.errors, invalid_status())
    month, stamp = this_month(current_user), naive_utc(now())
    wording = practice.CURRENT_WORDING
    try:
        with database.atomic():
            CheckIn.create(
                user=current_user.id,
                month=month,
                created_at=stamp,
                updated_at=stamp,
                wording=wording,
                **answers,
            )
    except IntegrityError:  # already done this month: change it (now in the wording it was asked in)
        CheckIn.update(updated_at=stamp, wording=wording, **answers).where(
            CheckIn.user == current_user.id, CheckIn.month == month
        ).execute()
    return redirect(url_for("checkin.show", saved=1), 303)


@bp.get("/checkin/<ym>")
@login_required
def past(ym: str):
    """One month's check-in as it was answered: its statements in their wording, the answers, results."""
    today = local_date_of(now(), current_user.timezone)
    if parse_month(ym, today) is None:
        abort(404)
    if ym == f"{today:%Y-%m}":
        return redirect(url_for("checkin.show"), 303)
    row = CheckIn.get_or_none(CheckIn.user == current_user.id, CheckIn.month == ym)
    if row is None:
        abort(404)
    return render(
        "pages/checkin_month.html",
        month=date.fromisoformat(ym + "-01"),
        answered=answered(row),
        earlier_wording=row.wording != practice.CURRENT_WORDING,
        scale=practice.SCALE,
        scores=practice.shown_means(row.answers),
        labels=practice.SUBSCALE_LABELS,
        words=practice.scale_words,
        disclaimer=practice.DISCLAIMER,
    )


def checkin_chart(
    user: User, year: int, month: int | None = None, checkins: dict[str, dict] | None = None
) -> dict | None:
    """Charts of the three scores: the 12 months ending with `month`, or the months of `year`; with
    each chart's caption and the month-by-month table in words, put together here rather than in the
    template (the month and year pages both draw it, and per-cell template expressions cost more).
    `checkins`: the user's check-ins when the page has read them already (the year's outcome loop)."""
    checkins = _all(user) if checkins is None else checkins
    months = practice.months_ending(year, month or 12, 12)
    if not any(m in checkins for m in months):
        return None
    series = practice.checkin_means(checkins, months)
    latest = max(m for m in months if m in checkins)
    previous = practice.previous_checkin(checkins, latest)
    names = [date.fromisoformat(m + "-01") for m in months]
    # Every other month named, counting back from the last, so the labels never crowd at 320 px.
    x_labels = [f"{d:%b}" if (len(months) - 1 - i) % 2 == 0 else None for i, d in enumerate(names)]
    latest_name = f"{date.fromisoformat(latest + '-01'):%B}"
    previous_name = f"{date.fromisoformat(previous + '-01'):%B}" if previous else None
    scores = practice.shown_means(checkins[latest])
    changes = practice.changes(checkins.get(previous), checkins[latest])
    labels = practice.SUBSCALE_LABELS
    charts = []
    for name, values in series.items():
        score = scores[name]
        caption = f"{practice.scale_words(score)} in {latest_name}" if score is not None else "not answered"
        if changes.get(name):
            caption += f", {changes[name]} since {previous_name}"
        elif previous_name:
            caption += f", about the same as {previous_name}"
        chart = axis_chart(values, x_labels, low=1, high=5, y_labels=SCALE_TICKS, left=80)
        charts.append((name, labels[name], caption, chart))
    past = url_for("checkin.past", ym="0000-00")[: -len("0000-00")]  # url_for per row cost more
    rows = [
        (f"{past}{m}", f"{day:%B %Y}", [practice.scale_words(values[i]) or "—" for values in series.values()])
        for i, (m, day) in enumerate(zip(months, names, strict=True))
        if series["closeness"][i] is not None
    ]
    return {
        "latest": latest,
        "charts": charts,
        "columns": [labels[name] for name in series],
        "rows": rows,
        "changes": [(labels[name], direction, latest_name) for name, direction in changes.items()],
        "disclaimer": practice.DISCLAIMER,
    }


bp.add_app_template_global(checkin_chart)
