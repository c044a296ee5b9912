"""Staff sign-in under attack (issue 9, point 5): how many argon2 checks, and can the real user
still sign in?

    .venv/bin/python -m tests.bench.sign_in_attack

Against the app served by uvicorn in this process (127.0.0.1, a temporary SQLite file,
production argon2 parameters, the limits as configured by default), with the password hasher
wrapped to count every check. Requests come from different loopback addresses (127.0.0.x is
all this machine), so the service sees different clients:

1. one attacker address sends 120 wrong passwords for one staff account, all in parallel;
   while that runs, and again afterwards, the real user signs in from another address; then
   the attacker's address tries the right password;
2. 120 attacker addresses send one wrong password each for the account, in parallel; while
   that runs, and afterwards, the real user signs in from new addresses, waiting out a
   Retry-After of up to a minute when told to.

Prints, per scenario, the argon2 checks made, the answers by status, and the real user's.
"""

import asyncio
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from api.core import security
from api.core.access import Role
from api.core.config import Settings
from api.core.db import create_db_engine, open_session
from api.core.migrations import upgrade_to_head
from api.main import create_app
from tests.helpers import PASSWORD, CountingHasher, make_staff, served


def client_from(base: str, address: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(base_url=f"{base}/api/v1", transport=transport, timeout=600)


async def sign_in(base: str, address: str, email: str, password: str) -> httpx.Response:
    async with client_from(base, address) as http:
        return await http.post("/auth/token", data={"username": email, "password": password})


def show(label: str, response: httpx.Response) -> str:
    retry = response.headers.get("Retry-After")
    return f"  {label}: {response.status_code}" + (f" (Retry-After {retry} s)" if retry else "")


async def one_attacker(base: str, email: str, hasher: CountingHasher) -> None:
    attacker, office = "127.0.0.2", "127.0.0.3"
    started = time.perf_counter()

    async def real_user_during() -> httpx.Response:
        await asyncio.sleep(0.2)  # once the flood is under way
        return await sign_in(base, office, email, PASSWORD)

    async with client_from(base, attacker) as http:
        flood = [
            http.post("/auth/token", data={"username": email, "password": f"guess {n}"})
            for n in range(120)
        ]
        *answers, during = await asyncio.gather(*flood, real_user_during())
    elapsed = time.perf_counter() - started
    checks = hasher.checks
    print("1. 120 parallel wrong passwords from one address")
    print(f"  argon2 checks, the real user's included: {checks}  (attackers' answers: {dict(Counter(a.status_code for a in answers))}"
          f", {elapsed:.1f} s)")  # fmt: skip
    print(show("real user, other address, during the flood", during))
    print(
        show(
            "real user, other address, after the flood",
            await sign_in(base, office, email, PASSWORD),
        )
    )  # noqa: E501
    print(
        show(
            "right password from the attacker's address",
            await sign_in(base, attacker, email, PASSWORD),
        )
    )  # noqa: E501


async def real_user_retrying(base: str, address: str, email: str, label: str) -> list[str]:
    """Sign in; on a 429 with a Retry-After of at most a minute, wait it out and try again."""
    lines, waited = [], 0.0
    response = await sign_in(base, address, email, PASSWORD)
    lines.append(show(label, response))
    for _ in range(10):
        if response.status_code != 429:
            break
        pause = int(response.headers["Retry-After"])
        if pause > 60:
            lines.append(f"  (not waiting {pause} s)")
            break
        await asyncio.sleep(pause)
        waited += pause
        response = await sign_in(base, address, email, PASSWORD)
        lines.append(show(f"{label}, after waiting {waited:g} s in all", response))
    return lines


async def many_attackers(base: str, email: str, hasher: CountingHasher) -> None:
    before = hasher.checks
    started = time.perf_counter()

    async def real_user_during() -> list[str]:
        await asyncio.sleep(0.2)  # once the flood is under way
        return await real_user_retrying(base, "127.0.0.4", email, "real user, new address")

    *answers, during = await asyncio.gather(
        *(sign_in(base, f"127.0.1.{n + 1}", email, f"guess {n}") for n in range(120)),
        real_user_during(),
    )
    elapsed = time.perf_counter() - started
    print("2. 120 parallel wrong passwords from 120 addresses, the real user signing in meanwhile")
    print(f"  argon2 checks, the real user's included: {hasher.checks - before}  (attackers' "
          f"answers: {dict(Counter(a.status_code for a in answers))}, {elapsed:.1f} s)")  # fmt: skip
    print("\n".join(during))
    for line in await real_user_retrying(
        base, "127.0.0.5", email, "real user, another address, after"
    ):  # noqa: E501
        print(line)


def main() -> int:
    hasher = CountingHasher(security._password_hash)
    security._password_hash = hasher  # production parameters, counted
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade_to_head(url)
        engine = create_db_engine(url)
        with open_session(engine) as db:
            email = make_staff(db, role=Role.ADMIN)
        for scenario in (one_attacker, many_attackers):
            settings = Settings(
                database_url=url,
                secret_key=secrets.token_urlsafe(48),
                data_dir=Path(tmp),
                public_url="http://testserver",
                results_refresh_seconds=0,
            )
            app = create_app(settings, engine=engine)  # a fresh app: fresh limits
            with served(app) as base:
                asyncio.run(scenario(base, email, hasher))
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
