"""The clip job on Veo, end to end: a scene confirmed at its quote and rendered through the real google-genai SDK
against the local Veo fake (tests/fake_veo.py), with the real database, ledger and RQ.

What a creator would notice: each shot's clip is asked of Veo once, with its own frames and length; what was quoted
is what is charged; a refusal ends in a clear failed clip that costs nothing; a worker that dies while Veo renders
is replaced by one that picks up the same render, so nothing is paid twice.
"""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass
from decimal import Decimal

import pytest
from rq import SimpleWorker

from core.costs.budget import set_budget
from core.errors import BudgetExceeded
from core.film.statuses import ClipStatus
from core.production import clips
from core.production import run as production
from core.production.clip_jobs import NO_END_FRAME
from core.production.context import SceneRef
from core.providers.registry import ModelChoice
from core.providers.retrying import RetryPolicy
from core.providers.veo import VeoVideoProvider
from core.runtime import jobs
from core.runtime.auth import User
from db import frames as frame_rows
from tests.fake_apis import Fail
from tests.fake_veo import FakeVeo, Filtered, Rendered, tiny_mp4
from tests.phase_b import film_through_assets, live_shots, rows
from workers import context

pytestmark = [pytest.mark.db, pytest.mark.worker, pytest.mark.slow]

VEO = "google:veo-3.1-generate-preview"
PER_SECOND = Decimal("0.40")  # Veo 3.1 in the 2026-12-01 price book
QUICK = RetryPolicy(attempts=3, first_delay=0.001, max_delay=0.005)
GOOGLE_ENV = ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GOOGLE_GENAI_USE_VERTEXAI",
              "GOOGLE_CLOUD_PROJECT", "GOOGLE_APPLICATION_CREDENTIALS")
SAFETY = "The prompt mentions a cliff edge and was blocked by our safety filters. Support code: 44120937."
NOT_SUPPORTED = "Your use case is currently not supported. Please refer to Gemini API documentation."

# One scene written for these tests: a wide, a moving insert, a line of dialogue, and the kite taking off.
KITE = """Title: The Red Kite

EXT. CLIFF TOP - MORNING

ADA stands at the edge of the cliff with a red kite folded under her arm.

ADA
Now or never.

The wind catches the kite and it climbs over the sea as Ada runs along the grass.
"""


@dataclass(frozen=True)
class Scene:
    """The scene taken through Stage 10 on Veo: its frames locked, its clips not yet quoted."""

    user: User
    ref: SceneRef
    shots: tuple[dict, ...]  # live shots in order

    def shot(self, label: str) -> dict:
        return next(s for s in self.shots if s["shot_id"] == label)


@pytest.fixture(autouse=True)
def no_google_env(monkeypatch):
    """Keys in the developer's shell must not steer the SDK away from the fake."""
    for name in GOOGLE_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def veo():
    with FakeVeo(tiny_mp4()) as fake:
        yield fake


@pytest.fixture
def on_veo(studio, veo, monkeypatch) -> VeoVideoProvider:
    """The studio (and the workers sharing it) renders clips on Veo, reached at the fake, priced as Veo 3.1."""
    provider = VeoVideoProvider(VEO.partition(":")[2], api_key="k", base_url=veo.url, poll_interval=0.01,
                                retry=QUICK)
    estimator = studio.engines.estimator
    estimator = dataclasses.replace(estimator, models=dataclasses.replace(estimator.models, video=VEO))
    engines = dataclasses.replace(studio.engines, video=provider, estimator=estimator,
                                  video_choice=ModelChoice(VEO, True, "the local Veo fake"))
    monkeypatch.setitem(studio.__dict__, "engines", engines)
    monkeypatch.setattr(context, "_studio", studio)
    return provider


