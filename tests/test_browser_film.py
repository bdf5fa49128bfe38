"""A creator's journey in a real browser from a locked shot list to a film that plays.

One short scene (written here, three shots) is taken through Stage 9 by the services the pages call; the studio is
served by server.py with a real RQ worker (`python -m workers`, a subprocess with the test services' environment).
In Chromium the creator draws the frames on Stage 10 (the live board fills in by itself), approves and locks them,
confirms the free offline render on Stage 11, watches the clips render on Stage 12, approves them, assembles the film
and plays it. Each step is photographed (into AIUTEUR_SCREENSHOTS when set) and checked for tracebacks. Skipped when
no Chromium is installed, like the other journeys.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.exports.probe import probe
from core.film.statuses import ClipStatus, CutStatus, SceneStatus, StageStatus
from tests import test_browser_phase_b as phase_b_journey
from tests.conftest import REPO_ROOT
from tests.phase_b import film_through_assets, live_shots, rows, through
from tests.test_browser_journey import CHROMIUM, _browser
from tests.test_browser_phase_b import EMAIL, PASSWORD, settle, sign_in, snap

server, screenshots = phase_b_journey.server, phase_b_journey.screenshots  # its fixtures: server.py, the photos
pytestmark = [pytest.mark.slow, pytest.mark.worker,
              pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]

# One scene, three shots: Iris runs (a moving shot: a start and an end frame), her line, the ferry's answer.
LAST_FERRY = """Title: The Last Ferry

EXT. HARBOUR WALL - DAWN

IRIS runs along the harbour wall and waves a paper ticket at the departing ferry.

IRIS
Wait for me!

The ferry's horn answers from the fog.
"""
SCENE = "Scene 1 · EXT. HARBOUR WALL - DAWN"
SHOTS = ("1A", "1B", "1C")
FRAMES = ("1A start", "1A end", "1B start", "1C start")
LOADED = """() => [...document.querySelectorAll("img")].every(i => i.complete)
             && [...document.querySelectorAll("video")].every(v => v.readyState >= 1)"""
WAIT = 90_000  # ms: a render on a machine shared with other test runs


class Worker:
    """`python -m workers` on the test queue, started and held by the test (by its pid, never by name)."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "workers", "--name", f"film-journey-{os.getpid()}"],
                                            cwd=REPO_ROOT, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT)

    @contextmanager
    def held(self):
        """The worker paused while the block runs, so the page is seen with its work still queued."""
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGCONT)  # a paused worker can't take its warm shutdown
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def worker(studio, tmp_path):
    """A render worker the test starts when it wants the queue to move; stopped by its pid at the end."""
    held = Worker(tmp_path / "worker.log")
    yield held
    held.stop()
    print(held.log.read_text() if held.log.exists() else "(the worker never started)")


def approve_each(page, count: int, counted: str) -> None:
    """Switch on each "Approved" toggle in turn, as a creator does: each once the page has settled and its pictures
    and players have loaded (a player that loads moves what is under it, and a click would land beside its toggle),
    the next once the page counts the last (`counted` is the progress text with a {} for how many)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("switch", name="Approved")).to_have_count(count, timeout=30_000)
    for done in range(1, count + 1):
        settle(page)
        page.wait_for_function(LOADED, timeout=30_000)
        off = page.get_by_role("switch", name="Approved", checked=False)
        page.get_by_test_id("stCheckbox").filter(has=off).first.click()  # the toggle's label: its input is hidden
        expect(page.get_by_text(counted.format(done))).to_be_visible(timeout=30_000)
    settle(page)
    expect(page.get_by_role("switch", name="Approved", checked=True)).to_have_count(count)


def shown_once(page, text: str, timeout: float = 5_000) -> None:
    """`text` on the page, once. A full run that follows the live board's fragment can leave the board's last drawing
    beside the new one for a moment (Streamlit drops stale elements when the run ends): wait until the card is there
    once instead of failing on the moment, and fail if it stays doubled."""
    from playwright.sync_api import expect

    card = page.get_by_text(text)
    expect(card).to_have_count(1, timeout=timeout)
    expect(card).to_be_visible()


def playing_film(page) -> dict:
    """The film's player (the last on the page) once it can play: muted, played, and seen to move on."""
    video = page.get_by_test_id("stVideo").last.element_handle()
    page.wait_for_function("v => v.readyState >= 2 && Number.isFinite(v.duration)", arg=video, timeout=30_000)
    ready = video.evaluate("v => ({duration: v.duration, currentTime: v.currentTime})")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    # Its state is read while it plays: a paused player was seen back at metadata only (readyState 1) a moment after
    # it could play, which says nothing about whether the film plays.
    page.wait_for_function(f"v => !v.paused && v.readyState >= 2 && v.currentTime > {ready['currentTime']} + 0.5",
                           arg=video, timeout=30_000)
    playing = video.evaluate("v => ({readyState: v.readyState, moved_to: v.currentTime})")
    return {**ready, **playing}


