"""GET /dialogues/{id}/pledges/summary: totals by kind and priority, small groups hidden, no text."""

from collections import defaultdict
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from api.pledges.models import PledgeKind
from tests.results.conftest import (
    RUNNING_GROUP_BYS,
    TruthBallot,
    World,
    assert_small_groups_protected,
)

KINDS = [kind.value for kind in PledgeKind]
SECRET_TEXT = "Ik help op woensdag in de moestuin achter nummer 12"
SECRET_CONTACT = "jan.de.vries@example.org"


@pytest.fixture
def pledged(empty_world: World):
    """70 pledgers (50 who also voted, 20 who did not), 1–3 pledges each."""
    world = empty_world
    voters = world.cast_random(60)
    rng = world.rng
    pledgers = rng.sample(voters, 50)
    for n in range(20):
        pledgers.append(world.new_participant(world.session_ids[n % len(world.session_ids)]))
    sessions_of = {p: b.session_id for p, b in world.ballots.items()}
    sessions_of.update({p: world.session_ids[n % 4] for n, p in enumerate(pledgers[50:])})
    pledges = []
    for number, participant in enumerate(pledgers):
        for _ in range(rng.randint(1, 3)):
            body = {"kind": rng.choice(KINDS), "text": f"{SECRET_TEXT} ({number})"}
            if rng.random() < 0.7:
                body["priorityId"] = rng.choice(world.priority_ids)
            if rng.random() < 0.6:
                body["hoursPerMonth"] = str(Decimal(rng.randint(1, 80)) / 2)
            if rng.random() < 0.3:
                body |= {"contact": SECRET_CONTACT, "contactConsent": True}
            pledges.append((participant, body))
    world.pledge(pledges)
    world.refresh()
    return world, pledges, sessions_of


def member(world: World, participant: str, sessions_of: dict[str, int]) -> TruthBallot:
    """Where a pledger belongs: their ballot's place and band, if they voted."""
    ballot = world.ballots.get(participant)
    return ballot or TruthBallot(sessions_of[participant], (), None, None)


def expected_summary(world: World, pledges, sessions_of, group_by: str):
    pledgers: dict[str, set[str]] = defaultdict(set)
    totals: dict[str, list] = defaultdict(lambda: [0, Decimal(0)])
    by_kind: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, Decimal(0)]))
    by_priority: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0, Decimal(0)]))
    for participant, body in pledges:
        hours = Decimal(body.get("hoursPerMonth", "0"))
        where = member(world, participant, sessions_of)
        # A pledge with contact details is a contact offer, tied to no one: the dialogue's
        # totals count it as a pledge, no group does, and it makes no one a pledger.
        offer = "contact" in body
        groups = [] if offer else world.keys_of(where, group_by)
        for key in ["dialogue", *groups]:
            if not offer:
                pledgers[key].add(participant)
            for tally in (
                totals[key],
                by_kind[key][body["kind"]],
                *([by_priority[key][str(body["priorityId"])]] if "priorityId" in body else []),
            ):
                tally[0] += 1
                tally[1] += hours
    return pledgers, totals, by_kind, by_priority


def as_public(tally) -> dict:
    return {"pledges": tally[0], "hoursPerMonth": float(tally[1])}


def test_pledge_totals_by_kind_and_priority_per_group_with_small_groups_hidden(
    client: TestClient, analyst, pledged
):
    for group_by in RUNNING_GROUP_BYS:
        assert_pledge_summary_is_right(client, analyst, *pledged, group_by)


def assert_pledge_summary_is_right(client, analyst, world, pledges, sessions_of, group_by):
    response = client.get(
        f"/dialogues/{world.dialogue_id}/pledges/summary",
        params={"groupBy": group_by.value},
        headers=analyst,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["groupBy"] == group_by.value and body["minGroupSize"] == 10
    pledgers, totals, by_kind, by_priority = expected_summary(world, pledges, sessions_of, group_by)
    groups = {g["key"]: g for g in body["groups"]}
    assert set(groups) == set(pledgers)
    shown = 0
    for key, group in groups.items():
        if group["suppressed"]:
            assert [group.get(f) for f in ("pledgers", "totals", "byKind", "byPriority")] == [
                None
            ] * 4
            continue
        shown += 1
        assert group["pledgers"] == len(pledgers[key]) >= 10
        assert group["totals"] == as_public(totals[key])
        assert group["byKind"] == {kind: as_public(t) for kind, t in by_kind[key].items()}
        assert group["byPriority"] == {p: as_public(t) for p, t in by_priority[key].items()}
    assert shown >= 1
    assert_small_groups_protected(
        {key: g["suppressed"] for key, g in groups.items()},
        [member(world, p, sessions_of) for p in {p for p, b in pledges if "contact" not in b}],
        world,
        group_by,
        min_group_size=10,
        where=group_by,
    )


def test_the_pledge_summary_holds_no_text_or_contact_details(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    voters = world.cast_random(24)
    world.pledge(
        (p, {"kind": KINDS[n % 3], "text": f"{SECRET_TEXT} ({n})", "priorityId": world.priority_ids[0],
             "hoursPerMonth": "2.5"} | ({"contact": SECRET_CONTACT, "contactConsent": True} if n % 2 else {}))
        for n, p in enumerate(voters)
    )  # fmt: skip
    world.refresh()
    for group_by in RUNNING_GROUP_BYS:
        response = client.get(
            f"/dialogues/{world.dialogue_id}/pledges/summary",
            params={"groupBy": group_by.value},
            headers=analyst,
        )
        assert response.status_code == 200
        assert any(not g["suppressed"] for g in response.json()["groups"])
        assert SECRET_TEXT not in response.text and "moestuin" not in response.text
        assert SECRET_CONTACT not in response.text and "@" not in response.text
        assert '"text"' not in response.text and '"contact' not in response.text


def test_a_dialogue_with_few_pledgers_shows_only_that_they_are_suppressed(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    voters = world.cast_random(9)
    world.pledge((p, {"kind": "time", "hoursPerMonth": "4"}) for p in voters)
    world.refresh()
    for group_by in RUNNING_GROUP_BYS:
        body = client.get(
            f"/dialogues/{world.dialogue_id}/pledges/summary",
            params={"groupBy": group_by.value},
            headers=analyst,
        ).json()
        assert body["groups"] and all(g["suppressed"] for g in body["groups"]), group_by
        assert all(g.get("totals") is None for g in body["groups"])


def test_contact_offers_join_the_dialogues_totals_ten_at_a_time(
    client: TestClient, analyst, empty_world: World
):
    world = empty_world
    voters = world.cast_random(32)
    world.pledge((p, {"kind": "time", "hoursPerMonth": "2"}) for p in voters[:12])
    world.refresh()

    def whole() -> dict:
        body = client.get(f"/dialogues/{world.dialogue_id}/pledges/summary", headers=analyst).json()
        return next(g for g in body["groups"] if g["key"] == "dialogue")

    assert (whole()["pledgers"], whole()["totals"]["pledges"]) == (12, 12)
    offer = {"kind": "skill", "contact": SECRET_CONTACT, "contactConsent": True}
    world.pledge((p, offer) for p in voters[12:15])
    world.refresh()
    assert whole()["totals"] == {"pledges": 12, "hoursPerMonth": 24.0}  # three would show
    world.pledge((p, offer) for p in voters[15:22])
    world.refresh()
    counted = whole()
    assert counted["totals"]["pledges"] == 22 and counted["pledgers"] == 12
    assert counted["byKind"]["skill"]["pledges"] == 10
