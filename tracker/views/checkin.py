"""The monthly check-in: nine items on a 1–5 scale, once per month and editable that month.

Scoring and the ±0.5 rule live in the pure `tracker.practice`; the month and year pages draw the
scores through the `checkin_chart` template global, one query per page.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import IntegrityError

from tracker import practice
from tracker.charts import line_chart
from tracker.forms import InvalidInput, checkin_answers, parse_checkin
from tracker.insights import local_date_of
from tracker.models import CHECKIN_ITEMS, CheckIn, User, database, naive_utc
from tracker.views.common import invalid_status, now, render

bp = Blueprint("checkin", __name__)


def this_month(user: User) -> str:
    """The user's current month as YYYY-MM."""
    return f"{local_date_of(now(), user.timezone):%Y-%m}"


def checkin_due(user: User) -> bool:
    """Whether this month's check-in is still open (offered from the 1st until it is done)."""
    return not CheckIn.select().where(CheckIn.user == user.id, CheckIn.month == this_month(user)).exists()


def _all(user: User) -> dict[str, dict]:
    """The user's check-ins: month → answers (one query)."""
    # Plain rows: a model object per check-in cost more than the query (Month and Year draw them all).
    rows = CheckIn.for_user(user).select(CheckIn.month, *(getattr(CheckIn, key) for key in CHECKIN_ITEMS))
    return {month: dict(zip(CHECKIN_ITEMS, answers, strict=True)) for month, *answers in rows.tuples()}


def _page(answers: dict, errors: dict | None = None, status: int = 200, saved: bool = False):
    """The check-in form with this month's results and the change since the previous check-in."""
    month = this_month(current_user)
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
        scores=practice.shown_scores(checkins[month]) if done else None,
        changes=practice.changes(checkins.get(previous), checkins[month]) if done else {},
        previous=date.fromisoformat(previous + "-01") if previous else None,
        labels=practice.SUBSCALE_LABELS,
        disclaimer=practice.DISCLAIMER,
    )


@bp.get("/checkin")
@login_required
def show():
    """This month's check-in: the form (filled in when already done) and its results."""
    row = CheckIn.get_or_none(CheckIn.user == current_user.id, CheckIn.month == this_month(current_user))
    return _page(row.answers if row else {}, saved=request.args.get("saved") == "1")


@bp.post("/checkin")
@login_required
def save():
    """Save (or change) this month's check-in."""
    try:
        answers = parse_checkin(request.form)
    except InvalidInput as exc:
        kept = {key: value for key, value in checkin_answers(request.form).items() if value is not None}
        return _page(kept, exc.errors, invalid_status())
    month, stamp = this_month(current_user), naive_utc(now())
    try:
        with database.atomic():
            CheckIn.create(user=current_user.id, month=month, created_at=stamp, updated_at=stamp, **answers)
    except IntegrityError:  # already done this month: change it
        CheckIn.update(updated_at=stamp, **answers).where(
            CheckIn.user == current_user.id, CheckIn.month == month
        ).execute()
    return redirect(url_for("checkin.show", saved=1), 303)


def checkin_chart(user: User, year: int, month: int | None = None) -> dict | None:
    """Charts of the three scores: the 12 months ending with `month`, or the months of `year`."""
    checkins = _all(user)
    months = practice.months_ending(year, month or 12, 12)
    if not any(m in checkins for m in months):
        return None
    series = practice.checkin_series(checkins, months)
    latest = max(m for m in months if m in checkins)
    previous = practice.previous_checkin(checkins, latest)
    return {
        "months": months,
        "charts": {name: line_chart(values, low=0, high=100) for name, values in series.items()},
        "series": series,
        "latest": latest,
        "scores": practice.shown_scores(checkins[latest]),
        "changes": practice.changes(checkins.get(previous), checkins[latest]),
        "labels": practice.SUBSCALE_LABELS,
        "disclaimer": practice.DISCLAIMER,
    }


bp.add_app_template_global(checkin_chart)
