"""Screenshots of the staff pages (dashboard and facilitator console) for docs/screenshots/.

Runs on its own, against a throw-away SQLite database with the demo world, simulated ballots,
pledges and an older dialogue (for the trends):

    .venv/bin/python -m tests.browser.staff_screenshots

Writes PNG files to docs/screenshots/dashboard/ and docs/screenshots/console/, and (once the
dialogue has ended, with the demo agenda and its report back) docs/screenshots/report/ and
docs/screenshots/public/03-05.
"""

from __future__ import annotations

import random
import secrets
import sys
import tempfile
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from pwdlib import PasswordHash  # noqa: E402
from pwdlib.hashers.argon2 import Argon2Hasher  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import select  # noqa: E402

from api.ballots import service as ballots  # noqa: E402
from api.ballots.schemas import BallotPut  # noqa: E402
from api.core import security  # noqa: E402
from api.core.access import SYSTEM  # noqa: E402
from api.core.config import Settings  # noqa: E402
from api.core.db import create_db_engine, open_session, utcnow  # noqa: E402
from api.core.migrations import upgrade_to_head  # noqa: E402
from api.demo.agenda import load_demo_agenda  # noqa: E402
from api.demo.service import DEMO_DIALOGUE  # noqa: E402
from api.dialogues import service as dialogues  # noqa: E402
from api.dialogues.models import Dialogue  # noqa: E402
from api.dialogues.schemas import DialogueCreate, PriorityCreate  # noqa: E402
from api.main import create_app  # noqa: E402
from api.municipalities.models import Municipality  # noqa: E402
from api.results.refresher import refresh_all  # noqa: E402
from api.sessions import service as sessions  # noqa: E402
from api.sessions.ballot_box import AgeBand  # noqa: E402
from api.sessions.models import CheckInMode, SessionStatus  # noqa: E402
from api.sessions.schemas import SessionCreate, SessionUpdate  # noqa: E402
from api.venues.models import Venue  # noqa: E402
from tests.browser.staff_fixtures import DESKTOP, StaffWorld, build_world  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, PASSWORD, served  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def older_dialogue(db, *, ballots_count: int = 80) -> None:
    """A finished 2025 dialogue with the same priorities, so the trends have two points."""
    demo = db.exec(select(Dialogue).where(Dialogue.title == DEMO_DIALOGUE)).one()
    priorities = dialogues.priorities_public(db, dialogue_id=demo.id)
    old = dialogues.create_dialogue(
        db,
        dialogue=DialogueCreate(
            municipality="GM9999",
            title="Brede welvaart Welvaartstad 2025",
            startsOn=date(2025, 3, 1),
            endsOn=date(2025, 6, 30),
            priorities=[
                PriorityCreate(title=p.title, description=p.description, themeKey=p.theme_key)
                for p in priorities
            ],
        ),
        actor=SYSTEM,
    )
    venue = db.exec(select(Venue).where(Venue.name == "Bibliotheek Welvaartstad")).one()
    now = utcnow()
    row = sessions.create_session(
        db,
        dialogue=old,
        body=SessionCreate(
            venueId=venue.id,
            title="Inloopavond 2025",
            startsAt=now - timedelta(hours=3),
            endsAt=now + timedelta(hours=1),
        ),
        actor=SYSTEM,
    )
    sessions.update_session(
        db, row=row, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM
    )
    row.ends_at = now - timedelta(hours=1)  # it ran over time: the evening has passed
    db.add(row)
    target = sessions.open_dialogue_session_for_writes(db, session_id=row.id)
    ids = [p.id for p in dialogues.priorities_of(db, dialogue_id=old.id)]
    rng = random.Random(2025)
    appeal = {pid: rng.random() for pid in ids}
    buurten = ["BU99990101", "BU99990102", "BU99990103", "BU99990201", "BU99990202", "BU99990203"]
    for _ in range(ballots_count):
        participant = sessions.create_simulated_participant(db, session_id=row.id)
        order = sorted(ids, key=lambda pid: -appeal[pid] * rng.random())
        ballots.store_ballot(
            db,
            participant_id=participant,
            target=target,
            ballot=BallotPut(
                ranking=order[:3],
                neighbourhoodCode=rng.choice(buurten),
                ageBand=rng.choice(list(AgeBand)),
            ),
        )
    db.commit()
    sessions.update_session(
        db,
        row=db.get(type(row), row.id),
        changes=SessionUpdate(status=SessionStatus.CLOSED),
        actor=SYSTEM,
    )
    db.commit()


