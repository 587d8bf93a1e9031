"""Bids met both ways (tracker/insights/bids.py): counting, the rate, the 30-day window and the sentence."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import FIXED_NOW
from tracker.forms import InvalidInput, bid_for, parse_bid, parse_log
from tracker.insights import LogFact
from tracker.insights.bids import BidCounts, bid_window, bids_sentence, count_bids, recent_bids

DAY = date(2026, 5, 13)


def respond(day: date, bid: str | None = "toward", person: str | None = None) -> LogFact:
    return LogFact(day, "respond", person, bid=bid)


def test_counts_each_way_and_the_rate_is_toward_over_all():
    logs = [respond(DAY, "toward")] * 9 + [respond(DAY, "away"), respond(DAY, "against")]
    counts = count_bids(logs, DAY, DAY)
    assert (counts.toward, counts.away, counts.against, counts.total) == (9, 1, 1, 11)
    assert counts.rate == pytest.approx(9 / 11)
    assert counts.as_api_dict() == {"toward": 9, "away": 1, "against": 1, "rate": 0.818}


def test_no_bids_is_no_rate_not_zero():
    counts = count_bids([LogFact(DAY, "closeness")], DAY, DAY)
    assert counts == BidCounts() and counts.rate is None
    assert counts.as_api_dict() == {"toward": 0, "away": 0, "against": 0, "rate": None}


def test_other_kinds_never_count_and_a_respond_log_without_a_bid_is_toward():
    logs = [LogFact(DAY, "closeness", bid="away"), respond(DAY, None)]
    assert count_bids(logs, DAY, DAY) == BidCounts(toward=1)


@pytest.mark.parametrize(
    ("day", "counted"),
    [
        (date(2026, 4, 13), False),  # 31 days back: outside
        (date(2026, 4, 14), True),  # day − 29: the window's first day
        (DAY, True),  # its last day
        (date(2026, 5, 14), False),  # after it
    ],
)
def test_the_window_is_the_30_days_ending_on_the_day_both_ends_included(day, counted):
    assert bid_window(DAY) == (date(2026, 4, 14), DAY)
    assert recent_bids([respond(day)], DAY).total == (1 if counted else 0)


def test_bids_with_people_left_out_are_not_counted():
    logs = [respond(DAY, "against", "Alex"), respond(DAY, "toward", "Sam")]
    assert recent_bids(logs, DAY, leave_out={"Alex"}) == BidCounts(toward=1)


def test_the_sentence_counts_practice_and_never_a_percentage():
    counts = BidCounts(toward=9, away=2)
    sentence = bids_sentence(counts)
    assert sentence == "You turned toward 9 of 11 bids you noticed in the last 30 days."
    assert "%" not in sentence and "86" not in sentence
    one = "You turned toward 1 of 1 bid you noticed in the last 30 days."
    assert bids_sentence(BidCounts(toward=1)) == one


def test_nothing_is_said_without_bids():
    assert bids_sentence(BidCounts()) is None
    assert bids_sentence(BidCounts(), numbers=False) is None


def test_with_numbers_hidden_the_sentence_has_no_count():
    for counts in (BidCounts(9, 2), BidCounts(3), BidCounts(1, 2, 1), BidCounts(0, 2), BidCounts(1, 1)):
        sentence = bids_sentence(counts, numbers=False)
        # The period is said as it is ("the last 30 days"); no count of the practice is.
        assert sentence and not any(c.isdigit() for c in sentence.replace("30 days", "")), sentence
    assert bids_sentence(BidCounts(9, 2), numbers=False) == (
        "You turned toward most of the bids you noticed in the last 30 days."
    )


def test_none_turned_toward_yet_is_said_as_noticing_never_as_zero():
    sentence = bids_sentence(BidCounts(away=3))
    assert sentence and " 0 " not in sentence and sentence.startswith("You noticed 3 bids in the last 30")


@pytest.mark.parametrize("value", ["toward", "away", "against"])
def test_the_parser_takes_the_three_ways(value):
    assert parse_bid(value) == value


@pytest.mark.parametrize("value", [None, ""])
def test_blank_is_the_default(value):
    assert parse_bid(value) is None
    assert bid_for("respond", parse_bid(value)) == "toward"


@pytest.mark.parametrize("value", ["Toward", "towards", 1, True, ["toward"], {"a": 1}, "x" * 10_000])
def test_the_parser_refuses_anything_else(value):
    with pytest.raises(InvalidInput) as exc:
        parse_bid(value)
    assert exc.value.field == "bid" and "toward, away or against" in str(exc.value)


def test_bid_for_drops_or_refuses_a_bid_on_other_kinds_and_keeps_one_on_respond():
    assert bid_for("closeness", None, "away") is None  # moved away from respond: dropped
    assert bid_for("respond", None, "away") == "away"  # an edit that says nothing keeps it
    assert bid_for("respond", "against", "away") == "against"
    with pytest.raises(InvalidInput) as exc:
        bid_for("closeness", "away")
    assert exc.value.field == "bid"


def test_parse_log_refuses_a_bid_on_another_kind_and_an_unknown_value():
    for body in ({"kind": "closeness", "bid": "away"}, {"kind": "respond", "bid": "sideways"}):
        with pytest.raises(InvalidInput) as exc:
            parse_log(body, tz="UTC", now=FIXED_NOW)
        assert exc.value.field == "bid"
    assert parse_log({"kind": "respond", "bid": "away"}, tz="UTC", now=FIXED_NOW).bid == "away"
    assert parse_log({"kind": "closeness", "bid": None}, tz="UTC", now=FIXED_NOW).bid is None
