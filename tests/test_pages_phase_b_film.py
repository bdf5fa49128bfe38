"""AppTests for Stages 10-12 and the film: frames drawn as jobs, the clip quote and its confirmation, the video review
and the assembled film with its exports, driven as a creator would (through the router), asserting what they see and
what the real database holds. Earlier stages are made with the headless runner (the same services the pages call);
queued work runs on an RQ burst worker in this process, against the real Redis queue."""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Callable
from decimal import Decimal

import opentimelineio as otio
import pytest
import streamlit as st
from rq import SimpleWorker
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.costs.ledger import dollars
from core.costs.price_book import PRICE_BOOK_PATH
from core.errors import ProviderRefused, ProviderUnavailable
from core.exports.probe import probe
from core.film.statuses import SceneStatus, StageStatus
from core.production import clip_jobs
from core.production import clips as scene_clips
from core.production import frames as scene_frames
from core.production import run as headless
from core.production.run import RunOptions
from core.providers.offline import OfflineImageProvider
from pages.ui import session as common
from tests.app_pages import click, labels, ok, shown
from tests.conftest import REPO_ROOT
from tests.phase_b import PhaseBFilm, film_through_assets, live_shots, rows, through
from workers import context

pytestmark = [pytest.mark.db, pytest.mark.worker]

ROUTER = str(REPO_ROOT / "app.py")
HUB, FRAMES, CONFIRM, VIDEO = ("pages/stage_06_hub.py", "pages/stage_10_frames.py", "pages/stage_11_confirm.py",
                               "pages/stage_12_video.py")

# Two scenes, one character: scene 1 is 1A (8 s), 1B (8 s, with an end frame: she walks to the door), 1C (4 s);
# scene 2 is 2A, 2B (with an end frame), 2C.
LAMP_ERRAND = """Title: The Lamp Errand

INT. WORKSHOP - NIGHT

ODILE, a clockmaker in a leather apron, lifts a brass lantern from the bench and walks to the door.

ODILE
It will have to do.

EXT. HARBOUR WALL - NIGHT

Odile climbs the harbour wall and raises the lantern toward the boats.

ODILE
Come home, Papa.
"""
SCENE_ONE_FRAMES = ["1A start", "1B start", "1B end", "1C start"]
SCENE_TWO_FRAMES = ["2A start", "2B start", "2B end", "2C start"]


# --- driving the studio -------------------------------------------------------------------------


def open_page(film: PhaseBFilm, page: str, scene: int | None = None) -> AppTest:
    at = AppTest.from_file(ROUTER, default_timeout=90)
    at.session_state["user"] = {"id": str(film.user.id), "email": film.user.email}
    at.session_state["project_id"] = str(film.ref.project_id)
    at.session_state["branch_id"] = str(film.ref.branch_id)
    if scene is not None:
        at.session_state["scene_number"] = scene
    at.run()
    return at.switch_page(page).run()




def videos(at: AppTest) -> list:
    return at.main.get("video")


def metric(at: AppTest, label: str):
    return next(m for m in at.main.metric if m.label == label)


def jobs(studio, film: PhaseBFilm, kind: str) -> list[dict]:
    return rows(studio, film.user.id, "SELECT * FROM generation_jobs WHERE kind = %s ORDER BY created_at", kind)


def scene_row(studio, film: PhaseBFilm, number: int) -> dict:
    return rows(studio, film.user.id, "SELECT * FROM scenes WHERE id = %s", film.scene(number).scene_id)[0]


def stage_versions(studio, film: PhaseBFilm, number: int, stage: int) -> list[dict]:
    return rows(studio, film.user.id, "SELECT * FROM scene_stage_versions WHERE scene_id = %s AND stage_number = %s "
                                      "ORDER BY version", film.scene(number).scene_id, stage)


def live_frames(studio, film: PhaseBFilm, number: int) -> dict[str, dict]:
    """The scene's live frames by label ("1B end")."""
    found = rows(studio, film.user.id, "SELECT f.*, sh.shot_id AS shot_label FROM frames f JOIN shots sh ON "
                                       "sh.id = f.shot_id WHERE sh.scene_id = %s AND sh.superseded_at IS NULL AND "
                                       "f.superseded_at IS NULL AND f.invalidated_at IS NULL",
                 film.scene(number).scene_id)
    return {f"{f['shot_label']} {f['frame_type']}": f for f in found}