def sign_in(page, world: StaffWorld, path: str, email: str) -> None:
    page.goto(world.url(path))
    page.wait_for_selector("input[name=username]")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#wg-signin-submit")
    page.wait_for_selector("#wg-sign-out")


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def shoot(target, name: str, **options) -> None:
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(path), **options)
    print("wrote", path.relative_to(ROOT))


def dashboard(browser, world: StaffWorld) -> None:
    context = browser.new_context(locale="nl-NL", viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    page.goto(world.url("/dashboard/"))
    page.wait_for_selector("input[name=username]")
    shoot(page, "dashboard/01-sign-in.png")
    sign_in(page, world, "/dashboard/", world.analyst)
    page.wait_for_selector("#wg-dialogues")
    shoot(page, "dashboard/02-choose-dialogue.png")
    page.click(f"#wg-dialogues a[data-dialogue='{world.dialogue_id}']")
    page.wait_for_selector("#trends table")
    settle(page)
    shoot(page, "dashboard/03-results-overview.png")
    shoot(
        page.locator("#results [data-group='dialogue']"), "dashboard/04-ranking-whole-dialogue.png"
    )
    wijk = page.locator(".wg-wijk").first
    wijk.locator("details > summary").first.click()
    shoot(wijk, "dashboard/05-wijk-with-buurten.png")
    shoot(page.locator("#map"), "dashboard/06-map.png")
    page.locator("#map .wg-map__area").nth(1).focus()
    shoot(page.locator("#map .wg-map__canvas"), "dashboard/07-map-focus.png")
    shoot(page.locator("#pledges"), "dashboard/08-pledges.png")
    shoot(page.locator("#trends"), "dashboard/09-trends.png")
    page.select_option("#wg-filter-ageBand", "12-17")
    page.click("#wg-filters-apply")
    page.wait_for_selector("#results [data-suppressed='true']")
    settle(page)
    page.locator("#wg-filters").scroll_into_view_if_needed()
    shoot(page.locator("#results"), "dashboard/10-filtered-with-suppression.png")
    shoot(page.locator("#map"), "dashboard/11-map-with-suppression.png")
    page.select_option("#wg-filter-ageBand", "")
    page.click("#wg-filters-apply")
    page.wait_for_selector("#trends table")
    page.click("#wg-report-link")
    page.wait_for_selector("#wg-report .wg-map__svg")
    settle(page)
    shoot(page, "dashboard/12-report-screen.png")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shoot(page, "dashboard/13-report-print.png", full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size(DESKTOP)
    page.click("#wg-language")
    page.wait_for_selector("html[lang='en'] #wg-report .wg-map__svg")
    page.click("#wg-report-back")
    page.wait_for_selector("#trends table")
    settle(page)
    shoot(page, "dashboard/14-results-english.png")
    phone = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 844}, device_scale_factor=1
    ).new_page()
    sign_in(phone, world, f"/dashboard/?dialogue={world.dialogue_id}", world.analyst)
    phone.wait_for_selector("#trends table")
    settle(phone)
    shoot(phone, "dashboard/15-phone.png")
    phone.context.close()
    context.close()
    for locale, name in (
        ("nl-NL", "16-by-how-people-take-part"),
        ("en-GB", "17-by-how-people-take-part-english"),
    ):
        by_type(browser, world, locale, f"dashboard/{name}.png")


