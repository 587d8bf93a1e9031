"""The month's one suggestion: the first rule that applies (see the package's docstring), never naming a
person marked not safe (the caller leaves their logs out)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from tracker.insights.facts import LogFact, counts_by_group, counts_by_kind
from tracker.insights.score import PersonResponses, balance_of
from tracker.kinds import KINDS, REACH, ROOM, Kind, get_kind

if TYPE_CHECKING:  # review calls suggest(): the type alone, no import cycle
    from tracker.insights.review import Comeback


def suggest(
    logs: Sequence[LogFact],
    people: Sequence[PersonResponses],
    comeback: Comeback | None,
    not_safe: Collection[str] = frozenset(),
) -> str:
    """One gentle suggestion for the month (order and thresholds under Choices), read without the logs
    with anyone in `not_safe`."""
    if not_safe:
        logs = [log for log in logs if log.person not in not_safe]
        people = [p for p in people if p.person not in not_safe]
    care = _widen_circle(people)
    if comeback:
        return " ".join(filter(None, [_welcome_back(comeback), care]))
    return care or _underused_group(logs) or _next_ladder_step(logs) or _gentle_default(logs)


def _welcome_back(comeback: Comeback) -> str:
    """A warm note for coming back after a gap."""
    return (
        f"Welcome back: you returned on {comeback.day.day} {comeback.day:%B} after "
        f"{comeback.days_away} days away. Coming back is the practice itself."
    )


def _widen_circle(people: Sequence[PersonResponses]) -> str | None:
    """For a person whose responses were mostly dismissed: widen the circle, never "try harder"."""
    # A hurtful or frightening response counts like dismissed here too.
    dismissive = [p for p in people if p.responded >= 3 and (p.dismissed + p.hurtful) * 2 > p.responded]
    if not dismissive:
        return None
    person = max(dismissive, key=lambda p: p.dismissed + p.hurtful)
    return (
        f"{person.person} often couldn't meet you this month; that says more about their moment than "
        f"about you. Safety can live in more than one place: maybe {_first_step(get_kind('widen'))}."
    )


def _underused_group(logs: Sequence[LogFact]) -> str | None:
    """Point to reach or room when the month leaned heavily to the other side (least-used kind first)."""
    groups = counts_by_group(logs)
    reach, room = groups[REACH], groups[ROOM]
    if reach + room < 4 or balance_of(reach, room) == 1:
        return None
    counts = counts_by_kind(logs)
    group = REACH if reach < room else ROOM
    kind = min((kind for kind in KINDS if kind.group == group), key=lambda kind: counts[kind.key])
    if reach < room:
        return f"This month leaned toward making room. Letting people closer counts too: {_first_step(kind)}."
    return f"This month leaned toward reaching in. Making room counts too: {_first_step(kind)}."


def _first_step(kind: Kind) -> str:
    """A kind's smallest step, as a suggestion."""
    return f"try “{kind.label}”, starting small: {kind.ladder[0][0].lower()}{kind.ladder[0][1:]}"


def _next_ladder_step(logs: Sequence[LogFact]) -> str | None:
    """The next ladder step of a kind done often (most-done first) and mostly welcomed."""
    for key, count in sorted(counts_by_kind(logs).items(), key=lambda item: -item[1]):
        kind = get_kind(key)
        if count < 3:
            return None
        of_kind = [log for log in logs if log.kind == key]
        top_step = max(log.step or 1 for log in of_kind)
        if kind and top_step < 3 and _mostly_welcomed(of_kind):
            return (
                f"You practised “{kind.label}” {count} times this month and it was mostly welcomed. "
                f"When it feels right, a next step: {kind.ladder[top_step]}."
            )
    return None


def _mostly_welcomed(logs: Sequence[LogFact]) -> bool:
    """At least 2 responses, more than half of them welcomed."""
    responses = [log.response for log in logs if log.response]
    return len(responses) >= 2 and responses.count("welcomed") * 2 > len(responses)


def _gentle_default(logs: Sequence[LogFact]) -> str:
    """An encouragement that asks for nothing big."""
    if not logs:
        return f"One small step counts: {_first_step(get_kind('recall'))}."
    return "Keep going at your own pace; rest days are part of the practice."