@pytest.fixture
def cliff(studio, make_user, on_veo) -> Scene:
    user = make_user()
    film = film_through_assets(studio, user, KITE, title="The Red Kite")
    ref = film.scene(1)
    for number in (7, 8, 9):
        production.generate_and_lock(studio, user.id, ref, number, production.RunOptions())
    production.draw_approve_and_lock_frames(studio, user.id, ref, 10, production.RunOptions())
    scene = Scene(user, ref, tuple(live_shots(studio, film, 1)))
    ends = [s["requires_end_frame"] for s in scene.shots]
    assert any(ends) and not all(ends), "the scene needs shots with and without an end frame"
    return scene


# --- helpers -----------------------------------------------------------------------------------------------------


def confirm(studio, scene: Scene) -> tuple[clips.Quote, list[dict]]:
    """The creator confirms the scene's clips at the price shown; they render here."""
    shown = clips.quote(studio, scene.user.id, scene.ref)
    return shown, clips.confirm_render(studio, scene.user.id, scene.ref, shown.key, inline=True)


def latest_clips(studio, scene: Scene) -> dict[str, dict]:
    """Each shot's latest clip, by shot label."""
    return {row["shot"]["shot_id"]: row["clip"] for row in clips.clip_board(studio, scene.user.id, scene.ref)}


def ledger(studio, scene: Scene, clip: dict) -> list[dict]:
    """The ledger rows of one clip's request."""
    return rows(studio, scene.user.id, "SELECT * FROM cost_ledger WHERE idempotency_key = %s", clip["ledger_key"])


def clip_ledger(studio, scene: Scene) -> list[dict]:
    return rows(studio, scene.user.id, "SELECT * FROM cost_ledger WHERE project_id = %s AND stage_number = 12",
                scene.ref.project_id)


def frame_bytes(studio, scene: Scene, shot: dict, kind: str) -> bytes | None:
    with studio.db.as_user(scene.user.id) as conn:
        frame = frame_rows.live_frame(conn, shot["id"], kind)
    return studio.media.get(frame["image_url"]) if frame else None


def submissions_for(veo: FakeVeo, shot: dict) -> list[dict]:
    """The bodies of the submissions Veo accepted for this shot (known by its video prompt)."""
    return [r.json for r in veo.accepted if r.json["instances"][0]["prompt"] == shot["video_prompt"].strip()]


def shots_now(studio, scene: Scene) -> dict[str, dict]:
    """The scene's live shots as the database holds them now, by label."""
    return {shot["shot_id"]: shot for shot in live_shots_of(studio, scene)}


def live_shots_of(studio, scene: Scene) -> list[dict]:
    return rows(studio, scene.user.id, "SELECT * FROM shots WHERE scene_id = %s AND superseded_at IS NULL",
                scene.ref.scene_id)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def price(shot: dict) -> Decimal:
    return PER_SECOND * shot["duration"]


def burst(studio) -> None:
    SimpleWorker([studio.queue], connection=studio.redis).work(burst=True)


# --- rendered at the quoted price --------------------------------------------------------------------------------


def test_each_confirmed_shot_is_sent_to_veo_once_with_its_frames_and_length(studio, veo, cliff):
    _, done = confirm(studio, cliff)

    assert [job["status"] for job in done] == ["succeeded"] * len(cliff.shots)
    assert veo.submissions == len(cliff.shots)
    for shot in cliff.shots:
        (sent,) = submissions_for(veo, shot)
        instance, parameters = sent["instances"][0], sent["parameters"]
        assert instance["image"]["bytesBase64Encoded"] == b64(frame_bytes(studio, cliff, shot, "start"))
        assert (parameters["durationSeconds"], parameters["aspectRatio"]) == (shot["duration"], "16:9")
        if shot["requires_end_frame"]:
            assert instance["lastFrame"]["bytesBase64Encoded"] == b64(frame_bytes(studio, cliff, shot, "end"))
        else:
            assert "lastFrame" not in instance


