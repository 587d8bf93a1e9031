"""Static analysis stays honest: every bandit exclusion (`# nosec`) in the app says why."""

from __future__ import annotations

import re
from pathlib import Path

TRACKER = Path(__file__).parents[2] / "tracker"


def test_every_nosec_names_the_check_and_gives_a_reason():
    for path in TRACKER.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "nosec" in line:
                assert re.search(r"#\s*nosec\s+B\d+\b.*\(\s*\w.*\)", line), f"{path}:{number} needs a reason"


def test_make_lint_runs_ruff_and_bandit():
    makefile = (TRACKER.parent / "Makefile").read_text()
    lint = makefile.split("\nlint:")[1].split("\n\n")[0]
    assert "ruff check" in lint and "ruff format --check" in lint and "bandit -r tracker -ll" in lint


def test_make_lint_checks_the_import_contracts():
    makefile = (TRACKER.parent / "Makefile").read_text()
    lint = makefile.split("\nlint:")[1].split("\n\n")[0]
    pyproject = (TRACKER.parent / "pyproject.toml").read_text()
    assert "lint-imports" in lint
    assert 'type = "layers"' in pyproject and 'type = "forbidden"' in pyproject
    assert 'type = "independence"' in pyproject
