"""The practice rules of issue 8, as tables: the ladder, mostly dismissed, check-in scoring, unsafe people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker import practice
from tracker.insights import LogFact
from tracker.kinds import KINDS

TODAY = date(2026, 5, 13)
KEYS = [item.key for item in practice.ITEMS]


def logs_of(kind="closeness", step=1, responses=("welcomed",) * 3, person="Sam", days_ago=0):
    return [
        LogFact(TODAY - timedelta(days=days_ago), kind, person=person, response=r, step=step)
        for r in responses
    ]


@pytest.mark.parametrize(
    ("logs", "current", "ready"),
    [
        (logs_of(), 1, True),
        (logs_of(responses=("welcomed", "welcomed")), 1, False),  # only two
        (logs_of(responses=("welcomed", "welcomed", "dismissed")), 1, True),
        (logs_of(responses=("welcomed", "dismissed", "dismissed")), 1, False),
        (logs_of(responses=("welcomed", "neutral", "neutral", "welcomed")), 1, False),  # half is not mostly
        (logs_of(responses=(None, None, None)), 1, True),  # solo practice: nothing dismissed
        (logs_of(responses=(None, None, "dismissed")), 1, False),
        (logs_of(step=None), 1, True),  # no step counts as step 1
        (logs_of(step=1), 2, False),  # done below the current step
        (logs_of(step=2), 2, True),
        (logs_of(step=3), 3, False),  # no step beyond the top
        (logs_of(days_ago=27), 1, True),  # the 28-day window includes its first day
        (logs_of(days_ago=28), 1, False),
        (logs_of(days_ago=-1), 1, False),  # a future-dated log does not count
        (logs_of(kind="space"), 1, False),  # another kind
    ],
)
def test_ladder_rule(logs, current, ready):
    assert practice.ready_for_next_step(logs, "closeness", current, TODAY) is ready


def test_ladder_offers_give_the_next_step_and_respect_snoozes():
    logs = logs_of() + logs_of(kind="space", step=2)
    offers = practice.ladder_offers(logs, {"space": 2}, {}, TODAY)
    assert [(o.kind, o.current, o.next, o.text) for o in offers] == [
        ("closeness", 1, 2, "Share something and invite a reply"),
        ("space", 2, 3, "Agree on regular solo time"),
    ]
    snoozed = practice.ladder_offers(logs, {"space": 2}, {"closeness": TODAY + timedelta(days=1)}, TODAY)
    assert [o.kind for o in snoozed] == ["space"]
    expired = practice.ladder_offers(logs, {"space": 2}, {"closeness": TODAY}, TODAY)
    assert [o.kind for o in expired] == ["closeness", "space"]


def test_the_current_step_is_the_stored_one_or_1_never_the_highest_logged():
    """Issue 17, item 5: Today and the nudges read the same current step; only the ladder moves it."""
    steps = practice.current_steps({"repair": 2, "widen": 3})
    assert list(steps) == [kind.key for kind in KINDS]
    assert steps["repair"] == 2 and steps["widen"] == 3 and steps["closeness"] == 1
    # A stored value out of range (an old row, a hand edit) still names a real step.
    assert practice.current_steps({"space": 0, "confide": 9}) == {
        **dict.fromkeys((k.key for k in KINDS), 1),
        "confide": 3,
    }


def test_unknown_kind_is_never_ready():
    assert practice.ready_for_next_step(logs_of(kind="nope"), "nope", 1, TODAY) is False


@pytest.mark.parametrize(
    ("responses", "days_ago", "flagged"),
    [
        (("dismissed",) * 4, 0, False),  # fewer than 5
        (("dismissed",) * 5, 0, True),
        (("dismissed",) * 3 + ("welcomed",) * 2, 0, False),  # exactly 60% is not over
        (("dismissed",) * 4 + ("welcomed",), 0, True),  # 80%
        (("dismissed",) * 7 + ("neutral",) * 3, 0, True),  # 70%
        (("dismissed",) * 5 + (None,) * 5, 0, True),  # logs without a response are not counted
        (("dismissed",) * 5, 59, True),
        (("dismissed",) * 5, 60, False),  # outside the 60 days
        (("hurtful",) * 5, 0, True),  # hurtful counts like dismissed
        (("dismissed", "hurtful") * 2 + ("welcomed",), 0, True),
        (("hurtful",) * 3 + ("welcomed",) * 2, 0, False),
    ],
)
def test_mostly_dismissed(responses, days_ago, flagged):
    logs = logs_of(responses=responses, days_ago=days_ago)
    assert practice.mostly_dismissed(logs, "Sam", TODAY) is flagged
    assert practice.mostly_dismissed(logs, "Kim", TODAY) is False


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # all 1: non-reversed items score 1, reversed ones 5
        (
            {k: 1 for k in KEYS},
            {"closeness": 33, "depending": 33, "anxiety": 67},
        ),
        (
            {k: 5 for k in KEYS},
            {"closeness": 67, "depending": 67, "anxiety": 33},
        ),
        # the most secure answers: 5 on the plain items, 1 on the reversed ones; anxiety items low
        (
            {"c1": 5, "c2": 5, "c3": 1, "d1": 5, "d2": 5, "d3": 1, "a1": 1, "a2": 1, "a3": 5},
            {"closeness": 100, "depending": 100, "anxiety": 100},
        ),
        (
            {"c1": 1, "c2": 1, "c3": 5, "d1": 1, "d2": 1, "d3": 5, "a1": 5, "a2": 5, "a3": 1},
            {"closeness": 0, "depending": 0, "anxiety": 0},
        ),
        (
            {k: 3 for k in KEYS},
            {"closeness": 50, "depending": 50, "anxiety": 50},
        ),
        ({"c1": 4}, {"closeness": 75, "depending": None, "anxiety": None}),
    ],
)
def test_checkin_scores(answers, expected):
    assert practice.shown_scores(answers) == expected


def test_reversed_items_are_six_minus_x():
    reversed_keys = {item.key for item in practice.ITEMS if item.reversed}
    assert reversed_keys == {"c3", "d3", "a3"}
    item = next(i for i in practice.ITEMS if i.key == "c3")
    assert [practice.item_score(item, x) for x in range(1, 6)] == [5, 4, 3, 2, 1]


# Wording 2, word for word as DOMAIN.md has it ("The monthly check-in (original items, wording v2)").
WORDING_2 = {
    "c1": "When someone moved closer (a hug, a personal question, a shared plan), I could stay with it.",
    "c2": "I let at least one person see how I was really doing.",
    "c3": "I pulled back when things got personal.",
    "d1": "When things were hard, I reached out instead of handling it all alone.",
    "d2": "When I asked someone for help, I expected they would come through.",
    "d3": "I kept a need to myself because asking felt too risky.",
    "a1": "I spent a lot of energy wondering whether the people close to me still cared.",
    "a2": "When someone close to me replied late, I worried that something was wrong between us.",
    "a3": "When someone close to me wanted time alone, I could let them have it without worrying.",
}


def test_the_form_asks_wording_2_word_for_word():
    assert practice.CURRENT_WORDING == 2
    assert practice.items_for(2) is practice.ITEMS
    assert {item.key: item.text for item in practice.ITEMS} == WORDING_2
    assert list(WORDING_2) == KEYS  # the form's order: closeness, depending, anxiety


@pytest.mark.parametrize("item", practice.ITEMS, ids=lambda item: item.key)
def test_every_wording_2_item_asks_one_thing(item):
    """No second ask joined by "and"/"or" (v1's D2, A2, A3 asked two or three), no negation to undo in a
    reversed item (v1's D3 was "I didn't ask ... because", a double negative once scored 6 − x)."""
    words = item.text.lower().rstrip(".").replace(",", "").split()
    assert "and" not in words and "or" not in words and "/" not in item.text
    assert not any(word.endswith("n't") or word in {"not", "never", "no", "nor"} for word in words)


@pytest.mark.parametrize("key", ["d2", "d3", "a2", "a3"])
def test_wording_1_asked_more_than_one_thing_where_wording_2_asks_one(key):
    old = next(item.text for item in practice.ITEMS_V1 if item.key == key)
    words = old.lower().replace(",", "").split()
    assert "or" in words or "n't" in old  # what v2 fixed: "help or time", "late or ...", "didn't ask"
    assert old != WORDING_2[key]


def test_both_wordings_score_alike():
    """Answers keep their keys across wordings: the same subscale and the same reversed items."""
    shape = {(item.key, item.subscale, item.reversed) for item in practice.ITEMS}
    assert shape == {(item.key, item.subscale, item.reversed) for item in practice.ITEMS_V1}
    assert practice.items_for(1) is practice.ITEMS_V1
    assert practice.items_for(None) is practice.ITEMS_V1  # a month from before the wording was noted


def test_subscale_means():
    means = practice.subscale_means({"c1": 4, "c2": 5, "c3": 2, "a1": 2, "a2": 3, "a3": 4})
    assert means == {"closeness": pytest.approx(13 / 3), "depending": None, "anxiety": pytest.approx(7 / 3)}


BASE = {"c1": 3, "c2": 3, "c3": 3, "d1": 3, "d2": 3, "d3": 3, "a1": 3, "a2": 3, "a3": 3}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, {}),
        ({"c1": 4}, {}),  # mean moves by 1/3
        ({"c1": 4, "c2": 4}, {"closeness": "up"}),  # 2/3
        ({"c3": 4, "c2": 2}, {"closeness": "down"}),  # reversed item down counts as down
        ({"d1": 5, "d2": 5, "d3": 1}, {"depending": "up"}),
        ({"a1": 4, "a2": 4}, {"anxiety": "down"}),  # more worry: calm goes down
        ({"a3": 5, "a1": 2}, {"anxiety": "up"}),
    ],
)
def test_changes_only_at_half_a_point(change, expected):
    assert practice.changes(BASE, {**BASE, **change}) == expected


