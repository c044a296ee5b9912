"""The resident app shows the dialogue in the resident's language where it is translated, and
marks what it shows in Dutch instead; changing the language reads the texts again."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from api.dialogues.models import Dialogue, Priority
from tests.browser.conftest import Demo, axe_violations, open_session, screen, walk_to_rank

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

ENGLISH_TITLE = "Broad prosperity in Welvaartstad 2027"


@pytest.fixture
def translated(db: Session, demo: Demo) -> dict[int, str]:
    """English for the demo dialogue and all its priorities but the last; returns the titles
    a resident reading English sees (the last one in Dutch)."""
    dialogue = db.get(Dialogue, db.get(Priority, next(iter(demo.priorities))).dialogue_id)
    dialogue.translations = {"en": {"title": ENGLISH_TITLE, "description": "What matters?"}}
    db.add(dialogue)
    priorities = list(
        db.exec(
            select(Priority).where(Priority.dialogue_id == dialogue.id).order_by(Priority.position)
        )
    )
    shown = {}
    for priority in priorities[:-1]:
        english = f"In English: {priority.title}"
        priority.translations = {"en": {"title": english, "description": ""}}
        db.add(priority)
        shown[priority.id] = english
    shown[priorities[-1].id] = priorities[-1].title
    db.commit()
    return shown


def pool_items(page) -> dict[str, dict]:
    """The priorities to choose from: title -> its lang and the note beside it (or None)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.wg-pool > li')].map((li) => {
            const title = li.querySelector('.wg-priority__title');
            const note = li.querySelector('.wg-lang-note');
            return [title.textContent, {lang: title.lang,
                                        note: note && {text: note.textContent, lang: note.lang}}];
        }))"""
    )


def test_an_english_phone_shows_english_priorities_and_marks_the_dutch_fallback(
    new_context, demo: Demo, translated: dict[int, str], axe
):
    context = new_context(locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    asked = []
    page.on(
        "request",
        lambda r: asked.append(r.headers.get("accept-language")) if "/check-ins" in r.url else None,
    )
    open_session(page, demo)
    assert asked == ["en"], "the check-in asks for the resident's language"
    about = page.locator(".wg-about")
    assert about.locator("h2").inner_text() == ENGLISH_TITLE
    assert about.get_attribute("lang") == "en"
    expect(page.locator(".wg-about .wg-lang-note")).to_have_count(0)
    walk_to_rank(page, demo)
    items = pool_items(page)
    dutch_title = list(translated.values())[-1]
    assert set(items) == set(translated.values())
    for title, item in items.items():
        if title == dutch_title:
            assert item == {"lang": "nl", "note": {"text": "in Dutch", "lang": "en"}}
        else:
            assert item == {"lang": "en", "note": None}, title
    assert page.locator(".wg-lang-note").first.is_visible()
    assert axe_violations(page, axe) == []

    # Dutch: the texts are read again, all in Dutch now, and none is marked.
    page.click("#wg-language summary")
    page.click("#wg-language button[lang='nl']")
    page.wait_for_selector(f".wg-pool .wg-priority__title:text-is('{dutch_title}')")
    page.wait_for_function("() => !document.querySelector('.wg-priority__title[lang=en]')")
    items = pool_items(page)
    assert all(item == {"lang": "nl", "note": None} for item in items.values()), items
    assert "In English: " not in "".join(items)

    # Arabic: nothing is translated into it, so every priority is Dutch, marked in Arabic.
    page.click("#wg-language summary")
    page.click("#wg-language button[lang='ar']")
    page.wait_for_function("() => document.querySelectorAll('.wg-lang-note').length >= 2")
    items = pool_items(page)
    assert all(
        item == {"lang": "nl", "note": {"text": "بالهولندية", "lang": "ar"}}
        for item in items.values()
    ), items
    assert axe_violations(page, axe) == []

    # Back to English, after a reload too: the English texts, from the journey on the device.
    page.click("#wg-language summary")
    page.click("#wg-language button[lang='en']")
    page.wait_for_selector(".wg-pool .wg-priority__title[lang=en]")
    page.reload()
    screen(page, "rank")
    items = pool_items(page)
    assert {t for t, i in items.items() if i["lang"] == "en"} == set(translated.values()) - {
        dutch_title
    }
    assert not errors, errors