def test_each_clip_is_stored_and_settled_at_its_quoted_line(studio, veo, cliff):
    shown, _ = confirm(studio, cliff)

    assert shown.model == VEO and shown.price_book_version == "2026-12-01"
    assert shown.total == PER_SECOND * sum(s["duration"] for s in cliff.shots)
    rendered = latest_clips(studio, cliff)
    for line in shown.lines:
        clip, shot = rendered[line.shot_id], cliff.shot(line.shot_id)
        assert line.credits == price(shot)
        assert clip["status"] == ClipStatus.COMPLETE and studio.media.get(clip["video_url"]) == tiny_mp4()
        assert clip["used_end_frame"] is shot["requires_end_frame"]
        assert clip["cost_credits"] == line.credits
        (entry,) = ledger(studio, cliff, clip)
        assert (entry["status"], entry["estimated_credits"], entry["credits"]) == ("settled", line.credits,
                                                                                  line.credits)
        assert (entry["provider"], entry["model"], entry["result_key"]) == (
            "google", VEO.partition(":")[2], clip["video_url"])
    assert sum(e["credits"] for e in clip_ledger(studio, cliff)) == shown.total


# --- Veo pushes back ---------------------------------------------------------------------------------------------


def test_a_rate_limited_submission_is_sent_again_and_charged_once(studio, veo, cliff):
    veo.fail_submits(Fail(429, "Resource has been exhausted (e.g. check quota)."))

    shown, done = confirm(studio, cliff)

    first = cliff.shot(shown.lines[0].shot_id)
    assert [job["status"] for job in done] == ["succeeded"] * len(cliff.shots)
    assert len(veo.sent("submit")) == len(cliff.shots) + 1
    assert len(submissions_for(veo, first)) == 1 and veo.submissions == len(cliff.shots)
    (entry,) = ledger(studio, cliff, latest_clips(studio, cliff)[first["shot_id"]])
    assert (entry["status"], entry["credits"]) == ("settled", price(first))
    assert sum(e["credits"] for e in clip_ledger(studio, cliff)) == shown.total


def test_a_safety_filtered_clip_fails_with_veos_reasons_and_costs_nothing(studio, veo, cliff):
    veo.outcome = Filtered((SAFETY,))

    _, done = confirm(studio, cliff)

    assert {job["status"] for job in done} == {"failed"}
    for clip in latest_clips(studio, cliff).values():
        assert clip["status"] == ClipStatus.FAILED
        assert "Support code: 44120937" in clip["error_message"] and "Change the video prompt" in clip["error_message"]
        assert clip["operation_name"] is None, "the render ended: a retry must submit anew"
        (entry,) = ledger(studio, cliff, clip)
        assert (entry["status"], entry["credits"]) == ("released", 0)
    assert veo.sent("download") == []


def test_retrying_a_filtered_clip_submits_anew_and_charges_it_once(studio, veo, cliff):
    veo.outcome = Filtered((SAFETY,))
    confirm(studio, cliff)
    veo.outcome = Rendered()
    label = cliff.shots[1]["shot_id"]
    failed = latest_clips(studio, cliff)[label]

    job = clips.retry_clip(studio, cliff.user.id, cliff.ref, failed["id"], inline=True)

    assert job["status"] == "succeeded"
    assert len(submissions_for(veo, cliff.shot(label))) == 2, "the refused render and the retry"
    retried = latest_clips(studio, cliff)[label]
    assert (retried["id"], retried["status"], retried["error_message"]) == (failed["id"], ClipStatus.COMPLETE, None)
    assert studio.media.get(retried["video_url"]) == tiny_mp4()
    (entry,) = ledger(studio, cliff, retried)
    assert (entry["status"], entry["credits"]) == ("settled", price(cliff.shot(label)))
    assert sum(e["credits"] for e in clip_ledger(studio, cliff)) == price(cliff.shot(label))


