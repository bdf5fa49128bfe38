"""Anchor frames as one zip of PNGs, named by scene, shot and anchor: "scene03_3B_start.png".

The zip is the same bytes for the same frames: entries sorted by name, every timestamp 1980-01-01 00:00,
the same permissions and creator system, stored uncompressed (a PNG is compressed already, and zlib's
output could differ between builds). A name that could escape the folder it is unpacked into (a slash,
a backslash, "..", a drive letter) or that repeats is refused, never rewritten.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

from core.errors import InputRejected

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold
_UNIX = 3  # "created on Unix", whatever machine builds it, so the permissions below are read
_FILE_MODE = 0o100644 << 16
_SHOT_ID = re.compile(r"^\d+[A-Z]+$")


def frame_name(scene_number: int, shot_id: str, anchor: str = "start") -> str:
    """The file name of a shot's anchor frame: (3, "3B", "start") -> "scene03_3B_start.png"."""
    if not _SHOT_ID.match(shot_id) or anchor not in ("start", "end"):
        raise InputRejected({"frame": f"{shot_id!r} {anchor!r} isn't a shot id like '3B' with 'start' or 'end'"})
    return f"scene{scene_number:02d}_{shot_id}_{anchor}.png"


def frames_zip(frames: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of the frames, sorted by name, byte-for-byte the same for the same frames.

    Raises:
        InputRejected: a name is empty, repeats, or holds a path separator, "..", a drive or a control
            character.
    """
    entries = sorted(frames, key=lambda entry: entry[0])
    _check_names([name for name, _ in entries])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            archive.writestr(_entry(name), bytes(data))
    return buffer.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.create_system, info.external_attr, info.compress_type = _UNIX, _FILE_MODE, zipfile.ZIP_STORED
    return info


def _check_names(names: list[str]) -> None:
    problems = {name: reason for name in names if (reason := _unsafe(name))}
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.setdefault(name, "appears twice; each frame needs its own name")
        seen.add(name)
    if problems:
        raise InputRejected({f"frame {name!r}": reason for name, reason in problems.items()})


def _unsafe(name: str) -> str:
    """Why a name can't be a file in the zip's top folder ("" when it can)."""
    if not name.strip():
        return "has no name"
    if "/" in name or "\\" in name:
        return "holds a path separator; use a plain file name"
    if ".." in name:
        return "holds '..'"
    if re.match(r"^[A-Za-z]:", name) or any(ord(char) < 32 or ord(char) == 127 for char in name):
        return "holds a drive or a control character"
    return ""
