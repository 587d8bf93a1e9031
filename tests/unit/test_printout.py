"""The printable month's builder (tracker.insights.printout): hidden names, plans, notes, words."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from tracker.insights import LogFact, Profile, build_history, month_summary
from tracker.insights.printout import NoteLine, month_printout, person_names

TODAY = date(2026, 5, 20)


def summary():
    logs = [
        LogFact(date(2026, 5, 4), "closeness", "Sam", 3, 7, "welcomed"),
        LogFact(date(2026, 5, 5), "space", "Maya", 5, 6, "dismissed"),
        LogFact(date(2026, 5, 6), "closeness", "Sam", None, None, "neutral"),
    ]
    history = build_history(logs, Profile(date(2026, 4, 1), 4), TODAY, scored=(date(2026, 5, 1), TODAY))
    return month_summary(history, 2026, 5)


def test_hidden_names_become_letters_everywhere():
    assert person_names(["Sam", "Maya", "Sam"], hide=True) == {"Sam": "Person A", "Maya": "Person B"}
    assert person_names(["Sam"], hide=False) == {"Sam": "Sam"}
    notes = [
        NoteLine(date(2026, 5, 4), "closeness", "Sam", "Felt close."),
        NoteLine(date(2026, 5, 5), "x", None, "Solo."),
    ]
    printout = month_printout(summary(), checkin=None, plans={}, notes=notes, hide_names=True)
    assert {p.name for p in printout.people} == {"Person A", "Person B"}
    assert (
        printout.notes[0].person in {"Person A", "Person B"} and printout.notes[0].kind == "Ask for closeness"
    )
    assert printout.notes[1].person is None and printout.notes[1].kind == "x"


def test_plans_in_kind_order_and_empty_when_none():
    plans = {
        "space": SimpleNamespace(cue="I need to leave the room", action="say when I'll be back"),
        "closeness": SimpleNamespace(cue="I miss them", action="send one message and let it be"),
    }
    printout = month_printout(summary(), checkin=None, plans=plans)
    assert [p.kind for p in printout.plans] == ["Ask for closeness", "Ask for space"]
    assert printout.plans[1].cue == "I need to leave the room"
    assert month_printout(summary(), checkin=None, plans={}).plans == ()


def test_words_and_numbers():
    with_numbers = month_printout(
        summary(), checkin={"closeness": 4.0, "depending": None, "anxiety": 2.0}, plans={}
    )
    assert ("Active days", "3") in with_numbers.facts
    assert with_numbers.feelings.startswith("Before: 4.0, after: 6.5")
    assert dict(with_numbers.checkin)["Comfort with closeness"] == "mostly true"
    assert dict(with_numbers.checkin)["Comfort depending on others"] == "not answered"
    words = month_printout(summary(), checkin=None, plans={}, numbers=False)
    assert not any(ch.isdigit() for _, value in words.facts for ch in value)
    assert not any(ch.isdigit() for ch in words.feelings)
    assert all(not any(ch.isdigit() for ch in p.responses) for p in words.people)
