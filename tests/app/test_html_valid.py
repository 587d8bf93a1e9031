"""Valid HTML: the checker pipeline of `make test` works, and the pages pass it.

`make test` keeps every page, partial and email the suite renders (tests/html_capture.py) and runs the
Nu Html Checker over them (scripts/check-html.py). These tests make sure that pipeline can't pass by
checking nothing: the checker flags a known-invalid document, the capture keeps fragments in a parent
that makes them checkable, and a signed-in page (the footer's sign-out form) is valid.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.html_capture import as_document, capture, noise_free

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check-html.py"


def needs_java() -> None:
    """Skip without Java, unless the check is required (.ci/run): then the script installs it."""
    if shutil.which("java") is None and os.environ.get("REQUIRE_HTML_CHECK") != "1":
        pytest.skip("the Nu Html Checker needs Java (REQUIRE_HTML_CHECK=1 installs it)")


def run_check(directory: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK), str(directory), *args], capture_output=True, text=True, timeout=300
    )


VALID = (
    '<!doctype html>\n<html lang="en">'
    '<head><meta charset="utf-8"><title>t</title></head>\n<body>{}</body></html>'
)


def test_the_checker_reports_invalid_html_with_where_it_came_from(tmp_path):
    needs_java()
    body = '<p>Hi <form action="/logout" method="post"><button>Out</button></form></p><a hx-get="/x">x</a>'
    capture(tmp_path, VALID.format(body), {"url": "/today", "method": "GET", "status": 200})
    result = run_check(tmp_path)
    assert result.returncode == 1, result.stdout
    assert "No “p” element in scope" in result.stdout
    assert "Attribute “hx-get” not allowed" in result.stdout  # written data-hx-get, nothing is filtered
    assert "GET /today → 200" in result.stdout  # which request rendered it
    assert re.search(r"^  line \d+: ", result.stdout, re.MULTILINE)


def test_the_checker_passes_valid_html_and_data_hx_attributes(tmp_path):
    needs_java()
    link = '<a href="/x" data-hx-get="/x" data-hx-target="this" data-hx-swap="outerHTML">x</a>'
    body = f"<ul><li>{link}</li></ul>"
    capture(tmp_path, VALID.format(body), {"url": "/x", "method": "GET", "status": 200})
    capture(tmp_path, '<tr><td>cell</td></tr><p id="s" data-hx-swap-oob="true">Saved</p>', {"url": "/y"})
    result = run_check(tmp_path, "--min-files", "2")
    assert result.returncode == 0, result.stdout
    assert "2 distinct pages, partials and emails, no errors" in result.stdout


def test_too_few_captured_documents_fail_the_check(tmp_path):
    """A capture that broke (nothing kept) must not pass as "no errors"."""
    (tmp_path / "one.html").write_text(VALID.format("<p>x</p>"))
    result = run_check(tmp_path, "--min-files", "2")
    assert result.returncode == 1
    assert "1 documents" in result.stdout and "fewer than 2" in result.stdout
    assert run_check(tmp_path / "missing").returncode == 1


def test_a_partial_is_checked_inside_the_parent_its_root_needs():
    document = as_document('<li id="a">A</li>\n<li>B</li>\n<div id="f" data-hx-swap-oob="true">Saved</div>')
    assert document.startswith("<!doctype html>")
    assert '<body>\n<ul><li id="a">A</li>\n<li>B</li>\n</ul><div id="f"' in document
    assert "<table><tbody><tr><td>x</td></tr></tbody></table>" in as_document("<tr><td>x</td></tr>")
    assert '<select aria-label="Fragment"><option>1</option></select>' in as_document("<option>1</option>")
    assert "<body>\n<p>x</p>" in as_document("<p>x</p>")  # flow content stays in the body


def test_renders_that_differ_only_in_tokens_are_kept_once(tmp_path):
    token_a, token_b = "a" * 40 + ".Zx-_", "b" * 40 + ".Qy-_"
    page = VALID.format('<input type="hidden" name="csrf_token" value="{}">')
    assert capture(tmp_path, page.format(token_a), {"url": "/a"}) is not None
    assert capture(tmp_path, page.format(token_b), {"url": "/b"}) is None  # the same render
    assert len(list(tmp_path.glob("*.html"))) == 1
    assert json.loads(next(tmp_path.glob("*.json")).read_text())["url"] == "/a"
    # Two different ids stay two, so a page with repeated ids isn't mistaken for one with distinct ids.
    uuid_a, uuid_b = "0" * 8 + "-1111-2222-3333-" + "4" * 12, "5" * 8 + "-1111-2222-3333-" + "4" * 12
    assert noise_free(f"{uuid_a} {uuid_b}") != noise_free(f"{uuid_a} {uuid_a}")


def test_templates_write_htmx_attributes_as_data_hx():
    """`hx-*` is not valid HTML; htmx 2 reads `data-hx-*` just the same."""
    bare = re.compile(r"""[\s"'{}]hx-[a-z]""")
    offenders = [str(path) for path in (ROOT / "templates").rglob("*.html") if bare.search(path.read_text())]
    assert offenders == []


