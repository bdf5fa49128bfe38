"""AppTests for Stage 4 · Master script, Stage 5 · Global assets and the asset library page.

Each test drives the studio as a creator would (through the router, so the gates' links and the
stage-to-stage links resolve), then checks what they see and what the real database holds. Earlier
stages are made with the headless runner, the same services the pages call. Reference images run
on an RQ worker in this process, against the real Redis queue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from rq import SimpleWorker
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from core.errors import ProviderUnavailable
from core.film.screenplay import scenes as fountain_scenes
from core.providers.base import ImageRequest, ImageResult
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef, create_project
from core.story.run import run_story
from db import stages as stage_rows
from tests.conftest import REPO_ROOT
from workers import context

pytestmark = [pytest.mark.db, pytest.mark.worker]

ROUTER = str(REPO_ROOT / "app.py")
STAGE_4 = "pages/stage_04_script.py"
STAGE_5 = "pages/stage_05_assets.py"
LIBRARY = str(REPO_ROOT / "pages" / "asset_library.py")
STORY = (REPO_ROOT / "samples" / "lighthouse.txt").read_text()
PEOPLE = ("Mara", "Tomas", "Finn")  # every named character of the sample story
SCREENPLAY = """Title: Low Tide

INT. LAMP ROOM - NIGHT

MARA trims the wick. The beam sweeps the black water.

MARA
Ten years, Tomas.

EXT. THE REEF - DAWN

A figure stands in the surf, holding a lantern.

TOMAS
You came.

INT. HARBOUR OFFICE - DAY

FINN spreads the chart across his desk.
"""


# --- driving the studio -------------------------------------------------------------------------


def open_page(user, ref: ProjectRef, page: str) -> AppTest:
    """The studio signed in as `user` with `ref` in focus, showing `page`."""
    at = AppTest.from_file(ROUTER, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    at.session_state["project_id"] = str(ref.project_id)
    at.session_state["branch_id"] = str(ref.branch_id)
    at.run()
    return at.switch_page(page).run()


def button(at: AppTest, label: str):
    return next(b for b in at.main.button if b.label == label)


def click(at: AppTest, label: str) -> AppTest:
    return button(at, label).click().run()


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.main.button]


def texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at.main, kind)]


def page_links(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.main.get("page_link")]


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture
def creator(make_user):
    return make_user()


@pytest.fixture
def story_input(project_input) -> dict:
    return {**project_input, "input_mode": "condense", "narrative": STORY}


def made_through(studio, user, config: dict, through: int) -> ProjectRef:
    summary = run_story(studio, user, config, through=through)
    return ProjectRef(summary.project_id, summary.branch_id)


@pytest.fixture
def drain(studio, monkeypatch) -> Callable[[], None]:
    """Run the queue to empty with an RQ worker in this process, sharing the test's studio."""
    monkeypatch.setattr(context, "_studio", studio)

    def run() -> None:
        SimpleWorker([studio.queue], connection=studio.redis).work(burst=True, with_scheduler=False)

    return run


@pytest.fixture
def downloads(monkeypatch) -> list[dict]:
    """Every file the pages hand to the browser (downloads, images): its bytes, type and name."""
    handed: list[dict] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        data = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
        handed.append({"data": data, "mimetype": mimetype, "filename": filename})
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return handed


def latest(studio, user, ref: ProjectRef, number: int) -> dict | None:
    with studio.db.as_user(user.id) as conn:
        return stage_rows.latest(conn, ref.branch_id, number)


def versions(studio, user, ref: ProjectRef, number: int) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        return stage_rows.versions(conn, ref.branch_id, number)


def rows(studio, user, sql: str, *params) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        return conn.execute(sql, list(params)).fetchall()


# --- Stage 4 · Master script --------------------------------------------------------------------


