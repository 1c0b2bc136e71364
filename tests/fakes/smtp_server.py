"""A small SMTP server for tests, and a port where no mail server listens.

Django's real SMTP backend (smtplib) talks to it over TCP, so tests see exactly what a mail
server would receive: envelope recipients and the raw message, parsed back with `email`. It
speaks only the commands smtplib sends for plain, unauthenticated mail (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT).
"""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import Any


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def for_recipient(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received if address in r.recipients]


def _address(argument: str) -> str:
    start, end = argument.find("<"), argument.find(">")
    return argument[start + 1 : end] if start != -1 and end > start else argument.strip()


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        sender, recipients = "", []
        self.reply("220 paddock-test-smtp ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reply("250-paddock-test-smtp")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 paddock-test-smtp")
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(_address(argument))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self.receive(sender, recipients)
                self.reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command not implemented")

    def receive(self, sender: str, recipients: list[str]) -> None:
        lines = []
        while True:
            raw = self.rfile.readline()
            if raw in (b".\r\n", b".\n", b""):
                break
            # Dot-stuffing (RFC 5321 4.5.2): a leading dot was doubled by the client.
            lines.append(raw[1:] if raw.startswith(b"..") else raw)
        message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.server.sink.lock:
            self.server.sink.received.append(Received(sender, list(recipients), message))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sink: SmtpSink) -> None:
        super().__init__((sink.host, sink.port), _Handler)
        self.sink = sink


class SmtpServer:
    """`with SmtpServer() as sink:` a listening SMTP server on 127.0.0.1 at `sink.port`."""

    def __init__(self, port: int = 0) -> None:
        self._server = _Server(SmtpSink("127.0.0.1", port))
        self.sink = self._server.sink
        self.sink.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self.sink

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


class ClosedPort:
    """`with ClosedPort() as port:` a local port that refuses connections, as a dead mail server.

    The socket is bound but never listens, so the kernel refuses every connection to it and no
    other process can take the port while the test runs.
    """

    def __enter__(self) -> int:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        port: int = self._socket.getsockname()[1]
        return port

    def __exit__(self, *exc: Any) -> None:
        self._socket.close()


class DownMailServer:
    """Django's real SMTP backend pointed at a closed port; `start()` brings a server up there.

    Used through the `mail_server_down` fixture (tests/conftest.py).
    """

    def __init__(self, settings: Any) -> None:
        self._settings = settings
        self._closed = ClosedPort()
        self._server: SmtpServer | None = None
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self._closed.__enter__()
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5

    def start(self) -> SmtpSink:
        """The mail server is back: a listening server on the port the backend uses."""
        port = self._settings.EMAIL_PORT
        self._closed.__exit__()
        self._server = SmtpServer(port)
        return self._server.__enter__()

    def close(self) -> None:
        if self._server is not None:
            self._server.__exit__(None, None, None)
        else:
            self._closed.__exit__()
