"""The apps ask for problems in their own language and decide on the problem's type."""

import pytest
from sqlmodel import Session

from api.core.access import SYSTEM
from api.sessions import service as sessions
from api.sessions.models import DialogueSession, SessionStatus
from api.sessions.schemas import SessionUpdate
from tests.browser.conftest import Demo, wait_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def _close(db: Session, demo: Demo) -> None:
    row = db.get(DialogueSession, demo.session_id)
    sessions.update_session(
        db, row=row, changes=SessionUpdate(status=SessionStatus.CLOSED), actor=SYSTEM
    )
    db.commit()


@pytest.mark.parametrize(
    ("locale", "asked", "heading", "detail_language", "detail"),
    [
        ("nl-NL", "nl", "Dit gesprek is nu niet open", "nl", "Dit gesprek is voorbij."),
        ("en-GB", "en", "This session is not open right now", "en", "This session is closed."),
        ("ar", "ar", "هذه الجلسة ليست مفتوحة الآن", "nl", "Dit gesprek is voorbij."),
    ],
)
def test_a_closed_session_is_explained_in_the_residents_language(
    new_context, demo: Demo, db: Session, locale, asked, heading, detail_language, detail
):
    _close(db, demo)
    page = new_context(locale=locale).new_page()
    languages = []
    page.on(
        "request",
        lambda r: (
            r.url.endswith("/api/v1/check-ins")
            and languages.append(r.headers.get("accept-language"))
        ),
    )
    page.goto(demo.join_url)
    wait_ready(page)
    page.wait_for_selector(".wg-screen--checkin-error")
    assert page.inner_text("h1") == heading  # chosen by the problem's type, not its title
    said = page.locator(".wg-screen--checkin-error span[lang]")
    assert said.get_attribute("lang") == detail_language
    assert said.inner_text().startswith(detail)
    assert languages and set(languages) == {asked}