def test_stage_four_writes_edits_downloads_and_locks_the_script(studio, creator, story_input, downloads):
    ref = made_through(studio, creator, story_input, through=3)
    at = ok(open_page(creator, ref, STAGE_4))
    assert texts(at, "title") == ["Stage 4 · Master script"]
    assert any("Offline engine" in c for c in texts(at, "caption"))
    assert any("No script yet" in i for i in texts(at, "info"))
    assert any(c.startswith(":material/savings: Writing the script: estimated $0.00 (offline; online it "
                            "would be about ") for c in texts(at, "caption"))
    beats = latest(studio, creator, ref, 3)["content"]["beats"]
    assert at.dataframe[0].value["Text"].tolist() == [b["text"] for b in beats]  # the rear-view mirror

    at = ok(click(at, "Write the script"))
    (v1,) = versions(studio, creator, ref, 4)
    script = v1["content"]["formatted_script"]
    assert (v1["version"], v1["status"], v1["provider"]) == (1, "draft", "offline")
    assert [s["slug"] for s in v1["content"]["scenes"]] == [s.slug for s in fountain_scenes(script)]
    assert len(v1["content"]["scenes"]) >= 1
    assert "Wrote the script as version 1." in texts(at, "success")
    assert at.text_area[0].value == script
    scene_table = at.dataframe[1].value
    assert scene_table["Heading"].tolist() == [s["slug"] for s in v1["content"]["scenes"]]
    assert scene_table["Scene"].tolist() == list(range(1, len(v1["content"]["scenes"]) + 1))
    (charge,) = rows(studio, creator, "SELECT * FROM cost_ledger WHERE stage_number = 4")
    assert charge["credits"] == 0 and charge["shadow_credits"] > 0

    edited = script.rstrip() + "\n\nEXT. THE REEF - NIGHT\n\nMara rows into the storm.\n\nMARA\nTomas!\n"
    at.text_area[0].set_value(edited)
    at = ok(click(at, "Save script"))
    v2 = latest(studio, creator, ref, 4)
    assert (v2["version"], v2["status"], v2["overrides"]["edited"]) == (2, "draft", True)
    assert v2["content"]["formatted_script"] == edited
    assert v2["content"]["scenes"][-1]["slug"] == "EXT. THE REEF - NIGHT"
    assert v2["content"]["scenes"][-1]["characters"] == ["MARA"]
    assert len(v2["content"]["scenes"]) == len(v1["content"]["scenes"]) + 1
    assert latest(studio, creator, ref, 3)["status"] == "outdated"
    assert any("The beat sheet is now out of date with the script" in w for w in texts(at, "warning"))
    assert at.dataframe[1].value["Heading"].tolist()[-1] == "EXT. THE REEF - NIGHT"

    (download,) = at.main.download_button
    assert download.label == "Download .fountain"
    (fountain,) = [d for d in downloads if (d["filename"] or "").endswith(".fountain")][-1:]
    assert (fountain["filename"], fountain["data"].decode()) == ("The Lighthouse.fountain", edited)

    # look at version 1 in the history and bring it back as version 3
    at.selectbox(key="look_4").set_value(1)
    at = ok(click(at.run(), "Restore version 1 as version 3"))
    v3 = latest(studio, creator, ref, 4)
    assert (v3["version"], v3["overrides"]["restored_from"]) == (3, 1)
    assert v3["content"] == v1["content"]
    assert versions(studio, creator, ref, 4)[1]["content"]["formatted_script"] == edited  # v2 kept as it was
    assert at.text_area[0].value == script and "Restored version 1 as version 3." in texts(at, "success")

    at = ok(click(at, "Lock the script"))
    assert latest(studio, creator, ref, 4)["status"] == "locked"
    assert any("Script locked (version 3)" in s for s in texts(at, "success"))
    assert "Lock the script" not in labels(at)
    assert page_links(at) == ["Go to Stage 5 · Global assets"]


