"""One generating stage as this browser session works on it: the version it opened, the changes that
write a new version (behind the invalidation preview), regenerate with guidance, lock, and history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.invalidation.changes import ChangePreview, what_happened
from core.runtime.auth import User
from core.runtime.studio import Studio
from core.story import generate as story
from core.story.edits import edit_preview, lock_stage, restore_version
from core.story.projects import ProjectRef
from core.story.versions import StageView
from pages.ui.stage_frame import estimate_caption, guarded_change, opened_version, run_action, show_done
from pages.ui.versions_panel import versions_panel

Perform = Callable[[ChangePreview, bool], dict]


@dataclass(frozen=True)
class StageSession:
    """Stage `number` of `ref`, worked on by `user`.

    Widget keys start with `prefix` ("s3"). `scope`, when given, goes into the keys of the widgets
    that hold a version's content (the project, not the branch: "branch instead" replays the edit).
    """

    studio: Studio
    user: User
    ref: ProjectRef
    number: int
    prefix: str
    scope: str = ""

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def versioned_key(self, name: str, version: int) -> str:
        """The key of a widget showing `version`: a new version starts it afresh."""
        scope = f"_{self.scope}" if self.scope else ""
        return f"{self.prefix}_{name}{scope}_v{version}"

    @property
    def seen_key(self) -> str:
        return f"stage_{self.number}_seen:{self.ref.branch_id}"

    def opened_version(self, view) -> dict | None:
        return opened_version(view, self.seen_key, self.key("load_latest"))

    def done(self, row: dict | None, message: str) -> None:
        show_done(row, self.seen_key, message)

    def refresh(self, message: str) -> None:
        """After a change that isn't a version of its own: say what happened and show the latest."""
        st.session_state.pop(self.seen_key, None)
        st.session_state["flash"] = message
        st.rerun()

    def change(self, name: str, requested: bool, perform: Perform, message: str, *, unchanged: bool = False) -> None:
        """An edit of this stage (key `<prefix>_<name>`), made behind the invalidation preview; then `done`.
        A save that would change nothing (`unchanged`) is not made, and the page says so."""
        if requested and unchanged:
            st.info("Nothing changed, so nothing was saved.")
            requested = False
        self.done(guarded_change(
            self.key(name), requested,
            make_preview=lambda: edit_preview(self.studio, self.user.id, self.ref, self.number),
            perform=perform, fork_at=self.number, happened=what_happened(self.number, name),
        ), message)

    def estimate(self, what: str) -> None:
        """What generating this stage now would cost."""
        estimate = run_action(lambda: story.generation_estimate(self.studio, self.user.id, self.ref, self.number),
                              retry_key=self.key("estimate"))
        estimate_caption(estimate, what)

    def first_draft_button(self, label: str, estimate_label: str) -> bool:
        """The cost of the stage's first version, and the button that asks for it."""
        self.estimate(estimate_label)
        return st.button(label, type="primary", key=self.key("generate"), icon=":material/auto_awesome:")

    def guidance_box(
        self,
        seen_version: int,
        *,
        placeholder: str,
        estimate_label: str,
        question: str = "Why regenerate? Guidance for the writer",
        button: str = "Regenerate with guidance",
    ) -> tuple[bool, str]:
        """Ask for a new version with guidance. Returns whether it was asked for, and the guidance."""
        with st.container(border=True):
            why = st.text_input(question, key=self.versioned_key("why", seen_version), placeholder=placeholder)
            self.estimate(estimate_label)
            return st.button(button, key=self.key("regenerate"), icon=":material/refresh:"), why

    def regenerate(self, requested: bool, seen_version: int, guidance: str, *, spinner: str, message: str) -> None:
        """(Re)generate the stage with `guidance`, behind the invalidation preview; then `done`."""

        def write(preview: ChangePreview, acknowledged: bool) -> dict:
            with st.spinner(spinner):
                return story.generate(self.studio, self.user.id, self.ref, self.number, seen_version=seen_version,
                                      guidance=guidance.strip(), preview=preview, acknowledged=acknowledged)

        self.done(guarded_change(
            self.key("generate"), requested,
            make_preview=lambda: story.regeneration_preview(self.studio, self.user.id, self.ref, self.number),
            perform=write, fork_at=self.number,
        ), message)

    def lock_button(self, label: str, seen_version: int, message: str) -> None:
        """Lock `seen_version` so the next stage can be made from it."""
        if st.button(label, type="primary", key=self.key("lock"), icon=":material/lock:"):
            self.done(run_action(lambda: lock_stage(self.studio, self.user.id, self.ref, self.number, seen_version),
                                 retry_key=self.key("lock")), message)

    def history_section(
        self,
        view: StageView,
        show_version: Callable[[dict], None],
        seen_version: int,
        *,
        refusal: str | None = None,
    ) -> None:
        """The version history; restoring an old version makes it the newest (unless `refusal` says why not)."""
        restore = self.key("restore")
        asked: list[int] = []
        versions_panel(view, show_version, asked.append)
        if asked and refusal:
            st.warning(refusal)
        elif asked:
            st.session_state[restore] = asked[0]
        self.change(
            "restore", bool(asked) and not refusal,
            lambda preview, ack: restore_version(self.studio, self.user.id, self.ref, self.number,
                                                 st.session_state[restore], seen_version,
                                                 preview=preview, acknowledged=ack),
            f"Restored version {st.session_state.get(restore)} as version {{version}}.",
        )
