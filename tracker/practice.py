"""The practice: the progressive ladder, people as safe havens, the monthly check-in, the unsafe-person rule.

PURE: no Flask, no Peewee, no clock; the caller passes `today` (the user's local date) and plain values
(`tracker.insights.LogFact`). Rules are those of DOMAIN.md and issue 8.

Choices (where DOMAIN.md leaves room):
- A log without a step counts as step 1 (logs from before the ladder, or the API without a step).
- Ladder: a kind is ready for its next step when, in the 28 days ending today, it was done at the
  user's current step (or above) 3 or more times and more than half of the responses recorded on those
  logs were welcomed. Solo logs (no response) neither help nor hinder; when none of them recorded a
  response, the offer holds, since solo practice (recall, giving space) has no one to respond. Logs with
  a person the user does not feel safe with never count toward an offer (we never steer toward them).
- Mostly dismissed: in the 60 days ending today, 5 or more of the logs with that person recorded a
  response, and over 60% of those responses were "dismissed".
- Per-person safety on the person page and the people list is S over the last 90 days (a person is
  seen less often than the 28-day window of the score), told in the words of docs/insights.md.
- Check-in: the form asks wording 2 (one question per item); a month keeps the wording it was answered
  with (wording 1 for months from before), and is shown in it. Reversed items score 6 − x; a
  subscale's mean is over its answered items (None with none); shown as (mean − 1)/4 × 100 rounded,
  anxiety shown as "Calm about connection" = 100 − that. A change is called out only when a subscale
  mean moved by 0.5 or more (the direction is that of the shown score).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .insights import LogFact, mean_safety
from .kinds import KINDS, Kind, get_kind

LADDER_WINDOW_DAYS = 28
LADDER_MIN_LOGS = 3
TOP_STEP = 3
SNOOZE_DAYS = 14
DISMISSED_WINDOW_DAYS = 60
DISMISSED_MIN_RESPONSES = 5
DISMISSED_SHARE = 0.6
PERSON_SAFETY_DAYS = 90
CHANGE_THRESHOLD = 0.5
DISCLAIMER = "A reflection aid, not a psychological test or a diagnosis. Scores move with life events."


# --- the ladder -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LadderOffer:
    """Today's "Ready for a bigger step?" for one kind: from its current step to the next one."""

    kind: str
    label: str
    current: int
    next: int
    text: str


def _within(log: LogFact, today: date, days: int) -> bool:
    """Whether a log falls in the `days` days ending today (today included)."""
    return today - timedelta(days=days - 1) <= log.local_date <= today


def _step(log: LogFact) -> int:
    return log.step or 1


def mostly_welcomed(logs: Iterable[LogFact]) -> bool:
    """More than half of the recorded responses welcomed; true when none recorded one (solo practice)."""
    responses = [log.response for log in logs if log.response]
    return not responses or responses.count("welcomed") * 2 > len(responses)


def ready_for_next_step(
    logs: Iterable[LogFact], kind: str, current: int, today: date, unsafe: frozenset[str] = frozenset()
) -> bool:
    """The ladder rule: done at the current step ≥ 3 times in 28 days, mostly welcomed, a step left."""
    if current >= TOP_STEP or get_kind(kind) is None:
        return False
    counted = [
        log
        for log in logs
        if log.kind == kind
        and _step(log) >= current
        and _within(log, today, LADDER_WINDOW_DAYS)
        and log.person not in unsafe
    ]
    return len(counted) >= LADDER_MIN_LOGS and mostly_welcomed(counted)


def ladder_offers(
    logs: Sequence[LogFact],
    steps: Mapping[str, int],
    snoozed_until: Mapping[str, date],
    today: date,
    unsafe: frozenset[str] = frozenset(),
) -> list[LadderOffer]:
    """The kinds ready for a bigger step (taxonomy order), leaving out those snoozed until after today."""
    offers = []
    for kind in KINDS:
        current = steps.get(kind.key, 1)
        until = snoozed_until.get(kind.key)
        if until is not None and until > today:
            continue
        if ready_for_next_step(logs, kind.key, current, today, unsafe):
            offers.append(LadderOffer(kind.key, kind.label, current, current + 1, kind.ladder[current]))
    return offers


