"""The cut as an OpenTimelineIO timeline, as otio_json and as a CMX 3600 EDL.

One video track, one clip per shot, named by its shot id ("3B"), pointing at its clip (or its still
while the clip isn't rendered), with the shot's data under `metadata["aiuteur"]` and a marker at the
start of each scene.

Reel names are set by us, never left to the CMX 3600 adapter: left alone it takes the media file's base
name, drops punctuation but keeps spaces, and cuts it to 8 characters. A file named "my clip.mp4" then
gives the reel "my clipm", the event line gains a field and reads back as a bogus track called "clipm";
"ÉTÉ.mp4" gives "Tmp4"; content-addressed names collide on their first 8 characters only by luck. Each
clip's reel is its shot id (letters and digits, at most 8: "3B", "12AC"), or "AIU00042" (its place in the
cut) when the shot id won't fit or repeats, and is stored under `metadata["cmx_3600"]["reel"]`, which the
adapter writes as is. The full media path still travels in the EDL's "* FROM CLIP:" comment (with any
Windows backslashes turned into slashes by the adapter).
"""

from __future__ import annotations

import re
from collections import Counter

import opentimelineio as otio

from core.errors import InputRejected
from core.exports.cut import Cut, CutShot

_REEL_LENGTH = 8
_REEL_UNSAFE = re.compile(r"[^A-Za-z0-9]")
_LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def timeline(cut: Cut) -> otio.schema.Timeline:
    """The cut as an OTIO timeline: one video track, one clip per shot, contiguous from 0."""
    track = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
    reels = _reel_names(cut.shots)
    previous_scene = None
    for index, (shot, (_, frames)) in enumerate(zip(cut.shots, cut.frame_spans)):
        clip = _clip(shot, frames, cut.fps, reels[index])
        if shot.scene_number != previous_scene:
            clip.markers.append(_scene_marker(shot, cut.fps))
        previous_scene = shot.scene_number
        track.append(clip)
    result = otio.schema.Timeline(name=_one_line(cut.title), global_start_time=otio.opentime.RationalTime(0, cut.fps))
    result.tracks.append(track)
    return result


def timeline_otio(cut: Cut) -> str:
    """The cut as OpenTimelineIO JSON (a .otio file), for Resolve, Premiere (via plugins), Avid, Hiero."""
    return otio.adapters.write_to_string(timeline(cut), adapter_name="otio_json")


def timeline_edl(cut: Cut) -> str:
    """The cut as a CMX 3600 EDL: one cut event per shot, record times contiguous from 00:00:00:00.

    Raises:
        InputRejected: the cut has no shots (an EDL needs at least one event).
    """
    if not cut.shots:
        raise InputRejected({"cut": "there are no shots in the cut yet, so there is nothing to list in an EDL"})
    return otio.adapters.write_to_string(timeline(cut), adapter_name="cmx_3600", rate=cut.fps)


def _clip(shot: CutShot, frames: int, fps: int, reel: str) -> otio.schema.Clip:
    length = otio.opentime.TimeRange(otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(frames, fps))
    return otio.schema.Clip(name=shot.shot_id, media_reference=_media(shot), source_range=length,
                            metadata={"aiuteur": _shot_metadata(shot), "cmx_3600": {"reel": reel}})


def _media(shot: CutShot) -> otio.core.MediaReference:
    target = shot.source
    if target is None:
        return otio.schema.MissingReference(name=f"{shot.shot_id} (no clip or still yet)")
    if _LINE_BREAK.search(target):
        # An EDL is line-based: a line break in a path would end the comment that carries it.
        raise InputRejected({f"shot {shot.shot_id}": "its media path contains a line break"})
    return otio.schema.ExternalReference(target_url=target)


def _shot_metadata(shot: CutShot) -> dict:
    return {
        "shot_id": shot.shot_id,
        "scene_number": shot.scene_number,
        "slug": shot.slug,
        "order": shot.order,
        "frame_prompt": shot.frame_prompt,
        "video_prompt": shot.video_prompt,
        "model": shot.model,
        "cost": str(shot.cost),  # a string: JSON floats would lose cents
        "rendered": shot.rendered,
    }


def _scene_marker(shot: CutShot, fps: int) -> otio.schema.Marker:
    at = otio.opentime.TimeRange(otio.opentime.RationalTime(0, fps), otio.opentime.RationalTime(0, fps))
    return otio.schema.Marker(name=_one_line(f"Scene {shot.scene_number}: {shot.slug}"), marked_range=at,
                              color=otio.schema.MarkerColor.GREEN,
                              metadata={"aiuteur": {"scene_number": shot.scene_number}})


def _reel_names(shots: tuple[CutShot, ...]) -> list[str]:
    """A reel per shot that survives CMX 3600: letters and digits, at most 8, unique in the cut."""
    candidates = [_REEL_UNSAFE.sub("", shot.shot_id).upper() for shot in shots]
    counts = Counter(candidates)
    return [name if 0 < len(name) <= _REEL_LENGTH and counts[name] == 1 and not name.startswith("AIU")
            else f"AIU{index + 1:05d}"
            for index, name in enumerate(candidates)]


def _one_line(text: str) -> str:
    """The text on one line: EDL titles and locator comments end at a line break."""
    return " ".join(text.split())
