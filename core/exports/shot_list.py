"""The shot list as CSV for spreadsheets: one row per shot, for a scene or the whole film.

UTF-8 with a byte-order mark (so Excel reads accents and em dashes right), RFC 4180 quoting (a cell's line
breaks are kept inside quotes), and safe from formula injection the way OWASP describes it: a text cell
whose first character, or first after leading white space, is = + - @ a tab or a carriage return (or the
full-width ＝ ＋ － ＠ some spreadsheets also read as formulas) gets a single quote in front, so
"=HYPERLINK(...)" shows as text instead of running. The rest of the text is left exactly as written:
"-- what?" shows as "'-- what?". Real numbers (a scene number, a duration) are never prefixed.

A row is a mapping keyed by the column names; the names a Stage 7 shot already uses are understood too
(shot_id, scene_number, duration, camera_spec), and the values may be what the shot model holds: lists of
lines or (speaker, words) pairs, characters with a prominence, a camera spec, booleans.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

COLUMNS = ("scene", "shot", "order", "duration_s", "camera", "characters", "dialogue", "action", "setting",
           "frame_prompt", "video_prompt", "requires_end_frame", "continuity_flags")
_ALIASES = {"scene": ("scene_number",), "shot": ("shot_id",), "duration_s": ("duration",),
            "camera": ("camera_spec",)}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def shot_list_csv(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The shot list as CSV bytes: a header of COLUMNS, then one row per shot, as given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_safe(_FORMATS.get(column, _plain)(_value(row, column))) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _value(row: Mapping[str, Any], column: str) -> Any:
    for key in (column, *_ALIASES.get(column, ())):
        if key in row:
            return row[key]
    return None


def _safe(cell: str | int) -> str | int:
    """The cell with a quote in front if a spreadsheet would take it for a formula (OWASP CSV injection)."""
    if isinstance(cell, str) and (cell.startswith(_FORMULA_STARTS) or cell.lstrip().startswith(_FORMULA_STARTS)):
        return "'" + cell
    return cell


def _plain(value: Any) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, Decimal)):
        return value  # a number stays a number; never a formula
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return value
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum such as a prominence
        return value.value
    if isinstance(value, Mapping):
        return " · ".join(str(part) for part in map(_plain, value.values()) if str(part).strip())
    if isinstance(value, Iterable):
        return "; ".join(str(_plain(item)) for item in value)
    return str(value)


def _camera(value: Any) -> str | int:
    text = getattr(value, "text", None)  # a CameraSpec: "wide · static · eye level"
    return text if isinstance(text, str) else _plain(value)


def _characters(value: Any) -> str | int:
    if isinstance(value, (str, type(None))) or not isinstance(value, Iterable):
        return _plain(value)
    return "; ".join(_character(item) for item in value)


def _character(item: Any) -> str:
    """'MARA (lead)' from a shot character, a {"name", "prominence"} mapping or a bare name."""
    name = item.get("name") if isinstance(item, Mapping) else getattr(item, "name", item)
    prominence = item.get("prominence") if isinstance(item, Mapping) else getattr(item, "prominence", None)
    prominence = _plain(prominence)
    return f"{name} ({prominence})" if prominence else str(name)


def _dialogue(value: Any) -> str | int:
    if isinstance(value, (str, type(None))) or not isinstance(value, Iterable):
        return _plain(value)
    return "\n".join(_line(item) for item in value)


def _line(item: Any) -> str:
    """'MARA (quietly): Go.' from a Line, a {"speaker", "text"} mapping, a (speaker, words) pair or text."""
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        speaker, text, aside = item.get("speaker", ""), item.get("text", ""), item.get("parenthetical", "")
    elif hasattr(item, "speaker"):
        speaker, text, aside = item.speaker, item.text, getattr(item, "parenthetical", "")
    else:
        speaker, text, aside = (*item, "")[:3]
    return f"{speaker}{' ' + aside if aside else ''}: {text}"


_FORMATS: dict[str, Callable[[Any], str | int]] = {
    "camera": _camera, "characters": _characters, "dialogue": _dialogue}
