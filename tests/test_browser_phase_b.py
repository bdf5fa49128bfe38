"""A creator's journey through Phase B in a real browser: from a locked Stage 5 to scene 1's prompts locked.

The film is taken through Stage 5 by the headless runner; the creator signs in through the page (served by
server.py, so a refresh keeps them signed in), picks scene 1 on the script hub, generates its shot list, edits an
action in the table, saves, locks, defines the scene's look, locks, makes the prompts, locks, and refreshes. Each
step is photographed (into AIUTEUR_SCREENSHOTS when set, else a temporary folder) and checked for tracebacks and
raw Python values. Skipped when no Chromium is installed, like the first journey.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.film.statuses import StageStatus
from tests.phase_b import film_through_assets, live_shots, rows
from tests.test_browser_journey import CHROMIUM, _browser, _serve

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]

EMAIL, PASSWORD = "nell@example.com", "mud and salt water"
EDITED_ACTION = "Nell slips on the dyke and her lantern rolls into the reeds."
ACTION_COLUMN = 4  # the grid's 4th column (after its row marker): Shot, Order, Seconds, Action
ROW_HEIGHT, HEADER_HEIGHT = 35, 35  # Streamlit's data grid, in pixels


@pytest.fixture
def server(studio):
    """The studio as `./aiuteur start` serves it: with the session cookie, so a refresh stays signed in."""
    yield from _serve("server.py")


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("AIUTEUR_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def settle(page) -> None:
    """Wait until the script run the last action started has finished drawing."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(300)  # the last elements' paint after the run ends


def snap(page, folder: Path, name: str) -> None:
    """Photograph the page once it settles; it shows no traceback and no raw Python dict or list."""
    from playwright.sync_api import expect

    settle(page)
    page.screenshot(path=str(folder / f"{name}.png"))
    expect(page.get_by_test_id("stException")).to_have_count(0)
    text = page.get_by_test_id("stMain").inner_text()
    assert "Traceback" not in text and "{'" not in text and "['" not in text, text


def sign_in(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_label("Email").first.fill(EMAIL)
    page.get_by_label("Password").first.fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Your films")).to_be_visible(timeout=30_000)


def click_row(page, grid, row: int) -> None:
    """Select a row of a data grid by its row marker (the canvas grid has no DOM to click)."""
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2)


def edit_cell(page, grid, row: int, column: int, text: str) -> None:
    """Type `text` into a cell of a data editor: select the row's first cell, walk right, open, replace, commit."""
    from playwright.sync_api import expect

    box = grid.bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2)
    expect(page.get_by_test_id(f"glide-cell-1-{row}")).to_have_attribute("aria-selected", "true")
    for step in range(2, column + 1):  # one key at a time: a key pressed before the grid has focus is lost
        page.keyboard.press("ArrowRight")
        expect(page.get_by_test_id(f"glide-cell-{step}-{row}")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    entry = page.locator("textarea.gdg-input")  # the cell's editor, over the grid
    expect(entry).to_be_focused()
    entry.fill(text)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id(f"glide-cell-{column}-{row}")).to_have_text(text)


def proceed_if_asked(page, done: str) -> None:
    """A change that invalidates later work shows its preview first: proceed, then see it done."""
    from playwright.sync_api import expect

    finished, proceed = page.get_by_text(done), page.get_by_role("button", name="Proceed")
    expect(finished.or_(proceed)).to_be_visible(timeout=60_000)
    if proceed.is_visible():
        proceed.click()
    expect(finished).to_be_visible(timeout=60_000)


