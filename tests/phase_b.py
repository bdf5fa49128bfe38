"""A film for the Phase B tests: a screenplay written for them, taken through Stage 5 by the headless runner (the
same services the pages call), and helpers to take its scenes further and to read what the database holds."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from core.production import edits as scene_edits
from core.production import generate as scene_generate
from core.production.context import SceneRef
from core.runtime.auth import User
from core.story.projects import ProjectRef
from core.story.run import run_story

# Nell falls in the mud in scene 1 and is still muddy in scene 2; she washes and changes in scene 3; scene 4 is
# Bram's alone. A word of dialogue looks like a name ("Mum"); an off-screen line; a parenthetical.
MUD_AND_SALT = """Title: Mud and Salt

EXT. MARSH PATH - DUSK

NELL hurries along the dyke with a lantern. She slips and falls into the mud.

NELL
Of all the nights, Mum.

BRAM (O.S.)
Nell? Is that you down there?

BRAM, a lanky ferryman, hauls her up by the wrist.

INT. FERRY CABIN - NIGHT

Nell wrings out her sleeves by the stove. Bram pours tea.

BRAM
You'll catch your death.

NELL
(shivering)
I've caught worse.

INT. FERRY CABIN - LATER

Nell washes her face and hands in the basin and changes into a dry jumper.

NELL
Better.

EXT. JETTY - NIGHT

Bram coils a rope on the jetty and looks out at the black water.
"""


@dataclass(frozen=True)
class PhaseBFilm:
    user: User
    ref: ProjectRef
    scenes: tuple[dict, ...]  # live scenes, in order

    def scene(self, number: int) -> SceneRef:
        row = next(s for s in self.scenes if s["scene_number"] == number)
        return SceneRef(self.ref.project_id, self.ref.branch_id, row["id"])


def film_through_assets(studio, user: User, screenplay: str = MUD_AND_SALT, title: str = "Mud and Salt",
                        **config) -> PhaseBFilm:
    """An imported screenplay through Stage 5 (assets drawn and locked): its scenes are live."""
    stage_one = {"title": title, "target_length_min": 30, "target_length_max": 90, "project_type": "narrative",
                 "content_rating": "PG", "genres": ["Drama"], "tonal_guidance": "", "input_mode": "import",
                 "narrative": screenplay, **config}
    summary = run_story(studio, user, stage_one, through=5)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    return PhaseBFilm(user, ref, tuple(scene_edits.scene_list(studio, user.id, ref.branch_id)))


def make_and_lock(studio, film: PhaseBFilm, number: int, stage: int, guidance: str = "") -> dict:
    """Generate the scene's stage (its next version) and lock it."""
    ref = film.scene(number)
    view = scene_edits.scene_view(studio, film.user.id, ref, stage)
    row = scene_generate.generate(studio, film.user.id, ref, stage, guidance=guidance, acknowledged=True,
                                  seen_version=view.latest["version"] if view.latest else 0)
    return scene_edits.lock_scene_stage(studio, film.user.id, ref, stage, row["version"])


def through(studio, film: PhaseBFilm, last_stage: int, scenes: tuple[int, ...] | None = None) -> None:
    """Every scene (or the given ones, in film order) taken through its stages 7..last_stage."""
    for stage in range(7, last_stage + 1):
        for number in scenes or tuple(s["scene_number"] for s in film.scenes):
            make_and_lock(studio, film, number, stage)


def rows(studio, user_id: UUID, sql: str, *params) -> list[dict]:
    with studio.db.as_user(user_id) as conn:
        return conn.execute(sql, list(params)).fetchall()


def live_shots(studio, film: PhaseBFilm, number: int) -> list[dict]:
    return rows(studio, film.user.id, "SELECT * FROM shots WHERE scene_id = %s AND superseded_at IS NULL "
                                       "ORDER BY shot_order", film.scene(number).scene_id)


def add_frames_and_clips(studio, film: PhaseBFilm, number: int) -> None:
    """A start frame and a complete clip for each live shot of the scene, as Stage 10 and 12 will make them."""
    with studio.db.as_user(film.user.id) as conn:
        for shot in conn.execute("SELECT id FROM shots WHERE scene_id = %s AND superseded_at IS NULL",
                                 [film.scene(number).scene_id]).fetchall():
            frame = conn.execute("INSERT INTO frames (shot_id, frame_type, prompt, image_url) "
                                 "VALUES (%s, 'start', 'p', 'k.png') RETURNING id", [shot["id"]]).fetchone()["id"]
            conn.execute("INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url, status) "
                         "VALUES (%s, %s, 'p', 'k.mp4', 'complete')", [shot["id"], frame])
