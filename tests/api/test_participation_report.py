"""The participation report: its sections, its figures (the released ones), access, language."""

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.core.access import Role
from api.reports.models import SECTION_IDS
from api.results.refresher import refresh_all
from tests.api.test_agenda import add_item, publish
from tests.api.test_context import TILBURG_KWB, _cast, _kwb
from tests.helpers import staff_headers
from tests.support.places import Place

DUTCH = {"Accept-Language": "nl"}


class _Report(HTMLParser):
    """The report's sections by id, and per section the rows of its tables: the key of the
    row (`data-key`, `data-priority`) and the text of each cell."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self.rows: dict[str, list[tuple[str | None, list[str]]]] = {}
        self._section: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self._section = found.get("id")
            self.sections[self._section or ""] = ""
            self.rows[self._section or ""] = []
        elif tag == "tr" and self._section:
            self._row = []
            self.rows[self._section].append((found.get("data-key") or found.get("data-priority"),
                                             self._row))  # fmt: skip
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._section:
            self.sections[self._section] += data

    def keyed(self, section: str) -> dict[str, list[str]]:
        return {key: cells for key, cells in self.rows[section] if key}


def _released(client: TestClient, headers, dialogue_id: int, group_by: str) -> dict:
    response = client.get(f"/dialogues/{dialogue_id}/results?groupBy={group_by}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _report(client: TestClient, place: Place, headers=None, query: str = "lang=nl"):
    return client.get(
        f"/dialogues/{place.dialogue_id}/participation-report?{query}", headers=headers or {}
    )


@pytest.fixture
def tilburg_coordinator(client: TestClient, db: Session, tilburg: Place) -> dict[str, str]:
    return staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0855"])


@pytest.fixture
def voted(db: Session, clean_engine: Engine, tilburg: Place) -> Place:
    """Tilburg with a release in which some groups are shown and some suppressed."""
    p = tilburg.priority_ids
    buurt_a, buurt_b = tilburg.buurten
    _cast(db, tilburg, [(p, buurt_a, "25-44")] * 12 + [(p[::-1], buurt_b, "65+")] * 10)
    refresh_all(clean_engine)
    _cast(db, tilburg, [(p, buurt_b, "45-64")] * 3 + [(p, None, "18-24")] * 4)
    refresh_all(clean_engine)
    return tilburg


def test_the_report_has_every_section_by_id_in_order_and_says_it_is_a_draft(
    client, voted, tilburg_analyst
):
    response = _report(client, voted, tilburg_analyst)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "nl"
    html = response.text
    positions = [html.index(f'<section class="report-section" id="{id_}"') for id_ in SECTION_IDS]
    assert positions == sorted(positions)
    assert 'id="draft"' in html and "CONCEPT" in html
    assert "Omgevingsbesluit" in html
    report = _Report(html)
    assert set(SECTION_IDS) <= set(report.sections)
    assert "geen steekproef" in report.sections["method"]


def test_every_figure_is_the_released_one_and_a_suppressed_group_shows_no_number(
    client, voted, tilburg_analyst
):
    report = _Report(_report(client, voted, tilburg_analyst).text)
    who = report.keyed("who")
    suppressed_seen = 0
    for group_by in ("venueKind", "neighbourhood", "ageBand"):
        released = _released(client, tilburg_analyst, voted.dialogue_id, group_by)
        for group in released["groups"]:
            if group["kind"] == "dialogue":
                continue
            (label, figure) = who[group["key"]]
            if group["suppressed"]:
                suppressed_seen += 1
                expected = {
                    "tooFew": "minder dan 10",
                    "protectsAnother": "verborgen om een andere groep te beschermen",
                }
                assert figure == expected[group["suppressedReason"]]  # fmt: skip
            else:
                assert figure == str(group["ballots"])
    assert suppressed_seen >= 2
    # The three 45-64 ballots of buurt B and the four of 18-24 are in no printed figure.
    assert who["45-64"][1] == "minder dan 10" and who["18-24"][1] == "minder dan 10"
    overall = _released(client, tilburg_analyst, voted.dialogue_id, "dialogue")
    total = overall["groups"][0]
    how_many = report.keyed("how-many")
    assert how_many["ballots"][1] == str(total["ballots"]) == str(overall["totalBallots"])
    assert how_many["sessions"][1] == "1"
    results = report.keyed("results")
    assert len(results) == len(total["priorities"])
    for figure in total["priorities"]:
        rank, _title, score, interval, first, top_three = results[str(figure["id"])]
        assert rank == str(figure["schulzeRank"])
        assert score == str(round(figure["score"] * 100))
        assert interval == f"{round(figure['scoreLow'] * 100)}–{round(figure['scoreHigh'] * 100)}"
        assert first == f"{round(figure['firstChoiceShare'] * 100)}%"
        assert top_three == f"{round(figure['topThreeShare'] * 100)}%"
    sessions = _released(client, tilburg_analyst, voted.dialogue_id, "session")
    (session_row,) = [
        cells for key, cells in report.rows["when-where"] if cells[0] != "Datum en tijd"
    ]
    assert session_row[2] == "Bibliotheek"
    assert session_row[3] == str(sessions["groups"][1]["ballots"])


def test_with_population_imported_the_report_sets_participants_beside_it(
    client, admin, voted, tilburg_analyst
):
    imported = client.post(
        "/municipalities/GM0855/population/import?year=2024",
        content=_kwb(TILBURG_KWB),
        headers=admin | {"Content-Type": "application/json"},
    )
    assert imported.status_code == 200, imported.text
    representativeness = client.get(
        f"/dialogues/{voted.dialogue_id}/representativeness", headers=tilburg_analyst
    ).json()
    report = _Report(_report(client, voted, tilburg_analyst).text)
    rows = {key: cells for key, cells in report.rows["who"] if key}
    buurt_a = next(g for g in representativeness["groups"] if g["key"] == voted.buurten[0])
    population_rows = [cells for key, cells in report.rows["who"] if key == voted.buurten[0]]
    assert population_rows[-1][1:3] == [str(buurt_a["participants"]), str(buurt_a["population"])]
    assert rows["12-24"][1] == "minder dan 10"
    assert "Gewogen naar buurt (schatting)" in report.sections["results"]
    assert "CBS 2024" in report.sections["method"]


def test_the_pdf_is_a_pdf_with_the_title_by_accept_header_or_format(client, voted, tilburg_analyst):
    for query, headers in (("format=pdf", {}), ("lang=en", {"Accept": "application/pdf"})):
        response = _report(client, voted, tilburg_analyst | headers, query)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert b"Brede welvaart Tilburg 2027" in response.content
        assert response.content.count(b"/Type /Page\n") >= 8  # a cover and seven sections
    english = _report(client, voted, tilburg_analyst | {"Accept": "application/pdf"}, "lang=en")
    assert b"Participation report" in english.content


@pytest.mark.parametrize(
    ("query", "language", "heading"),
    [
        ("lang=en", "en", "Who took part"),
        ("lang=nl", "nl", "Wie deden mee"),
        ("", "nl", "Wie deden mee"),
    ],
)
def test_the_report_speaks_the_language_asked_for(
    client, voted, tilburg_analyst, query, language, heading
):
    response = _report(client, voted, tilburg_analyst | DUTCH, query)
    assert response.headers["content-language"] == language
    assert f'<html lang="{language}">' in response.text
    assert heading in response.text


def test_accept_language_chooses_english(client, voted, tilburg_analyst):
    response = _report(client, voted, tilburg_analyst | {"Accept-Language": "en-GB, nl;q=0.5"}, "")
    assert response.headers["content-language"] == "en"
    assert "fewer than 10" in response.text and "DRAFT" in response.text


def test_staff_of_the_municipality_read_the_draft_and_nobody_else_does(
    client, db, voted, den_bosch, tilburg_analyst, tilburg_coordinator, tilburg_facilitator, admin
):
    for headers in (tilburg_analyst, tilburg_coordinator, admin):
        assert _report(client, voted, headers).status_code == 200
    elsewhere = staff_headers(client, db, role=Role.COORDINATOR, municipalities=["GM0796"])
    for headers in (None, tilburg_facilitator, elsewhere):
        response = _report(client, voted, headers)
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert _report(client, voted, {"Authorization": "Bearer nonsense"}).status_code == 401


def test_once_published_anyone_reads_the_report_with_the_response_and_no_draft_mark(
    client, db, voted, tilburg_coordinator, tilburg_facilitator
):
    item = add_item(client, tilburg_coordinator, voted)
    assert _report(client, voted).status_code == 404
    publish(db, client, tilburg_coordinator, voted)
    for headers in (None, tilburg_facilitator):
        response = _report(client, voted, headers)
        assert response.status_code == 200, response.text
    assert "Cache-Control" not in response.headers
    assert "CONCEPT" not in response.text and 'id="draft"' not in response.text
    report = _Report(response.text)
    answers = [cells for _key, cells in report.rows["response"] if cells[1] == "Overgenomen"]
    assert [cells[0] for cells in answers] == [f"Prioriteit {i}" for i in range(1, 6)]
    assert all(cells[2] == "Dat doen we." for cells in answers)
    linked = [cells[3] for cells in answers]
    assert linked == [item["title"]] * 2 + ["–"] * 3  # the item follows from the first two
    assert "Team Openbare Ruimte" in report.sections["response"]
    assert "Stichting Groen" in report.sections["response"]
    assert "minder dan 10 aanbiedingen van inwoners" in report.sections["response"]
    english_html = _report(client, voted, None, "lang=en").text
    assert english_html.startswith("<!doctype html>")
    # Texts the municipality wrote in Dutch only are marked as Dutch inside the English page.
    assert '<span lang="nl">Dat doen we.</span>' in english_html
    assert '<span lang="nl">Prioriteit 1</span>' in english_html
    english = _Report(english_html)
    assert "Shade in schoolyards" in english.sections["response"]
    assert "Adopted" in english.sections["response"]
    pdf = _report(client, voted, None, "format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_a_dialogue_without_a_release_yet_reports_what_it_can_and_no_figure(
    client, tilburg, tilburg_analyst
):
    response = _report(client, tilburg, tilburg_analyst)
    assert response.status_code == 200, response.text
    report = _Report(response.text)
    assert (
        "De uitkomsten worden getoond zodra er minstens 10 stembiljetten zijn."
        in (report.sections["results"])
    )
    assert report.keyed("how-many")["ballots"][1] == "minder dan 10"
    assert "Prioriteit 5" in report.sections["what"]
    pdf = _report(client, tilburg, tilburg_analyst, "format=pdf")
    assert pdf.content.startswith(b"%PDF-")