def by_type(browser, world: StaffWorld, locale: str, name: str) -> None:
    """Results grouped by how people take part, with life satisfaction (after the end)."""
    context = browser.new_context(locale=locale, viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    sign_in(
        page,
        world,
        f"/dashboard/?dialogue={world.dialogue_id}&groupBy=participantType",
        world.analyst,
    )
    page.wait_for_selector("#results [data-group='dialogue'] .wg-life")
    page.wait_for_selector("#trends table")
    settle(page)
    page.locator("#results .wg-group__details > summary").first.click()
    shoot(page.locator("#results"), name)
    context.close()


def report_and_public(browser, world: StaffWorld) -> None:
    """The participation report (nl, en) and the public page with the report back (phone)."""
    with open_session(world.engine) as db:
        db.execute(text("DELETE FROM agenda_items"))
        load_demo_agenda(db, municipality=db.exec(select(Municipality)).one())
        db.commit()
    authorised = {"Authorization": f"Bearer {world.token(world.analyst)}"}
    for language, name in (("nl", "participatieverslag-nl"), ("en", "participation-report-en")):
        context = browser.new_context(
            locale="nl-NL", viewport=DESKTOP, device_scale_factor=1, extra_http_headers=authorised
        )
        page = context.new_page()
        page.goto(
            world.url(f"/api/v1/dialogues/{world.dialogue_id}/participation-report?lang={language}")
        )
        page.wait_for_selector("#method")
        settle(page)
        shoot(page, f"report/{name}.png", full_page=True)
        context.close()
    for locale, parts in (
        ("nl-NL", (("#wg-report-back", "03-report-back"), ("#wg-agenda", "05-agenda"))),
        ("en-GB", (("#wg-report-back", "04-report-back-english"),)),
    ):
        context = browser.new_context(
            locale=locale, viewport={"width": 375, "height": 667}, device_scale_factor=1
        )
        page = context.new_page()
        page.goto(world.url(f"/d/{world.dialogue_id}"))
        page.wait_for_selector("#wg-report-back")
        page.wait_for_selector("#wg-agenda")
        settle(page)
        for selector, name in parts:
            shoot(page.locator(selector), f"public/{name}.png")
        context.close()


def console(browser, world: StaffWorld, rotating_id: int) -> None:
    context = browser.new_context(locale="nl-NL", viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    page.goto(world.url("/console/"))
    page.wait_for_selector("input[name=username]")
    shoot(page, "console/01-sign-in.png")
    sign_in(page, world, f"/console/?dialogue={world.dialogue_id}", world.facilitator)
    page.wait_for_selector("#wg-sessions")
    settle(page)
    shoot(page, "console/02-sessions.png")
    page.click("#wg-new-session")
    page.wait_for_selector("#wg-new-session-form")
    page.fill("#wg-end", "18:00")
    page.click("#wg-create")
    page.wait_for_selector("#wg-end[aria-invalid='true']")
    shoot(page, "console/03-new-session-errors.png", full_page=True)
    page.select_option("#wg-venue", index=2)
    page.fill("#wg-title", "Avond in De Schakel")
    page.fill("#wg-end", "21:30")
    shoot(page, "console/04-new-session.png", full_page=True)
    page.click("#wg-create")
    page.wait_for_selector(".wg-flash .wg-alert--success")
    shoot(page, "console/05-session-planned.png")
    page.click(f"#wg-sessions li[data-session='{world.live_session_id}'] [data-action='close']")
    shoot(
        page.locator(f"#wg-sessions li[data-session='{world.live_session_id}']"),
        "console/06-close-confirmation.png",
    )
    page.click(
        f"#wg-sessions li[data-session='{world.live_session_id}'] .wg-alert button.wg-button--secondary"
    )
    with context.expect_page() as tab:
        page.click(
            f"#wg-sessions li[data-session='{world.live_session_id}'] [data-action='poster']"
        )
    poster = tab.value
    poster.wait_for_url("blob:**")
    poster.wait_for_selector(".wg-poster-tools button")
    poster.set_viewport_size({"width": 900, "height": 1250})
    shoot(poster, "console/07-poster.png")
    poster.close()
    with context.expect_page() as tab:
        page.click(
            f"#wg-sessions li[data-session='{world.live_session_id}'] [data-action='paper-ballot']"
        )
    paper = tab.value
    paper.wait_for_url("blob:**")
    paper.wait_for_selector(".wg-poster-tools button")
    paper.set_viewport_size({"width": 900, "height": 1250})
    paper.eval_on_selector(".wg-poster-tools", "e => { e.hidden = true; }")  # as printed
    shoot(paper.locator("#copy-nl"), "console/14-paper-ballot-print.png")
    shoot(paper.locator("#copy-ar"), "console/15-paper-ballot-print-arabic.png")
    paper.close()

    big_context = browser.new_context(
        locale="nl-NL", viewport={"width": 1920, "height": 1080}, device_scale_factor=1
    )
    launcher = big_context.new_page()
    sign_in(
        launcher,
        world,
        f"/console/?session={world.live_session_id}&view=projector",
        world.facilitator,
    )

    def projector_window(session_id: int):
        launcher.goto(world.url(f"/console/?session={session_id}&view=projector"))
        launcher.wait_for_selector("[data-action='projector']")
        with big_context.expect_page() as window:
            launcher.click("[data-action='projector']")
        big = window.value
        big.wait_for_selector("#wg-projector")
        return big

    big = projector_window(world.live_session_id)
    big.wait_for_function("() => (document.querySelector('#wg-qr') || {}).naturalWidth > 0")
    big.wait_for_selector("#wg-connection:has-text('Live')")
    shoot(big, "console/08-projector.png")
    big.close()
    big = projector_window(world.simulation_session_id)
    big.wait_for_selector("#wg-room-results .wg-bars")
    big.locator("#wg-room-results").scroll_into_view_if_needed()
    shoot(big, "console/09-projector-room-results.png")
    big.close()
    big = projector_window(rotating_id)
    big.wait_for_selector("#wg-countdown:has-text('Nieuwe code')")
    big.wait_for_function("() => (document.querySelector('#wg-qr') || {}).naturalWidth > 0")
    shoot(big, "console/10-projector-rotating-code.png")
    big_context.close()

    public = browser.new_context(locale="nl-NL", viewport=DESKTOP, device_scale_factor=1)
    page_ = public.new_page()
    page_.goto(world.url(f"/d/{world.dialogue_id}"))
    page_.wait_for_selector("#wg-ranking")
    shoot(page_, "public/01-dialogue-page.png", full_page=True)
    page_.goto(world.url(f"/d/{world.dialogue_id}?lang=ar"))
    page_.wait_for_selector("#wg-ranking")
    shoot(page_, "public/02-dialogue-page-arabic.png", full_page=True)
    public.close()

    page.goto(world.url(f"/console/?session={world.live_session_id}&view=ballots"))
    page.wait_for_selector("#wg-ballot-form")
    for index in (3, 0, 5):
        page.locator("#wg-rest li button").nth(index).click()
    page.locator("#wg-ranking li").nth(2).locator("[data-action='up']").click()
    page.select_option("#wg-neighbourhood", "BU99990202")
    page.select_option("#wg-age", "65+")
    shoot(page, "console/11-paper-ballot.png", full_page=True)
    page.click("#wg-save-ballot")
    page.wait_for_selector("#wg-ballot-messages .wg-alert--success")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "console/12-paper-ballot-saved.png")
    for index in (1, 2):
        page.locator("#wg-rest li button").nth(index).click()
    page.select_option("#wg-pledge-kind", "time")
    page.fill("#wg-pledge-hours", "2")
    page.fill("#wg-pledge-text", "Voorlezen aan kinderen in de bibliotheek")
    page.click("#wg-save-ballot")
    page.wait_for_selector("#wg-entered-list tbody tr:nth-child(2)")
    page.locator("#wg-entered-list tbody tr").first.locator("[data-action='void']").click()
    page.wait_for_selector("#wg-entered-list tr[data-voided='true']")
    shoot(page.locator("#wg-entered-list"), "console/16-paper-ballots-typed-in.png")

    phone = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 844}, device_scale_factor=1
    ).new_page()
    sign_in(phone, world, f"/console/?dialogue={world.dialogue_id}", world.facilitator)
    phone.wait_for_selector("#wg-sessions")
    settle(phone)
    shoot(phone, "console/13-sessions-phone.png")
    phone.context.close()
    context.close()


