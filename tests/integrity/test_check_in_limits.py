"""One client can't flood a session or lock out residents on other networks; guessing codes
is limited per client; no address is stored."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from api.core.config import Settings
from api.sessions.networks import client_key, network_hash, network_prefix
from tests.helpers import assert_problem, bearer
from tests.integrity.conftest import Clients
from tests.support.places import Place

FLOODER = "203.0.113.9"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Limits counted per hour, so that no minute boundary during a test changes the count;
    the session's limit so small that a flood within it would use it all up."""
    return settings.model_copy(
        update={
            "check_ins_per_client_limit": "40/hour",
            "check_ins_per_session_limit": "70/hour",
            "unknown_join_codes_limit": "20/hour",
        }
    )


def check_in_and_vote(client: TestClient, place: Place, ranking: list[int]) -> tuple[int, int]:
    """Status of the check-in and (if it got in) of the ballot."""
    checked_in = client.post("/check-ins", json={"joinCode": place.join_code})
    if checked_in.status_code != 201:
        return checked_in.status_code, 0
    token = checked_in.json()["participantToken"]
    voted = client.put(
        f"/sessions/{place.session_id}/ballot", json={"ranking": ranking}, headers=bearer(token)
    )
    return 201, voted.status_code


def test_a_flood_from_one_client_is_limited_and_flagged_while_20_residents_elsewhere_all_vote(
    clients: Clients, tilburg: Place, admin: dict[str, str]
):
    flooder = clients.at(FLOODER)
    flood_statuses, resident_statuses = [], []
    for attempt in range(200):
        flood_statuses.append(check_in_and_vote(flooder, tilburg, tilburg.priority_ids[:1]))
        if attempt % 10 == 5:  # a resident on their own network arrives amid the flood
            resident = clients.at(f"10.{len(resident_statuses)}.7.21")
            resident_statuses.append(check_in_and_vote(resident, tilburg, tilburg.priority_ids[1:3]))  # fmt: skip
    assert resident_statuses == [(201, 200)] * 20
    flood_in = [s for s in flood_statuses if s == (201, 200)]
    assert len(flood_in) == 40  # its own limit, not the session's 70
    assert {s for s in flood_statuses if s not in flood_in} == {(429, 0)}

    limited = flooder.post("/check-ins", json={"joinCode": tilburg.join_code})
    assert_problem(limited, 429, mentions="your network")
    assert int(limited.headers["Retry-After"]) >= 1

    signals = flooder.get(f"/sessions/{tilburg.session_id}/integrity", headers=admin)
    assert signals.status_code == 200, signals.text
    body = signals.json()
    assert body["checkIns"] == 60
    assert body["ballots"] == 60
    assert body["refusedCheckIns"] == 161
    assert body["largestNetworkShare"] == "50to75"  # 40 of 60 from one network
    assert {"refusedCheckIns", "oneNetworkHasMost", "presenceNotVerified"} <= set(body["flags"])
    assert body["presenceVerified"] is False
    busiest = max(body["minutes"], key=lambda m: m["fromLargestNetwork"])
    assert busiest["largestNetwork"] == body["largestNetwork"]
    # Every refusal in its minute (the flood may cross a minute's end: its busiest minute of
    # check-ins let in need not be the one its refusals began in).
    assert sum(m["refused"] for m in body["minutes"]) == 161


def test_guessing_join_codes_is_limited_per_client_and_another_client_is_unaffected(
    clients: Clients, tilburg: Place
):
    guesser = clients.at("198.51.100.4")
    guesses = [guesser.post("/check-ins", json={"joinCode": f"ZZZ{n:03d}"}) for n in range(25)]
    assert [g.status_code for g in guesses] == [404] * 20 + [429] * 5
    assert_problem(guesses[-1], 429, mentions="unknown codes")
    assert int(guesses[-1].headers["Retry-After"]) >= 1
    # found a real code now: still waiting, like every other guess
    assert_problem(guesser.post("/check-ins", json={"joinCode": tilburg.join_code}), 429)

    neighbour = clients.at("192.0.2.50")
    assert neighbour.post("/check-ins", json={"joinCode": "ZZZ999"}).status_code == 404
    assert neighbour.post("/check-ins", json={"joinCode": tilburg.join_code}).status_code == 201


def test_one_ipv6_subscriber_is_one_client_whatever_address_of_its_64_it_uses(
    clients: Clients, tilburg: Place
):
    guesses = [
        clients.at(f"2001:db8:5:7::{n:x}").post("/check-ins", json={"joinCode": f"ZZZ{n:03d}"})
        for n in range(1, 23)
    ]
    assert [g.status_code for g in guesses] == [404] * 20 + [429] * 2
    other = clients.at("2001:db8:5:8::1")
    assert other.post("/check-ins", json={"joinCode": tilburg.join_code}).status_code == 201


def test_a_check_in_stores_a_keyed_hash_of_its_network_never_the_address(
    clients: Clients, db: Session, tilburg: Place, den_bosch: Place
):
    host = "192.0.2.77"
    for place in (tilburg, den_bosch):
        assert clients.at(host).post("/check-ins", json={"joinCode": place.join_code}).status_code == 201  # fmt: skip
    rows = db.execute(text("SELECT session_id, network FROM participants")).all()
    db.commit()
    by_session = dict(rows)
    assert all(re.fullmatch(r"[0-9a-f]{16}", n) for n in by_session.values())
    # the same network gets another hash in another session: it can't be followed across
    assert by_session[tilburg.session_id] != by_session[den_bosch.session_id]
    dump = "\n".join(str(r) for r in db.execute(text("SELECT * FROM participants")).all())
    db.commit()
    assert "192.0.2" not in dump


def test_networks_are_ipv4_slash_24_and_ipv6_slash_64_and_clients_ipv6_slash_64():
    assert network_prefix("192.0.2.77") == "192.0.2.0/24"
    assert network_prefix("::ffff:192.0.2.77") == "192.0.2.0/24"
    assert network_prefix("2001:db8:5:7:1:2:3:4") == "2001:db8:5:7::/64"
    assert client_key("192.0.2.77") == "192.0.2.77"
    assert client_key("2001:db8:5:7:1:2:3:4") == "2001:db8:5:7::/64"
    same = network_hash("192.0.2.1", session_id=1, key="k")
    assert same == network_hash("192.0.2.200", session_id=1, key="k")
    assert same != network_hash("192.0.3.1", session_id=1, key="k")
    assert same != network_hash("192.0.2.1", session_id=1, key="another key")
