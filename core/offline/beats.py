"""Stage 3 offline: a beat sheet that follows the chosen treatment, sentence by sentence, in order.

The treatment's sentences are cut into consecutive groups of about equal weight, one group a beat, so
the beats read the treatment in its own order. How many beats depends on the film's length. Each beat
is labelled with its job in the arc (setup, inciting incident, ..., resolution); sentences that share
the guidance's words weigh more, so they get beats of their own and the label says why.
"""

from __future__ import annotations

import re

from core.offline.direction import Direction, read_direction
from core.offline.text import content_words, quotes, sentences, word_count

SECONDS_PER_BEAT = 15
MIN_BEATS, MAX_BEATS = 5, 16
_META_LINE = re.compile(r"^\s*(?:tone|emphasis|logline|notes?)\s*:.*$", re.IGNORECASE | re.MULTILINE)
_ACT_PREFIX = re.compile(r"(?:^|(?<=[.!?]\s))\s*(?:act\s+(?:one|two|three|four|five|[1-5]|i{1,3}|iv|v)|cold\s+open)\b\s*[.:—–-]*\s*",
                         re.IGNORECASE | re.MULTILINE)
_JOINTS = re.compile(r";\s+|,\s+(?=(?:and then|then|but|until|so|when)\s)")
_MIDDLE = ("Rising action", "Midpoint", "Complication", "Crisis")


def write_beat_sheet(inputs: dict, seed: int = 0) -> dict:
    """{"beats": [{"text", "label"}, ...]} from `inputs["treatment"]`, in the treatment's order."""
    direction = read_direction(inputs.get("guidance", ""))
    units = treatment_sentences(inputs["treatment"])
    if not units:
        raise ValueError("the treatment has no sentences to make beats from")
    count = beat_count(int(inputs.get("target_length_max") or 180), direction)
    if len(units) < count:
        units = _split_compounds(units)
    groups = _group(units, min(count, len(units)), direction)
    labels = [_label(label, group, direction) for label, group in zip(arc_labels(len(groups)), groups)]
    if direction.given and labels == arc_labels(len(groups)):  # nothing shares its words: say it was heard
        labels[0] = f"{labels[0]} (direction: {direction.note()})"
    return {"beats": [{"text": " ".join(group), "label": label} for label, group in zip(labels, groups)]}


def treatment_sentences(treatment: str) -> list[str]:
    """The story sentences of a treatment: its tone and emphasis lines and act markers left out."""
    body = _ACT_PREFIX.sub("", _META_LINE.sub("", treatment))
    return [sentence.text for sentence in sentences(body)]


def beat_count(target_seconds: int, direction: Direction = Direction()) -> int:
    """About one beat per fifteen seconds of film, five to sixteen; guidance can ask for fewer or more."""
    count = round(target_seconds / SECONDS_PER_BEAT * direction.length)
    return max(MIN_BEATS, min(MAX_BEATS, count))


def arc_labels(count: int) -> list[str]:
    """Each beat's job: setup and inciting incident first, climax and resolution last, the middle spread."""
    if count <= 3:
        return ["Setup", "Confrontation", "Resolution"][:count] if count > 1 else ["Setup"]
    if count == 4:
        return ["Setup", "Inciting incident", "Climax", "Resolution"]
    middle = count - 4
    spread = [_MIDDLE[min(len(_MIDDLE) - 1, index * len(_MIDDLE) // middle)] for index in range(middle)]
    return ["Setup", "Inciting incident", *spread, "Climax", "Resolution"]


def _split_compounds(units: list[str]) -> list[str]:
    """Long sentences cut at '; ' and ', but' so a short treatment still gives enough beats."""
    result = []
    for unit in units:
        if word_count(unit) < 14 or quotes(unit):
            result.append(unit)
            continue
        parts = [part.strip() for part in _JOINTS.split(unit) if part.strip()]
        result += [part[:1].upper() + part[1:] if index else part for index, part in enumerate(parts)]
    return [part if part[-1:] in ".!?\"”" else part + "." for part in result]


def _group(units: list[str], count: int, direction: Direction) -> list[list[str]]:
    """Consecutive groups of about equal weight; emphasised sentences weigh double."""
    weights = [max(1, word_count(unit)) * (2 if direction.words & set(content_words(unit)) else 1) for unit in units]
    total, cuts, running = sum(weights), [], 0
    for index, weight in enumerate(weights[:-1]):
        running += weight
        needed = count - 1 - len(cuts)
        remaining = len(units) - index - 1
        if needed and (running >= total * (len(cuts) + 1) / count or remaining == needed):
            cuts.append(index + 1)
    bounds = [0, *cuts, len(units)]
    return [units[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]


def _label(label: str, group: list[str], direction: Direction) -> str:
    shared = sorted(direction.words & set(content_words(" ".join(group))))
    return f"{label} (emphasis: {', '.join(shared)})" if shared else label
