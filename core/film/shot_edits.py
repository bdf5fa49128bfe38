"""The creator's edits to a shot list, as the Stage 7 table makes them. Pure: no I/O.

    shot_rows(shots)                        the shots as table rows (text cells a person can edit)
    apply_shot_edits(scene, shots, rows)    the edited table -> the new shots, renumbered, edits flagged
    split_shot(shot, durations)             one shot in two (its lines and action shared in order)
    merge_shots(first, second, durations)   two neighbouring shots as one

Rows carry `order` (where the shot goes), and optional `split` / `merge_next` ticks. A row whose content differs
from its shot's, a new row, a split or a merge is `manually_edited`. Whatever the edits, the result must still
cover every line of the scene once, in order, and name only the scene's characters (`coverage_problems`);
ValueError says what is wrong, in plain words, naming the shot.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.film.shots import (
    CameraSpec,
    Line,
    Prominence,
    Shot,
    ShotCharacter,
    coverage_problems,
    dialogue_text,
    parse_dialogue_text,
    renumbered,
)

COLUMNS = ("shot_id", "order", "duration", "camera", "characters", "dialogue", "action", "setting", "props",
           "continuity_flags", "manually_edited", "split", "merge_next")
_CHARACTER = re.compile(r"^\s*(?P<name>[^()]+?)\s*(?:\((?P<prominence>[a-z]+)\))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class SceneLines:
    """What a shot list must cover: the scene's number, lines in order, characters, and the allowed durations."""

    number: int
    lines: tuple[Line, ...]
    characters: tuple[str, ...]
    durations: tuple[int, ...]


def shot_rows(shots: Sequence[Shot]) -> list[dict]:
    """One editable row per shot."""
    return [{"shot_id": s.shot_id, "order": s.order, "duration": s.duration, "camera": s.camera.text,
             "characters": characters_text(s.characters), "dialogue": dialogue_text(s.dialogue), "action": s.action,
             "setting": s.setting, "props": ", ".join(s.props), "continuity_flags": ", ".join(s.continuity_flags),
             "manually_edited": s.manually_edited, "split": False, "merge_next": False} for s in shots]


def characters_text(characters: Sequence[ShotCharacter]) -> str:
    """'MARA (lead), TOMAS (supporting)'."""
    return ", ".join(f"{c.name} ({c.prominence.value})" for c in characters)


def parse_characters(text: str) -> list[ShotCharacter]:
    """'Mara (lead), Tomas' -> characters; a name without a prominence is supporting."""
    found = []
    for part in (p for p in str(text or "").split(",") if p.strip()):
        match = _CHARACTER.match(part)
        prominence = (match["prominence"] or "supporting").lower() if match else ""
        if match is None or prominence not in {p.value for p in Prominence}:
            raise ValueError(f"characters: write them as 'NAME (lead|supporting|background)', not {part.strip()!r}")
        found.append(ShotCharacter(name=match["name"], prominence=Prominence(prominence)))
    return found


def apply_shot_edits(scene: SceneLines, shots: Sequence[Shot], rows: Sequence[Mapping]) -> list[Shot]:
    """The edited table as the scene's new shots: in row order, split and merged where ticked, renumbered."""
    known = {s.shot_id: s for s in shots}
    edited = [_from_row(row, known.get(str(row.get("shot_id") or "")), index)
              for index, row in enumerate(_in_order(rows), 1)]
    edited = _splits_and_merges(edited, [bool(r.get("split")) for r in _in_order(rows)],
                                [bool(r.get("merge_next")) for r in _in_order(rows)], scene.durations)
    if not edited:
        raise ValueError("a scene needs at least one shot")
    result = renumbered(scene.number, edited)
    problems = coverage_problems(result, list(scene.lines), list(scene.characters), scene.durations)
    if problems:
        raise ValueError("; ".join(problems))
    return result


def _in_order(rows: Sequence[Mapping]) -> list[Mapping]:
    """Rows by their order number (a row without one goes last), ties keeping the table's order."""
    def key(pair: tuple[int, Mapping]) -> tuple[float, int]:
        order = pair[1].get("order")
        try:
            number = float(order) if order is not None and not (isinstance(order, float) and math.isnan(order)) else math.inf
        except (TypeError, ValueError):
            number = math.inf
        return number, pair[0]
    return [row for _, row in sorted(enumerate(rows), key=key) if _has_content(row)]


