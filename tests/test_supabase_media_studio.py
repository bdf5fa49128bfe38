"""The studio on Supabase Storage: a film made end to end (assets, looks, frames, clips, the cut, the exports) keeps
every file in its creator's folder of the bucket, another machine reads it, and the pages show media by signed URL.
Storage is the local fake of tests/fake_storage.py, reached through supabase-py."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.exports.probe import probe
from core.production import film
from core.production.exports import write_exports
from core.production.run import RunOptions, draw_approve_and_lock_frames, run_scenes
from core.runtime.supabase_media import SupabaseMediaStore
from pages.ui import session as common
from tests.conftest import REPO_ROOT
from tests.fake_storage import SERVICE_KEY, FakeStorage
from tests.phase_b import film_through_assets, rows

pytestmark = [pytest.mark.db, pytest.mark.slow]

ROUTER = str(REPO_ROOT / "app.py")
FRAMES_PAGE = "pages/stage_10_frames.py"
BUCKET = "aiuteur-media"
# Isla falls in the mud in the first scene and is still muddy in the second: a changed look gets drawn (Stage 8),
# and the second scene's first frame continues from the first scene's last (read back from the bucket).
NIGHT_FERRY = """Title: The Night Ferry

EXT. HARBOUR WALL - NIGHT

ISLA runs along the harbour wall in the rain, a suitcase banging at her knees. She slips and falls into the mud.

ISLA
Wait! The last ferry!

INT. FERRY DECK - NIGHT

Isla grips the wet rail. The CAPTAIN throws her a towel.

CAPTAIN
You nearly missed her.
"""
MEDIA_COLUMNS = """SELECT image_key_url AS key FROM project_assets WHERE image_key_url IS NOT NULL
                   UNION SELECT image_key_url FROM scene_asset_instances WHERE image_key_url IS NOT NULL
                   UNION SELECT image_url FROM frames UNION SELECT video_url FROM videos WHERE video_url IS NOT NULL
                   UNION SELECT media_key FROM film_cuts WHERE media_key IS NOT NULL"""


@pytest.fixture
def fake():
    with FakeStorage() as api:
        yield api


@pytest.fixture
def on_supabase(studio, fake, tmp_path, monkeypatch) -> SupabaseMediaStore:
    """The studio (and the jobs it runs inline) keeping media in the fake bucket."""
    store = SupabaseMediaStore(fake.url, SERVICE_KEY, BUCKET, cache_dir=tmp_path / "studio-cache")
    store.ensure_bucket()
    monkeypatch.setitem(studio.__dict__, "media", store)
    return store


@pytest.fixture
def ferry(studio, make_user, on_supabase):
    """The Night Ferry through Stage 9 (changed looks drawn), both scenes, its media in the bucket."""
    made = film_through_assets(studio, make_user(), screenplay=NIGHT_FERRY, title="The Night Ferry")
    run_scenes(studio, made.user.id, made.ref, 9)
    return made


def test_a_film_made_on_supabase_keeps_every_file_in_its_creators_folder(studio, fake, ferry, make_user, tmp_path):
    user = ferry.user
    run_scenes(studio, user.id, ferry.ref, 12)  # frames, clips, their approval, for both scenes
    cut = film.assemble(studio, user.id, ferry.ref.project_id, ferry.ref.branch_id, inline=True)

    keys = {row["key"] for row in rows(studio, user.id, MEDIA_COLUMNS)}
    kinds = {key[64:] for key in keys}
    assert cut["status"] == "complete" and kinds == {".png", ".mp4"}
    (looks,) = rows(studio, user.id, "SELECT count(*) AS n FROM scene_asset_instances WHERE image_key_url IS NOT NULL")
    assert looks["n"] > 0, "Isla's muddy look was drawn (Stage 8)"
    assert {name for bucket, name in fake.objects} == {f"{user.id}/{key}" for key in keys}

    elsewhere = SupabaseMediaStore(fake.url, SERVICE_KEY, BUCKET, cache_dir=tmp_path / "another-machine")
    watched = probe(elsewhere.get(cut["media_key"], owner=user.id))
    assert abs(watched.duration - float(cut["seconds"])) < 0.1
    assert not elsewhere.exists(cut["media_key"], owner=make_user().id)

    written = write_exports(studio, user.id, ferry.ref.project_id, ferry.ref.branch_id, tmp_path / "handoff")
    assert written["film"].read_bytes() == elsewhere.get(cut["media_key"], owner=user.id)


@pytest.fixture
def pages_on_supabase(fake, monkeypatch):
    """The pages' own studio booted with AIUTEUR_MEDIA_STORE=supabase against the fake."""
    monkeypatch.setenv("AIUTEUR_MEDIA_STORE", "supabase")
    monkeypatch.setenv("SUPABASE_URL", fake.url)
    monkeypatch.setenv("SUPABASE_SERVICE_KEY", SERVICE_KEY)
    st.cache_resource.clear()
    yield fake
    common._boot().close()
    st.cache_resource.clear()


def test_the_frames_page_shows_the_bucket_frames_by_signed_url(studio, ferry, pages_on_supabase):
    draw_approve_and_lock_frames(studio, ferry.user.id, ferry.scene(1), 10, RunOptions())
    at = AppTest.from_file(ROUTER, default_timeout=90)
    at.session_state["user"] = {"id": str(ferry.user.id), "email": ferry.user.email}
    at.session_state["project_id"] = str(ferry.ref.project_id)
    at.session_state["branch_id"] = str(ferry.ref.branch_id)
    at = at.run().switch_page(FRAMES_PAGE).run()

    assert not at.exception and not at.error
    shown = [image.proto.imgs[0].url for image in at.main.get("image")]
    frames = rows(studio, ferry.user.id, "SELECT f.image_url FROM frames f JOIN shots s ON s.id = f.shot_id "
                                         "WHERE s.scene_id = %s AND f.superseded_at IS NULL", ferry.scene(1).scene_id)
    assert len(shown) == len(frames) > 0
    folder = f"{pages_on_supabase.url}/storage/v1/object/sign/{BUCKET}/{ferry.user.id}/"
    assert sorted(url.removeprefix(folder).partition("?token=")[0] for url in shown) \
        == sorted(f["image_url"] for f in frames)


def test_supabase_chosen_without_the_service_key_is_explained_when_the_studio_starts(studio, monkeypatch):
    monkeypatch.setenv("AIUTEUR_MEDIA_STORE", "supabase")
    monkeypatch.setenv("SUPABASE_URL", "https://ref.supabase.co")
    monkeypatch.delenv("SUPABASE_SERVICE_KEY", raising=False)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(ROUTER, default_timeout=60).run()
    finally:
        st.cache_resource.clear()
    assert not at.exception
    (error,) = at.error
    assert "Aiuteur can't start" in error.value and "AIUTEUR_MEDIA_STORE=supabase needs SUPABASE_SERVICE_KEY" in error.value
    assert any("service_role" in info.value for info in at.info)