def clips(studio, film: PhaseBFilm, number: int) -> list[dict]:
    """Every clip of the scene's live shots (history too), oldest first."""
    return rows(studio, film.user.id, "SELECT v.*, sh.shot_id AS shot_label FROM videos v JOIN shots sh ON "
                                      "sh.id = v.shot_id WHERE sh.scene_id = %s AND sh.superseded_at IS NULL "
                                      "ORDER BY v.created_at", film.scene(number).scene_id)


def shot_id_of(studio, film: PhaseBFilm, number: int, label: str):
    return next(s["id"] for s in live_shots(studio, film, number) if s["shot_id"] == label)


@pytest.fixture
def drain(studio, monkeypatch) -> Callable[[], None]:
    """Run the queue to empty with an RQ worker in this process, sharing the test's studio."""
    monkeypatch.setattr(context, "_studio", studio)

    def run() -> None:
        SimpleWorker([studio.queue], connection=studio.redis).work(burst=True, with_scheduler=False)

    return run


@pytest.fixture
def offered(monkeypatch) -> list[dict]:
    """Every file a page offers for download on click: its name, type and the callable the browser's click runs."""
    files: list[dict] = []
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files.append({"make": data_callable, "mimetype": mimetype, "filename": file_name})
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return files


@pytest.fixture
def film(studio, make_user) -> PhaseBFilm:
    """The two-scene film through its assets, scene 1 through its prompts (Stage 9)."""
    made = film_through_assets(studio, make_user(), LAMP_ERRAND, title="The Lamp Errand")
    through(studio, made, 9, scenes=(1,))
    return made


def frames_locked(studio, film: PhaseBFilm, number: int = 1) -> None:
    headless.draw_approve_and_lock_frames(studio, film.user.id, film.scene(number), 10, RunOptions())


def clips_rendered(studio, film: PhaseBFilm, number: int = 1) -> None:
    frames_locked(studio, film, number)
    headless.confirm_and_render(studio, film.user.id, film.scene(number), 11, RunOptions())


# --- Stage 10 · Frames --------------------------------------------------------------------------


def test_stage_ten_draws_each_frame_as_a_job_seeded_by_the_one_before_then_locks_them(studio, film, drain):
    at = open_page(film, FRAMES, scene=1)
    online = dollars(scene_frames.frames_estimate(studio, 4).shadow_total)
    assert f"Draw 4 frame(s) · $0.00 (offline; online about {online})" in labels(at)
    assert "0 of 4 frames approved · 0 drawn" in at.main.get("progress")[0].proto.text

    at = click(at, f"Draw 4 frame(s) · $0.00 (offline; online about {online})")
    assert "Queued 4 frame(s); each waits for the frame before it." in shown(at, "success")
    queued = jobs(studio, film, "frame")
    assert [(j["status"], j["payload"]["frame_type"]) for j in queued] == [
        ("queued", "start"), ("queued", "start"), ("queued", "end"), ("queued", "start")]
    board = shown(at, "markdown")
    assert "**1A start** · queued" in board and "**1B end** · waiting for 1B start" in board
    assert not any(label.startswith("Draw ") and "frame(s)" in label for label in labels(at))  # nothing left to queue

    drain()
    at = ok(at.run())
    assert {j["status"] for j in jobs(studio, film, "frame")} == {"succeeded"}
    assert all(f"**{label}** · to review" in shown(at, "markdown") for label in SCENE_ONE_FRAMES)
    pictures = at.main.get("image")
    assert len(pictures) == 4 and all(caption.startswith("seed ") for p in pictures for caption in p.captions)
    drawn = live_frames(studio, film, 1)
    assert drawn["1A start"]["prior_frame_id"] is None  # the film's first frame
    for before, after in itertools.pairwise(SCENE_ONE_FRAMES):
        assert drawn[after]["prior_frame_id"] == drawn[before]["id"], after

    assert "Lock the frames" not in labels(at)
    for label in SCENE_ONE_FRAMES:
        at = ok(at.toggle(key=f"s10_ok_{drawn[label]['id']}_0").set_value(True).run())
    assert all(f["approved"] for f in live_frames(studio, film, 1).values())
    assert "4 of 4 frames approved · 4 drawn" in at.main.get("progress")[0].proto.text

    at = click(at, "Lock the frames")
    assert "Frames locked (version 1)" in shown(at, "success")
    assert scene_row(studio, film, 1)["status"] == SceneStatus.FRAMES_LOCKED
    assert [v["status"] for v in stage_versions(studio, film, 1, 10)] == [StageStatus.LOCKED]


