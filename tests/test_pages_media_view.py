"""A page showing a creator's media keeps working when the media store is out of reach: the card says why its
picture isn't shown, and the rest of the page renders (Supabase Storage through supabase-py, on a local stand-in)."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from streamlit.testing.v1 import AppTest

from tests.fake_storage import SERVICE_KEY, FakeStorage

MARA = uuid.UUID("6f1d3c2a-9b7e-4c1f-8a2d-5e4b3c2a1f00")
FRAME = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
         b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
FRAME_KEY = hashlib.sha256(FRAME).hexdigest() + ".png"


def frame_card(url: str, cache: str, service_key: str, owner: str, key: str) -> None:
    """A frame card as Stage 10 draws one, then the rest of the page."""
    from pathlib import Path
    from types import SimpleNamespace

    import streamlit as st

    from core.runtime.supabase_media import SupabaseMediaStore
    from pages.ui.media_view import media_or_reason

    studio = SimpleNamespace(media=SupabaseMediaStore(url, service_key, cache_dir=Path(cache), sleep=lambda _: None))
    shown = False
    with media_or_reason():
        if studio.media.exists(key, owner=owner):
            st.image(studio.media.for_browser(key, owner=owner), caption="1A start")
            shown = True
    st.text(f"shown: {shown}")
    st.button("Approve")


@pytest.fixture
def fake():
    with FakeStorage() as api:
        api.add_bucket("aiuteur-media")
        yield api


def open_card(fake, tmp_path, key=FRAME_KEY) -> AppTest:
    page = AppTest.from_function(frame_card, args=(fake.url, str(tmp_path / "cache"), SERVICE_KEY, str(MARA), key),
                                 default_timeout=30)
    return page.run()


def test_a_stored_frame_is_shown(fake, tmp_path):
    from core.runtime.supabase_media import SupabaseMediaStore

    SupabaseMediaStore(fake.url, SERVICE_KEY, cache_dir=tmp_path / "worker").put(FRAME, ".png", owner=MARA)
    page = open_card(fake, tmp_path)
    assert not page.exception and not page.warning
    assert page.text[0].value == "shown: True" and [image.proto.imgs[0].caption for image in page.main.get("image")] == ["1A start"]


def test_storage_out_of_reach_is_said_on_the_card_and_the_page_goes_on(fake, tmp_path):
    fake.outage = 503
    page = open_card(fake, tmp_path)
    assert not page.exception
    assert page.warning[0].value.startswith("Can't show this now: Supabase Storage failed (503)")
    assert "Tried 3 times" in page.warning[0].value
    assert page.text[0].value == "shown: False" and page.button[0].label == "Approve"


def test_a_frame_not_drawn_yet_shows_nothing_and_no_warning(fake, tmp_path):
    page = open_card(fake, tmp_path)
    assert not page.exception and not page.warning
    assert page.text[0].value == "shown: False" and not page.main.get("image")
