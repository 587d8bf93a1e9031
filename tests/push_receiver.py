"""A real push service on loopback for the tests: it takes what the dispatcher POSTs, checks it the way a
push service and a browser would, and answers with the status a test asks for.

Each endpoint (`/push/<name>`) belongs to a `Browser` that holds a subscription's private key and auth
secret, so the receiver decrypts every message (RFC 8291 `aes128gcm`, with http_ece and cryptography)
and checks its VAPID signature (RFC 8292: `Authorization: vapid t=<JWT>,k=<key>`, the JWT signed with that
key, `aud` the receiver's origin, `exp` in the next 24 hours, a `sub`) and its headers (TTL, Urgency,
Content-Encoding). A message that fails a check is answered 400 and noted in `problems`.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt

SUBJECT = "mailto:care@example.org"
# The app's settings for pushing to this receiver on 127.0.0.1 (besides a real push service's name).
LOOPBACK = {"PUSH_ALLOWED_HOSTS": "127.0.0.1 fcm.googleapis.com", "VAPID_SUBJECT": SUBJECT}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class Browser:
    """What a browser keeps of its subscription: the private key and the auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64(point)

    def subscription(self, endpoint: str, expiration: int | None = None) -> dict:
        """Like `PushSubscription.toJSON()`."""
        return {
            "endpoint": endpoint,
            "expirationTime": expiration,
            "keys": {"p256dh": self.p256dh, "auth": b64(self.secret)},
        }

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.key, auth_secret=self.secret, version="aes128gcm")


@dataclass
class Delivery:
    """One message as it arrived, checked and decrypted."""

    path: str
    headers: dict[str, str]
    payload: dict
    claims: dict
    vapid_key: str


@dataclass
class Receiver:
    """The server's state: browsers by path, what arrived, what failed a check, what to answer."""

    browsers: dict[str, Browser] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every path POSTed to, checked or not
    problems: list[str] = field(default_factory=list)
    answers: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # extra answer headers by path
    origin: str = ""
    now: datetime | None = None  # the dispatcher's clock, for `exp` (the wall clock when None)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def browser(self, name: str) -> tuple[str, Browser]:
        """A new browser subscribed at /push/<name>: its endpoint and itself."""
        path = f"/push/{name}"
        self.browsers[path] = Browser()
        return self.origin + path, self.browsers[path]

    def answer(self, name: str, *statuses: int) -> None:
        """Answer the next messages to /push/<name> with these statuses (then 201 again)."""
        self.answers[f"/push/{name}"].extend(statuses)

    def to(self, name: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.path == f"/push/{name}"]

    def check(self, path: str, headers: dict[str, str], body: bytes) -> Delivery:
        """What a push service and the browser would check; AssertionError says what failed."""
        assert headers.get("content-encoding") == "aes128gcm", headers.get("content-encoding")
        assert headers.get("ttl", "").isdigit() and int(headers["ttl"]) > 0, headers.get("ttl")
        assert headers.get("urgency") in ("very-low", "low", "normal", "high"), headers.get("urgency")
        scheme, _, params = headers.get("authorization", "").partition(" ")
        assert scheme == "vapid", scheme
        parts = dict(item.split("=", 1) for item in params.split(","))
        claims = jwt.decode(parts["t"], parts["k"])  # raises unless the JWT is signed with key k
        assert claims["aud"] == self.origin, claims
        now = (self.now or datetime.now(UTC)).timestamp()
        assert now < claims["exp"] <= now + timedelta(hours=24).total_seconds(), claims
        assert claims["sub"].startswith(("mailto:", "https://")), claims
        browser = self.browsers[path]
        payload = json.loads(browser.decrypt(body))
        return Delivery(path, headers, payload, claims, parts["k"])


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as push services do

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            with receiver.lock:
                receiver.requests.append(self.path)
                queued = receiver.answers[self.path]
                status = queued.popleft() if queued else 201
            try:
                delivery = receiver.check(self.path, headers, body)
            except Exception as exc:  # a failed check: noted, and refused like a push service would
                with receiver.lock:
                    receiver.problems.append(f"{self.path}: {type(exc).__name__}: {exc}")
                status = 400
            else:
                if 200 <= status < 300:
                    with receiver.lock:
                        receiver.deliveries.append(delivery)
            self.send_response(status)
            for name, value in receiver.headers.get(self.path, {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            return

    return Handler


class PushServer:
    """The receiver served on 127.0.0.1 in a thread, for a `with` block."""

    def __init__(self) -> None:
        self.receiver = Receiver()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self.receiver))
        self.server.daemon_threads = True
        self.receiver.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self.receiver

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