@pytest.mark.parametrize("failure", [ProviderRefused("The image model declined the frame", ("violence",)),
                                     RuntimeError("the renderer crashed")], ids=["refused", "crashed"])
def test_a_failed_frame_fails_the_frames_drawn_from_it_with_the_reason_and_one_click_draws_them_again(
        studio, film, drain, monkeypatch, failure):
    draw = OfflineImageProvider.render

    def fails_on_1a(self, request):
        if request.subject.get("kind") == "frame" and request.subject.get("shot_id") == "1A":
            raise failure
        return draw(self, request)

    at = open_page(film, FRAMES, scene=1)
    at = click(at, next(label for label in labels(at) if label.startswith("Draw 4 frame(s)")))
    with monkeypatch.context() as patch:
        patch.setattr(OfflineImageProvider, "render", fails_on_1a)
        drain()
    at = at.run()
    assert not at.exception and not live_frames(studio, film, 1)  # none drawn without the frame it continues from
    first, *later = SCENE_ONE_FRAMES
    assert f"**{first}** · failed" in shown(at, "markdown")
    assert all(f"**{label}** · not made" in shown(at, "markdown") for label in later)  # nothing stuck waiting
    reasons = [e.value for e in at.error]
    assert len(reasons) == 1 and reasons[0].startswith("Failed: ") and str(failure) in reasons[0]
    assert [w.value for w in at.main.warning] == ["Not made: the frame it waits on failed."] + [
        "Not made: the frame it waits on was not made."] * (len(later) - 1)

    at = click(at, next(label for label in labels(at) if label.startswith("Draw 4 frame(s)")))
    drain()
    at = ok(at.run())
    drawn = live_frames(studio, film, 1)
    assert all(f"**{label}** · to review" in shown(at, "markdown") for label in SCENE_ONE_FRAMES)
    assert [drawn[after]["prior_frame_id"] for after in SCENE_ONE_FRAMES[1:]] == \
        [drawn[before]["id"] for before in SCENE_ONE_FRAMES[:-1]]


def test_drawing_a_frame_again_shows_the_clip_it_invalidates_then_queues_only_that_frame(studio, film, drain):
    clips_rendered(studio, film)
    before, drawn_jobs = live_frames(studio, film, 1), len(jobs(studio, film, "frame"))
    shot = shot_id_of(studio, film, 1, "1B")
    key = f"s10_redraw_{shot}_start"
    at = open_page(film, FRAMES, scene=1)
    assert "Frames locked (version 1)" in shown(at, "success")

    at.text_input(key=f"{key}_why").set_value("she holds the lantern higher")
    at = ok(at.button(key=f"{key}_go").click().run())
    assert "This change invalidates later work" in shown(at, "warning")
    (reach,) = at.main.dataframe[0].value.to_dict("records")
    assert (reach["type"], reach["how_many"]) == ("This scene", "1 clip")
    assert reach["why"].endswith("changed: a frame was drawn again")
    assert len(jobs(studio, film, "frame")) == drawn_jobs  # nothing is queued before the creator proceeds

    at = ok(at.button(key=f"{key}_proceed").click().run())
    assert "Queued 1B start again." in shown(at, "success")
    (again,) = jobs(studio, film, "frame")[drawn_jobs:]
    assert (again["target_id"], again["payload"]["frame_type"]) == (shot, "start")
    assert again["payload"]["guidance"] == "she holds the lantern higher"
    clip_of = {c["shot_label"]: c for c in clips(studio, film, 1)}
    assert clip_of["1B"]["invalidated_at"] is not None
    assert clip_of["1A"]["invalidated_at"] is None and clip_of["1C"]["invalidated_at"] is None
    assert scene_row(studio, film, 1)["status"] != SceneStatus.FRAMES_LOCKED

    drain()
    after = live_frames(studio, film, 1)
    assert after["1B start"]["id"] != before["1B start"]["id"]
    assert after["1B start"]["guidance"] == "she holds the lantern higher"
    assert after["1B start"]["regeneration_count"] == 1 and not after["1B start"]["approved"]
    assert after["1B start"]["prior_frame_id"] == before["1A start"]["id"]
    assert {label: after[label]["id"] for label in ("1A start", "1B end", "1C start")} == \
        {label: before[label]["id"] for label in ("1A start", "1B end", "1C start")}
    at = ok(at.run())
    assert "**1B start** · to review" in shown(at, "markdown")