def test_regenerating_the_script_under_assets_previews_then_cancel_or_proceed(studio, creator, story_input):
    ref = made_through(studio, creator, story_input, through=5)
    locked_script = latest(studio, creator, ref, 4)
    at = ok(open_page(creator, ref, STAGE_4))

    at.text_input[0].set_value("open at the reef")
    at = ok(click(at, "Regenerate with guidance"))
    assert any("invalidates later work" in w for w in texts(at, "warning"))
    (preview,) = [d.value for d in at.dataframe if "why" in d.value.columns]
    assert set(preview["becomes"]) == {"invalidated", "outdated"}  # Stage 5 invalidated, the scenes outdated
    assert {"Proceed", "Cancel"} <= set(labels(at))
    assert latest(studio, creator, ref, 4)["id"] == locked_script["id"]  # nothing written yet

    at = ok(click(at, "Cancel"))
    assert latest(studio, creator, ref, 4)["id"] == locked_script["id"]
    assert latest(studio, creator, ref, 5)["status"] == "locked"
    assert "Proceed" not in labels(at)

    at = ok(click(at, "Regenerate with guidance"))
    at = ok(click(at, "Proceed"))
    regenerated = latest(studio, creator, ref, 4)
    assert (regenerated["version"], regenerated["regeneration_guidance"]) == (2, "open at the reef")
    assert latest(studio, creator, ref, 5)["status"] == "invalidated"
    assert {s["status"] for s in rows(studio, creator, "SELECT status FROM scenes")} == {"outdated"}
    (log,) = rows(studio, creator, "SELECT * FROM invalidation_logs WHERE triggering_stage_state_id = %s",
                  regenerated["id"])
    assert log["warning_acknowledged"] is True
    assert "Wrote the script as version 2." in texts(at, "success")


def test_an_imported_screenplay_skips_stages_two_and_three(studio, creator, project_input):
    ref = create_project(studio.db, creator.id, {**project_input, "input_mode": "import", "narrative": SCREENPLAY})
    at = ok(open_page(creator, ref, STAGE_4))
    (skipped,) = [i for i in texts(at, "info") if "Imported screenplay" in i]
    assert "Stages 2 · Treatment and 3 · Beat sheet are skipped" in skipped

    at = ok(click(at, "Import the screenplay"))
    script = latest(studio, creator, ref, 4)
    assert (script["version"], script["provider"]) == (1, "import")
    assert [s["slug"] for s in script["content"]["scenes"]] == [
        "INT. LAMP ROOM - NIGHT", "EXT. THE REEF - DAWN", "INT. HARBOUR OFFICE - DAY"]
    assert [s["number"] for s in script["content"]["scenes"]] == [1, 2, 3]
    assert latest(studio, creator, ref, 2) is None and latest(studio, creator, ref, 3) is None
    assert at.dataframe[0].value["Heading"].tolist() == [s["slug"] for s in script["content"]["scenes"]]
    assert "Import again" in labels(at) and "Regenerate with guidance" not in labels(at)
    assert rows(studio, creator, "SELECT * FROM cost_ledger") == []  # importing calls no model

    at = ok(click(at, "Lock the script"))
    assert latest(studio, creator, ref, 4)["status"] == "locked"


def test_stage_four_before_the_beats_are_locked_shows_the_gate_and_writes_nothing(studio, creator, story_input):
    ref = made_through(studio, creator, story_input, through=2)
    at = open_page(creator, ref, STAGE_4)
    assert not at.exception
    assert texts(at, "warning") == ["Lock Stage 3 · Beat sheet before opening Stage 4."]
    assert page_links(at) == ["Go to Stage 3 · Beat sheet"]
    assert "Write the script" not in labels(at)
    assert latest(studio, creator, ref, 4) is None
    assert rows(studio, creator, "SELECT * FROM cost_ledger WHERE stage_number = 4") == []


def test_stage_five_before_the_script_is_locked_links_back_to_stage_four(studio, creator, story_input):
    ref = made_through(studio, creator, story_input, through=3)
    story.generate(studio, creator.id, ref, 4, seen_version=0)
    at = open_page(creator, ref, STAGE_5)
    assert not at.exception
    assert texts(at, "warning") == ["Lock Stage 4 · Master script before opening Stage 5."]
    assert page_links(at) == ["Go to Stage 4 · Master script"]
    assert latest(studio, creator, ref, 5) is None


# --- Stage 5 · Global assets --------------------------------------------------------------------


def asset_rows(studio, user, ref: ProjectRef) -> list[dict]:
    return rows(studio, user, "SELECT * FROM project_assets WHERE branch_id = %s ORDER BY name", ref.branch_id)


