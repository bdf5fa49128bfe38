"""The readable text of a stage's content (what compare diffs): treatment prose, beats one per line, the script.

Tolerant of any content shape: an old or hand-made version with missing fields reads as "".
"""

from __future__ import annotations

from collections.abc import Mapping


def treatment_text(content: Mapping) -> str:
    """The chosen treatment's prose (the selected variant's before one is edited)."""
    prose = _as_text(content.get("prose_treatment"))
    if prose:
        return prose
    variants = content.get("variants") or content.get("treatments") or []
    selected = content.get("selected_variant") or 0
    if not isinstance(variants, list) or not isinstance(selected, int) or not 0 <= selected < len(variants):
        return ""
    variant = variants[selected]
    if isinstance(variant, Mapping):
        return next((_as_text(variant[key]) for key in ("prose_treatment", "prose", "text") if variant.get(key)), "")
    return _as_text(variant)


def beats_text(content: Mapping) -> str:
    """The beats in order, one a line."""
    beats = [beat for beat in content.get("beats") or [] if isinstance(beat, Mapping)]
    ordered = sorted(enumerate(beats), key=lambda item: (_order(item[1], item[0]), item[0]))
    return "\n".join(str(beat.get("text") or "") for _, beat in ordered)


def script_text(content: Mapping) -> str:
    return _as_text(content.get("formatted_script"))


def _order(beat: Mapping, position: int) -> float:
    order = beat.get("order")
    return order if isinstance(order, int | float) and not isinstance(order, bool) else position


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def shot_list_text(content: Mapping) -> str:
    """A scene's shots, one a line: 'id · seconds · camera · action (lines)'."""
    shots = [shot for shot in content.get("shots") or [] if isinstance(shot, Mapping)]
    return "\n".join(f"{shot.get('shot_id', '?')} · {shot.get('duration', '?')} s · {_camera(shot.get('camera'))} · "
                     f"{_as_text(shot.get('action'))}" + (f" ({len(shot['dialogue'])} line(s))"
                                                          if shot.get("dialogue") else "")
                     for shot in shots)


def instances_text(content: Mapping) -> str:
    """A scene's asset instances, one a line: 'name: tags; override'."""
    instances = [i for i in content.get("instances") or [] if isinstance(i, Mapping)]
    return "\n".join(f"{_as_text(i.get('name'))}: {', '.join(i.get('status_tags') or []) or 'no tags'}"
                     + (f"; {_as_text(i.get('description_override'))}" if i.get("description_override") else "")
                     for i in instances)


def prompts_text(content: Mapping) -> str:
    """A scene's prompts, shot by shot."""
    prompts = [p for p in content.get("prompts") or [] if isinstance(p, Mapping)]
    return "\n\n".join(f"[{_as_text(p.get('shot_id'))}]\n{_as_text(p.get('frame_prompt'))}\n"
                       f"{_as_text(p.get('video_prompt'))}" for p in prompts)


def _camera(camera: object) -> str:
    if isinstance(camera, Mapping):
        return " · ".join(str(camera.get(k)) for k in ("framing", "movement", "angle") if camera.get(k))
    return _as_text(camera)
