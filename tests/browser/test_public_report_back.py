"""The dialogue's public page once the municipality has reported back: per priority the
decision in words and why, the agenda that follows, in the visitor's language; and the QR code
of an ended session leads there. axe on each."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from api.demo.agenda import load_demo_agenda
from api.dialogues.models import Dialogue
from api.municipalities.models import Municipality
from tests.browser.conftest import Demo, axe_violations, wait_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def reported(db: Session, demo: Demo) -> int:
    """The demo dialogue, ended, with its agenda and a published report back; its id."""
    db.execute(text("DELETE FROM agenda_items"))
    db.execute(
        text("UPDATE dialogues SET starts_on = :start, ends_on = :end"),
        {"start": date.today() - timedelta(days=90), "end": date.today() - timedelta(days=1)},
    )
    db.commit()
    load_demo_agenda(db, municipality=db.exec(select(Municipality)).one())
    dialogue = db.exec(select(Dialogue)).one()
    db.commit()
    assert dialogue.report_back_published_at is not None
    return dialogue.id


def decisions(page) -> dict[str, str]:
    return dict(
        zip(
            page.eval_on_selector_all(
                "#wg-report-back .wg-public__decision-title", "hs => hs.map(h => h.textContent)"
            ),
            page.eval_on_selector_all(
                "#wg-report-back .wg-public__decision strong", "ss => ss.map(s => s.textContent)"
            ),
            strict=True,
        )
    )


def test_an_anonymous_visitor_reads_the_report_back_in_dutch_and_english(
    page, demo: Demo, reported: int, axe
):
    page.goto(demo.url(f"/d/{reported}"))
    page.wait_for_selector("#wg-report-back")
    assert page.inner_text("#wg-report-back-title") == "Wat we met je antwoorden doen"
    shown = decisions(page)
    assert shown["Meer groen en schaduw in de wijk"] == "Overgenomen"
    assert shown["Betaalbare woningen voor starters en ouderen"] == "Deels overgenomen"
    assert shown["Huisarts en zorg dichtbij"] == "Niet overgenomen"
    report = page.inner_text("#wg-report-back")
    assert "We beginnen bij de schoolpleinen." in report
    assert "Bomen en schaduw op drie schoolpleinen" in report  # the agenda item that follows
    agenda = page.inner_text("#wg-agenda")
    assert "Team Openbare Ruimte" in agenda and "Stichting Groen Welvaartstad" in agenda
    assert "Bezig" in agenda and "Korte termijn" in agenda and "Lange termijn" in agenda
    assert "minder dan 10" in agenda  # no pledges linked: never an exact small count
    assert axe_violations(page, axe) == []

    page.goto(demo.url(f"/d/{reported}?lang=en"))
    page.wait_for_selector("#wg-report-back")
    assert page.inner_text("#wg-report-back-title") == "What we did with it"
    shown = decisions(page)
    assert set(shown.values()) == {"Adopted", "Partly adopted", "Not adopted"}
    report = page.inner_text("#wg-report-back")
    assert "We start with the schoolyards." in report
    assert "Trees and shade in three schoolyards" in report
    agenda = page.inner_text("#wg-agenda")
    assert "Underway" in agenda and "Short term" in agenda and "Who at the municipality" in agenda
    reason_lang = page.get_attribute("#wg-report-back .wg-public__reason", "lang")
    assert reason_lang == "en"
    assert axe_violations(page, axe) == []

    page.goto(demo.url(f"/d/{reported}?lang=ar"))
    page.wait_for_selector("#wg-agenda")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert axe_violations(page, axe) == []


def test_the_qr_code_of_an_ended_session_leads_to_the_public_page(
    page, db: Session, demo: Demo, axe
):
    db.execute(
        text("UPDATE sessions SET status = 'closed' WHERE id = :id"), {"id": demo.session_id}
    )
    dialogue_id = db.exec(select(Dialogue.id)).one()
    db.commit()
    page.goto(demo.join_url)
    wait_ready(page)
    link = page.wait_for_selector("#wg-public-page")
    assert link.get_attribute("href") == f"/d/{dialogue_id}?lang=nl"
    assert link.inner_text() == "Lees wat er met de uitkomst gebeurt"
    assert axe_violations(page, axe) == []
    link.click()
    page.wait_for_selector("#wg-page-title")
