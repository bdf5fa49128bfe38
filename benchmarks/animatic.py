"""Benchmark: the offline animatic for a short film's worth of shots, against the encoder alone.

    .venv/bin/python -m benchmarks.animatic [--shots 20] [--width 1024 --height 576 --fps 24] [--repeat 3]
                                            [--preset veryfast] [--x264-params subme=1] [--json]

Renders --shots clips of 6-8 s (push-ins mostly, a pan, a pull-out, a tilt and a handheld shot; every shot
dissolves from its start frame to its end frame and carries one or two subtitled lines, spoken when
espeak-ng is installed) and times it, wall and CPU (CPU holds still on a shared machine; it counts this
process's threads, not espeak-ng's). Every time is compared with a baseline, and says which:

- "one still": the same encoder (same settings, one MP4 per shot, same frame count) fed one precomputed
  frame over and over, with no drawing. The issue's ratio divides by this one (target <= 1.5).
- "same frames": the same encoder fed the very frames the animatic drew (drawn beforehand, untimed). x264
  costs more on moving pictures than on a repeated one, and no renderer can beat encoding its own frames:
  render / same frames is what everything but the encoder adds.
- "drawing alone": the animatic's pictures drawn and converted for the encoder as the render does it, one at a
  time, nothing encoded.

It also assembles the clips into one film with half-second dissolves, and reports peak resident memory while
rendering and while assembling (the film streams: no phase holds a film's frames). --repeat times every shot
that many times (interleaved) and keeps each shot's fastest, which steadies the figures on a busy machine.
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
ONE_STILL = "encoder alone on one still frame"
SAME_FRAMES = "encoder alone on the animatic's own frames"


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
    """Wall time and this process's CPU time (all its threads), each the sum over shots of a shot's fastest run."""

    wall: float = 0.0
    cpu: float = 0.0

    def time(self, work, repeat: int = 1):
        """Run `work()` `repeat` times, add its fastest times, return its last result."""
        best_wall = best_cpu = float("inf")
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            result = work()
            best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
        self.wall, self.cpu = self.wall + best_wall, self.cpu + best_cpu
        return result


def plain_frame(request: AnimaticRequest):
    """One precomputed frame: the shot's start frame fitted to the picture, converted once."""
    image = letterboxed(read_image(request.start_frame, "start_frame"), request.width, request.height)
    return video_frame(picture_of(image))


def draw(request: AnimaticRequest) -> None:
    """The animatic's pictures drawn and converted for the encoder, each let go as the next comes (as rendering
    does: holding a shot's frames would time the memory they take as well)."""
    last = None
    for picture in animatic_pictures(request):
        if picture is not last:
            last = picture
            video_frame(picture)


def drawn_frames(request: AnimaticRequest) -> list:
    """The animatic's own frames, drawn and converted for the encoder (a frame held still is one object)."""
    frames, last, frame = [], None, None
    for picture in animatic_pictures(request):
        if picture is not last:
            last, frame = picture, video_frame(picture)
        frames.append(frame)
    return frames


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


def timings(clock: Clock, frames: int) -> dict:
    return {"wall_seconds": round(clock.wall, 2), "cpu_seconds": round(clock.cpu, 2),
            "cpu_ms_per_frame": round(1000 * clock.cpu / frames, 2)}


def ratio(over: Clock, under: Clock) -> dict:
    return {"wall": round(over.wall / under.wall, 2), "cpu": round(over.cpu / under.cpu, 2)}


def summary(requests, clips, film, clocks: dict[str, Clock]) -> dict:
    """The numbers worth printing; every ratio names what it divides by."""
    frames = sum(request.frames for request in requests)
    found = probe(film)
    render, still, same, drawing = (clocks[name] for name in ("render", ONE_STILL, SAME_FRAMES, "drawing alone"))
    return {
        "shots": len(requests), "frames": frames, "film_seconds": sum(r.seconds for r in requests),
        "size": f"{requests[0].width}x{requests[0].height}", "fps": requests[0].fps, "encoder": VIDEO_OPTIONS,
        "voices": speech_engine() is not None,
        "render (drawing + sound + encoding)": timings(render, frames),
        "drawing alone": timings(drawing, frames),
        ONE_STILL: timings(still, frames),
        SAME_FRAMES: timings(same, frames),
        f"render / {ONE_STILL} (the issue's ratio, target <= 1.5)": ratio(render, still),
        f"render / {SAME_FRAMES} (what all but the encoder adds)": ratio(render, same),
        f"{SAME_FRAMES} / {ONE_STILL} (the encoder alone on moving pictures)": ratio(same, still),
        "clip_megabytes": round(sum(len(clip) for clip in clips) / 1e6, 2),
        "assembly_seconds": round(clocks["assembly"].wall, 2),
        "film_probe": {"frames": found.frames, "duration": round(found.duration, 3),
                       "audio_duration": round(found.audio_duration, 3)},
    }


def measure(requests: list[AnimaticRequest], repeat: int, fps: int) -> dict:
    """Every phase timed, shot by shot and interleaved (a busy machine slows them alike); the report."""
    clocks = {name: Clock() for name in ("render", ONE_STILL, SAME_FRAMES, "drawing alone", "assembly")}
    plain = plain_frame(requests[0])
    reset_peak()
    clips = []
    for request in requests:
        clips.append(clocks["render"].time(lambda: render_animatic(request), repeat))  # noqa: B023 - called at once
        clocks[ONE_STILL].time(lambda: encode_frames(request, [plain] * request.frames), repeat)  # noqa: B023
    render_peak = peak_mb()
    reset_peak()
    parts = [FilmPart(clip=clip, seconds=request.seconds, label=f"{n + 1}A")
             for n, (clip, request) in enumerate(zip(clips, requests))]
    film = clocks["assembly"].time(lambda: assemble_film(parts, fps=fps, dissolve=0.5))
    film_peak = peak_mb()
    for request in requests:  # one shot's frames held at a time
        clocks["drawing alone"].time(lambda: draw(request), repeat)  # noqa: B023 - called at once
        drawn = drawn_frames(request)
        clocks[SAME_FRAMES].time(lambda: encode_frames(request, drawn), repeat)  # noqa: B023
    return summary(requests, clips, film, clocks) | {"peak_rss_mb_rendering": render_peak,
                                                     "peak_rss_mb_assembling": film_peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=20)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=576)
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=1, help="time each shot this many times, keep the fastest")
    parser.add_argument("--preset", default=VIDEO_OPTIONS["preset"], help="libx264 preset, to compare")
    parser.add_argument("--x264-params", default=VIDEO_OPTIONS.get("x264-params", ""), help="to compare")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    VIDEO_OPTIONS["preset"] = args.preset  # the one setting every clip and the film are encoded with
    VIDEO_OPTIONS.pop("x264-params", None)
    VIDEO_OPTIONS.update({"x264-params": args.x264_params} if args.x264_params else {})
    report = measure(shots(args.shots, args.width, args.height, args.fps), max(1, args.repeat), args.fps)
    if args.json:
        print(json.dumps(report))
        return
    for key, value in report.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