def current_steps(stored: Mapping[str, int]) -> dict[str, int]:
    """The user's current step per kind, as Today shows it and a nudge suggests it: the step stored
    when the user moved on that ladder (by accepting an offer, or on the ladder page), 1 until then.

    Never the highest step ever logged: a log at a bigger step (a bigger step tried once, or one logged
    through the API) does not move the ladder; only an offer earned by the ladder's rule, or the user's
    own choice, does.
    """
    return {kind.key: max(1, min(TOP_STEP, stored.get(kind.key, 1))) for kind in KINDS}


def step_history(logs: Iterable[LogFact]) -> dict[str, int]:
    """The highest step logged per kind (for the month page's "step over time")."""
    top: dict[str, int] = {}
    for log in logs:
        top[log.kind] = max(top.get(log.kind, 0), _step(log))
    return top


# --- people as safe havens ----------------------------------------------------------------------------


def mostly_dismissed(logs: Iterable[LogFact], person: str, today: date) -> bool:
    """≥ 5 responses from this person in the 60 days ending today, over 60% of them dismissed (a hurtful
    or frightening response counts like dismissed)."""
    responses = [
        log.response
        for log in logs
        if log.person == person and log.response and _within(log, today, DISMISSED_WINDOW_DAYS)
    ]
    if len(responses) < DISMISSED_MIN_RESPONSES:
        return False
    unmet = responses.count("dismissed") + responses.count("hurtful")
    return unmet > DISMISSED_SHARE * len(responses)


def person_safety(logs: Iterable[LogFact], person: str, today: date) -> float | None:
    """S for one person over the last 90 days; None when unknown."""
    return mean_safety(
        log for log in logs if log.person == person and _within(log, today, PERSON_SAFETY_DAYS)
    )


def safety_words(value: float | None) -> str | None:
    """S for a person in words, never as a number or a grade (docs/insights.md)."""
    if value is None:
        return None
    if value >= 0.75:
        return "mostly felt safe"
    if value >= 0.5:
        return "often felt safe"
    if value >= 0.25:
        return "sometimes felt safe"
    return "felt hard lately"


def sort_by_safety(people: Sequence[str], safety: Mapping[str, float | None]) -> list[str]:
    """People where safety lives first (highest S), those with no S yet after, each alphabetically."""
    return sorted(people, key=lambda p: (safety.get(p) is None, -(safety.get(p) or 0), p.lower()))


@dataclass(frozen=True)
class MonthResponses:
    """How one person responded in one month."""

    month: str  # YYYY-MM
    welcomed: int
    neutral: int
    dismissed: int
    hurtful: int = 0  # hurt or frightened: shown with care, never as a grade

    @property
    def first(self) -> date:
        """The month's first day (for display)."""
        return date.fromisoformat(f"{self.month}-01")


def responses_by_month(logs: Iterable[LogFact], person: str) -> list[MonthResponses]:
    """One person's responses per month, oldest first; months without a response left out."""
    counts: dict[str, Counter] = {}
    for log in logs:
        if log.person == person and log.response:
            counts.setdefault(f"{log.local_date:%Y-%m}", Counter())[log.response] += 1
    return [
        MonthResponses(month, c["welcomed"], c["neutral"], c["dismissed"], c["hurtful"])
        for month, c in sorted(counts.items())
    ]


# --- the unsafe-person rule ---------------------------------------------------------------------------


# Prompts for a couple (repair, closeness rituals, an evening together): while anyone is marked not safe,
# no email suggests them (DOMAIN.md, "Care"), since they would steer toward that person.
COUPLES_KINDS: frozenset[str] = frozenset({"closeness", "receive", "repair"})


def suggestable(people: Iterable[str], unsafe: Iterable[str]) -> list[str]:
    """The people we may suggest reaching toward: never one the user marked as not safe."""
    blocked = set(unsafe)
    return [person for person in people if person not in blocked]


# --- the monthly check-in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    key: str
    subscale: str
    text: str
    reversed: bool = False


