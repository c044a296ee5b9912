# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""Brede welvaart in context in the coordinator's workspace, in a real browser: the photo
(two CBS files, one first refused with its row named), who took part (the KWB population),
an agenda item written, changed, pledges linked to it, another item deleted; a response to
every priority, refused and explained while the dialogue runs, published once it has ended;
then the public page in Dutch and English to an anonymous visitor, and the participation
report with every section. axe on every new page.

Screenshots: WG_WORKSPACE_SCREENSHOTS=docs/screenshots/workspace pytest -k workspace_context
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from api.core.access import Role
from tests.browser.staff_fixtures import (
    axe_violations,
    sign_in,
    staff_page,  # noqa: F401  (fixture)
    staff_world,  # noqa: F401  (fixture)
)
from tests.browser.test_workspace import Shots
from tests.helpers import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

DEMO_DATA = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"
INDICATORS = DEMO_DATA / "welvaartstad-monitor-brede-welvaart-regionaal.csv"
AREAS = DEMO_DATA / "welvaartstad-gebieden-in-nederland-2024.csv"
POPULATION = DEMO_DATA / "welvaartstad-kwb-2024-statline.json"
CODE = "GM9999"
SECTIONS = ("who", "what", "when-where", "how-many", "results", "response", "method")


def go(page, section: str, ready: str) -> None:
    """Follow a link of the workspace's navigation and wait for the page."""
    page.click(f"#wg-nav a[data-nav='{section}']")
    page.wait_for_selector(ready)


def open_dialogue_page(page, dialogue_id: int, action: str, ready: str) -> None:
    """From the list of dialogues, follow one of a dialogue's buttons."""
    go(page, "dialogues", f"#wg-dialogues li[data-dialogue='{dialogue_id}']")
    page.click(f"#wg-dialogues li[data-dialogue='{dialogue_id}'] [data-action='{action}']")
    page.wait_for_selector(ready)


def count_rows(db, sql: str) -> int:
    value = db.execute(text(sql)).scalar_one()
    db.commit()
    return value


