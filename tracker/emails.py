"""The emails Secure Base sends: the reminder nudge, the monthly digest, the address check and reset.

Each has a text and an HTML part rendered from `templates/emails/`. They are discreet by design
(DOMAIN.md, "Care"): a neutral subject, no notes, no people, nothing personal in any link, only
sealed tokens (tokens.py) that show no ids. Links are absolute, built from BASE_URL, so they work from
any mail app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formataddr, parseaddr

from flask import current_app

from tracker import discretion, tokens
from tracker.insights.fresh import FreshStep
from tracker.kinds import KINDS, Kind, get_kind
from tracker.mail import MailError, Outgoing, build_message, send
from tracker.models import ReminderRule, User
from tracker.schedule import day_names

NUDGE_SUBJECT = "Your Secure Base check-in"
DIGEST_SUBJECT = "Your Secure Base month"
VERIFY_SUBJECT = "Confirm your email for Secure Base"
RESET_SUBJECT = "Reset your Secure Base password"
# The discreet mode (Settings): subjects and a sender name that say nothing of what the app is for.
DISCREET_NUDGE_SUBJECT = "Your reminder"
DISCREET_DIGEST_SUBJECT = "Your month"
DISCREET_RESET_SUBJECT = "Reset your password"
# A fresh start after a quiet week (issue 16): named after the landmark, never after the gap.
FRESH_SUBJECTS = {"week": "A new week with Secure Base", "month": "A new month with Secure Base"}
DISCREET_FRESH_SUBJECT = "Your reminder"


def link(endpoint: str, **values: object) -> str:
    """An absolute URL under BASE_URL, built with or without a request."""
    adapter = current_app.extensions.get("email_urls")
    if adapter is None:  # bound once per app: binding costs more than building
        adapter = current_app.extensions.setdefault("email_urls", current_app.url_map.bind("localhost"))
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


@dataclass(frozen=True)
class Suggestion:
    """What a nudge suggests: a kind and the user's current step on its ladder."""

    kind: Kind
    step: int
    plan: tuple[str, str] | None = None  # the kind's if-then plan (cue, action); never in the discreet mode

    @property
    def step_text(self) -> str:
        """The wording of that ladder step."""
        return self.kind.ladder[self.step - 1]


def suggestion_for(
    rule_kind: str | None, day: date, steps: Mapping[str, int], avoid: Collection[str] = frozenset()
) -> Suggestion:
    """The rule's kind (or, for "any", one that rotates by day) at the user's current step for it.

    `steps` are the current steps as Today shows them (`practice.current_steps`): a nudge never
    suggests a step the ladder's rule has not offered. Kinds in `avoid` (the couples prompts while
    anyone is marked not safe) are never suggested: a rule for one of them gets the day's kind from the
    others instead.
    """
    kind = get_kind(rule_kind) if rule_kind else None
    if kind is None or kind.key in avoid:
        others = [k for k in KINDS if k.key not in avoid]
        kind = others[day.toordinal() % len(others)]
    return Suggestion(kind, max(1, min(3, steps.get(kind.key, 1))))


def _message(user: User, subject: str, template: str, now: datetime, headers: dict, **context) -> Outgoing:
    """Render both parts of an email to the user; in the discreet mode under the neutral name, from
    the same address."""
    discreet = bool(getattr(user, "discreet", False))
    context = {"discreet": discreet, "app_name": discretion.app_name(discreet), **context}
    sender = current_app.config["MAIL_FROM"]
    if discreet:
        sender = formataddr((discretion.NEUTRAL_NAME, parseaddr(sender)[1]))
    return build_message(
        sender=sender,
        to=user.email,
        subject=subject,
        text=_render(f"emails/{template}.txt", context),
        html=_render(f"emails/{template}.html", context),
        now=now,
        headers=headers,
    )


def _render(name: str, context: dict) -> str:
    """Render without request context processors: emails are built by the scheduler too."""
    return current_app.jinja_env.get_template(name).render(**context)


