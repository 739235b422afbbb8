"""SMTP over STARTTLS and implicit TLS, with the server's certificate checked against the CAs."""

from __future__ import annotations

import ssl
from dataclasses import replace

import pytest
import trustme

from tests.alerts.test_delivery import queue, stored
from tests.conftest import NOW
from tests.mailserver import running_server
from vendordd.alerts.delivery import deliver_pending


@pytest.fixture
def test_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(test_ca) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 from the test CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    test_ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def trusted(test_ca, monkeypatch, tmp_path) -> None:
    """Make the test CA the system's trust store, as a real CA would be."""
    ca_file = tmp_path / "ca.pem"
    test_ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))


def settings_for(app, server, security: str):
    values = {"smtp_host": server.host, "smtp_port": server.port, "smtp_security": security}
    return replace(app.config["VENDORDD"], **values)


def test_starttls_delivers_over_an_encrypted_connection(app, db, server_tls, trusted):
    queue(db)
    with running_server(tls_context=server_tls, require_starttls=True) as server:
        report = deliver_pending(db, settings=settings_for(app, server, "starttls"), now=NOW)

    assert report.sent == 1
    assert [m["To"] for m in server.messages] == ["mei@acme.example"]


def test_implicit_tls_delivers(app, db, server_tls, trusted):
    queue(db)
    with running_server(ssl_context=server_tls) as server:
        report = deliver_pending(db, settings=settings_for(app, server, "tls"), now=NOW)

    assert report.sent == 1
    assert len(server.messages) == 1


def test_an_untrusted_certificate_is_refused_and_the_mail_waits(app, db, server_tls):
    queue(db)
    with running_server(tls_context=server_tls, require_starttls=True) as server:
        report = deliver_pending(db, settings=settings_for(app, server, "starttls"), now=NOW)

    assert report.sent == 0
    assert server.messages == []
    [message] = stored(db)
    assert message.sent_at is None
    assert "CERTIFICATE_VERIFY_FAILED" in message.last_error


def test_a_server_without_starttls_stops_the_run(app, db, smtp_server):
    queue(db)
    queue(db, to="li@acme.example")

    report = deliver_pending(db, settings=settings_for(app, smtp_server, "starttls"), now=NOW)

    assert report.stopped.endswith("STARTTLS extension not supported by server.")
    assert smtp_server.messages == []
    assert [m.attempts for m in stored(db)] == [1, 0]