def test_change_of_exactly_half_is_called_out():
    # two-item means (one unanswered) move in halves
    before = {"c1": 3, "c2": 3}
    assert practice.changes(before, {"c1": 4, "c2": 3}) == {"closeness": "up"}
    assert practice.changes(None, BASE) == {}


@pytest.mark.parametrize(
    ("people", "unsafe", "expected"),
    [
        (["Sam", "Kim"], [], ["Sam", "Kim"]),
        (["Sam", "Kim"], ["Sam"], ["Kim"]),
        (["Sam"], ["Sam"], []),
    ],
)
def test_unsafe_people_are_never_suggested(people, unsafe, expected):
    assert practice.suggestable(people, unsafe) == expected


def test_logs_with_an_unsafe_person_never_lead_to_a_bigger_step():
    logs = logs_of(person="Sam")
    assert practice.ready_for_next_step(logs, "closeness", 1, TODAY, unsafe=frozenset({"Sam"})) is False
    assert practice.ladder_offers(logs, {}, {}, TODAY, unsafe=frozenset({"Sam"})) == []
    mixed = logs_of(person="Sam") + logs_of(person="Kim")
    assert practice.ready_for_next_step(mixed, "closeness", 1, TODAY, unsafe=frozenset({"Sam"})) is True


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, None),
        (1.0, "mostly felt safe"),
        (0.75, "mostly felt safe"),
        (0.5, "often felt safe"),
        (0.25, "sometimes felt safe"),
        (0.1, "felt hard lately"),
    ],
)
def test_safety_words(value, words):
    assert practice.safety_words(value) == words


