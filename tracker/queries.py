"""Reads shared by views and services, each scoped to one user (the data layer, beside models.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from peewee import Model, Select, UUIDField

from tracker.models import Log, ReminderRule, User

ID_MAX = 2**31 - 1  # the largest id an integer column holds on both engines

# Rows whose owner's set is narrower than `model.user == user`: a log comes with its person (one query),
# and the monthly digest is the app's own rule, never addressed by id.
SCOPES: dict[type[Model], Callable[[User], Select]] = {Log: Log.for_user, ReminderRule: ReminderRule.for_user}


def own_row(model: type[Model], user: User, row_id: object) -> Model | None:
    """One of the user's rows of `model` by id; None for another user's id, a malformed id, or an id
    no row can have (SQLite cannot even bind an integer past 64 bits)."""
    key = _key(model, row_id)
    if key is None:
        return None
    scope = SCOPES.get(model)
    query = scope(user) if scope else model.select().where(model.user == user.id)
    return query.where(model._meta.primary_key == key).first()


def _key(model: type[Model], row_id: object) -> object | None:
    """The id as the primary key column takes it, or None when no row can have it."""
    if isinstance(model._meta.primary_key, UUIDField):
        try:
            return row_id if isinstance(row_id, uuid.UUID) else uuid.UUID(str(row_id))
        except ValueError:
            return None
    try:
        key = int(str(row_id))
    except ValueError:
        return None
    return key if 1 <= key <= ID_MAX else None
