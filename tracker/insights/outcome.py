"""Your own outcome loop (DOMAIN.md, "Beyond tracking"): each month's check-in beside that month's
practice, and one plain sentence about the pattern, never a claim about its cause.

PURE: no Flask, Peewee or clock. The caller passes each month's practice (its active days and the
balance on its last counted day, which the year page already has) and each check-in's shown means
(1–5, anxiety turned around as calm, as `tracker.practice.shown_means` gives them).

Choices (where DOMAIN.md leaves room):
- A month pairs its own check-in with its own practice: the check-in asks about "my month". A month
  still under way is left out (its check-in may come on the 1st, before most of its practice).
- The loop appears with 3 or more paired months (`MIN_CHECKINS`): with two, any difference is one
  month against another, too thin to call a pattern.
- Months are split by active days at the value that halves them most evenly ("15 or more active days"
  against the rest); ties go to the lower threshold. All months alike: no split, nothing compared.
- A difference is named only when a subscale's mean differs by 0.5 or more between the two groups, the
  same step that calls out a change between check-ins; the largest such one leads the sentence.
- Numbers are on the check-in's own 1–5 scale, to one decimal, never as a share of 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MIN_CHECKINS = 3
CALLOUT = 0.5
CAVEAT = "This shows a pattern, not a cause: a good month can make both easier."


@dataclass(frozen=True)
class MonthPractice:
    """One month's practice as the year page has it: active days and the balance at its end."""

    month: str  # YYYY-MM
    active_days: int
    balance: float | None
    complete: bool = True  # False for the month still under way


@dataclass(frozen=True)
class PairedMonth:
    """A month's practice beside its check-in's shown means (subscale → 1–5, None if unanswered)."""

    practice: MonthPractice
    scores: Mapping[str, float | None]


@dataclass(frozen=True)
class Comparison:
    """A subscale's mean in months with `threshold` or more active days, and in the others."""

    subscale: str
    threshold: int
    busier: float
    quieter: float

    @property
    def difference(self) -> float:
        """Busier minus quieter, to one decimal as the sentence says it."""
        return round(self.busier - self.quieter, 1)

    @property
    def named(self) -> bool:
        """Whether the difference is large enough to call out (0.5 or more on the 1–5 scale)."""
        return abs(self.busier - self.quieter) >= CALLOUT - 1e-9


@dataclass(frozen=True)
class OutcomeLoop:
    """The paired months (oldest first), the split of active days, and each subscale's comparison."""

    months: tuple[PairedMonth, ...]
    threshold: int | None
    comparisons: tuple[Comparison, ...]

    @property
    def lead(self) -> Comparison | None:
        """The largest named difference, or None when none reaches 0.5."""
        named = [c for c in self.comparisons if c.named]
        return max(named, key=lambda c: abs(c.busier - c.quieter), default=None)

    def sentence(self, labels: Mapping[str, str], numbers: bool = True) -> str:
        """The pattern in one sentence: "In months with 15 or more active days, comfort with closeness
        was 0.6 higher than in the others." Without numbers: "was higher"."""
        if self.threshold is None:
            return "Your active days were about the same each month, so there is nothing to compare yet."
        days = f"{self.threshold} or more active days" if numbers else "more active days"
        lead = self.lead
        if lead is None:
            return f"In months with {days}, your check-ins were about the same as in the others."
        way = "higher" if lead.busier > lead.quieter else "lower"
        amount = f"{abs(lead.difference):.1f} " if numbers else ""
        return f"In months with {days}, {labels[lead.subscale].lower()} was {amount}{way} than in the others."


def pair_months(
    practice: Iterable[MonthPractice], checkins: Mapping[str, Mapping[str, float | None]]
) -> list[PairedMonth]:
    """The finished months that have both practice and a check-in, oldest first."""
    return [
        PairedMonth(month, checkins[month.month])
        for month in sorted(practice, key=lambda m: m.month)
        if month.complete and month.month in checkins
    ]


def split_threshold(active_days: Iterable[int]) -> int | None:
    """The active-day count that splits the months most evenly into "that many or more" and fewer;
    None when every month had the same count."""
    values = sorted(active_days)
    best: tuple[int, int] | None = None  # (imbalance, threshold): the lower threshold wins a tie
    for threshold in set(values) - {values[0]} if values else ():
        above = sum(1 for v in values if v >= threshold)
        candidate = (abs(above - (len(values) - above)), threshold)
        if best is None or candidate < best:
            best = candidate
    return None if best is None else best[1]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def outcome_loop(
    practice: Iterable[MonthPractice],
    checkins: Mapping[str, Mapping[str, float | None]],
    subscales: Iterable[str],
) -> OutcomeLoop | None:
    """The loop for these months, or None with fewer than 3 months that have a check-in."""
    months = pair_months(practice, checkins)
    if len(months) < MIN_CHECKINS:
        return None
    threshold = split_threshold(m.practice.active_days for m in months)
    comparisons = []
    if threshold is not None:
        for subscale in subscales:
            busier, quieter = [], []
            for month in months:
                score = month.scores.get(subscale)
                if score is not None:
                    (busier if month.practice.active_days >= threshold else quieter).append(score)
            high, low = _mean(busier), _mean(quieter)
            if high is not None and low is not None:
                comparisons.append(Comparison(subscale, threshold, high, low))
    return OutcomeLoop(tuple(months), threshold, tuple(comparisons))
