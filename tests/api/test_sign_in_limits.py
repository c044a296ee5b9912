"""Staff sign-in under attack: attempts counted before hashing, the attacker locked out, not the
account (see api/staff/sign_in_limits.py for the design)."""

import asyncio
import threading
import time
import types
from collections import Counter

import httpx
import pytest
from limits import parse
from sqlmodel import Session

from api.core import ratelimit
from api.core.access import Role
from api.core.config import Settings
from tests.helpers import PASSWORD, CountingHasher, assert_problem, make_staff

pytestmark = pytest.mark.timeout(120)

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    return CountingHasher.install(monkeypatch)


class Clock:
    """The rate limiter's clock: it stands still, and the test moves it forward instead of
    waiting (so a slow machine can't let a window pass in the middle of a test)."""

    def __init__(self) -> None:
        self.start = time.time()
        self.offset = 0.0

    def time(self) -> float:
        return self.start + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=fake.time))
    return fake


def allowed(limit: str) -> int:
    return parse(limit).amount


@pytest.fixture
def email(db: Session) -> str:
    return make_staff(db, role=Role.ADMIN)


def from_address(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver/api/v1")


async def sign_in(app, address: str, email: str, password: str) -> httpx.Response:
    async with from_address(app, address) as http:
        return await http.post("/auth/token", data={"username": email, "password": password})


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.mark.parametrize(
    ("addresses", "limit_names"),
    [
        pytest.param(1, ["login_failures_per_account_client"], id="from-one-address"),
        pytest.param(
            120,
            ["login_failures_per_account", "login_throttled_account_rate"],
            id="from-120-addresses",
        ),
    ],
)
def test_120_parallel_wrong_passwords_cost_at_most_the_allowed_number_of_password_checks(
    app, email, hasher: CountingHasher, settings: Settings, addresses, limit_names, clock
):
    budget = sum(allowed(getattr(settings, name)) for name in limit_names)
    attempts = 120
    answered = 0
    hasher.gate = threading.Event()

    def all_in_or_too_many() -> bool:
        return hasher.checks + answered >= attempts or hasher.checks > budget

    def open_gate_when_every_attempt_is_checked_or_answered() -> None:
        # Checks wait at the gate, so none finishes (and is counted as a failure, as the
        # old code did) before every other attempt has been let through or refused.
        with hasher.condition:
            hasher.condition.wait_for(all_in_or_too_many, timeout=90)
        hasher.gate.set()

    async def attempt(number: int) -> httpx.Response:
        nonlocal answered
        response = await sign_in(app, f"10.0.{number % addresses}.1", email, "wrong password")
        with hasher.condition:
            answered += 1
            hasher.condition.notify_all()
        return response

    async def flood() -> list[httpx.Response]:
        return await asyncio.gather(*(attempt(n) for n in range(attempts)))

    opener = threading.Thread(target=open_gate_when_every_attempt_is_checked_or_answered)
    opener.start()
    responses = run(flood())
    opener.join()
    statuses = Counter(r.status_code for r in responses)
    assert hasher.checks <= budget, statuses
    assert statuses == {401: hasher.checks, 429: attempts - hasher.checks}
    assert all(int(r.headers["Retry-After"]) > 0 for r in responses if r.status_code == 429)


def test_after_a_flood_from_one_address_the_real_user_signs_in_from_another(
    app, email, hasher: CountingHasher
):
    async def flood():
        return await asyncio.gather(
            *(sign_in(app, ATTACKER, email, "wrong password") for _ in range(120))
        )

    run(flood())
    assert run(sign_in(app, OFFICE, email, PASSWORD)).status_code == 200
    # The attacker's address stays locked out, even with the right password.
    assert_problem(run(sign_in(app, ATTACKER, email, PASSWORD)), 429, mentions="failed sign-ins")


def test_the_same_address_signs_in_again_once_its_retry_after_has_passed(
    app, email, clock: Clock, settings: Settings
):
    for _ in range(allowed(settings.login_failures_per_account_client)):
        assert run(sign_in(app, OFFICE, email, "mistyped")).status_code == 401
    refused = run(sign_in(app, OFFICE, email, PASSWORD))
    assert_problem(refused, 429, mentions="from your network")
    clock.advance(int(refused.headers["Retry-After"]))
    assert run(sign_in(app, OFFICE, email, PASSWORD)).status_code == 200


def test_one_address_trying_many_accounts_is_stopped_and_others_are_not(
    app, email, hasher: CountingHasher, settings: Settings
):
    budget = allowed(settings.login_failures_per_client)

    async def spray():
        return await asyncio.gather(
            *(sign_in(app, ATTACKER, f"guess{n}@example.org", "Welkom2026!") for n in range(100))
        )

    statuses = Counter(r.status_code for r in run(spray()))
    assert statuses == {401: budget, 429: 100 - budget}
    assert hasher.checks == budget
    assert run(sign_in(app, OFFICE, email, PASSWORD)).status_code == 200


def test_an_account_guessed_from_many_addresses_is_slowed_down_not_locked(
    app, db: Session, email, clock: Clock, settings: Settings
):
    known = "192.0.2.7"
    assert run(sign_in(app, known, email, PASSWORD)).status_code == 200
    guesses = allowed(settings.login_failures_per_account) - 1  # the sign-in above counts too
    for number in range(guesses):
        assert run(sign_in(app, f"10.1.{number}.1", email, "wrong")).status_code == 401

    first = run(sign_in(app, "10.2.0.1", email, "wrong"))
    assert first.status_code == 401  # over the account's limit: one check per few seconds
    refused = run(sign_in(app, OFFICE, email, PASSWORD))
    assert_problem(refused, 429, mentions="slowed down")
    throttle = parse(settings.login_throttled_account_rate)
    # a hit is forgotten between one period and one period plus a bucket after it
    assert 0 < int(refused.headers["Retry-After"]) <= throttle.get_expiry() + 1

    # An address that signed in to this account before is not slowed down at all ...
    assert run(sign_in(app, known, email, PASSWORD)).status_code == 200
    # ... and the real user on a new address gets in after a few seconds, not 15 minutes.
    clock.advance(int(refused.headers["Retry-After"]))
    assert run(sign_in(app, OFFICE, email, PASSWORD)).status_code == 200


def test_a_right_password_clears_the_mistakes_of_that_address(app, email, settings: Settings):
    for _ in range(allowed(settings.login_failures_per_account_client) - 1):
        assert run(sign_in(app, OFFICE, email, "mistyped")).status_code == 401
    assert run(sign_in(app, OFFICE, email, PASSWORD)).status_code == 200
    for _ in range(allowed(settings.login_failures_per_account_client) - 1):
        assert run(sign_in(app, OFFICE, email, "mistyped")).status_code == 401
    assert run(sign_in(app, OFFICE, email, PASSWORD)).status_code == 200