def _unsubscribe_headers(url: str) -> dict:
    """RFC 8058 one-click unsubscribe: mail apps POST to the URL without opening a page."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def nudge_message(
    user: User,
    rule: ReminderRule,
    nudge_id: int,
    marker: str,
    day: date,
    suggestion: Suggestion,
    now: datetime,
) -> Outgoing:
    """The reminder: the suggestion, three one-tap links and a way to stop this reminder."""
    kind, step = suggestion.kind.key, suggestion.step

    def action(purpose: str, endpoint: str, **extra: object) -> str:
        """A one-tap link for this email, usable once."""
        return link(endpoint, token=tokens.make(purpose, user, nudge_id, now, f"{purpose}:{marker}", **extra))

    # Each link works once per email: its one-time id is the nudge's random marker, drawn when the
    # nudge was claimed, so no other nudge (even one with a reused id) shares it.
    token = tokens.make("unsubscribe", user, rule.id, now, f"unsubscribe:{marker}")
    unsubscribe = link("email_links.unsubscribe", token=token)
    links = {
        "done": action("done", "email_links.done", k=kind, s=step, d=day.isoformat()),
        "snooze": action("snooze", "email_links.snooze"),
        "not_today": action("not_today", "email_links.not_today"),
        "unsubscribe": unsubscribe,
        "reminders": link("reminders.index"),
    }
    context = {"suggestion": suggestion, "any_kind": rule.kind is None, "links": links}
    context["schedule"] = _describe_schedule(rule)
    subject = DISCREET_NUDGE_SUBJECT if user.discreet else NUDGE_SUBJECT
    return _message(user, subject, "nudge", now, _unsubscribe_headers(unsubscribe), **context)


def _describe_schedule(rule: ReminderRule) -> str:
    """Like "Mon, Wed, Fri at 18:30" or "every day at 08:00"."""
    names = day_names(rule.days)
    when = "every day" if len(names) == 7 else ", ".join(name.capitalize() for name in names)
    return f"{when} at {rule.local_time:%H:%M}"


def digest_message(user: User, rule: ReminderRule, month: date, summary: object, now: datetime) -> Outgoing:
    """Last month's active days and streaks (in words for a user who hides numbers), linking to the month
    page; never the practice rhythm (DOMAIN.md: never in an email)."""
    unsubscribe = link("email_links.unsubscribe", token=tokens.make("unsubscribe", user, rule.id, now))
    context = {
        "month": month,
        "summary": summary,
        "words_only": user.hide_numbers,
        "links": {
            "month": current_app.config["BASE_URL"].rstrip("/") + f"/month/{month:%Y-%m}",
            "unsubscribe": unsubscribe,
            "settings": link("settings.index"),
        },
    }
    subject = f"{DISCREET_DIGEST_SUBJECT if user.discreet else DIGEST_SUBJECT}: {month:%B %Y}"
    return _message(user, subject, "digest", now, _unsubscribe_headers(unsubscribe), **context)


def fresh_message(user: User, day: date, step: FreshStep, now: datetime) -> Outgoing:
    """The one fresh start after a quiet week (on a Monday or the 1st): one small step, no count of days
    and no guilt; the discreet mode names no action. Its footer says why it came and how to turn it off."""
    landmark = "month" if day.day == 1 else "week"  # a Monday that is the 1st: the larger landmark
    stop = link("email_links.fresh_off", token=tokens.make("fresh_off", user, user.id, now))
    links = {
        "stop": stop,
        "today": link("log.today"),
        "settings": link("settings.index") + "#fresh",
        "pauses": link("pauses.index"),
        "help": link("pages.find_help"),
    }
    subject = DISCREET_FRESH_SUBJECT if user.discreet else FRESH_SUBJECTS[landmark]
    return _message(
        user, subject, "fresh", now, _unsubscribe_headers(stop), step=step, landmark=landmark, links=links
    )


def address_tag(email: str) -> str:
    """A short digest of the address a verification link was sent to, not the address itself."""
    return hashlib.sha256(email.encode()).hexdigest()[:12]


def verification_message(user: User, now: datetime) -> Outgoing:
    """The link that confirms the address, so reminders never go to someone else's inbox."""
    token = tokens.make("verify", user, user.id, now, m=address_tag(user.email))
    url = link("email_links.verify", token=token)
    return _message(user, VERIFY_SUBJECT, "verify", now, {}, links={"verify": url})


def _send_now(message: Outgoing, what: str, user: User) -> bool:
    """Send a transactional email; False (and logged, without content) when the server can't take it."""
    try:
        send(message)
    except MailError as exc:
        current_app.logger.warning("%s email to user %s failed: %s", what, user.id, exc)
        return False
    return True


def send_verification(user: User, now: datetime) -> bool:
    """Email a confirmation link now."""
    return _send_now(verification_message(user, now), "Verification", user)


def password_tag(password_hash: str) -> str:
    """A short digest of the current password hash: a reset link dies once the password changes."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:12]


def reset_message(user: User, now: datetime) -> Outgoing:
    """The link that sets a new password: works once, for an hour, and only for the current password."""
    token = tokens.make("reset", user, user.id, now, h=password_tag(user.password_hash))
    url = link("recovery.reset", token=token)
    subject = DISCREET_RESET_SUBJECT if user.discreet else RESET_SUBJECT
    return _message(user, subject, "reset", now, {}, links={"reset": url})


def send_reset(user: User, now: datetime) -> bool:
    """Email a reset link now."""
    return _send_now(reset_message(user, now), "Reset", user)
