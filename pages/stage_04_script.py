"""Stage 4 · Master script: the screenplay written from the locked beats (or the imported one), its
scenes, edits by hand, regenerate with guidance, download as .fountain, lock to go on to the assets."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.film.statuses import StageStatus
from core.pipeline import stage
from core.story.edits import save_script, stage_view
from core.story.projects import stage_one
from pages.ui import session as common
from pages.ui.stage_frame import engine_caption, require_stage_open
from pages.ui.stage_session import StageSession

NUMBER = 4
EXCERPT_CHARS = 90

studio = common.studio()
user = common.require_user()
ref = common.require_project()
# Widget keys name the project, not the branch: "branch instead" replays the edit.
session = StageSession(studio, user, ref, NUMBER, prefix="s4", scope=ref.project_id.hex)

st.title("Stage 4 · Master script")
engine_caption(studio)
require_stage_open(studio, user.id, ref, NUMBER)
view = stage_view(studio, user.id, ref, NUMBER)
imported = bool(view.skipped)  # an imported screenplay skips stages 2 and 3
first = stage_one(studio.db, user.id, ref.branch_id)["content"]

if flash := st.session_state.pop("flash", None):
    st.success(flash)


def rear_view_mirror() -> None:
    """What the script is written from: the locked beats, or the screenplay the creator brought."""
    if imported:
        skipped = " and ".join(f"{stage(n).label}" for n in sorted(view.skipped))
        st.info(f"**Imported screenplay.** Stages {skipped} are skipped: your screenplay from Stage 1 is the "
                "master script.", icon=":material/skip_next:")
        with st.expander("The screenplay you brought (Stage 1)"):
            st.code(first["narrative"], language=None, wrap_lines=True)
        return
    beats = stage_view(studio, user.id, ref, 3).latest
    if beats["status"] == StageStatus.OUTDATED:
        st.warning("**The beat sheet is now out of date with the script**: the script was edited by hand after "
                   "the beats were locked. The film follows the script from here.", icon=":material/sync_problem:")
    with st.expander(f"Rear-view mirror · the beat sheet (Stage 3 v{beats['version']}, {beats['status']})",
                     icon=":material/history_toggle_off:"):
        st.dataframe(pd.DataFrame({
            "#": [b["order"] for b in beats["content"]["beats"]],
            "Beat": [b.get("label") or "—" for b in beats["content"]["beats"]],
            "Text": [b["text"] for b in beats["content"]["beats"]],
            "Edited": [b.get("manually_edited", False) for b in beats["content"]["beats"]],
        }), hide_index=True, width="stretch")


def scenes_table(scenes: list[dict]) -> None:
    st.dataframe(pd.DataFrame({
        "Scene": [s["number"] for s in scenes],
        "Heading": [s["slug"] for s in scenes],
        "Characters": [", ".join(s.get("characters") or []) or "—" for s in scenes],
        "Opens with": [_excerpt(s["excerpt"]) for s in scenes],
    }), hide_index=True, width="stretch")


def _excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line[:EXCERPT_CHARS] + ("…" if len(line) > EXCERPT_CHARS else "")


def show_version(version: dict) -> None:
    st.caption(f"{len(version['content']['scenes'])} scene(s)")
    st.code(version["content"]["formatted_script"], language=None, wrap_lines=True)


def fountain_file_name(title: str) -> str:
    return (re.sub(r"[^\w\- ]+", "", title).strip() or "screenplay") + ".fountain"


rear_view_mirror()
seen = session.opened_version(view)
seen_version = seen["version"] if seen else 0
content = seen["content"] if seen else {}

# --- write (or import) the script ---------------------------------------------------------------
regenerate, why = False, ""
if seen is None:
    if imported:
        st.info("Nothing imported yet. Your screenplay's scene headings become the film's scenes.")
    else:
        st.info("No script yet. The writer turns the locked beats into a screenplay in Fountain.")
    regenerate = session.first_draft_button("Import the screenplay" if imported else "Write the script",
                                            "Importing the screenplay" if imported else "Writing the script")
else:
    origin = "imported" if seen["provider"] == "import" else f"written by {seen['model'] or 'the writer'}"
    st.caption(f"Version {seen_version} · {seen['status']} · {origin} · {len(content['scenes'])} scene(s)")
    if seen["status"] == StageStatus.INVALIDATED:
        st.warning(f"Version {seen_version} was invalidated by a change upstream. Regenerate the script, or "
                   "restore a version below, to go on.", icon=":material/warning:")

    # --- the screenplay, editable -------------------------------------------------------------------
    st.subheader("Screenplay")
    st.html('<style>[class*="st-key-s4_script_"] textarea {font-family: "Courier Prime", "Courier New", '
            "Courier, monospace; font-size: 0.9rem;}</style>")
    text = st.text_area("Screenplay (Fountain)", value=content["formatted_script"], height=480,
                        key=session.versioned_key("script", seen_version),
                        help="Scene headings (INT./EXT.) start scenes; CHARACTER names in capitals before dialogue.")
    save_column, download_column = st.columns(2)
    save = save_column.button("Save script", key="s4_save", icon=":material/save:")
    download_column.download_button(
        "Download .fountain", data=content["formatted_script"], file_name=fountain_file_name(first["title"]),
        mime="text/plain", key="s4_download", icon=":material/download:", on_click="ignore",
        help=f"Version {seen_version} as saved (unsaved edits are not included).",
    )
    session.change(
        "save", save,
        lambda preview, ack: save_script(studio, user.id, ref, seen_version, text,
                                         preview=preview, acknowledged=ack),
        "Saved your script as version {version}; its scenes were read again from the headings.",
        unchanged=text.strip() == content["formatted_script"].strip(),
    )

    # --- scenes -------------------------------------------------------------------------------------
    st.subheader(f"Scenes ({len(content['scenes'])})")
    scenes_table(content["scenes"])

    # --- lock ---------------------------------------------------------------------------------------
    if seen["status"] == StageStatus.LOCKED:
        st.success(f"Script locked (version {seen_version}). The global assets are drawn from it.",
                   icon=":material/lock:")
        st.page_link(stage(5).page, label=f"Go to Stage {stage(5).label}", icon=stage(5).icon)
    elif seen["status"] == StageStatus.DRAFT:
        session.lock_button("Lock the script", seen_version,
                            "Locked the script (version {version}). On to the global assets.")

    # --- regenerate with guidance (or import again) -------------------------------------------------
    if imported:
        with st.container(border=True):
            st.caption("Import the Stage 1 screenplay again, replacing the script's edits with a new version.")
            regenerate = st.button("Import again", key=session.key("regenerate"), icon=":material/refresh:")
    else:
        regenerate, why = session.guidance_box(seen_version, estimate_label="Regenerating",
                                               placeholder="e.g. more dialogue, open at the reef, fewer scenes")

session.regenerate(
    regenerate, seen_version, why, spinner="Importing the screenplay…" if imported else "Writing the script…",
    message="Imported your screenplay as version {version}." if imported else "Wrote the script as version {version}.",
)

# --- history ------------------------------------------------------------------------------------
session.history_section(view, show_version, seen_version)
