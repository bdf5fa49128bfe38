"""A save is one unit of work: read, validate, write and invalidate in one user-bound transaction, so two
sessions saving from the same version end with one new version and one EditConflict, nothing half-written."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from psycopg import sql

from core.errors import EditConflict
from core.story import edits as story_edits
from core.story import versions
from core.story.projects import ProjectRef
from core.story.run import run_story

pytestmark = pytest.mark.db


@pytest.fixture
def beats_locked(studio, make_user, project_input):
    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=3)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    seen = story_edits.stage_view(studio, user.id, ref, 3).latest
    return user, ref, seen


def edited(seen: dict, text: str) -> list[dict]:
    """The beat table as a creator edits it: the first beat's text changed."""
    rows = [{"id": b["id"], "text": b["text"], "label": b["label"]} for b in seen["content"]["beats"]]
    return [rows[0] | {"text": text}, *rows[1:]]


def row_counts(studio) -> dict[str, int]:
    with studio.db.as_service() as conn:
        tables = [r["tablename"] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
        return {t: conn.execute(sql.SQL("SELECT count(*) AS n FROM {}").format(sql.Identifier(t))).fetchone()["n"]
                for t in tables}


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {table: after[table] - before[table] for table in after if after[table] != before[table]}


def test_two_sessions_saving_beats_from_one_version_one_wins_the_other_conflicts(studio, beats_locked, monkeypatch):
    user, ref, seen = beats_locked
    both_read = threading.Barrier(2, timeout=30)
    save_version = versions.save_version

    def after_both_read(*args, **kwargs):  # each session has read the latest version in its transaction
        both_read.wait()
        return save_version(*args, **kwargs)

    monkeypatch.setattr(versions, "save_version", after_both_read)
    before = row_counts(studio)
    texts = ("Mara reads the letter twice.", "Mara burns the letter unread.")
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(story_edits.save_beats, studio, user.id, ref, seen["version"], edited(seen, text))
                   for text in texts]
    outcomes = [f.exception() or f.result() for f in futures]
    monkeypatch.setattr(versions, "save_version", save_version)

    won = [o for o in outcomes if isinstance(o, dict)]
    lost = [o for o in outcomes if isinstance(o, EditConflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    history = story_edits.stage_view(studio, user.id, ref, 3).history
    assert [v["version"] for v in history] == [seen["version"] + 1, seen["version"]]
    winner_text = texts[outcomes.index(won[0])]
    assert history[0]["id"] == won[0]["id"] and history[0]["content"]["beats"][0]["text"] == winner_text
    concurrent = delta(before, row_counts(studio))

    # the pair wrote exactly what one save writes: the loser left nothing behind
    before = row_counts(studio)
    story_edits.save_beats(studio, user.id, ref, history[0]["version"], edited(history[0], "Mara keeps the letter."))
    assert concurrent == delta(before, row_counts(studio))


def test_a_save_opens_exactly_one_transaction(studio, beats_locked, monkeypatch):
    user, ref, seen = beats_locked
    opened = []
    as_user = studio.db.as_user
    monkeypatch.setattr(studio.db, "as_user", lambda user_id: opened.append(user_id) or as_user(user_id))
    story_edits.save_beats(studio, user.id, ref, seen["version"], edited(seen, "Mara reads the letter twice."))
    assert opened == [user.id]