@pytest.mark.parametrize("refused_at", ["submit", "render"])
def test_an_end_frame_the_model_refuses_renders_from_the_start_frame_and_says_so(studio, veo, cliff, refused_at):
    veo.rejects_last_frame, veo.last_frame_refused_at = NOT_SUPPORTED, refused_at

    shown, done = confirm(studio, cliff)

    assert [job["status"] for job in done] == ["succeeded"] * len(cliff.shots)
    rendered = latest_clips(studio, cliff)
    shots = shots_now(studio, cliff)
    for shot in cliff.shots:
        clip, sent = rendered[shot["shot_id"]], submissions_for(veo, shot)
        assert clip["status"] == ClipStatus.COMPLETE and clip["used_end_frame"] is False
        assert "lastFrame" not in sent[-1]["instances"][0]
        assert sent[-1]["instances"][0]["image"]["bytesBase64Encoded"] == b64(frame_bytes(studio, cliff, shot, "start"))
        expected_note = NO_END_FRAME if shot["requires_end_frame"] else None
        assert shots[shot["shot_id"]]["end_frame_note"] == expected_note
        (entry,) = ledger(studio, cliff, clip)
        assert (entry["status"], entry["credits"]) == ("settled", price(shot))
    assert sum(e["credits"] for e in clip_ledger(studio, cliff)) == shown.total


# --- a worker dies while Veo renders -----------------------------------------------------------------------------


class WorkerKilled(SystemExit):
    """What the process sees when its worker is stopped mid-job: not an error any handler catches."""


def die_on_first_wait(provider: VeoVideoProvider, monkeypatch) -> None:
    """The worker dies the first time it starts polling (after the operation's name was saved)."""
    real_wait, calls = provider.wait, []

    def wait(name, **kwargs):
        calls.append(name)
        if len(calls) == 1:
            raise WorkerKilled(137)
        return real_wait(name, **kwargs)

    monkeypatch.setattr(provider, "wait", wait)


def test_a_worker_killed_while_polling_is_replaced_by_one_that_polls_the_same_render(studio, veo, cliff, on_veo,
                                                                                     monkeypatch):
    veo.polls_until_done = 3
    die_on_first_wait(on_veo, monkeypatch)
    shown = clips.quote(studio, cliff.user.id, cliff.ref)
    first = cliff.shot(shown.lines[0].shot_id)

    with pytest.raises(WorkerKilled):
        clips.confirm_render(studio, cliff.user.id, cliff.ref, shown.key, inline=True)

    orphan = latest_clips(studio, cliff)[first["shot_id"]]
    (operation,) = veo.operations
    assert (orphan["status"], orphan["operation_name"]) == (ClipStatus.RENDERING, operation)
    assert [(e["status"], e["credits"]) for e in ledger(studio, cliff, orphan)] == [("reserved", price(first))]
    killed = job_for(studio, cliff, orphan)
    assert killed["status"] == "running"

    assert killed["id"] in jobs.recover_abandoned(studio)
    burst(studio)

    assert len(submissions_for(veo, first)) == 1, "the replacement polled the saved render, never resubmitted"
    assert veo.submissions == len(cliff.shots)
    assert veo.operations[operation].polls == veo.polls_until_done + 1
    resumed = latest_clips(studio, cliff)[first["shot_id"]]
    assert (resumed["id"], resumed["status"]) == (orphan["id"], ClipStatus.COMPLETE)
    assert studio.media.get(resumed["video_url"]) == tiny_mp4()
    assert [(e["status"], e["credits"]) for e in ledger(studio, cliff, resumed)] == [("settled", price(first))]
    finished = job_for(studio, cliff, orphan)
    assert (finished["status"], finished["attempts"]) == ("succeeded", 2)
    assert all(c["status"] == ClipStatus.COMPLETE for c in latest_clips(studio, cliff).values())
    assert sum(e["credits"] for e in clip_ledger(studio, cliff)) == shown.total


def job_for(studio, scene: Scene, clip: dict) -> dict:
    (job,) = rows(studio, scene.user.id, "SELECT * FROM generation_jobs WHERE target_id = %s", clip["id"])
    return job


# --- a render Veo still holds ------------------------------------------------------------------------------------


