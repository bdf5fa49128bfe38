"""What the film's rows can be, as `str` enums spelled as the database's CHECK constraints spell them.

Pure: no imports from `db` or anywhere else in the studio. `db` sits below `core` and cannot import
this module, so the SQL in `db` names these values as literals; `tests/test_statuses.py` checks both
against `pg_constraint`, so a migration that adds or renames a status fails until they follow.
`JobStatus` (`generation_jobs`) and `LedgerStatus` (`cost_ledger`) live beside their tables in `db`.
"""

from __future__ import annotations

from enum import StrEnum


class StageStatus(StrEnum):
    """`stage_states.status`: a stage version's life."""

    DRAFT = "draft"
    LOCKED = "locked"
    INVALIDATED = "invalidated"
    OUTDATED = "outdated"  # upstream of a manual edit: out of sync, still valid


# What a downstream stage may build on: a locked version, or one flagged `outdated` (a locked beat
# sheet the hand-edited script no longer matches: out of sync, still the locked version).
SETTLED_STAGE = frozenset({StageStatus.LOCKED, StageStatus.OUTDATED})


class SceneStatus(StrEnum):
    """`scenes.status`: how far a scene's production got, or why it must be redone."""

    DRAFT = "draft"
    SHOT_LIST_READY = "shot_list_ready"
    FRAMES_LOCKED = "frames_locked"
    VIDEO_COMPLETE = "video_complete"
    OUTDATED = "outdated"  # a global stage changed under it: the scene must be redone
    CONTINUITY_BROKEN = "continuity_broken"  # an earlier scene's end state changed


class ClipStatus(StrEnum):
    """`videos.status`: a clip's render (Stage 12)."""

    QUEUED = "queued"
    RENDERING = "rendering"
    COMPLETE = "complete"
    FAILED = "failed"
    CANCELLED = "cancelled"  # its render was cancelled before it finished; nothing was charged


# A clip whose render is still to finish (a worker may hold it).
CLIP_IN_FLIGHT = frozenset({ClipStatus.QUEUED, ClipStatus.RENDERING})


class CutStatus(StrEnum):
    """`film_cuts.status`: an assembly of the film."""

    QUEUED = "queued"
    RENDERING = "rendering"
    COMPLETE = "complete"
    FAILED = "failed"