def test_stage_five_extracts_styles_draws_and_locks_the_assets(studio, creator, story_input, drain):
    ref = made_through(studio, creator, story_input, through=4)
    at = ok(open_page(creator, ref, STAGE_5))
    assert texts(at, "title") == ["Stage 5 · Global assets"]
    script = latest(studio, creator, ref, 4)["content"]
    assert at.dataframe[0].value["Heading"].tolist() == [s["slug"] for s in script["scenes"]]  # the mirror

    at = ok(click(at, "Extract the assets"))
    v1 = latest(studio, creator, ref, 5)
    editor = at.data_editor[0].value
    by_type = ("character", "location", "prop")
    assert editor["name"].tolist() == [a["name"] for a in sorted(
        v1["content"]["assets"], key=lambda a: (by_type.index(a["asset_type"]), a["name"].lower()))]
    characters = editor[editor["asset_type"] == "character"]["name"].tolist()
    for person in PEOPLE:
        assert any(person.lower() in name.lower() for name in characters), (person, characters)
    assert len(asset_rows(studio, creator, ref)) == len(v1["content"]["assets"])

    # edit a description and add a prop in the table, save them
    mara = next(n for n in characters if n.startswith("Mara"))
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {editor["name"].tolist().index(mara): {"description": "Keeper of Gannet Rock, forty."}},
        "added_rows": [{"name": "Green bottle", "asset_type": "prop", "description": "Washed up below the lamp."}],
        "deleted_rows": []}
    at = ok(click(at.run(), "Save assets"))
    v2 = latest(studio, creator, ref, 5)
    assert (v2["version"], len(v2["content"]["assets"])) == (2, len(v1["content"]["assets"]) + 1)
    held = {a["name"]: a for a in asset_rows(studio, creator, ref)}
    assert held[mara]["description"] == "Keeper of Gannet Rock, forty."
    assert (held["Green bottle"]["asset_type"], held["Green bottle"]["scene_numbers"]) == ("prop", [])
    assert "Saved the assets as version 2." in texts(at, "success")

    # locking refuses, clearly, until a style is chosen and every asset has an image
    at = click(at, "Lock assets")
    assert "Choose and save a visual style before locking the assets." in texts(at, "warning")
    assert latest(studio, creator, ref, 5)["status"] == "draft"

    at.selectbox(key=f"s5_preset_{ref.project_id.hex}_v2").set_value("noir")
    at.text_area(key=f"s5_notes_{ref.project_id.hex}_v2").set_value("warm lamp light")
    at = ok(next(b for b in at.main.button if b.label == "Save visual style").click().run())
    v3 = latest(studio, creator, ref, 5)
    assert (v3["version"], v3["content"]["visual_style"]) == (3, {"preset": "noir", "notes": "warm lamp light"})
    assert any("Chosen: **Film noir** · warm lamp light" in c for c in texts(at, "caption"))

    at = click(at, "Lock assets")
    count = len(v3["content"]["assets"])
    assert f"{count} asset(s) still need a reference image" in " ".join(texts(at, "warning"))

    # draw the reference images on a worker; the board follows the jobs
    at = ok(click(at, f"Generate reference images ({count})"))
    jobs = rows(studio, creator, "SELECT * FROM generation_jobs WHERE kind = 'asset_image'")
    assert len(jobs) == count and {j["status"] for j in jobs} == {"queued"}
    assert texts(at, "caption").count(":material/hourglass_top: Queued") == count
    assert f"Generate reference images ({count})" not in labels(at)  # nothing left to queue

    drain()
    drawn = asset_rows(studio, creator, ref)
    assert all(a["image_key_url"] and studio.media.exists(a["image_key_url"]) for a in drawn)
    jobs = rows(studio, creator, "SELECT * FROM generation_jobs WHERE kind = 'asset_image'")
    assert {j["status"] for j in jobs} == {"succeeded"}
    charges = rows(studio, creator, "SELECT * FROM cost_ledger WHERE stage_number = 5 AND unit = 'image'")
    assert len(charges) == count
    assert all(c["credits"] == 0 and c["shadow_credits"] > 0 and c["status"] == "settled" for c in charges)

    at = ok(at.run())
    assert len(at.image) == count
    assert sorted(caption for image in at.image for caption in image.captions) == sorted(a["name"] for a in drawn)
    assert at.get("progress")[0].proto.text == f"{count} of {count} reference images ready"

    at = ok(click(at, "Lock assets"))
    assert latest(studio, creator, ref, 5)["status"] == "locked"
    assert all(a["locked"] for a in asset_rows(studio, creator, ref))
    scenes = rows(studio, creator, "SELECT * FROM scenes WHERE branch_id = %s ORDER BY scene_number", ref.branch_id)
    assert [s["slug"] for s in scenes] == [s["slug"] for s in script["scenes"]]
    assert any("Assets locked (version 3)" in s for s in texts(at, "success"))
    assert "Lock assets" not in labels(at) and "Save assets" not in labels(at)


