"""Ranking with the keyboard only: Tab, Enter, the arrow keys — no mouse, no touch."""

import pytest

from tests.browser.conftest import ballots, focused, open_session, ranked_titles, screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def tab_until(page, predicate, *, shift: bool = False, limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; returns it."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError(f"no focusable element matched within {limit} presses")


def assert_announced(page, message: str) -> None:
    """The live region says `message` (it is filled a moment after the change: wait for it,
    rather than for a fixed pause that a loaded machine can outlast)."""
    try:
        page.wait_for_function(
            "m => document.getElementById('wg-announcer').textContent === m", arg=message
        )
    except Exception:
        assert page.inner_text("#wg-announcer") == message  # shows what was said instead
        raise


def test_keyboard_only_ranking(page, demo, db):
    open_session(page, demo)
    # Welcome → language → neighbourhood → age → ranking, with Tab and Enter only.
    tab_until(page, lambda e: e["id"] == "wg-start")
    page.keyboard.press("Enter")
    screen(page, "language")
    for step in ("neighbourhood", "age", "rank"):
        tab_until(page, lambda e: e["id"] == "wg-next")
        page.keyboard.press("Enter")
        screen(page, step)
    assert focused(page)["tag"] == "H1"  # each new screen starts at its heading

    # The first Tab from the heading reaches the first "add" button; Enter adds, and the
    # focus stays in the list to choose from, so Enter three times adds three.
    first = tab_until(page, lambda e: "wg-pool-add" in e["cls"])
    assert first["label"].startswith("Zet in mijn lijst: ")
    for _ in range(3):
        page.keyboard.press("Enter")
    chosen = ranked_titles(page)
    assert len(chosen) == 3
    assert_announced(page, f"{chosen[2]} staat nu in je lijst, op nummer 3 van 3.")

    # Back to the third item's grip and move it to the top with the arrow keys.
    grip = tab_until(page, lambda e: "wg-rank-handle" in e["cls"], shift=True)
    assert grip["label"] == f"Verplaats {chosen[2]}"
    page.keyboard.press("ArrowUp")
    assert ranked_titles(page) == [chosen[0], chosen[2], chosen[1]]
    assert_announced(page, f"{chosen[2]} staat nu op nummer 2 van 3.")
    page.keyboard.press("ArrowUp")
    assert ranked_titles(page) == [chosen[2], chosen[0], chosen[1]]
    assert_announced(page, f"{chosen[2]} staat nu op nummer 1 van 3.")
    assert focused(page)["label"] == f"Verplaats {chosen[2]}"  # the focus moved along
    page.keyboard.press("End")
    assert ranked_titles(page) == [chosen[0], chosen[1], chosen[2]]
    page.keyboard.press("Home")
    assert ranked_titles(page) == [chosen[2], chosen[0], chosen[1]]

    # The down button works from the keyboard too, and the focus stays on the moved item.
    down = tab_until(page, lambda e: e["label"].startswith("Omlaag: "))
    assert down["label"] == f"Omlaag: {chosen[2]}"
    page.keyboard.press("Enter")
    assert ranked_titles(page) == [chosen[0], chosen[2], chosen[1]]
    assert_announced(page, f"{chosen[2]} staat nu op nummer 2 van 3.")
    assert focused(page)["label"] == f"Omlaag: {chosen[2]}"

    # Remove one with the keyboard, then send: the order on screen is the order received.
    remove = tab_until(page, lambda e: e["label"] == f"Haal weg: {chosen[1]}")
    assert remove
    page.keyboard.press("Enter")
    assert ranked_titles(page) == [chosen[0], chosen[2]]
    assert_announced(page, f"{chosen[1]} is uit je lijst gehaald.")
    tab_until(page, lambda e: e["id"] == "wg-next")
    page.keyboard.press("Enter")
    screen(page, "pledge")
    tab_until(page, lambda e: e["id"] == "wg-pledge-skip")
    page.keyboard.press("Enter")
    screen(page, "thanks")
    page.wait_for_selector(".wg-sent--ok")
    titles = {v: k for k, v in demo.priorities.items()}
    [ballot] = ballots(db)
    assert ballot["ranking"] == [titles[chosen[0]], titles[chosen[2]]]


def test_language_menu_and_statements_by_keyboard(page, demo):
    open_session(page, demo)
    summary = tab_until(page, lambda e: e["tag"] == "SUMMARY")
    assert "Nederlands" in summary["label"]
    page.keyboard.press("Enter")  # opens the menu
    tab_until(page, lambda e: e["label"] == "English")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Have your say about Welvaartstad")
    assert focused(page)["tag"] == "SUMMARY"  # focus returns to the language button
    tab_until(page, lambda e: e["id"] == "wg-link-privacy")
    page.keyboard.press("Enter")
    screen(page, "privacy")
    tab_until(page, lambda e: e["id"] == "wg-statement-close")
    page.keyboard.press("Enter")
    screen(page, "welcome")
