"""The cut's dialogue as subtitles (SubRip .srt and WebVTT .vtt), through pysubs2.

Each line of dialogue is one subtitle, "MARA: Are you coming?", timed inside its shot: the lines of a shot
share the shot's length in proportion to their words, each held at least 0.8 s when the shot is long
enough for that (otherwise they share it equally). Shots are placed on the cut's frames, the same ones
the timeline and the EDL use. The speaker is named on every subtitle rather than marked with a dash at
a change of speaker: a dash only tells a viewer someone else is talking, and a generated film's viewer
can't always tell who from the picture.

Text is written as the script has it: pysubs2 is told to keep "{...}" (it would otherwise read braces as
SubStation override tags and drop them), and WebVTT gets the escapes its spec requires (&amp; &lt; &gt;).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pysubs2

from core.exports.cut import Cut

MIN_LINE_MS = 800  # shortest a subtitle is held, where its shot allows: long enough to be read at a glance


def dialogue_srt(cut: Cut) -> str:
    """The cut's dialogue as a SubRip (.srt) file."""
    return _subtitles(cut, escape=lambda text: text).to_string("srt", keep_ssa_tags=True)


def dialogue_vtt(cut: Cut) -> str:
    """The cut's dialogue as a WebVTT (.vtt) file, for browsers and players."""
    return _subtitles(cut, escape=_vtt_escaped).to_string("vtt", keep_ssa_tags=True)


def line_spans(start_ms: int, end_ms: int, word_counts: list[int]) -> list[tuple[int, int]]:
    """(start, end) in ms of each line of one shot: back to back, filling the shot, shared by words.

    Args:
        start_ms, end_ms: the shot's span in the cut.
        word_counts: the words of each line, in the order spoken (a line counts as one word at least).
    Returns:
        One span per line; each at least MIN_LINE_MS long when the shot has room for that.
    """
    shares = _shares(end_ms - start_ms, [max(1, count) for count in word_counts])
    spans, elapsed = [], 0.0
    for share in shares:
        begin = start_ms + round(elapsed)
        elapsed += share
        spans.append((begin, start_ms + round(elapsed)))
    if spans:
        spans[-1] = (spans[-1][0], end_ms)
    return spans


def _subtitles(cut: Cut, escape: Callable[[str], str]) -> pysubs2.SSAFile:
    subs = pysubs2.SSAFile()
    for start_ms, end_ms, speaker, words in _timed_lines(cut):
        text = _said(speaker, words)
        subs.append(pysubs2.SSAEvent(start=start_ms, end=end_ms, text=escape(text)))
    return subs


def _said(speaker: str, words: str) -> str:
    """The subtitle's text, "MARA: words", on one line: the player wraps it to the screen."""
    name, spoken = " ".join(speaker.split()), " ".join(words.split())
    return f"{name}: {spoken}" if name else spoken


def _timed_lines(cut: Cut) -> Iterator[tuple[int, int, str, str]]:
    """(start ms, end ms, speaker, words) for every spoken line of the cut, in order."""
    for shot, (start, end) in zip(cut.shots, cut.seconds_spans()):
        lines = [(speaker, words) for speaker, words in shot.dialogue if words.strip()]
        spans = line_spans(round(start * 1000), round(end * 1000), [len(words.split()) for _, words in lines])
        for (speaker, words), (begin, finish) in zip(lines, spans):
            yield begin, finish, speaker, words


def _shares(total: float, weights: list[int]) -> list[float]:
    """`total` split in proportion to `weights`, none below MIN_LINE_MS when total allows it."""
    count = len(weights)
    if count == 0 or total < MIN_LINE_MS * count:
        return [total / count] * count if count else []
    held: set[int] = set()  # lines raised to the minimum; the others share what is left by words
    while True:
        free = [i for i in range(count) if i not in held]
        left, weight = total - MIN_LINE_MS * len(held), sum(weights[i] for i in free)
        short = {i for i in free if left * weights[i] / weight < MIN_LINE_MS}
        if not short or len(held | short) == count:
            break
        held |= short
    return [MIN_LINE_MS if i in held else left * weights[i] / weight for i in range(count)]


def _vtt_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
