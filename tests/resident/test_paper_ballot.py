"""GET /sessions/{id}/paper-ballot: the printable A4 paper ballot, as HTML or PDF."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.sessions.models import CheckInMode
from tests.helpers import assert_problem
from tests.resident.conftest import check_in
from tests.resident.qr_decode import decode_svg
from tests.support.places import Place, build_place


def paper(client: TestClient, place: Place, headers, **params) -> str:
    response = client.get(
        f"/sessions/{place.session_id}/paper-ballot", headers=headers, params=params
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def copies(page: str) -> dict[str, str]:
    """Each language's copy of the ballot, by language."""
    found = re.findall(r'<section class="copy" id="copy-(\w+)" lang="\1" dir="(\w+)"', page)
    parts = re.split(r'<section class="copy" ', page)[1:]
    return {
        lang: f"{direction}|{part}" for (lang, direction), part in zip(found, parts, strict=True)
    }


def test_the_paper_ballot_holds_the_question_every_priority_buurten_ages_a_pledge_box_and_the_qr(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    page = paper(client, tilburg, tilburg_facilitator, lang="nl")
    assert "@page { size: A4 portrait" in page
    assert "Brede welvaart Tilburg 2027" in page
    for number in range(1, 6):
        assert f'<span lang="nl" dir="auto">Prioriteit {number}</span>' in page
    assert page.count('class="number"') == 5
    assert "Zet een 1 in het vakje" in page
    assert "Buurt 1" in page and "Buurt 2" in page
    for band in ("12 tot en met 17 jaar", "65 jaar of ouder"):
        assert band in page
    for kind in ("Tijd", "Kennis of talent", "Spullen", "Iets anders"):
        assert kind in page
    assert "de gemeente mag contact met mij opnemen" in page
    assert "contactgegevens apart van je antwoorden" in page
    assert "minstens 10 mensen" in page  # the privacy line, with the municipality's minimum
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    assert decode_svg(svg) == [f"http://testserver/c/{tilburg.join_code}"]
    assert f"typ de code {tilburg.join_code}" in page


def test_the_paper_ballot_has_a_dutch_english_and_right_to_left_arabic_copy(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    found = copies(paper(client, tilburg, tilburg_facilitator))
    assert list(found) == ["nl", "en", "ar"]
    assert found["nl"].startswith("ltr|") and found["ar"].startswith("rtl|")
    assert "What matters most to you?" in found["en"]
    assert "ما هو الأهم بالنسبة لك؟" in found["ar"]
    for copy in found.values():
        assert "Prioriteit 5" in copy and "<svg" in copy  # the dialogue's own texts stay Dutch
    assert list(copies(paper(client, tilburg, tilburg_facilitator, lang=["ar", "nl"]))) == ["ar", "nl"]  # fmt: skip


def test_a_translated_dialogue_is_printed_in_each_copys_language_and_a_partial_one_in_dutch(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    url = f"/dialogues/{tilburg.dialogue_id}"
    priorities = client.get(url, headers=tilburg_facilitator).json()["priorities"]
    changes = [
        {
            **{k: p[k] for k in ("id", "title", "description", "themeKey")},
            "translations": {
                "en": {"title": f"Priority {n}", "description": ""},
                # Arabic for all but the last: that copy stays Dutch, never half and half
                **({"ar": {"title": f"الأولوية {n}"}} if n < len(priorities) else {}),
            },
        }
        for n, p in enumerate(priorities, 1)
    ]
    translations = {"en": {"title": "Broad prosperity Tilburg"}, "ar": {"title": "الرفاه"}}
    response = client.patch(
        url,
        json={"translations": translations, "priorities": changes},
        headers=tilburg_facilitator,
    )
    assert response.status_code == 200, response.text

    found = copies(paper(client, tilburg, tilburg_facilitator))
    assert "Broad prosperity Tilburg" in found["en"]
    assert '<span lang="en" dir="auto">Priority 5</span>' in found["en"]
    assert "Prioriteit" not in found["en"] and "are in Dutch" not in found["en"]
    assert '<span lang="nl" dir="auto">Prioriteit 5</span>' in found["ar"]
    assert "الأولوية" not in found["ar"]
    assert "Brede welvaart Tilburg 2027" in found["nl"] and "Priority" not in found["nl"]


def test_the_paper_ballot_lists_many_buurten_as_a_line_to_write_on(
    client: TestClient, db: Session, tilburg: Place, tilburg_facilitator, monkeypatch
):
    monkeypatch.setattr("api.ballots.paper_ballot.MAX_LISTED_BUURTEN", 1)
    page = paper(client, tilburg, tilburg_facilitator, lang="nl")
    assert "Schrijf de naam van je buurt op" in page and "Buurt 1" not in page


def test_a_rotating_sessions_paper_ballot_points_to_the_screen_not_to_a_code_that_expires(
    client: TestClient, db: Session, admin
):
    place = build_place(db, "GM0363", "Amsterdam", join_code="AMSCCC", mode=CheckInMode.ROTATING)
    page = paper(client, place, admin, lang="nl")
    assert "<svg" not in page and place.join_code not in page
    assert "Scan de QR-code op het scherm in de zaal" in page


@pytest.mark.parametrize(
    ("params", "accept"),
    [({"format": "pdf"}, "text/html"), ({}, "application/pdf"), ({}, "text/html;q=0.5, application/pdf")],
)  # fmt: skip
def test_the_paper_ballot_comes_as_a_pdf_by_format_or_accept(
    client: TestClient, tilburg: Place, tilburg_facilitator, params, accept
):
    response = client.get(
        f"/sessions/{tilburg.session_id}/paper-ballot",
        params=params,
        headers={**tilburg_facilitator, "Accept": accept},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content  # A4
    assert response.content.count(b"/Type /Page\n") >= 2  # a Dutch and an English copy


def test_arabic_in_a_pdf_is_a_400_that_points_to_the_html(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    response = client.get(
        f"/sessions/{tilburg.session_id}/paper-ballot",
        params={"format": "pdf", "lang": "ar"},
        headers=tilburg_facilitator,
    )
    assert_problem(response, 400, mentions="HTML")


def test_a_browser_asking_for_anything_gets_html(
    client: TestClient, tilburg: Place, tilburg_facilitator
):
    response = client.get(
        f"/sessions/{tilburg.session_id}/paper-ballot",
        headers={**tilburg_facilitator, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.headers["content-type"].startswith("text/html")


def test_the_paper_ballot_escapes_what_staff_typed(
    client: TestClient, db: Session, tilburg: Place, admin
):
    from api.dialogues.models import Priority

    priority = db.get(Priority, tilburg.priority_ids[0])
    priority.title = "<script>alert(1)</script>"
    db.add(priority)
    db.commit()
    page = paper(client, tilburg, admin)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_paper_ballot_is_for_facilitators_of_the_municipality_and_admins(
    client: TestClient,
    tilburg: Place,
    den_bosch: Place,
    tilburg_facilitator,
    tilburg_analyst,
    admin,
):
    assert paper(client, tilburg, admin, lang="nl")
    assert paper(client, den_bosch, admin, lang="nl")
    path = f"/sessions/{den_bosch.session_id}/paper-ballot"
    assert_problem(client.get(path, headers=tilburg_facilitator), 404)
    own = f"/sessions/{tilburg.session_id}/paper-ballot"
    assert_problem(client.get(own, headers=tilburg_analyst), 403)
    assert_problem(client.get(own, headers=check_in(client, tilburg.join_code).headers), 401)
    assert_problem(client.get(own), 401)
