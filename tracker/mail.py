"""Mail backends chosen by MAIL_URL, and the message builder they share.

- `smtp://[user:pass@]host[:port][?connections=N]`: SMTP (port 25 by default), upgraded with STARTTLS
  whenever the server offers it, with a login when credentials are given;
- `smtps://…` the same over TLS from the start (port 465 by default);
- `file://DIR` (the default, `instance/outbox`): one `.eml` file a message, to read in any mail app;
- `memory://`: kept in a list on the backend, for tests.
A batch goes over parallel connections (2 unless `?connections=` says otherwise), since an SMTP
exchange is four round trips a message; each message gets its own outcome, so a dispatcher can retry
just the ones that failed.
"""

from __future__ import annotations

import email.policy
import quopri
import random
import smtplib
import ssl
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from flask import Flask, current_app

from tracker.clock import utc_now

SMTP_TIMEOUT = 20
PER_CONNECTION = 25  # below this many messages a connection each, fewer connections
# Headers up to RFC 5322's 998 characters: a long List-Unsubscribe URL must stay one unbroken <URL>,
# never folded into encoded words that mail apps can't follow.
UNICODE_WIRE = email.policy.SMTPUTF8.clone(max_line_length=998)


class MailError(Exception):
    """A message could not be handed over; the text says why (no message content in it)."""


@dataclass(frozen=True)
class Outgoing:
    """A rendered email ready to hand over: the envelope addresses and the bytes on the wire."""

    sender: str
    to: str
    data: bytes

    def parsed(self) -> EmailMessage:
        """The message as a mail app would read it (with Python's newlines)."""
        return message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=email.policy.default)


def build_message(
    *, sender: str, to: str, subject: str, text: str, html: str | None, now: datetime, headers: dict
) -> Outgoing:
    """A multipart/alternative message, plain text first, quoted-printable UTF-8 bodies."""
    address = parseaddr(sender)[1]
    fields = {
        "From": sender,
        "To": to,
        "Subject": subject,
        "Date": format_datetime(now),
        "Message-ID": make_msgid(domain=address.rpartition("@")[2] or "localhost"),
        **headers,
    }
    if any("\r" in value or "\n" in value for value in fields.values()):
        raise ValueError("a header value must be one line")  # no header injection, ever
    if not all(value.isascii() for value in fields.values()):
        return Outgoing(address, to, _unicode_message(fields, text, html))
    return Outgoing(address, to, _ascii_message(fields, text, html))


