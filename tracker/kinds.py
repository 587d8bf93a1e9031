"""The action kinds of DOMAIN.md: what a person can practise, its group and its three-step ladder.

Pure data and helpers; no Flask or Peewee, so insights, forms and the API share one source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass

REACH = "reach"
ROOM = "room"
NEUTRAL = "neutral"
GROUPS: tuple[str, ...] = (REACH, ROOM, NEUTRAL)

# "hurtful" is a response that hurt or frightened: it counts like dismissed for S and opens the care
# flow at once (DOMAIN.md, "Care").
RESPONSES: tuple[str, ...] = ("welcomed", "neutral", "dismissed", "hurtful")
HURTFUL = "hurtful"
RESPONSE_LABELS: dict[str, str] = {
    "welcomed": "Welcomed",
    "neutral": "Neutral",
    "dismissed": "Dismissed",
    "hurtful": "Hurtful or frightening",
}
ROLES: tuple[str, ...] = ("partner", "friend", "family", "mentor", "therapist", "group")


@dataclass(frozen=True)
class Kind:
    """One kind of relationship action."""

    key: str
    label: str
    group: str
    ladder: tuple[str, str, str]
    # Said wherever the ladder is offered (the ladder page, its "bigger step" offer, a nudge): for whom
    # the practice is meant. Not part of the API's kinds.
    note: str | None = None

    def as_dict(self) -> dict:
        """The kind as the API shows it."""
        return {"key": self.key, "label": self.label, "group": self.group, "ladder": list(self.ladder)}


KINDS: tuple[Kind, ...] = (
    Kind(
        "closeness",
        "Ask for closeness",
        REACH,
        (
            "A “thinking of you” message",
            "Share something and invite a reply",
            "Propose a regular ritual together",
        ),
    ),
    Kind(
        "receive",
        "Let closeness in",
        REACH,
        (
            "Accept a compliment without deflecting",
            "Stay in a personal talk a little longer",
            "A screen-free evening together",
        ),
    ),
    Kind(
        "space",
        "Ask for space",
        ROOM,
        (
            "“Ten minutes, then I'm back”",
            "An evening to yourself, with reassurance",
            "Agree on regular solo time",
        ),
    ),
    Kind(
        "trust_space",
        "Give space",
        ROOM,
        (
            "Let a slow reply be, without chasing",
            "Encourage their own plans",
            "Do something new alone and tell them about it after",
        ),
    ),
    Kind(
        "support",
        "Ask for support",
        REACH,
        (
            "A small favour",
            "Ask someone to listen to a worry",
            "Ask for comfort in a hard moment",
        ),
    ),
    Kind(
        "confide",
        "Confide",
        REACH,
        (
            "Name today's feeling",
            "Share a worry",
            "Share a tender need (“when X happens I feel…”)",
        ),
    ),
    Kind(
        "respond",
        "Turn toward a bid",
        NEUTRAL,
        (
            "Look up and answer",
            "Ask a follow-up question",
            "Comfort them when they are upset",
        ),
    ),
    Kind(
        "repair",
        "Repair after conflict",
        NEUTRAL,
        (
            "A softening message",
            "Own your part, and only your part",
            "Revisit it together: the cycle, the feeling under it, an apology, a next step",
        ),
        # DOMAIN.md, "Care": repair is for conflicts where both feel safe.
        "Repair is for conflicts where you both feel safe. If you are afraid of how they might react, "
        "you don't owe a repair: your safety comes first.",
    ),
    Kind(
        "recall",
        "Recall a safe person",
        NEUTRAL,
        (
            "Look at their name or photo",
            "A minute or three recalling a time they helped",
            "Write them a note about what they gave you",
        ),
    ),
    Kind(
        "widen",
        "Widen your circle",
        NEUTRAL,
        (
            "Answer a kind acquaintance warmly",
            "Set up a regular meet-up",
            "Book a therapist or join a group",
        ),
    ),
)

KINDS_BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS}


def get_kind(key: str) -> Kind | None:
    """The kind with this key, or None when there is no such kind."""
    return KINDS_BY_KEY.get(key)
