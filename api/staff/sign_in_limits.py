"""How many staff sign-in attempts reach the password check, and from whom.

An attempt is counted *before* its password is hashed: `reserve_attempt` tests every counter
that applies and counts the attempt in all of them as one step (under the limiter's lock), or
refuses it with a 429 and counts nothing. So 120 parallel guesses cost at most as many argon2
checks as the counters allow, never "as many as were in flight before the first failure was
counted". The counters count attempts, right or wrong (the `limits` library cannot take one
back); a right password clears its account-and-client counter (1) below.

The attacker is locked out, not the account. Three counters, each over 15 minutes by default:

1. **account and client** (`login_failures_per_account_client`, 5): one address guessing one
   account. Over it, that address alone waits out the window (429, `Retry-After` up to 15 min).
2. **client** (`login_failures_per_client`, 30): one address trying many accounts (a common
   password sprayed over every staff address). Over it, the address waits out the window.
   Successful sign-ins count here too: an attacker with one account of their own must not be
   able to buy more guesses at others by signing in to it.
3. **account** (`login_failures_per_account`, 20): guesses at one account from many addresses.
   Over it, the account is *throttled*, never locked: attempts from addresses within (1) and
   (2) still reach the password check, one per `login_throttled_account_rate` (5 s) for the
   whole account; the others in that moment get a 429 with a `Retry-After` of a few seconds.
   A real user with the right password therefore waits seconds, not 15 minutes, and an
   address that signed in to this account in the last `login_known_client_days` is not slowed
   by (3) at all (it must still keep within (1) and (2)).

On PostgreSQL the counters are shared by every app instance (api/core/ratelimit.py), and
`reserve_attempt` holds the limiter's cluster-wide lock while it tests and counts; on SQLite
they live in the one app process's memory.
"""

from dataclasses import dataclass

from api.core.config import Settings
from api.core.problems import TooManyRequests
from api.core.ratelimit import RateLimiter

_PAIR = "login-account-client"
_CLIENT = "login-client"
_ACCOUNT = "login-account"
_THROTTLE = "login-account-throttle"
_KNOWN = "login-known-client"

PAIR_MESSAGE = (
    "Too many failed sign-ins for this account from your network. "
    "Wait until the time in Retry-After has passed, then try again."
)
CLIENT_MESSAGE = (
    "Too many failed sign-ins from your network. "
    "Wait until the time in Retry-After has passed, then try again."
)
THROTTLE_MESSAGE = (
    "Many failed sign-ins for this account came from elsewhere, so its sign-ins are slowed "
    "down. Try again in a few seconds."
)


@dataclass(frozen=True)
class Attempt:
    """A reserved sign-in attempt: who tries which account."""

    account: str
    client: str


def reserve_attempt(
    limiter: RateLimiter, settings: Settings, *, account: str, client: str
) -> Attempt:
    """Count one attempt before the password is checked, or raise 429 and count nothing."""
    pair, per_client = (
        settings.login_failures_per_account_client,
        settings.login_failures_per_client,
    )
    per_account, throttle = (
        settings.login_failures_per_account,
        settings.login_throttled_account_rate,
    )
    with limiter.atomic():
        if not limiter.would_allow(pair, _PAIR, account, client):
            raise TooManyRequests(
                PAIR_MESSAGE,
                nl="Te veel mislukte inlogpogingen voor dit account vanaf uw netwerk. Wacht tot "
                "de tijd in Retry-After voorbij is en probeer het dan opnieuw.",
                retry_after=limiter.retry_after(pair, _PAIR, account, client),
            )
        if not limiter.would_allow(per_client, _CLIENT, client):
            raise TooManyRequests(
                CLIENT_MESSAGE,
                nl="Te veel mislukte inlogpogingen vanaf uw netwerk. Wacht tot de tijd in "
                "Retry-After voorbij is en probeer het dan opnieuw.",
                retry_after=limiter.retry_after(per_client, _CLIENT, client),
            )
        throttled = not limiter.would_allow(
            per_account, _ACCOUNT, account
        ) and not limiter.remembers(_KNOWN, account, client)
        if throttled:
            if not limiter.would_allow(throttle, _THROTTLE, account):
                raise TooManyRequests(
                    THROTTLE_MESSAGE,
                    nl="Er kwamen veel mislukte inlogpogingen voor dit account van elders, dus "
                    "inloggen gaat voor dit account langzamer. Probeer het over een paar seconden "
                    "opnieuw.",
                    retry_after=limiter.retry_after(throttle, _THROTTLE, account),
                )
            limiter.count(throttle, _THROTTLE, account)
        limiter.count(pair, _PAIR, account, client)
        limiter.count(per_client, _CLIENT, client)
        limiter.count(per_account, _ACCOUNT, account)
    return Attempt(account=account, client=client)


def attempt_succeeded(limiter: RateLimiter, settings: Settings, attempt: Attempt) -> None:
    """The password was right: this address may try this account afresh, and is known now.

    The account's own counter (3) is left alone: one right password does not end an attack
    from elsewhere, and the known address is not slowed by it anyway.
    """
    limiter.reset(
        settings.login_failures_per_account_client, _PAIR, attempt.account, attempt.client
    )
    limiter.remember(
        settings.login_known_client_days * 24 * 3600, _KNOWN, attempt.account, attempt.client
    )
