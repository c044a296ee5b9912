"""The resident's privacy and accessibility statements show whom to contact and how long
contact details are kept, as the municipality set them (GET /municipalities/{cbsCode})."""

import pytest
from sqlmodel import Session

from api.municipalities import service as municipalities
from api.municipalities.schemas import MunicipalityUpdate
from tests.browser.conftest import axe_violations, open_session, screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_the_statements_show_the_municipalitys_contacts_and_retention(page, demo, db: Session, axe):
    welvaartstad = municipalities.find_municipality(db, cbs_code="GM9999")
    with Session(db.get_bind()) as other_db:
        municipalities.update_municipality(
            other_db,
            municipality=other_db.merge(welvaartstad),
            changes=MunicipalityUpdate(
                contactEmail="welvaart@welvaartstad.example",
                privacyContactName="Functionaris gegevensbescherming",
                privacyContactEmail="privacy@welvaartstad.example",
                contactRetentionDays=30,
            ),
        )
    db.commit()
    open_session(page, demo)
    page.click("#wg-start")
    screen(page, "language")
    page.click("#wg-link-privacy")
    screen(page, "privacy")
    page.wait_for_selector(".wg-statement-contact-list")
    body = page.inner_text("#wg-content")
    assert "na 30 dagen" in body
    assert "privacy@welvaartstad.example" in body and "Functionaris gegevensbescherming" in body
    assert "welvaart@welvaartstad.example" in body
    assert "30 dagen nadat het gesprek is afgelopen" in body
    assert page.get_attribute("a[href='mailto:privacy@welvaartstad.example']", "dir") == "ltr"
    assert axe_violations(page, axe) == []
    page.click("#wg-statement-close")
    screen(page, "language")
    page.click("#wg-link-accessibility")
    screen(page, "accessibility")
    page.wait_for_selector(".wg-statement-contact-list")
    body = page.inner_text("#wg-content")
    assert "welvaart@welvaartstad.example" in body
    assert "privacy@welvaartstad.example" not in body, "the privacy contact is for privacy"