# --- Stage 11 · Confirmation --------------------------------------------------------------------


def ledger_holds(studio, film: PhaseBFilm) -> list[dict]:
    """The ledger rows of the scene's clips (Stage 12), by shot."""
    return rows(studio, film.user.id, "SELECT l.*, sh.shot_id AS shot_label FROM cost_ledger l JOIN shots sh ON "
                                      "sh.id = l.shot_id WHERE l.stage_number = 12 ORDER BY sh.shot_order")


def set_budget(studio, film: PhaseBFilm, credits: str | None) -> None:
    with studio.db.as_user(film.user.id) as conn:
        conn.execute("UPDATE projects SET budget_credits = %s WHERE id = %s", [credits, film.ref.project_id])


@pytest.fixture
def paid_animatic(tmp_path, monkeypatch) -> Decimal:
    """The pages' studio charges the offline animatic $0.05 a second: a price book of our own, named by the
    AIUTEUR_PRICE_BOOK setting the app reads at boot. Returns the price a second."""
    price = Decimal("0.05")
    book = json.loads(PRICE_BOOK_PATH.read_text())
    book["version"] = "test-paid-animatic"
    book["providers"]["offline"]["animatic"]["per_video_second"] = str(price)
    path = tmp_path / "paid_animatic.json"
    path.write_text(json.dumps(book))
    monkeypatch.setenv("AIUTEUR_PRICE_BOOK", str(path))
    st.cache_resource.clear()  # the studio booted by earlier tests has the repo's book
    yield price
    common._boot().close()  # the studio this test booted
    st.cache_resource.clear()


def test_stage_eleven_quotes_the_free_animatic_beside_its_online_price_and_confirming_queues_every_clip(
        studio, film, drain):
    frames_locked(studio, film)
    quote = scene_clips.quote(studio, film.user.id, film.scene(1))
    at = ok(open_page(film, CONFIRM, scene=1))
    assert "**3 clip(s), 20 s of video on `offline:animatic`**" in shown(at, "markdown")
    table = at.main.dataframe[0].value
    assert list(table.columns) == ["Shot", "Seconds", "Price a second", "Cost"]
    assert table.to_dict("list") == {"Shot": ["1A", "1B", "1C"], "Seconds": [8, 8, 4], "Price a second": [0.0] * 3,
                                     "Cost": [0.0] * 3}
    total = metric(at, "This scene's clips")
    assert quote.shadow_total > 0
    assert (total.value, total.delta) == ("$0.00", f"{dollars(quote.shadow_total)} at online prices")
    assert metric(at, "Budget left before").value == "no cap"
    assert "Render the free offline animatic instead" not in labels(at)  # it is the animatic already
    assert jobs(studio, film, "clip") == []

    at = click(at, "Confirm and render · $0.00")
    assert at.main.title[0].value == "Stage 12 · Video review"
    assert "Confirmed $0.00: 3 clip(s) queued." in shown(at, "success")
    assert [j["status"] for j in jobs(studio, film, "clip")] == ["queued"] * 3
    holds = ledger_holds(studio, film)
    assert [(h["shot_label"], h["status"], h["credits"]) for h in holds] == [
        ("1A", "reserved", 0), ("1B", "reserved", 0), ("1C", "reserved", 0)]
    assert sum(h["shadow_credits"] for h in holds) == quote.shadow_total
    (confirmation,) = stage_versions(studio, film, 1, 11)
    assert confirmation["status"] == StageStatus.LOCKED and Decimal(confirmation["content"]["total"]) == 0
    assert "**1A** · 8 s · queued" in shown(at, "markdown") and not videos(at)

    drain()
    at = ok(at.switch_page(VIDEO).run())  # a browser's next run stays on the page it was switched to
    assert len(videos(at)) == 3
    assert all(f"**{shot}** · {seconds} s · complete" in shown(at, "markdown")
               for shot, seconds in (("1A", 8), ("1B", 8), ("1C", 4)))
    assert shown(at, "caption").count("offline:animatic · take 1") == 3
    assert {h["status"] for h in ledger_holds(studio, film)} == {"settled"}


