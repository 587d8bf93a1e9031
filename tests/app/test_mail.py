"""mail.py backends against real servers: aiosmtpd on loopback (plain, STARTTLS + login, implicit TLS)
and the file outbox. `SmtpSink` and the `smtp_sink` fixture are shared with the nudge tests."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tracker import mail
from tracker.mail import FileBackend, MailError, SmtpBackend, backend_for, build_message

NOW = datetime(2026, 5, 13, 10, 30, tzinfo=UTC)


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server on loopback that keeps what arrives; stop() and start() to take it down."""

    def __init__(self, port: int | None = None, **controller_options):
        self.port = port or free_port()
        self.received: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()
        self._options = controller_options
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.append(envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def start(self) -> SmtpSink:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **self._options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def messages(self):
        """What arrived, parsed."""
        with self._lock:
            return [
                message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=policy.default)
                for raw in self.received
            ]


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def a_message(to: str = "ana@example.com", subject: str = "Your Secure Base check-in"):
    return build_message(
        sender="Secure Base <reminders@localhost>",
        to=to,
        subject=subject,
        text="A small step for today.",
        html="<p>A small step for today.</p>",
        now=NOW,
        headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def test_smtp_hands_over_a_batch_on_one_connection(smtp_sink):
    backend = backend_for(smtp_sink.url)
    assert backend.send_many([a_message(f"u{n}@example.com") for n in range(3)]) == [None] * 3
    arrived = smtp_sink.messages()
    assert [m["To"] for m in arrived] == ["u0@example.com", "u1@example.com", "u2@example.com"]
    assert arrived[0]["Subject"] == "Your Secure Base check-in"
    assert arrived[0].get_body(("plain",)).get_content().strip() == "A small step for today."
    assert arrived[0].get_body(("html",)).get_content().strip() == "<p>A small step for today.</p>"
    assert smtp_sink.envelopes[0] == ("reminders@localhost", ["u0@example.com"])


def test_smtp_down_fails_every_message_quickly_with_a_reason(app):
    backend = backend_for(f"smtp://127.0.0.1:{free_port()}")
    outcomes = backend.send_many([a_message(), a_message()])
    assert all("refused" in outcome.lower() for outcome in outcomes)
    app.extensions["mail"] = backend
    with app.app_context(), pytest.raises(MailError):
        mail.send(a_message())


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def trust(certificate, monkeypatch):
    """Trust the test certificate the way an operator trusts a private CA: SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


def _server_tls(certificate) -> ssl.SSLContext:
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    return context


class Logins:
    def __init__(self):
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.seen.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"s3cret pass", handled=False)
        return AuthResult(success=False, handled=False)


def test_starttls_when_offered_then_login(certificate, trust):
    logins = Logins()
    sink = SmtpSink(
        tls_context=_server_tls(certificate),
        require_starttls=True,
        authenticator=logins,
        auth_require_tls=True,
    ).start()
    try:
        backend = backend_for(f"smtp://reminders%40example.com:s3cret%20pass@127.0.0.1:{sink.port}")
        assert isinstance(backend, SmtpBackend) and backend.username == "reminders@example.com"
        assert backend.send_many([a_message()]) == [None]
        assert logins.seen == [("reminders@example.com", "s3cret pass")]  # only possible after STARTTLS
        assert len(sink.received) == 1
        wrong = backend_for(f"smtp://reminders%40example.com:wrong@127.0.0.1:{sink.port}")
        assert "535" in wrong.send_many([a_message()])[0]
    finally:
        sink.stop()


def test_smtps_speaks_tls_from_the_start(certificate, trust):
    sink = SmtpSink(ssl_context=_server_tls(certificate)).start()
    try:
        backend = backend_for(f"smtps://127.0.0.1:{sink.port}")
        assert backend.tls and backend.send_many([a_message()]) == [None]
        assert len(sink.received) == 1
    finally:
        sink.stop()


def test_file_outbox_writes_one_eml_per_message(tmp_path):
    backend = backend_for(f"file://{tmp_path / 'outbox'}")
    assert isinstance(backend, FileBackend)
    assert backend.send_many([a_message("a@example.com"), a_message("b@example.com")]) == [None, None]
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2 and not list((tmp_path / "outbox").glob(".*"))
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(m["To"] for m in parsed) == ["a@example.com", "b@example.com"]


def test_relative_file_outbox_and_bad_urls():
    assert backend_for("file://instance/outbox").folder == Path("instance/outbox")
    assert backend_for("smtp://mail.example.com").port == 25
    assert backend_for("smtps://mail.example.com").port == 465
    with pytest.raises(ValueError):
        backend_for("http://example.com")


def test_a_non_ascii_address_takes_the_smtputf8_path(smtp_sink):
    message = a_message("zoë@example.com")
    assert backend_for(smtp_sink.url).send_many([message]) == [None]
    assert smtp_sink.messages()[0]["To"] == "zoë@example.com"
    assert smtp_sink.envelopes[0][1] == ["zoë@example.com"]


def test_many_messages_go_over_parallel_connections_in_order(smtp_sink):
    backend = backend_for(smtp_sink.url + "?connections=3")
    assert backend.connections == 3
    outcomes = backend.send_many([a_message(f"u{n}@example.com") for n in range(100)])
    assert outcomes == [None] * 100
    assert sorted(m["To"] for m in smtp_sink.messages()) == sorted(f"u{n}@example.com" for n in range(100))


def test_the_app_sends_through_its_configured_backend(app, tmp_path):
    with app.app_context():
        mail.send(a_message())
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_long_unsubscribe_urls_stay_on_one_header_line():
    url = "<https://example.com/email/unsubscribe/" + "x" * 300 + ">"
    message = build_message(
        sender="a@localhost", to="b@example.com", subject="s", text="t", html=None, now=NOW,
        headers={"List-Unsubscribe": url},
    )  # fmt: skip
    assert f"List-Unsubscribe: {url}\r\n".encode() in message.data
