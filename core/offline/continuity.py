"""The offline reader for Stage 8: which status tags each asset of a scene gains or loses, from the scene's action.

    read_tag_changes(inputs, seed) -> {"instances": [{"asset", "tags_added", "tags_cleared", "clear_all",
                                                      "carry_forward", "description_override", "evidence"}]}

One instance per asset of inputs["assets"], in order. Only action is read, never dialogue: a trigger phrase
(tag_triggers.py) happens to the sentence's subject (a name, or a pronoun resolved to the last character of
its gender), or to the asset the phrase itself names ('pushes Tomas into the river'). Negated or hoped-for
events ('doesn't fall', 'nearly slips') change nothing. Within a scene, what happens later wins: mud washed
off is gone, mud fallen in after the wash stays. Deterministic; the seed is not needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.film.screenplay import read_fountain
from core.film.status_tags import LOCATION, applies_to, replaced_by, tags_cleared_by
from core.offline.attribution import clause_subjects, named_in, opens_clause, subject_of
from core.offline.subjects import Asset, Mention, Story, cast_of, clauses, mentions
from core.offline.tag_triggers import NEGATIONS, SUBSTANCE, SUBSTANCE_TAGS, TRIGGERS, Trigger
from core.offline.text import split_sentences, without_quotes

_NO_TAGS = re.compile(r"\b(?:no|without|skip|don'?t\s+add)\s+(?:continuity\s+|status\s+)?tags\b", re.IGNORECASE)


@dataclass
class _Instance:
    """One asset's changes so far in the scene."""

    asset: Asset
    inherited: frozenset[str]
    added: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def has(self, tag: str) -> bool:
        return tag in self.added or (tag in self.inherited and tag not in self.cleared)

    def add(self, tag: str, evidence: str) -> None:
        if self.has(tag) or not applies_to(tag, self.asset.asset_type):
            return
        self.clear(replaced_by(tag), "")
        self.added.append(tag)
        self._cite(evidence)

    def clear(self, tags, evidence: str) -> None:
        gone = [tag for tag in sorted(tags) if self.has(tag)]
        for tag in gone:
            if tag in self.added:
                self.added.remove(tag)
            if tag in self.inherited and tag not in self.cleared:
                self.cleared.append(tag)
        if gone:
            self._cite(evidence)

    def _cite(self, evidence: str) -> None:
        if evidence and evidence not in self.evidence:
            self.evidence.append(evidence)

    def as_dict(self) -> dict:
        return {"asset": self.asset.name, "tags_added": list(self.added), "tags_cleared": list(self.cleared),
                "clear_all": False, "carry_forward": True, "description_override": "",
                "evidence": " … ".join(self.evidence)}


def read_tag_changes(inputs: dict, seed: int = 0) -> dict:
    """Stage 8's tag changes for one scene, read from its action lines.

    Args:
        inputs: {"scene_number", "slug", "excerpt", "action": [paragraphs], "assets": [{"name", "asset_type",
            "description", "inherited_tags"}], "guidance"}; without "action", the excerpt's action is read.
        seed: unused; the reading is the same every time.

    Returns:
        {"instances": [...]}: one per asset, in the order given.
    """
    assets = [{**asset, "name": str(asset.get("name") or "").strip()} for asset in inputs.get("assets") or []]
    action = [without_quotes(str(paragraph)) for paragraph in _action(inputs)]
    cast = cast_of(assets, "\n\n".join(action))
    scene = [_Instance(asset, frozenset(str(t) for t in raw.get("inherited_tags") or ()))
             for asset, raw in zip(cast, assets)]
    reading = _Reading(cast, scene, _setting(cast, str(inputs.get("slug") or "")),
                       adding=not _NO_TAGS.search(str(inputs.get("guidance") or "")))
    reading.read(str(inputs.get("slug") or ""), time_only=True)
    for paragraph in action:
        for sentence in split_sentences(paragraph):
            reading.read(sentence)
    return {"instances": [instance.as_dict() for instance in scene]}


def _action(inputs: dict) -> list[str]:
    """The scene's action paragraphs: given, or read from its Fountain excerpt (dialogue left out)."""
    if inputs.get("action") is not None:
        return [str(paragraph) for paragraph in inputs["action"]]
    excerpt = str(inputs.get("excerpt") or "")
    slug = str(inputs.get("slug") or "") or "INT. SCENE - DAY"
    found = read_fountain(f"{slug}\n\n{excerpt}").scenes
    return list(found[0].action) if found else []


