"""Expand mode offline: a premise grown into a sequence of scenes (set-up, turn, decision), sized to the film.

Each scene opens on when and where it happens ("That night, ... at the bay"), so Stage 4 cuts a scene
there, and is built from what the premise states: its people (named, or by role), its places, the goal,
the deadline and what stands in the way. About one scene per 40 seconds of film, three to twelve.

    faithful    every scene, in order, grouped into three acts
    condensed   set-up, turn and decision only, two sentences each, one paragraph
    heightened  a cold open on the deadline, the acts with the genre's stakes raised, ending on the decision
"""

from __future__ import annotations

import random
import re

from core.offline import arcs
from core.offline.direction import Direction
from core.offline.places import time_of_day
from core.offline.premise import Person, Premise
from core.offline.tense import third_person
from core.offline.text import capitalize_first

SECONDS_PER_SCENE = 40
MIN_SCENES, MAX_SCENES = 3, 12
_MIDDLE = ("attempt", "complication")
_ON = frozenset("train bus ship boat ferry trawler yacht raft deck platform roof rooftop island bridge".split())
_IN = frozenset("car truck van taxi cab cockpit elevator lift".split())
# (cue, how "It is ..." says it) from the start of a day to the next morning; a run ends where its deadline is
_DAY = (("In the morning", "morning"), ("At noon", "noon"), ("In the afternoon", "afternoon"),
        ("Late in the afternoon", "late afternoon"), ("At dusk", "dusk"), ("That evening", "evening"),
        ("That night", "night"), ("At midnight", "midnight"), ("Later that night", "night"), ("At dawn", "dawn"),
        ("The next morning", "morning"))
_CHOOSING = frozenset("decide choose pick determine".split())
_NIGHT_WORDS = frozenset("night midnight nightfall dusk dark storm sunset evening tide".split())
_DAWN_WORDS = frozenset("dawn sunrise daybreak morning".split())


def scene_count(seconds_min: int, seconds_max: int, direction: Direction = Direction()) -> int:
    """About one scene per 40 seconds of the target length, three to twelve; guidance can ask for more or fewer."""
    seconds = (seconds_min + seconds_max) / 2 if seconds_min else seconds_max
    return max(MIN_SCENES, min(MAX_SCENES, round(seconds / SECONDS_PER_SCENE * direction.length)))


def scene_roles(count: int) -> list[str]:
    """Each scene's job: set-up first, the turn and the decision last, attempts and complications between."""
    ending = ["turn", "decision"] + (["outcome"] if count >= 7 else [])
    opening = ["setup"] + (["want"] if count >= 4 else [])
    middle = [_MIDDLE[index % 2] for index in range(count - len(opening) - len(ending))]
    return opening + middle + ending


def expand(premise: Premise, approach: str, direction: Direction, genres: list[str], seconds: tuple[int, int],
           rng: random.Random) -> list[str]:
    """The treatment's paragraphs for one approach, expanded from the premise."""
    roles = scene_roles(scene_count(*seconds, direction))
    if approach == "condensed":
        roles = ["setup", "turn", "decision"]
    scenes = _Scenes(premise, direction, rng).write(roles)
    if approach == "condensed":
        keep = max(1, round(2 * direction.length))  # two sentences a scene; one when asked for shorter
        return [" ".join(sentence for scene in scenes for sentence in scene[:keep])]
    acts = [[sentence for scene in group for sentence in scene] for group in arcs.thirds(scenes)]
    if approach == "faithful":
        return [f"Act {number}. {' '.join(act)}" for number, act in zip(("One", "Two", "Three"), acts) if act]
    if roles[-1] == "outcome":  # heightened ends on the choice, not on how it turns out
        acts = [[sentence for scene in group for sentence in scene] for group in arcs.thirds(scenes[:-1])]
    cold_open = _deadline_line(premise, premise.lead, "Soon")
    return [f"Cold open. {cold_open}"] + arcs.heighten(acts, _filler(premise), genres, rng)


