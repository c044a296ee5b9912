"""The optional "about you" step after the ranking, in Dutch, English and Arabic: answered by
keyboard, sent with the ballot, the organisation's name on the pledge; axe finds nothing."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.conftest import (
    add_priorities,
    axe_violations,
    open_session,
    outbox_settled,
    screen,
    walk_to_rank,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

QUESTION = {
    "nl-NL": "Hoe tevreden bent u, alles bij elkaar genomen, met het leven dat u nu leidt?",
    "en-GB": "All things considered, how satisfied are you with the life you lead now?",
    "ar": "بشكل عام، ما مدى رضاك عن الحياة التي تعيشها الآن؟",
}


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB", "ar"])
def test_about_you_is_answered_by_keyboard_and_sent_with_the_ballot(
    new_context, demo, db, axe, locale
):
    page = new_context(locale=locale).new_page()
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 2)
    page.click("#wg-next")
    screen(page, "about-you")
    assert page.evaluate("() => document.documentElement.dir") == (
        "rtl" if locale == "ar" else "ltr"
    )
    expect(page.locator("legend", has_text=QUESTION[locale])).to_have_count(1)
    assert axe_violations(page, axe) == []

    # Keyboard only: arrows move through a radio group and choose; Enter on the button.
    page.focus("input[name='wg-participant-type'][value='']")
    for _ in range(3):  # not said → resident → business → organisation
        page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name='wg-participant-type'][value='organisation']")
    page.focus("input[name='wg-life'][value='0']")
    for _ in range(7):
        page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name='wg-life'][value='7']")
    page.focus("#wg-next")
    page.keyboard.press("Enter")

    page.wait_for_selector("#wg-h1-pledge")
    assert page.locator("#wg-pledge-organisation").is_visible()
    assert axe_violations(page, axe) == []
    page.fill("#wg-pledge-organisation", "Buurtvereniging De Linde")
    page.fill("#wg-pledge-organisation-kind", "vereniging")
    page.locator("input[name='wg-pledge-kind'][value='space']").check()
    page.click("#wg-pledge-submit")
    screen(page, "thanks")
    outbox_settled(page)

    ballot = db.execute(text("SELECT participant_type, life_satisfaction FROM ballots")).one()
    pledge = db.execute(text("SELECT organisation_name, organisation_kind FROM pledges")).one()
    db.commit()
    assert tuple(ballot) == ("organisation", 7)
    assert tuple(pledge) == ("Buurtvereniging De Linde", "vereniging")


def test_skipping_about_you_sends_the_ballot_without_it_and_no_organisation_field(page, demo, db):
    open_session(page, demo)
    walk_to_rank(page, demo)
    add_priorities(page, 1)
    page.click("#wg-next")
    screen(page, "about-you")
    page.click("#wg-next")
    page.wait_for_selector("#wg-h1-pledge")
    expect(page.locator("#wg-pledge-organisation")).to_have_count(0)
    outbox_settled(page)
    ballot = db.execute(text("SELECT participant_type, life_satisfaction FROM ballots")).one()
    db.commit()
    assert tuple(ballot) == (None, None)
