"""AppTest journeys through Stage 2 · Treatment and Stage 3 · Beat sheet.

Each test drives the pages through the router (app.py), as a creator does, so the links between
stages resolve as they do in the studio; then it checks what the creator sees and what the database
holds. Generation runs on the offline engine; a failing model is a provider double behind the same
`TextProvider` seam.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ProviderUnavailable
from core.pipeline import stage
from core.runtime.studio import Studio
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef, create_project
from core.story.run import run_story
from db import stages as stage_rows
from tests.conftest import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
TREATMENT = "pages/stage_02_treatment.py"
BEATS = "pages/stage_03_beats.py"
SCREENPLAY = "INT. LIGHTHOUSE - NIGHT\n\nMara climbs the stairs.\n\nMARA\nTomas?\n"


# --- driving the pages ---------------------------------------------------------------------------


def open_page(user, ref: ProjectRef, page: str) -> AppTest:
    """The studio signed in as `user`, on `ref`'s project and branch, showing `page`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    at.session_state["project_id"] = str(ref.project_id)
    at.session_state["branch_id"] = str(ref.branch_id)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def regenerate(at: AppTest, number: int, why: str) -> AppTest:
    next(w for w in at.text_input if w.key.startswith(f"s{number}_why_v")).set_value(why)
    return click(at, f"s{number}_regenerate")


def said(at: AppTest) -> str:
    """Everything the page says in its messages, captions and headings, as one text."""
    kinds = ("success", "info", "warning", "error", "caption", "markdown", "subheader", "title")
    return "\n".join(str(element.value) for kind in kinds for element in getattr(at, kind))


def links(at: AppTest) -> list[str]:
    return [link.value for link in at.get("page_link")]


def preview_shown(at: AppTest) -> bool:
    return any("invalidates later work" in w.value for w in at.warning)


# --- what the database holds ------------------------------------------------------------------------


def versions(studio, user, ref: ProjectRef, number: int) -> list[dict]:
    """The stage's versions, oldest first."""
    with studio.db.as_user(user.id) as conn:
        return list(reversed(stage_rows.versions(conn, ref.branch_id, number)))


def count(studio, user, table: str) -> int:
    with studio.db.as_user(user.id) as conn:
        return conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]  # our table names only


def ledger(studio, user, number: int) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        return conn.execute("SELECT * FROM cost_ledger WHERE stage_number = %s ORDER BY created_at",
                            [number]).fetchall()


def treatment_locked(studio, user, ref: ProjectRef, variant: int = 0) -> dict:
    """Stage 2 generated, variant chosen and locked through the services; returns the locked version."""
    story.generate(studio, user.id, ref, 2, seen_version=0)
    chosen = story_edits.choose_treatment(studio, user.id, ref, 1, variant)
    return story_edits.lock_stage(studio, user.id, ref, 2, chosen["version"])


def beats_locked(studio, user, ref: ProjectRef) -> dict:
    first = story.generate(studio, user.id, ref, 3, seen_version=0)
    return story_edits.lock_stage(studio, user.id, ref, 3, first["version"])


# --- Stage 2 · Treatment ---------------------------------------------------------------------------


