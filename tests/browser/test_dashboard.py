# ruff: noqa: F811  (the fixtures imported from staff_fixtures are used as parameters)
"""The municipal dashboard in a real browser: sign-in, dialogue choice, ranked tables equal
to the API's figures, suppression, filters, the map, CSV, pledges, the print report, axe."""

import re

import pytest
from playwright.sync_api import expect

from api.core.access import SYSTEM
from api.dialogues import service as dialogues
from api.dialogues.schemas import DialogueCreate, PriorityCreate
from tests.browser.staff_fixtures import (
    ATTRIBUTION,
    axe_violations,
    ended_staff_world,  # noqa: F401  (fixture)
    nl_interval,
    nl_rank,
    nl_score,
    nl_share,
    sign_in,
    staff_page,  # noqa: F401  (fixture)
    staff_world,  # noqa: F401  (fixture)
)
from tests.helpers import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

SUPPRESSED = re.compile(
    r"Minder dan 10 bewoners, of niemand — niet getoond om hun privacy te beschermen"
    r"|Verborgen om een kleine groep elders te beschermen"
)


def group_selector(key: str) -> str:
    return f"[data-group='{key}']"


def table_rows(page, scope: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{scope} table.wg-table--results tbody tr",
        "rows => rows.map(r => [...r.children].map(c => c.querySelector('.wg-priority-title') "
        "? c.querySelector('.wg-priority-title').textContent : c.textContent.trim()))",
    )


def expected_rows(results: dict, group: dict) -> list[list[str]]:
    titles = {p["id"]: p["title"] for p in results["priorities"]}
    ranked = sorted(group["priorities"], key=lambda p: (p["schulzeRank"], -p["score"]))
    return [
        [
            str(p["schulzeRank"]),
            titles[p["id"]],
            nl_score(p["score"]),
            nl_interval(p["scoreLow"], p["scoreHigh"]),
            nl_share(p["firstChoiceShare"]),
            nl_share(p["topThreeShare"]),
            nl_rank(p["meanRank"]),
        ]
        for p in ranked
    ]


def open_dashboard(page, world):
    sign_in(page, world, f"/dashboard/?dialogue={world.dialogue_id}", world.analyst)
    page.wait_for_selector("#results table.wg-table--results")
    page.wait_for_selector("#trends table, #trends p:not(.wg-loading)")


def test_sign_in_choose_a_dialogue_and_the_tables_equal_the_api(staff_page, staff_world, db):
    world = staff_world
    dialogues.create_dialogue(
        db,
        dialogue=DialogueCreate(
            municipality="GM9999",
            title="Brede welvaart Welvaartstad 2025",
            startsOn="2025-03-01",
            endsOn="2025-06-01",
            priorities=[
                PriorityCreate(title="Meer groen en schaduw in de wijk", themeKey="milieu"),
                PriorityCreate(title="Huisarts en zorg dichtbij", themeKey="gezondheid"),
            ],
        ),
        actor=SYSTEM,
    )
    db.commit()
    page = staff_page()
    page.goto(world.url("/dashboard/"))
    page.fill("input[name=username]", world.analyst)
    page.fill("input[name=password]", "wrong password")
    page.click("#wg-signin-submit")
    page.wait_for_selector(".wg-problem")  # the API's detail, shown plainly
    sign_in(page, world, "/dashboard/", world.analyst)

    # The token lives in sessionStorage only.
    storage = page.evaluate("() => [Object.keys(sessionStorage), Object.keys(localStorage)]")
    assert "wg.staff.session" in storage[0]
    assert all("session" not in key and "token" not in key for key in storage[1])

    page.wait_for_selector("#wg-dialogues")
    expect(page.locator("#wg-dialogues a")).to_have_count(2)
    page.click(f"#wg-dialogues a[data-dialogue='{world.dialogue_id}']")
    page.wait_for_selector("#results table.wg-table--results")
    assert f"dialogue={world.dialogue_id}" in page.url

    results = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=neighbourhood"
    ).json()
    whole = next(g for g in results["groups"] if g["kind"] == "dialogue")
    assert table_rows(page, group_selector("dialogue")) == expected_rows(results, whole)
    facts = page.inner_text("#wg-facts")
    assert str(results["totalBallots"]) in facts

    # Every wijk is shown open, each buurt on request: the numbers are the API's.
    for wijk in (g for g in results["groups"] if g["kind"] == "wijk"):
        assert table_rows(page, group_selector(wijk["key"])) == expected_rows(results, wijk)
    buurt = next(g for g in results["groups"] if g["kind"] == "buurt" and not g["suppressed"])
    page.click(f"{group_selector(buurt['key'])} summary")
    assert table_rows(page, group_selector(buurt["key"])) == expected_rows(results, buurt)
    assert f"{buurt['ballots']} bewoners" in page.inner_text(group_selector(buurt["key"]))

    # Pledges: totals as the API has them.
    summary = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/pledges/summary?groupBy=neighbourhood"
    ).json()
    overall = next(g for g in summary["groups"] if g["key"] == "dialogue")
    row = page.locator("#wg-pledges-table tr[data-group='dialogue']").inner_text()
    assert str(overall["pledgers"]) in row and str(overall["totals"]["pledges"]) in row

    # Sign out: the sign-in form is back, the token gone.
    page.click("#wg-sign-out")
    page.wait_for_selector("input[name=username]")
    assert page.evaluate("() => sessionStorage.getItem('wg.staff.session')") is None


