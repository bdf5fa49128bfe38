"""One scene's stage (7-12) as this browser session works on it: which scene (kept by number, so a fork or a new
scene version keeps the place), the gate, the rear-view mirror, the version it opened, changes behind the
invalidation preview, regenerate with guidance, lock, and history. What StageSession is for the global stages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.invalidation.changes import ChangePreview
from core.pipeline import stage
from core.production import edits as scene_edits
from core.production import generate as scene_generate
from core.production.context import SceneRef
from core.production.versions import SceneStageView
from core.runtime.auth import User
from core.runtime.studio import Studio
from core.story.projects import ProjectRef
from pages.ui.media_view import media_or_reason
from pages.ui.prose import escaped
from pages.ui.stage_frame import (
    engine_caption,
    estimate_caption,
    guarded_change,
    opened_version,
    run_action,
    show_done,
    stop_while_gated,
)
from pages.ui.versions_panel import versions_panel

SCENE_KEY = "scene_number"  # the scene in focus, by number: it survives a fork and a new scene version
SCENE_PARAM = "scene"  # the same number in the page's url (?scene=2): a refresh starts a new session without it
Perform = Callable[[ChangePreview, bool], dict]


def choose_scene(studio: Studio, user: User, ref: ProjectRef, *, key: str) -> SceneRef:
    """The scene picker: the live scenes of the branch, the one in focus kept across pages; stops when there is none."""
    scenes = scene_edits.scene_list(studio, user.id, ref.branch_id)
    if not scenes:
        st.info("This branch has no scenes yet: lock Stage 5 (the assets) and the script's scenes appear here.")
        st.page_link(stage(5).page, label=f"Go to Stage {stage(5).label}", icon=stage(5).icon)
        st.stop()
    numbers = [s["scene_number"] for s in scenes]
    wanted = st.session_state.get(key)  # this picker's own value: the creator's pick on this page
    if wanted not in numbers:
        wanted = st.session_state.get(SCENE_KEY) or _scene_in_url()
    # Set on every run, not passed as `index`: a keyed selectbox otherwise keeps showing the label it was first
    # given, so the scene's status in it went stale as the scene moved on (streamlit/streamlit#13788).
    st.session_state[key] = wanted if wanted in numbers else numbers[0]
    chosen = st.selectbox("Scene", numbers, key=key,
                          format_func=lambda n: _label(next(s for s in scenes if s["scene_number"] == n)))
    st.session_state[SCENE_KEY] = chosen
    if st.query_params.get(SCENE_PARAM) != str(chosen):
        st.query_params[SCENE_PARAM] = str(chosen)
    scene = next(s for s in scenes if s["scene_number"] == chosen)
    return SceneRef(ref.project_id, ref.branch_id, scene["id"])


def _scene_in_url() -> int | None:
    """The scene number the url names, when this session has none of its own (a refresh, a bookmark)."""
    number = st.query_params.get(SCENE_PARAM, "")
    return int(number) if number.isdigit() else None


def _label(scene: dict) -> str:
    return f"Scene {scene['scene_number']} · {scene['slug']} — {scene['status'].replace('_', ' ')}"


def focus_scene(number: int) -> None:
    st.session_state[SCENE_KEY] = number


def open_scene_stage(number: int, *, title: str | None = None, mirror: bool = True) -> SceneSession:
    """The head of every scene page (7-12): its title and engine, the scene picker, the gate, the last action's
    message and, where the page looks back, the rear-view mirror. Stops the page while the stage is gated."""
    from pages.ui import session as common

    studio = common.studio()
    user = common.require_user()
    project = common.require_project()
    st.title(f"Stage {number} · {title or stage(number).title}")
    engine_caption(studio)
    ref = choose_scene(studio, user, project, key=f"s{number}_scene")
    session = SceneSession(studio, user, ref, number, prefix=f"s{number}")
    session.require_open()
    if flash := st.session_state.pop("flash", None):
        st.success(flash)
    if mirror:
        session.rear_view_mirror()
    return session


@dataclass(frozen=True)
class SceneSession:
    """Stage `number` of one scene, worked on by `user`; widget keys start with `prefix`."""

    studio: Studio
    user: User
    ref: SceneRef
    number: int
    prefix: str

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def versioned_key(self, name: str, version: int) -> str:
        """The key of a widget showing one version of this scene's stage: a new version starts it afresh."""
        return f"{self.prefix}_{name}_{self.ref.scene_id}_v{version}"

    @property
    def seen_key(self) -> str:
        return f"scene_stage_{self.number}_seen:{self.ref.scene_id}"

    def require_open(self) -> None:
        """Stop the page with what to finish first (and a link there) while the stage is gated."""
        stop_while_gated(lambda: scene_edits.gate(self.studio, self.user.id, self.ref, self.number))

    def view(self) -> SceneStageView:
        return scene_edits.scene_view(self.studio, self.user.id, self.ref, self.number)

    def rear_view_mirror(self) -> None:
        """How the previous scene ends: its last lines, its last frame, the look it hands on."""
        end = run_action(lambda: scene_edits.previous_scene_end(self.studio, self.user.id, self.ref),
                         retry_key=self.key("mirror"))
        if not end:
            st.caption(":material/history_toggle_off: The film's first scene: nothing comes before it.")
            return
        with st.expander(f":material/history_toggle_off: Rear-view mirror: how scene {end['number']} "
                         f"({escaped(end['slug'])}) ends"):
            with media_or_reason():
                if end["end_frame_key"] and self.studio.media.exists(end["end_frame_key"], owner=self.user.id):
                    st.image(self.studio.media.for_browser(end["end_frame_key"], owner=self.user.id),
                             caption="Its last frame", width=360)
            st.text(end["end_state"] or "(no text)")
            for carried in end["carried"]:
                st.caption(f"{escaped(carried['asset'])} carries on: {', '.join(carried['tags'])}")

    def opened_version(self, view) -> dict | None:
        return opened_version(view, self.seen_key, self.key("load_latest"))

    def done(self, row: dict | None, message: str) -> None:
        show_done(row, self.seen_key, message)

    def change(self, name: str, requested: bool, perform: Perform, message: str, *,
               make_preview: Callable[[], ChangePreview], unchanged: bool = False, happened: str | None = None) -> None:
        """An edit of this scene's stage behind the invalidation preview; then `done`."""
        if requested and unchanged:
            st.info("Nothing changed, so nothing was saved.")
            requested = False
        self.done(guarded_change(self.key(name), requested, make_preview=make_preview, perform=perform,
                                 fork_at=self.number, happened=happened), message)

    def estimate(self, what: str, options: dict | None = None) -> None:
        estimate = run_action(lambda: scene_generate.generation_estimate(self.studio, self.user.id, self.ref,
                                                                         self.number, options),
                              retry_key=self.key("estimate"))
        estimate_caption(estimate, what)

    def first_draft_button(self, label: str, estimate_label: str, options: dict | None = None) -> bool:
        self.estimate(estimate_label, options)
        return st.button(label, type="primary", key=self.key("generate"), icon=":material/auto_awesome:")

    def guidance_box(self, seen_version: int, *, placeholder: str, estimate_label: str,
                     options: dict | None = None) -> tuple[bool, str]:
        with st.container(border=True):
            why = st.text_input("Why regenerate? Guidance", key=self.versioned_key("why", seen_version),
                                placeholder=placeholder)
            self.estimate(estimate_label, options)
            return st.button("Regenerate with guidance", key=self.key("regenerate"), icon=":material/refresh:"), why

    def regenerate(self, requested: bool, seen_version: int, guidance: str, *, spinner: str, message: str,
                   options: dict | None = None) -> None:
        def write(preview: ChangePreview, acknowledged: bool) -> dict:
            with st.spinner(spinner):
                return scene_generate.generate(self.studio, self.user.id, self.ref, self.number,
                                               seen_version=seen_version, guidance=guidance.strip(), preview=preview,
                                               acknowledged=acknowledged, options=options)

        self.done(guarded_change(
            self.key("generate"), requested,
            make_preview=lambda: scene_generate.regeneration_preview(self.studio, self.user.id, self.ref, self.number),
            perform=write, fork_at=self.number), message)

    def lock_button(self, label: str, seen_version: int, message: str) -> None:
        if st.button(label, type="primary", key=self.key("lock"), icon=":material/lock:"):
            self.done(run_action(lambda: scene_edits.lock_scene_stage(self.studio, self.user.id, self.ref, self.number,
                                                                      seen_version), retry_key=self.key("lock")),
                      message)

    def history_section(self, view: SceneStageView, show_version: Callable[[dict], None], seen_version: int) -> None:
        """The version history; restoring an old version makes it the newest, behind the preview."""
        restore = self.key("restore")
        asked: list[int] = []
        versions_panel(view, show_version, asked.append)
        if asked:
            st.session_state[restore] = asked[0]
        self.change(
            "restore", bool(asked),
            lambda preview, ack: scene_edits.restore_scene_version(
                self.studio, self.user.id, self.ref, self.number, st.session_state[restore], seen_version,
                preview=preview, acknowledged=ack),
            f"Restored version {st.session_state.get(restore)} as version {{version}}.",
            make_preview=lambda: scene_edits.change_preview(self.studio, self.user.id, self.ref, self.number),
            happened="an earlier version was brought back")