class RefusesOne:
    """An image model that refuses to draw one named asset and draws the rest as the offline engine does."""

    def __init__(self, inner, refused: str) -> None:
        self.inner, self.refused = inner, refused
        self.name, self.model, self.offline = inner.name, inner.model, inner.offline

    def render(self, request: ImageRequest) -> ImageResult:
        if request.subject.get("name") == self.refused:
            raise ProviderUnavailable(f"The image model is overloaded (503) while drawing {self.refused}.")
        return self.inner.render(request)


def test_a_failed_reference_image_shows_its_reason_and_is_retried_alone(studio, creator, story_input, drain,
                                                                       monkeypatch):
    ref = made_through(studio, creator, story_input, through=4)
    row = story.generate(studio, creator.id, ref, 5, seen_version=0)
    story_edits.save_assets(studio, creator.id, ref, row["version"], row["content"]["assets"],
                            style={"preset": "pastel", "notes": ""})
    engines = studio.engines
    refusing = dataclasses.replace(engines, image=RefusesOne(engines.image, "Tomas"))
    monkeypatch.setitem(studio.__dict__, "engines", refusing)  # the worker's studio: its image model refuses Tomas

    at = ok(open_page(creator, ref, STAGE_5))
    count = len(asset_rows(studio, creator, ref))
    at = ok(click(at, f"Generate reference images ({count})"))
    drain()
    at = at.run()
    assert not at.exception
    assert texts(at, "error") == ["Failed: The image model is overloaded (503) while drawing Tomas."]
    assert labels(at).count("Retry") == 1
    assert len(at.image) == count - 1
    (failed,) = rows(studio, creator, "SELECT * FROM generation_jobs WHERE status = 'failed'")
    tomas = next(a for a in asset_rows(studio, creator, ref) if a["name"] == "Tomas")
    assert (failed["target_id"], tomas["image_key_url"]) == (tomas["id"], None)
    (released,) = rows(studio, creator, "SELECT * FROM cost_ledger WHERE status <> 'settled' AND stage_number = 5")
    assert (released["status"], released["credits"]) == ("released", 0)  # the hold on the failed image let go

    at = click(at, "Lock assets")
    assert "1 asset(s) still need a reference image: Tomas." in texts(at, "warning")

    monkeypatch.setitem(studio.__dict__, "engines", engines)  # the model recovers
    at = ok(click(at, "Retry"))
    queued = rows(studio, creator, "SELECT * FROM generation_jobs WHERE status = 'queued'")
    assert [j["target_id"] for j in queued] == [tomas["id"]]
    drain()
    at = ok(at.run())
    assert len(at.image) == count and "Retry" not in labels(at)
    at = ok(click(at, "Lock assets"))
    assert latest(studio, creator, ref, 5)["status"] == "locked"


