"""The resident app's first screen appears at once, without jumping into place."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

LAYOUT_SHIFTS = """
window.wgShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.wgShifts.push(entry.value);
}).observe({ type: 'layout-shift', buffered: true });
"""


TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def test_nothing_moves_when_the_first_screen_replaces_the_loading_page(page, demo, wait_until):
    # Hold the check-in until the browser has had frames to paint the loading page: a header
    # that grew or a screen that was pushed down after that is a layout shift.
    held = []
    page.route("**/api/v1/check-ins", lambda route: held.append(route))
    page.add_init_script(LAYOUT_SHIFTS)
    page.goto(demo.join_url)
    page.wait_for_function(TWO_FRAMES)
    wait_until(lambda: held or page.evaluate(TWO_FRAMES) and held, message="the check-in held")
    expect(page.locator("html[data-wg-ready]")).to_have_count(0)
    held[0].continue_()
    wait_ready(page)
    page.wait_for_selector("#wg-start")
    page.wait_for_function(TWO_FRAMES)
    assert page.evaluate("() => window.wgShifts.reduce((a, b) => a + b, 0)") == 0


def test_without_javascript_the_page_shows_its_message_at_once(new_context, demo):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(demo.join_url)
    message = page.locator("noscript p").first  # (text selectors skip <noscript>)
    assert message.text_content().startswith("Deze pagina werkt alleen met JavaScript aan.")
    assert message.is_visible()