def test_filters_change_the_request_and_the_view(staff_page, ended_staff_world):
    world = ended_staff_world
    page = staff_page()
    open_dashboard(page, world)
    assert not SUPPRESSED.search(page.inner_text("#results"))

    with page.expect_request(lambda r: "/results?" in r.url and "ageBand=12-17" in r.url) as req:
        page.select_option("#wg-filter-ageBand", "12-17")
        page.click("#wg-filters-apply")
    assert "groupBy=neighbourhood" in req.value.url
    page.wait_for_function(
        "() => document.querySelector('#results') && document.querySelector('#results').innerText.includes('12 tot en met 17 jaar')"
    )
    page.wait_for_selector("#results table.wg-table--results")
    assert "ageBand=12-17" in page.url

    results = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=neighbourhood&ageBand=12-17"
    ).json()
    suppressed = [g for g in results["groups"] if g["suppressed"]]
    assert suppressed, "the filter should leave small groups"
    for group in suppressed:
        shown = page.locator(f"#results {group_selector(group['key'])}")
        assert shown.get_attribute("data-suppressed") == "true"
        assert SUPPRESSED.search(shown.inner_text())
        expect(shown.locator("table")).to_have_count(0)
    whole = next(g for g in results["groups"] if g["kind"] == "dialogue")
    assert table_rows(page, group_selector("dialogue")) == expected_rows(results, whole)

    # Per session, only libraries: the simulated ballots were all cast at a community centre.
    with page.expect_request(lambda r: "groupBy=session" in r.url and "venueKind=library" in r.url):
        page.select_option("#wg-filter-groupBy", "session")
        page.select_option("#wg-filter-venueKind", "library")
        page.select_option("#wg-filter-ageBand", "")
        page.click("#wg-filters-apply")
    page.wait_for_function(
        "() => document.querySelector('#results').innerText.includes('alleen Bibliotheek')"
    )
    # No library ballots: its sessions look like any small group (empty and small look alike).
    page.wait_for_selector("#results [data-group='dialogue'][data-suppressed='true']")
    assert SUPPRESSED.search(page.inner_text("#results [data-group='dialogue']"))

    # Per kind of place: the kind filter pauses (the API shows one group when filtering on it).
    page.select_option("#wg-filter-groupBy", "venueKind")
    assert page.locator("#wg-filter-venueKind").is_disabled()
    assert page.locator("#wg-filter-venueKind-paused").is_visible()
    with page.expect_request(
        lambda r: "groupBy=venueKind" in r.url and "venueKind=" not in r.url.split("groupBy")[1]
    ):
        page.click("#wg-filters-apply")
    page.wait_for_selector("#results [data-group='community_centre']")
    assert "Buurthuis" in page.inner_text("#results [data-group='community_centre']")

    # An expired sign-in (any 401) brings back the form; signing in again restores the view.
    page.evaluate(
        "() => { const s = JSON.parse(sessionStorage.getItem('wg.staff.session')); "
        "s.accessToken = 'not-a-token'; sessionStorage.setItem('wg.staff.session', JSON.stringify(s)); }"
    )
    page.click("#wg-filters-apply")
    page.wait_for_selector("input[name=username]")
    assert "inlog is verlopen" in page.inner_text("main")
    page.fill("input[name=username]", world.analyst)
    page.fill("input[name=password]", PASSWORD)
    page.click("#wg-signin-submit")
    page.wait_for_selector("#results [data-group='community_centre']")
    assert "groupBy=venueKind" in page.url


