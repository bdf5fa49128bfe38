"""A creator's media on a page: a picture or a clip from the media store, or a line saying why it isn't shown.

    show_picture(studio, user_id, key, caption="1A start", width=360) -> True when shown
    show_clip(studio, user_id, key) -> True when shown

Media that isn't stored (not drawn yet, or not this creator's) shows nothing, for the page to say what it means;
a media store out of reach (Supabase Storage down) shows its message once per card instead of breaking the page.
"""

from __future__ import annotations

from uuid import UUID

import streamlit as st

from core.errors import NotFound, ServiceUnavailable
from core.runtime.studio import Studio


def show_picture(studio: Studio, user_id: UUID, key: str | None, **options) -> bool:
    """st.image of the user's media `key` (options as st.image's); False when there is nothing to show."""
    shown = _browser_source(studio, user_id, key)
    if shown is not None:
        st.image(shown, **options)
    return shown is not None


def show_clip(studio: Studio, user_id: UUID, key: str | None) -> bool:
    """st.video of the user's media `key`; False when there is nothing to show."""
    shown = _browser_source(studio, user_id, key)
    if shown is not None:
        st.video(shown)
    return shown is not None


def _browser_source(studio: Studio, user_id: UUID, key: str | None) -> str | None:
    if not key:
        return None
    try:
        if not studio.media.exists(key, owner=user_id):
            return None
        return studio.media.for_browser(key, owner=user_id)
    except NotFound:
        return None
    except ServiceUnavailable as exc:
        st.warning(f"Can't show this now: {exc}" + (f" {exc.hint}" if exc.hint else ""), icon=":material/cloud_off:")
        return None
