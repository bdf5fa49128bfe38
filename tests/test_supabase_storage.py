"""Media in Supabase Storage through the real supabase-py client, against a local Storage stand-in.

``FakeStorage`` (tests/fake_storage.py) speaks Storage's REST wire format and enforces owner folders with
the JWT each request carries, as the bucket's policies do on Supabase. The studio's store writes with the
service key and addresses only `{owner}/{sha256.ext}`; these tests hold it to: bytes back as stored, an
identical file stored once, one creator never reaching another's media, signed URLs a browser can open,
bad keys refused before any request, and an outage said plainly. The policy SQL itself is run against
PostgreSQL with the slice of Supabase's `storage` schema it touches.
"""

from __future__ import annotations

import ast
import hashlib
import socket
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputRejected, NotFound, ServiceUnavailable
from core.runtime.media import LocalMediaStore, open_media_store
from core.runtime.settings import Settings
from core.runtime.supabase_media import KEY_HINT, SupabaseMediaStore
from tests.conftest import REPO_ROOT
from tests.fake_storage import ANON_KEY, SERVICE_KEY, FakeStorage, user_token

MARA = uuid.UUID("6f1d3c2a-9b7e-4c1f-8a2d-5e4b3c2a1f00")
TOMAS = uuid.UUID("0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d")
FRAME = b"\x89PNG\r\n\x1a\n" + b"Mara at the lamp, the beam across black water" * 40
CLIP = b"\x00\x00\x00\x18ftypmp42" + b"the reef at dawn, a lantern in the surf" * 200
FRAME_KEY = hashlib.sha256(FRAME).hexdigest() + ".png"
BUCKET = "aiuteur-media"


@pytest.fixture
def fake(request):
    """A fake Storage; parametrize indirectly with True for the legacy "HTTP 400 for every error" answers."""
    with FakeStorage(legacy_status=getattr(request, "param", False)) as api:
        yield api


both_status_styles = pytest.mark.parametrize("fake", [False, True], ids=["status", "legacy-400"], indirect=True)


def store_on(fake: FakeStorage, cache: Path, key: str = SERVICE_KEY, waits: list | None = None) -> SupabaseMediaStore:
    """A store on the fake, as one machine has it: its own cache folder (its waits between tries noted, not slept)."""
    return SupabaseMediaStore(fake.url, key, BUCKET, cache_dir=cache,
                              sleep=(waits if waits is not None else []).append)


@pytest.fixture
def store(fake, tmp_path) -> SupabaseMediaStore:
    made = store_on(fake, tmp_path / "studio-cache")
    made.ensure_bucket()
    fake.requests.clear()
    return made


@pytest.fixture
def worker(fake, tmp_path) -> SupabaseMediaStore:
    """The same bucket seen from a worker on another machine (nothing in its cache)."""
    return store_on(fake, tmp_path / "worker-cache")


# --- storing and reading ----------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "suffix", "kind"), [(FRAME, ".png", "image/png"), (CLIP, ".mp4", "video/mp4"),
                                                      (b"shot,seconds\n3A,8\n", ".csv", "text/csv")])
def test_media_stored_by_one_machine_reads_back_byte_for_byte_on_another(fake, store, worker, data, suffix, kind):
    key = store.put(data, suffix, owner=MARA)

    assert key == hashlib.sha256(data).hexdigest() + suffix
    stored = fake.objects[(BUCKET, f"{MARA}/{key}")]
    assert (stored.data, stored.content_type) == (data, kind)
    assert worker.exists(key, owner=MARA) and worker.get(key, owner=MARA) == data
    assert worker.path(key, owner=MARA).read_bytes() == data


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".png", ".jpg", ".mp4", ".otio"]))
def test_any_bytes_come_back_under_their_sha256(fake, store, tmp_path, data, suffix):
    key = store.put(data, suffix, owner=TOMAS)
    reader = store_on(fake, tmp_path / f"reader-{uuid.uuid4().hex}")
    assert key[:64] == hashlib.sha256(data).hexdigest() and reader.get(key, owner=TOMAS) == data


def test_a_worker_reads_a_frame_it_has_downloaded_without_asking_again(fake, store, worker):
    key = store.put(FRAME, ".png", owner=MARA)
    for _ in range(3):
        assert worker.get(key, owner=MARA) == FRAME
    assert len(fake.sent("GET", f"/object/{BUCKET}/")) == 1  # one download


