"""What every template can use: the kinds, roles, the CSRF token and small display filters."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask, has_request_context, request
from flask_login import current_user

from tracker import discretion, forms
from tracker.care import help_lines, region_of
from tracker.insights import words
from tracker.insights.bids import BID_KIND, BID_LABELS, BID_PRACTICE_NOTE, BIDS
from tracker.kinds import KINDS, KINDS_BY_KEY, RESPONSE_LABELS, RESPONSES, ROLES
from tracker.views.common import discreet_here
from tracker.views.lock import lock_minutes, session_locked


def local_time(at: datetime, fmt: str = "%H:%M") -> str:
    """A stored UTC instant shown in the current user's time zone."""
    zone = ZoneInfo(current_user.timezone if current_user.is_authenticated else "UTC")
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime(fmt)


def local_input(at: datetime) -> str:
    """A stored instant as a `datetime-local` input value in the user's zone."""
    return forms.local_input(at, current_user.timezone if current_user.is_authenticated else "UTC")


def nice_date(day: date) -> str:
    """Like 'Mon 3 Feb 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


# Code points HTML forbids in a document: controls other than whitespace, noncharacters, lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_DROP = dict.fromkeys([*range(0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF])
_DROP |= dict.fromkeys([*range(0xD800, 0xE000), *range(0xFDD0, 0xFDF0)])
_FORBIDDEN_ASCII = tuple(chr(code) for code in _DROP if code < 0x80)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?")
_LONGEST_VALUE = 32  # longer than any date, time or date and time


def printable(value: object) -> object:
    """Every value a template prints, less the code points no HTML document may contain.

    A refused form entry is shown back to its author, and it may hold a NUL or a bell: the page must
    still be valid HTML.
    """
    # isprintable() (in C) is False for every forbidden code point (controls, surrogates, noncharacters):
    # most values pass on it alone, and a page prints hundreds.
    if isinstance(value, str) and not value.isprintable() and _has_forbidden(value):
        return value.translate(_DROP)  # markup stays markup
    return value


def _has_forbidden(text: str) -> bool:
    """Whether text holds a code point HTML forbids. What fails isprintable() is mostly markup with line
    breaks (charts, calendar rows, a macro's output: a month page prints 40 KB of them), all ASCII: there
    a search for each of the 29 ASCII controls (memchr, in C) costs a tenth of the regex's scan."""
    if text.isascii():
        return any(control in text for control in _FORBIDDEN_ASCII)
    return _FORBIDDEN.search(text) is not None


def _is_date(text: str) -> bool:
    try:
        return bool(_DATE.fullmatch(text)) and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _is_time(text: str) -> bool:
    try:
        return bool(_TIME.fullmatch(text)) and time.fromisoformat(text) is not None
    except ValueError:
        return False


def input_value(value: object, kind: str) -> str:
    """The value an input of `kind` may show, as HTML's value sanitization would leave it.

    A `text` input drops line breaks; a `date`, `time` or `datetime-local` input is emptied when the
    text isn't of its type. Browsers do so anyway, so a refused entry like "2026-02-30" or a reason with
    a line break is shown as the browser would rather than written into invalid HTML.
    """
    text = "" if value is None else str(value)
    if kind == "text":
        return text.replace("\r", "").replace("\n", "")
    if not text or len(text) > _LONGEST_VALUE:
        return ""
    if kind == "date":
        return text if _is_date(text) else ""
    if kind == "time":
        return text if _is_time(text) else ""
    day, separator, clock = text.partition("T")
    return text if separator and _is_date(day) and _is_time(clock) else ""


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
        RESPONSE_LABELS=RESPONSE_LABELS,
        BIDS=BIDS,
        BID_LABELS=BID_LABELS,
        BID_KIND=BID_KIND,
        BID_PRACTICE_NOTE=BID_PRACTICE_NOTE,
        ROLES=ROLES,
        SCALE_VALUES=tuple(str(n) for n in range(11)),  # the "how settled" scale, as form values
        timezones=timezones,
        # The practice in words, for a user who hides numbers (`words_only`, below; emails pass it).
        trend_words=words.trend_words,
        showing_up_words=words.showing_up_words,
        balance_words=words.balance_words,
        streak_words=words.streak_words,
        share_words=words.share_words,
        week_words=words.week_words,
    )
    app.jinja_env.filters.update(
        local_time=local_time,
        local_input=local_input,
        nice_date=nice_date,
        input_value=input_value,
    )
    app.jinja_env.finalize = printable
    app.context_processor(_help_lines)
    app.context_processor(_quick_exit)
    app.context_processor(_words_only)
    app.context_processor(_discretion)


def _help_lines() -> dict:
    """Help for the signed-in user's region (chosen in Settings, else from their time zone); the worldwide
    directory otherwise."""
    signed_in = has_request_context() and current_user.is_authenticated  # emails render outside requests
    if not signed_in:
        return {"HELP_LINES": help_lines(region_of(None, None))}
    return {"HELP_LINES": help_lines(region_of(current_user.help_region, current_user.timezone))}


def _words_only() -> dict:
    """`words_only`: the signed-in user chose to hide every number (Settings); pages then show words.
    Emails render outside requests and pass it themselves."""
    if not has_request_context():
        return {}
    return {
        "words_only": bool(current_user.is_authenticated and getattr(current_user, "hide_numbers", False))
    }


QUICK_EXIT_URL = "https://www.bbc.com/weather"  # neutral, fast, and common on any phone


def _quick_exit() -> dict:
    """The quick exit shows on the start and sign-in pages, and on every page once someone is marked not
    safe."""
    if not has_request_context():
        show = False
    elif current_user.is_authenticated:
        show = bool(getattr(current_user, "anyone_not_safe", False))  # read with the user (models.py)
    else:
        show = request.endpoint in ("log.today", "auth.login", "auth.sign_in_with_password")
    return {"show_quick_exit": show, "QUICK_EXIT_URL": QUICK_EXIT_URL}


def _discretion() -> dict:
    """The name this browser gives the app (the discreet mode's neutral one, DOMAIN.md "Care"), whether
    the session is locked (then pages show nothing of the account, not even the tabs), and the idle
    lock in seconds for app.js, which takes the page away when the phone is picked up after it."""
    constants = {
        "NEUTRAL_NAME": discretion.NEUTRAL_NAME,
        "LOCK_CHOICES": discretion.LOCK_CHOICES,
        "DEFAULT_LOCK_MINUTES": discretion.DEFAULT_LOCK_MINUTES,
    }
    if not has_request_context():
        return {
            **constants,
            "APP_NAME": discretion.APP_NAME,
            "discreet": False,
            "locked": False,
            "idle_lock": 0,
        }
    discreet = discreet_here()
    return {
        **constants,
        "APP_NAME": discretion.app_name(discreet),
        "discreet": discreet,
        "locked": session_locked(),
        "idle_lock": lock_minutes() * 60,
    }
