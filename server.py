"""The studio's web server: app.py's pages plus two same-origin routes that set and clear the session cookie.

`./aiuteur start` runs `streamlit run server.py`. Streamlit reads request cookies (`st.context.cookies`)
but a page can't send a response header, and a cookie written by JavaScript can't be http-only; so the
sign-in page hands the browser a one-time ticket, the browser POSTs it here, and this answer sets the
token as a secure, http-only, SameSite=Strict cookie. `streamlit run app.py` still works, without the
cookie: the creator then stays signed in only until the tab is refreshed.
"""

from __future__ import annotations

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.runtime import sessions
from pages.ui import session as common

COOKIE_PATH = "/"


def _secure(request: Request) -> bool:
    """Secure on https, and on localhost, which browsers treat as a secure origin; not on plain-http LAN hosts."""
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded == "https" or request.url.hostname in ("localhost", "127.0.0.1")


async def claim_session(request: Request) -> JSONResponse:
    """Swap the page's one-time ticket for the session cookie."""
    ticket = (await request.json()).get("ticket", "") if request.headers.get("content-type") == "application/json" else ""
    token = await run_in_threadpool(sessions.claim, common.studio_for_routes().db, str(ticket))
    if token is None:
        return JSONResponse({"signed_in": False}, status_code=403)
    response = JSONResponse({"signed_in": True})
    response.set_cookie(sessions.COOKIE_NAME, token, max_age=sessions.SESSION_DAYS * 86400, path=COOKIE_PATH,
                        secure=_secure(request), httponly=True, samesite="strict")
    return response


async def end_session(request: Request) -> JSONResponse:
    """Revoke the cookie's session on the server and clear the cookie."""
    await run_in_threadpool(sessions.revoke_token, common.studio_for_routes().db,
                            request.cookies.get(sessions.COOKIE_NAME))
    response = JSONResponse({"signed_in": False})
    response.delete_cookie(sessions.COOKIE_NAME, path=COOKIE_PATH, secure=_secure(request), httponly=True,
                           samesite="strict")
    return response


common.mark_session_routes()
app = st.App("app.py", routes=[
    Route(common.SESSION_ROUTE, claim_session, methods=["POST"]),
    Route(common.SIGN_OUT_ROUTE, end_session, methods=["POST"]),
])
