"""Clear messages and safe edges: plain validation sentences, no secrets shown, a media store that
two workers can share, and keys that are keys."""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from core.errors import InputRejected, ServiceUnavailable
from core.film.config import validate_project_config
from core.runtime.media import LocalMediaStore
from core.runtime.settings import Settings, redact
from core.runtime.studio import _connect_redis, _require_database
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import create_project

PNG = b"\x89PNG\r\n\x1a\n" + b"the same frame, drawn twice" * 100
KEY = hashlib.sha256(PNG).hexdigest() + ".png"


def _said(rejected: InputRejected) -> str:
    return "\n".join([str(rejected), *rejected.field_errors.values()])


# --- one plain sentence per field ------------------------------------------------------------------


@pytest.fixture
def beats_drafted(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    story.generate(studio, user.id, ref, 2, seen_version=0)
    chosen = story_edits.choose_treatment(studio, user.id, ref, 1, 0)
    story_edits.lock_stage(studio, user.id, ref, 2, chosen["version"])
    story.generate(studio, user.id, ref, 3, seen_version=0)
    beats = story_edits.stage_view(studio, user.id, ref, 3).latest["content"]["beats"]
    return user, ref, [{"id": b["id"], "text": b["text"], "label": b["label"], "order": b["order"]} for b in beats]


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"order": "soon"}, "beat 2, order: enter a whole number"),
        ({"order": -3}, "beat 2, order: use 1 or more"),
        ({"text": 42}, "beat 2, text: enter some text"),
        ({"text": "x" * 4_001}, "beat 2, text: this is 4,001 characters; the limit is 4,000"),
    ],
    ids=["order not a number", "order below one", "text not text", "text too long"],
)
def test_a_bad_beat_edit_names_the_beat_and_what_is_wrong(studio, beats_drafted, change, sentence):
    user, ref, rows = beats_drafted
    rows[1] |= change
    with pytest.raises(InputRejected) as rejected:
        story_edits.save_beats(studio, user.id, ref, 1, rows)
    assert rejected.value.field_errors == {"beats": sentence}
    assert "keep at least one beat" not in _said(rejected.value)
    assert len(story_edits.stage_view(studio, user.id, ref, 3).history) == 1


def test_emptying_every_beat_asks_to_keep_one(studio, beats_drafted):
    user, ref, rows = beats_drafted
    with pytest.raises(InputRejected) as rejected:
        story_edits.save_beats(studio, user.id, ref, 1, [row | {"text": "  "} for row in rows])
    assert rejected.value.field_errors == {"beats": "keep at least one beat"}


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""}, {"target_length_min": "long"}, {"project_type": "opera"}, {"genres": ["x" * 41]},
        {"target_length_min": 200, "target_length_max": 100}, {"narrative": "a\x00b"}, {"budget_credits": -1},
    ],
)
def test_no_stage_one_message_carries_a_pydantic_link(project_input, bad):
    with pytest.raises(InputRejected) as rejected:
        validate_project_config(project_input | bad)
    assert "errors.pydantic.dev" not in _said(rejected.value) and "Input should" not in _said(rejected.value)
    assert len(rejected.value.field_errors) == 1


def test_bad_assets_and_styles_are_plain_sentences(studio, story_input_through_assets):
    user, ref, assets = story_input_through_assets
    cases = [
        ([assets[0] | {"name": ""}, *assets[1:]], None, {"assets": "asset 1, name: this can't be empty"}),
        ([assets[0] | {"asset_type": "weather"}, *assets[1:]], None,
         {"assets": "asset 1, asset type: choose one of 'character', 'prop' or 'location'"}),
        ([*assets, assets[0]], None, {"assets": "each asset may be listed once per type"}),
        (assets, {"preset": "vaporwave"}, None),
    ]
    for edited, style, expected in cases:
        with pytest.raises(InputRejected) as rejected:
            story_edits.save_assets(studio, user.id, ref, 1, edited, style=style)
        assert "errors.pydantic.dev" not in _said(rejected.value)
        if expected:
            assert rejected.value.field_errors == expected
    assert len(story_edits.stage_view(studio, user.id, ref, 5).history) == 1


@pytest.fixture
def story_input_through_assets(studio, make_user, project_input):
    from core.story.projects import ProjectRef
    from core.story.run import run_story

    user = make_user()
    summary = run_story(studio, user, project_input, through=4)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    story.generate(studio, user.id, ref, 5, seen_version=0)
    return user, ref, story_edits.stage_view(studio, user.id, ref, 5).latest["content"]["assets"]


@pytest.mark.parametrize("forged", ["../x", "abc", "/etc/passwd", KEY[:2] + "/" + KEY, KEY])
def test_an_edited_asset_with_a_forged_image_key_is_refused(studio, story_input_through_assets, forged):
    user, ref, assets = story_input_through_assets
    with pytest.raises(InputRejected) as rejected:
        story_edits.save_assets(studio, user.id, ref, 1, [assets[0] | {"image_key_url": forged}, *assets[1:]])
    assert rejected.value.field_errors["assets"].startswith("asset 1, image: ")
    assert len(story_edits.stage_view(studio, user.id, ref, 5).history) == 1