def test_people_sorted_by_where_safety_lives():
    order = practice.sort_by_safety(["ann", "Bo", "cy", "Di"], {"ann": 0.2, "Bo": 0.9, "cy": None})
    assert order == ["Bo", "ann", "cy", "Di"]


def test_responses_by_month_and_person_safety():
    logs = [
        LogFact(date(2026, 4, 2), "closeness", "Sam", response="welcomed"),
        LogFact(date(2026, 5, 2), "closeness", "Sam", response="dismissed", after=10),
        LogFact(date(2026, 5, 3), "closeness", "Sam"),
        LogFact(date(2026, 5, 3), "closeness", "Kim", response="neutral"),
        LogFact(date(2026, 5, 4), "support", "Sam", response="hurtful"),
    ]
    assert practice.responses_by_month(logs, "Sam") == [
        practice.MonthResponses("2026-04", 1, 0, 0, 0),
        practice.MonthResponses("2026-05", 0, 0, 1, 1),
    ]
    assert practice.person_safety(logs, "Sam", TODAY) == pytest.approx(0.5)  # (1 + 0.5 + 0) / 3
    assert practice.person_safety(logs, "Ann", TODAY) is None


def test_focus_kinds_lead_then_the_rest_in_domain_order():
    order = [
        k.key for k in practice.order_with_focus(["repair", "nope", "space", "repair", "widen", "confide"])
    ]
    rest = [k.key for k in KINDS if k.key not in ("repair", "space", "widen")]
    assert order == ["repair", "space", "widen", *rest]
    assert [k.key for k in practice.order_with_focus([])] == [k.key for k in KINDS]


