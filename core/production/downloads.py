"""What a creator downloads from the hub and the scene pages: the screenplay as Fountain, the shot list as CSV
(a scene's or the whole film's). Built by core.exports from the branch's current rows."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.errors import NotFound
from core.exports.fountain import screenplay_fountain
from core.exports.shot_list import shot_list_csv
from core.pipeline import scene_source
from core.runtime.studio import Studio
from db import projects as project_rows
from db import shots as shot_rows
from db import stages as stage_rows


def shot_list_file(studio: Studio, user_id: UUID, branch_id: UUID, scene_id: UUID | None = None) -> bytes:
    """The live shot list of one scene (or of every scene) as CSV, safe to open in a spreadsheet."""
    with studio.db.as_user(user_id) as conn:
        rows = shot_rows.branch_shots(conn, branch_id, scene_id)
    return shot_list_csv(rows)


def screenplay_file(studio: Studio, user_id: UUID, project_id: UUID, branch_id: UUID) -> str:
    """The branch's latest script as a Fountain file with a title page."""
    with studio.db.as_user(user_id) as conn:
        project = project_rows.get_project(conn, project_id)
        script = stage_rows.latest(conn, branch_id, scene_source().number)
    if project is None or script is None:
        raise NotFound("This branch has no script yet.")
    return screenplay_fountain(project["title"], script["content"]["formatted_script"],
                               draft_date=script["created_at"].date() if script.get("created_at") else date.today())


def file_name(title: str, what: str, suffix: str) -> str:
    """A download's file name from the film's title: 'The Salt Road' -> 'the-salt-road-shot-list.csv'."""
    stem = "".join(c.lower() if c.isalnum() else "-" for c in title).strip("-")
    return f"{'-'.join(part for part in stem.split('-') if part) or 'film'}-{what}{suffix}"
