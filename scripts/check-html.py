#!/usr/bin/env python3
"""Run the Nu Html Checker (npm's vnu-jar, on this machine's Java) over the pages the suite rendered.

Usage: scripts/check-html.py DIR [--min-files N]

DIR holds what tests/html_capture.py kept during `make test`: `<digest>.html` documents, each with a
`<digest>.json` naming the test, method and URL that rendered it. One JVM checks them all; any error
fails the run with the file, line, message and where it came from. Nothing is filtered: htmx attributes
are written `data-hx-*`, which is valid HTML. Fewer than N documents fails too, so a broken capture can't
pass by checking nothing.

Without Java the check is skipped with a message, unless REQUIRE_HTML_CHECK=1 (.ci/run sets it): then
Debian's default-jre-headless is installed, as scripts/ensure-services.sh does for Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def java() -> str | None:
    """The machine's java, installed first when the check is required and it is missing."""
    found = shutil.which("java")
    if found or os.environ.get("REQUIRE_HTML_CHECK") != "1":
        return found
    if shutil.which("apt-get"):
        quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
        apt = shutil.which("apt-get")
        subprocess.run([apt, "update", "-qq"], check=True, **quiet)  # noqa: S603 (fixed arguments)
        subprocess.run([apt, "install", "-y", "-qq", "default-jre-headless"], check=True, **quiet)  # noqa: S603
    return shutil.which("java")


def check(directory: Path, java_path: str) -> list[dict]:
    """Every error the checker reports for the documents in the directory."""
    result = subprocess.run(  # noqa: S603 (our own arguments)
        [java_path, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json", str(directory)],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError as error:
        message = f"the HTML checker did not answer in JSON ({error}):\n{result.stderr[-2000:]}"
        raise SystemExit(message) from None
    return [message for message in report["messages"] if message.get("type") != "info"]


def source_of(document: Path) -> str:
    """Which test, method and URL (or email template) rendered a captured document."""
    try:
        source = json.loads(document.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return "(no record of where it came from)"
    if "email" in source:
        return f"email {source['email']} in {source.get('test')}"
    partial = " (htmx partial)" if source.get("htmx") else ""
    request = f"{source.get('method')} {source.get('url')} → {source.get('status')}{partial}"
    return f"{request} in {source.get('test')}"


def report(errors: list[dict]) -> str:
    """The errors grouped by document, each with where it came from and the text around it."""
    by_file: dict[str, list[dict]] = defaultdict(list)
    for error in errors:
        by_file[error.get("url", "?")].append(error)
    lines = []
    for url, messages in sorted(by_file.items()):
        document = Path(unquote(urlparse(url).path))
        lines.append(f"{document}\n  rendered by {source_of(document)}")
        for message in messages:
            line = message.get("lastLine", "?")
            extract = " ".join(message.get("extract", "").split())
            lines.append(f"  line {line}: {message.get('message')}\n      {extract}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--min-files", type=int, default=1, help="fail if fewer documents were captured")
    args = parser.parse_args()
    documents = sorted(args.directory.glob("*.html")) if args.directory.is_dir() else []
    if len(documents) < args.min_files:
        print(f"HTML check: {len(documents)} documents in {args.directory}, fewer than {args.min_files}")
        return 1
    java_path = java()
    if java_path is None:
        print("HTML check skipped: no Java (apt-get install default-jre-headless, or REQUIRE_HTML_CHECK=1)")
        return 0
    errors = check(args.directory, java_path)
    if errors:
        print(report(errors))
        failing = len({error.get("url") for error in errors})
        print(f"HTML check: {len(errors)} errors in {failing} of {len(documents)} documents")
        return 1
    print(f"HTML check: {len(documents)} distinct pages, partials and emails, no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
