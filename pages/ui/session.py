"""What every page shares: the booted studio, the signed-in user and the project in focus.

Session state holds ids only; the database is the truth.
"""

from __future__ import annotations

import json
from uuid import UUID

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.errors import ServiceUnavailable
from core.runtime import processes, sessions
from core.runtime.auth import Authenticator, User, authenticator
from core.runtime.settings import load_settings
from core.runtime.studio import Studio, boot, start_background_worker, workers_alive
from core.story.projects import ProjectRef


@st.cache_resource(show_spinner="Starting the studio's database and queue…")
def _boot() -> Studio:
    settings = load_settings()
    processes.record(settings.data_dir, "studio")  # so `./aiuteur stop` finds this server by its pid
    studio = boot(settings)
    if settings.start_worker and not workers_alive(studio):
        start_background_worker(settings)
    return studio


def studio_for_routes() -> Studio:
    """The same booted studio, for the web server's session routes (no page to draw an error on)."""
    return _boot()


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


SESSION_ROUTE = "/aiuteur/session"
SIGN_OUT_ROUTE = "/aiuteur/sign-out"
_routes = {"mounted": False}


def mark_session_routes() -> None:
    """Called by server.py: the cookie routes are served, so sign-in can set the session cookie."""
    _routes["mounted"] = True


def session_routes_mounted() -> bool:
    return _routes["mounted"]


def current_user() -> User | None:
    """The signed-in user: this tab's, else the one the browser's session cookie names."""
    raw = st.session_state.get("user")
    if raw:
        return User(UUID(raw["id"]), raw["email"])
    return _restore_from_cookie()


def _session_cookie() -> str | None:
    """The session token the browser sent when this tab connected (AppTest has no browser: None)."""
    token = st.context.cookies.get(sessions.COOKIE_NAME)
    return token if isinstance(token, str) else None


def _restore_from_cookie() -> User | None:
    token = _session_cookie()
    if not token or st.session_state.get("refused_cookie") == token:
        return None
    restored = sessions.resolve(studio().db, token)
    if restored is None:
        st.session_state["refused_cookie"] = token  # expired or revoked: don't ask the database every rerun
        return None
    _remember(restored.user, restored.session_id)
    return restored.user


def client_id() -> str:
    """Who is signing in, for the per-client sign-in throttle: the browser's address, else this session."""
    address = getattr(st.context, "ip_address", None)
    if address:
        return f"ip:{address}"
    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id}" if ctx else ""


def _remember(user: User, session_id: UUID | None) -> None:
    st.session_state["user"] = {"id": str(user.id), "email": user.email}
    if session_id:
        st.session_state["session_id"] = str(session_id)


def sign_in_as(user: User) -> None:
    """Sign this tab in and, where the cookie routes are served, open a session that outlives a refresh."""
    if not session_routes_mounted():
        _remember(user, None)
        return
    handoff = sessions.open_session(studio().db, user)
    _remember(user, handoff.session_id)
    st.session_state["session_ticket"] = handoff.ticket


def sign_out() -> None:
    """End the session on the server, forget this tab's state, and have the browser drop the cookie."""
    user, session_id = current_user(), st.session_state.get("session_id")
    if user and session_id:
        sessions.revoke(studio().db, UUID(session_id), user.id)
    refused = _session_cookie()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if refused:
        st.session_state["refused_cookie"] = refused
    if session_routes_mounted():
        st.session_state["clear_cookie"] = True


def hand_cookie_to_browser() -> None:
    """Post a pending ticket (after sign-in) or a sign-out to the cookie routes, from the browser."""
    ticket = st.session_state.pop("session_ticket", None)
    clear = st.session_state.pop("clear_cookie", False)
    if not (ticket or clear) or not session_routes_mounted():
        return
    route, body = (SESSION_ROUTE, {"ticket": ticket}) if ticket else (SIGN_OUT_ROUTE, {})
    st.html(
        f"<script>fetch({json.dumps(route)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'application/json'}}, body: {json.dumps(json.dumps(body))}}});</script>",
        unsafe_allow_javascript=True,
    )


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




def show_flash(key: str = "flash") -> None:
    """A toast with the message a page left before a rerun (`flash`) or a switch of page (`toast`)."""
    if flash := st.session_state.pop(key, None):
        st.toast(flash, icon=":material/movie:")
