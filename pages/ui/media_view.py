"""A creator's media on a page, said plainly when the media store can't give it.

    with media_or_reason():
        if studio.media.exists(key, owner=user.id):
            st.image(studio.media.for_browser(key, owner=user.id), caption="1A start")

A media store out of reach (Supabase Storage down, after its retries) shows its message on that card, with the
hint, and the rest of the page renders; any other error is the page's to handle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.errors import ServiceUnavailable


@contextmanager
def media_or_reason() -> Iterator[None]:
    """Show media inside; if the media store can't be reached, say so here instead of breaking the page."""
    try:
        yield
    except ServiceUnavailable as exc:
        st.warning(f"Can't show this now: {exc}" + (f" {exc.hint}" if exc.hint else ""), icon=":material/cloud_off:")
