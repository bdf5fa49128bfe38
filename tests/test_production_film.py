"""Stages 10-12 and the film through the services, offline: frames seeded by their prior frame, the exact clip price
held and charged once, the budget refusal, a worker killed mid-render, iterating one take, the film and every export
read back by the tools editors use."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from decimal import Decimal

import opentimelineio as otio
import pysubs2
import pytest

from core.costs.price_book import load_price_book
from core.errors import BudgetExceeded, EditConflict
from core.exports.probe import probe
from core.film.statuses import ClipStatus, SceneStatus, StageStatus
from core.invalidation.resolver import ItemKind
from core.offline.frames import frame_layout
from core.production import clips, film, frames
from core.production.exports import write_exports
from core.production.run import RunOptions, approve_clips, confirm_and_render, draw_approve_and_lock_frames
from core.providers.offline_video import OfflineVideoProvider
from core.runtime.jobs import JobStatus
from db import projects as project_rows
from tests.phase_b import film_through_assets, rows, through

pytestmark = [pytest.mark.db, pytest.mark.slow]

# priced offline models, so "the estimate equals the charge" is about real money, not zeros
PRICED = {"version": "test-priced", "providers": {"offline": {
    "storyboard": {"kind": "image", "per_image": "0.02"}, "animatic": {"kind": "video", "per_video_second": "0.05"}}}}


@pytest.fixture
def film_two(studio, make_user):
    """The test screenplay's first two scenes through Stage 9 (prompts locked)."""
    made = film_through_assets(studio, make_user())
    through(studio, made, 9, scenes=(1, 2))
    return made


@pytest.fixture
def priced(studio, monkeypatch):
    book = load_price_book(PRICED)
    estimator = dataclasses.replace(studio.engines.estimator, book=book)
    monkeypatch.setitem(studio.__dict__, "engines", dataclasses.replace(studio.engines, book=book, estimator=estimator))
    return estimator


def frames_of(studio, user_id) -> list[dict]:
    return rows(studio, user_id, """SELECT f.*, sh.shot_id AS label, sc.scene_number FROM frames f
                                     JOIN shots sh ON sh.id = f.shot_id JOIN scenes sc ON sc.id = sh.scene_id
                                    WHERE f.superseded_at IS NULL
                                    ORDER BY sc.scene_number, sh.shot_order, f.frame_type DESC""")


def test_every_frame_after_the_first_is_seeded_by_the_one_before_it_across_scenes(studio, film_two):
    for number in (1, 2):
        draw_approve_and_lock_frames(studio, film_two.user.id, film_two.scene(number), 10, RunOptions())
    made = frames_of(studio, film_two.user.id)
    assert made[0]["prior_frame_id"] is None
    assert [f["prior_frame_id"] for f in made[1:]] == [f["id"] for f in made[:-1]]  # film order, scene 2 included
    # consecutive frames in one place keep its palette and where people stand
    cabin = [frame_layout(studio.media.get(f["image_url"])) for f in made if f["scene_number"] == 2]
    for before, after in zip(cabin, cabin[1:]):
        assert before["palette"] == after["palette"] and before["horizon"] == after["horizon"]
        placed = [({c["name"]: c["x"] for c in layout["characters"]}) for layout in (before, after)]
        shared = set(placed[0]) & set(placed[1])
        assert all(abs(placed[0][name] - placed[1][name]) < 0.05 for name in shared)
    assert {s["status"] for s in rows(studio, film_two.user.id, "SELECT status FROM scenes WHERE scene_number <= 2")} \
        == {SceneStatus.FRAMES_LOCKED}


def test_frames_are_charged_exactly_their_estimate_and_an_identical_request_is_served_not_paid(studio, film_two,
                                                                                                priced):
    ref = film_two.scene(1)
    estimate = frames.frames_estimate(studio, len(frames.missing(studio, film_two.user.id, ref)))
    frames.queue_frames(studio, film_two.user.id, ref, inline=True)
    paid = rows(studio, film_two.user.id, "SELECT credits, status FROM cost_ledger WHERE stage_number = 10")
    assert estimate.total > 0 and sum(r["credits"] for r in paid) == estimate.total
    assert {r["status"] for r in paid} == {"settled"}
    board = frames.frame_board(studio, film_two.user.id, ref)
    with studio.db.as_user(film_two.user.id) as conn:  # the frame's file is kept; its row is invalidated upstream
        conn.execute("UPDATE frames SET superseded_at = now() WHERE id = %s", [board[0].frame["id"]])
    frames.queue_frames(studio, film_two.user.id, ref, inline=True)  # the same request again: from storage
    again = rows(studio, film_two.user.id, "SELECT credits FROM cost_ledger WHERE stage_number = 10")
    assert len(again) == len(paid) and frames.frame_board(studio, film_two.user.id, ref)[0].frame["image_url"] == \
        board[0].frame["image_url"]


