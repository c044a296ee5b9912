"""Passwords (argon2) and every JSON Web Token of the service, in one place."""

import contextlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from cachetools import TLRUCache
from jose import JWTError, jwt
from pwdlib import PasswordHash

from api.core.db import utcnow

JWT_ALGORITHM = "HS256"
JWT_ISSUER = "welvaartgesprek"

_password_hash = PasswordHash.recommended()
# Verifying against this when the account does not exist costs the same time as a real
# check, so response times don't tell which e-mail addresses have an account.
_DUMMY_HASH = _password_hash.hash("not-a-real-password")
# Argon2 is expensive on purpose: a check takes a core for about half a second. It runs on a
# few threads of its own (half the cores, at least one) at the lowest CPU priority, so a burst
# of sign-ins queues here and yields the processor to the ballots residents are waiting on,
# instead of taking every core. Never hash while holding a database transaction: the wait
# here would add to the time the transaction (on SQLite, the write lock) is held.
_HASHING_THREADS = max(1, (os.cpu_count() or 2) // 2)


def _lowest_cpu_priority() -> None:
    # On Linux a thread has a nice value of its own; elsewhere this may not apply.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


_hashing_pool = ThreadPoolExecutor(
    max_workers=_HASHING_THREADS, thread_name_prefix="argon2", initializer=_lowest_cpu_priority
)


class TokenType(StrEnum):
    """What a token is for; a token of one type is never accepted as another."""

    STAFF = "staff"
    PARTICIPANT = "participant"
    PROJECTOR = "projector"


class InvalidTokenError(Exception):
    """The token is malformed, tampered with, expired, of another type or algorithm."""


def hash_password(password: str) -> str:
    """An argon2 hash of the password (slow: call it outside any database transaction)."""
    return _hashing_pool.submit(lambda: _password_hash.hash(password)).result()


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one is outdated.

    Slow (argon2): call it outside any database transaction.
    """
    return _hashing_pool.submit(_verify, password, password_hash).result()


def _verify(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False, None
    return _password_hash.verify_and_update(password, password_hash)


def create_token(
    *,
    subject: str,
    token_type: TokenType,
    expires_at: datetime,
    signing_key: str,
    claims: dict[str, Any] | None = None,
) -> str:
    """A signed token for the subject, of one type, with a required expiry."""
    payload = {
        **(claims or {}),
        "sub": subject,
        "typ": token_type.value,
        "iss": JWT_ISSUER,
        "iat": int(utcnow().timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    return jwt.encode(payload, signing_key, algorithm=JWT_ALGORITHM)


def decode_token(token: str, *, token_type: TokenType, signing_key: str) -> dict[str, Any]:
    """The claims of a valid token of the expected type; anything else raises."""
    try:
        claims = jwt.decode(
            token,
            signing_key,
            algorithms=[JWT_ALGORITHM],
            issuer=JWT_ISSUER,
            options={"require_exp": True, "require_sub": True, "require_iat": True, "leeway": 0},
        )
    except JWTError as exc:
        raise InvalidTokenError(str(exc)) from exc
    if claims.get("typ") != token_type.value:
        raise InvalidTokenError(f"this is not a {token_type.value} token")
    return claims


# Valid tokens by (signing key, token type, token text), each forgotten when it expires. Only
# what the signature proves is remembered; whether the participant and the session still
# accept writes is checked by each write itself.
_verified: TLRUCache[tuple[str, str, str], dict[str, Any]] = TLRUCache(
    maxsize=16384, ttu=lambda _key, claims, _now: claims["exp"], timer=time.time
)
_verified_lock = threading.Lock()


def decode_token_remembered(
    token: str, *, token_type: TokenType, signing_key: str
) -> dict[str, Any]:
    """`decode_token`, remembering a valid token until it expires (a bounded LRU), so a
    resident's every write does not decode and check the same signature again."""
    cache_key = (signing_key, token_type.value, token)
    with _verified_lock:
        claims = _verified.get(cache_key)
    if claims is None:
        claims = decode_token(token, token_type=token_type, signing_key=signing_key)
        with _verified_lock:
            _verified[cache_key] = claims
    return claims


def expiry_after(*, minutes: int) -> datetime:
    """The moment `minutes` from now."""
    return utcnow() + timedelta(minutes=minutes)
