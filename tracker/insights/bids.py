"""Bids met both ways (DOMAIN.md, "Beyond tracking"; Gottman): how the user met other people's bids for
connection, counted from plain values. PURE: no Flask, no Peewee, no clock; the caller passes the day.

A `respond` log carries `bid`: the user turned "toward" the bid, "away" from it (missed it; "I missed a
bid" logs one later) or "against" it. Choices, where DOMAIN.md leaves room:
- A respond log with no bid (a fact built without one) counts as toward, the column's default; logs of
  other kinds answer no bid and are never counted.
- The rate is toward / all bids noticed, None when there are none: it describes the user's own practice
  and is never compared with a mark (not Gottman's 86%, not a colour), and pages show it only as
  "You turned toward 9 of 11 bids you noticed in the last 30 days", or in words when numbers are hidden.
- The window is the 30 days ending on the given day, both ends included (day − 29 … day).
- The API rounds the rate to 3 places, as its other fractions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.insights.facts import LogFact

BID_KIND = "respond"  # the one kind that answers someone else's bid
TOWARD, AWAY, AGAINST = "toward", "away", "against"
BIDS: tuple[str, ...] = (TOWARD, AWAY, AGAINST)
DEFAULT_BID = TOWARD
# The form's choices: what each way of meeting a bid looks like, in plain words.
BID_LABELS: dict[str, str] = {
    TOWARD: "Turned toward it",
    AWAY: "Missed it, or turned away",
    AGAINST: "Turned against it",
}
BID_WINDOW_DAYS = 30
# Said beside the sentence wherever it is shown: the count is practice, never a grade.
BID_PRACTICE_NOTE = "Noticing a bid, even one you missed, is the practice."


@dataclass(frozen=True)
class BidCounts:
    """How many bids the user met each way; `rate` is the share turned toward (None with none)."""

    toward: int = 0
    away: int = 0
    against: int = 0

    @property
    def total(self) -> int:
        """Every bid noticed."""
        return self.toward + self.away + self.against

    @property
    def rate(self) -> float | None:
        """toward / all, None when no bid was noticed (no bids is not a rate of 0)."""
        return self.toward / self.total if self.total else None

    def as_api_dict(self) -> dict:
        """The summary API's `bids`: the counts, and the rate rounded to 3 places (None with no bids)."""
        rate = self.rate
        return {
            "toward": self.toward,
            "away": self.away,
            "against": self.against,
            "rate": None if rate is None else round(rate, 3),
        }


def bid_of(log: LogFact) -> str | None:
    """How a log met a bid: its bid for a respond log (toward when it has none), None for other kinds."""
    if log.kind != BID_KIND:
        return None
    return log.bid if log.bid in BIDS else DEFAULT_BID


def count_bids(
    logs: Iterable[LogFact], first: date, last: date, leave_out: Iterable[str] = frozenset()
) -> BidCounts:
    """The bids of logs dated first..last (both included); logs with the people in `leave_out` (those
    marked not safe: turning toward them is never framed as practice) are not counted."""
    left_out = frozenset(leave_out)
    tally = dict.fromkeys(BIDS, 0)
    for log in logs:
        bid = bid_of(log)
        if bid is None or not first <= log.local_date <= last:
            continue
        if log.person is not None and log.person in left_out:
            continue
        tally[bid] += 1
    return BidCounts(**tally)


def bid_window(last: date) -> tuple[date, date]:
    """The 30 days ending on `last`, both ends included."""
    return last - timedelta(days=BID_WINDOW_DAYS - 1), last


def recent_bids(logs: Iterable[LogFact], last: date, leave_out: Iterable[str] = frozenset()) -> BidCounts:
    """The bids of the 30 days ending on `last`."""
    return count_bids(logs, *bid_window(last), leave_out=leave_out)


def _plural(count: int) -> str:
    return f"{count} bid" if count == 1 else f"{count} bids"


def _share_words(counts: BidCounts) -> str:
    """The share turned toward, in words that describe and never grade."""
    if counts.toward == counts.total:
        return "every bid" if counts.total > 1 else "the bid"
    share = counts.toward / counts.total
    if share >= 0.75:
        return "most of the bids"
    if share >= 0.5:
        return "more than half of the bids"
    return "some of the bids"


def bids_sentence(
    counts: BidCounts, *, numbers: bool = True, days: str = "in the last 30 days"
) -> str | None:
    """The pages' sentence about the user's own bids, or None when they noticed none (nothing is shown).

    With numbers: "You turned toward 9 of 11 bids you noticed in the last 30 days." Hidden numbers
    (Settings): the share in words. No bid turned toward yet: what was noticed, with no count of none.
    """
    if not counts.total:
        return None
    if not counts.toward:
        noticed = _plural(counts.total) if numbers else ("a bid" if counts.total == 1 else "bids")
        return f"You noticed {noticed} {days}. Noticing comes first; turning toward grows from it."
    if not numbers:
        return f"You turned toward {_share_words(counts)} you noticed {days}."
    return f"You turned toward {counts.toward} of {_plural(counts.total)} you noticed {days}."
