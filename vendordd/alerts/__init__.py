"""Alerts and outgoing messages: the outbox, written in the transaction, delivered after it."""