def test_an_identical_frame_is_uploaded_once_whoever_draws_it_again(fake, store, worker):
    first = store.put(FRAME, ".png", owner=MARA)
    again = store.put(FRAME, ".png", owner=MARA)
    elsewhere = worker.put(FRAME, ".png", owner=MARA)

    assert first == again == elsewhere
    assert len(fake.sent("POST", f"/object/{BUCKET}/")) == 1
    assert list(fake.objects) == [(BUCKET, f"{MARA}/{first}")]


@both_status_styles
def test_an_upload_that_loses_the_race_to_an_identical_one_still_succeeds(fake, store):
    fake.racing_writer = True  # another worker stores the same frame between our look and our upload
    key = store.put(FRAME, ".png", owner=MARA)

    assert key == FRAME_KEY and store.exists(key, owner=MARA)
    assert len(fake.sent("POST", f"/object/{BUCKET}/")) == 1
    assert fake.objects[(BUCKET, f"{MARA}/{key}")].data == FRAME


# --- owners -------------------------------------------------------------------------------------------


@both_status_styles
def test_one_creators_media_is_invisible_to_another(fake, store, worker):
    key = store.put(FRAME, ".png", owner=MARA)

    assert worker.exists(key, owner=TOMAS) is False
    for read in (worker.get, worker.path, worker.url, worker.for_browser):
        with pytest.raises(NotFound, match="isn't stored, or isn't yours"):
            read(key, owner=TOMAS)
    assert not list((worker.cache_dir).rglob(key))
    assert [seen.path for seen in fake.sent("POST", "/object/sign/")] == [f"/object/sign/{BUCKET}/{TOMAS}/{key}"] * 2


def test_the_same_picture_drawn_by_two_creators_is_kept_in_each_ones_folder(fake, store):
    assert store.put(FRAME, ".png", owner=MARA) == store.put(FRAME, ".png", owner=TOMAS)
    assert sorted(fake.objects) == sorted([(BUCKET, f"{MARA}/{FRAME_KEY}"), (BUCKET, f"{TOMAS}/{FRAME_KEY}")])


@pytest.mark.parametrize(("key", "writing_into"), [(ANON_KEY, MARA), (user_token(TOMAS), MARA)],
                         ids=["the anon key", "a creator's own token, into another's folder"])
def test_a_key_that_isnt_the_service_key_is_refused_by_the_buckets_policies(fake, store, tmp_path, key, writing_into):
    wrong = store_on(fake, tmp_path / "wrong", key=key)
    with pytest.raises(ServiceUnavailable, match="refused the studio's key") as refused:
        wrong.put(FRAME, ".png", owner=writing_into)
    assert refused.value.hint == KEY_HINT and "service_role" in refused.value.hint
    assert fake.objects == {}


# --- signed URLs for the browser ----------------------------------------------------------------------


def test_a_signed_url_serves_the_frame_to_a_browser_that_holds_no_key(fake, store):
    key = store.put(FRAME, ".png", owner=MARA)
    url = store.for_browser(key, owner=MARA)

    assert url.startswith(f"{fake.url}/storage/v1/object/sign/{BUCKET}/{MARA}/{key}?token=")
    shown = httpx.get(url)  # no apikey, no bearer: the browser only has the link
    assert (shown.status_code, shown.headers["content-type"], shown.content) == (200, "image/png", FRAME)


def test_a_signed_url_opens_only_the_media_it_was_signed_for(fake, store):
    mine = store.put(FRAME, ".png", owner=MARA)
    theirs = store.put(CLIP, ".mp4", owner=TOMAS)
    token = store.url(mine, owner=MARA).partition("?token=")[2]

    borrowed = httpx.get(f"{fake.url}/storage/v1/object/sign/{BUCKET}/{TOMAS}/{theirs}", params={"token": token})
    forged = httpx.get(f"{fake.url}/storage/v1/object/sign/{BUCKET}/{MARA}/{mine}", params={"token": token[:-3] + "abc"})
    assert borrowed.status_code == forged.status_code == 400
    assert CLIP not in borrowed.content and FRAME not in forged.content


def test_a_page_shown_again_reuses_its_signed_urls(fake, store):
    key = store.put(FRAME, ".png", owner=MARA)
    urls = {store.for_browser(key, owner=MARA) for _ in range(5)}
    assert len(urls) == 1 and len(fake.sent("POST", "/object/sign/")) == 1


# --- what is refused before any request ---------------------------------------------------------------

NOT_KEYS = ["../x", "abc", "/etc/passwd", FRAME_KEY[:2] + "/" + FRAME_KEY, FRAME_KEY.upper(), FRAME_KEY + "\n",
            FRAME_KEY[:-4] + ".exe", f"{TOMAS}/{FRAME_KEY}", "", None]