def _setting(cast: list[Asset], slug: str) -> tuple[Asset, ...]:
    """The scene's location: the location asset its slug names, else the only one present."""
    places = [asset for asset in cast if asset.asset_type == LOCATION]
    named = [p for p in places if any(re.search(rf"\b{re.escape(a)}\b", slug, re.IGNORECASE) for a in p.aliases)]
    return tuple(named[:1] or places[:1])


@dataclass
class _Reading:
    """The scene read sentence by sentence: who is who, and what happens to them."""

    cast: list[Asset]
    scene: list[_Instance]
    setting: tuple[Asset, ...]
    adding: bool
    story: Story = field(default_factory=Story)

    def read(self, sentence: str, time_only: bool = False) -> None:
        found = mentions(sentence, self.cast)
        starts = clauses(sentence, found)
        carried = clause_subjects(sentence, found, starts, self.story)
        hits = sorted(((match.start(), not trigger.clears, n, trigger, match) for n, trigger in enumerate(TRIGGERS)
                       if not time_only or trigger.target == "everyone" for match in trigger.pattern.finditer(sentence)),
                      key=lambda hit: hit[:3])
        cleaning: list[tuple[int, int]] = []  # 'wipes the blood from his hand': that blood is being wiped away
        for start, _, _, trigger, match in hits:
            clause = max(index for index, begin in enumerate(starts) if begin <= start)
            if _negated(sentence, starts[clause], start) or any(a < start < b for a, b in cleaning):
                continue
            if trigger.clears:
                cleaning.append(match.span())
            targets = self._targets(trigger, match, sentence, found, starts[clause], carried[clause])
            self._apply(trigger, match, targets, _evidence(sentence))
        self.story.hear([m.asset for m in found if m.asset], next((s for s in reversed(carried) if s), ()))

    def _targets(self, trigger: Trigger, match: re.Match, sentence: str, found: list[Mention], clause: int,
                 carried: tuple[Asset, ...]) -> tuple[Asset, ...]:
        if trigger.target == "everyone":
            return tuple(self.cast)
        fits = _fitting(trigger)
        if trigger.target == "location":
            named = tuple(m.asset for m in found if m.asset and m.asset.asset_type == LOCATION)
            return named or self.setting
        subject = subject_of(sentence, found, clause, match, fits, self.story) or (
            tuple(a for a in carried if fits(a)) if opens_clause(sentence, clause, match.start()) else ())
        if "who" in match.re.groupindex and match.group("who") is not None:
            named = named_in(match, found, fits, subject, self.story, stop=not trigger.clears)
            return named or (subject if trigger.clears else ())
        return subject

    def _apply(self, trigger: Trigger, match: re.Match, targets: tuple[Asset, ...], evidence: str) -> None:
        for instance in (i for i in self.scene if i.asset in targets):
            if trigger.adds and self.adding:
                instance.add(trigger.adds, evidence)
            elif trigger.clears and instance.asset.asset_type in trigger.types:
                instance.clear(_cleared(trigger, match), evidence)


def _fitting(trigger: Trigger):
    """Which assets a trigger can happen to: those its tag applies to, or the types its clear reaches."""
    if trigger.adds:
        return lambda asset: applies_to(trigger.adds, asset.asset_type)
    return lambda asset: asset.asset_type in trigger.types


def _cleared(trigger: Trigger, match: re.Match) -> frozenset[str]:
    """The tags a clear ends: 'wipes the blood off' ends only 'bloody'; 'washes' ends every kind of dirt."""
    group = tags_cleared_by(trigger.clears)
    named = SUBSTANCE.search(match.group()) if trigger.clears == "wash" else None
    tag = SUBSTANCE_TAGS.get(named.group().lower()) if named else None
    return frozenset({tag}) if tag in group else group


def _negated(sentence: str, clause: int, position: int) -> bool:
    """'doesn't fall', 'not a drop of mud on him', 'nearly slips': the last few words before, in the clause."""
    before = sentence[clause:position].rsplit(",", 1)[-1]
    words = [w.lower() for w in re.findall(r"[\w'’]+", before)][-4:]
    return any(w in NEGATIONS or w.endswith(("n't", "n’t")) for w in words)


def _evidence(sentence: str) -> str:
    return sentence.strip().rstrip(".!?…;:, ")
