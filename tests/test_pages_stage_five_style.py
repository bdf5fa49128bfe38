"""AppTests for Stage 5's issue-8 snags: no reference image before a style is chosen, "Redraw all" after a
style change (priced first), and a renamed asset keeps its image."""

from __future__ import annotations

import pytest
from rq import SimpleWorker

from core.errors import StageIncomplete
from core.story.assets import queue_reference_images
from core.story.edits import save_assets
from tests.test_pages_phase_a_production import STAGE_5, asset_rows, click, latest, made_through, ok, open_page, texts
from workers import context

pytestmark = [pytest.mark.db, pytest.mark.worker]
SHORT_STORY = ("Ilse rows the ferry across the sound at dusk. Her sister Brita waits on the jetty with a "
               "storm lantern. \"The doctor won't come,\" Brita says. Ilse ties the boat to the iron ring.")


@pytest.fixture
def creator(make_user):
    return make_user()


@pytest.fixture
def drain(studio, monkeypatch):
    """Run the queue to empty with an RQ worker in this process, sharing the test's studio."""
    monkeypatch.setattr(context, "_studio", studio)
    return lambda: SimpleWorker([studio.queue], connection=studio.redis).work(burst=True, with_scheduler=False)


@pytest.fixture
def extracted(studio, creator, project_input):
    ref = made_through(studio, creator, {**project_input, "input_mode": "condense", "narrative": SHORT_STORY},
                       through=4)
    at = ok(click(ok(open_page(creator, ref, STAGE_5)), "Extract the assets"))
    return ref, at


def save_style(studio, user, ref, preset: str, notes: str = "") -> None:
    row = latest(studio, user, ref, 5)
    save_assets(studio, user.id, ref, row["version"], row["content"]["assets"], style={"preset": preset, "notes": notes})


def test_no_reference_image_is_drawn_before_a_style_is_chosen(studio, creator, extracted):
    ref, at = extracted
    generate = next(b for b in at.main.button if b.label.startswith("Generate reference images"))
    assert generate.disabled
    assert any("Choose and save a visual style above first" in i for i in texts(at, "info"))
    with pytest.raises(StageIncomplete, match="visual style"):
        queue_reference_images(studio, creator.id, ref)
    assert not [a for a in asset_rows(studio, creator, ref) if a["image_key_url"]]


def test_redraw_all_after_a_style_change_is_priced_then_redraws_each_image(studio, creator, extracted, drain):
    ref, _ = extracted
    save_style(studio, creator, ref, "storyboard")
    queue_reference_images(studio, creator.id, ref)
    drain()
    before = {a["name"]: a["image_key_url"] for a in asset_rows(studio, creator, ref)}
    assert all(before.values())
    at = ok(open_page(creator, ref, STAGE_5))
    assert not any(b.label.startswith("Redraw all") for b in at.main.button), "nothing to redraw yet"

    save_style(studio, creator, ref, "noir", "warm lamp light")
    at = ok(open_page(creator, ref, STAGE_5))
    count = len(before)
    assert f"{count} image(s) were drawn in an earlier visual style." in texts(at, "warning")
    assert any(f"Redrawing {count} reference image(s) in Film noir: estimated $" in c for c in texts(at, "caption"))
    at = ok(click(at, f"Redraw all in the current style ({count})"))
    drain()
    after = {a["name"]: a["image_key_url"] for a in asset_rows(studio, creator, ref)}
    assert set(after) == set(before) and all(after[n] != before[n] for n in before)
    at = ok(open_page(creator, ref, STAGE_5))
    assert not any(b.label.startswith("Redraw all") for b in at.main.button)


@pytest.mark.parametrize("new_name", ["Ilse Marten", "The ferrywoman", "Ilse (older)"])
def test_renaming_an_asset_keeps_its_image(studio, creator, extracted, drain, new_name):
    ref, _ = extracted
    save_style(studio, creator, ref, "storyboard")
    queue_reference_images(studio, creator.id, ref)
    drain()
    ilse = next(a for a in asset_rows(studio, creator, ref) if a["name"].startswith("Ilse"))
    at = ok(open_page(creator, ref, STAGE_5))
    editor = at.data_editor[0].value
    row = editor["name"].tolist().index(ilse["name"])
    at.session_state[at.data_editor[0].key] = {"edited_rows": {row: {"name": new_name}}, "added_rows": [],
                                              "deleted_rows": []}
    ok(click(at.run(), "Save assets"))
    renamed = next(a for a in asset_rows(studio, creator, ref) if a["name"] == new_name)
    assert renamed["image_key_url"] == ilse["image_key_url"]
    assert not any(a["name"] == ilse["name"] for a in asset_rows(studio, creator, ref))


def test_locking_stage_five_says_plainly_what_comes_next(studio, creator, project_input):
    ref = made_through(studio, creator, {**project_input, "input_mode": "condense", "narrative": SHORT_STORY},
                       through=5)
    at = ok(open_page(creator, ref, STAGE_5))
    # Stages 6-12 came after this test was written: the locked assets now lead straight to the script hub
    assert not [i for i in texts(at, "info") if "What comes next" in i]
    assert [link.proto.label for link in at.main.get("page_link") if "Stage 6" in link.proto.label] == [
        "Go to Stage 6 · Script hub"]