@pytest.mark.parametrize(("budget", "fits"), [("5.00", True), ("0.50", False)], ids=["budget holds", "over budget"])
def test_a_priced_clip_quote_is_held_line_by_line_or_refused_over_budget(studio, film, paid_animatic, budget, fits):
    frames_locked(studio, film)
    set_budget(studio, film, budget)
    at = open_page(film, CONFIRM, scene=1)
    assert not at.exception
    table = at.main.dataframe[0].value
    assert list(table["Price a second"]) == [float(paid_animatic)] * 3
    assert list(table["Cost"]) == [8 * 0.05, 8 * 0.05, 4 * 0.05]
    total = Decimal("1.00")  # 20 s at $0.05
    assert metric(at, "This scene's clips").value == dollars(total) == dollars(sum(map(Decimal, map(str, table["Cost"]))))
    assert metric(at, "Budget left before").value == dollars(Decimal(budget))
    confirm = at.button(key="s11_confirm")
    assert confirm.label == f"Confirm and render · {dollars(total)}"

    if not fits:
        (refusal,) = [e.value for e in at.error]
        assert refusal.startswith("Over budget. This costs $1.00, and $0.00 of the project's $0.50 budget")
        assert confirm.disabled  # a browser can't press it (AppTest refuses to click it too)
        assert jobs(studio, film, "clip") == [] and ledger_holds(studio, film) == []
        assert stage_versions(studio, film, 1, 11) == [] and clips(studio, film, 1) == []
        return

    assert not at.error and not confirm.disabled
    assert metric(at, "Budget left after").value == dollars(Decimal(budget) - total)
    at = ok(confirm.click().run())
    assert f"Confirmed {dollars(total)}: 3 clip(s) queued." in shown(at, "success")
    holds = ledger_holds(studio, film)
    assert [(h["shot_label"], h["status"]) for h in holds] == [("1A", "reserved"), ("1B", "reserved"),
                                                               ("1C", "reserved")]
    assert [float(h["credits"]) for h in holds] == list(table["Cost"])
    assert sum(h["credits"] for h in holds) == total
    (confirmation,) = stage_versions(studio, film, 1, 11)
    assert Decimal(confirmation["content"]["total"]) == total
    assert Decimal(confirmation["content"]["budget_after"]) == Decimal(budget) - total


# --- Stage 12 · Video review --------------------------------------------------------------------


def test_approving_every_clip_finishes_the_scene_and_a_new_take_replaces_only_its_shot(studio, film, drain):
    clips_rendered(studio, film)
    first = {c["shot_label"]: c for c in clips(studio, film, 1)}
    at = ok(open_page(film, VIDEO, scene=1))
    assert len(videos(at)) == 3
    assert "0 of 3 clips approved" in at.main.get("progress")[0].proto.text
    for shot in ("1A", "1B", "1C"):
        at = ok(at.toggle(key=f"s12_ok_{first[shot]['id']}_0").set_value(True).run())
    assert "Every clip of this scene is approved: the scene is finished." in shown(at, "success")
    assert scene_row(studio, film, 1)["status"] == SceneStatus.VIDEO_COMPLETE
    assert [v["status"] for v in stage_versions(studio, film, 1, 12)] == [StageStatus.LOCKED]

    shot = shot_id_of(studio, film, 1, "1C")
    rendered = len(jobs(studio, film, "clip"))
    at.text_input(key=f"s12_why_{shot}").set_value("hold on the lantern a moment longer")
    at = ok(at.button(key=f"s12_take_{shot}").click().run())
    assert "Queued a new take of 1C." in shown(at, "success")
    (take,) = jobs(studio, film, "clip")[rendered:]
    now = {c["id"]: c for c in clips(studio, film, 1)}
    assert now[take["target_id"]]["shot_label"] == "1C"
    assert now[take["target_id"]]["guidance"] == "hold on the lantern a moment longer"
    assert "**1C** · 4 s · queued" in shown(at, "markdown") and len(videos(at)) == 3  # the old take plays meanwhile
    assert "the scene is finished" not in shown(at, "success")

    drain()
    at = ok(at.run())
    after = {c["id"]: c for c in clips(studio, film, 1)}
    assert after[take["target_id"]]["status"] == "complete" and after[take["target_id"]]["version"] == 2
    assert after[first["1C"]["id"]]["superseded_at"] is not None
    assert all(after[first[s]["id"]]["superseded_at"] is None and after[first[s]["id"]]["approved"] for s in ("1A", "1B"))
    assert "offline:animatic · take 2" in shown(at, "caption")
    assert "2 of 3 clips approved" in at.main.get("progress")[0].proto.text
    assert scene_row(studio, film, 1)["status"] != SceneStatus.VIDEO_COMPLETE


