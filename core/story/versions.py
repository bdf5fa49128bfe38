"""Stage versions: the gate to a stage, saving a new version, locking (restoring is in core.story.edits).

History is append-only: a save or regeneration is version n+1; a locked version never changes
(the database refuses). A save names the version the creator was looking at, so two sessions
editing the same stage get EditConflict instead of a silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import psycopg

from core.errors import EditConflict, NotFound, StageFrozen, StageNotReady
from core.film.statuses import SETTLED_STAGE, StageStatus
from core.pipeline import Stage, import_skips, stage
from db import stages as stage_rows

IMPORT_SKIPS = import_skips()  # an imported screenplay goes straight to the script


@dataclass(frozen=True)
class StageView:
    stage: Stage
    latest: dict | None
    history: list[dict]
    skipped: frozenset[int]

    @property
    def locked(self) -> bool:
        """The latest version is locked (for Stage 5: the assets are locked, Phase B is open)."""
        return bool(self.latest) and self.latest["status"] == StageStatus.LOCKED

    @staticmethod
    def out_of_date(version: dict | None) -> bool:
        """A locked version a later stage's hand edit no longer matches (beats after the script was edited)."""
        return bool(version) and version["status"] == StageStatus.OUTDATED


def skipped_stages(conn: psycopg.Connection, branch_id: UUID) -> frozenset[int]:
    """Stages the branch's input mode skips (2 and 3 for an imported screenplay)."""
    first = stage_rows.latest(conn, branch_id, 1)
    return IMPORT_SKIPS if first and first["content"].get("input_mode") == "import" else frozenset()


def require_upstream_locked(conn: psycopg.Connection, branch_id: UUID, number: int) -> frozenset[int]:
    """Raise StageNotReady naming the first upstream stage that isn't locked; return skipped stages."""
    skipped = skipped_stages(conn, branch_id)
    if number in skipped:
        raise StageNotReady(f"Stage {number} is skipped for an imported screenplay.", 4)
    for needed in _effective_upstream(number, skipped):
        state = stage_rows.latest(conn, branch_id, needed)
        if state is None or state["status"] not in SETTLED_STAGE:
            raise StageNotReady(f"Lock Stage {stage(needed).label} before opening Stage {number}.", needed)
    return skipped


def _effective_upstream(number: int, skipped: frozenset[int]) -> list[int]:
    upstream = list(stage(number).upstream)
    while any(n in skipped for n in upstream):  # walk past skipped stages to what feeds them
        upstream = [u for n in upstream for u in (stage(n).upstream if n in skipped else (n,))]
    return upstream


def view(conn: psycopg.Connection, branch_id: UUID, number: int) -> StageView:
    history = stage_rows.versions(conn, branch_id, number)
    return StageView(stage(number), history[0] if history else None, history, skipped_stages(conn, branch_id))


def save_version(
    conn: psycopg.Connection, branch_id: UUID, number: int, content: dict, seen_version: int, **fields: object
) -> dict:
    """Write version seen_version+1, refused if someone saved a newer one since `seen_version`."""
    latest = require_seen(conn, branch_id, number, seen_version)
    current = latest["version"] if latest else 0
    fields.setdefault("inherited_from_stage_id", latest["id"] if latest else None)
    try:
        with conn.transaction():  # a savepoint, so a lost race leaves the caller's transaction usable
            return stage_rows.insert_version(conn, branch_id, number, current + 1, content, **fields)
    except psycopg.errors.UniqueViolation as exc:
        raise EditConflict(f"Stage {number} was saved by another session a moment ago; reload.") from exc


def require_seen(conn: psycopg.Connection, branch_id: UUID, number: int, seen_version: int) -> dict | None:
    """The latest version, refused (EditConflict) unless it is the one the creator saw."""
    latest = stage_rows.latest(conn, branch_id, number)
    current = latest["version"] if latest else 0
    if current != seen_version:
        raise EditConflict(
            f"Stage {number} changed in another session (now version {current}); reload to see it before saving."
        )
    return latest


def lock(conn: psycopg.Connection, branch_id: UUID, number: int, version: int) -> dict:
    """Lock the latest version (it must be the one the creator saw)."""
    latest = stage_rows.latest(conn, branch_id, number)
    if latest is None:
        raise NotFound(f"Stage {number} has nothing to lock yet.")
    if latest["version"] != version:
        raise EditConflict(f"Stage {number} has a newer version ({latest['version']}); review it before locking.")
    if latest["status"] == StageStatus.LOCKED:
        return latest
    if latest["status"] != StageStatus.DRAFT:
        raise StageFrozen(f"Stage {number} version {version} is {latest['status']}; regenerate it before locking.")
    stage_rows.set_status(conn, latest["id"], StageStatus.LOCKED)
    return {**latest, "status": StageStatus.LOCKED}
