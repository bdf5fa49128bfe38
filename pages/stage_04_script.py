"""Stage 4 · Master script: the screenplay written from the locked beats (or the imported one), its
scenes, edits by hand, regenerate with guidance, download as .fountain, lock to go on to the assets."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.pipeline import stage
from core.projects import stage_one
from core.story import generate, generation_estimate, regeneration_preview
from core.story_edits import edit_preview, lock_stage, restore_version, save_script, stage_view
from pages import common
from pages.stage_common import engine_caption, estimate_caption, guarded_change, require_stage_open, run_action
from pages.versions_panel import versions_panel

NUMBER = 4
EXCERPT_CHARS = 90

studio = common.studio()
user = common.require_user()
ref = common.require_project()

st.title("Stage 4 · Master script")
engine_caption(studio)
require_stage_open(studio, user.id, ref, NUMBER)
view = stage_view(studio, user.id, ref, NUMBER)
imported = bool(view.skipped)  # an imported screenplay skips stages 2 and 3
first = stage_one(studio.db, user.id, ref.branch_id)["content"]
pid = ref.project_id.hex  # widget keys name the project, not the branch: "branch instead" replays the edit

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
    if beats["status"] == "outdated":
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


# The version this session works from, kept across reruns: a save made meanwhile in another session
# must then be refused as a conflict, not silently overwritten from this session's older view.
seen_key = f"stage_four_seen:{ref.branch_id}"


def opened_version() -> dict | None:
    if view.latest is None:
        return None
    seen = next((v for v in view.history if v["version"] == st.session_state.get(seen_key)), view.latest)
    st.session_state[seen_key] = seen["version"]
    if seen is not view.latest:
        st.warning(f"Version {view.latest['version']} was saved in another session after you opened "
                   f"version {seen['version']}.", icon=":material/sync_problem:")
        if st.button(f"Load version {view.latest['version']}", key="s4_load_latest"):
            st.session_state[seen_key] = view.latest["version"]
            st.rerun()
    return seen


def done(row: dict | None, message: str) -> None:
    """After a change: remember the version it wrote, say what happened, show it."""
    if row is None:
        return
    st.session_state[seen_key] = row["version"]
    st.session_state["flash"] = message.format(version=row["version"])
    st.rerun()


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
seen = opened_version()
seen_version = seen["version"] if seen else 0
content = seen["content"] if seen else {}

# --- write (or import) the script ---------------------------------------------------------------
regenerate, why = False, ""
if seen is None:
    if imported:
        st.info("Nothing imported yet. Your screenplay's scene headings become the film's scenes.")
    else:
        st.info("No script yet. The writer turns the locked beats into a screenplay in Fountain.")
    estimate_caption(run_action(lambda: generation_estimate(studio, user.id, ref, NUMBER), retry_key="s4_estimate"),
                     "Importing the screenplay" if imported else "Writing the script")
    regenerate = st.button("Import the screenplay" if imported else "Write the script", type="primary",
                           key="s4_generate", icon=":material/auto_awesome:")
else:
    origin = "imported" if seen["provider"] == "import" else f"written by {seen['model'] or 'the writer'}"
    st.caption(f"Version {seen_version} · {seen['status']} · {origin} · {len(content['scenes'])} scene(s)")
    if seen["status"] == "invalidated":
        st.warning(f"Version {seen_version} was invalidated by a change upstream. Regenerate the script, or "
                   "restore a version below, to go on.", icon=":material/warning:")

    # --- the screenplay, editable -------------------------------------------------------------------
    st.subheader("Screenplay")
    st.html('<style>[class*="st-key-s4_script_"] textarea {font-family: "Courier Prime", "Courier New", '
            "Courier, monospace; font-size: 0.9rem;}</style>")
    text = st.text_area("Screenplay (Fountain)", value=content["formatted_script"], height=480,
                        key=f"s4_script_{pid}_v{seen_version}",
                        help="Scene headings (INT./EXT.) start scenes; CHARACTER names in capitals before dialogue.")
    save_column, download_column = st.columns(2)
    save = save_column.button("Save script", key="s4_save", icon=":material/save:")
    download_column.download_button(
        "Download .fountain", data=content["formatted_script"], file_name=fountain_file_name(first["title"]),
        mime="text/plain", key="s4_download", icon=":material/download:", on_click="ignore",
        help=f"Version {seen_version} as saved (unsaved edits are not included).",
    )
    if save and text.strip() == content["formatted_script"].strip():
        st.info("Nothing changed, so nothing was saved.")
        save = False
    done(guarded_change(
        "s4_save", save,
        make_preview=lambda: edit_preview(studio, user.id, ref, NUMBER),
        perform=lambda preview, ack: save_script(studio, user.id, ref, seen_version, text,
                                                 preview=preview, acknowledged=ack),
        fork_at=NUMBER,
    ), "Saved your script as version {version}; its scenes were read again from the headings.")

    # --- scenes -------------------------------------------------------------------------------------
    st.subheader(f"Scenes ({len(content['scenes'])})")
    scenes_table(content["scenes"])

    # --- lock ---------------------------------------------------------------------------------------
    if seen["status"] == "locked":
        st.success(f"Script locked (version {seen_version}). The global assets are drawn from it.",
                   icon=":material/lock:")
        st.page_link(stage(5).page, label=f"Go to Stage {stage(5).label}", icon=stage(5).icon)
    elif seen["status"] == "draft" and st.button("Lock the script", type="primary", key="s4_lock",
                                                 icon=":material/lock:"):
        done(run_action(lambda: lock_stage(studio, user.id, ref, NUMBER, seen_version), retry_key="s4_lock"),
             "Locked the script (version {version}). On to the global assets.")

    # --- regenerate with guidance (or import again) -------------------------------------------------
    with st.container(border=True):
        if imported:
            st.caption("Import the Stage 1 screenplay again, replacing the script's edits with a new version.")
            regenerate = st.button("Import again", key="s4_regenerate", icon=":material/refresh:")
        else:
            why = st.text_input("Why regenerate? Guidance for the writer", key=f"s4_why_{pid}_v{seen_version}",
                                placeholder="e.g. more dialogue, open at the reef, fewer scenes")
            estimate_caption(run_action(lambda: generation_estimate(studio, user.id, ref, NUMBER),
                                        retry_key="s4_estimate"), "Regenerating")
            regenerate = st.button("Regenerate with guidance", key="s4_regenerate", icon=":material/refresh:")


def write_script(preview, acknowledged: bool) -> dict:
    with st.spinner("Importing the screenplay…" if imported else "Writing the script…"):
        return generate(studio, user.id, ref, NUMBER, seen_version=seen_version, guidance=why.strip(),
                        preview=preview, acknowledged=acknowledged)


done(guarded_change(
    "s4_generate", regenerate,
    make_preview=lambda: regeneration_preview(studio, user.id, ref, NUMBER),
    perform=write_script, fork_at=NUMBER,
), ("Imported your screenplay as version {version}." if imported else "Wrote the script as version {version}."))

# --- history ------------------------------------------------------------------------------------
asked: list[int] = []
versions_panel(view, show_version, asked.append)
if asked:
    st.session_state["s4_restore"] = asked[0]
done(guarded_change(
    "s4_restore", bool(asked),
    make_preview=lambda: edit_preview(studio, user.id, ref, NUMBER),
    perform=lambda preview, ack: restore_version(studio, user.id, ref, NUMBER, st.session_state["s4_restore"],
                                                 seen_version, preview=preview, acknowledged=ack),
    fork_at=NUMBER,
), f"Restored version {st.session_state.get('s4_restore')} as version {{version}}.")
