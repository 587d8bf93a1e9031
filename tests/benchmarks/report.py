"""The benchmark report: each benchmark records a table, and the run writes them all to bench-results.md.

Every figure sits beside its reference in the same run (a ratio), because absolute times on a shared
machine drift from one run to the next.
"""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results.md"


@dataclass
class Table:
    """One benchmark's results: a title, a sentence on what was measured, and its rows."""

    title: str
    about: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    verdict: str = ""

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.about, ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.verdict:
            lines += ["", self.verdict]
        return "\n".join(lines) + "\n"


_tables: list[Table] = []


def record(table: Table) -> Table:
    """Keep a table for the report (the order of recording is the order in the file)."""
    _tables.append(table)
    return table


def recorded() -> list[Table]:
    return list(_tables)


def percentile(samples: list[float], share: float) -> float:
    """The sample below which `share` of the samples fall (nearest rank), e.g. 0.95 for p95."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def machine() -> str:
    """What the numbers were measured on, for the report's heading."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    system = f"{platform.system()} {platform.release()}"
    return f"{cores} cores ({cpu}), {memory()}, Python {platform.python_version()}, {system}"


def memory() -> str:
    """The machine's memory, from /proc/meminfo where there is one."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return "unknown RAM"


def write(path: Path = RESULTS) -> str:
    """Write every recorded table to `path` and return the text."""
    heading = [
        "# Secure Base benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
    ]
    text = "\n".join(heading) + "\n".join(table.markdown() for table in _tables)
    path.write_text(text)
    return text