def _ascii_message(fields: dict, text: str, html: str | None) -> bytes:
    """MIME written out directly: plain ASCII headers need no encoding, and this is the hot path."""
    lines = [f"{name}: {value}" for name, value in fields.items()]
    lines.append("MIME-Version: 1.0")
    parts = [("plain", text)] + ([("html", html)] if html else [])
    if len(parts) == 1:
        lines += [*_part_headers("plain"), "", _quoted(text).removesuffix("\r\n"), ""]
    else:
        boundary = f"=_sb_{random.getrandbits(96):024x}"  # "=_" never starts a quoted-printable line
        lines += [f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
        for subtype, body in parts:
            lines += [f"--{boundary}", *_part_headers(subtype), "", _quoted(body)]
        lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii")


def _part_headers(subtype: str) -> list[str]:
    """The headers of one text part: UTF-8, quoted-printable (readable, and safe for any relay)."""
    return [f'Content-Type: text/{subtype}; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"]


def _quoted(body: str) -> str:
    """A UTF-8 body as quoted-printable lines (76 characters at most) with CRLF line ends."""
    return quopri.encodestring(body.replace("\r\n", "\n").encode()).decode("ascii").replace("\n", "\r\n")


def _unicode_message(fields: dict, text: str, html: str | None) -> bytes:
    """The standards-complete path for a non-ASCII address or header (sent with SMTPUTF8)."""
    message = EmailMessage(policy=UNICODE_WIRE)
    for name, value in fields.items():
        message[name] = value
    message.set_content(text, cte="quoted-printable")
    if html:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    return bytes(message)


class MemoryBackend:
    """Keeps messages in `outbox`, parsed as a mail app would read them, for tests."""

    def __init__(self) -> None:
        self.outbox: list[EmailMessage] = []
        self._lock = threading.Lock()

    def send_many(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Store every message; None means delivered."""
        with self._lock:
            self.outbox.extend(message.parsed() for message in messages)
        return [None] * len(messages)


class FileBackend:
    """Writes one `.eml` file a message into a folder (written whole, then renamed into place)."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send_many(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Write each message; an error string for the ones that could not be written."""
        outcomes: list[str | None] = []
        for message in messages:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                name = f"{utc_now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
                partial = self.folder / f".{name}.part"
                partial.write_bytes(message.data)
                partial.replace(self.folder / name)
                outcomes.append(None)
            except OSError as exc:
                outcomes.append(f"could not write the outbox: {exc.strerror or exc}")
        return outcomes


class SmtpBackend:
    """Hands messages to an SMTP server: STARTTLS when offered, login when credentials are set."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        tls: bool,
        username: str | None = None,
        password: str | None = None,
        connections: int = 2,
    ):
        self.host, self.port, self.tls = host, port, tls
        self.username, self.password = username, password
        self.connections = max(1, connections)

    def send_many(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Send in order-preserving slices over parallel connections."""
        lanes = min(self.connections, -(-len(messages) // PER_CONNECTION))
        if lanes <= 1:
            return self._send_over_one(messages)
        size = -(-len(messages) // lanes)
        slices = [messages[start : start + size] for start in range(0, len(messages), size)]
        with ThreadPoolExecutor(len(slices), thread_name_prefix="smtp") as pool:
            return [outcome for part in pool.map(self._send_over_one, slices) for outcome in part]

    def _connect(self) -> smtplib.SMTP:
        """An open, greeted, secured and logged-in connection."""
        context = ssl.create_default_context()
        if self.tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        try:
            smtp.ehlo()
            if not self.tls and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _send_over_one(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Send over one connection; when the server can't be reached, every message fails at once."""
        outcomes: list[str | None] = []
        smtp: smtplib.SMTP | None = None
        try:
            for message in messages:
                if smtp is None:
                    try:
                        smtp = self._connect()
                    except (smtplib.SMTPException, OSError) as exc:
                        outcomes.extend([_describe(exc)] * (len(messages) - len(outcomes)))
                        break
                error, smtp = self._send_one(smtp, message)
                outcomes.append(error)
        finally:
            _close(smtp)
        return outcomes

    def _send_one(self, smtp: smtplib.SMTP, message: Outgoing) -> tuple[str | None, smtplib.SMTP | None]:
        """Send one message: the error (or None) and the connection to go on with (None if broken)."""
        options = ["SMTPUTF8"] if not message.to.isascii() else []
        try:
            smtp.sendmail(message.sender, [message.to], message.data, mail_options=options)
            return None, smtp
        except smtplib.SMTPServerDisconnected:
            pass  # the server hung up between messages (idle timeout, connection limit): once more afresh
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
            return _describe(exc), smtp  # this message was refused; the connection is still good
        except (smtplib.SMTPException, OSError) as exc:
            _close(smtp)
            return _describe(exc), None
        _close(smtp)
        try:
            smtp = self._connect()
            smtp.sendmail(message.sender, [message.to], message.data, mail_options=options)
            return None, smtp
        except (smtplib.SMTPException, OSError) as exc:
            return _describe(exc), None


def _close(smtp: smtplib.SMTP | None) -> None:
    """Say goodbye politely, or just drop the connection."""
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _describe(exc: BaseException) -> str:
    """A short reason to record, without any message content."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}: {exc.smtp_error.decode(errors='replace')[:120]}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


Backend = MemoryBackend | FileBackend | SmtpBackend


def backend_for(url: str) -> Backend:
    """The backend a MAIL_URL names."""
    parts = urlparse(url)
    if parts.scheme == "memory":
        return MemoryBackend()
    if parts.scheme == "file":
        return FileBackend(unquote(parts.netloc + parts.path))
    if parts.scheme in ("smtp", "smtps"):
        tls = parts.scheme == "smtps"
        connections = parse_qs(parts.query).get("connections", ["2"])[0]
        return SmtpBackend(
            parts.hostname or "localhost",
            parts.port or (465 if tls else 25),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            connections=int(connections) if connections.isdigit() else 2,
        )
    raise ValueError(f"MAIL_URL must start with smtp://, smtps://, file:// or memory://, not {url!r}")


def mailer(app: Flask | None = None) -> Backend:
    """The app's backend, made from MAIL_URL on first use and kept (a memory outbox stays put)."""
    app = app or current_app._get_current_object()
    backend = app.extensions.get("mail")
    if backend is None:
        backend = app.extensions.setdefault("mail", backend_for(app.config["MAIL_URL"]))
    return backend


def send(message: Outgoing) -> None:
    """Send one message now; MailError when it could not be handed over."""
    error = mailer().send_many([message])[0]
    if error is not None:
        raise MailError(error)
