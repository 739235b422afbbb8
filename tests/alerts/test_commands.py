"""`vendordd outbox deliver`: counts, the exit status for cron, and no SMTP configured."""

from __future__ import annotations

from tests.auth.apps import app_variant
from tests.conftest import NOW
from vendordd.alerts.outbox import queue_email


def queue(db, count: int = 1) -> None:
    for n in range(count):
        queue_email(db, to=f"c{n}@acme.example", subject="s", body="b", now=NOW)
    db.commit()


def test_without_smtp_mail_stays_and_the_command_says_why(runner, db):
    queue(db, 2)

    result = runner.invoke(args=["vendordd", "outbox", "deliver"])

    assert result.exit_code == 0, result.output
    assert result.output == (
        "No SMTP server is configured (VENDORDD_SMTP_HOST): "
        "2 pending messages stay in the outbox.\n"
    )


def test_deliver_sends_pending_mail_within_the_limit(mail_app, db, smtp_server):
    queue(db, 3)

    with mail_app.app_context():  # the `db` fixture's context is the plain app's
        result = mail_app.test_cli_runner().invoke(
            args=["vendordd", "outbox", "deliver", "--limit", "2"]
        )

    assert result.exit_code == 0, result.output
    assert result.output == "Sent 2, 0 failed. 1 still pending.\n"
    assert len(smtp_server.messages) == 2


def test_a_failed_delivery_exits_1_for_cron(app, db, closed_port):
    queue(db)

    with (
        app_variant(app, smtp_host="127.0.0.1", smtp_port=closed_port) as down,
        down.app_context(),
    ):
        result = down.test_cli_runner().invoke(args=["vendordd", "outbox", "deliver"])

    assert result.exit_code == 1
    assert result.output.startswith("Sent 0, 1 failed; stopped: 127.0.0.1:")
    assert "Connection refused" in result.output
    assert result.output.endswith(" 1 still pending.\n")