class _Scenes:
    """Writes the scenes, remembering who has been introduced and where and when the last scene was."""

    def __init__(self, premise: Premise, direction: Direction, rng: random.Random) -> None:
        self.premise, self.direction, self.rng = premise, direction, rng
        self.lead = premise.lead
        self.other = premise.others[0] if premise.others else None
        self.places = premise.places or (f"{self.lead.short}'s home" if self.lead.named else "home",)
        self.emphasis = _emphasised(premise, direction)

    def write(self, roles: list[str]) -> list[list[str]]:
        times = _timeline(self.premise, len(roles))
        scenes, previous = [], ("", "")
        for index, (role, (cue, said)) in enumerate(zip(roles, times)):
            place = self._place(index, role, len(roles))
            if (place, time_of_day(cue)) == previous and index:
                cue = "An hour later"  # the same place at the same time of day: a jump cuts the scene
            previous = (place, time_of_day(cue) or previous[1])
            self.moved = bool(index) and place != self._place(index - 1, roles[index - 1], len(roles))
            scene = getattr(self, f"_{role}")(cue, said, _setting(place))
            if role in ("attempt", "complication", "turn") and self.emphasis:
                scene.append(self._emphasis(index, _setting(place)))
            scenes.append([capitalize_first(line) for line in scene if line])
        return scenes

    def _place(self, index: int, role: str, count: int) -> str:
        if role in ("setup", "want", "decision", "outcome") or len(self.places) == 1:
            return self.places[0]
        return self.places[1 + (index % (len(self.places) - 1))]

    def _setup(self, cue: str, said: str, setting: str) -> list[str]:
        described = (f", {self.lead.description}," if self.lead.description and
                     self.lead.description.lower() not in self.premise.clauses[0].lower() else "")
        return [f"We find {self.lead.full}{described} {setting}.", self.premise.clauses[0], f"It is {said}."]

    def _want(self, cue: str, said: str, setting: str) -> list[str]:
        lead, premise = self.lead, self.premise
        lines = [f"{cue}, {setting}, {lead.short} {_verb(lead, 'makes', 'make')} a plan to {premise.goal}."
                 if premise.goal else f"{cue}, {setting}, {lead.short} {_verb(lead, 'takes', 'take')} stock."]
        lines.append(_deadline_line(premise, lead))
        if premise.purpose:
            lines.append(f"It is the only way to {premise.purpose}.")
        return lines

    def _attempt(self, cue: str, said: str, setting: str) -> list[str]:
        lead, goal = self.lead, self.premise.goal
        self.attempts = getattr(self, "attempts", 0) + 1
        if goal:
            line = (f"{cue}, {setting}, the first attempt to {goal} fails." if self.attempts == 1 else
                    f"{cue}, {setting}, {lead.short} {_verb(lead, 'tries', 'try')} again to {goal}, "
                    f"and it is still not enough.")
        else:
            line = f"{cue}, {setting}, {lead.short} {_verb(lead, 'does', 'do')} what {_verb(lead, 'was', 'were')} asked."
        arrival = (f"{capitalize_first(self.other.short)} {_verb(self.other, 'arrives', 'arrive')} {setting}."
                   if self.other else "")
        return [line, arrival]

    def _complication(self, cue: str, said: str, setting: str) -> list[str]:
        premise, lead = self.premise, self.lead
        self.complications = getattr(self, "complications", 0) + 1
        second = [clause for clause in premise.clauses[1:] if premise.obstacle and premise.obstacle in clause]
        worse = (f"{premise.threat} is getting closer" if premise.threat else "nothing goes as planned",
                 f"{lead.short} {_verb(lead, 'is', 'are')} running out of ways to {premise.goal}"
                 if premise.goal else "every way forward closes")
        if self.complications > 1:
            lines = [f"{cue}, {setting}, {worse[self.complications % 2]}."]
        elif second:
            lines = [f"{cue}, {setting}, the trouble begins.", second[0]]
        elif premise.obstacle:
            lines = [f"{cue}, {setting}, {premise.obstacle}."]
        else:
            lines = [f"{cue}, {setting}, {worse[0]}."]
        if premise.twist and not getattr(self, "twisted", False):
            self.twisted = True
            lines.append(f"{capitalize_first(lead.short)} {premise.twist}.")
        return lines

    def _turn(self, cue: str, said: str, setting: str) -> list[str]:
        premise, lead = self.premise, self.lead
        lines = [_deadline_line(premise, lead, cue, setting)]
        if premise.twist and not getattr(self, "twisted", False):  # no complication came before: the turn is the twist
            self.twisted = True
            lines.append(f"{capitalize_first(lead.short)} {premise.twist}.")
        if premise.threat and premise.threat.lower() not in (self.other.full.lower() if self.other else ""):
            lines.append(f"{capitalize_first(lead.short)} {_verb(lead, 'watches', 'watch')} {premise.threat}.")
        lines.append(f"{capitalize_first(lead.short)} {_verb(lead, 'has', 'have')} to choose.")
        return lines

    def _decision(self, cue: str, said: str, setting: str) -> list[str]:
        lead, premise = self.lead, self.premise
        faced = self.other.short if self.other else premise.threat or "what stands in the way"
        verb = _verb(lead, "confronts", "confront") if self.other else _verb(lead, "faces", "face")
        arriving = (f"{cue}, {lead.short} {_verb(lead, 'goes', 'go')} back to {setting.split(' ', 1)[1]}." if self.moved
                    else f"{cue}, {lead.short} {_verb(lead, 'is', 'are')} still {setting}.")
        lines = [arriving, f"At the last moment, {lead.short} {verb} {faced} {setting}."]
        if not premise.goal:
            lines.append(f"{capitalize_first(lead.short)} {_verb(lead, 'makes', 'make')} a choice that can't be undone.")
        elif premise.goal.split()[0].lower() in _CHOOSING:  # 'decide whether to report him': no 'decides to decide'
            lines.append(f"{capitalize_first(lead.short)} {_conjugate(premise.goal, lead)}, whatever it costs.")
        else:
            lines.append(f"{capitalize_first(lead.short)} {_verb(lead, 'decides', 'decide')} to {premise.goal}, "
                         f"whatever it costs.")
        return lines

    def _outcome(self, cue: str, said: str, setting: str) -> list[str]:
        lead, premise = self.lead, self.premise
        if not premise.goal:
            return [f"{cue}, {setting}, {lead.short} {_verb(lead, 'lives', 'live')} with what was chosen."]
        done = _conjugate(premise.goal, lead)
        before = f" before {premise.deadline}" if premise.deadline and not _is_duration(premise.deadline) else ""
        lines = [f"{cue}, {setting}, {lead.short} {done}{before}."]
        if self.other:
            lines.append(f"{capitalize_first(self.other.short)} {_verb(self.other, 'sees', 'see')} it.")
        return lines

    def _emphasis(self, index: int, setting: str) -> str:
        phrase = self.emphasis[index % len(self.emphasis)]
        lead = self.lead
        if index % 2:
            return f"Everything {setting} turns on {phrase}."
        return f"{capitalize_first(lead.short)} {_verb(lead, 'watches', 'watch')} {phrase}."


