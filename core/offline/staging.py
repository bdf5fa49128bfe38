"""Staging a shot: who stands where (core.offline.blocking), how big the camera's distance makes them, what the
lens sees (core.offline.framing), and what has changed by the end frame.

    stage(subject, camera, setup, kept, seed, aspect) -> Staged(marks, coverage, players)

An end frame is the shot's last moment: the camera's move has ended (a push-in closer, a pan turned), a
tracked subject has moved on with the camera, and on a held shot (static or handheld) the action has
happened: its actor has taken a step, or turned round when the action says so.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace

from core.film.shots import CameraSpec, Framing, Movement
from core.offline.blocking import PROMINENCES, Mark, actor, after_action, block, cast_key, lead_index, stepped
from core.offline.composition import Coverage, Player, Setup
from core.offline.framing import Stand, camera_path, depth, stand, window_for
from core.offline.wardrobe import FigureLook, cast_look

_HELD = frozenset({Movement.STATIC, Movement.HANDHELD})  # shots whose end frame shows the action, not a move
_SIDE_BY_SIDE = frozenset({Framing.TWO_SHOT, Framing.OVER_THE_SHOULDER})


@dataclass(frozen=True)
class Staged:
    """One frame's staging: the cast's marks, the camera's coverage of them, and the players on the marks."""

    marks: list[Mark]
    coverage: Coverage
    players: list[Player]


@dataclass(frozen=True)
class _Cast:
    characters: list[dict]
    looks: list[FigureLook]
    lead: int | None
    partner: int | None


def seeded(*parts: object) -> int:
    """A 64-bit seed from any JSON-able parts, the same on every machine and run."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def characters_of(subject: dict) -> list[dict]:
    """The subject's characters that have a name."""
    return [c for c in subject.get("characters") or [] if isinstance(c, dict) and str(c.get("name") or "").strip()]


def props_of(subject: dict) -> list[dict]:
    return [p for p in subject.get("props") or [] if isinstance(p, dict)]


def frame_type(subject: dict) -> str:
    """"end" for an end frame, "start" for anything else."""
    return "end" if str(subject.get("frame_type") or "").strip().lower() == "end" else "start"


def stage(subject: dict, camera: CameraSpec, setup: Setup, kept: dict[str, tuple[float, int]], seed: int,
          aspect: float) -> Staged:
    """The staging of one frame.

    Args:
        subject: the frame's subject (characters, action, frame type).
        camera: the shot's camera spec.
        setup: the location as this frame sees it (its eye line sizes the figures).
        kept: name -> (place, facing) from the prior frame's layout.
        seed: the frame's seed (the arrangement of newcomers, a handheld drift).
        aspect: the picture's height over its width.
    """
    characters = characters_of(subject)
    looks = [cast_look(str(c.get("name") or ""), str(c.get("description") or "")) for c in characters]
    cast = _Cast(characters, looks, lead_index(characters), None)
    names = [cast_key(c.get("name")) for c in characters]
    marks = block(characters, kept, random.Random(seeded("block", setup.name, names, seed)))
    cast = replace(cast, partner=_partner(marks, cast.lead))
    stands = _stands(marks, cast, camera, setup, aspect)
    lead = stands[cast.lead] if cast.lead is not None else None
    window = window_for(camera.framing, lead, stands[cast.partner] if cast.partner is not None else None,
                        marks[cast.lead].facing if cast.lead is not None else 1, stands, camera.movement)
    target = (lead.head_x, lead.head_y) if lead and camera.framing != Framing.INSERT else (
        window.x + window.w / 2, window.y + window.w / 2)
    step = min(0.08, max(0.03, window.w * 0.3))  # a tracked subject's stride, about a third of the frame
    start, end = camera_path(window, camera.movement, target, random.Random(seeded("camera", seed)), step)
    if frame_type(subject) == "end":
        marks = _ended(marks, camera.movement, str(subject.get("action") or ""), cast.lead, step)
        stands = _stands(marks, cast, camera, setup, aspect)
        start = end
    players = [Player(mark.name, stands[i], mark.facing, cast.looks[i], list(characters[i].get("tags") or []),
                      i == cast.lead) for i, mark in enumerate(marks)]
    return Staged(marks, _coverage(camera, start, players, cast, subject), players)


def _coverage(camera: CameraSpec, window, players: list[Player], cast: _Cast, subject: dict) -> Coverage:
    shoulder = None
    if camera.framing == Framing.OVER_THE_SHOULDER and players:  # past the partner, or the lead's own back
        shoulder = players[cast.partner if cast.partner is not None else cast.lead]
    hands = "hand" in f"{camera.note} {subject.get('action') or ''}".lower()
    return Coverage(camera.framing, window, shoulder, hands)


def _partner(marks: list[Mark], lead: int | None) -> int | None:
    """The second character a two-shot or over-the-shoulder needs: the most prominent after the lead."""
    others = [i for i, mark in enumerate(marks) if i != lead]
    return min(others, key=lambda i: (PROMINENCES.index(marks[i].prominence), i)) if others else None


def _stands(marks: list[Mark], cast: _Cast, camera: CameraSpec, setup: Setup, aspect: float) -> list[Stand]:
    """Each figure's stand; a two-shot or over-the-shoulder brings the pair to the same depth."""
    stands = []
    for i, mark in enumerate(marks):
        paired = camera.framing in _SIDE_BY_SIDE and i in (cast.lead, cast.partner)
        ground = depth("lead" if paired else mark.prominence, camera.framing)
        look = cast.looks[i]
        stands.append(stand(mark.x, ground, setup.horizon, look.height, camera.angle.value, look.stoop * mark.facing,
                            aspect))
    return stands


def _ended(marks: list[Mark], movement: Movement, action: str, lead: int | None, step: float) -> list[Mark]:
    """The marks at the end of the shot: a tracked subject has moved on; a held shot shows the action's change."""
    if movement == Movement.TRACKING and lead is not None:
        mark = marks[lead]
        return [replace(mark, x=stepped(mark.x, mark.facing, step)) if i == lead else m for i, m in enumerate(marks)]
    if movement in _HELD:
        return after_action(marks, action, actor(marks, action, lead))
    return marks