def test_a_creator_takes_scene_one_from_the_hub_to_locked_prompts_and_a_refresh_keeps_it(
        server, studio, make_user, screenshots):
    from playwright.sync_api import expect, sync_playwright

    film = film_through_assets(studio, make_user(EMAIL, PASSWORD))
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1600, "height": 2000})
        sign_in(page, server)

        # Stage 6: every scene, the film's progress; pick scene 1 by its row
        page.get_by_role("link", name="6 · Script hub").click()
        expect(page.get_by_text("The film: 0 of 4 scenes finished")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("progressbar")).to_be_visible()
        hub = page.get_by_test_id("stDataFrame").first
        expect(page.get_by_text("Pick a scene in the table to go to its next stage.")).to_be_visible()
        snap(page, screenshots, "01_hub")
        click_row(page, hub, 0)
        go = page.get_by_role("button", name="Go to Stage 7 · Shot list for scene 1")
        expect(go).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Scene 1 · EXT. MARSH PATH - DUSK")).to_be_visible()
        snap(page, screenshots, "02_hub_scene_1_picked")
        go.click()

        # Stage 7: generate, edit an action, save, lock
        expect(page.get_by_role("heading", name="Stage 7 · Shot list")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("combobox", name="Scene")).to_have_value("Scene 1 · EXT. MARSH PATH - DUSK — draft")
        expect(page.get_by_text("No shot list for scene 1 yet.")).to_be_visible()
        snap(page, screenshots, "03_shots_none_yet")
        page.get_by_role("button", name="Generate the shot list").click()
        expect(page.get_by_text("Wrote the shot list as version 1.")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Version 1 · draft · 6 shot(s)")).to_be_visible()
        snap(page, screenshots, "04_shots_generated")
        edit_cell(page, page.get_by_test_id("stDataFrame").first, 0, ACTION_COLUMN, EDITED_ACTION)
        settle(page)
        page.get_by_role("button", name="Save the shot list").click()
        proceed_if_asked(page, "Saved the shot list as version 2.")
        expect(page.get_by_test_id("glide-cell-4-0")).to_have_text(EDITED_ACTION)
        snap(page, screenshots, "05_shots_edited_and_saved")
        page.get_by_role("button", name="Lock the shot list").click()
        expect(page.get_by_text("Shot list locked (version 2).")).to_be_visible(timeout=30_000)
        snap(page, screenshots, "06_shots_locked")
        page.get_by_role("link", name="Go to Stage 8 · Visual definition").click()

        # Stage 8: the scene's look (Nell falls in the mud: muddy), lock
        expect(page.get_by_role("heading", name="Stage 8 · Visual definition")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("No visual definition for scene 1 yet.")).to_be_visible()
        snap(page, screenshots, "07_looks_none_yet")
        page.get_by_role("button", name="Define the scene's look").click()
        expect(page.get_by_text("Wrote the visual definition as version 1.")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Nell · muddy")).to_be_visible()
        snap(page, screenshots, "08_looks_defined")
        page.get_by_role("button", name="Lock the visual definition").click()
        expect(page.get_by_text("Visual definition locked (version 1).")).to_be_visible(timeout=30_000)
        snap(page, screenshots, "09_looks_locked")
        page.get_by_role("link", name="Go to Stage 9 · Prompt segmentation").click()

        # Stage 9: the prompts, merged from the edited shot list and the looks; lock
        expect(page.get_by_role("heading", name="Stage 9 · Prompt segmentation")).to_be_visible(timeout=30_000)
        snap(page, screenshots, "10_prompts_none_yet")
        page.get_by_role("button", name="Make the prompts").click()
        expect(page.get_by_text("Made the prompts as version 1.")).to_be_visible(timeout=60_000)
        page.get_by_text("Read the prompts in full").click()
        expect(page.get_by_text("1A · frame prompt")).to_be_visible()
        expect(page.get_by_test_id("stExpander").get_by_text(EDITED_ACTION.rstrip("."))).to_have_count(2)  # both
        snap(page, screenshots, "11_prompts_made")
        page.get_by_role("button", name="Lock the prompts").click()
        expect(page.get_by_text("Prompts locked (version 1). The scene is ready for its frames.")).to_be_visible(
            timeout=30_000)
        snap(page, screenshots, "12_prompts_locked")

        # A refresh: still signed in, still on scene 1's locked prompts
        page.reload()
        expect(page.get_by_text("Prompts locked (version 1). The scene is ready for its frames.")).to_be_visible(
            timeout=30_000)
        expect(page.get_by_role("combobox", name="Scene")).to_have_value(
            "Scene 1 · EXT. MARSH PATH - DUSK — shot list ready")
        snap(page, screenshots, "13_prompts_after_refresh")

        # ...and a refresh on another scene stays on that scene (the url names it)
        page.get_by_role("combobox", name="Scene").click()
        page.get_by_role("option", name="Scene 2 · INT. FERRY CABIN - NIGHT — draft").click()
        waiting = page.get_by_text("Lock the shot list of scene 2 before opening its prompt segmentation.")
        expect(waiting).to_be_visible(timeout=30_000)
        settle(page)
        page.reload()
        expect(waiting).to_be_visible(timeout=30_000)
        expect(page.get_by_role("combobox", name="Scene")).to_have_value("Scene 2 · INT. FERRY CABIN - NIGHT — draft")
        snap(page, screenshots, "14_scene_2_after_refresh")
        browser.close()

    latest = rows(studio, film.user.id, "SELECT DISTINCT ON (stage_number) stage_number, version, status "
                                        "FROM scene_stage_versions WHERE scene_id = %s "
                                        "ORDER BY stage_number, version DESC", film.scene(1).scene_id)
    assert [(r["stage_number"], r["version"], r["status"]) for r in latest] == [
        (7, 2, StageStatus.LOCKED), (8, 1, StageStatus.LOCKED), (9, 1, StageStatus.LOCKED)]
    shots = live_shots(studio, film, 1)
    assert len(shots) == 6 and all(s["frame_prompt"] and s["video_prompt"] for s in shots)
    assert shots[0]["action"] == EDITED_ACTION
    assert EDITED_ACTION.rstrip(".") in shots[0]["frame_prompt"]  # the prompts were merged from the edited list
    assert rows(studio, film.user.id, "SELECT count(*) AS n FROM scene_stage_versions WHERE scene_id <> %s",
                film.scene(1).scene_id)[0]["n"] == 0  # the other scenes were only looked at