def test_drawing_one_frame_again_invalidates_only_its_shots_clip_and_reopens_the_lock(studio, film_two):
    user, ref = film_two.user, film_two.scene(1)
    draw_approve_and_lock_frames(studio, user.id, ref, 10, RunOptions())
    confirm_and_render(studio, user.id, ref, 11, RunOptions())
    board = frames.frame_board(studio, user.id, ref)
    target = board[1]
    preview = frames.regeneration_preview(studio, user.id, ref, target.shot_id, target.frame_type)
    assert preview.counts[ItemKind.CLIP] == 1 and preview.counts[ItemKind.FRAME] == 0
    frames.queue_frames(studio, user.id, ref, only=(target.shot_id, target.frame_type), guidance="darker",
                        preview=preview, acknowledged=True, inline=True)
    redrawn = frames.frame_board(studio, user.id, ref)[1].frame
    assert redrawn["regeneration_count"] == 1 and redrawn["guidance"] == "darker"
    assert redrawn["seed"] != target.frame["seed"] and not redrawn["approved"]
    invalid = rows(studio, user.id, "SELECT shot_id FROM videos WHERE invalidated_at IS NOT NULL")
    assert [r["shot_id"] for r in invalid] == [target.shot_id]
    latest = rows(studio, user.id, "SELECT status FROM scene_stage_versions WHERE stage_number = 10")
    assert [r["status"] for r in latest] == [StageStatus.OUTDATED]  # approve and lock again


def test_the_confirmed_price_is_held_then_charged_exactly_and_nothing_is_queued_over_budget(studio, film_two, priced):
    user, ref = film_two.user, film_two.scene(1)
    draw_approve_and_lock_frames(studio, user.id, ref, 10, RunOptions())
    quote = clips.quote(studio, user.id, ref)
    assert quote.total == Decimal("0.05") * quote.seconds and quote.total == sum(line.credits for line in quote.lines)
    with studio.db.as_user(user.id) as conn:
        project_rows.set_budget(conn, film_two.ref.project_id, Decimal("0.10"))
    with pytest.raises(BudgetExceeded, match="Over budget"):
        clips.confirm_render(studio, user.id, ref, clips.quote(studio, user.id, ref).key)
    assert rows(studio, user.id, "SELECT count(*) AS n FROM videos")[0]["n"] == 0
    assert rows(studio, user.id, "SELECT count(*) AS n FROM cost_ledger WHERE stage_number = 12")[0]["n"] == 0
    with studio.db.as_user(user.id) as conn:
        project_rows.set_budget(conn, film_two.ref.project_id, None)
    with pytest.raises(EditConflict, match="price changed"):
        clips.confirm_render(studio, user.id, ref, "not-the-quote-shown")
    done = clips.confirm_render(studio, user.id, ref, clips.quote(studio, user.id, ref).key, inline=True)
    assert {j["status"] for j in done} == {JobStatus.SUCCEEDED}
    charged = rows(studio, user.id, "SELECT credits, status FROM cost_ledger WHERE stage_number = 12")
    assert sum(r["credits"] for r in charged) == quote.total and {r["status"] for r in charged} == {"settled"}


def test_a_worker_killed_mid_render_loses_nothing_and_the_clip_is_charged_once(studio, film_two, priced, monkeypatch):
    user, ref = film_two.user, film_two.scene(2)
    draw_approve_and_lock_frames(studio, user.id, ref, 10, RunOptions())
    quote = clips.quote(studio, user.id, ref)
    queued = clips.confirm_render(studio, user.id, ref, quote.key)  # on the queue, not run
    original = OfflineVideoProvider.render_clip
    monkeypatch.setattr(OfflineVideoProvider, "render_clip", lambda self, request: (_ for _ in ()).throw(
        KeyboardInterrupt("the worker was killed")))
    from core.runtime import jobs

    with pytest.raises(KeyboardInterrupt):
        jobs.run(studio, queued[0]["id"], user.id)
    held = rows(studio, user.id, "SELECT status FROM cost_ledger WHERE stage_number = 12")
    assert sorted(r["status"] for r in held) == ["reserved"] * len(queued)  # still held: nothing lost, nothing paid
    monkeypatch.setattr(OfflineVideoProvider, "render_clip", original)
    from core.runtime.recovery import reap

    assert reap(studio, grace=0) == [queued[0]["id"]]  # its worker is gone: queued again at once
    for job in queued:
        jobs.run(studio, job["id"], user.id)
    settled = rows(studio, user.id, "SELECT credits, status FROM cost_ledger WHERE stage_number = 12")
    assert len(settled) == len(quote.lines) and {r["status"] for r in settled} == {"settled"}
    assert sum(r["credits"] for r in settled) == quote.total
    assert {r["status"] for r in rows(studio, user.id, "SELECT status FROM videos")} == {ClipStatus.COMPLETE}


