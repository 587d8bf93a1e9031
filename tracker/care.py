"""Crisis help chosen by region (DOMAIN.md, "Care"): the lines every page's footer and each care flow
show, for the region a time zone lies in; and, for the same regions, where to find a therapist or a
group (`/help`, offered from the widen ladder at every step and from every care flow). Pure: no Flask,
no database.

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
    about: str | None = None  # what it is, in a sentence (the therapist and group directories)

    @property
    def is_phone(self) -> bool:
        return self.href.startswith("tel:")


FIND_A_HELPLINE = HelpLine("Find a helpline in your country", "https://findahelpline.com")


def _call(label: str, number: str, about: str | None = None) -> HelpLine:
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    return HelpLine(label, f"tel:{digits}", number, about)


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

# The region as a sentence ends: "Where to start in the United Kingdom".
REGION_IN = {
    "us": "in the United States",
    "ca": "in Canada",
    "uk": "in the United Kingdom",
    "ie": "in Ireland",
    "au": "in Australia",
    "de": "in Germany",
    "elsewhere": "wherever you are",
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


# Where to find a therapist or a group, per region: well-known public services and professional
# directories only, each with what it is. Not a crisis service: the page shows the crisis lines too.
_PSYCHOLOGY_TODAY_ABOUT = (
    "A large directory of therapists and support groups: search by where you live, what you'd like "
    "help with and what you can pay."
)
THERAPY: dict[str, tuple[HelpLine, ...]] = {
    "us": (
        HelpLine(
            "Psychology Today: find a therapist",
            "https://www.psychologytoday.com/us/therapists",
            about=_PSYCHOLOGY_TODAY_ABOUT,
        ),
        _call(
            "SAMHSA National Helpline",
            "1-800-662-4357",
            "The US government's free, confidential line, day and night, in English and Spanish: it "
            "refers you to local services, support groups and low-cost options.",
        ),
        HelpLine(
            "FindTreatment.gov",
            "https://findtreatment.gov",
            about="SAMHSA's map of mental health and substance use services near you, with those that "
            "charge on a sliding scale.",
        ),
    ),
    "ca": (
        HelpLine(
            "Psychology Today: find a therapist",
            "https://www.psychologytoday.com/ca/therapists",
            about=_PSYCHOLOGY_TODAY_ABOUT,
        ),
        HelpLine(
            "Canadian Mental Health Association",
            "https://cmha.ca",
            about="Local branches across Canada offer counselling, peer support and groups, often free.",
        ),
    ),
    "uk": (
        HelpLine(
            "NHS Talking Therapies",
            "https://www.nhs.uk/talk",
            about="Free NHS therapy, one to one or in a group. In England you can refer yourself; in "
            "Scotland, Wales and Northern Ireland, ask your GP.",
        ),
        HelpLine(
            "BACP: find a therapist",
            "https://www.bacp.co.uk/about-therapy/how-to-find-a-therapist/",
            about="The British Association for Counselling and Psychotherapy: how to choose a counsellor, "
            "and a directory of registered members near you (private, paid).",
        ),
        HelpLine(
            "Mind",
            "https://www.mind.org.uk",
            about="A mental health charity: local Minds in England and Wales run support groups and "
            "low-cost talking therapy.",
        ),
    ),
    "ie": (
        HelpLine(
            "HSE mental health services",
            "https://www2.hse.ie/mental-health/",
            about="Ireland's public health service: free counselling through your GP (Counselling in "
            "Primary Care, with a medical card) and local services.",
        ),
        HelpLine(
            "IACP: find a therapist",
            "https://iacp.ie",
            about="The Irish Association for Counselling and Psychotherapy: a directory of accredited "
            "counsellors and psychotherapists (private, paid).",
        ),
    ),
    "au": (
        _call(
            "Medicare Mental Health",
            "1800 595 212",
            "The Australian Government's free service, on weekdays: it helps you find the right mental "
            "health support near you.",
        ),
        HelpLine(
            "APS: find a psychologist",
            "https://psychology.org.au/find-a-psychologist",
            about="The Australian Psychological Society's directory. With a mental health treatment plan "
            "from your GP, Medicare pays part of the cost of sessions.",
        ),
    ),
    "de": (
        _call(
            "Terminservicestelle",
            "116 117",
            "Arranges a first appointment with a psychotherapist (psychotherapeutische Sprechstunde) for "
            "people with statutory health insurance; also online at 116117.de.",
        ),
        HelpLine(
            "NAKOS: find a self-help group",
            "https://www.nakos.de",
            about="Germany's national contact point for self-help groups (Selbsthilfegruppen): it leads "
            "you to a group or a local contact point near you.",
        ),
    ),
    "elsewhere": (
        HelpLine(
            "Psychology Today",
            "https://www.psychologytoday.com",
            about="A directory of therapists and support groups in a number of countries.",
        ),
    ),
}


def therapy_lines(region: str) -> tuple[HelpLine, ...]:
    """Where to find a therapist or a group in the region (the worldwide directory when we list none)."""
    return THERAPY.get(region, THERAPY["elsewhere"])
