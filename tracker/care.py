"""Crisis help chosen by region (DOMAIN.md, "Care"): the lines every page's footer and each care flow
show, for the region a time zone lies in. Pure: no Flask, no database.

The zone lists are the tz database's zone.tab entries for each country, plus its old alias prefixes
(US/…, Canada/…, Australia/…), so any zone the settings page offers finds its country.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HelpLine:
    """One way to reach help: words to show and where the link goes (`tel:` for a number)."""

    label: str
    href: str
    number: str | None = None  # shown as its own unbreakable part of the label

    @property
    def is_phone(self) -> bool:
        return self.href.startswith("tel:")


FIND_A_HELPLINE = HelpLine("Find a helpline in your country", "https://findahelpline.com")


def _call(label: str, number: str) -> HelpLine:
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    return HelpLine(label, f"tel:{digits}", number)


# region -> (crisis lines, domestic abuse lines), as in DOMAIN.md's table.
HELP: dict[str, tuple[tuple[HelpLine, ...], tuple[HelpLine, ...]]] = {
    "us": ((_call("Call or text", "988"),), (_call("Domestic abuse hotline", "1-800-799-7233"),)),
    "ca": ((_call("Call or text", "988"),), ()),  # abuse lines vary by province: the directory
    "uk": ((_call("Samaritans", "116 123"),), (_call("Domestic abuse helpline", "0808 2000 247"),)),
    "ie": ((_call("Samaritans", "116 123"),), (_call("Domestic abuse helpline", "1800 341 900"),)),
    "au": ((_call("Lifeline", "13 11 14"),), (_call("1800RESPECT", "1800 737 732"),)),
    "de": (
        (_call("TelefonSeelsorge", "0800 111 0 111"),),
        (_call("Hilfetelefon Gewalt gegen Frauen", "116 016"),),
    ),
    "elsewhere": ((FIND_A_HELPLINE,), ()),
}
REGION_NAMES = {
    "us": "United States",
    "ca": "Canada",
    "uk": "United Kingdom",
    "ie": "Ireland",
    "au": "Australia",
    "de": "Germany",
    "elsewhere": "Another country",
}

_US = """America/New_York America/Detroit America/Kentucky/Louisville America/Kentucky/Monticello
America/Indiana/Indianapolis America/Indiana/Vincennes America/Indiana/Winamac America/Indiana/Marengo
America/Indiana/Petersburg America/Indiana/Vevay America/Chicago America/Indiana/Tell_City
America/Indiana/Knox America/Menominee America/North_Dakota/Center America/North_Dakota/New_Salem
America/North_Dakota/Beulah America/Denver America/Boise America/Phoenix America/Los_Angeles
America/Anchorage America/Juneau America/Sitka America/Metlakatla America/Yakutat America/Nome America/Adak
Pacific/Honolulu America/Indianapolis America/Fort_Wayne America/Louisville Navajo"""
_CA = """America/St_Johns America/Halifax America/Glace_Bay America/Moncton America/Goose_Bay
America/Blanc-Sablon America/Toronto America/Iqaluit America/Atikokan America/Winnipeg America/Resolute
America/Rankin_Inlet America/Regina America/Swift_Current America/Edmonton America/Cambridge_Bay
America/Inuvik America/Creston America/Dawson_Creek America/Fort_Nelson America/Whitehorse America/Dawson
America/Vancouver America/Montreal America/Nipigon America/Thunder_Bay America/Rainy_River
America/Yellowknife America/Pangnirtung"""
_ZONES = {
    **dict.fromkeys(_US.split(), "us"),
    **dict.fromkeys(_CA.split(), "ca"),
    **dict.fromkeys(("Europe/London", "Europe/Belfast", "GB", "GB-Eire"), "uk"),
    **dict.fromkeys(("Europe/Dublin", "Eire"), "ie"),
    **dict.fromkeys(("Europe/Berlin", "Europe/Busingen"), "de"),
    "Antarctica/Macquarie": "au",
}
_PREFIXES = (("US/", "us"), ("Canada/", "ca"), ("Australia/", "au"))


def region_for(timezone: str | None) -> str:
    """The help region for an IANA time zone; "elsewhere" when the zone names no region we list."""
    if not timezone:
        return "elsewhere"
    if timezone in _ZONES:
        return _ZONES[timezone]
    return next((region for prefix, region in _PREFIXES if timezone.startswith(prefix)), "elsewhere")


def region_of(chosen: str | None, timezone: str | None) -> str:
    """The region whose lines to show: the one chosen in Settings when it is one we list, else the
    time zone's."""
    return chosen if chosen in HELP else region_for(timezone)


def help_lines(region: str) -> tuple[HelpLine, ...]:
    """Crisis lines first, then domestic abuse lines, then the worldwide directory (never twice)."""
    crisis, abuse = HELP.get(region, HELP["elsewhere"])
    lines = (*crisis, *abuse)
    return lines if FIND_A_HELPLINE in lines else (*lines, FIND_A_HELPLINE)
