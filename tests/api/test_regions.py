"""Regions: consent per member, regional dialogues run by each member at its own venues, and
a regional analyst who reads per-municipality figures, never finer, never raw."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.audit.models import AuditEvent
from api.core.access import Role
from tests.api.regions_world import (  # noqa: F401 (the fixture)
    Region,
    import_region,
    plan_session,
    region_fixture,
)
from tests.helpers import assert_problem, login, make_staff, staff_headers

# Regional releases go through the results store, which runs per dialect.
pytestmark = pytest.mark.both_databases

CLOSE = {"rel": 1e-9, "abs": 1e-12}


def regional_results(client: TestClient, region: Region, **params):
    return client.get(
        f"/regions/{region.id}/results",
        params={"dialogueId": region.dialogue_id, **params},
        headers=region.analyst,
    )


def groups_by_key(body: dict) -> dict[str, dict]:
    return {group["key"]: group for group in body["groups"]}


def assert_matches_reference(group: dict, reference, priority_ids: list[int]) -> None:
    assert not group["suppressed"]
    ids = sorted(priority_ids)
    by_id = {p["id"]: p for p in group["priorities"]}
    for index, expected in enumerate(reference):
        got = by_id[ids[index]]
        assert got["score"] == pytest.approx(float(expected.score), **CLOSE)
        assert got["firstChoiceShare"] == pytest.approx(float(expected.first_choice_share), **CLOSE)
        assert got["topThreeShare"] == pytest.approx(float(expected.top_three_share), **CLOSE)
        assert got["meanRank"] == pytest.approx(float(expected.mean_rank), **CLOSE)
        assert got["schulzeRank"] == expected.schulze_rank


# ------------------------------------------------------------------ creating and consenting


def test_a_region_from_the_cbs_area_file_invites_the_areas_municipalities_in_the_product(
    client, db, tilburg, den_bosch, admin
):
    response = import_region(client, admin)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["cbsCode"], body["name"]) == (
        "corop",
        "CR35",
        "Midden-Noord-Brabant",
    )
    # Goirle is in CR35 but not in the product; Utrecht is in another COROP area.
    assert [(m["municipality"], m["status"]) for m in body["members"]] == [
        ("GM0796", "invited"),
        ("GM0855", "invited"),
    ]


def test_an_own_grouping_lists_its_municipalities_as_invited(client, tilburg, den_bosch, admin):
    response = client.post(
        "/regions",
        json={"name": "Hart van Brabant", "municipalities": ["GM0855", "GM0796"]},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    assert {m["status"] for m in response.json()["members"]} == {"invited"}
    assert response.json()["kind"] == "own"


def test_a_member_joins_and_leaves_only_for_its_own_municipality(
    client, db, tilburg, den_bosch, admin
):
    region_id = import_region(client, admin).json()["id"]
    tilburg_coordinator = staff_headers(
        client, db, role=Role.COORDINATOR, municipalities=["GM0855"]
    )
    assert_problem(
        client.put(f"/regions/{region_id}/members/GM0796", headers=tilburg_coordinator), 404
    )
    joined = client.put(f"/regions/{region_id}/members/GM0855", headers=tilburg_coordinator)
    assert joined.status_code == 200, joined.text
    status = {m["municipality"]: m["status"] for m in joined.json()["members"]}
    assert status == {"GM0855": "joined", "GM0796": "invited"}
    left = client.delete(f"/regions/{region_id}/members/GM0855", headers=tilburg_coordinator)
    assert left.status_code == 204
    after = client.get(f"/regions/{region_id}", headers=tilburg_coordinator).json()
    assert {m["municipality"]: m["status"] for m in after["members"]}["GM0855"] == "left"


def test_joining_and_leaving_are_audited_once_each_naming_the_municipality(
    client, db, tilburg, den_bosch, admin
):
    region_id = import_region(client, admin).json()["id"]
    coordinator = staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])
    for method in ("put", "put", "delete", "delete"):  # the second of each changes nothing
        response = getattr(client, method)(
            f"/regions/{region_id}/members/GM0855", headers=coordinator
        )
        assert response.status_code in (200, 204), response.text
    query = (
        select(AuditEvent)
        .where(AuditEvent.action.in_(["region.joined", "region.left"]))
        .order_by(AuditEvent.id)
    )
    audited = [(e.action, e.object_type, e.object_id, e.detail) for e in db.exec(query).scalars()]
    db.commit()
    assert audited == [
        ("region.joined", "region", str(region_id), {"municipality": "GM0855"}),
        ("region.left", "region", str(region_id), {"municipality": "GM0855"}),
    ]


# ------------------------------------------------------------------ what a regional analyst reads


def test_a_regional_analyst_sees_both_members_aggregates_equal_to_the_reference_tally(
    client, db, region
):
    region.cast("GM0855", 12)
    region.cast("GM0796", 11)
    region.refresh()
    response = regional_results(client, region)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["groupBy"] == "municipality"
    groups = groups_by_key(body)
    assert list(groups) == ["dialogue", "GM0796", "GM0855"]
    assert groups["GM0855"]["label"] == "Tilburg" and groups["GM0855"]["kind"] == "municipality"
    assert (groups["GM0855"]["ballots"], groups["GM0796"]["ballots"]) == (12, 11)
    everyone = region.ballots["GM0855"] + region.ballots["GM0796"]
    assert groups["dialogue"]["ballots"] == 23
    assert_matches_reference(
        groups["dialogue"], region.reference(everyone), region.tilburg.priority_ids
    )
    for code in ("GM0855", "GM0796"):
        reference = region.reference(region.ballots[code])
        assert_matches_reference(groups[code], reference, region.tilburg.priority_ids)
    whole = regional_results(client, region, groupBy="dialogue").json()
    assert [g["key"] for g in whole["groups"]] == ["dialogue"]
    # The lead's own analyst reads the same release through the dialogue's results.
    lead_analyst = staff_headers(client, db, role=Role.ANALYST, municipalities=["GM0855"])
    same = client.get(
        f"/dialogues/{region.dialogue_id}/results", params={"groupBy": "municipality"},
        headers=lead_analyst,
    )  # fmt: skip
    assert same.status_code == 200 and same.json()["groups"] == body["groups"]


def test_a_regional_analyst_gets_a_404_on_each_members_own_dialogue_details_and_results(
    client, region
):
    for place in (region.tilburg, region.den_bosch):
        for path in (
            f"/dialogues/{place.dialogue_id}",
            f"/dialogues/{place.dialogue_id}/results",
            f"/dialogues/{place.dialogue_id}/pledges/summary",
            f"/municipalities/{place.code}/trends",
        ):
            assert_problem(client.get(path, headers=region.analyst), 404)
    # Den Bosch's own dialogue is not regional: not through the region either.
    response = client.get(
        f"/regions/{region.id}/results",
        params={"dialogueId": region.den_bosch.dialogue_id},
        headers=region.analyst,
    )
    assert_problem(response, 404)
    assert client.get("/dialogues", headers=region.analyst).json() == []


def test_a_regional_analyst_reads_no_finer_breakdown_and_no_raw_data(client, region):
    for group_by in ("session", "neighbourhood", "ageBand", "venueKind"):
        assert_problem(regional_results(client, region, groupBy=group_by), 400)
    for path in (
        f"/sessions/{region.session_of['GM0796']}",
        f"/sessions/{region.session_of['GM0796']}/assisted-ballots",
        f"/dialogues/{region.dialogue_id}/sessions",
    ):
        assert client.get(path, headers=region.analyst).status_code in (403, 404)


def test_a_member_with_fewer_than_min_group_size_ballots_is_suppressed_and_not_derivable(
    client, db, region
):
    region.cast("GM0855", 14)
    region.cast("GM0796", 3)
    region.refresh()
    body = regional_results(client, region).json()
    groups = groups_by_key(body)
    assert groups["GM0796"]["suppressed"] and groups["GM0796"]["ballots"] is None
    total = groups["dialogue"]["ballots"]
    assert total is not None  # the regional aggregate is readable
    shown = sum(g["ballots"] for k, g in groups.items() if k != "dialogue" and not g["suppressed"])
    assert total - shown == 0 or total - shown >= body["minGroupSize"]
    assert body["unshownBallots"] == total - shown
    # Nor from the lead's view by session: the same release, the same rule.
    lead = login(client, make_staff(db, role=Role.ANALYST, municipalities=["GM0855"]))
    sessions_view = client.get(
        f"/dialogues/{region.dialogue_id}/results", params={"groupBy": "session"}, headers=lead
    ).json()
    small = groups_by_key(sessions_view)[str(region.session_of["GM0796"])]
    assert small["suppressed"]


def test_the_largest_min_group_size_among_the_members_involved_applies(client, region):
    region.set_min_group_size("GM0796", 15)
    region.cast("GM0855", 12)
    region.cast("GM0796", 12)
    region.refresh()
    body = regional_results(client, region).json()
    assert body["minGroupSize"] == 15
    groups = groups_by_key(body)
    # Tilburg's 12 would be enough under its own minimum of 10, not under Den Bosch's 15.
    assert groups["GM0855"]["suppressed"] and groups["GM0796"]["suppressed"]
    assert groups["dialogue"]["ballots"] == 24


# ------------------------------------------------------------------ running regional sessions


def test_a_member_runs_sessions_of_the_regional_dialogue_at_its_own_venues_only(client, region):
    den_bosch = region.facilitators["GM0796"]
    listed = client.get(f"/dialogues/{region.dialogue_id}/sessions", headers=den_bosch)
    assert [s["id"] for s in listed.json()] == [region.session_of["GM0796"]]
    assert_problem(client.get(f"/sessions/{region.session_of['GM0855']}", headers=den_bosch), 404)
    assert (
        client.get(f"/sessions/{region.session_of['GM0796']}", headers=den_bosch).status_code == 200
    )
    at_tilburg = plan_session(
        client, den_bosch, dialogue_id=region.dialogue_id, venue_id=region.tilburg.venue_id
    )
    assert_problem(at_tilburg, 400, mentions="venueId")
    # The lead sees every session of its dialogue; Den Bosch's own dialogue stays its own.
    lead = client.get(
        f"/dialogues/{region.dialogue_id}/sessions", headers=region.facilitators["GM0855"]
    )
    assert sorted(s["id"] for s in lead.json()) == sorted(region.session_of.values())
    assert_problem(
        client.get(
            f"/dialogues/{region.den_bosch.dialogue_id}", headers=region.facilitators["GM0855"]
        ),
        404,
    )


def test_a_non_regional_dialogue_keeps_its_sessions_in_its_own_municipality(client, region):
    response = plan_session(
        client, region.facilitators["GM0796"], dialogue_id=region.den_bosch.dialogue_id,
        venue_id=region.tilburg.venue_id,
    )  # fmt: skip
    assert_problem(response, 400)
    assert_problem(
        plan_session(
            client,
            region.facilitators["GM0855"],
            dialogue_id=region.den_bosch.dialogue_id,
            venue_id=region.tilburg.venue_id,
        ),  # fmt: skip
        404,
    )


# ------------------------------------------------------------------ leaving


def test_leaving_closes_the_sessions_across_the_border_and_stops_new_ones(client, region):
    region.cast("GM0855", 11)
    region.cast("GM0796", 10)
    region.refresh()
    before = groups_by_key(regional_results(client, region).json())
    left = client.delete(
        f"/regions/{region.id}/members/GM0796", headers=region.coordinators["GM0796"]
    )
    assert left.status_code == 204
    crossing = client.get(
        f"/sessions/{region.session_of['GM0796']}", headers=region.coordinators["GM0855"]
    ).json()
    assert crossing["status"] == "closed" and crossing["closedAt"]
    # The session at Tilburg's own venue goes on.
    own = client.get(
        f"/sessions/{region.session_of['GM0855']}", headers=region.coordinators["GM0855"]
    )
    assert own.json()["status"] == "open"
    # No ballot can be cast at Den Bosch's venue for the region any more.
    check_in = client.post("/check-ins", json={"joinCode": crossing["joinCode"]})
    assert_problem(check_in, 409)
    # Den Bosch's staff lose the regional dialogue; no new session at its venues.
    den_bosch = region.facilitators["GM0796"]
    assert_problem(client.get(f"/sessions/{region.session_of['GM0796']}", headers=den_bosch), 404)
    assert_problem(
        plan_session(
            client, den_bosch, dialogue_id=region.dialogue_id, venue_id=region.den_bosch.venue_id
        ),
        404,
    )
    assert_problem(
        plan_session(
            client,
            region.facilitators["GM0855"],
            dialogue_id=region.dialogue_id,
            venue_id=region.den_bosch.venue_id,
        ),  # fmt: skip
        400,
    )
    # What was released before the moment stays, and no longer moves.
    region.refresh()
    after = groups_by_key(regional_results(client, region).json())
    assert after["GM0796"] == before["GM0796"]


def test_when_the_lead_leaves_the_region_sees_nothing_of_its_dialogue(client, region):
    region.cast("GM0855", 11)
    region.refresh()
    assert regional_results(client, region).status_code == 200
    left = client.delete(
        f"/regions/{region.id}/members/GM0855", headers=region.coordinators["GM0855"]
    )
    assert left.status_code == 204
    assert_problem(regional_results(client, region), 404)
    assert client.get(f"/regions/{region.id}/dialogues", headers=region.analyst).json() == []
    crossing = client.get(
        f"/sessions/{region.session_of['GM0796']}", headers=region.coordinators["GM0855"]
    ).json()
    assert crossing["status"] == "closed"


def test_rejoining_shares_again_from_then_on(client, region):
    headers = region.coordinators["GM0855"]
    client.delete(f"/regions/{region.id}/members/GM0855", headers=headers)
    assert client.put(f"/regions/{region.id}/members/GM0855", headers=headers).status_code == 200
    listed = client.get(f"/regions/{region.id}/dialogues", headers=region.analyst).json()
    assert [d["id"] for d in listed] == [region.dialogue_id]
    assert listed[0]["municipalities"] == ["GM0796", "GM0855"]


# ------------------------------------------------------------------ roles and bad input


def test_only_admins_create_regions_and_appoint_regional_analysts(client, db, region):
    coordinator = region.coordinators["GM0855"]
    assert_problem(
        client.post("/regions", json={"name": "X", "municipalities": ["GM0855", "GM0796"]},
                    headers=coordinator),
        403,
    )  # fmt: skip
    assert_problem(import_region(client, coordinator), 403)
    assert_problem(
        client.put(f"/regions/{region.id}/analysts/{region.analyst_id}", headers=coordinator), 403
    )
    made = client.post(
        "/users",
        json={"email": "r2@example.org", "role": "regional_analyst", "municipalities": [],
              "password": "een-lang-wachtwoord"},
        headers=coordinator,
    )  # fmt: skip
    assert_problem(made, 403)
    with_municipality = client.post(
        "/users",
        json={"email": "r3@example.org", "role": "regional_analyst", "municipalities": ["GM0855"],
              "password": "een-lang-wachtwoord"},
        headers=region.admin,
    )  # fmt: skip
    assert_problem(with_municipality, 400, mentions="municipalities")


def test_only_a_regional_analyst_of_this_region_or_an_admin_reads_its_results(client, db, region):
    region.cast("GM0855", 10)
    region.refresh()
    params = {"dialogueId": region.dialogue_id}
    for headers in (region.coordinators["GM0855"], region.coordinators["GM0796"]):
        assert_problem(
            client.get(f"/regions/{region.id}/results", params=params, headers=headers), 404
        )
    assert_problem(
        client.get(
            f"/regions/{region.id}/results", params=params, headers=region.facilitators["GM0855"]
        ),
        403,
    )
    other = login(client, make_staff(db, role=Role.REGIONAL_ANALYST, email="ander@example.org"))
    assert_problem(client.get(f"/regions/{region.id}/results", params=params, headers=other), 404)
    assert_problem(client.get(f"/regions/{region.id}", headers=other), 404)
    admin = client.get(f"/regions/{region.id}/results", params=params, headers=region.admin)
    assert admin.status_code == 200


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"kind": "corop", "code": "CR99"}, 400),
        ({"kind": "own", "code": "CR35"}, 400),
        ({"kind": "corop", "code": "X"}, 400),
        ({"kind": "gemeente", "code": "CR35"}, 400),
    ],
)
def test_a_bad_area_import_is_a_4xx(client, tilburg, admin, params, status):
    from tests.api.regions_world import AREAS_CSV

    response = client.post(
        "/regions/import", params=params,
        files={"areas": ("gebieden.csv", AREAS_CSV.encode(), "text/csv")}, headers=admin,
    )  # fmt: skip
    assert_problem(response, status)


def test_bad_region_input_is_a_4xx(client, db, region):
    admin = region.admin
    assert_problem(client.post("/regions/import", params={"kind": "corop", "code": "CR35"},
                               content=b"x", headers=admin), 400)  # fmt: skip
    assert_problem(
        client.post("/regions", json={"name": "Eén", "municipalities": ["GM0855"]}, headers=admin),
        400,
    )
    assert_problem(
        client.post("/regions", json={"name": "Onbekend", "municipalities": ["GM0855", "GM9999"]},
                    headers=admin),
        400, mentions="GM9999",
    )  # fmt: skip
    assert_problem(import_region(client, admin), 409)  # the same region twice
    assert_problem(regional_results(client, region, dialogueId=0), 400)
    assert_problem(client.get(f"/regions/{region.id}/results", headers=region.analyst), 400)
    assert_problem(
        client.put(f"/regions/{region.id}/analysts/{region.analyst_id + 999}", headers=admin), 404
    )
    facilitator_id = client.get("/users/me", headers=region.facilitators["GM0855"]).json()["id"]
    assert_problem(
        client.put(f"/regions/{region.id}/analysts/{facilitator_id}", headers=admin), 400
    )
    assert_problem(
        client.get(f"/dialogues/{region.dialogue_id}/results",
                   params={"groupBy": "municipality", "ageBand": "25-44"}, headers=admin),
        400,
    )  # fmt: skip


def test_only_a_joined_lead_makes_its_dialogue_regional(client, db, tilburg, den_bosch, admin):
    region_id = import_region(client, admin).json()["id"]
    coordinator = staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])
    body = {"dialogueId": tilburg.dialogue_id}
    assert_problem(
        client.post(f"/regions/{region_id}/dialogues", json=body, headers=coordinator), 409
    )
    client.put(f"/regions/{region_id}/members/GM0855", headers=coordinator)
    other = {"dialogueId": den_bosch.dialogue_id}
    assert_problem(
        client.post(f"/regions/{region_id}/dialogues", json=other, headers=coordinator), 404
    )
    made = client.post(f"/regions/{region_id}/dialogues", json=body, headers=coordinator)
    assert made.status_code == 201 and made.json()["lead"] == "GM0855"
