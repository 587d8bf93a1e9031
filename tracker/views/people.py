"""People: the user's own list of nicknames with a role; add, rename, archive."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import IntegrityError

from tracker.forms import InvalidInput, parse_person
from tracker.kinds import ROLES
from tracker.models import Person, database
from tracker.views.common import invalid_status, render, wants_partial

bp = Blueprint("people", __name__)
DUPLICATE = {"nickname": "You already have someone with that nickname."}
# Ids beyond the integer column's range answer 404 before reaching the database (SQLite overflows).
PERSON_ID = "<int(min=1, max=2147483647):person_id>"


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    """The people page (or its list for htmx) with optional form messages."""
    people = list(Person.for_user(current_user, include_archived=True))
    return render(
        "pages/people.html",
        "partials/_people.html",
        status,
        active=[p for p in people if not p.archived],
        archived=[p for p in people if p.archived],
        roles=ROLES,
        errors=errors or {},
        form=form or {},
    )


@bp.get("/people")
@login_required
def index():
    """List and add people."""
    return _page()


@bp.post("/people")
@login_required
def create():
    """Add a person."""
    try:
        values = parse_person(request.form)
        with database.atomic():
            Person.create(user=current_user, **values)
    except InvalidInput as exc:
        return _page(exc.errors, request.form, invalid_status())
    except IntegrityError:
        return _page(DUPLICATE, request.form, invalid_status())
    flash(f"Added {values['nickname']}.", "success")
    return _page() if wants_partial() else redirect(url_for("people.index"), 303)


def _own_person(person_id: int) -> Person:
    person = Person.get_or_none(Person.id == person_id, Person.user == current_user)
    if person is None:
        abort(404)
    return person


@bp.post(f"/people/{PERSON_ID}")
@login_required
def update(person_id: int):
    """Rename a person or change their role."""
    person = _own_person(person_id)
    try:
        values = parse_person(request.form)
        with database.atomic():
            Person.update(**values).where(Person.id == person.id).execute()
    except InvalidInput as exc:
        return _page({f"{person_id}-{k}": v for k, v in exc.errors.items()}, status=invalid_status())
    except IntegrityError:
        return _page({f"{person_id}-nickname": DUPLICATE["nickname"]}, status=invalid_status())
    flash(f"Saved {values['nickname']}.", "success")
    return _page() if wants_partial() else redirect(url_for("people.index"), 303)


@bp.post(f"/people/{PERSON_ID}/archive")
@login_required
def archive(person_id: int):
    """Archive a person (their logs stay) or bring them back."""
    person = _own_person(person_id)
    person.archived = not person.archived
    person.save()
    flash(f"{'Archived' if person.archived else 'Restored'} {person.nickname}.", "info")
    return _page() if wants_partial() else redirect(url_for("people.index"), 303)
