"""The templates' finalize (tracker.templating.printable): it drops exactly the code points HTML forbids,
whichever way it looks for them (a search per ASCII control in ASCII text, the regex elsewhere)."""

from __future__ import annotations

import re

from markupsafe import Markup

from tracker.templating import printable

# What the HTML standard lets no document hold: controls other than the four spaces (tab, line feed,
# form feed, carriage return), C1 controls, lone surrogates and noncharacters of the basic plane.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def test_every_code_point_is_kept_or_dropped_as_html_asks_in_ascii_markup_and_other_text():
    for code in range(0x110000):
        char = chr(code)
        for text in (f"<p>\n{char}</p>", f"é\n{char}", char):
            kept = "" if FORBIDDEN.match(char) else char
            assert printable(text) == text.replace(char, kept), hex(code)


def test_markup_stays_markup_and_other_values_pass_as_they_are():
    drawn = Markup('<svg class="bar">\n  <rect x="0"/>\x07\n</svg>')
    cleaned = printable(drawn)
    assert isinstance(cleaned, Markup) and cleaned == '<svg class="bar">\n  <rect x="0"/>\n</svg>'
    assert printable(Markup("<p>\n</p>")) == "<p>\n</p>"
    assert printable(3) == 3 and printable(None) is None
