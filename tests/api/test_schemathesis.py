"""Schemathesis against every operation of the OpenAPI document: no input is a server error.

Each operation is fed cases that fit its schema and cases that don't, once with path
parameters generated freely and once pinned to a real municipality, dialogue, session and
staff account (so that bodies and queries get past the 404 and reach the services). The run
is derandomised and bounded: a fixed, small number of examples per operation, no shrinking,
no deadline, and every server error is collected rather than stopping at the first, so the
report lists each kind that was found. The cases are drawn once per module and sent by each
test (each role, each database): drawing them cost more than sending them.
"""

import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from sqlmodel import Session

from api.core.access import Role
from tests.helpers import bearer, login, make_staff
from tests.support.places import Place

# any input a database may refuse in its own way is still no 500
pytestmark = pytest.mark.both_databases

# Examples per operation, mode and path (4 strategies per operation with a path parameter);
# WG_FUZZ_EXAMPLES raises it for a longer hunt, outside CI.
EXAMPLES_PER_STRATEGY = int(os.environ.get("WG_FUZZ_EXAMPLES", "10"))
# PATCH runs last: a session closed or an account changed early would turn the rest into 409s
# and 401s, and hide what those operations do with their input.
_LAST = ("PATCH",)
# The live feed sends its status at once, then again each fallback interval (2 s), without end:
# three events take it through its loop once (status, results, status). A stream is otherwise
# read up to 20 events or the 10 s timeout, the same room read again each time, on the clock.
LIVE_EVENTS = 3


@dataclass
class ServerErrors:
    """Every 5xx answer of a run: how many per operation, and one example each."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def record(self, case: Any, kind: str) -> None:
        label = case.operation.label
        self.counts[(label, kind)] += 1
        self.examples.setdefault(f"{label} ({kind})", case.as_curl_command())

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def report(self) -> str:
        lines = [f"{n} × {label}: {kind}" for (label, kind), n in self.counts.most_common()]
        lines += ["", "Reproduce:"] + [f"  {k}: {v}" for k, v in self.examples.items()]
        return "\n".join(lines)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _kind(error: BaseException | None) -> str:
    cause = getattr(error, "orig", None) or error
    first_line = next(iter(str(cause).splitlines()), "")[:80]
    return f"{type(error).__name__}: {type(cause).__name__}: {first_line}"


def _pinned_path(operation: Any, place: Place, user_id: int) -> dict[str, Any]:
    path = operation.path
    ids = {
        "/dialogues/": place.dialogue_id,
        "/sessions/": place.session_id,
        "/users/": user_id,
        "/venues/": place.venue_id,
        "/pledges/": "0b1c3d6e-2f4a-4b8c-9d0e-1f2a3b4c5d6e",  # a follow-up id no pledge has
        "/ideas/": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",  # an id no idea has
        "/regions/": 1,  # no region exists: every path under it is a 404 or another 4xx
        "/agenda-items/": 1,  # the admin's run puts it on the agenda first
    }
    pinned: dict[str, Any] = {}
    if "{cbsCode}" in path:
        pinned["cbsCode"] = place.code
    if "{id}" in path:
        pinned["id"] = next(v for prefix, v in ids.items() if path.startswith(prefix))
    if "{userId}" in path:
        pinned["userId"] = user_id
    return pinned


# The cases of each operation and path pins, generated once and sent by every test of the module
# (both roles, both databases): generation is derandomised and takes nothing from the answers, so
# each test drew these same cases itself before, and drawing them was most of its time.
_CASES: dict[tuple[str, str], list[Any]] = {}


def _cases(operation: Any, pinned: dict[str, Any]) -> list[Any]:
    """The operation's cases: positive and negative, with free and (if any) pinned paths."""
    key = (operation.label, repr(sorted(pinned.items())))
    if key not in _CASES:
        cases: list[Any] = []
        for path in [None, pinned] if pinned else [None]:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @settings(
                    max_examples=EXAMPLES_PER_STRATEGY,
                    derandomize=True,
                    deadline=None,
                    database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
                def collect(case: Any) -> None:
                    cases.append(case)

                try:
                    collect()
                except Unsatisfiable:  # nothing to get wrong (a negative case of GET /themes)
                    continue
        _CASES[key] = cases
    return _CASES[key]


def run_schemathesis(app: Any, headers: dict[str, str], place: Place, user_id: int) -> ServerErrors:
    """Every operation, positive and negative, free and pinned; the 5xx answers found."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    schema.config.max_stream_events = LIVE_EVENTS
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: op.method.upper() in _LAST,
    )
    found = ServerErrors()
    collector = _Collector()
    logger = logging.getLogger("welvaartgesprek")
    logger.addHandler(collector)
    try:
        for operation in operations:
            for case in _cases(operation, _pinned_path(operation, place, user_id)):
                collector.records.clear()
                try:
                    response = case.call(app=app, headers=headers, timeout=10)
                except Exception as crash:  # the app answered 500, then re-raised it here
                    found.record(case, _kind(crash))
                    continue
                if response.status_code >= 500:
                    logged = [r.exc_info[1] for r in collector.records if r.exc_info]
                    kind = _kind(logged[-1]) if logged else f"{response.status_code}"
                    found.record(case, f"{response.status_code} {kind}")
    finally:
        logger.removeHandler(collector)
    print(f"schemathesis: {found.total} server errors", found.report() if found.total else "")
    return found


@pytest.fixture
def pinned_user(db: Session) -> int:
    """A facilitator the PATCH /users/{id} cases may change (not the admin running them)."""
    from api.staff import service as staff

    make_staff(db, role=Role.FACILITATOR, municipalities=["GM0855"])
    return max(user.id for user in staff.list_users(db))


@pytest.mark.timeout(max(240, 20 * EXAMPLES_PER_STRATEGY))
def test_schemathesis_as_admin_finds_no_server_error(
    app: Any, client: TestClient, db: Session, tilburg: Place, pinned_user: int
) -> None:
    admin = login(client, make_staff(db, role=Role.ADMIN, email="fuzz-admin@example.org"))
    item = {"title": "Schaduw", "priorityIds": tilburg.priority_ids[:1], "horizon": "short"}
    added = client.post(f"/dialogues/{tilburg.dialogue_id}/agenda", json=item, headers=admin)
    assert added.json()["id"] == 1, added.text
    found = run_schemathesis(app, admin, tilburg, pinned_user)
    assert found.total == 0, found.report()


@pytest.mark.timeout(max(240, 20 * EXAMPLES_PER_STRATEGY))
def test_schemathesis_as_participant_finds_no_server_error(
    app: Any, client: TestClient, tilburg: Place, pinned_user: int
) -> None:
    response = client.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert response.status_code == 201, response.text
    participant = bearer(response.json()["participantToken"])
    found = run_schemathesis(app, participant, tilburg, pinned_user)
    assert found.total == 0, found.report()
