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
from dataclasses import dataclass

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


@dataclass
class Clock:
    """Wall time and this process's CPU time (all its threads): CPU time holds still on a busy machine."""

    wall: float = 0.0
    cpu: float = 0.0

    def time(self, work):
        """Run `work()`, add its times, return its result."""
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu
        return result


def plain_frame(request: AnimaticRequest):
    """One precomputed frame: the shot's start frame fitted to the picture, converted once."""
    image = letterboxed(read_image(request.start_frame, "start_frame"), request.width, request.height)
    return video_frame(picture_of(image))


def encode_drawn(requests: list[AnimaticRequest], clock: Clock) -> None:
    """The encoder alone on the animatic's own frames (drawn beforehand, one shot at a time, untimed)."""
    for request in requests:
        drawn = [video_frame(picture) for picture in animatic_pictures(request)]
        clock.time(lambda: encode_frames(request, drawn))  # noqa: B023 - called at once


def encode_frames(request: AnimaticRequest, frames: list) -> None:
    """The encoder alone: these frames into one MP4 (with the plain frame, every frame the same)."""
    writer = Mp4Writer(request.width, request.height, fps=request.fps)
    for frame in frames:
        writer.add_picture(frame)
    writer.finish()


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


def summary(requests, clips, film, render: Clock, encode: Clock, drawn: Clock, assembly: Clock) -> dict:
    """The numbers worth printing."""
    frames = sum(request.frames for request in requests)
    found = probe(film)
    return {
        "shots": len(requests), "frames": frames, "film_seconds": sum(r.seconds for r in requests),
        "size": f"{requests[0].width}x{requests[0].height}", "fps": requests[0].fps, "encoder": VIDEO_OPTIONS,
        "voices": speech_engine() is not None,
        "render_seconds": round(render.wall, 2), "render_cpu_seconds": round(render.cpu, 2),
        "plain_encode_seconds": round(encode.wall, 2), "plain_encode_cpu_seconds": round(encode.cpu, 2),
        "ratio_to_plain_encode": round(render.wall / encode.wall, 2),
        "cpu_ratio_to_plain_encode": round(render.cpu / encode.cpu, 2),
        "same_frames_encode_seconds": round(drawn.wall, 2), "same_frames_encode_cpu_seconds": round(drawn.cpu, 2),
        "ratio_to_encoding_the_same_frames": round(render.wall / drawn.wall, 2),
        "cpu_ratio_to_encoding_the_same_frames": round(render.cpu / drawn.cpu, 2),
        "render_ms_per_frame": round(1000 * render.wall / frames, 2),
        "clip_megabytes": round(sum(len(clip) for clip in clips) / 1e6, 2),
        "assembly_seconds": round(assembly.wall, 2),
        "film_probe": {"frames": found.frames, "duration": round(found.duration, 3),
                       "audio_duration": round(found.audio_duration, 3)},
    }


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
    render, encode, drawn, assembly = Clock(), Clock(), Clock(), Clock()
    reset_peak()
    clips = []
    for request in requests:  # interleaved, so a busy machine slows both alike
        clips.append(render.time(lambda: render_animatic(request)))  # noqa: B023 - called at once
        encode.time(lambda: encode_frames(request, [plain] * request.frames))  # noqa: B023
    render_peak = peak_mb()
    reset_peak()
    parts = [FilmPart(clip=clip, seconds=request.seconds, label=f"{n + 1}A")
             for n, (clip, request) in enumerate(zip(clips, requests))]
    film = assembly.time(lambda: assemble_film(parts, fps=args.fps, dissolve=0.5))
    film_peak = peak_mb()
    encode_drawn(requests, drawn)
    report = summary(requests, clips, film, render, encode, drawn, assembly) | {
        "peak_rss_mb_rendering": render_peak, "peak_rss_mb_assembling": film_peak}
    if args.json:
        print(json.dumps(report))
        return
    for key, value in report.items():
        print(f"{key:36} {value}")


if __name__ == "__main__":
    main()