def test_map_coloured_by_the_chosen_priority_and_csv_download(
    staff_page, ended_staff_world, tmp_path
):
    world = ended_staff_world
    page = staff_page(accept_downloads=True)
    open_dashboard(page, world)
    page.wait_for_selector("#map svg.wg-map__svg")
    shapes = world.api(world.analyst, "/municipalities/GM9999/neighbourhoods?format=geojson").json()
    with_geometry = {f["properties"]["code"] for f in shapes["features"] if f["geometry"]}
    areas = page.locator("#map svg.wg-map__svg .wg-map__area")
    assert areas.count() == len(with_geometry) == 6
    assert {areas.nth(i).get_attribute("data-code") for i in range(areas.count())} == with_geometry
    expect(page.locator("#map .wg-map__svg path")).to_have_count(6)
    assert f"Kaartgegevens: {ATTRIBUTION}" in page.inner_text("#map")

    results = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=neighbourhood"
    ).json()
    groups = {g["key"]: g for g in results["groups"]}

    def check_colours(priority_id: int) -> None:
        page.wait_for_selector(f"#map svg[data-priority='{priority_id}']")
        scores, classes = {}, {}
        for i in range(areas.count()):
            area = areas.nth(i)
            code = area.get_attribute("data-code")
            figure = next(p for p in groups[code]["priorities"] if p["id"] == priority_id)
            assert float(area.get_attribute("data-score")) == pytest.approx(figure["score"])
            scores[code], classes[code] = figure["score"], int(area.get_attribute("data-class"))
        ordered = sorted(scores, key=scores.get)
        assert classes[ordered[0]] == 0 and classes[ordered[-1]] == 4  # lowest light, highest dark
        assert [classes[c] for c in ordered] == sorted(classes[c] for c in ordered)
        fills = {
            page.eval_on_selector(f"#map [data-code='{c}'] path", "e => getComputedStyle(e).fill")
            for c in ordered
        }
        assert len(fills) == len(set(classes.values()))

    top = int(page.locator("#map select").input_value())
    check_colours(top)
    other = next(pid for pid in world.priorities if pid != top)
    page.select_option("#map select", str(other))
    check_colours(other)
    assert f"priority={other}" in page.url

    # Focus shows the area's name and score; the table alternative has every area.
    page.mouse.move(0, 0)
    first = areas.first
    first.focus()
    code = first.get_attribute("data-code")
    figure = next(p for p in groups[code]["priorities"] if p["id"] == other)
    assert nl_score(figure["score"]) in page.inner_text("#map .wg-map__caption")
    assert nl_score(figure["score"]) in first.get_attribute("aria-label")
    expect(page.locator("#map .wg-map__table tbody tr")).to_have_count(6)

    # A filter that leaves small groups hatches them on the map.
    page.select_option("#wg-filter-ageBand", "12-17")
    page.click("#wg-filters-apply")
    page.wait_for_selector("#map [data-state='suppressed']")
    assert page.locator("#map [data-state='suppressed'] path[fill^='url(#hatch']").count() >= 1

    # CSV of the breakdown by age: the file the API gives.
    page.select_option("#wg-filter-groupBy", "ageBand")
    page.click("#wg-filters-apply")
    page.wait_for_selector("#results [data-group='65+']")
    with page.expect_download() as info:
        page.click("#wg-csv")
    download = info.value
    assert download.suggested_filename == f"welvaartgesprek-{world.dialogue_id}-ageBand.csv"
    saved = tmp_path / "results.csv"
    download.save_as(saved)
    expected = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=ageBand", accept="text/csv"
    )
    assert saved.read_bytes() == expected.content
    assert saved.read_bytes().startswith("\ufeffgroup_key;".encode())
    page.wait_for_selector("#wg-csv-status .wg-alert--success")


