"""The pure parts of Web Push input (forms.py): a subscription's endpoint and keys, a rule's channels and
a device's name from its User-Agent."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from tracker import forms
from tracker.forms import InvalidInput

HOSTS = ("fcm.googleapis.com", "push.apple.com")
# A real browser key and secret (from a Chromium subscription), and the curve's generator point.
P256DH = "BFX3p8GcWRLbCCvL4eijOSTMurkDYttmXEfNU0xcxEACxdwuPZShRq59vUNIwWRfQ_janHbjrCLpeJ7cpoofEks"
AUTH = "m21mq8HxtRB_O4zuH9QaOw"
G = bytes.fromhex(
    "04"
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"
)


def body(**changes) -> dict:
    return {
        "endpoint": "https://fcm.googleapis.com/fcm/send/x",
        "keys": {"p256dh": P256DH, "auth": AUTH},
    } | changes


def test_a_browsers_subscription_is_read_with_its_keys_in_one_spelling():
    padded = {"p256dh": P256DH + "=", "auth": AUTH + "=="}
    parsed = forms.parse_subscription(body(keys=padded, expirationTime=1_780_000_000_000), HOSTS)
    assert (parsed.p256dh, parsed.auth) == (P256DH, AUTH)
    assert parsed.expires_at == datetime(2026, 5, 28, 20, 26, 40, tzinfo=UTC)


def test_only_points_on_the_curve_are_keys():
    assert forms._on_p256(G)
    assert forms._on_p256(base64.urlsafe_b64decode(P256DH + "="))
    off = bytearray(G)
    off[-1] ^= 1
    assert not forms._on_p256(bytes(off))
    assert not forms._on_p256(b"\x02" + G[1:33])  # compressed: not what browsers send
    too_big = b"\x04" + b"\xff" * 64
    assert not forms._on_p256(too_big)
    y = int.from_bytes(G[33:], "big")
    assert forms._on_p256(G[:33] + (forms._P256_PRIME - y).to_bytes(32, "big"))  # -G is a point too


@pytest.mark.parametrize(
    ("endpoint", "hosts", "ok"),
    [
        ("https://fcm.googleapis.com/fcm/send/x", HOSTS, True),
        ("https://web.push.apple.com/x", HOSTS, True),
        ("https://FCM.googleapis.com./fcm/send/x", HOSTS, True),  # names are case-insensitive
        ("https://evilfcm.googleapis.com.example/x", HOSTS, False),
        ("https://xfcm.googleapis.com/x", HOSTS, False),  # a suffix, not a label
        ("http://127.0.0.1:8123/push/a", ("127.0.0.1",), True),
        ("http://localhost:8123/push/a", ("localhost",), True),
        ("http://localhost:8123/push/a", ("127.0.0.1",), False),
        ("http://127.0.0.2/push/a", ("127.0.0.2",), False),  # only the two names are ever loopback
        ("https://10.0.0.1/x", ("10.0.0.1",), False),  # an address, even when named
        ("https://fcm.googleapis.com/x#frag", HOSTS, False),
        ("https://fcm.googleapis.com:99999/x", HOSTS, False),
        ("https://fcm.googleapis.com/\u00e9", HOSTS, False),
    ],
)
def test_endpoints(endpoint, hosts, ok):
    if ok:
        assert forms.parse_endpoint(endpoint, hosts) == endpoint
    else:
        with pytest.raises(InvalidInput) as caught:
            forms.parse_endpoint(endpoint, hosts)
        assert caught.value.field == "endpoint"


@pytest.mark.parametrize(
    ("channels", "stored"),
    [
        (["email"], "email"),
        (["push"], "push"),
        (["push", "email"], "email,push"),
        (("email", "email"), "email"),
    ],
)
def test_channels_are_stored_in_one_order(channels, stored):
    assert forms.parse_rule({"channels": channels}, partial=True) == {"channels": stored}


@pytest.mark.parametrize("channels", [[], ["sms"], "email", ["email", "push", "email"], [1], None])
def test_bad_channels(channels):
    with pytest.raises(InvalidInput) as caught:
        forms.parse_rule({"channels": channels}, partial=True)
    assert caught.value.field == "channels"


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
            "Firefox on Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "A browser"),
        (None, "A browser"),
        ("x" * 100_000, "A browser"),
    ],
)
def test_a_device_is_named_by_its_browser_and_system(agent, label):
    assert forms.device_label(agent) == label
