"""Sessions as facilitators run them: planning, opening and closing, join codes, QR and poster."""

import re
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.core.access import Role
from api.sessions import service as sessions
from api.sessions.models import JOIN_CODE_ALPHABET, CheckInMode, SessionStatus
from tests.helpers import assert_problem, login, make_staff
from tests.resident.qr_decode import decode_png, decode_svg
from tests.support.places import Place

JOIN_CODE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$")
EVENING = {"startsAt": "2027-03-02T19:00:00+01:00", "endsAt": "2027-03-02T21:30:00+01:00"}


def staff_id(client: TestClient, headers: dict[str, str]) -> int:
    return client.get("/users/me", headers=headers).json()["id"]


def plan(client: TestClient, place: Place, headers: dict[str, str], **fields) -> dict:
    response = client.post(
        f"/dialogues/{place.dialogue_id}/sessions",
        json={"venueId": place.venue_id, **EVENING, **fields},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.both_databases
def test_a_facilitator_plans_a_session_and_reads_and_lists_it(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    me = staff_id(client, tilburg_facilitator)
    created = plan(
        client, tilburg, tilburg_facilitator, title="Avond in de bieb", facilitatorIds=[me]
    )
    assert created["status"] == "planned"
    assert created["checkInMode"] == "poster"
    assert created["municipality"] == "GM0855"
    assert created["venue"]["id"] == tilburg.venue_id
    assert created["facilitatorIds"] == [me]
    assert created["checkInUrl"] == f"http://testserver/c/{created['joinCode']}"
    assert datetime.fromisoformat(created["startsAt"]) == datetime.fromisoformat(
        EVENING["startsAt"]
    )
    read = client.get(f"/sessions/{created['id']}", headers=tilburg_facilitator)
    assert read.json() == created
    listed = client.get(f"/dialogues/{tilburg.dialogue_id}/sessions", headers=tilburg_facilitator)
    assert {s["id"] for s in listed.json()} == {tilburg.session_id, created["id"]}


@pytest.mark.both_databases
def test_a_session_must_end_after_it_starts_and_carry_a_time_zone(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    url = f"/dialogues/{tilburg.dialogue_id}/sessions"
    backwards = {"venueId": tilburg.venue_id, "startsAt": EVENING["endsAt"], "endsAt": EVENING["startsAt"]}  # fmt: skip
    assert_problem(client.post(url, json=backwards, headers=tilburg_facilitator), 400, mentions="endsAt")  # fmt: skip
    naive = {"venueId": tilburg.venue_id, "startsAt": "2027-03-02T19:00:00", "endsAt": "2027-03-02T21:00:00"}  # fmt: skip
    assert_problem(client.post(url, json=naive, headers=tilburg_facilitator), 400, mentions="zone")
    created = plan(client, tilburg, tilburg_facilitator)
    moved = client.patch(
        f"/sessions/{created['id']}",
        json={"endsAt": "2027-03-02T18:00:00+01:00"},
        headers=tilburg_facilitator,
    )
    assert_problem(moved, 400, mentions="endsAt")
    assert client.get(f"/sessions/{created['id']}", headers=tilburg_facilitator).json() == created


def test_a_session_cannot_be_planned_or_rescheduled_to_end_in_the_past(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    yesterday = sessions.utcnow() - timedelta(days=1)
    past = {"startsAt": yesterday.isoformat(), "endsAt": (yesterday + timedelta(hours=2)).isoformat()}  # fmt: skip
    url = f"/dialogues/{tilburg.dialogue_id}/sessions"
    refused = client.post(url, json={"venueId": tilburg.venue_id, **past}, headers=tilburg_facilitator)  # fmt: skip
    problem = assert_problem(refused, 400, mentions="in the past")
    assert [p["name"] for p in problem["invalidParams"]] == ["endsAt"]
    listed = client.get(url, headers=tilburg_facilitator).json()
    assert [s["id"] for s in listed] == [tilburg.session_id]
    created = plan(client, tilburg, tilburg_facilitator)
    moved = client.patch(f"/sessions/{created['id']}", json=past, headers=tilburg_facilitator)
    assert_problem(moved, 400, mentions="in the past")
    assert client.get(f"/sessions/{created['id']}", headers=tilburg_facilitator).json() == created


def test_a_session_whose_end_has_passed_cannot_be_opened_until_rescheduled(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    from api.sessions.models import DialogueSession

    created = plan(client, tilburg, tilburg_facilitator)
    row = db.get(DialogueSession, created["id"])
    row.starts_at = sessions.utcnow() - timedelta(hours=3)  # planned, then the evening passed
    row.ends_at = sessions.utcnow() - timedelta(hours=1)
    db.add(row)
    db.commit()
    opened = client.patch(
        f"/sessions/{created['id']}", json={"status": "open"}, headers=tilburg_facilitator
    )
    assert_problem(opened, 409, mentions="can no longer be opened")
    assert client.get(f"/sessions/{created['id']}", headers=tilburg_facilitator).json()["status"] == "planned"  # fmt: skip
    later = sessions.utcnow() + timedelta(hours=2)
    reopened = client.patch(
        f"/sessions/{created['id']}",
        json={"status": "open", "endsAt": later.isoformat()},
        headers=tilburg_facilitator,
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"


def test_a_multi_day_sessions_poster_shows_both_days(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    created = plan(
        client,
        tilburg,
        tilburg_facilitator,
        startsAt="2027-03-01T10:00:00+01:00",
        endsAt="2027-03-03T17:00:00+01:00",
    )
    page = client.get(f"/sessions/{created['id']}/poster", headers=tilburg_facilitator).text
    assert "van maandag 1 maart 2027 10.00 uur tot woensdag 3 maart 2027 17.00 uur" in page
    assert "from Monday 1 March 2027 10:00 to Wednesday 3 March 2027 17:00" in page


def test_a_session_is_held_at_a_venue_of_its_own_municipality(
    client: TestClient, tilburg: Place, den_bosch: Place, admin
):
    response = client.post(
        f"/dialogues/{tilburg.dialogue_id}/sessions",
        json={"venueId": den_bosch.venue_id, **EVENING},
        headers=admin,
    )
    assert_problem(response, 400, mentions="venue")


def test_sessions_of_another_municipality_are_invisible_to_its_facilitators(
    client: TestClient, tilburg: Place, den_bosch: Place, tilburg_facilitator
):
    assert_problem(client.get(f"/sessions/{den_bosch.session_id}", headers=tilburg_facilitator), 404)  # fmt: skip
    patched = client.patch(
        f"/sessions/{den_bosch.session_id}", json={"status": "closed"}, headers=tilburg_facilitator
    )
    assert_problem(patched, 404)
    for path in ("qr", "poster"):
        assert_problem(
            client.get(f"/sessions/{den_bosch.session_id}/{path}", headers=tilburg_facilitator), 404
        )
    created = client.post(
        f"/dialogues/{den_bosch.dialogue_id}/sessions",
        json={"venueId": den_bosch.venue_id, **EVENING},
        headers=tilburg_facilitator,
    )
    assert_problem(created, 404)


def test_analysts_do_not_run_sessions(client: TestClient, tilburg: Place, tilburg_analyst):
    created = client.post(
        f"/dialogues/{tilburg.dialogue_id}/sessions",
        json={"venueId": tilburg.venue_id, **EVENING},
        headers=tilburg_analyst,
    )
    assert_problem(created, 403)
    opened = client.patch(
        f"/sessions/{tilburg.session_id}", json={"status": "closed"}, headers=tilburg_analyst
    )
    assert_problem(opened, 403)


@pytest.mark.both_databases
def test_status_only_moves_forward_from_planned_to_open_to_closed(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    def move(session_id: int, status: str):
        return client.patch(
            f"/sessions/{session_id}", json={"status": status}, headers=tilburg_facilitator
        )

    session_id = plan(client, tilburg, tilburg_facilitator)["id"]
    opened = move(session_id, "open")
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "open" and opened.json()["openedAt"]
    assert_problem(move(session_id, "planned"), 409, mentions="planned → open → closed")
    closed = move(session_id, "closed")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["closedAt"]
    for status in ("planned", "open"):
        assert_problem(move(session_id, status), 409, mentions="closed")
    assert move(session_id, "closed").status_code == 200  # staying put is not a move
    assert_problem(move(session_id, "cancelled"), 400, mentions="status")
    final = client.get(f"/sessions/{session_id}", headers=tilburg_facilitator).json()
    assert final["status"] == "closed"


def test_an_open_session_says_how_many_checked_in_residents_have_sent_no_ballot_yet(
    client: TestClient, tilburg: Place, tilburg_facilitator, tilburg_analyst
):
    from tests.resident.conftest import check_in

    url = f"/sessions/{tilburg.session_id}"
    assert client.get(url, headers=tilburg_facilitator).json()["checkedInWithoutBallot"] == 0
    voter, _waiting, _also_waiting = (check_in(client, tilburg.join_code) for _ in range(3))
    sent = client.put(
        f"{url}/ballot", json={"ranking": tilburg.priority_ids[:3]}, headers=voter.headers
    )
    assert sent.status_code == 200, sent.text
    assert client.get(url, headers=tilburg_facilitator).json()["checkedInWithoutBallot"] == 2
    assert_problem(client.get(url, headers=tilburg_analyst), 403)
    closed = client.patch(url, json={"status": "closed"}, headers=tilburg_facilitator).json()
    assert closed["checkedInWithoutBallot"] is None
    planned = plan(client, tilburg, tilburg_facilitator)
    assert planned["checkedInWithoutBallot"] is None


def test_a_planned_session_is_cancelled_by_closing_it_without_opening(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    session_id = plan(client, tilburg, tilburg_facilitator)["id"]
    cancelled = client.patch(
        f"/sessions/{session_id}", json={"status": "closed"}, headers=tilburg_facilitator
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "closed"
    assert cancelled.json()["openedAt"] is None and cancelled.json()["closedAt"]
    reopened = client.patch(
        f"/sessions/{session_id}", json={"status": "open"}, headers=tilburg_facilitator
    )
    assert_problem(reopened, 409, mentions="closed")


def test_status_changes_are_logged_in_the_audit_trail(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator
):
    from sqlmodel import select

    from api.audit.models import AuditEvent

    session_id = plan(client, tilburg, tilburg_facilitator)["id"]
    me = staff_id(client, tilburg_facilitator)
    for status in ("open", "closed"):
        client.patch(
            f"/sessions/{session_id}", json={"status": status}, headers=tilburg_facilitator
        )
    events = db.exec(select(AuditEvent).where(AuditEvent.object_id == str(session_id))).all()
    db.commit()
    assert [(e.action, e.actor_id) for e in events] == [
        ("session.created", me),
        ("session.open", me),
        ("session.closed", me),
    ]


def test_facilitators_are_assigned_and_must_facilitate_in_the_municipality(
    client: TestClient, db: Session, tilburg: Place, den_bosch: Place, tilburg_facilitator, admin
):
    me = staff_id(client, tilburg_facilitator)
    colleague = login(
        client,
        make_staff(db, role=Role.FACILITATOR, municipalities=["GM0855"], email="b@example.org"),
    )
    colleague_id = staff_id(client, colleague)
    created = plan(client, tilburg, tilburg_facilitator, facilitatorIds=[me, colleague_id, me])
    assert created["facilitatorIds"] == sorted([me, colleague_id])
    patched = client.patch(
        f"/sessions/{created['id']}", json={"facilitatorIds": [colleague_id]}, headers=admin
    )
    assert patched.json()["facilitatorIds"] == [colleague_id]

    analyst = make_staff(db, role=Role.ANALYST, municipalities=["GM0855"])
    outsider = make_staff(db, role=Role.FACILITATOR, municipalities=["GM0796"])
    for email in (analyst, outsider):
        user_id = staff_id(client, login(client, email))
        refused = client.patch(
            f"/sessions/{created['id']}", json={"facilitatorIds": [user_id]}, headers=admin
        )
        body = assert_problem(refused, 400, mentions=str(user_id))
        assert body["invalidParams"][0]["name"] == "facilitatorIds"
    nobody = client.patch(
        f"/sessions/{created['id']}", json={"facilitatorIds": [999999]}, headers=admin
    )
    assert_problem(nobody, 400, mentions="999999")
    assert client.get(f"/sessions/{created['id']}", headers=admin).json()["facilitatorIds"] == [
        colleague_id
    ]


def test_join_codes_are_six_characters_without_0_o_1_i_or_l(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    assert set(JOIN_CODE_ALPHABET).isdisjoint("0O1IL")
    drawn = {sessions.new_join_code() for _ in range(3000)}
    assert all(JOIN_CODE.match(code) for code in drawn)
    assert set("".join(drawn)) == set(JOIN_CODE_ALPHABET)  # every letter is used
    codes = [plan(client, tilburg, tilburg_facilitator)["joinCode"] for _ in range(25)]
    assert all(JOIN_CODE.match(code) for code in codes)
    assert len(set(codes + [tilburg.join_code])) == 26


@pytest.mark.both_databases
def test_a_join_code_already_taken_is_drawn_again(
    client: TestClient, tilburg: Place, tilburg_facilitator, monkeypatch: pytest.MonkeyPatch
):
    draws = iter([tilburg.join_code, tilburg.join_code, "XYZ234"])
    monkeypatch.setattr(sessions, "new_join_code", lambda: next(draws))
    created = plan(client, tilburg, tilburg_facilitator, facilitatorIds=[])
    assert created["joinCode"] == "XYZ234"
    listed = client.get(f"/dialogues/{tilburg.dialogue_id}/sessions", headers=tilburg_facilitator)
    assert sorted(s["joinCode"] for s in listed.json()) == sorted([tilburg.join_code, "XYZ234"])


@pytest.mark.parametrize("image_format", ["svg", "png"])
def test_the_qr_code_encodes_the_check_in_address(
    client: TestClient, tilburg: Place, tilburg_facilitator, image_format: str
):
    response = client.get(
        f"/sessions/{tilburg.session_id}/qr",
        params={"format": image_format},
        headers=tilburg_facilitator,
    )
    assert response.status_code == 200, response.text
    expected = f"http://testserver/c/{tilburg.join_code}"
    if image_format == "svg":
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert decode_svg(response.text) == [expected]
    else:
        assert response.headers["content-type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
        assert decode_png(response.content) == [expected]


def test_the_qr_code_is_svg_by_default_and_other_formats_are_refused(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    default = client.get(f"/sessions/{tilburg.session_id}/qr", headers=tilburg_facilitator)
    assert decode_svg(default.text) == [f"http://testserver/c/{tilburg.join_code}"]
    gif = client.get(
        f"/sessions/{tilburg.session_id}/qr", params={"format": "gif"}, headers=tilburg_facilitator
    )
    assert_problem(gif, 400, mentions="format")


def test_a_rotating_sessions_qr_code_encodes_the_current_code(
    client: TestClient, db: Session, amsterdam: Place, admin
):
    row = sessions.get_dialogue_session(db, session_id=amsterdam.session_id, actor=None)
    db.commit()
    response = client.get(f"/sessions/{amsterdam.session_id}/qr?format=png", headers=admin)
    assert response.headers["cache-control"] == "no-store"
    (url,) = decode_png(response.content)
    accepted = {
        sessions.rotating_code(row, now=sessions.utcnow() - timedelta(seconds=s), seconds=30)[0]
        for s in (0, 30)
    }
    assert url.removeprefix("http://testserver/c/") in accepted
    assert url.removeprefix("http://testserver/c/").startswith(amsterdam.join_code)
    shown = client.get(f"/sessions/{amsterdam.session_id}/rotating-code", headers=admin).json()
    assert shown["rotatesEverySeconds"] == 30
    assert shown["joinCode"] in accepted


def test_the_poster_shows_qr_code_join_code_venue_time_and_dutch_and_english_text(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    created = plan(client, tilburg, tilburg_facilitator)
    response = client.get(f"/sessions/{created['id']}/poster", headers=tilburg_facilitator)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    assert decode_svg(svg) == [f"http://testserver/c/{created['joinCode']}"]
    assert f'<p class="code">{created["joinCode"]}</p>' in page
    assert "Bibliotheek" in page
    assert "Brede welvaart Tilburg 2027" in page
    assert "dinsdag 2 maart 2027, 19.00–21.30 uur" in page
    assert "Tuesday 2 March 2027, 19:00–21:30" in page
    assert "Scan de QR-code" in page  # Dutch
    assert "Scan the QR code" in page  # English
    assert "@page" in page and "A4" in page


def test_without_public_url_links_follow_the_address_residents_reached_the_server_on(
    settings, clean_engine, tilburg: Place, tilburg_facilitator
):
    from api.main import create_app

    unset = settings.model_copy(update={"public_url": None})
    base = "http://192.168.1.20:8111"
    with TestClient(create_app(unset, engine=clean_engine), base_url=f"{base}/api/v1") as lan:
        listed = lan.get(f"/dialogues/{tilburg.dialogue_id}/sessions", headers=tilburg_facilitator)
        qr = lan.get(f"/sessions/{tilburg.session_id}/qr", headers=tilburg_facilitator)
        poster = lan.get(f"/sessions/{tilburg.session_id}/poster", headers=tilburg_facilitator)
    assert [s["checkInUrl"] for s in listed.json()] == [f"{base}/c/{tilburg.join_code}"]
    assert decode_svg(qr.text) == [f"{base}/c/{tilburg.join_code}"]
    assert f"Ga naar <strong>{base}/c</strong>" in poster.text


def test_the_poster_escapes_what_staff_typed(
    client: TestClient, db: Session, tilburg: Place, admin
):
    from api.venues import service as venues
    from api.venues.models import Venue

    venue = db.get(Venue, tilburg.venue_id)
    venue.name = "<script>alert(1)</script>"
    db.add(venue)
    db.commit()
    page = client.get(f"/sessions/{tilburg.session_id}/poster", headers=admin).text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert venues.get_venue(db, venue_id=tilburg.venue_id).name.startswith("<script>")
    db.commit()


def test_a_poster_session_has_no_rotating_code(client: TestClient, tilburg: Place, admin):
    response = client.get(f"/sessions/{tilburg.session_id}/rotating-code", headers=admin)
    assert_problem(response, 409, mentions="rotating")


def test_switching_a_session_to_rotating_codes(client: TestClient, tilburg: Place, admin):
    patched = client.patch(
        f"/sessions/{tilburg.session_id}", json={"checkInMode": "rotating"}, headers=admin
    )
    assert patched.json()["checkInMode"] == CheckInMode.ROTATING
    assert patched.json()["status"] == SessionStatus.OPEN
    shown = client.get(f"/sessions/{tilburg.session_id}/rotating-code", headers=admin)
    assert shown.json()["joinCode"].startswith(tilburg.join_code)
    assert len(shown.json()["joinCode"]) == 10
