"""Where a page's time goes: cProfile over a few requests, summed into the parts a reader cares about.

Parts are named by dotted path and looked up when profiling, so a part the code no longer has (renamed,
or not written yet) shows as "–" instead of breaking the benchmark.
"""

from __future__ import annotations

import cProfile
import importlib
import pstats
from collections.abc import Callable
from pathlib import Path

# Cumulative time, so a part can contain another: connecting is part of the database time, and a query
# run while a template renders counts under both.
PARTS: dict[str, tuple[str, ...]] = {
    "database": ("peewee.Database.execute", "peewee.CursorWrapper.iterate"),
    "connecting": ("peewee.Database.connect",),
    "build_history": ("tracker.insights.build_history",),
    "summaries": ("tracker.insights.month_summary", "tracker.insights.year_summary"),
    "templates": ("flask.templating._render",),
    "compression": ("flask_compress.flask_compress.Compress.after_request",),
}


def resolve(dotted: str) -> Callable | None:
    """The function at `module.attribute...`, None when there is none."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name, None)
        return target if hasattr(target, "__code__") else None
    return None


def _key(function: Callable) -> tuple[str, int, str]:
    """A function as cProfile names it."""
    code = function.__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def _label(key: tuple[str, int, str]) -> str:
    """`module.function` for Python code, the built-in's own name otherwise."""
    filename, _, name = key
    return name.strip("<>{}") if filename == "~" else f"{Path(filename).stem}.{name}"


def profile(requests: Callable[[], None]) -> pstats.Stats:
    """cProfile over one call of `requests`."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        requests()
    finally:
        profiler.disable()
    return pstats.Stats(profiler)


def shares(stats: pstats.Stats) -> dict[str, float | None]:
    """Each part's share of the profiled time; None for a part the code doesn't have."""
    cumulative = {key: row[3] for key, row in stats.stats.items()}
    result: dict[str, float | None] = {}
    for part, names in PARTS.items():
        functions = [function for function in map(resolve, names) if function is not None]
        found = sum(cumulative.get(_key(function), 0.0) for function in functions)
        result[part] = found / stats.total_tt if functions else None
    return result


def hotspots(stats: pstats.Stats, count: int = 4) -> str:
    """The functions with the most own time, with their shares."""
    ranked = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:count]
    return ", ".join(f"{_label(key)} {row[2] / stats.total_tt:.0%}" for key, row in ranked)
