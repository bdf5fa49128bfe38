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