def scene_ready_for_frames(studio, make_user) -> tuple:
    """The film through Stage 9 by the services (as the first Phase B journey does it in the pages); its shots."""
    film = film_through_assets(studio, make_user(EMAIL, PASSWORD), LAST_FERRY, "The Last Ferry")
    through(studio, film, 9)
    shots = live_shots(studio, film, 1)
    assert [s["shot_id"] for s in shots] == list(SHOTS) and shots[0]["requires_end_frame"]
    return film, shots


def draw_approve_and_lock_frames(page, worker: Worker, folder: Path) -> None:
    """Stage 10: the frames queued while no worker runs; the worker starts and the board fills in by itself."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="10 · Frame generation").click()
    expect(page.get_by_role("heading", name="Stage 10 · Frames")).to_be_visible(timeout=30_000)
    draw = page.get_by_role("button", name="Draw 4 frame(s) · $0.00 (offline; online about")
    expect(draw).to_be_visible(timeout=30_000)
    snap(page, folder, "01_frames_none_yet")
    draw.click()
    expect(page.get_by_text("Queued 4 frame(s); each waits for the frame before it.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("1A start · queued")).to_be_visible()
    expect(page.get_by_text("1C start · waiting for 1B start")).to_be_visible()
    expect(page.get_by_text("0 of 4 frames approved · 0 drawn")).to_be_visible()
    snap(page, folder, "02_frames_queued")
    worker.start()
    expect(page.get_by_text("0 of 4 frames approved · 4 drawn")).to_be_visible(timeout=WAIT)
    snap(page, folder, "03_frames_drawn")
    for label in FRAMES:
        expect(page.get_by_text(f"{label} · to review")).to_be_visible()
    expect(page.get_by_test_id("stImage")).to_have_count(4)
    approve_each(page, 4, "{} of 4 frames approved")
    expect(page.get_by_text("4 of 4 frames approved · 4 drawn")).to_be_visible()
    snap(page, folder, "04_frames_approved")
    page.get_by_role("button", name="Lock the frames").click()
    expect(page.get_by_text("Locked the frames. The scene is ready for its clips.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Frames locked (version 1). Next: confirm the cost of the clips.")).to_be_visible(
        timeout=30_000)
    expect(page.get_by_role("combobox", name="Scene")).to_have_value(f"{SCENE} — frames locked")  # not stale
    snap(page, folder, "05_frames_locked")


def confirm_the_render(page, worker: Worker, folder: Path, shots: list[dict]) -> None:
    """Stage 11: the free offline quote with its online price beside it; confirmed while the worker is held, so
    Stage 12 is seen with every clip queued."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Go to Stage 11 · Confirmation").click()
    expect(page.get_by_role("heading", name="Stage 11 · Confirmation")).to_be_visible(timeout=30_000)
    seconds = sum(s["duration"] for s in shots)
    expect(page.get_by_text(f"3 clip(s), {seconds} s of video on offline:animatic")).to_be_visible()
    total = page.get_by_test_id("stMetric").filter(has_text="This scene's clips")
    expect(total.get_by_test_id("stMetricValue")).to_have_text("$0.00")
    expect(total.get_by_test_id("stMetricDelta")).to_have_text(re.compile(r"^\$\d+\.\d\d at online prices$"))
    expect(total.get_by_test_id("stMetricDeltaIcon-Up")).to_have_count(0)  # a price beside it, not a rise
    snap(page, folder, "06_confirm_quote")
    with worker.held():
        page.get_by_role("button", name="Confirm and render · $0.00").click()
        expect(page.get_by_role("heading", name="Stage 12 · Video review")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Confirmed $0.00: 3 clip(s) queued.")).to_be_visible()
        for shot in shots:
            shown_once(page, f"{shot['shot_id']} · {shot['duration']} s · queued")
        snap(page, folder, "07_clips_queued")


def review_the_clips(page, folder: Path, shots: list[dict]) -> None:
    """Stage 12: the clips turn complete on their own, each player loads its picture; approve each."""
    from playwright.sync_api import expect

    for shot in shots:
        shown_once(page, f"{shot['shot_id']} · {shot['duration']} s · complete", timeout=WAIT)
    expect(page.get_by_test_id("stVideo")).to_have_count(3, timeout=30_000)
    for player in page.get_by_test_id("stVideo").element_handles():
        page.wait_for_function("v => v.readyState >= 2", arg=player, timeout=30_000)
    snap(page, folder, "08_clips_complete")
    approve_each(page, 3, "{} of 3 clips approved")
    expect(page.get_by_text("Every clip of this scene is approved: the scene is finished.")).to_be_visible(
        timeout=30_000)
    expect(page.get_by_text("3 of 3 clips approved")).to_be_visible()
    expect(page.get_by_role("combobox", name="Scene")).to_have_value(f"{SCENE} — video complete")
    snap(page, folder, "09_scene_finished")


def assemble_and_play(page, worker: Worker, folder: Path, seconds: int) -> dict:
    """The film assembled (seen assembling while the worker is held), then played in the browser."""
    from playwright.sync_api import expect

    with worker.held():
        page.get_by_role("button", name="Assemble the film").click()
        expect(page.get_by_text("Assembling 3 shots…")).to_be_visible(timeout=30_000)
        snap(page, folder, "10_film_assembling")
    expect(page.get_by_test_id("stVideo")).to_have_count(4, timeout=WAIT)
    caption = page.get_by_text(f"{seconds:.1f} s · 3 shots")
    expect(caption).to_be_visible()
    played = playing_film(page)
    caption.scroll_into_view_if_needed()
    snap(page, folder, "11_film_playing")
    return played


def test_a_creator_draws_confirms_renders_approves_and_plays_the_film(server, studio, make_user, worker, screenshots):
    from playwright.sync_api import sync_playwright

    film, shots = scene_ready_for_frames(studio, make_user)
    runtime = sum(s["duration"] for s in shots)
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(viewport={"width": 1600, "height": 2000})
        try:
            sign_in(page, server)
            draw_approve_and_lock_frames(page, worker, screenshots)
            confirm_the_render(page, worker, screenshots, shots)
            review_the_clips(page, screenshots, shots)
            played = assemble_and_play(page, worker, screenshots, runtime)
        except Exception:
            page.screenshot(path=str(screenshots / "failed.png"), full_page=True)
            raise
        finally:
            browser.close()

    assert played["readyState"] >= 2 and played["moved_to"] > played["currentTime"]
    assert played["duration"] == pytest.approx(runtime, abs=0.1), played
    assert_the_database_holds_the_finished_scene(studio, film, shots)


def assert_the_database_holds_the_finished_scene(studio, film, shots: list[dict]) -> None:
    """Frames approved and locked, clips complete and approved, the scene finished, one complete cut that probes as
    the film; every frame, clip and the film rendered through the queue by the worker."""
    scene_id, runtime = film.scene(1).scene_id, sum(s["duration"] for s in shots)
    frames = rows(studio, film.user.id, "SELECT f.* FROM frames f JOIN shots s ON s.id = f.shot_id "
                                        "WHERE s.scene_id = %s", scene_id)
    assert len(frames) == 4 and all(f["approved"] for f in frames)  # each drawn once
    latest = rows(studio, film.user.id, "SELECT DISTINCT ON (stage_number) stage_number, status "
                                        "FROM scene_stage_versions WHERE scene_id = %s "
                                        "ORDER BY stage_number, version DESC", scene_id)
    assert {r["stage_number"]: r["status"] for r in latest} == {n: StageStatus.LOCKED for n in range(7, 13)}
    clips = rows(studio, film.user.id, "SELECT v.* FROM videos v JOIN shots s ON s.id = v.shot_id "
                                       "WHERE s.scene_id = %s", scene_id)
    assert sorted((c["status"], c["approved"], c["seconds"]) for c in clips) == sorted(
        (ClipStatus.COMPLETE, True, s["duration"]) for s in shots)
    assert rows(studio, film.user.id, "SELECT status FROM scenes WHERE id = %s", scene_id)[0]["status"] == \
        SceneStatus.VIDEO_COMPLETE
    cut = rows(studio, film.user.id, "SELECT * FROM film_cuts WHERE branch_id = %s", film.ref.branch_id)
    assert [(c["status"], c["missing_scenes"], len(c["parts"])) for c in cut] == [(CutStatus.COMPLETE, [], 3)]
    assert all(part["kind"] == "clip" and part["approved"] for part in cut[0]["parts"])
    media = probe(studio.media.path(cut[0]["media_key"]))
    assert media.video_codec == "h264" and media.duration == pytest.approx(runtime, abs=0.05)
    assert float(cut[0]["seconds"]) == pytest.approx(runtime, abs=0.05)
    ran = rows(studio, film.user.id, "SELECT kind, status, rq_job_id FROM generation_jobs "
                                     "WHERE kind IN ('frame', 'clip', 'film')")
    assert sorted(j["kind"] for j in ran) == sorted(["frame"] * 4 + ["clip"] * 3 + ["film"])
    assert all(j["status"] == "succeeded" for j in ran), ran
    assert {j["rq_job_id"] for j in ran} <= set(studio.queue.finished_job_registry.get_job_ids())
