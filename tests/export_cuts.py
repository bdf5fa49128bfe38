"""An awkward cut for the export tests: 60 shots over four scenes, built from text written here.

Long and unicode scene headings, speakers with accents and CJK names, commas, quotes, braces, ampersands
and angle brackets in dialogue, media paths with spaces, accents, Windows separators and long content
hashes, a shot with only its still, a shot with nothing yet, a scene whose shot ids are too long for a
CMX 3600 reel, and lengths that don't fall on whole frames.
"""

from __future__ import annotations

from decimal import Decimal

from core.exports.cut import Cut, CutShot

LONG_SLUG = ("EXT. THE ABANDONED LIGHTHOUSE ON THE NORTHERN HEADLAND, ITS LAMP ROOM, GALLERY AND THE SPIRAL "
             "STAIR BELOW, WHERE THE KEEPERS ONCE WROTE THEIR NAMES ON THE WHITEWASHED WALL - CONTINUOUS - NIGHT")
SCENES = [
    (1, "INT. KITCHEN - DAY", 24),
    (2, LONG_SLUG, 30),
    (3, "INT. CAFÉ «LA PLUMA» - SOIR", 4),
    (12345678, "EXT. ROOF — DAWN", 2),  # "12345678A" is nine characters: too long for a reel
]
LINES = [
    ("MARA", "Wait, you said \"tomorrow\", didn't you?"),
    ("JOSÉ", "Yes — tomorrow, at eight, by the pier."),
    ("李明", "好的, 我们走吧."),
    ("ZOË", "-- what? Say that again."),
    ("MARA", "@home, {quietly} & <softly>: =1+2 isn't a plan."),
    ("JOSÉ", "No."),
]
DURATIONS = [8.0, 2.5, 1.3333, 4.0, 6.0, 0.9, 3.7, 8.0]
MEDIA = [
    "media/clips/3f9a0c/my first clip.mp4",
    "/var/aiuteur/media/ÉTÉ à la plage.mp4",
    "media/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.mp4",
    "C:\\Renders\\Take 2\\kitchen.mov",
    "https://storage.example.com/clips/a%20b.mp4?token=xyz&v=2",
]


def _shot(scene: int, slug: str, index: int, overall: int) -> CutShot:
    letters = _letters(index)
    dialogue = tuple(LINES[(overall + k) % len(LINES)] for k in range(overall % 4))  # 0 to 3 lines
    media = None if overall in (7, 41) else MEDIA[overall % len(MEDIA)]
    still = None if overall == 41 else f"frames/scene{scene:02d}_{scene}{letters}_start.png"
    return CutShot(
        scene_number=scene, slug=slug, shot_id=f"{scene}{letters}", order=index + 1,
        duration=DURATIONS[overall % len(DURATIONS)], dialogue=dialogue,
        action=f"Shot {overall}: she turns, \"slowly\", to the window.", camera="wide · static · eye level",
        characters=tuple(dict.fromkeys(speaker for speaker, _ in dialogue)),
        frame_prompt=f"Frame {overall}, rain on glass, 35mm, «soft» light", video_prompt=f"Push in {overall}",
        model="offline:animatic" if overall % 3 else "google:veo-3.1-generate-preview",
        cost=Decimal("0.40") * Decimal(overall % 9), media=media, still=still)


def _letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def awkward_cut() -> Cut:
    """60 shots; shot 7 has only its still, shot 41 has neither clip nor still."""
    shots, overall = [], 0
    for scene, slug, count in SCENES:
        for index in range(count):
            shots.append(_shot(scene, slug, index, overall))
            overall += 1
    return Cut(title="Der Leuchtturm: \"Café\", Ñandú & co.", shots=tuple(shots), fps=24)
