"""A real SMTP server on loopback (aiosmtpd) for tests, and an app that delivers to it.

Fixtures, available to every test: `smtp_server` (collects what it receives as parsed
`EmailMessage` objects) and `mail_app` / `mail_client` (the `app` fixture's database and
settings, with SMTP pointed at that server).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from tests.auth.apps import app_variant


@dataclass
class Received:
    """One delivery: the envelope, the SMTP login used (if any) and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    login: str | None
    message: EmailMessage


@dataclass
class MailHandler:
    """Keeps every message; refuses recipients listed in `refused` (550)."""

    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=default)
        login = session.login_data.decode() if session.authenticated else None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), login, message))
        return "250 Message accepted for delivery"


class LoopbackController(Controller):
    """Listens on a free port the system picks (port 0), so parallel runs never collide."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPServer:
    """The running server: where it listens and what it received."""

    def __init__(self, controller: LoopbackController, handler: MailHandler) -> None:
        self.host = controller.hostname
        self.port = controller.port
        self.handler = handler

    @property
    def messages(self) -> list[EmailMessage]:
        return [delivery.message for delivery in self.handler.received]

    @property
    def deliveries(self) -> list[Received]:
        return list(self.handler.received)

    def refuse(self, address: str) -> None:
        """Answer 550 to this recipient from now on."""
        self.handler.refused.add(address)


@contextmanager
def running_server(**smtp_options) -> Iterator[SMTPServer]:
    """Start a server on 127.0.0.1 (options go to aiosmtpd's SMTP, e.g. an authenticator)."""
    handler = MailHandler()
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0, **smtp_options)
    controller.start()
    try:
        yield SMTPServer(controller, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    with running_server() as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_app(app, smtp_server):
    with app_variant(app, smtp_host=smtp_server.host, smtp_port=smtp_server.port) as variant:
        yield variant


@pytest.fixture
def mail_client(mail_app):
    return mail_app.test_client()
