"""The practice in words, for a user who hides every number (Settings, DOMAIN.md "The practice rhythm").

Words describe, they never grade: a level says how established something is, a streak says roughly how
long it has run, a trend says which way the rhythm went. None of them is a number spelled out.
"""

from __future__ import annotations

# How the rhythm moved (charts.Change.direction), as the pages lead with it.
TREND_WORDS = {"up": "Building", "down": "Quieter lately", "steady": "Steady"}


def trend_words(direction: str | None) -> str | None:
    """'Building', 'Quieter lately' or 'Steady' for a direction; None without one."""
    return TREND_WORDS.get(direction) if direction else None


def showing_up_words(consistency: float | None) -> str | None:
    """C, showing up (0–1), in words."""
    if consistency is None:
        return None
    if consistency >= 0.75:
        return "strong"
    if consistency >= 0.5:
        return "well under way"
    if consistency >= 0.25:
        return "taking shape"
    return "quiet for now"


def balance_words(balance: float | None) -> str | None:
    """B, balance of reaching in and making room (0–1), in words; None while unknown."""
    if balance is None:
        return None
    if balance >= 0.75:
        return "in balance"
    if balance >= 0.5:
        return "fairly balanced"
    if balance >= 0.25:
        return "leaning one way"
    return "mostly one way"


def streak_words(days: int) -> str:
    """A streak's length, roughly: never a count that a single open day could be felt to wipe out."""
    if days <= 0:
        return "none running; any log starts one"
    if days < 7:
        return "under a week"
    if days < 30:
        return "a week or more"
    if days < 365:
        return "a month or more"
    return "a year or more"


def share_words(part: int, whole: int) -> str:
    """How many of some days (active days of a month's counted days), roughly."""
    if part <= 0 or whole <= 0:
        return "none yet"
    share = part / whole
    if share >= 0.75:
        return "most days"
    if share >= 0.5:
        return "more than half the days"
    if share >= 0.25:
        return "some days"
    return "a few days"


def week_words(active: int, target: int) -> str:
    """This week's active days against the weekly target."""
    if active >= target:
        return "your target is met"
    if active > 0:
        return "under way"
    return "still open"
