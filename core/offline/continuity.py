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
from core.offline.subjects import Asset, Mention, Story, after_preposition, cast_of, clauses, mentions
from core.offline.tag_triggers import NEGATIONS, SUBSTANCE, SUBSTANCE_TAGS, TRIGGERS, Trigger
from core.offline.text import split_sentences, without_quotes

_CONNECTORS = frozenset("and then but as while whilst when so yet suddenly finally now later instead also still "
                        "soon slowly quickly just again".split())
_DETERMINERS = frozenset("the a an his her their its this that these those my your our".split())
_NO_TAGS = re.compile(r"\b(?:no|without|skip|don'?t\s+add)\s+(?:continuity\s+|status\s+)?tags\b", re.I)


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
    assets = [asset for asset in inputs.get("assets") or [] if str(asset.get("name") or "").strip()]
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
    named = [p for p in places if any(re.search(rf"\b{re.escape(a)}\b", slug, re.I) for a in p.aliases)]
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
        carried = _clause_subjects(sentence, found, starts, self.story)
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
        people = [m.asset for m in found if m.asset and m.asset.asset_type == "character"]
        self.story.hear(people, next((s for s in reversed(carried) if s), ()))

    def _targets(self, trigger: Trigger, match: re.Match, sentence: str, found: list[Mention], clause: int,
                 carried: tuple[Asset, ...]) -> tuple[Asset, ...]:
        if trigger.target == "everyone":
            return tuple(self.cast)
        fits = _fitting(trigger)
        if trigger.target == "location":
            named = tuple(m.asset for m in found if m.asset and m.asset.asset_type == LOCATION)
            return named or self.setting
        subject = _subject(sentence, found, clause, match, fits, self.story) or (
            tuple(a for a in carried if fits(a)) if _opens_clause(sentence, clause, match.start()) else ())
        if "who" in match.re.groupindex and match.group("who") is not None:
            named = _named(match, found, fits, subject, self.story, stop=not trigger.clears)
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


def _subject(sentence: str, found: list[Mention], clause: int, match: re.Match, fits, story: Story
             ) -> tuple[Asset, ...]:
    """The first name (or resolved pronoun) before the trigger in its clause that the change can happen to;
    'Drenched, Mara climbs out': the name right after an opening participle."""
    before = [m for m in found if clause <= m.start < match.start()]
    after = [m for m in found if m.start >= match.end() and not sentence[match.end():m.start].strip(" ,")]
    if not before and sentence[match.end():match.end() + 1] == ",":
        before = after[:1]
    for group in _groups(sentence, before, found, clause, story):
        chosen = tuple(asset for asset in group if fits(asset))
        if chosen:
            return chosen
    return ()


def _groups(sentence: str, candidates: list[Mention], found: list[Mention], clause: int, story: Story):
    """Candidate subjects in order, names joined by 'and' or commas taken together ('Mara and Tomas')."""
    usable = [m for m in candidates if _can_be_subject(m, sentence, found, clause)]
    index = 0
    while index < len(usable):
        group = list(_resolved(usable[index], sentence, found, story))
        while index + 1 < len(usable) and re.fullmatch(r"\s*(?:,\s*)?(?:and\s+)?|\s*,\s*", sentence[
                usable[index].end:usable[index + 1].start]):
            index += 1
            group += _resolved(usable[index], sentence, found, story)
        index += 1
        yield tuple(dict.fromkeys(group))


def _can_be_subject(mention: Mention, sentence: str, found: list[Mention], clause: int) -> bool:
    """Not an object pronoun, not after a preposition, not an owner of a named thing ("Mara's lantern")."""
    if mention.pronoun and mention.pronoun not in ("he", "she", "they"):
        return False
    if after_preposition(sentence, clause, mention.start):
        return False
    owned = next((m for m in found if m.asset and m.start > mention.end), None)
    return not (mention.possessive and owned and len(sentence[mention.end:owned.start].split()) <= 2)


