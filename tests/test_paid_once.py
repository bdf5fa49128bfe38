"""Never paid twice, never charged for nothing: an identical request is served from storage, a redraw is a
new request (estimated, budget-checked, charged), and every hold ends settled or released."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from rq import SimpleWorker

from core.costs.ledger import LedgerStatus
from core.errors import BudgetExceeded, EditConflict
from core.runtime import jobs
from core.story import assets
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef
from core.story.run import run_story
from tests.fake_providers import with_counting_images
from workers import context

pytestmark = [pytest.mark.db, pytest.mark.worker]

ONE_IMAGE = Decimal("0.039")


@pytest.fixture
def creator(make_user):
    return make_user()


@pytest.fixture
def assets_to_draw(studio, creator, project_input) -> ProjectRef:
    """A project through Stage 4, its assets extracted and styled, no image drawn yet."""
    summary = run_story(studio, creator, {**project_input, "input_mode": "condense"}, through=4)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    row = story.generate(studio, creator.id, ref, 5, seen_version=0)
    story_edits.save_assets(studio, creator.id, ref, row["version"], row["content"]["assets"], style={"preset": "noir"})
    return ref


@pytest.fixture
def images(studio, monkeypatch):
    """The studio (the workers' too) draws with a counting image model priced as Gemini's."""
    engines, counting = with_counting_images(studio.engines)
    monkeypatch.setitem(studio.__dict__, "engines", engines)
    monkeypatch.setattr(context, "_studio", studio)
    return counting


def drain(studio) -> None:
    SimpleWorker([studio.queue], connection=studio.redis).work(burst=True, with_scheduler=False)


def image_charges(studio, user) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        return conn.execute("SELECT * FROM cost_ledger WHERE stage_number = 5 AND unit = 'image' "
                            "ORDER BY created_at").fetchall()


def board(studio, user, ref) -> dict[str, dict]:
    return {a["name"]: a for a in assets.asset_board(studio, user.id, ref)}


def spent(studio, user) -> Decimal:
    return sum((c["credits"] for c in image_charges(studio, user)), Decimal(0))


def set_budget(studio, ref, credits: Decimal) -> None:
    with studio.db.as_service() as conn:
        conn.execute("UPDATE projects SET budget_credits = %s WHERE id = %s", [credits, ref.project_id])


def test_identical_requests_call_the_model_once_and_charge_once(studio, creator, assets_to_draw, images):
    ref = assets_to_draw
    assets.queue_reference_images(studio, creator.id, ref)
    drain(studio)
    drawn = board(studio, creator, ref)
    count = len(drawn)
    assert images.calls == count and spent(studio, creator) == count * ONE_IMAGE

    mara = next(a for name, a in drawn.items() if name.startswith("Mara"))
    for _ in range(3):  # the same asset, style, model, template and seed: asked for again and again
        assets.queue_reference_images(studio, creator.id, ref, only=mara["id"])
        drain(studio)
    assert images.calls == count, "an identical request is served from storage"
    assert spent(studio, creator) == count * ONE_IMAGE and len(image_charges(studio, creator)) == count
    again = board(studio, creator, ref)[mara["name"]]
    assert again["image_key_url"] == mara["image_key_url"] and again["job"]["status"] == "succeeded"

    inline = assets.queue_reference_images(studio, creator.id, ref, only=mara["id"], inline=True)
    assert [j["status"] for j in inline] == ["succeeded"] and images.calls == count


def test_a_redraw_is_a_new_request_drawn_and_charged(studio, creator, assets_to_draw, images):
    ref = assets_to_draw
    assets.queue_reference_images(studio, creator.id, ref, inline=True)
    count = images.calls
    tomas = board(studio, creator, ref)["Tomas"]

    assets.queue_reference_images(studio, creator.id, ref, only=tomas["id"], redraw=True)
    drain(studio)
    assert images.calls == count + 1
    first_seed, new_seed = [r.seed for r in images.requests if r.subject["name"] == "Tomas"]
    assert new_seed != first_seed
    redrawn = board(studio, creator, ref)["Tomas"]
    assert redrawn["image_key_url"] != tomas["image_key_url"], "a new seed draws a new picture"
    charges = image_charges(studio, creator)
    assert len(charges) == count + 1 and {c["status"] for c in charges} == {LedgerStatus.SETTLED}
    assert spent(studio, creator) == (count + 1) * ONE_IMAGE

    assets.queue_reference_images(studio, creator.id, ref, only=tomas["id"], redraw=True)
    drain(studio)
    assert images.calls == count + 2 and spent(studio, creator) == (count + 2) * ONE_IMAGE


def test_a_redraw_past_the_budget_is_refused_before_any_call(studio, creator, assets_to_draw, images):
    ref = assets_to_draw
    assets.queue_reference_images(studio, creator.id, ref, inline=True)
    calls, paid = images.calls, spent(studio, creator)
    set_budget(studio, ref, paid + Decimal("0.02"))  # room for half an image
    tomas = board(studio, creator, ref)["Tomas"]

    with pytest.raises(BudgetExceeded, match="Over budget"):
        assets.queue_reference_images(studio, creator.id, ref, only=tomas["id"], redraw=True)
    assert images.calls == calls and spent(studio, creator) == paid
    assert board(studio, creator, ref)["Tomas"]["job"]["status"] == "succeeded", "nothing was queued"

    # the budget shrinks while a redraw waits on the queue: the worker refuses it before calling the model
    set_budget(studio, ref, paid + ONE_IMAGE)
    assets.queue_reference_images(studio, creator.id, ref, only=tomas["id"], redraw=True)
    set_budget(studio, ref, paid)
    drain(studio)
    job = board(studio, creator, ref)["Tomas"]["job"]
    assert job["status"] == "failed" and job["error"].startswith("Over budget")
    assert images.calls == calls and len(image_charges(studio, creator)) == calls


def test_a_provider_failure_leaves_no_hold_and_its_retry_is_charged_once(studio, creator, assets_to_draw, images):
    ref = assets_to_draw
    images.failing = True
    assets.queue_reference_images(studio, creator.id, ref)
    drain(studio)
    count = len(board(studio, creator, ref))
    charges = image_charges(studio, creator)
    assert [c["status"] for c in charges] == [LedgerStatus.RELEASED] * count and spent(studio, creator) == 0

    images.failing = False
    tomas = board(studio, creator, ref)["Tomas"]
    assets.queue_reference_images(studio, creator.id, ref, only=tomas["id"])  # "Retry": the same request
    drain(studio)
    statuses = {c["status"] for c in image_charges(studio, creator)}
    assert LedgerStatus.RESERVED not in statuses and len(image_charges(studio, creator)) == count
    assert spent(studio, creator) == ONE_IMAGE and images.calls == count + 1


class FullDisk:
    """The media store with its disk full: the model answered, its picture can't be kept."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def put(self, data: bytes, suffix: str, owner=None) -> str:
        raise OSError(28, "No space left on device")

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_a_result_that_cannot_be_saved_releases_its_hold(studio, creator, assets_to_draw, images, monkeypatch):
    ref = assets_to_draw
    monkeypatch.setitem(studio.__dict__, "media", FullDisk(studio.media))
    assets.queue_reference_images(studio, creator.id, ref)
    drain(studio)
    count = len(board(studio, creator, ref))
    assert images.calls == count
    assert [c["status"] for c in image_charges(studio, creator)] == [LedgerStatus.RELEASED] * count
    assert all(a["job"]["status"] == "failed" and a["image_key_url"] is None for a in board(studio, creator, ref).values())


def test_a_succeeded_job_run_again_calls_nothing(studio, creator, assets_to_draw, images):
    ref = assets_to_draw
    (first, *_) = assets.queue_reference_images(studio, creator.id, ref)
    drain(studio)
    calls, charges = images.calls, image_charges(studio, creator)
    done = jobs.job(studio, creator.id, first["id"])

    again = jobs.run(studio, first["id"], creator.id)  # RQ delivering the job a second time
    assert images.calls == calls and image_charges(studio, creator) == charges
    assert again["status"] == "succeeded" and again["image_key"] == done["result"]["image_key"]
    assert jobs.job(studio, creator.id, first["id"])["result"] == done["result"]


class CountingText:
    """The offline writer, counted; `during` runs inside the call (another session acting meanwhile)."""

    def __init__(self, inner) -> None:
        self.inner, self.calls, self.during = inner, 0, None
        self.name, self.model, self.offline = inner.name, inner.model, inner.offline

    def generate(self, request):
        self.calls += 1
        if self.during:
            self.during()
            self.during = None
        return self.inner.generate(request)


@pytest.fixture
def writer(studio, monkeypatch) -> CountingText:
    counting = CountingText(studio.engines.text)
    monkeypatch.setitem(studio.__dict__, "engines", dataclasses.replace(studio.engines, text=counting))
    return counting


def stage_two_charges(studio, user) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        return conn.execute("SELECT status FROM cost_ledger WHERE stage_number = 2 ORDER BY created_at").fetchall()


def test_the_same_stage_generation_twice_calls_the_model_once(studio, creator, project_input, writer):
    summary = run_story(studio, creator, project_input, through=1)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    first = story.generate(studio, creator.id, ref, 2, seen_version=0, guidance="shorter")
    made = writer.calls  # one call per treatment variant
    again = story.generate(studio, creator.id, ref, 2, seen_version=0, guidance="shorter")  # a double click
    assert again["id"] == first["id"] and writer.calls == made
    assert [r["status"] for r in stage_two_charges(studio, creator)] == [LedgerStatus.SETTLED]

    with pytest.raises(EditConflict):  # a stale page asking for something new pays for nothing
        story.generate(studio, creator.id, ref, 2, seen_version=0, guidance="longer")
    assert writer.calls == made and len(stage_two_charges(studio, creator)) == 1


def test_a_generation_that_loses_a_race_to_save_releases_its_hold(studio, creator, project_input, writer):
    summary = run_story(studio, creator, project_input, through=1)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    story.generate(studio, creator.id, ref, 2, seen_version=0)
    made = writer.calls
    writer.during = lambda: story_edits.choose_treatment(studio, creator.id, ref, 1, 0)  # another tab saves v2

    with pytest.raises(EditConflict):
        story.generate(studio, creator.id, ref, 2, seen_version=1, guidance="darker")
    assert writer.calls > made, "the model answered before the save lost the race"
    assert [r["status"] for r in stage_two_charges(studio, creator)] == [LedgerStatus.SETTLED, LedgerStatus.RELEASED]
