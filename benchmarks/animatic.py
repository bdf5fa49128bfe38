"""Benchmark: the offline animatic for a short film's worth of shots, against the encoder alone.

    .venv/bin/python -m benchmarks.animatic [--shots 20] [--width 1024 --height 576 --fps 24] [--json]

Renders --shots clips of 6-8 s (push-ins mostly, a pan, a pull-out, a tilt and a handheld shot; every shot
dissolves from its start frame to its end frame and carries one or two subtitled lines, spoken when
espeak-ng is installed) and times it. Then times the same encoder (same settings, one MP4 per shot) on the
same number of frames made from one precomputed plain frame, with no drawing: the brief's ratio, target
<= 1.5. x264 itself costs more on moving pictures than on a repeated one, so it also times the encoder on
the very frames the animatic drew (drawn beforehand, untimed): that ratio is what the drawing adds.
It also assembles the clips into one film with half-second dissolves. Reports times, ratios and the
peak resident memory while rendering and while assembling (the film streams: no phase holds a film's frames).
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from core.exports.film import FilmPart, assemble_film
from core.exports.mp4 import VIDEO_OPTIONS, Mp4Writer
from core.exports.picture import letterboxed, picture_of, read_image, video_frame
from core.exports.probe import probe
from core.offline.animatic import AnimaticRequest, animatic_pictures, render_animatic
from core.offline.storyboard import render_reference
from core.offline.voice import speech_engine

CAMERAS = ("wide · push-in · eye level", "medium · push-in", "close-up · push-in", "wide · pan right",
           "medium · pull-out", "close-up · push-in", "wide · tilt up", "medium · handheld")
SUBJECTS = (
    {"name": "The lamp room", "asset_type": "location", "description": "a lighthouse lamp room at night, brass lamp"},
    {"name": "Mara Quinn", "asset_type": "character", "description": "a tall keeper in a red oilskin coat"},
    {"name": "The harbour", "asset_type": "location", "description": "a stone harbour at dawn, fishing boats"},
    {"name": "Tom Reyes", "asset_type": "character", "description": "an old fisherman with a grey beard"},
    {"name": "The oil lamp", "asset_type": "prop", "description": "a brass oil lamp with a cracked chimney"},
)
LINES = (("MARA", "The lamp has been dark three nights."), ("TOM", "Then somebody wants the boats on the rocks."),
         ("MARA", "Bring the oil up from the cellar."), ("TOM", "It's gone. Every drop of it."))


def shots(count: int, width: int, height: int, fps: int) -> list[AnimaticRequest]:
    """`count` shot requests, the same every run."""
    frames = [render_reference(subject, width=width, height=height, seed=n) for n, subject in enumerate(SUBJECTS)]
    return [AnimaticRequest(start_frame=frames[n % len(frames)], end_frame=frames[(n + 1) % len(frames)],
                            seconds=6 + n % 3, camera=CAMERAS[n % len(CAMERAS)],
                            dialogue=tuple(LINES[(n + k) % len(LINES)] for k in range(1 + n % 2)),
                            width=width, height=height, fps=fps)
            for n in range(count)]


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def plain_frame(request: AnimaticRequest):
    """One precomputed frame: the shot's start frame fitted to the picture, converted once."""
    image = letterboxed(read_image(request.start_frame, "start_frame"), request.width, request.height)
    return video_frame(picture_of(image))


def encode_plain(request: AnimaticRequest, plain) -> None:
    """The encoder alone: the shot's frame count, every frame the same plain frame, into one MP4."""
    writer = Mp4Writer(request.width, request.height, fps=request.fps)
    for _ in range(request.frames):
        writer.add_picture(plain)
    writer.finish()


def encode_drawn(requests: list[AnimaticRequest]) -> float:
    """The encoder alone on the animatic's own frames (drawn beforehand, one shot at a time, untimed)."""
    seconds = 0.0
    for request in requests:
        drawn = [video_frame(picture) for picture in animatic_pictures(request)]
        started = time.perf_counter()
        writer = Mp4Writer(request.width, request.height, fps=request.fps)
        for frame in drawn:
            writer.add_picture(frame)
        writer.finish()
        seconds += time.perf_counter() - started
    return seconds


def reset_peak() -> None:
    """Start measuring peak memory afresh (Linux); elsewhere the process's peak so far stands."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def peak_mb() -> float:
    """Peak resident memory since `reset_peak`, in MB."""
    try:
        with open("/proc/self/status") as status:
            return round(next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024, 1)
    except (OSError, StopIteration):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=20)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=576)
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--preset", default=VIDEO_OPTIONS["preset"], help="libx264 preset, to compare")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    VIDEO_OPTIONS["preset"] = args.preset  # the one setting every clip and the film are encoded with
    requests = shots(args.shots, args.width, args.height, args.fps)
    plain = plain_frame(requests[0])
    render_seconds = plain_seconds = 0.0
    clips = []
    reset_peak()
    for request in requests:  # interleaved, so a busy machine slows both alike
        seconds, clip = timed(lambda: render_animatic(request))  # noqa: B023 - called at once
        render_seconds += seconds
        clips.append(clip)
        plain_seconds += timed(lambda: encode_plain(request, plain))[0]  # noqa: B023
    render_peak = peak_mb()
    reset_peak()
    parts = [FilmPart(clip=clip, seconds=request.seconds, label=f"{n + 1}A")
             for n, (clip, request) in enumerate(zip(clips, requests))]
    film_seconds, film = timed(lambda: assemble_film(parts, fps=args.fps, dissolve=0.5))
    film_peak = peak_mb()
    drawn_seconds = encode_drawn(requests)
    frames = sum(request.frames for request in requests)
    found = probe(film)
    report = {
        "shots": len(requests), "frames": frames, "film_seconds": sum(r.seconds for r in requests),
        "size": f"{args.width}x{args.height}", "fps": args.fps, "encoder": VIDEO_OPTIONS,
        "voices": speech_engine() is not None,
        "render_seconds": round(render_seconds, 2),
        "plain_encode_seconds": round(plain_seconds, 2),
        "ratio_to_plain_encode": round(render_seconds / plain_seconds, 2),
        "drawn_encode_seconds": round(drawn_seconds, 2),
        "ratio_to_encoding_the_same_frames": round(render_seconds / drawn_seconds, 2),
        "render_ms_per_frame": round(1000 * render_seconds / frames, 2),
        "clip_megabytes": round(sum(len(clip) for clip in clips) / 1e6, 2),
        "assembly_seconds": round(film_seconds, 2),
        "film_probe": {"frames": found.frames, "duration": round(found.duration, 3),
                       "audio_duration": round(found.audio_duration, 3)},
        "peak_rss_mb_rendering": render_peak,
        "peak_rss_mb_assembling": film_peak,
    }
    if args.json:
        print(json.dumps(report))
        return
    for key, value in report.items():
        print(f"{key:36} {value}")


if __name__ == "__main__":
    main()