def _resolved(mention: Mention, sentence: str, found: list[Mention], story: Story,
              exclude: tuple[Asset, ...] = ()) -> tuple[Asset, ...]:
    if mention.asset:
        return (mention.asset,)
    earlier = [m.asset for m in found if m.asset and m.start < mention.start]
    return story.resolve(mention.pronoun, earlier, exclude)


def _named(match: re.Match, found: list[Mention], fits, subject: tuple[Asset, ...], story: Story,
           stop: bool) -> tuple[Asset, ...]:
    """The assets a trigger's `who` names: 'Tomas' in 'pushes Tomas into the river', 'Mara and Tomas' in 'the
    rain soaks Mara and Tomas', 'his' (the subject, when it fits) in 'rips his sleeve'; an added tag looks no
    further than the first preposition."""
    start, end = match.span("who")
    text, chosen, previous = match.string, [], None
    for mention in (m for m in found if start <= m.start < end):
        if (stop and after_preposition(text, start, mention.start)) or (chosen and not _joined(text, previous, mention)):
            break
        chosen += _owner(mention, text, found, subject, story, fits)
        previous = mention if chosen else None
    return tuple(dict.fromkeys(chosen))


def _joined(text: str, previous: Mention | None, mention: Mention) -> bool:
    return previous is not None and re.fullmatch(r"\s*,?\s*(?:and\s+)?", text[previous.end:mention.start]) is not None


def _owner(mention: Mention, text: str, found: list[Mention], subject: tuple[Asset, ...], story: Story,
           fits) -> tuple[Asset, ...]:
    """Who a name or pronoun in a trigger means; 'his' and 'her' are the subject's own when the gender fits."""
    own = mention.pronoun in ("his", "her") and any(a.pronoun in (_gender(mention.pronoun), "") for a in subject)
    people = subject if own else _resolved(mention, text, found, story, exclude=subject)
    return tuple(asset for asset in people if fits(asset))


def _gender(pronoun: str) -> str:
    return "he" if pronoun in ("he", "him", "his", "himself") else "she"


def _clause_subjects(sentence: str, found: list[Mention], starts: list[int], story: Story) -> list[tuple]:
    """Each clause's subject, for a clause that opens on its verb ('then falls into the river')."""
    subjects, last = [], story.subject
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(sentence)
        own = next(iter(_groups(sentence, [m for m in found if start <= m.start < end
                                           and _leads(sentence, start, m.start)], found, start, story)), ())
        last = own or (last if _verb_first(sentence[start:end]) else ())
        subjects.append(last)
    return subjects


def _leads(sentence: str, clause: int, position: int) -> bool:
    """Whether a name opens its clause: only connectors, determiners or an introductory phrase come before."""
    before = sentence[clause:position].rsplit(",", 1)[-1]
    return all(w.lower() in _CONNECTORS | _DETERMINERS or w.lower().endswith("ly") for w in re.findall(r"\w+", before))


def _verb_first(clause: str) -> bool:
    """'then slips in the mud', 'Slips.': a clause with no subject of its own."""
    words = [w for w in re.findall(r"[\w'’-]+", clause) if w.lower() not in _CONNECTORS]
    if not words or words[0].lower() in _DETERMINERS:
        return False
    second = words[1] if len(words) > 1 else ""
    return not (words[0][0].isupper() and re.fullmatch(r"[a-z]+(?:s|ed)", second))  # 'Jonah slips'


def _opens_clause(sentence: str, clause: int, position: int) -> bool:
    return all(w.lower() in _CONNECTORS or w.lower().endswith("ly") for w in re.findall(r"\w+",
                                                                                        sentence[clause:position]))


def _negated(sentence: str, clause: int, position: int) -> bool:
    """'doesn't fall', 'not a drop of mud on him', 'nearly slips': the last few words before, in the clause."""
    before = sentence[clause:position].rsplit(",", 1)[-1]
    words = [w.lower() for w in re.findall(r"[\w'’]+", before)][-4:]
    return any(w in NEGATIONS or w.endswith(("n't", "n’t")) for w in words)


def _evidence(sentence: str) -> str:
    return sentence.strip().rstrip(".!?…;:, ")