def test_every_clip_is_a_real_mp4_of_its_shots_length_with_sound(studio, film_two):
    user, ref = film_two.user, film_two.scene(1)
    draw_approve_and_lock_frames(studio, user.id, ref, 10, RunOptions())
    confirm_and_render(studio, user.id, ref, 11, RunOptions())
    made = rows(studio, user.id, "SELECT v.video_url, sh.duration FROM videos v JOIN shots sh ON sh.id = v.shot_id")
    assert made
    for clip in made:
        probed = probe(studio.media.get(clip["video_url"]))
        assert (probed.video_codec, probed.audio_codec) == ("h264", "aac")
        assert probed.frames == clip["duration"] * 24 and abs(probed.duration - clip["duration"]) < 1 / 24
        assert (probed.width, probed.height) == (256, 144)


def test_iterating_one_take_renders_and_charges_only_that_shot(studio, film_two, priced):
    user, ref = film_two.user, film_two.scene(1)
    draw_approve_and_lock_frames(studio, user.id, ref, 10, RunOptions())
    confirm_and_render(studio, user.id, ref, 11, RunOptions())
    approve_clips(studio, user.id, ref, 12, RunOptions())
    before = {r["shot_id"]: r for r in rows(studio, user.id, "SELECT * FROM videos")}
    shot = next(iter(before))
    clips.iterate_clip(studio, user.id, ref, shot, "slower, hold on her face", inline=True)
    after = rows(studio, user.id, "SELECT * FROM videos WHERE superseded_at IS NULL")
    changed = [r for r in after if r["id"] not in {b["id"] for b in before.values()}]
    assert [r["shot_id"] for r in changed] == [shot] and changed[0]["guidance"] == "slower, hold on her face"
    assert {r["id"] for r in after} - {r["id"] for r in changed} == {r["id"] for s, r in before.items() if s != shot}
    charges = rows(studio, user.id, "SELECT shot_id FROM cost_ledger WHERE stage_number = 12 ORDER BY created_at")
    assert [r["shot_id"] for r in charges][-1] == shot and len(charges) == len(before) + 1
    assert rows(studio, user.id, "SELECT status FROM scenes WHERE scene_number = 1")[0]["status"] == \
        SceneStatus.FRAMES_LOCKED  # the new take waits for its approval


def test_the_film_and_every_export_open_in_the_tools_editors_use(studio, film_two, tmp_path):
    user = film_two.user
    for number in (1, 2):
        for stage, step in ((10, draw_approve_and_lock_frames), (11, confirm_and_render), (12, approve_clips)):
            step(studio, user.id, film_two.scene(number), stage, RunOptions())
    cut = film.assemble(studio, user.id, film_two.ref.project_id, film_two.ref.branch_id, dissolve=0.5, inline=True)
    parts = cut["parts"]
    assert cut["status"] == "complete" and cut["missing_scenes"] == [3, 4]  # scenes 3 and 4 have no shots yet
    probed = probe(studio.media.get(cut["media_key"]))
    assert abs(probed.duration - sum(p["seconds"] for p in parts)) <= 2 / 24 and probed.audio_codec == "aac"
    written = write_exports(studio, user.id, film_two.ref.project_id, film_two.ref.branch_id, tmp_path)
    timeline = otio.adapters.read_from_file(str(written["timeline"]))
    assert [c.name for c in timeline.tracks[0].find_clips()] == [p["shot_id"] for p in parts]
    edl = otio.adapters.read_from_file(str(written["edl"]), adapter_name="cmx_3600")
    assert len(list(edl.tracks[0].find_clips())) == len(parts)
    said = [line.text for line in pysubs2.load(str(written["subtitles"]))]
    assert any("Of all the nights, Mum." in text for text in said) and len(said) == 4
    table = list(csv.DictReader(io.StringIO(written["shot_list"].read_text(encoding="utf-8-sig"))))
    assert [row["shot"] for row in table] == [p["shot_id"] for p in parts]
    names = zipfile.ZipFile(written["frames"]).namelist()
    assert names and all(name.endswith(".png") for name in names)
    assert probe(written["film"]).duration == probed.duration and "Title: Mud and Salt" in written[
        "screenplay"].read_text()


def test_a_film_assembled_early_holds_each_missing_shot_on_its_frame(studio, film_two):
    user, ref = film_two.user, film_two.scene(1)
    draw_approve_and_lock_frames(studio, user.id, ref, 10, RunOptions())
    cut = film.assemble(studio, user.id, film_two.ref.project_id, film_two.ref.branch_id, inline=True)
    kinds = {p["kind"] for p in cut["parts"] if p["scene_number"] == 1}
    assert kinds == {"still"} and {p["kind"] for p in cut["parts"] if p["scene_number"] == 2} == {"card"}
    assert abs(float(cut["seconds"]) - sum(p["seconds"] for p in cut["parts"])) <= 2 / 24


def test_nothing_to_confirm_before_the_frames_are_locked(studio, film_two):
    from core.errors import StageNotReady

    with pytest.raises(StageNotReady, match="frame generation"):
        clips.quote(studio, film_two.user.id, film_two.scene(1))
