"""Web Push (issue 15): the devices that turned notifications on, what a nudge's notification says, and
sending it, for the dispatcher (nudges.py) beside the email.

A device is a browser's PushSubscription: the push service's URL for it (its endpoint) and two keys. Each
message is encrypted to those keys (RFC 8291, `aes128gcm`) and signed for the push service with this
server's VAPID key (RFC 8292), by pywebpush. The server POSTs to a URL a client gave it, so an endpoint
must be https on one of PUSH_ALLOWED_HOSTS (the browsers' push services) and resolve to public addresses
only, checked when it is added and again, once per host and pass, before anything is sent; redirects are
never followed. 127.0.0.1 and localhost are reachable only when PUSH_ALLOWED_HOSTS names them (tests).

What a push service answers decides what happens to a delivery: 2xx sent; 404 or 410 the browser is gone
for good (the subscription is deleted); 429, 5xx or no answer are tried again like an SMTP failure; any
other answer fails that delivery without a retry.

pywebpush, py_vapid and requests (with `cryptography` under them) are imported where they are used: only
the scheduler sends, and a web worker needs the key only when a browser subscribes.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from peewee import IntegrityError

from tracker import emails, tokens
from tracker.forms import (
    ENDPOINT_MESSAGE,
    LOOPBACK_NAMES,
    MAX_DEVICES,
    InvalidInput,
    SubscriptionInput,
    check_room,
    parse_endpoint,
)
from tracker.models import PushSubscription, ReminderRule, User, database, naive_utc

if TYPE_CHECKING:
    from py_vapid import Vapid02

TAG = "secure-base-nudge"  # one notification at a time: a newer nudge replaces an older one on the phone
TOPIC = "secure-base-nudge"  # the same for a push service still holding an undelivered one (RFC 8030)
TTL = timedelta(hours=2)  # like the dispatcher: a nudge more than two hours late is not worth showing
URGENCY = "normal"
VAPID_LIFETIME = timedelta(hours=12)  # a signature's `exp`; push services accept at most 24 hours
CONNECTIONS = 8  # pushes in flight at once, each thread with its own kept-alive connections
TIMEOUT = 10  # seconds for a push service to answer

SENT, GONE, RETRY, REFUSED = "sent", "gone", "retry", "refused"


# --- Keys ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _vapid_for(private_key: str) -> Vapid02:
    """The VAPID signer for a private key: base64url of its 32 bytes (what this app generates), or PEM."""
    from py_vapid import Vapid02

    if "-----BEGIN" in private_key:
        return Vapid02.from_pem(private_key.encode())
    return Vapid02.from_string(private_key)


def vapid() -> Vapid02:
    return _vapid_for(current_app.config["VAPID_PRIVATE_KEY"])


@lru_cache(maxsize=4)
def _public_key_of(private_key: str) -> str:
    from cryptography.hazmat.primitives import serialization

    point = _vapid_for(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode("ascii")


def public_key() -> str:
    """The VAPID public key, base64url of the uncompressed P-256 point: a browser subscribes with it."""
    return _public_key_of(current_app.config["VAPID_PRIVATE_KEY"])


# --- Where the server may send ------------------------------------------------------------------------


def allowed_hosts() -> tuple[str, ...]:
    return current_app.config["PUSH_ALLOWED_HOSTS"]


def resolve(host: str) -> list[str]:
    """Every address a host name resolves to; OSError when it doesn't."""
    return [info[4][0] for info in socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)]


def public_only(host: str, hosts: tuple[str, ...]) -> bool | None:
    """Whether every address of `host` is a public one (True for 127.0.0.1 or localhost when `hosts`
    names them); None when it can't be resolved just now."""
    if host in LOOPBACK_NAMES and host in hosts:
        return True
    try:
        addresses = resolve(host)
    except OSError:
        return None
    try:
        return bool(addresses) and all(ipaddress.ip_address(a).is_global for a in addresses)
    except ValueError:
        return False


def check_endpoint(endpoint: str) -> None:
    """InvalidInput when an endpoint (already parsed) resolves to a private, loopback or link-local
    address. A name that doesn't resolve now is let through: nothing can be sent to it, and every send
    checks again."""
    host = (urlsplit(endpoint).hostname or "").rstrip(".")
    if public_only(host, allowed_hosts()) is False:
        raise InvalidInput({"endpoint": ENDPOINT_MESSAGE + " " + host + " is not a public address."})


# --- Devices ------------------------------------------------------------------------------------------


def device_json(device: PushSubscription) -> dict:
    """A device as the API shows it: never its keys."""
    return {
        "id": device.id,
        "endpoint": device.endpoint,
        "label": device.label,
        "created_at": device.created_at.isoformat() + "+00:00",
        "expires_at": device.expires_at.isoformat() + "+00:00" if device.expires_at else None,
    }