def dutch_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def test_a_coordinator_imports_the_photo_and_population_writes_the_agenda_and_reports_back(
    staff_world, staff_page, new_context, db, axe, tmp_path
):
    world = staff_world
    dialogue_id = world.dialogue_id
    # The demo had imported its CBS files itself: start without them, as a municipality does.
    db.execute(text("DELETE FROM wellbeing_figures"))
    db.execute(text("DELETE FROM population_figures"))
    coordinator = make_staff(db, role=Role.COORDINATOR, municipalities=[CODE])
    db.commit()
    # And without the demo's agenda and report back: this coordinator writes their own.
    as_coordinator = {"Authorization": f"Bearer {world.token(coordinator)}"}
    for demo_item in world.api(coordinator, f"/dialogues/{dialogue_id}/agenda").json()["items"]:
        gone = httpx.delete(
            world.url(f"/api/v1/agenda-items/{demo_item['id']}"), headers=as_coordinator
        )
        assert gone.status_code == 204, gone.text
    emptied = httpx.put(
        world.url(f"/api/v1/dialogues/{dialogue_id}/report-back"),
        json={"published": False, "responses": []},
        headers=as_coordinator,
    )
    assert emptied.status_code == 200, emptied.text
    shots = Shots(axe)
    page = staff_page()
    sign_in(page, world, "/workspace/", coordinator)
    page.wait_for_selector("#wg-settings-form")

    # --- The photo: a file with an unknown area name is refused, naming the row ---
    go(page, "photo", "#wg-photo-form")
    page.wait_for_selector("#wg-photo .wg-alert")  # nothing imported yet
    shots.check(page, "context-01-photo-empty")
    bad = tmp_path / "monitor-met-tikfout.csv"
    lines = INDICATORS.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*lines, "Eenzaamheid;2023;Welvaartsteed;9,1"]) + "\n")
    page.set_input_files("#wg-photo-indicators", str(bad))
    page.set_input_files("#wg-photo-areas", str(AREAS))
    page.click("#wg-photo-import")
    page.wait_for_selector("#wg-photo-problem")
    refused = page.inner_text("#wg-photo-problem")
    assert str(len(lines) + 1) in refused and "Welvaartsteed" in refused, refused
    assert count_rows(db, "SELECT count(*) FROM wellbeing_figures") == 0
    shots.check(page, "context-02-photo-refused")

    page.set_input_files("#wg-photo-indicators", str(INDICATORS))
    page.set_input_files("#wg-photo-areas", str(AREAS))
    page.click("#wg-photo-import")
    page.wait_for_selector("#wg-photo-imported")
    page.wait_for_selector("#wg-photo-headline")
    assert page.is_hidden("#wg-photo-progress")  # the progress bar goes once the answer is in
    # Each indicator's latest value for Welvaartstad is the file's.
    latest: dict[str, tuple[int, float]] = {}
    for line in lines[1:]:
        label, year, area, value = line.split(";")
        if area == "Welvaartstad" and int(year) >= latest.get(label, (0, 0))[0]:
            latest[label] = (int(year), float(value.replace(",", ".")))
    expect(page.locator(".wg-photo-table tbody tr")).to_have_count(len(latest))
    for label, (year, value) in latest.items():
        cell = page.locator(
            f".wg-photo-table tr[data-indicator='{label}'] td[data-level='gemeente']"
        )
        assert cell.inner_text() == f"{dutch_number(value)} ({year})", label
    # The headline: what residents rank high where Welvaartstad scores low, as the API says.
    photo = world.api(coordinator, f"/dialogues/{dialogue_id}/wellbeing").json()
    shown_gaps = page.locator("#wg-photo-headline li").evaluate_all(
        "items => items.map(i => i.dataset.theme)"
    )
    assert shown_gaps == photo["rankHighScoreLow"]
    first = page.locator(".wg-photo-table tbody tr").first
    assert re.search(r"\((Welvaartstad) (beter|slechter|gelijk)\)", first.inner_text())
    shots.check(page, "context-03-photo")

    # --- Who took part: the population of 2024, then participants beside it ---
    open_dialogue_page(page, dialogue_id, "participation", "#wg-pop-form")
    page.wait_for_selector("#wg-rep-notes")
    page.set_input_files("#wg-pop-file", str(POPULATION))
    page.fill("#wg-pop-year", "2024")
    page.click("#wg-pop-import")
    page.wait_for_selector("#wg-pop-imported")
    page.wait_for_selector("#wg-rep-buurt")
    report = world.api(coordinator, f"/dialogues/{dialogue_id}/representativeness").json()
    assert report["populationYear"] == 2024
    for group in report["groups"]:
        row = page.locator(f"#wg-rep-groups tr[data-key='{group['key']}']")
        participants = row.locator("td[data-col='participants']").inner_text()
        if group["suppressed"]:
            assert "niet getoond" in participants
        else:
            assert participants == f"{group['participants']:,}".replace(",", ".")
        if group["population"] is not None:
            population = row.locator("td[data-col='population']").inner_text()
            assert population == f"{group['population']:,}".replace(",", ".")
    assert page.locator("#wg-rep-ageBand caption").inner_text().count("12-24") == 1
    # Weighted scores beside the counted ones, labelled as estimates; the notes say why.
    headers = page.locator("#wg-rep-score-table thead th").all_inner_texts()
    assert headers[1] == "Geteld" and all("schatting" in h for h in headers[2:]), headers
    expect(page.locator("#wg-rep-score-table tbody tr")).to_have_count(len(report["scores"]))
    notes = page.inner_text("#wg-rep-notes")
    assert "geen steekproef" in notes and "12-24" in notes
    shots.check(page, "context-04-who-took-part")

    # --- The agenda: an item written, then changed; a second one deleted ---
    dialogue = world.api(coordinator, f"/dialogues/{dialogue_id}").json()
    priorities = sorted(dialogue["priorities"], key=lambda p: p["position"])
    open_dialogue_page(page, dialogue_id, "agenda", "#wg-agenda-new")
    page.click("#wg-agenda-new")
    page.wait_for_selector("#wg-agenda-form")
    page.fill("#wg-ai-title", "Groen schoolplein Kadewijk")
    page.fill("#wg-ai-goal", "Meer groen en schaduw waar kinderen spelen.")
    page.check(f"#wg-ai-priorities input[value='{priorities[0]['id']}']")
    page.check(f"#wg-ai-priorities input[value='{priorities[1]['id']}']")
    indicator = "Tevredenheid met het leven"
    page.select_option("#wg-ai-indicator", indicator)
    page.fill("#wg-ai-owner", "Team Openbare Ruimte")
    page.fill("#wg-ai-partners", "Basisschool De Kade\nBuurtvereniging Kadewijk")
    page.check("#wg-ai-horizon input[value='long']")
    page.fill("#wg-ai-starts", "2027-03-01")
    page.fill("#wg-ai-ends", "2028-06-30")
    page.fill("#wg-ai-budget", "Programma Leefomgeving 2027")
    page.select_option("#wg-ai-status", "underway")
    page.fill("#wg-ai-title-en", "Green schoolyard Kadewijk")
    page.fill("#wg-ai-goal-en", "More green and shade where children play.")
    shots.check(page, "context-05-agenda-form")
    page.click("#wg-ai-save")
    page.wait_for_selector("#wg-agenda li[data-item]")
    [item] = world.api(coordinator, f"/dialogues/{dialogue_id}/agenda").json()["items"]
    assert item["title"] == "Groen schoolplein Kadewijk"
    assert sorted(item["priorityIds"]) == sorted([priorities[0]["id"], priorities[1]["id"]])
    assert item["indicator"] == indicator and item["horizon"] == "long"
    assert item["partners"] == ["Basisschool De Kade", "Buurtvereniging Kadewijk"]
    assert (item["startsOn"], item["endsOn"]) == ("2027-03-01", "2028-06-30")
    assert item["budgetLine"] == "Programma Leefomgeving 2027" and item["status"] == "underway"

    card = f"#wg-agenda li[data-item='{item['id']}']"
    page.click(f"{card} [data-action='edit']")
    page.wait_for_selector("#wg-agenda-form")
    page.select_option("#wg-ai-status", "planned")
    page.click("#wg-ai-save")
    page.wait_for_selector(f"{card}[data-status='planned']")

    # --- Residents' pledges contribute to it: one linked on the pledges page ---
    open_dialogue_page(page, dialogue_id, "pledges", "#wg-pledges tbody tr")
    row = page.locator("#wg-pledges tbody tr:has([data-action='save-agenda'])").first
    linked = row.get_attribute("data-pledge")
    row.locator("select[name=agendaItemId]").select_option(str(item["id"]))
    row.locator("[data-action='save-agenda']").click()
    page.wait_for_selector("main .wg-form-messages .wg-alert--success")
    pledges = world.api(coordinator, f"/dialogues/{dialogue_id}/pledges").json()
    assert {str(p["id"]): p["agendaItemId"] for p in pledges}[linked] == item["id"]
    shots.check(page, "context-07-pledges-linked")
    # One pledge is fewer than the municipality's group size: the agenda says "fewer than k";
    # with k of them linked (the rest through the API) it shows the count.
    k = httpx.get(world.url(f"/api/v1/municipalities/{CODE}")).json()["minGroupSize"]
    open_dialogue_page(page, dialogue_id, "agenda", f"{card} [data-fact='contributions']")
    assert f"minder dan {k}" in page.inner_text(f"{card} [data-fact='contributions']")
    unlinked = [p for p in pledges if not p["contact"] and str(p["id"]) != linked][: k - 1]
    assert len(unlinked) == k - 1
    for pledge in unlinked:
        done = httpx.patch(
            world.url(f"/api/v1/pledges/{pledge['id']}"),
            json={"agendaItemId": item["id"]},
            headers=as_coordinator,
        )
        assert done.status_code == 200, done.text
    page.reload()
    page.wait_for_selector(f"{card} [data-fact='contributions']")
    assert f"{k} toezeggingen van inwoners" in page.inner_text(
        f"{card} [data-fact='contributions']"
    )

    page.click("#wg-agenda-new")
    page.fill("#wg-ai-title", "Een punt dat niet doorgaat")
    page.check(f"#wg-ai-priorities input[value='{priorities[2]['id']}']")
    page.click("#wg-ai-save")
    page.wait_for_function(
        "() => document.querySelectorAll('#wg-agenda li[data-item]').length === 2"
    )
    other = page.locator("#wg-agenda li[data-item]").nth(1)
    other.locator("[data-action='delete']").focus()
    page.keyboard.press("Enter")
    other.locator("[data-action='confirm-delete']").wait_for()
    keep = page.evaluate("() => document.activeElement.dataset.action")
    assert keep == "keep"  # the safe answer has the focus
    other.locator("[data-action='confirm-delete']").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#wg-agenda li[data-item]').length === 1"
    )
    assert len(world.api(coordinator, f"/dialogues/{dialogue_id}/agenda").json()["items"]) == 1
    shots.check(page, "context-06-agenda")

    # --- Reporting back: publishing with a priority unanswered is explained, then done ---
    open_dialogue_page(page, dialogue_id, "report-back", "#wg-rb-form")
    decisions = ["adopted", "partly", "notAdopted"]
    reasons = {}
    for index, priority in enumerate(priorities):
        reasons[priority["id"]] = (
            f"Besluit over {priority['title']}: zo doen we het.",
            f"Decision on priority {index + 1}: this is how we do it.",
        )
    for index, priority in enumerate(priorities[:-1]):
        base = f"#wg-rb-{priority['id']}"
        page.check(f"{base}-decision input[value='{decisions[index % 3]}']")
        page.fill(f"{base}-reason", reasons[priority["id"]][0])
        page.fill(f"{base}-reason-en", reasons[priority["id"]][1])
    page.click("#wg-rb-publish")
    page.wait_for_selector("#wg-rb-messages .wg-alert--error")
    assert priorities[-1]["title"] in page.inner_text("#wg-rb-messages")
    focused = page.evaluate(
        "() => document.activeElement.closest('[data-priority]').dataset.priority"
    )
    assert focused == str(priorities[-1]["id"])  # focus goes to what is missing
    shots.check(page, "context-08-report-back-incomplete")
    last = f"#wg-rb-{priorities[-1]['id']}"
    page.check(f"{last}-decision input[value='adopted']")
    page.fill(f"{last}-reason", reasons[priorities[-1]["id"]][0])
    page.fill(f"{last}-reason-en", reasons[priorities[-1]["id"]][1])
    # The dialogue still runs: the API refuses to publish, and the page says why and what to do.
    page.click("#wg-rb-publish")
    page.wait_for_selector("#wg-rb-conflict")
    assert "loopt tot en met" in page.inner_text("#wg-rb-conflict")
    shots.check(page, "context-09-report-back-not-ended")
    page.click("#wg-rb-save")
    page.wait_for_selector("#wg-rb-messages .wg-alert--success")
    assert httpx.get(world.url(f"/api/v1/dialogues/{dialogue_id}/report-back")).status_code == 404

    world.end_dialogue()
    page.click("#wg-rb-publish")
    page.wait_for_selector("#wg-rb-withdraw:not([hidden])")
    page.wait_for_selector("#wg-rb-status .wg-alert--success")
    shots.check(page, "context-10-report-back")
    public = httpx.get(world.url(f"/api/v1/dialogues/{dialogue_id}/report-back"))
    assert public.status_code == 200, public.text

    # --- An anonymous visitor's public page, in Dutch and in English (by the phone's language) ---
    for locale, index, title in (
        ("nl-NL", 0, "Groen schoolplein Kadewijk"),
        ("en-GB", 1, "Green schoolyard Kadewijk"),
    ):
        visitor = new_context(locale=locale).new_page()
        visitor.goto(world.url(f"/d/{dialogue_id}"))
        visitor.wait_for_selector("#wg-report-back")
        visitor.wait_for_selector("#wg-agenda")
        responses = visitor.inner_text("#wg-report-back")
        for texts in reasons.values():
            assert texts[index] in responses, (locale, texts[index])
        assert title in visitor.inner_text("#wg-agenda"), locale
        assert axe_violations(visitor, axe) == [], locale

    # --- The participation report, public now that the report back is: every section ---
    report_page = httpx.get(
        world.url(f"/api/v1/dialogues/{dialogue_id}/participation-report?lang=nl")
    )
    assert report_page.status_code == 200, report_page.text
    for section in SECTIONS:
        assert f'id="{section}"' in report_page.text, section
    assert "Groen schoolplein Kadewijk" in report_page.text

    # --- The same pages in English ---
    page.click("#wg-language")
    page.wait_for_selector("html[lang='en'] #wg-rb-form")
    shots.check(page, "context-11-report-back-english")
    go(page, "photo", "html[lang='en'] #wg-photo-headline")
    page.wait_for_selector(".wg-photo-table")
    shots.check(page, "context-12-photo-english")

    shots.assert_clean(minimum=12)