class _OpenElements(HTMLParser):
    """Which elements are open around the sign-out form."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "source", "wbr"})

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.around_logout: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "form" and dict(attrs).get("action") == "/logout":
            self.around_logout = list(self.stack)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]


def test_the_sign_out_form_is_not_inside_a_paragraph(client, logged_in):
    """A <form> ends an open <p>: inside one, every signed-in page was invalid HTML."""
    parser = _OpenElements()
    parser.feed(client.get("/").get_data(as_text=True))
    assert parser.around_logout is not None, "no sign-out form on the page"
    assert "footer" in parser.around_logout
    assert "p" not in parser.around_logout


def test_signed_in_pages_are_valid_html(client, logged_in, tmp_path):
    """The main pages, signed in, pass the checker (make test checks every render; this is the quick one)."""
    needs_java()
    for url in ("/", "/history", "/month/2026-05", "/people", "/reminders", "/settings", "/about"):
        response = client.get(url)
        assert response.status_code == 200, url
        capture(tmp_path, response.get_data(as_text=True), {"url": url, "method": "GET", "status": 200})
    result = run_check(tmp_path, "--min-files", "7")
    assert result.returncode == 0, result.stdout


def test_a_refused_entry_shown_back_holds_no_forbidden_characters(auth):
    """A NUL or a bell in a refused email was written back into the form: invalid HTML."""
    html = auth.register(email="ana\x00@exam\x07ple.com").get_data(as_text=True)
    assert "Enter a valid email address." in html
    assert "\x00" not in html and "\x07" not in html
    assert 'value="ana@example.com"' in html  # the rest of what was typed is still there


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("date", "2026-02-30", ""),
        ("date", "04/05/2026", ""),
        ("date", "2026-05-04", "2026-05-04"),
        ("time", "on", ""),
        ("time", "25:00", ""),
        ("time", "07:30", "07:30"),
        ("datetime-local", "2026-05-13T10:30", "2026-05-13T10:30"),
        ("datetime-local", "2026-05-13", ""),
        ("text", "two\r\nlines", "twolines"),
        ("text", "flu", "flu"),
    ],
)
def test_typed_inputs_show_only_values_of_their_type(kind, value, shown):
    from tracker.templating import input_value

    assert input_value(value, kind) == shown


def test_a_refused_date_is_not_written_into_the_date_input(client, logged_in):
    """Browsers empty a date input holding "2026-02-30" anyway; writing it made the page invalid."""
    html = logged_in.post(
        "/settings/pauses", {"start": "2026-02-30", "end": "2026-03-02"}, htmx=True
    ).get_data(as_text=True)
    assert "The first day must be a date like 2026-03-09." in unescape(html)
    assert 'value="2026-02-30"' not in html and 'value="2026-03-02"' in html


def test_a_backslash_next_is_not_followed_even_by_the_redirects_link(client, auth, user):
    """Browsers read "/\\evil.example" as "//evil.example": another host, linked from the redirect body."""
    response = auth.post(
        "/login", {"email": "ana@example.com", "password": PASSWORD, "next": "/\\evil.example"}
    )
    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]
    assert "evil.example" not in response.get_data(as_text=True)


def test_a_refused_reason_with_a_line_break_is_shown_on_one_line(logged_in):
    """A text input's value holds no line break (the browser strips it): writing one made the page invalid."""
    html = logged_in.post(
        "/settings/pauses", {"start": "2026-05-01", "end": "2026-05-02", "reason": "two\nlines"}, htmx=True
    ).get_data(as_text=True)
    assert 'value="twolines"' in html
