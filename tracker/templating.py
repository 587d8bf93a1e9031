"""What every template can use: the kinds, roles, the CSRF token and small display filters."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask
from flask_login import current_user

from tracker.kinds import KINDS, KINDS_BY_KEY, RESPONSES, ROLES

CRISIS_LINKS = (
    ("US & Canada: call or text 988", "tel:988"),
    ("Find a helpline in your country", "https://findahelpline.com"),
    ("Domestic abuse (US): 1-800-799-7233", "tel:18007997233"),
)


def local_time(at: datetime, fmt: str = "%H:%M") -> str:
    """A stored UTC instant shown in the current user's time zone."""
    zone = ZoneInfo(current_user.timezone if current_user.is_authenticated else "UTC")
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime(fmt)


def local_input(at: datetime) -> str:
    """A stored instant as a `datetime-local` input value in the user's zone."""
    return local_time(at, "%Y-%m-%dT%H:%M")


def nice_date(day: date) -> str:
    """Like 'Mon 3 Feb 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


@cache
def timezones() -> list[str]:
    """The IANA zones, sorted, for the time zone picker."""
    return sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")


def init_app(app: Flask) -> None:
    """Register globals and filters."""
    app.jinja_env.globals.update(
        KINDS=KINDS,
        KINDS_BY_KEY=KINDS_BY_KEY,
        RESPONSES=RESPONSES,
        ROLES=ROLES,
        CRISIS_LINKS=CRISIS_LINKS,
        timezones=timezones,
    )
    app.jinja_env.filters.update(local_time=local_time, local_input=local_input, nice_date=nice_date)
