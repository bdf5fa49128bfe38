"""AppTests for the foundation pages: the dashboard's new-project form and Stage 1 · Input.

Each test drives a page as a creator would, then checks what they see and what the database holds.
The sign-in gate and the router (sidebar, stage registry, an unreachable database) are in
test_pages_signin.py.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import EditConflict, InputRejected, StageFrozen
from core.story.projects import create_project, revise_stage_one
from db import stages as stage_rows
from tests.conftest import PROJECT_WITH_CONFIG, REPO_ROOT, SAMPLE_PREMISE

APP = str(REPO_ROOT / "app.py")
DASHBOARD = str(REPO_ROOT / "pages" / "dashboard.py")
STAGE_ONE = str(REPO_ROOT / "pages" / "stage_01_input.py")

# What the creator reads above each field of the Stage 1 form, by input key.
LABELS = {
    "title": ("text_input", "Title"),
    "target_length_min": ("number_input", "Target length, minimum (seconds)"),
    "target_length_max": ("number_input", "Target length, maximum (seconds)"),
    "project_type": ("selectbox", "Project type"),
    "content_rating": ("selectbox", "Rating"),
    "genres": ("multiselect", "Genres"),
    "tonal_guidance": ("text_area", "Tonal guidance"),
    "input_mode": ("radio", "What are you bringing?"),
    "narrative": ("text_area", "Your premise, story or screenplay"),
    "upload": ("file_uploader", "…or upload it"),
    "budget_credits": ("number_input", "Budget cap in dollars (0 = no cap)"),
}
TWO_MB = 2 * 1024 * 1024
SCREENPLAY = "INT. LIGHTHOUSE - NIGHT\n\nMara climbs the stairs.\n\nMARA\nTomas?\n"


def page(script: str, user, **state: str) -> AppTest:
    """A page run as `user`, with any other ids (project_id, branch_id) in session state."""
    at = AppTest.from_file(script, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def field(at: AppTest, name: str):
    kind, label = LABELS[name]
    return next(widget for widget in getattr(at, kind) if widget.label == label)


def fill(at: AppTest, **values) -> AppTest:
    for name, value in values.items():
        field(at, name).set_value(value)
    return at


def submit(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label.startswith(("Create project", "Save as version"))).click().run()


def errors_by_field(at: AppTest) -> dict[str, str]:
    """Each error on the page, keyed by the field it sits under ("form" when it follows no field)."""
    flat: list = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            flat.append(child)
            walk(child)

    walk(at.main)
    labels = {label: name for name, (_, label) in LABELS.items()}
    found = {}
    for before, node in zip([None, *flat], flat):
        if node.type == "error":
            found[labels.get(getattr(before, "label", None), "form")] = node.value
    return found


def counts(studio, user) -> dict[str, int]:
    with studio.db.as_user(user.id) as conn:
        return {
            table: conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]
            for table in ("projects", "branches", "stage_states")
        }


def only_project(studio, user) -> dict:
    with studio.db.as_user(user.id) as conn:
        (project,) = conn.execute(PROJECT_WITH_CONFIG).fetchall()
        branches = conn.execute("SELECT * FROM branches WHERE project_id = %s", [project["id"]]).fetchall()
        stage_one = stage_rows.versions(conn, project["active_branch_id"], 1)
    return {"project": project, "branches": branches, "stage_one": stage_one}


# --- creating a project -------------------------------------------------------------------------


def test_new_project_form_creates_the_project_its_main_branch_and_stage_one(studio, make_user, project_input):
    user = make_user()
    at = page(APP, user)
    assert [t.value for t in at.title] == ["Your films"]
    assert "No projects yet" in at.info[0].value

    fill(at, title="The Lighthouse", target_length_min=90, target_length_max=240, project_type="commercial",
         content_rating="PG-13", genres=["Drama", "Mystery"], tonal_guidance="quiet, salt-worn",
         input_mode="condense", narrative=project_input["narrative"], budget_credits=25.0)
    submit(at)

    assert not at.exception and not errors_by_field(at)
    held = only_project(studio, user)
    project, (branch,), (version_one,) = held["project"], held["branches"], held["stage_one"]
    assert (project["title"], project["target_length_min"], project["target_length_max"]) == (
        "The Lighthouse", 90, 240)
    assert (project["project_type"], project["content_rating"], project["input_mode"]) == (
        "commercial", "PG-13", "condense")
    assert project["genre"] == ["Drama", "Mystery"] and float(project["budget_credits"]) == 25.0
    assert (branch["name"], branch["is_main"], project["active_branch_id"]) == ("Main", True, branch["id"])
    assert (version_one["version"], version_one["status"]) == (1, "locked")
    assert version_one["content"]["narrative"] == project_input["narrative"]
    assert at.session_state["project_id"] == str(project["id"])
    assert at.session_state["branch_id"] == str(branch["id"])

    # issue 8 changed this journey: the creator lands on the next step (Stage 2), and the dashboard
    # row names the branch its current stage is on
    assert [t.value for t in at.title] == ["Stage 2 · Treatment"]
    assert "Created “The Lighthouse”." in [t.value for t in at.toast]
    at.switch_page("pages/dashboard.py").run()
    table = at.dataframe[0].value
    assert table.to_dict("records")[0] | {"Created": None} == {
        "Title": "The Lighthouse", "Type": "commercial", "Branch": "Main", "Current stage": "1 · Input",
        "Created": None, "Spend": 0.0,
    }


def test_a_title_with_an_apostrophe_is_stored_verbatim(studio, make_user, project_input):
    user = make_user()
    at = page(DASHBOARD, user)
    submit(fill(at, title="Jenny's Wish", narrative=project_input["narrative"]))

    assert not at.exception and not errors_by_field(at)
    assert only_project(studio, user)["project"]["title"] == "Jenny's Wish"
    assert at.dataframe[0].value["Title"].tolist() == ["Jenny's Wish"]


@pytest.mark.parametrize("title", [
    "Robert'); DROP TABLE projects;--",
    "<script>alert(1)</script>",
    "Night; Day — a film in two parts",
    "\"Salt\" -- the 'first' cut",
    "*Not bold* [not a link](javascript:alert(1)) :material/movie:",
])
def test_titles_with_punctuation_are_stored_verbatim_and_shown_escaped(studio, make_user, project_input, title):
    from pages.ui.prose import escaped as plain

    user = make_user()
    at = page(DASHBOARD, user)
    submit(fill(at, title=title, narrative=project_input["narrative"]))
    assert not at.exception and not errors_by_field(at)
    assert only_project(studio, user)["project"]["title"] == title
    assert at.dataframe[0].value["Title"].tolist() == [title]  # a table cell is text, never markup
    assert f"Created “{plain(title)}”." in [t.value for t in at.toast]  # markdown shows it as typed


# --- bad input: a clear message at the field, and nothing written ----------------------------------

BIG = "x" * TWO_MB
BAD_INPUT = [
    # (case, form values, upload, field the message sits under, words in the message)
    ("empty title", {"title": ""}, None, "title", "can't be empty"),
    ("whitespace-only narrative", {"narrative": "  \n\t  "}, None, "narrative", "can't be empty"),
    ("minimum longer than maximum", {"target_length_min": 300, "target_length_max": 60}, None,
     "target_length_max", "at least the minimum"),
    ("negative length", {"target_length_min": -30}, None, "target_length_min", "use 5 or more"),
    ("2 MB narrative typed in", {"narrative": BIG}, None, "narrative", "2,097,152 characters; the limit is 150,000"),
    # issue 8: one limit, in characters, typed or uploaded (this case asserted the old, separate 1,000,000 bytes)
    ("2 MB narrative uploaded", {}, ("novel.txt", BIG.encode(), "text/plain"), "upload",
     "the limit is 150,000 characters"),
    ("binary upload", {}, ("story.txt", b"MZ\x90\x00\x03\x00\x00\x00", "text/plain"), "upload", "binary file"),
    ("PDF upload", {}, ("story.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"), "upload", ".fountain"),
    ("not UTF-8 upload", {}, ("story.txt", "Café noir".encode("latin-1"), "text/plain"), "upload", "UTF-8"),
    # issue 8 decided that SQL- or HTML-looking titles are stored verbatim and shown escaped, not refused:
    # see test_titles_with_punctuation_are_stored_verbatim_and_shown_escaped
    ("NUL byte in the narrative", {"narrative": "Mara rows out.\x00 Tomas waits."}, None, "narrative", "NUL byte"),
    ("import with no scene heading", {"input_mode": "import", "narrative": "Mara rows out to the reef."}, None,
     "narrative", "scene heading"),
    ("negative budget", {"budget_credits": -5.0}, None, "budget_credits", "use 0 or more"),
]


@pytest.mark.parametrize(("values", "upload", "where", "words"), [case[1:] for case in BAD_INPUT],
                         ids=[case[0] for case in BAD_INPUT])
def test_bad_input_is_refused_at_its_field_and_writes_nothing(studio, make_user, values, upload, where, words):
    user = make_user()
    at = page(DASHBOARD, user)
    before = counts(studio, user)
    fill(at, **{"title": "The Lighthouse", "narrative": SCREENPLAY if upload is None else ""} | values)
    if upload:
        field(at, "upload").set_value(upload)
    submit(at)

    assert not at.exception
    shown = errors_by_field(at)
    assert list(shown) == [where], shown
    assert words in shown[where]
    assert counts(studio, user) == before == {"projects": 0, "branches": 0, "stage_states": 0}
    assert "project_id" not in at.session_state


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("project_type", "documentary", "choose one of 'narrative', 'commercial' or 'audio_visual'"),
        ("content_rating", "NC-17", "choose one of 'G', 'PG', 'PG-13' or 'M'"),
        ("input_mode", "translate", "choose one of 'expand', 'condense' or 'import'"),
        ("genres", ["Drama", "x" * 41], "the limit is 40"),
        ("target_length_max", 7_200, "use 3,600 or less"),
    ],
)
def test_values_the_form_never_offers_are_refused_by_the_core(studio, make_user, project_input, name, value, words):
    """The form only offers valid choices; a raw request with others is refused all the same."""
    user = make_user()
    with pytest.raises(InputRejected) as refused:
        create_project(studio.db, user.id, project_input | {name: value})
    assert list(refused.value.field_errors) == [name]
    assert words in refused.value.field_errors[name]
    assert counts(studio, user) == {"projects": 0, "branches": 0, "stage_states": 0}


# --- Stage 1 ---------------------------------------------------------------------------------------


@pytest.fixture
def lighthouse(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    return user, ref


def stage_one_page(lighthouse) -> AppTest:
    user, ref = lighthouse
    return page(STAGE_ONE, user, project_id=str(ref.project_id), branch_id=str(ref.branch_id))


def test_editing_stage_one_saves_version_two(studio, lighthouse):
    user, ref = lighthouse
    at = stage_one_page(lighthouse)
    assert [t.value for t in at.title] == ["Stage 1 · Input"]
    assert field(at, "title").value == "The Lighthouse"

    submit(fill(at, narrative="Mara rows out at dawn and finds the reef empty."))

    assert not at.exception and not errors_by_field(at)
    assert "Saved Stage 1 version 2." in [s.value for s in at.success]
    versions = at.dataframe[0].value
    assert versions["Version"].tolist() == [2, 1]
    assert versions["Changed"].tolist() == ["narrative", "—"]
    with studio.db.as_user(user.id) as conn:
        saved = stage_rows.versions(conn, ref.branch_id, 1)
    assert [(v["version"], v["status"]) for v in saved] == [(2, "locked"), (1, "locked")]
    assert saved[0]["content"]["narrative"] == "Mara rows out at dawn and finds the reef empty."
    assert saved[0]["inherited_from_stage_id"] == saved[1]["id"]
    assert next(b for b in at.button if b.label.startswith("Save as")).label == "Save as version 3"


def test_saving_stage_one_unchanged_writes_no_version(studio, lighthouse):
    user, _ = lighthouse
    at = submit(stage_one_page(lighthouse))

    assert [s.value for s in at.success] == ["Nothing changed, so nothing was saved: Stage 1 is still version 1."]
    assert at.dataframe[0].value["Version"].tolist() == [1]
    assert counts(studio, user)["stage_states"] == 1


def test_bad_stage_one_edit_is_refused_and_keeps_version_one(studio, lighthouse):
    user, _ = lighthouse
    at = stage_one_page(lighthouse)
    submit(fill(at, target_length_min=500, target_length_max=100))

    assert errors_by_field(at) == {"target_length_max": "the maximum length must be at least the minimum"}
    assert counts(studio, user)["stage_states"] == 1


def test_stage_one_is_fixed_once_stage_two_has_begun(studio, lighthouse, project_input):
    user, ref = lighthouse
    with studio.db.as_user(user.id) as conn:
        stage_rows.insert_version(conn, ref.branch_id, 2, 1, {"treatments": []})
    at = stage_one_page(lighthouse)

    assert any("Stage 1 is fixed" in i.value for i in at.info)
    assert field(at, "title").disabled and field(at, "narrative").disabled and field(at, "upload").disabled
    assert next(b for b in at.button if b.label.startswith("Save as")).disabled
    with pytest.raises(StageFrozen):
        revise_stage_one(studio.db, user.id, ref, project_input | {"title": "Another"}, seen_version=1)
    assert counts(studio, user)["stage_states"] == 2


def test_a_save_made_in_another_session_is_not_overwritten(studio, lighthouse, project_input):
    user, ref = lighthouse
    at = stage_one_page(lighthouse)  # this session opens version 1
    revise_stage_one(studio.db, user.id, ref, project_input | {"title": "The Other Lighthouse"}, seen_version=1)

    submit(fill(at, narrative="Mara's rewrite."))

    assert "changed in another session" in errors_by_field(at)["form"]
    assert any("Version 2 was saved in another session" in w.value for w in at.warning)
    with studio.db.as_user(user.id) as conn:
        assert [v["content"]["title"] for v in stage_rows.versions(conn, ref.branch_id, 1)] == [
            "The Other Lighthouse", "The Lighthouse"]
    with pytest.raises(EditConflict):
        revise_stage_one(studio.db, user.id, ref, project_input, seen_version=1)

    next(b for b in at.button if b.label.startswith("Discard my edits")).click().run()
    assert (field(at, "title").value, field(at, "narrative").value) == ("The Other Lighthouse", SAMPLE_PREMISE)
    submit(fill(at, narrative="Mara's rewrite, on top of version 2."))
    assert "Saved Stage 1 version 3." in [s.value for s in at.success]


def test_stage_one_without_a_project_points_to_the_dashboard(studio, make_user):
    at = page(APP, make_user()).switch_page("pages/stage_01_input.py").run()
    assert not at.exception and "Pick a project" in at.info[0].value
    assert not at.text_input


def test_someone_elses_project_is_not_shown(studio, make_user, lighthouse):
    _, ref = lighthouse
    stranger = make_user()
    at = page(STAGE_ONE, stranger, project_id=str(ref.project_id), branch_id=str(ref.branch_id))
    assert not at.exception and "isn't yours" in at.error[0].value
    assert not at.text_input
