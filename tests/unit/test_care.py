"""Crisis help by region (DOMAIN.md, "Care"): the time zone picks the region, each region its lines."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest

from tracker.care import FIND_A_HELPLINE, HELP, help_lines, region_for


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("America/New_York", "us"),
        ("Pacific/Honolulu", "us"),
        ("US/Pacific", "us"),
        ("America/Toronto", "ca"),
        ("America/St_Johns", "ca"),
        ("Europe/London", "uk"),
        ("Europe/Dublin", "ie"),
        ("Australia/Sydney", "au"),
        ("Europe/Berlin", "de"),
        ("America/Mexico_City", "elsewhere"),
        ("Asia/Tokyo", "elsewhere"),
        ("UTC", "elsewhere"),
        ("", "elsewhere"),
        (None, "elsewhere"),
    ],
)
def test_the_zone_picks_the_region(zone, region):
    assert region_for(zone) == region


def test_every_zone_of_the_picker_gets_a_region_we_list():
    assert {region_for(zone) for zone in available_timezones()} <= set(HELP)


def test_london_gets_samaritans_and_the_uk_abuse_line():
    lines = help_lines(region_for("Europe/London"))
    assert [line.number for line in lines if line.number] == ["116 123", "0808 2000 247"]
    assert lines[0].href == "tel:116123" and lines[0].label == "Samaritans"


def test_numbers_are_tel_links_of_their_digits():
    for region in HELP:
        for line in help_lines(region):
            if line.number:
                assert line.href == "tel:" + "".join(c for c in line.number if c.isdigit())


def test_every_region_ends_with_the_worldwide_directory_once():
    for region in HELP:
        lines = help_lines(region)
        assert lines[-1] == FIND_A_HELPLINE and lines.count(FIND_A_HELPLINE) == 1
    assert help_lines("elsewhere") == (FIND_A_HELPLINE,)