def test_an_asset_promoted_to_the_library_is_pulled_into_another_film(studio, creator, story_input, project_input):
    first = made_through(studio, creator, story_input, through=5)  # assets drawn and locked
    at = ok(open_page(creator, first, STAGE_5))
    finn = next(a for a in asset_rows(studio, creator, first) if a["name"].startswith("Finn"))
    assert labels(at).count("Add to my library") == len(asset_rows(studio, creator, first))
    at = ok(at.button(key=f"s5_promote_{finn['id']}").click().run())
    (kept,) = rows(studio, creator, "SELECT * FROM global_assets")
    assert (kept["name"], kept["asset_type"], kept["image_key_url"], kept["promoted_from_project_id"]) == (
        finn["name"], "character", finn["image_key_url"], first.project_id)
    assert f"Added {finn['name']} to your library." in texts(at, "success")
    assert at.button(key=f"s5_promote_{finn['id']}").label == "In my library"

    second = made_through(studio, creator, {**project_input, "title": "Second Light"}, through=4)  # no Finn in it
    at = ok(open_page(creator, second, STAGE_5))
    at = ok(click(at, "Extract the assets"))
    before = latest(studio, creator, second, 5)
    at.selectbox(key="s5_library_pick").set_value(str(kept["id"]))
    at = ok(click(at, "Pull into this project"))
    pulled = next(a for a in asset_rows(studio, creator, second) if a["name"] == finn["name"])
    assert (pulled["global_asset_id"], pulled["image_key_url"], pulled["description"]) == (
        kept["id"], kept["image_key_url"], kept["description"])
    after = latest(studio, creator, second, 5)
    assert after["version"] == before["version"] + 1
    assert [a["global_asset_id"] for a in after["content"]["assets"] if a["name"] == finn["name"]] == [str(kept["id"])]
    assert f"Pulled {finn['name']} from your library into this project." in texts(at, "success")
    assert [c for image in at.image for c in image.captions] == [finn["name"]]  # the library's image came along

    # the link and the image survive an edit of another asset
    mara = at.data_editor[0].value["name"].tolist().index("Mara")
    at.session_state[at.data_editor[0].key] = {"edited_rows": {mara: {"description": "Changed by hand."}},
                                              "added_rows": [], "deleted_rows": []}
    at = ok(click(at.run(), "Save assets"))
    assert latest(studio, creator, second, 5)["version"] == after["version"] + 1
    mara_now = next(a for a in asset_rows(studio, creator, second) if a["name"] == "Mara")
    assert mara_now["description"] == "Changed by hand."
    again = next(a for a in asset_rows(studio, creator, second) if a["name"] == finn["name"])
    assert (again["global_asset_id"], again["image_key_url"]) == (kept["id"], kept["image_key_url"])

    at = click(at, "Pull into this project")
    assert f"library: this branch already has a character named {finn['name']}" in texts(at, "error")


def test_the_library_page_lists_my_assets_with_their_images(studio, creator, story_input):
    first = made_through(studio, creator, story_input, through=5)
    from core.story.assets import promote_to_library

    for asset in asset_rows(studio, creator, first)[:2]:
        promote_to_library(studio, creator.id, asset["id"])
    at = AppTest.from_file(LIBRARY, default_timeout=60)
    at.session_state["user"] = {"id": str(creator.id), "email": creator.email}
    at = ok(at.run())
    assert texts(at, "title") == ["My asset library"]
    names = [a["name"] for a in asset_rows(studio, creator, first)[:2]]
    assert sorted(caption for image in at.image for caption in image.captions) == sorted(names)


@pytest.mark.parametrize("forged", ["../../etc/passwd", "0" * 64 + ".png"], ids=["path", "not this film's image"])
def test_an_asset_table_with_a_forged_image_key_is_refused_and_changes_nothing(studio, creator, story_input, forged):
    ref = made_through(studio, creator, story_input, through=4)
    at = ok(click(ok(open_page(creator, ref, STAGE_5)), "Extract the assets"))
    before = (latest(studio, creator, ref, 5), asset_rows(studio, creator, ref))

    at.session_state[at.data_editor[0].key] = {"edited_rows": {0: {"image_key_url": forged}},
                                               "added_rows": [], "deleted_rows": []}
    at = click(at.run(), "Save assets")

    assert not at.exception
    (refusal,) = texts(at, "error")
    assert "asset 1, image:" in refusal and "errors.pydantic.dev" not in refusal
    assert (latest(studio, creator, ref, 5), asset_rows(studio, creator, ref)) == before