def test_polls_failing_past_the_retries_keep_the_render_and_a_retry_polls_it(studio, veo, cliff):
    veo.fail_polls(*[Fail(503, "The service is currently unavailable.")] * QUICK.attempts)

    shown, done = confirm(studio, cliff)

    first = cliff.shot(shown.lines[0].shot_id)
    failed = latest_clips(studio, cliff)[first["shot_id"]]
    assert done[0]["status"] == "failed" and "503" in failed["error_message"]
    (operation, *_) = veo.operations
    assert failed["operation_name"] == operation, "Veo is still rendering it: keep its name to poll again"
    assert [(e["status"], e["credits"]) for e in ledger(studio, cliff, failed)] == [("released", 0)]

    job = clips.retry_clip(studio, cliff.user.id, cliff.ref, failed["id"], inline=True)

    assert job["status"] == "succeeded"
    assert len(submissions_for(veo, first)) == 1 and veo.submissions == len(cliff.shots)
    (entry,) = ledger(studio, cliff, latest_clips(studio, cliff)[first["shot_id"]])
    assert (entry["status"], entry["credits"]) == ("settled", price(first))
    assert sum(e["credits"] for e in clip_ledger(studio, cliff)) == shown.total


def test_a_retry_the_budget_no_longer_holds_is_refused_and_the_clip_stays_retryable(studio, veo, cliff):
    veo.outcome = Filtered((SAFETY,))
    confirm(studio, cliff)
    veo.outcome = Rendered()
    failed = latest_clips(studio, cliff)[cliff.shots[0]["shot_id"]]
    set_budget(studio.db, cliff.user.id, cliff.ref.project_id, "1.00")

    with pytest.raises(BudgetExceeded, match="Over budget"):
        clips.retry_clip(studio, cliff.user.id, cliff.ref, failed["id"], inline=True)

    clip = latest_clips(studio, cliff)[cliff.shots[0]["shot_id"]]
    assert clip["status"] == ClipStatus.FAILED and veo.submissions == len(cliff.shots)
    assert [(e["status"], e["credits"]) for e in ledger(studio, cliff, clip)] == [("released", 0)]
    set_budget(studio.db, cliff.user.id, cliff.ref.project_id, None)  # no cap: the creator makes room
    assert clips.retry_clip(studio, cliff.user.id, cliff.ref, failed["id"], inline=True)["status"] == "succeeded"
    assert [(e["status"], e["credits"]) for e in ledger(studio, cliff, clip)] == [("settled", price(cliff.shots[0]))]


def test_a_clip_that_came_back_but_could_not_be_stored_is_fetched_again_not_rendered_again(studio, veo, cliff,
                                                                                          monkeypatch):
    real_put, puts = studio.media.put, []

    def put(data, suffix, owner=None):
        puts.append(suffix)
        if suffix == ".mp4" and puts.count(".mp4") == 1:
            raise OSError(28, "No space left on device")
        return real_put(data, suffix, owner=owner)

    monkeypatch.setattr(studio.media, "put", put)
    shown = clips.quote(studio, cliff.user.id, cliff.ref)
    first = cliff.shot(shown.lines[0].shot_id)
    with pytest.raises(OSError, match="No space left"):
        clips.confirm_render(studio, cliff.user.id, cliff.ref, shown.key, inline=True)
    failed = latest_clips(studio, cliff)[first["shot_id"]]
    assert failed["status"] == ClipStatus.FAILED and "No space left on device" in failed["error_message"]
    assert [(e["status"], e["credits"]) for e in ledger(studio, cliff, failed)] == [("released", 0)]

    job = clips.retry_clip(studio, cliff.user.id, cliff.ref, failed["id"], inline=True)

    assert job["status"] == "succeeded"
    assert len(submissions_for(veo, first)) == 1 and len(veo.sent("download")) == 2
    stored = latest_clips(studio, cliff)[first["shot_id"]]
    assert stored["status"] == ClipStatus.COMPLETE and studio.media.get(stored["video_url"]) == tiny_mp4()
    assert [(e["status"], e["credits"]) for e in ledger(studio, cliff, stored)] == [("settled", price(first))]
