"""Fixes found trying the product as a newcomer: rotating codes typed by hand, Amsterdam times
in the console whatever the browser's zone, sessions in the past, closing with people still
answering."""

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from api.core.db import utcnow
from api.sessions import service as sessions
from tests.browser.conftest import screen, wait_ready

PWA = Path(__file__).resolve().parents[2] / "pwa"


def resident_text(lang: str, key: str) -> str:
    return json.loads((PWA / "i18n" / f"resident.{lang}.json").read_text(encoding="utf-8"))[key]


def rotating_demo_session(db: Session, session_id: int):
    db.execute(
        text("UPDATE sessions SET check_in_mode = 'rotating' WHERE id = :id"), {"id": session_id}
    )
    db.commit()
    row = sessions.get_session(db, session_id=session_id, actor=None)
    db.commit()
    return row


@pytest.mark.parametrize("locale,lang", [("en-GB", "en"), ("ar", "ar")])
def test_a_rotating_code_typed_without_its_last_four_characters_asks_for_all_ten(
    new_context, db: Session, demo, locale: str, lang: str
):
    row = rotating_demo_session(db, demo.session_id)
    page = new_context(locale=locale).new_page()
    page.goto(demo.url("/c"))
    wait_ready(page)
    screen(page, "join")
    assert "10" in page.inner_text("#wg-join-hint")
    page.fill("#wg-join-code", demo.join_code)  # the first six, as a poster code looks
    page.click("#wg-join-submit")
    page.wait_for_selector("#wg-join-error")
    assert page.inner_text("#wg-join-error") == resident_text(lang, "join.incomplete")
    assert page.input_value("#wg-join-code") == demo.join_code
    assert page.locator("#wg-h1-join").count() == 1, "the same form, not a contradicting heading"
    assert "expired" not in page.inner_text("main").lower()
    assert "characters" not in page.inner_text("main") or lang == "en", "no English server text"
    current, _ = sessions.rotating_code(row, now=utcnow(), seconds=30)
    page.fill("#wg-join-code", current)
    page.click("#wg-join-submit")
    page.wait_for_selector("#wg-start")