def _timeline(premise: Premise, count: int) -> list[tuple[str, str]]:
    """A cue for each scene, in the order of a day, ending where the deadline is: a night before dawn, a day
    into the night of a storm; scenes beyond the day's cues go on to the next days."""
    words = set(re.findall(r"[a-z]+", f"{premise.deadline} {premise.circumstance} {premise.obstacle}".lower()))
    if words & _DAWN_WORDS:
        run = list(_DAY[5:10])
    elif words & _NIGHT_WORDS:
        run = list(_DAY[2:9])
    else:
        run = [_DAY[0], _DAY[2], _DAY[5], _DAY[10], _DAY[2], _DAY[6]]
    if count == 1:
        return run[:1]
    picks = [round(index * (len(run) - 1) / (count - 1)) for index in range(count)]
    # more scenes than the day has cues: the same part of the day again, an hour on
    return [run[pick] if not index or pick != picks[index - 1] else ("An hour later", run[pick][1])
            for index, pick in enumerate(picks)]


def _deadline_line(premise: Premise, lead: Person, cue: str = "", setting: str = "") -> str:
    """How much time is left: 'The keeper has until the storm reaches the bay.' or, at the turn, that it is
    almost gone."""
    deadline = premise.deadline
    if not cue:
        if not deadline:
            return ""
        if _is_duration(deadline):
            return f"{capitalize_first(lead.short)} {_verb(lead, 'has', 'have')} {deadline} to {premise.goal}."
        return f"{capitalize_first(lead.short)} {_verb(lead, 'has', 'have')} until {deadline}."
    where = f" {setting}," if setting else ""
    if not deadline:
        return f"{cue},{where} time is running out for {lead.short}."
    if _is_duration(deadline):
        number = deadline.split()[0].lower()
        return f"{cue},{where} the {deadline} {'is' if number in ('one', 'a', 'an') else 'are'} almost gone."
    return f"{cue},{where} there is almost no time left before {deadline}."


def _emphasised(premise: Premise, direction: Direction) -> list[str]:
    """The guidance's words as the premise says them: 'storm' -> 'the storm'."""
    text = " ".join(premise.clauses)
    phrases = []
    for word in sorted(direction.words):
        match = re.search(rf"\b((?:the|a|an|her|his|their)\s+(?:[a-z]+\s+)?{re.escape(word)})\b", text, re.IGNORECASE)
        if match:
            phrases.append(re.sub(r"^(?:a|an)\s", "the ", match.group(1), flags=re.IGNORECASE))
        elif not any(word in name.lower().split() for name in [premise.lead.full, *(o.full for o in premise.others)]):
            phrases.append(f"the {word}")
    return phrases


def _filler(premise: Premise) -> arcs.Filler:
    other = premise.others[0].short if premise.others else ""
    return arcs.Filler(premise.lead.short, other, premise.places[0] if premise.places else "", premise.lead.plural)


def _setting(place: str) -> str:
    noun = place.split()[-1].lower()
    return f"{'on' if noun in _ON else 'in' if noun in _IN else 'at'} {place}"


def _verb(person: Person, singular: str, plural: str) -> str:
    return plural if person.plural else singular


def _conjugate(goal: str, person: Person) -> str:
    """'relight the lamp' -> 'relights the lamp' for one person, as it is for several."""
    verb, _, rest = goal.partition(" ")
    if person.plural:
        return goal
    present = {"be": "is", "have": "has"}.get(verb.lower(), third_person(verb.lower()))
    return f"{present} {rest}".strip()


def _is_duration(deadline: str) -> bool:
    return bool(re.match(r"(?:one|two|three|four|five|six|seven|a|an|\d+)\s+(?:\w+\s+)?(?:minutes?|hours?|days?|"
                         r"nights?|weeks?|months?)$", deadline, re.IGNORECASE))