def subscribe(
    user: User, values: SubscriptionInput, label: str, now: datetime, take_over: bool = True
) -> tuple[PushSubscription, bool]:
    """Add a device, or find it (False) when this account has its endpoint already (its keys updated).

    A browser serves the account that last turned notifications on in it: an endpoint another account
    had moves to this one, so nobody's nudges reach a phone they signed out of and another signed into.
    An import (`take_over` False) never moves one: a file is not the browser itself.
    """
    fields = {"p256dh": values.p256dh, "auth": values.auth, "expires_at": _stored(values.expires_at)}
    try:
        with database.atomic():
            found = PushSubscription.get_or_none(PushSubscription.endpoint == values.endpoint)
            if found is not None and found.user_id == user.id:
                PushSubscription.update(**fields).where(PushSubscription.id == found.id).execute()
                return PushSubscription.get_by_id(found.id), False
            if found is not None and not take_over:
                return found, False
            if found is not None:
                found.delete_instance()
            have = PushSubscription.select().where(PushSubscription.user == user.id).count()
            check_room("subscriptions", have, 1, MAX_DEVICES, "devices with notifications")
            device = PushSubscription.create(
                user=user.id, endpoint=values.endpoint, label=label, created_at=naive_utc(now), **fields
            )
    except IntegrityError:  # the same browser subscribed twice at once: the other request stored it
        found = PushSubscription.get_or_none(
            PushSubscription.endpoint == values.endpoint, PushSubscription.user == user.id
        )
        if found is None:
            raise
        return found, False
    return device, True


def _stored(at: datetime | None) -> datetime | None:
    return naive_utc(at) if at else None


def unsubscribe(user: User, endpoint: str) -> int:
    """Forget one of the user's devices by its endpoint; how many were removed (0 or 1)."""
    return (
        PushSubscription.delete()
        .where(PushSubscription.user == user.id, PushSubscription.endpoint == endpoint)
        .execute()
    )


def devices_of(user_ids: set[int], now: datetime) -> dict[int, list[PushSubscription]]:
    """The unexpired devices of each user, in one query."""
    found: dict[int, list[PushSubscription]] = {}
    if user_ids:
        for device in PushSubscription.live(user_ids, now).order_by(PushSubscription.id):
            found.setdefault(device.user_id, []).append(device)
    return found


# --- What a nudge's notification says -----------------------------------------------------------------


def wording(suggestion: emails.Suggestion, any_kind: bool, discreet: bool = False) -> tuple[str, str]:
    """The notification's title and body: the reminder email's own discreet words (its subject and its
    first line), so a lock screen shows no more than an inbox's preview; in the discreet mode (Settings)
    the neutral email's, with no action named. The one place they are chosen."""
    if discreet:
        return emails.DISCREET_NUDGE_SUBJECT, "Your reminder for today, if it fits."
    intro = (
        "A small step for today, whichever fits. One idea:"
        if any_kind
        else "A small step for today, if it fits:"
    )
    body = f"{intro} {suggestion.kind.label}"
    if suggestion.plan:  # the kind's if-then plan (issue 16); the discreet mode never has one
        body += "\nYour plan: When {}, I will {}.".format(*suggestion.plan)
    return emails.NUDGE_SUBJECT, body