@pytest.mark.parametrize("key", NOT_KEYS)
def test_what_is_not_a_key_is_refused_without_a_request(fake, store, key):
    for read in (store.get, store.path, store.url, store.for_browser):
        with pytest.raises(InputRejected, match="is not a media key"):
            read(key, owner=MARA)
    assert store.exists(key, owner=MARA) is False
    assert fake.requests == []


@pytest.mark.parametrize("owner", ["..", "../" + str(MARA), "not-a-user", f"{MARA}/..", ""])
def test_an_owner_that_isnt_a_user_id_is_refused_without_a_request(fake, store, owner):
    for call in (lambda: store.put(FRAME, ".png", owner=owner), lambda: store.get(FRAME_KEY, owner=owner),
                 lambda: store.exists(FRAME_KEY, owner=owner), lambda: store.url(FRAME_KEY, owner=owner)):
        with pytest.raises(InputRejected, match="is not a user id"):
            call()
    assert fake.requests == []


def test_a_call_without_an_owner_is_a_programming_error_not_a_guess(fake, store):
    with pytest.raises(ValueError, match="pass owner="):
        store.put(FRAME, ".png")
    assert fake.requests == []


# --- an outage ----------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


OPERATIONS = {
    "put": lambda s: s.put(FRAME, ".png", owner=MARA), "get": lambda s: s.get(FRAME_KEY, owner=MARA),
    "exists": lambda s: s.exists(FRAME_KEY, owner=MARA), "url": lambda s: s.url(FRAME_KEY, owner=MARA),
    "bucket": lambda s: s.ensure_bucket(),
}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_storage_out_of_reach_is_service_unavailable_in_plain_words(tmp_path, operation):
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(ServiceUnavailable) as down:
        OPERATIONS[operation](SupabaseMediaStore(url, SERVICE_KEY, cache_dir=tmp_path))
    assert str(down.value).startswith(f"Can't reach Supabase Storage at {url}: ")
    assert "SUPABASE_URL" in down.value.hint and "AIUTEUR_MEDIA_STORE" in down.value.hint
    assert SERVICE_KEY not in str(down.value) + down.value.hint


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_server_that_hangs_up_is_service_unavailable(fake, store, operation):
    fake.hang_up = True
    with pytest.raises(ServiceUnavailable, match="Can't reach Supabase Storage"):
        OPERATIONS[operation](store)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_gateway_error_page_is_service_unavailable_without_its_markup(fake, store, operation):
    fake.outage = 502
    with pytest.raises(ServiceUnavailable) as down:
        OPERATIONS[operation](store)
    assert str(down.value) == "Supabase Storage failed (502): 502 Bad Gateway"


def test_a_passing_outage_is_tried_again_and_the_frame_is_stored(fake, tmp_path):
    waits = []
    store = store_on(fake, tmp_path / "cache", waits=waits)
    store.ensure_bucket()
    fake.passing_outage = [503, 502]  # the gateway falls over twice, then the project answers
    key = store.put(FRAME, ".png", owner=MARA)

    assert fake.objects[(BUCKET, f"{MARA}/{key}")].data == FRAME
    assert len(waits) == 2 and 0 < waits[0] < waits[1] <= 1.0
    assert store_on(fake, tmp_path / "elsewhere").get(key, owner=MARA) == FRAME


def test_an_upload_whose_answer_was_lost_finds_its_frame_stored_and_stores_it_once(fake, store):
    fake.lost_upload_answers = 1  # stored, but the connection drops before the answer comes back
    key = store.put(FRAME, ".png", owner=MARA)

    assert key == FRAME_KEY and list(fake.objects) == [(BUCKET, f"{MARA}/{key}")]
    assert len(fake.sent("POST", f"/object/{BUCKET}/")) == 2  # the second found it there (409): ours


def test_a_lasting_outage_is_given_up_after_three_tries_and_says_so(fake, tmp_path):
    waits = []
    store = store_on(fake, tmp_path / "cache", waits=waits)
    fake.outage = 503
    with pytest.raises(ServiceUnavailable) as down:
        store.get(FRAME_KEY, owner=MARA)
    assert str(down.value) == "Supabase Storage failed (503): 503 Bad Gateway"
    assert down.value.hint.startswith("Tried 3 times. ") and len(fake.requests) == 3 and len(waits) == 2