# The items as first worded (wording 1): D2, D3, A2 and A3 asked two or three things at once, and D3 with
# a double negative. Months answered with them keep showing them (DOMAIN.md, the monthly check-in).
ITEMS_V1: tuple[Item, ...] = (
    Item(
        "c1",
        "closeness",
        "When someone moved closer — a hug, a personal question, a shared plan — I could stay with it.",
    ),
    Item("c2", "closeness", "I let at least one person see how I was really doing."),
    Item("c3", "closeness", "I changed the subject or pulled back when things got personal.", True),
    Item("d1", "depending", "When things were hard, I reached out instead of handling it all alone."),
    Item("d2", "depending", "When I asked for help or time, I expected someone would come through."),
    Item("d3", "depending", "I didn't ask for something I needed because asking felt too risky.", True),
    Item("a1", "anxiety", "I spent a lot of energy wondering whether the people close to me still cared."),
    Item(
        "a2",
        "anxiety",
        "When someone replied late or wanted time alone, I took it as a sign something was wrong between us.",
    ),
    Item(
        "a3",
        "anxiety",
        "I could ask for space, or give it, without fearing it would damage the relationship.",
        True,
    ),
)
# Wording 2, the one the form asks: one question per item, in DOMAIN.md's words. It rewords items of
# wording 1 and keeps their keys, subscales and reversed items, so answers of both score alike.
_REWORDED = {
    "c1": "When someone moved closer (a hug, a personal question, a shared plan), I could stay with it.",
    "c3": "I pulled back when things got personal.",
    "d2": "When I asked someone for help, I expected they would come through.",
    "d3": "I kept a need to myself because asking felt too risky.",
    "a2": "When someone close to me replied late, I worried that something was wrong between us.",
    "a3": "When someone close to me wanted time alone, I could let them have it without worrying.",
}
ITEMS: tuple[Item, ...] = tuple(replace(item, text=_REWORDED.get(item.key, item.text)) for item in ITEMS_V1)
CURRENT_WORDING = 2
WORDINGS: dict[int, tuple[Item, ...]] = {1: ITEMS_V1, 2: ITEMS}


def items_for(wording: int | None) -> tuple[Item, ...]:
    """The items as worded when a month was answered; a month without a known wording was answered
    before wording 2 existed, so it gets wording 1."""
    return WORDINGS.get(wording or 1, ITEMS_V1)


SUBSCALES: tuple[str, ...] = ("closeness", "depending", "anxiety")
SUBSCALE_LABELS = {
    "closeness": "Comfort with closeness",
    "depending": "Comfort depending on others",
    "anxiety": "Calm about connection",
}
SCALE = {
    1: "Not at all true of my month",
    2: "A little true",
    3: "Somewhat true",
    4: "Mostly true",
    5: "Very true",
}


def item_score(item: Item, answer: int) -> int:
    """An answer as scored: reversed items are 6 − x."""
    return 6 - answer if item.reversed else answer


def subscale_means(answers: Mapping[str, int | None]) -> dict[str, float | None]:
    """Each subscale's mean of its scored, answered items (1–5); None when none is answered."""
    means: dict[str, float | None] = {}
    for subscale in SUBSCALES:
        scored = [
            item_score(item, answers[item.key])
            for item in ITEMS
            if item.subscale == subscale and answers.get(item.key) is not None
        ]
        means[subscale] = sum(scored) / len(scored) if scored else None
    return means


def shown_score(subscale: str, mean: float | None) -> int | None:
    """A mean on 0–100: (mean − 1)/4 × 100, anxiety turned into "Calm about connection" = 100 − that."""
    if mean is None:
        return None
    value = (mean - 1) / 4 * 100
    return round(100 - value if subscale == "anxiety" else value)


# The scale's words for a subscale mean: a whole step is the answer's own words, a mean half a step or
# more past it sits between two ("mostly true" is 4.0–4.49, "mostly to very true" 4.5–4.99).
SCALE_WORDS = {1: "not at all true", 2: "a little true", 3: "somewhat true", 4: "mostly true", 5: "very true"}
SCALE_SHORT = {1: "not at all", 2: "a little", 3: "somewhat", 4: "mostly", 5: "very"}


def scale_words(mean: float | None) -> str | None:
    """A subscale mean (1–5) in the scale's words, never as a number out of 100."""
    if mean is None:
        return None
    whole = min(5, max(1, math.floor(mean + 1e-9)))
    if whole < 5 and mean - whole >= 0.5 - 1e-9:
        return f"{SCALE_SHORT[whole]} to {SCALE_WORDS[whole + 1]}"
    return SCALE_WORDS[whole]