def test_taking_an_approval_back_and_giving_it_again_finishes_the_scene_again(studio, film):
    clips_rendered(studio, film)
    approve_clips_elsewhere(studio, film)
    clip = clips(studio, film, 1)[0]
    at = ok(open_page(film, VIDEO, scene=1))
    at = ok(at.toggle(key=f"s12_ok_{clip['id']}_1").set_value(False).run())
    assert "the scene is finished" not in shown(at, "success")
    assert scene_row(studio, film, 1)["status"] != SceneStatus.VIDEO_COMPLETE
    at = ok(at.toggle(key=f"s12_ok_{clip['id']}_0").set_value(True).run())
    assert "Every clip of this scene is approved: the scene is finished." in shown(at, "success")
    assert scene_row(studio, film, 1)["status"] == SceneStatus.VIDEO_COMPLETE
    assert [(v["version"], v["status"]) for v in stage_versions(studio, film, 1, 12)] == [
        (1, StageStatus.OUTDATED), (2, StageStatus.LOCKED)]


def test_frames_locked_again_unchanged_reopen_the_review_through_a_confirmation_of_nothing(studio, film):
    clips_rendered(studio, film)
    approve_clips_elsewhere(studio, film)
    frame = live_frames(studio, film, 1)["1A start"]
    at = ok(open_page(film, FRAMES, scene=1))
    at = ok(at.toggle(key=f"s10_ok_{frame['id']}_1").set_value(False).run())
    at = click(ok(at.toggle(key=f"s10_ok_{frame['id']}_0").set_value(True).run()), "Lock the frames")
    at = ok(at.switch_page(VIDEO).run())
    assert "Lock the confirmation of scene 1 before opening its video review." in shown(at, "warning")

    at = ok(at.switch_page(CONFIRM).run())
    assert "Nothing new needs rendering: confirm that to review the clips." in shown(at, "info")
    rendered = len(jobs(studio, film, "clip"))
    at = click(at, "Confirm · nothing to render, $0.00")
    assert at.main.title[0].value == "Stage 12 · Video review"
    assert "Every clip of this scene is approved: the scene is finished." in shown(at, "success")
    assert len(jobs(studio, film, "clip")) == rendered and len(clips(studio, film, 1)) == 3
    latest = stage_versions(studio, film, 1, 11)[-1]
    assert latest["status"] == StageStatus.LOCKED and latest["content"]["lines"] == []
    assert Decimal(latest["content"]["total"]) == 0
    at = ok(at.switch_page(CONFIRM).run())
    assert "Confirm · nothing to render, $0.00" not in labels(at)  # confirmed: nothing more to confirm


def test_a_failed_clip_shows_its_reason_and_retry_renders_it(studio, film, drain, monkeypatch):
    frames_locked(studio, film)
    ref = film.scene(1)
    scene_clips.confirm_render(studio, film.user.id, ref, scene_clips.quote(studio, film.user.id, ref).key)
    render = clip_jobs.OfflineVideoProvider.render_clip

    def out_of_room_on_1b(self, request):
        if request.subject["shot_id"] == "1B":
            raise ProviderUnavailable("The animatic renderer ran out of disk space")
        return render(self, request)

    with monkeypatch.context() as patch:
        patch.setattr(clip_jobs.OfflineVideoProvider, "render_clip", out_of_room_on_1b)
        drain()
    at = open_page(film, VIDEO, scene=1)
    assert not at.exception
    assert [e.value for e in at.error] == ["Failed: The animatic renderer ran out of disk space"]
    assert "**1B** · 8 s · failed" in shown(at, "markdown") and len(videos(at)) == 2
    failed = next(c for c in clips(studio, film, 1) if c["shot_label"] == "1B")
    assert [h["status"] for h in ledger_holds(studio, film) if h["shot_label"] == "1B"] == ["released"]

    at = ok(at.button(key=f"s12_retry_{failed['id']}").click().run())
    assert "**1B** · 8 s · queued" in shown(at, "markdown")
    drain()
    at = ok(at.run())
    assert len(videos(at)) == 3 and "**1B** · 8 s · complete" in shown(at, "markdown")
    assert [h["status"] for h in ledger_holds(studio, film) if h["shot_label"] == "1B"] == ["settled"]