@pytest.mark.parametrize("key", [ANON_KEY, SERVICE_KEY])
def test_a_refusal_is_not_tried_again(fake, tmp_path, key):
    waits = []
    store = store_on(fake, tmp_path / "cache", key=key, waits=waits)
    fake.add_bucket(BUCKET)
    with pytest.raises((ServiceUnavailable, NotFound)):
        store.get(FRAME_KEY, owner=MARA)  # the anon key is refused; the service key finds nothing stored
    assert len(fake.requests) == 1 and waits == []


# --- the bucket and the settings ----------------------------------------------------------------------


def _settings(tmp_path, **values) -> Settings:
    return Settings(_env_file=None, AIUTEUR_DATA_DIR=str(tmp_path), **values)


def test_choosing_supabase_makes_the_private_bucket_on_first_start(fake, tmp_path):
    chosen = open_media_store(_settings(tmp_path, AIUTEUR_MEDIA_STORE="supabase", SUPABASE_URL=fake.url,
                                        SUPABASE_SERVICE_KEY=SERVICE_KEY, AIUTEUR_MEDIA_BUCKET="studio-media"))
    assert isinstance(chosen, SupabaseMediaStore)
    assert fake.buckets["studio-media"]["public"] is False
    assert fake.sent("POST", "/bucket")[0].headers["apikey"] == SERVICE_KEY

    assert open_media_store(_settings(tmp_path, AIUTEUR_MEDIA_STORE="supabase", SUPABASE_URL=fake.url,
                                      SUPABASE_SERVICE_KEY=SERVICE_KEY, AIUTEUR_MEDIA_BUCKET="studio-media"))
    assert len(fake.sent("POST", "/bucket")) == 1  # found the second time, not made again


def test_a_public_bucket_is_refused_at_start(fake, tmp_path):
    fake.add_bucket(BUCKET, public=True)
    with pytest.raises(ServiceUnavailable, match="is public") as refused:
        open_media_store(_settings(tmp_path, AIUTEUR_MEDIA_STORE="supabase", SUPABASE_URL=fake.url,
                                   SUPABASE_SERVICE_KEY=SERVICE_KEY))
    assert "private" in refused.value.hint


@pytest.mark.parametrize(("values", "missing"), [
    ({"SUPABASE_URL": "https://ref.supabase.co"}, "needs SUPABASE_SERVICE_KEY."),
    ({"SUPABASE_SERVICE_KEY": SERVICE_KEY}, "needs SUPABASE_URL."),
    ({"SUPABASE_SERVICE_KEY": "  "}, "needs SUPABASE_URL and SUPABASE_SERVICE_KEY."),
])
def test_supabase_chosen_without_its_settings_says_which_are_missing(tmp_path, values, missing):
    with pytest.raises(ServiceUnavailable) as refused:
        open_media_store(_settings(tmp_path, AIUTEUR_MEDIA_STORE="supabase", **values))
    assert str(refused.value).endswith(missing) and "AIUTEUR_MEDIA_STORE" in refused.value.hint


def test_the_service_key_is_never_shown(fake, tmp_path):
    settings = _settings(tmp_path, AIUTEUR_MEDIA_STORE="supabase", SUPABASE_URL=fake.url,
                         SUPABASE_SERVICE_KEY=SERVICE_KEY)
    chosen = open_media_store(settings)
    assert SERVICE_KEY not in repr(settings) + str(settings) + repr(chosen)
    assert "supabase_service_key='***'" in repr(settings)


def test_the_local_folder_stays_the_default_and_shows_pages_its_files(tmp_path):
    chosen = open_media_store(_settings(tmp_path))
    assert isinstance(chosen, LocalMediaStore) and chosen.root == tmp_path / "media"
    key = chosen.put(FRAME, ".png", owner=MARA)
    assert chosen.for_browser(key, owner=MARA) == str(tmp_path / "media" / key[:2] / key)
    assert chosen.url(key, owner=MARA) is None
    with pytest.raises(NotFound, match="isn't stored here"):
        chosen.get(hashlib.sha256(CLIP).hexdigest() + ".mp4", owner=MARA)


# --- every caller names the owner ---------------------------------------------------------------------

MEDIA_METHODS = {"put": 3, "get": 2, "exists": 2, "path": 2, "url": 2, "for_browser": 2}  # positional count with owner


