"""`make bench`: at the end of the run, every recorded table goes to bench-results.md and the terminal."""

from __future__ import annotations

from tests.benchmarks import report


def pytest_terminal_summary(terminalreporter) -> None:
    if not report.recorded():
        return
    text = report.write()
    terminalreporter.write_sep("=", f"benchmark results (also in {report.RESULTS.name})")
    terminalreporter.write(text + "\n")
