"""Camera setups: where the camera goes for a piece of a scene, and who is in frame, with what prominence.

    establishing  a wide (an extreme wide outside with nobody named), static or a slow pan; tracking if
                  someone moves; whoever is already there stands in the background
    action        an insert on a handled prop; tracking (or handheld) when someone walks or runs; a push-in on
                  a realisation; a two-shot for two people, a wide for a crowd or an empty place, else a medium
    dialogue      a two-shot for two speakers sharing a piece; for one speaker, an over-the-shoulder past the
                  person they talk to and a medium close-up single, alternating (close-up when the line is
                  hushed); a voice-over plays on whoever listens

The subject or speaker is lead, others named are supporting, the unnamed present are background (wides only).
Angles tilt only when the words look down or up. Guidance then nudges framings and moves.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from core.film.shots import CameraSpec, Framing, Movement, Prominence
from core.offline.breakdown import Cue
from core.offline.coverage import Guidance
from core.offline.shot_cues import angle, pace, realises
from core.offline.text import title_case

_HUSHED = re.compile(r"\b(?:quiet|whisper|soft|low|barely|tear|cry|crying|sob|gentl|hush|murmur|breath)\w*",
                     re.IGNORECASE)
_WIDER = {Framing.MEDIUM: Framing.WIDE, Framing.MEDIUM_CLOSE: Framing.MEDIUM, Framing.TWO_SHOT: Framing.WIDE}
_CLOSER = {Framing.MEDIUM_CLOSE: Framing.CLOSE_UP, Framing.MEDIUM: Framing.MEDIUM_CLOSE,
           Framing.OVER_THE_SHOULDER: Framing.CLOSE_UP}
_WIDE_FRAMINGS = {Framing.EXTREME_WIDE, Framing.WIDE, Framing.MEDIUM}


@dataclass(frozen=True)
class Setup:
    """A camera and who it sees: [(name, prominence)] with the lead first."""

    camera: CameraSpec
    characters: list[tuple[str, Prominence]] = field(default_factory=list)


def _people(leads: list[str], supporting: list[str] = (),
            background: list[str] = ()) -> list[tuple[str, Prominence]]:
    people: dict[str, Prominence] = {}
    for names, prominence in ((leads, Prominence.LEAD), (supporting, Prominence.SUPPORTING),
                              (background, Prominence.BACKGROUND)):
        for name in names:
            people.setdefault(name, prominence)
    return list(people.items())


def establishing(text: str, named: list[str], in_view: list[str], place: str, exterior: bool,
                 rng: random.Random) -> Setup:
    """The wide that shows where the scene is."""
    framing = Framing.EXTREME_WIDE if exterior and not named else Framing.WIDE
    movement = Movement.TRACKING if pace(text) else rng.choice([Movement.STATIC, Movement.PAN_LEFT,
                                                               Movement.PAN_RIGHT])
    note = f"establishing the {place.lower()}" if place else "establishing"
    camera = CameraSpec(framing=framing, movement=movement, angle=angle(text), note=note[:200])
    return Setup(camera, _people(named[:1], named[1:], in_view))


def action(text: str, named: list[str], lead: str | None, in_view: list[str], insert_on: str | None,
           rng: random.Random) -> Setup:
    """The setup for a stretch of action: `named` the characters it names, `lead` its subject."""
    leads = [lead] if lead else []
    others = [name for name in named if name != lead]
    if insert_on:
        hands = f"{title_case(lead)}'s hands and the {insert_on}" if lead else f"the {insert_on}"
        movement = Movement.PUSH_IN if realises(text) else Movement.STATIC
        return Setup(CameraSpec(framing=Framing.INSERT, movement=movement, note=f"on {hands}"[:200]),
                     _people(leads, others))
    framing, movement = _action_camera(text, leads + others, rng)
    background = [name for name in in_view if name not in named] if framing in _WIDE_FRAMINGS else []
    seen = " and ".join(title_case(name) for name in (leads + others)[:2 if framing == Framing.TWO_SHOT else 1])
    note = f"on {seen}" if seen and framing not in (Framing.WIDE, Framing.EXTREME_WIDE) else ""
    return Setup(CameraSpec(framing=framing, movement=movement, angle=angle(text), note=note[:200]),
                 _people(leads, others, background))


def _action_camera(text: str, people: list[str], rng: random.Random) -> tuple[Framing, Movement]:
    moving = pace(text)
    if moving == "run":
        framing = Framing.WIDE if len(people) > 1 or not people else Framing.MEDIUM
        return framing, rng.choice([Movement.TRACKING, Movement.HANDHELD])
    if moving == "walk":
        return (Framing.WIDE if len(people) > 2 or not people else Framing.MEDIUM), Movement.TRACKING
    if not people or len(people) > 2:
        return Framing.WIDE, Movement.STATIC
    if realises(text):
        return Framing.MEDIUM_CLOSE, Movement.PUSH_IN
    return (Framing.TWO_SHOT if len(people) == 2 else Framing.MEDIUM), Movement.STATIC


def dialogue(cues: tuple[Cue, ...], partner: str | None, in_view: list[str], ots_turn: bool) -> Setup:
    """The setup for some of an exchange's cues.

    Args:
        partner: who a lone speaker talks to (the other side of the exchange), if anyone.
        in_view: who is in the scene's view now (a voice-over plays on them).
        ots_turn: whether this speaker's turn takes the over-the-shoulder rather than the single.
    """
    speakers = list(dict.fromkeys(cue.speaker for cue in cues if cue.on_screen))
    if not speakers:
        return _listening(cues, in_view)
    if len(speakers) == 2:
        return Setup(CameraSpec(framing=Framing.TWO_SHOT), _people(speakers))
    if len(speakers) > 2:
        background = [name for name in in_view if name not in speakers]
        return Setup(CameraSpec(framing=Framing.MEDIUM, note="on the group"), _people(speakers, (), background))
    speaker = speakers[0]
    if partner and ots_turn:
        note = f"over {title_case(partner)}'s shoulder onto {title_case(speaker)}"
        return Setup(CameraSpec(framing=Framing.OVER_THE_SHOULDER, note=note[:200]), _people([speaker], [partner]))
    hushed = any(_HUSHED.search(cue.parenthetical) for cue in cues)
    framing = Framing.CLOSE_UP if hushed else Framing.MEDIUM_CLOSE
    return Setup(CameraSpec(framing=framing, note=f"on {title_case(speaker)}"[:200]), _people([speaker]))


def _listening(cues: tuple[Cue, ...], in_view: list[str]) -> Setup:
    """A voice heard, not seen: the camera stays on whoever listens (on the place when nobody does)."""
    heard = {cue.speaker for cue in cues}
    listeners = [name for name in in_view if name not in heard]
    if not listeners:
        return Setup(CameraSpec(framing=Framing.WIDE, note="the voice over the place"))
    framing = Framing.MEDIUM_CLOSE if len(listeners) == 1 else (
        Framing.TWO_SHOT if len(listeners) == 2 else Framing.MEDIUM)
    note = f"on {title_case(listeners[0])}, listening"
    return Setup(CameraSpec(framing=framing, note=note[:200]), _people(listeners[:1], listeners[1:3]))


def nudged(setup: Setup, guidance: Guidance) -> Setup:
    """The setup with the guidance's camera wishes applied (inserts keep their framing and stillness)."""
    camera = setup.camera
    if camera.framing == Framing.INSERT:
        return setup
    framing, movement = camera.framing, camera.movement
    if guidance.closer:
        framing = _CLOSER.get(framing, framing)
    elif guidance.closer is False and framing == Framing.CLOSE_UP:
        framing = Framing.MEDIUM_CLOSE
    if guidance.wider:
        framing = _WIDER.get(framing, framing)
    if guidance.handheld:
        movement = Movement.HANDHELD
    elif guidance.static:
        movement = Movement.STATIC
    characters = setup.characters
    if framing in (Framing.CLOSE_UP, Framing.MEDIUM_CLOSE) and framing != camera.framing:
        characters = [(name, p) for name, p in characters if p == Prominence.LEAD]  # pushed in: only the lead
    elif framing not in _WIDE_FRAMINGS | {Framing.TWO_SHOT, Framing.OVER_THE_SHOULDER}:
        characters = [(name, p) for name, p in characters if p != Prominence.BACKGROUND]
    return Setup(camera.model_copy(update={"framing": framing, "movement": movement}), characters)