def test_print_report(staff_page, staff_world, tmp_path):
    world = staff_world
    page = staff_page()
    open_dashboard(page, world)
    page.click("#wg-report-link")
    page.wait_for_selector("#wg-report h1")
    page.wait_for_selector("#wg-report .wg-map__svg")
    page.emulate_media(media="print")
    assert page.locator("#wg-header").is_hidden()
    assert page.locator("#wg-print").is_hidden()
    report = page.inner_text("#wg-report")
    for part in (
        "Rapport: Brede welvaart Welvaartstad 2027",
        "Wat betekenen de cijfers?",
        "Privacy: kleine groepen tonen we niet",
        "De ranglijst van alle bewoners samen",
        "Per wijk",
        "Wijk Centrum",
        "Wijk Noord",
        "Kaart",
        f"Kaartgegevens: {ATTRIBUTION}",
        "Wat willen bewoners zelf doen?",
    ):
        assert part in report, part
    results = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=neighbourhood"
    ).json()
    whole = next(g for g in results["groups"] if g["kind"] == "dialogue")
    assert table_rows(page, "#wg-report")[: len(whole["priorities"])] == expected_rows(
        results, whole
    )
    top = min(whole["priorities"], key=lambda p: p["schulzeRank"])
    assert (
        page.locator("#wg-report .wg-report__top li").first.inner_text()
        == world.priorities[top["id"]]
    )
    expect(page.locator("#wg-report .wg-map__area")).to_have_count(6)
    pdf = page.pdf(format="A4")
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3


def test_axe_finds_no_violations_on_any_dashboard_view(staff_page, ended_staff_world, axe):
    world = ended_staff_world
    page = staff_page()
    found = {}
    page.goto(world.url("/dashboard/"))
    page.wait_for_selector("input[name=username]")
    page.click("#wg-signin-submit")  # empty: the error state
    page.wait_for_selector(".wg-alert--error")
    found["sign-in"] = axe_violations(page, axe)

    open_dashboard(page, world)
    page.wait_for_selector("#map svg.wg-map__svg")
    # One of each kind of collapsed part is enough for axe (the rest are the same markup).
    for summary in (
        ".wg-group__details > summary",
        ".wg-explain > summary",
        ".wg-map__table > summary",
    ):
        page.locator(summary).first.click()
    page.wait_for_selector(".wg-group__details[open] table")
    page.locator("#map .wg-map__area").first.focus()
    found["results, map, pledges, trends"] = axe_violations(page, axe)

    page.select_option("#wg-filter-ageBand", "12-17")
    page.click("#wg-filters-apply")
    page.wait_for_selector("#results [data-suppressed='true']")
    page.wait_for_selector("#trends table")
    found["filtered (suppressed)"] = axe_violations(page, axe)

    page.click("#wg-language")  # English
    page.wait_for_selector("html[lang='en'] #trends table")
    page.click("#wg-report-link")
    page.wait_for_selector("#wg-report .wg-map__svg")
    found["report (English)"] = axe_violations(page, axe)
    assert {view: v for view, v in found.items() if v} == {}


LIFE = {
    "nl-NL": ("Tevredenheid met het leven: {mean} gemiddeld", "({answered} antwoorden)", ","),
    "en-GB": ("Life satisfaction: {mean} on average", "({answered} answers)", "."),
}


@pytest.mark.parametrize("locale", ["nl-NL", "en-GB"])
def test_groups_by_how_people_take_part_with_life_satisfaction_after_the_end(
    staff_page, ended_staff_world, axe, locale
):
    world = ended_staff_world
    page = staff_page(locale=locale)
    open_dashboard(page, world)
    page.select_option("#wg-filter-groupBy", "participantType")
    assert page.locator("#wg-filter-venueKind").is_disabled()
    assert page.locator("#wg-filter-ageBand").is_disabled()
    with page.expect_request(
        lambda r: "groupBy=participantType" in r.url and "ageBand" not in r.url
    ):
        page.click("#wg-filters-apply")
    page.wait_for_selector("#results [data-group='resident']")
    results = world.api(
        world.analyst, f"/dialogues/{world.dialogue_id}/results?groupBy=participantType"
    ).json()
    for group in results["groups"]:
        shown = page.locator(f"#results {group_selector(group['key'])}")
        assert shown.get_attribute("data-suppressed") == str(group["suppressed"]).lower()
        if group["suppressed"] and locale == "nl-NL":
            assert SUPPRESSED.search(shown.inner_text())
    whole = next(g for g in results["groups"] if g["kind"] == "dialogue")
    life = whole["lifeSatisfaction"]
    assert life is not None
    mean_text, answered_text, decimal = LIFE[locale]
    mean = f"{life['mean']:.1f}".replace(".", decimal)
    text = page.inner_text("#results [data-group='dialogue'] .wg-life")
    assert mean_text.format(mean=mean) in text
    assert answered_text.format(answered=life["answered"]) in text
    page.locator("#results .wg-group__details > summary").first.click()
    assert axe_violations(page, axe) == []