def _media_calls(tree: ast.AST):
    """Calls of the media store's methods: `<anything>.media.get(...)`, or on a local named `media`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MEDIA_METHODS:
            target = node.func.value
            if (isinstance(target, ast.Attribute) and target.attr == "media") or \
                    (isinstance(target, ast.Name) and target.id == "media"):
                yield node


def test_every_media_call_in_the_studio_names_its_owner():
    """Without an owner a Supabase store can't know whose folder to use; the local one would not notice."""
    calls, anonymous = 0, []
    for folder in ("core", "pages", "workers"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            for call in _media_calls(ast.parse(path.read_text(), str(path))):
                calls += 1
                named = any(k.arg == "owner" for k in call.keywords) or len(call.args) >= MEDIA_METHODS[call.func.attr]
                if not named:
                    anonymous.append(f"{path.relative_to(REPO_ROOT)}:{call.lineno}")
    assert calls > 30, "the scan found too few media calls to mean anything"
    assert anonymous == []


# --- the bucket's policies, in PostgreSQL -------------------------------------------------------------

# The slice of Supabase's storage schema the policies touch (its foldername() is Supabase's own definition).
STORAGE_SCHEMA = """
CREATE SCHEMA storage;
CREATE TABLE storage.buckets (id TEXT PRIMARY KEY, name TEXT NOT NULL, public BOOLEAN DEFAULT false);
CREATE TABLE storage.objects (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), bucket_id TEXT REFERENCES storage.buckets,
                              name TEXT NOT NULL, owner UUID DEFAULT auth.uid());
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION storage.foldername(name TEXT) RETURNS TEXT[] LANGUAGE plpgsql AS $$
DECLARE _parts TEXT[];
BEGIN
    SELECT string_to_array(name, '/') INTO _parts;
    RETURN _parts[1:array_length(_parts, 1) - 1];
END
$$;
GRANT USAGE ON SCHEMA storage TO authenticated, anon;
GRANT ALL ON storage.objects TO authenticated, anon;
"""
POLICIES = (REPO_ROOT / "sql" / "supabase" / "storage_policies.sql").read_text()


def _as(conn: psycopg.Connection, role: str, user: uuid.UUID | None = None) -> None:
    conn.execute(f"SET LOCAL ROLE {role}")
    conn.execute("SELECT set_config('request.jwt.claims', %s, true)",
                 [f'{{"sub": "{user}", "role": "{role}"}}' if user else '{"role": "anon"}'])


def _add(conn: psycopg.Connection, name: str, bucket: str = BUCKET) -> bool:
    """Whether the current role may add the object (an RLS refusal is rolled back to a savepoint)."""
    try:
        with conn.transaction():
            conn.execute("INSERT INTO storage.objects (bucket_id, name) VALUES (%s, %s)", [bucket, name])
        return True
    except psycopg.errors.InsufficientPrivilege:
        return False


def _visible(conn: psycopg.Connection) -> list[str]:
    return [r["name"] for r in conn.execute("SELECT name FROM storage.objects ORDER BY name").fetchall()]


@pytest.mark.db
def test_the_bucket_policies_keep_each_creator_to_their_own_folder(studio):
    with studio.db.as_service() as conn:  # rolled back at the end: the test database has no storage schema
        conn.execute(STORAGE_SCHEMA)
        conn.execute(POLICIES)
        conn.execute(POLICIES)  # safe to run again
        conn.execute("INSERT INTO storage.buckets (id, name) VALUES ('someone-elses', 'someone-elses')")
        assert conn.execute("SELECT public FROM storage.buckets WHERE id = %s", [BUCKET]).fetchone()["public"] is False
        mara, tomas = f"{MARA}/{FRAME_KEY}", f"{TOMAS}/{FRAME_KEY}"

        _as(conn, "authenticated", MARA)
        assert [_add(conn, mara), _add(conn, tomas), _add(conn, FRAME_KEY), _add(conn, mara, "someone-elses")] \
            == [True, False, False, False]
        conn.execute("RESET ROLE")
        conn.execute("INSERT INTO storage.objects (bucket_id, name) VALUES (%s, %s)", [BUCKET, tomas])
        _as(conn, "authenticated", MARA)
        assert _visible(conn) == [mara]
        assert conn.execute("UPDATE storage.objects SET name = name WHERE name = %s", [tomas]).rowcount == 0
        assert conn.execute("DELETE FROM storage.objects WHERE name = %s", [tomas]).rowcount == 0
        _as(conn, "authenticated", TOMAS)
        assert _visible(conn) == [tomas]
        _as(conn, "anon")
        assert _visible(conn) == [] and _add(conn, mara) is False
        raise psycopg.Rollback()
    with studio.db.as_service() as conn:
        assert conn.execute("SELECT to_regnamespace('storage') AS found").fetchone()["found"] is None