def test_treatment_generate_pick_edit_regenerate_lock_restore(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    at = open_page(user, ref, TREATMENT)
    assert at.title[0].value == "Stage 2 · Treatment"
    assert "Offline engine" in said(at)
    assert "“The Lighthouse” · expand · 60–180 s · Drama, Mystery · quiet, salt-worn, hopeful" in said(at)
    source = next(e for e in at.main.expander if e.label == "The source narrative")
    assert source.text[0].value.startswith(project_input["narrative"][:80])
    assert "Three treatments: estimated $0.00" in said(at)

    # generate: three variants side by side, with provenance and a free ledger row priced as online
    click(at, "s2_generate")
    assert "Wrote three treatments as version 1." in said(at)
    assert [s.value for s in at.subheader] == ["Faithful", "Condensed", "Heightened"]
    assert [at.button(key=f"s2_use_{i}").label for i in range(3)] == ["Use this one"] * 3
    (v1,) = versions(studio, user, ref, 2)
    assert (v1["version"], v1["status"], v1["content"]["selected_variant"]) == (1, "draft", None)
    assert v1["model"].startswith("offline:") and v1["prompt_template_version"] and v1["final_prompt"].strip()
    assert v1["input_versions"] == {"1": 1}
    (charge,) = ledger(studio, user, 2)
    assert charge["status"] == "settled" and charge["credits"] == 0 and charge["shadow_credits"] > 0

    # pick the condensed one: a new version that records the choice
    click(at, "s2_use_1")
    v2 = versions(studio, user, ref, 2)[-1]
    assert (v2["version"], v2["content"]["selected_variant"]) == (2, 1)
    assert v2["content"]["prose_treatment"] == v1["content"]["variants"][1]["prose"]
    assert v2["overrides"] == {"edited": True, "selected_variant": 1, "prose_edited": False}
    assert at.button(key="s2_use_1").label == "Chosen" and at.button(key="s2_use_1").disabled
    assert at.text_area(key="s2_prose_v2").value == v2["content"]["prose_treatment"]

    # edit its prose: another version, flagged as edited by hand
    edited = v2["content"]["prose_treatment"] + "\n\nAt the last moment Tomas lights the old lamp."
    at.text_area(key="s2_prose_v2").set_value(edited)
    click(at, "s2_save_edit")
    v3 = versions(studio, user, ref, 2)[-1]
    assert (v3["version"], v3["content"]["prose_treatment"]) == (3, edited.strip())
    assert v3["overrides"]["edited"] and v3["overrides"]["prose_edited"]
    assert "Saved your edit as version 3." in said(at)

    # saving the same text again writes nothing
    click(at, "s2_save_edit")
    assert "Nothing changed, so nothing was saved." in said(at) and len(versions(studio, user, ref, 2)) == 3

    # regenerate with guidance: three new variants, the guidance stored, the choice open again
    regenerate(at, 2, "darker, and end at sea")
    v4 = versions(studio, user, ref, 2)[-1]
    assert (v4["version"], v4["regeneration_guidance"], v4["content"]["selected_variant"]) == (
        4, "darker, and end at sea", None)
    assert v4["content"]["variants"] != v1["content"]["variants"]
    assert not any(b.key == "s2_lock" for b in at.button)  # nothing chosen, nothing to lock
    assert "Use one of the three treatments" in said(at)

    # choose and lock
    click(at, "s2_use_0")
    click(at, "s2_lock")
    v5 = versions(studio, user, ref, 2)[-1]
    assert (v5["version"], v5["status"]) == (5, "locked")
    assert "Treatment locked (version 5)" in said(at)
    assert links(at) == [f"Go to Stage {stage(3).label}"]

    # the history: look at version 3, restore it as version 6
    history = next(e for e in at.expander if e.label.startswith("Version history"))
    assert history.label == "Version history (5)"
    table = next(d.value for d in at.dataframe if "Guidance" in d.value.columns)
    assert table["Guidance"].tolist() == [
        "edited by hand", "darker, and end at sea", "edited by hand", "edited by hand", "—"]
    assert table["Status"].tolist() == ["locked", "draft", "draft", "draft", "draft"]
    at.selectbox(key="look_2").set_value(3).run()
    assert "At the last moment Tomas lights the old lamp." in said(at)
    click(at, "restore_2")
    v6 = versions(studio, user, ref, 2)[-1]
    assert (v6["version"], v6["status"], v6["overrides"]["restored_from"]) == (6, "draft", 3)
    assert v6["content"] == v3["content"]
    assert versions(studio, user, ref, 2)[4]["status"] == "locked"  # the locked version is untouched
    assert "Restored version 3 as version 6." in said(at)


def test_a_choice_made_in_another_session_is_a_conflict_not_an_overwrite(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    story.generate(studio, user.id, ref, 2, seen_version=0)
    at = open_page(user, ref, TREATMENT)

    story_edits.choose_treatment(studio, user.id, ref, 1, 0)  # meanwhile, in another tab
    click(at, "s2_use_2")

    assert "changed in another session" in said(at)
    assert "Version 2 was saved in another session after you opened version 1." in said(at)
    assert [v["content"]["selected_variant"] for v in versions(studio, user, ref, 2)] == [None, 0]
    click(at, "s2_load_latest")
    assert at.button(key="s2_use_0").label == "Chosen"


def test_an_imported_screenplay_skips_the_treatment_and_the_beats(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input | {"input_mode": "import", "narrative": SCREENPLAY})
    for page in (TREATMENT, BEATS):
        at = open_page(user, ref, page)
        assert "Skipped — an imported screenplay goes straight to Stage 4." in said(at)
        assert links(at) == ([f"Go to Stage {stage(4).label}"] if stage(4).available else [])
        assert not at.main.button
    assert count(studio, user, "stage_states") == 1


# --- regeneration that invalidates later work: preview, cancel, proceed, branch instead ---------------


def test_regenerating_the_treatment_under_beats_previews_what_it_invalidates(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    locked = treatment_locked(studio, user, ref)
    beats = beats_locked(studio, user, ref)
    at = open_page(user, ref, TREATMENT)
    before = count(studio, user, "stage_states")

    regenerate(at, 2, "make it a ghost story")
    assert preview_shown(at)
    table = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert "invalidated" in table["becomes"].tolist()
    assert any("Beat sheet" in " ".join(items) for items in table["items"])
    assert "Estimated cost to regenerate it" in said(at)
    assert count(studio, user, "stage_states") == before and count(studio, user, "invalidation_logs") == 0

    click(at, "s2_generate_cancel")
    assert not preview_shown(at)
    assert count(studio, user, "stage_states") == before and count(studio, user, "invalidation_logs") == 0
    assert versions(studio, user, ref, 3)[-1]["status"] == "locked"

    regenerate(at, 2, "make it a ghost story")
    click(at, "s2_generate_proceed")
    new = versions(studio, user, ref, 2)[-1]
    assert (new["version"], new["regeneration_guidance"]) == (locked["version"] + 1, "make it a ghost story")
    assert versions(studio, user, ref, 2)[locked["version"] - 1]["status"] == "locked"
    assert versions(studio, user, ref, 3)[-1]["status"] == "invalidated"
    with studio.db.as_user(user.id) as conn:
        (log,) = conn.execute("SELECT * FROM invalidation_logs").fetchall()
    assert log["triggering_stage_state_id"] == new["id"] and log["warning_acknowledged"]
    assert beats["id"] in log["invalidated_stage_states"]

    # the beat sheet now waits for the new treatment to be locked, then says it must be made again
    at.switch_page(BEATS).run()
    assert "Lock Stage 2 · Treatment before opening Stage 3." in said(at)
    assert links(at) == [f"Go to Stage {stage(2).label}"]
    chosen = story_edits.choose_treatment(studio, user.id, ref, new["version"], 0)
    story_edits.lock_stage(studio, user.id, ref, 2, chosen["version"])
    at.run()
    assert any(w.value.startswith("**Invalidated.**") for w in at.main.warning)
    assert not any(b.key == "s3_lock" for b in at.button)
    click(at, "s3_regenerate")
    remade = versions(studio, user, ref, 3)[-1]
    assert (remade["version"], remade["status"], remade["input_versions"]["2"]) == (2, "draft", chosen["version"])
    assert at.button(key="s3_lock")


def test_branch_instead_keeps_this_branch_and_makes_the_change_on_a_new_one(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    locked = treatment_locked(studio, user, ref)
    beats_locked(studio, user, ref)
    at = open_page(user, ref, TREATMENT)

    regenerate(at, 2, "tell it from Tomas's side")
    at.text_input(key="s2_generate_fork_name").set_value("Tomas's side")
    at.text_input(key="s2_generate_fork_why").set_value("try the brother's point of view")
    next(b for b in at.form_submit_button if b.label == "Branch and make the change here").click().run()
    assert not at.exception, at.exception

    fork = ProjectRef(ref.project_id, UUID(at.session_state["branch_id"]))
    assert str(fork.branch_id) != str(ref.branch_id)
    made = versions(studio, user, fork, 2)[-1]
    assert (made["version"], made["regeneration_guidance"]) == (locked["version"] + 1, "tell it from Tomas's side")
    assert versions(studio, user, fork, 3) == []
    assert [v["status"] for v in versions(studio, user, ref, 3)] == ["locked"]  # the original is as it was
    assert versions(studio, user, ref, 2)[-1]["id"] == locked["id"]



def test_the_preview_is_kept_as_a_key_and_rebuilt_so_work_added_meanwhile_is_shown_first(
        studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    locked = treatment_locked(studio, user, ref)
    beats_locked(studio, user, ref)
    at = open_page(user, ref, TREATMENT)

    regenerate(at, 2, "make it a ghost story")
    assert preview_shown(at)
    assert isinstance(at.session_state["pending_s2_generate"], str)  # an id of what was shown, not the preview
    script = story.generate(studio, user.id, ref, 4, seen_version=0)  # another session, meanwhile

    click(at, "s2_generate_proceed")
    assert versions(studio, user, ref, 2)[-1]["id"] == locked["id"]  # nothing applied unseen
    assert "The branch changed since you reviewed this change" in said(at)
    table = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert any("Master script" in " ".join(items) for items in table["items"])

    click(at, "s2_generate_proceed")
    assert versions(studio, user, ref, 2)[-1]["version"] == locked["version"] + 1
    assert versions(studio, user, ref, 4)[-1]["id"] == script["id"]
    assert versions(studio, user, ref, 4)[-1]["status"] == "invalidated"
    assert "pending_s2_generate" not in at.session_state

# --- a provider that fails ----------------------------------------------------------------------------


class FlakyModel:
    """A text model that answers 503 while `failing`, then writes as the offline engine does."""

    def __init__(self, inner) -> None:
        self.inner, self.failing = inner, True
        self.name, self.model, self.offline = inner.name, inner.model, inner.offline

    def generate(self, request):
        if self.failing:
            raise ProviderUnavailable("the model answered 503 Service Unavailable three times")
        return self.inner.generate(request)


@pytest.fixture
def flaky(studio, monkeypatch) -> FlakyModel:
    """The pages' studio, with a text model that fails until the test says otherwise."""
    model = FlakyModel(studio.engines.text)
    flaky_studio = Studio(studio.settings, studio.db, studio.redis, studio.queue)
    flaky_studio.engines = replace(studio.engines, text=model)
    monkeypatch.setattr("pages.ui.session.studio", lambda: flaky_studio)
    return model


def test_a_provider_failure_shows_the_error_keeps_history_and_retries(studio, make_user, project_input, flaky):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    story.generate(studio, user.id, ref, 2, seen_version=0)  # the fixture's studio: the offline engine
    at = open_page(user, ref, TREATMENT)

    regenerate(at, 2, "shorter")
    (error,) = at.error
    assert "The model failed" in error.value and "503" in error.value
    assert "your earlier versions are intact" in said(at)
    assert [v["version"] for v in versions(studio, user, ref, 2)] == [1]
    assert [row["status"] for row in ledger(studio, user, 2)] == ["settled", "released"]

    flaky.failing = False
    click(at, "retry_s2_generate")
    assert not at.error
    latest = versions(studio, user, ref, 2)[-1]
    assert (latest["version"], latest["regeneration_guidance"]) == (2, "shorter")
    assert [row["status"] for row in ledger(studio, user, 2)] == ["settled", "settled"]


# --- Stage 3 · Beat sheet ----------------------------------------------------------------------------


@pytest.mark.parametrize("treatment", ["none yet", "not locked"])
def test_beats_before_the_treatment_is_locked_show_the_gate_and_write_nothing(
        studio, make_user, project_input, treatment):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    if treatment == "not locked":
        story.generate(studio, user.id, ref, 2, seen_version=0)
    before = (count(studio, user, "stage_states"), count(studio, user, "cost_ledger"))

    at = open_page(user, ref, BEATS)

    assert [w.value for w in at.main.warning] == ["Lock Stage 2 · Treatment before opening Stage 3."]
    assert links(at) == [f"Go to Stage {stage(2).label}"]
    assert not at.main.button and not at.data_editor
    assert (count(studio, user, "stage_states"), count(studio, user, "cost_ledger")) == before


def edit_table(at: AppTest, edits: dict) -> AppTest:
    """Seed the beat table's edits (edited_rows, added_rows, deleted_rows), as the creator's typing would."""
    at.session_state[at.data_editor[0].key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": []} | edits
    return at


def test_beats_generate_edit_add_delete_reorder_restore_lock(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    treatment = treatment_locked(studio, user, ref, variant=2)
    at = open_page(user, ref, BEATS)
    assert "the “Heightened” treatment, version 2 (locked)" in said(at)
    assert treatment["content"]["prose_treatment"][:80] in said(at)

    click(at, "s3_generate")
    (v1,) = versions(studio, user, ref, 3)
    beats = v1["content"]["beats"]
    assert len(beats) >= 3 and [b["order"] for b in beats] == list(range(1, len(beats) + 1))
    assert v1["model"].startswith("offline:") and v1["final_prompt"] and v1["input_versions"]["2"] == 2
    assert at.data_editor[0].value["text"].tolist() == [b["text"] for b in beats]
    assert at.data_editor[0].editing_mode == "dynamic"

    # edit the second beat's text, add one at the end, delete the first
    edit_table(at, {"edited_rows": {1: {"text": "Mara reads the letter twice, then burns it."}},
                    "added_rows": [{"text": "A lantern answers from the reef.", "label": "Turn"}],
                    "deleted_rows": [0]}).run()
    click(at, "s3_save")
    v2 = versions(studio, user, ref, 3)[-1]
    saved = v2["content"]["beats"]
    assert [b["order"] for b in saved] == list(range(1, len(beats) + 1))
    assert [b["text"] for b in saved] == ["Mara reads the letter twice, then burns it.",
                                          *[b["text"] for b in beats[2:]], "A lantern answers from the reef."]
    assert [b["manually_edited"] for b in saved] == [True, *[False] * (len(beats) - 2), True]
    assert saved[-1]["label"] == "Turn" and beats[0]["id"] not in {b["id"] for b in saved}
    assert v2["overrides"]["edited"] and len(v2["overrides"]["beats"]) == 2
    assert at.data_editor[0].value["manually_edited"].tolist() == [b["manually_edited"] for b in saved]

    # move the last beat to the top by its order number; moving doesn't mark it edited
    edit_table(at, {"edited_rows": {len(saved) - 1: {"order": 1}}}).run()
    click(at, "s3_save")
    v3 = versions(studio, user, ref, 3)[-1]
    assert [b["text"] for b in v3["content"]["beats"]] == [saved[-1]["text"], *[b["text"] for b in saved[:-1]]]
    assert [b["order"] for b in v3["content"]["beats"]] == list(range(1, len(saved) + 1))

    # deleting every beat is refused, and nothing is written
    edit_table(at, {"deleted_rows": list(range(len(saved)))}).run()
    click(at, "s3_save")
    assert "keep at least one beat" in said(at) and len(versions(studio, user, ref, 3)) == 3

    # restore the generated sheet, then lock it
    at.selectbox(key="look_3").set_value(1).run()
    click(at, "restore_3")
    v4 = versions(studio, user, ref, 3)[-1]
    assert (v4["version"], v4["overrides"]["restored_from"], v4["content"]["beats"]) == (4, 1, beats)
    click(at, "s3_lock")
    assert versions(studio, user, ref, 3)[-1]["status"] == "locked"
    assert "Beat sheet locked (version 4)" in said(at)


def test_beats_regenerate_with_guidance(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    treatment_locked(studio, user, ref)
    story.generate(studio, user.id, ref, 3, seen_version=0)
    at = open_page(user, ref, BEATS)

    regenerate(at, 3, "open on the reef")
    v2 = versions(studio, user, ref, 3)[-1]
    assert (v2["version"], v2["regeneration_guidance"], v2["status"]) == (2, "open on the reef", "draft")
    assert "Wrote the beat sheet as version 2." in said(at)
    assert [row["status"] for row in ledger(studio, user, 3)] == ["settled", "settled"]


def test_beats_out_of_date_with_an_edited_script_say_so(studio, make_user, project_input):
    user = make_user()
    run = run_story(studio, user, project_input, through=3)
    ref = ProjectRef(run.project_id, run.branch_id)
    script = story.generate(studio, user.id, ref, 4, seen_version=0)
    story_edits.save_script(studio, user.id, ref, script["version"],
                            script["content"]["formatted_script"] + "\n\nEXT. REEF - DAWN\n\nThe tide turns.\n")
    assert versions(studio, user, ref, 3)[-1]["status"] == "outdated"

    at = open_page(user, ref, BEATS)

    assert any("Out of date with the script" in w.value for w in at.warning)
    assert not any(b.key == "s3_lock" for b in at.button)


@pytest.mark.parametrize(
    ("edit", "sentence"),
    [
        ({"edited_rows": {1: {"order": 0}}}, "beats: beat 1, order: use 1 or more"),
        ({"edited_rows": {0: {"text": "x" * 4_001}}}, "beats: beat 1, text: this is 4,001 characters; the limit is 4,000"),
        ({"edited_rows": {0: {"label": "y" * 201}}}, "beats: beat 1, label: this is 201 characters; the limit is 200"),
    ],
    ids=["order below one", "text too long", "label too long"],
)
def test_a_bad_beat_edit_says_what_is_wrong_and_writes_nothing(studio, make_user, project_input, edit, sentence):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    treatment_locked(studio, user, ref)
    story.generate(studio, user.id, ref, 3, seen_version=0)
    at = open_page(user, ref, BEATS)

    click(edit_table(at, edit).run(), "s3_save")

    assert [e.value for e in at.error] == [sentence]
    assert "keep at least one beat" not in said(at) and "errors.pydantic.dev" not in said(at)
    assert len(versions(studio, user, ref, 3)) == 1