def _has_content(row: Mapping) -> bool:
    return any(str(row.get(name) or "").strip() for name in ("action", "dialogue", "camera", "characters"))


def _from_row(row: Mapping, old: Shot | None, index: int) -> Shot:
    where = f"shot {row.get('shot_id') or f'row {index}'}"
    try:
        shot = Shot(shot_id=old.shot_id if old else "1A", order=index, duration=int(row.get("duration") or 8),
                    dialogue=parse_dialogue_text(str(row.get("dialogue") or "")), action=_text(row, "action"),
                    characters=parse_characters(str(row.get("characters") or "")), setting=_text(row, "setting"),
                    camera=CameraSpec.parse(_text(row, "camera")), props=_list(row.get("props")),
                    continuity_flags=_list(row.get("continuity_flags")))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {_plain(exc)}") from exc
    changed = old is None or _content(shot) != _content(old)
    return shot.model_copy(update={"manually_edited": changed or (old.manually_edited if old else False)})


def _content(shot: Shot) -> tuple:
    return (shot.duration, shot.dialogue, shot.action, shot.characters, shot.setting, shot.camera.text, shot.props,
            shot.continuity_flags)


def _text(row: Mapping, name: str) -> str:
    value = row.get(name)
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _list(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def _plain(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = exc.errors(include_url=False)[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)


def _splits_and_merges(shots: list[Shot], splits: list[bool], merges: list[bool],
                       durations: tuple[int, ...]) -> list[Shot]:
    out: list[Shot] = []
    index = 0
    while index < len(shots):
        shot = shots[index]
        if merges[index] and index + 1 < len(shots):
            out.append(merge_shots(shot, shots[index + 1], durations))
            index += 2
            continue
        out.extend(split_shot(shot, durations) if splits[index] else [shot])
        index += 1
    return out


def split_shot(shot: Shot, durations: tuple[int, ...]) -> list[Shot]:
    """The shot as two: its lines shared in order (the first half of them first), its action's sentences shared
    the same way, each at the allowed length nearest half the shot."""
    sentences = re.split(r"(?<=[.!?])\s+", shot.action.strip()) if shot.action.strip() else []
    lines_cut, action_cut = math.ceil(len(shot.dialogue) / 2), math.ceil(len(sentences) / 2)
    length = _nearest(durations, shot.duration / 2)
    first = shot.model_copy(update={"dialogue": shot.dialogue[:lines_cut], "action": " ".join(sentences[:action_cut]),
                                    "duration": length, "manually_edited": True})
    second = shot.model_copy(update={"dialogue": shot.dialogue[lines_cut:],
                                     "action": " ".join(sentences[action_cut:]) or shot.action,
                                     "duration": length, "manually_edited": True})
    return [first, second]


def merge_shots(first: Shot, second: Shot, durations: tuple[int, ...]) -> Shot:
    """Two neighbouring shots as one: lines and action in order, everyone in either (the more prominent place
    kept), the first's camera, the allowed length nearest their sum."""
    rank = {Prominence.LEAD: 0, Prominence.SUPPORTING: 1, Prominence.BACKGROUND: 2}
    people: dict[str, ShotCharacter] = {}
    for character in (*first.characters, *second.characters):
        held = people.get(character.name)
        if held is None or rank[character.prominence] < rank[held.prominence]:
            people[character.name] = character
    return first.model_copy(update={
        "dialogue": [*first.dialogue, *second.dialogue], "action": " ".join(p for p in (first.action, second.action) if p),
        "characters": list(people.values()), "props": list(dict.fromkeys([*first.props, *second.props])),
        "continuity_flags": list(dict.fromkeys([*first.continuity_flags, *second.continuity_flags])),
        "duration": _nearest(durations, first.duration + second.duration), "manually_edited": True})


def _nearest(durations: tuple[int, ...], seconds: float) -> int:
    allowed = durations or (4, 6, 8)
    return min(allowed, key=lambda d: (abs(d - seconds), -d))