def main() -> None:
    security._password_hash = PasswordHash(
        (Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),)
    )
    work = Path(tempfile.mkdtemp(prefix="wg-screens-"))
    url = f"sqlite:///{work / 'screens.db'}"
    upgrade_to_head(url)
    engine = create_db_engine(url)
    settings = Settings(
        database_url=url,
        secret_key=secrets.token_urlsafe(48),
        data_dir=work,
        public_url="https://welvaartstad.example",
        results_refresh_seconds=0,
    )
    serving = ExitStack()
    try:
        base_url = serving.enter_context(served(create_app(settings, engine=engine)))
        with open_session(engine, write=False) as db:
            world = build_world(db, engine, base_url)
            older_dialogue(db)
            venue = db.exec(select(Venue).where(Venue.name == "Jongerencentrum De Schakel")).one()
            demo = db.get(Dialogue, world.dialogue_id)
            now = utcnow()
            rotating = sessions.create_session(
                db,
                dialogue=demo,
                body=SessionCreate(
                    venueId=venue.id,
                    title="Jongerenavond",
                    startsAt=now - timedelta(hours=1),
                    endsAt=now + timedelta(hours=2),
                    checkInMode=CheckInMode.ROTATING,
                ),
                actor=SYSTEM,
            )
            sessions.update_session(
                db, row=rotating, changes=SessionUpdate(status=SessionStatus.OPEN), actor=SYSTEM
            )
            rotating_id = rotating.id
            db.commit()
        refresh_all(engine)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            console(browser, world, rotating_id)
            # Filtered views come once the dialogue has ended (docs/release-rule.md).
            world.end_dialogue()
            dashboard(browser, world)
            report_and_public(browser, world)
            browser.close()
    finally:
        serving.close()
        engine.dispose()


if __name__ == "__main__":
    main()