def shown_means(answers: Mapping[str, int | None]) -> dict[str, float | None]:
    """Each subscale's mean as the user sees it (1–5): anxiety turned around as calm (6 − mean)."""
    means = subscale_means(answers)
    return {name: None if m is None else 6 - m if name == "anxiety" else m for name, m in means.items()}


def checkin_means(checkins: Mapping[str, Mapping[str, int | None]], months: Sequence[str]) -> dict:
    """Each subscale's shown mean per month (None for a month without a check-in)."""
    means = {month: shown_means(checkins[month]) for month in months if month in checkins}
    return {name: [means[m][name] if m in means else None for m in months] for name in SUBSCALES}


def shown_scores(answers: Mapping[str, int | None]) -> dict[str, int | None]:
    """The three scores the user sees, keyed by subscale."""
    return {name: shown_score(name, mean) for name, mean in subscale_means(answers).items()}


def changes(previous: Mapping[str, int | None] | None, current: Mapping[str, int | None]) -> dict[str, str]:
    """Subscales whose mean moved by ≥ 0.5 since the previous check-in: "up" or "down" as shown."""
    if not previous:
        return {}
    before, after = subscale_means(previous), subscale_means(current)
    moved = {}
    for name in SUBSCALES:
        if before[name] is None or after[name] is None:
            continue
        delta = after[name] - before[name]
        if abs(delta) >= CHANGE_THRESHOLD - 1e-9:
            rising = delta > 0 if name != "anxiety" else delta < 0
            moved[name] = "up" if rising else "down"
    return moved


# --- Today: focus kinds, gentle feedback --------------------------------------------------------------

MAX_FOCUS = 3
WELCOME_BACK_DAYS = 7
# Today shows at most one note, the first of these that applies (docs/practice.md, "Today's one note"):
# the welcome sets Today up; help (a therapist or a group) after three recalls that felt worse or three
# heavy check-ins comes before anything asking for more practice; the ladder offer is earned by recent
# practice (so its reader is not really away); a welcome back after a week's break lasts the day of the
# return; the monthly check-in is open all month, so it can wait a day.
NOTE_PRIORITY = ("welcome", "help", "offer", "away", "checkin")
CHECKIN_QUIET_DAYS = 7  # no check-in offer in an account's first week: nothing to reflect on yet

REFLECTIONS: dict[str, str] = {
    "closeness": "What did it feel like to move a little closer?",
    "receive": "What was it like to let that in, instead of brushing it off?",
    "space": "How did it feel to ask for what you needed, and still stay connected?",
    "trust_space": "What did you tell yourself while you let them have their space?",
    "support": "What did you notice in yourself as you asked?",
    "confide": "How did it feel to be a little more seen?",
    "respond": "What did you notice in them when you turned toward them?",
    "repair": "What part of the repair felt most like you?",
    "recall": "What did that person give you that you can carry today?",
    "widen": "Who might this grow into, given time?",
}
DEFAULT_REFLECTION = "What is one word for how that felt?"


def reflection_prompt(kind: str) -> str:
    """An optional one-line reflection suited to the kind."""
    return REFLECTIONS.get(kind, DEFAULT_REFLECTION)


def order_with_focus(focus: Sequence[str]) -> list[Kind]:
    """All kinds: the (up to three) focus kinds first, in the order chosen, then the rest in DOMAIN.md's
    order. Never by use: tiles that move between visits break the hand's memory of where each one is,
    so only the user changes the order (their focus, in the welcome or Settings)."""
    focused: list[Kind] = []
    for key in focus:
        kind = get_kind(key)
        if kind and kind not in focused and len(focused) < MAX_FOCUS:
            focused.append(kind)
    return focused + [kind for kind in KINDS if kind not in focused]


def first_note(finders: Mapping[str, Callable[[], object]]) -> tuple[str, object] | None:
    """Today's one note: the first in NOTE_PRIORITY whose finder gives a value (later finders, each a
    query or two, are not asked)."""
    for name in NOTE_PRIORITY:
        value = finders[name]() if name in finders else None
        if value:
            return name, value
    return None


def checkin_offered(account_created: date, today: date, done_this_month: bool) -> bool:
    """Whether Today offers the monthly check-in: not once done this month, nor in the first week."""
    return not done_this_month and (today - account_created).days >= CHECKIN_QUIET_DAYS