@pytest.mark.parametrize(
    ("last", "expected"), [(None, None), (TODAY - timedelta(days=6), None), (TODAY - timedelta(days=7), 7)]
)
def test_welcome_back_after_a_week(last, expected):
    assert practice.welcome_back(last, TODAY) == expected


def test_every_kind_has_a_reflection_prompt():
    from tracker.kinds import KINDS

    assert all(practice.reflection_prompt(k.key) != practice.DEFAULT_REFLECTION for k in KINDS)
    assert practice.reflection_prompt("unknown") == practice.DEFAULT_REFLECTION


def test_months_ending_crosses_years():
    assert practice.months_ending(2026, 2, 3) == ["2025-12", "2026-01", "2026-02"]


def test_checkin_series_and_previous():
    low = dict.fromkeys(KEYS, 3)
    checkins = {"2026-01": low, "2026-03": {**low, "c1": 5, "c2": 5}}
    series = practice.checkin_series(checkins, ["2026-01", "2026-02", "2026-03"])
    assert series["closeness"] == [50, None, 83]
    assert series["anxiety"] == [50, None, 50]
    assert practice.previous_checkin(checkins, "2026-03") == "2026-01"
    assert practice.previous_checkin(checkins, "2026-01") is None


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], (0, None)),
        ([(3, None), (None, 5)], (0, None)),
        ([(3, 6), (5, 5), (2, 8)], (3, 3.0)),
        ([(6, 4)], (1, -2.0)),
    ],
)
def test_recall_change(pairs, expected):
    change = practice.recall_change(pairs)
    assert (change.paired, change.mean_change) == expected


def test_month_steps_and_recall_change_cover_one_month():
    logs = [
        LogFact(date(2026, 5, 1), "recall", before=2, after=6, step=2),
        LogFact(date(2026, 5, 31), "recall", before=5, after=5),
        LogFact(date(2026, 4, 30), "recall", before=0, after=10, step=3),
        LogFact(date(2025, 5, 3), "closeness", step=3),
    ]
    assert practice.month_steps(logs, 2026, 5) == {"recall": 2}
    assert practice.month_recall_change(logs, 2026, 5) == practice.RecallChange(2, 2.0)


@pytest.mark.parametrize(
    ("mean", "words"),
    [
        (1.0, "not at all true"),
        (1.49, "not at all true"),
        (1.5, "not at all to a little true"),
        (3.0, "somewhat true"),
        (4.0, "mostly true"),  # DOMAIN.md: "mostly true", 4.0–4.49
        (4.49, "mostly true"),
        (4.5, "mostly to very true"),
        (5.0, "very true"),
        (None, None),
    ],
)
def test_checkin_results_in_the_scales_words(mean, words):
    assert practice.scale_words(mean) == words


