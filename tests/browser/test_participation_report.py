# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""The participation report in a real browser: an analyst opens the draft report of the demo
dialogue (ended, with its population imported) in Dutch and English; every section is there,
the page prints as A4 with each section on a new page, and axe finds no violation. Once the
coordinator publishes the report-back, an anonymous visitor reads it, response included."""

import httpx
import pytest
from playwright.sync_api import expect

from api.core.access import Role
from api.reports.models import SECTION_IDS
from tests.browser.staff_fixtures import (
    MUNICIPALITY,
    axe_violations,
    ended_staff_world,  # noqa: F401  (fixture)
    staff_page,  # noqa: F401  (fixture)
    staff_world,  # noqa: F401  (fixture)
)
from tests.helpers import make_staff


@pytest.mark.timeout(300)
def test_the_report_reads_and_prints_in_both_languages_and_axe_finds_nothing(
    staff_page, ended_staff_world, db, axe
):
    world = ended_staff_world
    authorised = {"Authorization": f"Bearer {world.token(world.analyst)}"}
    found = {}
    for language, heading, draft in (
        ("nl", "Wie deden mee", "CONCEPT"),
        ("en", "Who took part", "DRAFT"),
    ):
        page = staff_page(extra_http_headers=authorised)
        page.goto(world.url(f"/api/v1/dialogues/{world.dialogue_id}/participation-report"
                            f"?lang={language}"))  # fmt: skip
        page.wait_for_selector("#method")
        assert page.get_attribute("html", "lang") == language
        assert page.inner_text("#who h2") == heading
        assert draft in page.inner_text("h1")
        for section in SECTION_IDS:
            expect(page.locator(f"section#{section} h2")).to_have_count(1)
        # The demo's population is imported: participants stand beside it, buurt by buurt.
        expect(page.locator("#who table")).to_have_count(4)
        expect(page.locator("#results tbody tr")).to_have_count(len(world.priorities))
        found[language] = axe_violations(page, axe)
        page.emulate_media(media="print")
        breaks = page.eval_on_selector_all(
            "section.report-section", "s => s.map(e => getComputedStyle(e).breakBefore)"
        )
        assert breaks == ["page"] * len(SECTION_IDS)
        pdf = page.pdf(prefer_css_page_size=True)
        assert pdf.count(b"/Type /Page\n") >= len(SECTION_IDS) + 1
    coordinator = make_staff(db, role=Role.COORDINATOR, municipalities=[MUNICIPALITY])
    db.commit()
    as_coordinator = {"Authorization": f"Bearer {world.token(coordinator)}"}
    api = world.url(f"/api/v1/dialogues/{world.dialogue_id}")
    first = min(world.priorities)
    added = httpx.post(
        f"{api}/agenda",
        headers=as_coordinator,
        json={
            "title": "Meer groen op schoolpleinen",
            "goal": "Elk schoolplein krijgt bomen.",
            "priorityIds": [first],
            "owner": "Team Openbare Ruimte",
            "horizon": "short",
        },
    )
    assert added.status_code == 201, added.text
    published = httpx.put(
        f"{api}/report-back",
        headers=as_coordinator,
        json={
            "published": True,
            "responses": [
                {
                    "priorityId": pid,
                    "decision": "adopted" if pid == first else "partly",
                    "reason": "Dit nemen we mee in de omgevingsvisie.",
                }
                for pid in world.priorities
            ],
        },
    )
    assert published.status_code == 200, published.text
    page = staff_page()
    page.goto(world.url(f"/api/v1/dialogues/{world.dialogue_id}/participation-report"))
    page.wait_for_selector("#method")
    assert "CONCEPT" not in page.inner_text("h1")
    answers = page.locator("#response table").first.locator("tbody tr")
    expect(answers).to_have_count(len(world.priorities))
    assert "Meer groen op schoolpleinen" in page.inner_text("#response")
    found["published"] = axe_violations(page, axe)
    assert found == {"nl": [], "en": [], "published": []}