def approve_frames_elsewhere(studio, film: PhaseBFilm) -> None:
    for frame in live_frames(studio, film, 1).values():
        scene_frames.approve(studio, film.user.id, film.scene(1), frame["id"])


def approve_clips_elsewhere(studio, film: PhaseBFilm) -> None:
    headless.approve_clips(studio, film.user.id, film.scene(1), 12, RunOptions())


@pytest.mark.parametrize(("page", "made", "approve", "approved"), [
    (FRAMES, lambda studio, film: scene_frames.queue_frames(studio, film.user.id, film.scene(1), inline=True),
     approve_frames_elsewhere, "SELECT f.approved FROM frames f WHERE f.superseded_at IS NULL"),
    (VIDEO, clips_rendered, approve_clips_elsewhere, "SELECT v.approved FROM videos v"),
], ids=["frames", "clips"])
def test_an_approval_made_in_another_tab_is_shown_not_undone_by_this_one(studio, film, page, made, approve, approved):
    made(studio, film)
    at = ok(open_page(film, page, scene=1))
    assert not any(toggle.value for toggle in at.main.toggle)
    approve(studio, film)
    at = ok(at.run())  # this tab's next run (its live board refreshes every 2 s while work is in flight)
    assert {row["approved"] for row in rows(studio, film.user.id, approved)} == {True}
    assert at.main.toggle and all(toggle.value for toggle in at.main.toggle)


# --- the film -----------------------------------------------------------------------------------


def test_the_film_panel_assembles_the_film_plays_it_and_hands_on_every_export(studio, film, drain, offered):
    clips_rendered(studio, film)
    headless.approve_clips(studio, film.user.id, film.scene(1), 12, RunOptions())
    through(studio, film, 9, scenes=(2,))
    frames_locked(studio, film, 2)  # scene 2 is drawn, not rendered: its frames stand in
    at = ok(open_page(film, HUB))
    assert "Not assembled yet." in shown(at, "caption")

    at = click(at, "Assemble the film")
    assert "Assembling the film: it appears here when it is ready." in shown(at, "success")
    assert "Assembling 6 shots…" in shown(at, "info")
    drain()
    at = ok(at.run())
    assert len(videos(at)) == 1
    cut = rows(studio, film.user.id, "SELECT * FROM film_cuts")[0]
    seconds = float(cut["seconds"])
    assert abs(seconds - 36) < 0.5  # scene 1's clips (8 + 8 + 4 s) and scene 2's stills (8 + 4 + 4 s)
    assert (f"{seconds:.1f} s · 6 shots · {seconds - 90:+.0f} s against the 90 s target · "
            "3 shot(s) not rendered yet (shown as their frame)") in shown(at, "caption")
    assert "Scenes not finished yet: 2." in shown(at, "warning")

    files = {f["filename"]: f for f in offered}  # the newest offer of each file
    assert sorted(files) == ["the-lamp-errand-cut.edl", "the-lamp-errand-dialogue.srt", "the-lamp-errand-film.mp4",
                             "the-lamp-errand-frames.zip", "the-lamp-errand-timeline.otio"]
    film_mp4 = probe(files["the-lamp-errand-film.mp4"]["make"]())
    assert film_mp4.video_codec == "h264" and abs(film_mp4.duration - seconds) < 0.1
    timeline = otio.adapters.read_from_string(files["the-lamp-errand-timeline.otio"]["make"](), "otio_json")
    assert len(list(timeline.find_clips())) == 6
    assert abs(timeline.duration().to_seconds() - seconds) < 0.5
    assert "TITLE:" in files["the-lamp-errand-cut.edl"]["make"]()
    assert "It will have to do." in files["the-lamp-errand-dialogue.srt"]["make"]()
    archive = zipfile.ZipFile(io.BytesIO(files["the-lamp-errand-frames.zip"]["make"]()))
    every_frame = [(1, label) for label in SCENE_ONE_FRAMES] + [(2, label) for label in SCENE_TWO_FRAMES]
    assert sorted(archive.namelist()) == sorted(f"scene0{n}_{label.replace(' ', '_')}.png" for n, label in every_frame)
    assert all(archive.read(name).startswith(b"\x89PNG") for name in archive.namelist())