def welcome_back(last_active: date | None, today: date) -> int | None:
    """Days away when the user returns after a week or more without a log; None otherwise."""
    if last_active is None:
        return None
    gap = (today - last_active).days
    return gap if gap >= WELCOME_BACK_DAYS else None


def months_ending(year: int, month: int, count: int = 12) -> list[str]:
    """The `count` months (YYYY-MM) ending with year-month, oldest first."""
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def checkin_series(checkins: Mapping[str, Mapping[str, int | None]], months: Sequence[str]) -> dict:
    """Each subscale's shown score per month (None for a month without a check-in)."""
    scores = {month: shown_scores(checkins[month]) for month in months if month in checkins}
    return {name: [scores[m][name] if m in scores else None for m in months] for name in SUBSCALES}


def previous_checkin(checkins: Mapping[str, Mapping[str, int | None]], month: str) -> str | None:
    """The latest month before `month` that has a check-in."""
    return max((m for m in checkins if m < month), default=None)


@dataclass(frozen=True)
class RecallChange:
    """How recalling a safe person changed how settled the user felt: paired count and mean change."""

    paired: int
    mean_change: float | None


def recall_change(pairs: Iterable[tuple[int | None, int | None]]) -> RecallChange:
    """The mean of after − before over the recalls that record both."""
    deltas = [after - before for before, after in pairs if before is not None and after is not None]
    return RecallChange(len(deltas), sum(deltas) / len(deltas) if deltas else None)


def _in_month(logs: Iterable[LogFact], year: int, month: int) -> list[LogFact]:
    return [log for log in logs if (log.local_date.year, log.local_date.month) == (year, month)]


def month_steps(logs: Iterable[LogFact], year: int, month: int) -> dict[str, int]:
    """The highest ladder step logged per kind in one month (the month page's "step over time")."""
    return step_history(_in_month(logs, year, month))


def month_recall_change(logs: Iterable[LogFact], year: int, month: int) -> RecallChange:
    """How the month's recall exercises changed how settled the user felt."""
    return recall_change(
        (log.before, log.after) for log in _in_month(logs, year, month) if log.kind == "recall"
    )


# --- help never locked: after repeated "felt worse" or heavy check-ins ------------------------------

HELP_STREAK = 3  # three in a row (DOMAIN.md, "Care")
HELP_RECALL_DAYS = 14  # the note lasts two weeks after the latest of three recalls that felt worse
HEAVY_CHECKIN = 2.5  # a month whose shown subscale means average below this: nearer "a little true"


@dataclass(frozen=True)
class RatedRecall:
    """A recall exercise with both ratings (how settled before and after), and its day."""

    local_date: date
    before: int
    after: int


def heavy_checkin(answers: Mapping[str, int | None]) -> bool:
    """A check-in that describes a heavy month: the mean of its shown subscale means (comfort with
    closeness, comfort depending on others, calm about connection; 1–5) is below 2.5, nearer "a
    little true" than "somewhat true". A month with no answered item is not heavy."""
    means = [m for m in shown_means(answers).values() if m is not None]
    return bool(means) and sum(means) / len(means) < HEAVY_CHECKIN


def help_note(
    recalls: Sequence[RatedRecall], checkins: Sequence[tuple[str, Mapping[str, int | None]]], today: date
) -> str | None:
    """Why Today offers "find a therapist or a group", if it does: "recall" when the user's last three
    rated recalls (newest first) each left them less settled than before, the latest within 14 days;
    "checkin" when their last three check-ins (newest first, as (YYYY-MM, answers)) each describe a
    heavy month, the latest this month's. None otherwise.

    Bounded in time so the note comes with what prompted it, and leaves room for the next month's
    check-in offer.
    """
    last = recalls[:HELP_STREAK]
    if (
        len(last) == HELP_STREAK
        and all(r.after < r.before for r in last)
        and (today - last[0].local_date).days < HELP_RECALL_DAYS
    ):
        return "recall"
    months = checkins[:HELP_STREAK]
    if (
        len(months) == HELP_STREAK
        and months[0][0] == f"{today:%Y-%m}"
        and all(heavy_checkin(answers) for _, answers in months)
    ):
        return "checkin"
    return None
