"""Argon2id password hashing and the rules for new passwords."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
MIN_DISTINCT_CHARACTERS = 5


def hash_password(password: str) -> str:
    """An argon2id hash of the password, with a fresh salt."""
    return _hasher.hash(password)


@cache
def _decoy_hash() -> str:
    return _hasher.hash("decoy password that matches no account")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash (no such user) it still spends the same time."""
    try:
        # Verifying a decoy keeps unknown addresses as slow as wrong passwords (no enumeration).
        return _hasher.verify(password_hash or _decoy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.strip() != password:
        return "Remove spaces at the start or end."
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        return "Use a less repetitive password: a few unrelated words work well."
    return None