def message(
    user: User,
    rule: ReminderRule,
    nudge_id: int,
    marker: str,
    day: date,
    suggestion: emails.Suggestion,
    now: datetime,
) -> bytes:
    """A nudge's notification as the service worker reads it (JSON).

    "I did it" and "Later" carry the same single-use tokens as the email's links (one per nudge, shared
    with its email: pressing one spends both), and act on a POST without a session.
    """
    kind, step = suggestion.kind.key, suggestion.step
    done = tokens.make("done", user, nudge_id, now, f"done:{marker}", k=kind, s=step, d=day.isoformat())
    snooze = tokens.make("snooze", user, nudge_id, now, f"snooze:{marker}")
    title, body = wording(suggestion, rule.kind is None, bool(getattr(user, "discreet", False)))
    payload = {
        "title": title,
        "body": body,
        "tag": TAG,
        "url": emails.link("log.today"),
        "actions": [{"action": "done", "title": "I did it"}, {"action": "snooze", "title": "Later"}],
        "done_url": emails.link("push.done", token=done),
        "snooze_url": emails.link("push.snooze", token=snooze),
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# --- Sending ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Push:
    """One encrypted delivery: a nudge's message to one device."""

    nudge_id: int
    device_id: int
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes


@dataclass(frozen=True)
class Result:
    """How a delivery ended: SENT, GONE (delete the device), RETRY or REFUSED, and why."""

    outcome: str
    detail: str | None = None


def push_for(device: PushSubscription, nudge_id: int, payload: bytes) -> Push:
    return Push(nudge_id, device.id, device.endpoint, device.p256dh, device.auth, payload)


def classify(status: int) -> Result:
    """A push service's answer as an outcome."""
    if 200 <= status < 300:
        return Result(SENT)
    if status in (404, 410):
        return Result(GONE, f"push service answered {status}: the browser is gone")
    if status == 429 or status >= 500:
        return Result(RETRY, f"push service answered {status}")
    return Result(REFUSED, f"push service answered {status}")


class Sender:
    """Sends pushes for one dispatch pass: CONNECTIONS at once, VAPID signed once per push service."""

    def __init__(self, private_key: str, subject: str, hosts: tuple[str, ...], now: datetime):
        self.private_key, self.subject, self.hosts = private_key, subject, hosts
        self.expires = int((now + VAPID_LIFETIME).timestamp())
        self.pool = ThreadPoolExecutor(CONNECTIONS, thread_name_prefix="nudge-push")
        self.coordinator = ThreadPoolExecutor(1, thread_name_prefix="nudge-push-batch")
        self.local = threading.local()
        self.lock = threading.Lock()
        self.sessions: list = []
        self.signatures: dict[str, dict] = {}
        self.checked: dict[str, bool | None] = {}

    def submit(self, pushes: list[Push]) -> Future:
        """Send a batch in the background; the future's result is a Result per push, in order."""
        return self.coordinator.submit(lambda: list(self.pool.map(self.send, pushes)))

    def send(self, push: Push) -> Result:
        """Encrypt and POST one push; any failure becomes a Result, never an exception."""
        try:
            parts = urlsplit(push.endpoint)
            host = (parts.hostname or "").rstrip(".")
            try:
                parse_endpoint(push.endpoint, self.hosts)
            except InvalidInput:
                return Result(GONE, "not on PUSH_ALLOWED_HOSTS any more")
            safe = self._public(host)
            if safe is None:
                return Result(RETRY, f"could not resolve {host}")
            if not safe:
                return Result(GONE, f"{host} resolves to a private address")
            return self._post(push, f"{parts.scheme}://{parts.netloc}")
        except Exception as exc:  # a broken connection, a timeout, a bad key: this delivery alone
            return Result(RETRY, f"{type(exc).__name__}: {str(exc)[:120]}")

    def _public(self, host: str) -> bool | None:
        """Whether the host's addresses are public, resolved once per pass (a failure is tried again)."""
        if self.checked.get(host) is None:
            self.checked[host] = public_only(host, self.hosts)
        return self.checked[host]

    def _post(self, push: Push, audience: str) -> Result:
        from pywebpush import WebPusher

        info = {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}}
        headers = {**self._signature(audience), "Urgency": URGENCY, "Topic": TOPIC}
        response = WebPusher(info, requests_session=self._session()).send(
            push.payload,
            headers,
            ttl=int(TTL.total_seconds()),
            content_encoding="aes128gcm",
            timeout=TIMEOUT,
        )
        response.close()
        return classify(response.status_code)

    def _signature(self, audience: str) -> dict:
        """The VAPID Authorization header for one push service (`aud` its origin), signed once a pass."""
        with self.lock:
            if audience not in self.signatures:
                claims = {"aud": audience, "exp": self.expires, "sub": self.subject}
                self.signatures[audience] = _vapid_for(self.private_key).sign(claims)
            return self.signatures[audience]

    def _session(self):
        """This thread's HTTP session, which never follows a redirect (a push service has no reason to
        send one, and following it would let a reply point the server at another address)."""
        session = getattr(self.local, "session", None)
        if session is None:
            session = _no_redirects_session()
            self.local.session = session
            with self.lock:
                self.sessions.append(session)
        return session

    def close(self) -> None:
        self.coordinator.shutdown(wait=True)
        self.pool.shutdown(wait=True)
        for session in self.sessions:
            session.close()


def _no_redirects_session():
    import requests

    class NoRedirects(requests.Session):
        def request(self, *args, **kwargs):
            kwargs["allow_redirects"] = False
            return super().request(*args, **kwargs)

    return NoRedirects()


@contextmanager
def sender(now: datetime) -> Iterator[Sender]:
    """A Sender for this app's keys and hosts, closed (threads and connections) at the end of the pass."""
    config = current_app.config
    sending = Sender(config["VAPID_PRIVATE_KEY"], config["VAPID_SUBJECT"], config["PUSH_ALLOWED_HOSTS"], now)
    try:
        yield sending
    finally:
        sending.close()


def forget(device_ids: list[int]) -> None:
    """Delete devices a push service said are gone."""
    if device_ids:
        PushSubscription.delete().where(PushSubscription.id.in_(device_ids)).execute()
