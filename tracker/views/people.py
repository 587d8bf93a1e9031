"""People: the user's own list of nicknames with a role; add, rename, archive."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import IntegrityError

from tracker import insights, practice
from tracker.clock import now
from tracker.forms import MAX_PEOPLE, InvalidInput, check_room, parse_person
from tracker.insights import local_date_of
from tracker.insights.bids import bids_sentence, recent_bids
from tracker.kinds import ROLES
from tracker.models import Person, database
from tracker.queries import log_facts, recent_facts
from tracker.views.common import invalid_status, own_or_404, render, wants_partial

bp = Blueprint("people", __name__)
DUPLICATE = {"nickname": "You already have someone with that nickname."}
# Any run of digits matches, and ids outside the integer column's range answer 404 in own_row before
# reaching the database (SQLite overflows). A bounded converter would answer GET with a 405 instead:
# Werkzeug then reports the methods of the POST rule at the same path.
PERSON_ID = "<int:person_id>"


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    """The people page (or its list for htmx) with optional form messages, sorted by where safety lives."""
    people = list(Person.for_user(current_user, include_archived=True))
    today = local_date_of(now(), current_user.timezone)
    facts = recent_facts(current_user, today, practice.PERSON_SAFETY_DAYS)
    safety = {p.nickname: practice.person_safety(facts, p.nickname, today) for p in people}
    rank = {name: i for i, name in enumerate(practice.sort_by_safety(list(safety), safety))}
    people.sort(key=lambda p: rank[p.nickname])
    return render(
        "pages/people.html",
        "partials/_people.html",
        status,
        active=[p for p in people if not p.archived],
        archived=[p for p in people if p.archived],
        roles=ROLES,
        safety={name: practice.safety_words(value) for name, value in safety.items()},
        errors=errors or {},
        form=form or {},
    )


def _done():
    """After a change to the list: the fresh list for htmx, else back to the People page."""
    return _page() if wants_partial() else redirect(url_for("people.index"), 303)


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
        have = Person.select().where(Person.user == current_user.id).count()
        check_room("nickname", have, 1, MAX_PEOPLE, "people")
        with database.atomic():
            Person.create(user=current_user, **values)
    except InvalidInput as exc:
        return _page(exc.errors, request.form, invalid_status())
    except IntegrityError:
        return _page(DUPLICATE, request.form, invalid_status())
    flash(f"Added {values['nickname']}.", "success")
    return _done()


@bp.get(f"/people/{PERSON_ID}/edit")
@login_required
def edit(person_id: int):
    """A person's name and role, and archiving, behind the "Edit" button of their page."""
    return _edit_page(own_or_404(Person, person_id))


def _edit_page(person: Person, errors: dict | None = None, form: dict | None = None, status: int = 200):
    """The edit page, with messages keyed by field (as "<id>-nickname", "<id>-role")."""
    return render(
        "pages/person_edit.html",
        None,
        status,
        person=person,
        roles=ROLES,
        errors=errors or {},
        form=form or {},
    )


@bp.post(f"/people/{PERSON_ID}")
@login_required
def update(person_id: int):
    """Rename a person or change their role; back to their page."""
    person = own_or_404(Person, person_id)
    try:
        values = parse_person(request.form)
        with database.atomic():
            Person.update(**values).where(Person.id == person.id).execute()
    except InvalidInput as exc:
        errors = {f"{person_id}-{k}": v for k, v in exc.errors.items()}
        return _edit_page(person, errors, request.form, invalid_status())
    except IntegrityError:
        errors = {f"{person_id}-nickname": DUPLICATE["nickname"]}
        return _edit_page(person, errors, request.form, invalid_status())
    flash(f"Saved {values['nickname']}.", "success")
    return redirect(url_for("people.show", person_id=person.id), 303)


@bp.post(f"/people/{PERSON_ID}/archive")
@login_required
def archive(person_id: int):
    """Archive a person (their logs stay) or bring them back; then the People list."""
    person = own_or_404(Person, person_id)
    person.archived = not person.archived
    person.save()
    flash(f"{'Archived' if person.archived else 'Restored'} {person.nickname}.", "info")
    return _done()


@bp.get(f"/people/{PERSON_ID}")
@login_required
def show(person_id: int):
    """One person as a safe haven: what you did together, how they responded, how you felt."""
    return _person_page(own_or_404(Person, person_id))


def _person_page(person: Person, errors: dict | None = None, status: int = 200):
    """A person's page, with optional messages for its settings form."""
    today = local_date_of(now(), current_user.timezone)
    facts = log_facts(current_user, date.min, today, person)
    return render(
        "pages/person.html",
        None,
        status,
        person=person,
        errors=errors or {},
        logs=len(facts),
        by_kind=insights.counts_by_kind(facts),
        months=practice.responses_by_month(facts, person.nickname),
        safety=practice.safety_words(practice.person_safety(facts, person.nickname, today)),
        feelings=insights.feelings(facts),
        dismissed=practice.mostly_dismissed(facts, person.nickname, today),
        # Turning toward someone marked not safe is never framed as practice (DOMAIN.md, "Care").
        bids_sentence=None
        if person.not_safe
        else bids_sentence(recent_bids(facts, today), numbers=not current_user.hide_numbers),
    )


@bp.post(f"/people/{PERSON_ID}/safety")
@login_required
def safety(person_id: int):
    """The private "not safe" mark, chosen among the person's settings: on ("1") or off ("0")."""
    person = own_or_404(Person, person_id)
    choice = request.form.get("not_safe")
    if choice not in ("0", "1"):
        return _person_page(person, {"not_safe": "Choose one of the two."}, invalid_status())
    person.not_safe = choice == "1"
    person.save()
    flash("Saved, privately. Your safety comes first." if person.not_safe else "Saved, privately.", "info")
    return redirect(url_for("people.show", person_id=person.id), 303)
