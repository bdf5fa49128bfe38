"""Anchor frames as a zip: listed in name order, the same bytes every time, no name that escapes."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from core.errors import InputRejected
from core.exports.frames import frame_name, frames_zip

FRAMES = [
    ("scene02_2A_start.png", b"\x89PNG second scene"),
    ("scene01_1B_end.png", b"\x89PNG one-b end"),
    ("scene01_1A_start.png", b"\x89PNG one-a start"),
    ("scene01_1B_start.png", b""),  # an empty file is still a file
    ("scène01_été_1C_start.png", "not even png ünïcode".encode()),
]


def _open(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def test_the_zip_lists_the_frames_by_name_with_their_bytes():
    archive = _open(frames_zip(FRAMES))
    assert archive.namelist() == sorted(name for name, _ in FRAMES)
    assert {name: archive.read(name) for name in archive.namelist()} == dict(FRAMES)


def test_the_same_frames_make_the_same_bytes_whatever_their_order_or_the_time(monkeypatch):
    first = frames_zip(FRAMES)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(2_000_000_000))
    assert frames_zip(reversed(FRAMES)) == first
    assert {info.date_time for info in _open(first).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert frames_zip(FRAMES[:-1]) != first


def test_no_frames_make_an_empty_zip_that_opens():
    assert _open(frames_zip([])).namelist() == []


@pytest.mark.parametrize("name", ["../scene01_1A_start.png", "frames/scene01_1A_start.png", "a\\b.png",
                                  "/etc/passwd", "..", "scene..png", "C:scene.png", "", "   ", "bad\x00.png",
                                  "line\nbreak.png"])
def test_a_name_that_could_escape_the_folder_is_refused(name):
    with pytest.raises(InputRejected) as refused:
        frames_zip([("scene01_1A_start.png", b"ok"), (name, b"x")])
    assert repr(name) in str(refused.value)


def test_a_name_given_twice_is_refused_rather_than_overwritten():
    with pytest.raises(InputRejected, match="twice"):
        frames_zip([("scene01_1A_start.png", b"one"), ("scene01_1A_start.png", b"two")])


@pytest.mark.parametrize("scene, shot, anchor, name", [
    (3, "3B", "start", "scene03_3B_start.png"),
    (12, "12AA", "end", "scene12_12AA_end.png"),
    (123, "123A", "start", "scene123_123A_start.png"),
])
def test_frame_names_say_scene_shot_and_anchor(scene, shot, anchor, name):
    assert frame_name(scene, shot, anchor) == name


@pytest.mark.parametrize("shot, anchor", [("../3B", "start"), ("3b", "start"), ("3B", "middle")])
def test_a_frame_name_from_anything_but_a_shot_id_and_an_anchor_is_refused(shot, anchor):
    with pytest.raises(InputRejected):
        frame_name(3, shot, anchor)