# --- no secret on a page or in a log line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "urls", "shown"),
    [
        ("postgresql://mara:s3cret@db:5432/x", (), "postgresql://mara:***@db:5432/x"),
        ("redis://:s3cret@cache:6379/0", (), "redis://:***@cache:6379/0"),
        ("postgresql://mara:p@ss@db/x", (), "postgresql://mara:***@db/x"),
        ("host=db password=s3cret user=mara", (), "host=db password=*** user=mara"),
        ('missing "=" after "s3cret"', ("postgresql://mara:s3cret@db/x",), 'missing "=" after "***"'),
        ("https://api.example/v1?key=AIzaSecret&alt=json", (), "https://api.example/v1?key=***&alt=json"),
        ("postgresql://mara@db/x", (), "postgresql://mara@db/x"),
    ],
)
def test_redact_hides_credentials_and_nothing_else(text, urls, shown):
    assert redact(text, *urls) == shown


def test_settings_never_print_their_secrets(tmp_path):
    settings = Settings(_env_file=None, DATABASE_URL="postgresql://mara:db-s3cret@db/x",
                        REDIS_URL="redis://:redis-s3cret@cache/0", SUPABASE_URL="https://p.supabase.co",
                        SUPABASE_KEY="anon-s3cret", OPENAI_API_KEY="sk-s3cret", AIUTEUR_DATA_DIR=str(tmp_path))
    for shown in (repr(settings), str(settings), f"{settings}"):
        assert "s3cret" not in shown and "postgresql://mara:***@db/x" in shown
    assert settings.database_url == "postgresql://mara:db-s3cret@db/x"  # callers still get the real value
    assert settings.supabase_key == "anon-s3cret"


def _database(url: str) -> None:
    _require_database(url, embedded_server=False)


@pytest.mark.parametrize(
    ("connect", "url"),
    [
        (_connect_redis, "redis://:redis-s3cret@127.0.0.1:1/0"),
        (_database, "postgresql://mara:db-s3cret@127.0.0.1:1/x"),
        (_database, "postgresql://mara:db-s3cret@127.0.0.1:port/x"),
        (_database, "host=127.0.0.1 password=db-s3cret port"),
    ],
)
def test_an_unreachable_service_error_and_its_log_line_hold_no_password(connect, url, caplog):
    with pytest.raises(ServiceUnavailable) as down:
        connect(url)
    logging.getLogger("aiuteur.test").exception("boot failed: %s", down.value, exc_info=down.value)
    assert "s3cret" not in f"{down.value} {down.value.hint} {caplog.text}"
    assert down.value.__cause__ is None  # the driver's message, which may quote the URL, is not chained


# --- the media store ---------------------------------------------------------------------------------


def _store_once(root: str) -> str:
    return LocalMediaStore(Path(root)).put(PNG, ".png")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_many_threads_storing_the_same_frame_all_succeed_with_one_file(tmp_path):
    store, start = LocalMediaStore(tmp_path), threading.Barrier(8)

    def put() -> str:
        start.wait()
        return store.put(PNG, ".png")

    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: put(), range(8)))
    assert keys == [KEY] * 8
    assert _files(tmp_path) == [tmp_path / KEY[:2] / KEY] and store.get(KEY) == PNG


def test_two_worker_processes_storing_the_same_frame_both_succeed(tmp_path):
    with ProcessPoolExecutor(2) as pool:
        keys = list(pool.map(_store_once, [str(tmp_path)] * 6))
    assert keys == [KEY] * 6
    assert _files(tmp_path) == [tmp_path / KEY[:2] / KEY]


@pytest.mark.parametrize(
    "key",
    ["../x", "abc", "/etc/passwd", KEY[:2] + "/" + KEY, KEY.upper(), KEY + "\n", KEY[:-4] + ".exe",
     KEY.replace(".png", ".png.part"), "", None],
)
def test_what_is_not_a_key_is_refused(tmp_path, key):
    store = LocalMediaStore(tmp_path)
    with pytest.raises(InputRejected, match="is not a media key"):
        store.path(key)
    assert store.exists(key) is False


def test_a_key_with_or_without_its_extension_is_a_key(tmp_path):
    store = LocalMediaStore(tmp_path)
    assert store.put(PNG, ".png") == KEY and store.exists(KEY)
    assert store.path(KEY[:-4]) == tmp_path / KEY[:2] / KEY[:-4]


def test_an_overlong_script_or_treatment_edit_is_a_sentence_not_a_traceback(studio, story_input_through_assets):
    from stages.script import MAX_SCRIPT_CHARS

    user, ref, _ = story_input_through_assets
    with pytest.raises(InputRejected) as script:
        story_edits.save_script(studio, user.id, ref, 1, "INT. ROOM - DAY\n\n" + "x" * MAX_SCRIPT_CHARS)
    assert script.value.field_errors["formatted_script"].startswith("this is ")
    assert "the limit is" in script.value.field_errors["formatted_script"]
