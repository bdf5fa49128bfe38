"""What every page shares: the booted studio, the signed-in user and the project in focus.

Session state holds ids only; the database is the truth.
"""

from __future__ import annotations

from uuid import UUID

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.errors import ServiceUnavailable
from core.runtime.auth import Authenticator, User, authenticator
from core.runtime.settings import load_settings
from core.runtime.studio import Studio, boot, start_background_worker, workers_alive
from core.story.projects import ProjectRef


@st.cache_resource(show_spinner="Starting the studio's database and queue…")
def _boot() -> Studio:
    settings = load_settings()
    studio = boot(settings)
    if settings.start_worker and not workers_alive(studio):
        start_background_worker(settings)
    return studio


def studio() -> Studio:
    """The booted studio, or a page that says which service can't be reached and what to check."""
    try:
        return _boot()
    except ServiceUnavailable as exc:
        st.error(f"**Aiuteur can't start.** {exc}", icon=":material/cloud_off:")
        if exc.hint:
            st.info(exc.hint)
        st.stop()


@st.cache_resource
def _authenticator(_studio_id: int) -> Authenticator:
    current = studio()
    return authenticator(current.settings, current.db)


def auth() -> Authenticator:
    current = studio()
    return _authenticator(id(current))


def current_user() -> User | None:
    raw = st.session_state.get("user")
    return User(UUID(raw["id"]), raw["email"]) if raw else None


def client_id() -> str:
    """Who is signing in, for the per-client sign-in throttle: the browser's address, else this session."""
    address = getattr(st.context, "ip_address", None)
    if address:
        return f"ip:{address}"
    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id}" if ctx else ""


def sign_in_as(user: User) -> None:
    st.session_state["user"] = {"id": str(user.id), "email": user.email}


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def require_user() -> User:
    user = current_user()
    if user is None:
        st.warning("Sign in to continue.")
        st.stop()
    return user


def focus_project(project_id: UUID, branch_id: UUID) -> None:
    st.session_state["project_id"] = str(project_id)
    st.session_state["branch_id"] = str(branch_id)


def focused_project() -> ProjectRef | None:
    project_id, branch_id = st.session_state.get("project_id"), st.session_state.get("branch_id")
    if not project_id or not branch_id:
        return None
    return ProjectRef(UUID(project_id), UUID(branch_id))


def require_project() -> ProjectRef:
    ref = focused_project()
    if ref is None:
        st.info("Pick a project in the sidebar, or create one on the dashboard.")
        st.page_link("pages/dashboard.py", label="Go to the dashboard", icon=":material/dashboard:")
        st.stop()
    return ref


def show_field_errors(slots: dict, field_errors: dict[str, str]) -> None:
    """Put each message under its field; messages for fields without a slot go to `form`."""
    for field, message in field_errors.items():
        slot = slots.get(field) or slots["form"]
        slot.error(message if field in slots else f"{field}: {message}")