def test_shown_means_turn_anxiety_into_calm():
    anxious = {"c1": 3, "c2": 3, "c3": 3, "a1": 5, "a2": 5, "a3": 1}  # a3 reversed: 5
    assert practice.shown_means(anxious) == {"closeness": 3.0, "depending": None, "anxiety": 1.0}
    series = practice.checkin_means({"2026-04": anxious}, ["2026-03", "2026-04"])
    assert series["anxiety"] == [None, 1.0] and series["closeness"] == [None, 3.0]


def test_today_shows_the_first_note_that_applies_and_asks_no_further():
    asked = []

    def finder(name, value):
        def find():
            asked.append(name)
            return value

        return find

    finders = {name: finder(name, name == "away" or name == "checkin") for name in practice.NOTE_PRIORITY}
    assert practice.first_note(finders) == ("away", True)
    assert asked == ["welcome", "help", "offer", "away"]
    assert practice.first_note({name: finder(name, None) for name in practice.NOTE_PRIORITY}) is None


def test_no_checkin_offer_in_the_first_week():
    created = date(2026, 5, 1)
    assert not practice.checkin_offered(created, date(2026, 5, 7), done_this_month=False)
    assert practice.checkin_offered(created, date(2026, 5, 8), done_this_month=False)
    assert not practice.checkin_offered(created, date(2026, 5, 8), done_this_month=True)


# --- help never locked (issue 17, item 7) -------------------------------------------------------------

HEAVY = dict.fromkeys(KEYS, 2) | {"c3": 4, "d3": 4, "a1": 4, "a2": 4, "a3": 2}  # every subscale "a little"
STEADY = dict.fromkeys(KEYS, 3)


def recalls(*pairs, newest=TODAY):
    """Rated recalls newest first, a day apart."""
    return [practice.RatedRecall(newest - timedelta(days=i), b, a) for i, (b, a) in enumerate(pairs)]


@pytest.mark.parametrize(
    ("answers", "heavy"),
    [
        (HEAVY, True),
        (STEADY, False),
        (dict.fromkeys(KEYS, None), False),  # nothing answered
        ({**dict.fromkeys(KEYS, None), "c1": 1, "d1": 2}, True),  # only what was answered counts
        ({**HEAVY, "c1": 5, "c2": 5, "c3": 1}, False),  # closeness "very true" lifts the month
    ],
)
def test_a_heavy_checkin(answers, heavy):
    assert practice.heavy_checkin(answers) is heavy


@pytest.mark.parametrize(
    ("rated", "expected"),
    [
        (recalls((6, 3), (5, 4), (7, 2)), "recall"),
        (recalls((6, 3), (5, 4)), None),  # only two
        (recalls((6, 3), (5, 5), (7, 2)), None),  # one stayed the same: not three in a row
        (recalls((6, 3), (5, 4), (7, 2), (2, 8)), "recall"),  # older ones don't matter
        (recalls((6, 3), (5, 4), (7, 2), newest=TODAY - timedelta(days=13)), "recall"),
        (recalls((6, 3), (5, 4), (7, 2), newest=TODAY - timedelta(days=14)), None),  # two weeks on
    ],
)
def test_help_after_three_recalls_that_felt_worse(rated, expected):
    assert practice.help_note(rated, [], TODAY) == expected


@pytest.mark.parametrize(
    ("checkins", "expected"),
    [
        ([("2026-05", HEAVY), ("2026-03", HEAVY), ("2026-02", HEAVY)], "checkin"),  # in a row, not monthly
        ([("2026-05", HEAVY), ("2026-04", HEAVY)], None),
        ([("2026-05", HEAVY), ("2026-04", STEADY), ("2026-03", HEAVY)], None),
        ([("2026-04", HEAVY), ("2026-03", HEAVY), ("2026-02", HEAVY)], None),  # a new month: check in first
    ],
)
def test_help_after_three_heavy_checkins(checkins, expected):
    assert practice.help_note([], checkins, TODAY) == expected


def test_help_comes_before_any_note_asking_for_more_practice():
    assert practice.NOTE_PRIORITY.index("help") < practice.NOTE_PRIORITY.index("offer")
    assert practice.NOTE_PRIORITY[0] == "welcome"
