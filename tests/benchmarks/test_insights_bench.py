"""How long the month and year pages' insights take for a year of one user's logs (`make bench`).

The reference is the least any summary must do: one pass filing each log under its day."""

import random
import time
from datetime import date, timedelta

from tests.benchmarks import report
from tracker.insights import LogFact, Pause, Profile, build_history, month_summary, year_summary
from tracker.kinds import KINDS, RESPONSES

YEAR_START, TODAY = date(2025, 1, 1), date(2025, 12, 31)


def a_year_of_logs(seed: int = 7) -> list[LogFact]:
    """About 1.5 logs a day for a year, across kinds, people, steps, responses and feelings."""
    rng = random.Random(seed)
    people = [None, "Sam", "Alex", "Mum", "Jo"]
    logs = []
    for offset in range((TODAY - YEAR_START).days + 1):
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            logs.append(
                LogFact(
                    local_date=YEAR_START + timedelta(days=offset),
                    kind=rng.choice(KINDS).key,
                    person=rng.choice(people),
                    before=rng.choice([None, *range(11)]),
                    after=rng.choice([None, *range(11)]),
                    response=rng.choice([None, *RESPONSES]),
                    step=rng.choice([None, 1, 2, 3]),
                )
            )
    return logs


def all_insights_for_the_year(logs, profile, pauses):
    """What the year page and the twelve month pages need, from raw logs."""
    history = build_history(logs, profile, TODAY, pauses)
    return year_summary(history, 2025), [month_summary(history, 2025, month) for month in range(1, 13)]


def test_a_year_of_month_and_year_summaries(benchmark):
    logs = a_year_of_logs()
    assert 1.3 < len(logs) / 365 < 1.7
    profile, pauses = Profile(YEAR_START, weekly_target=4), [Pause(date(2025, 8, 4), date(2025, 8, 17))]
    year, months = benchmark(all_insights_for_the_year, logs, profile, pauses)
    assert len(months) == 12 and sum(m.active_days for m in months) > 250
    assert sum(len(grid) for grid in year.months.values()) == 365
    if benchmark.stats:  # absent under --benchmark-disable
        median = benchmark.stats.stats.median
        reference = report.median([_timed(file_by_day, logs) for _ in range(50)])
        table = report.Table(
            "Insights (pure Python)",
            f"The year summary and all twelve month summaries from {len(logs)} logs (a year), beside one "
            "pass that only files each log under its day.",
            ["work", "median ms", "ratio to the one pass"],
        )
        table.add("file logs by day (reference)", f"{reference * 1000:.2f}", "1.0")
        table.add("year + 12 month summaries", f"{median * 1000:.2f}", f"{median / reference:.1f}")
        report.record(table)


def file_by_day(logs: list[LogFact]) -> dict:
    days: dict = {}
    for log in logs:
        days.setdefault(log.local_date, []).append(log)
    return days


def _timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started
