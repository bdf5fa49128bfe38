"""Quoted speech in prose, as screenplay dialogue: who says it, how, and the action around it.

    split_speech('"Run," Mara whispered, and grabbed the lantern.', cast, None)
      -> ("Mara grabbed the lantern.", [Speech("MARA", "Run.", "whispering")])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.offline.names import HE_PEOPLE, SHE_PEOPLE, Character, name_pattern
from core.offline.premise import is_person_role
from core.offline.text import (
    SPEECH_VERBS,
    STOPWORDS,
    TELLING_VERBS,
    capitalize_first,
    ensure_period,
    quotes,
    without_quotes,
)

UNNAMED_SPEAKER = "VOICE"
NARRATOR = "NARRATOR"  # who says 'I said' in a story told in the first person
_MANNERS = {
    "whispered": "whispering", "whispers": "whispering", "shouted": "shouting", "shouts": "shouting",
    "yelled": "yelling", "yells": "yelling", "muttered": "muttering", "mutters": "muttering",
    "murmured": "murmuring", "murmurs": "murmuring", "screamed": "screaming", "screams": "screaming",
    "snapped": "snapping", "snaps": "snapping", "pleaded": "pleading", "pleads": "pleading",
    "laughed": "laughing", "laughs": "laughing", "sighed": "sighing", "sighs": "sighing",
    "begged": "begging", "begs": "begging", "warned": "warning", "warns": "warning",
}
_PRONOUNS = r"he|she|they|I|we|He|She|They|We"
_PRONOUN_WORDS = frozenset("he she they i we".split())
_VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_ADDRESSEE = r"(?:\s+to\s+(?:the\s+|her\s+|his\s+|their\s+)?[\w'’]+)?"  # 'whispered to the captain'


@dataclass(frozen=True)
class Speech:
    cue: str  # "MARA"
    line: str  # what is said
    manner: str = ""  # "whispering", for a parenthetical


@dataclass
class Exchange:
    """The conversation so far, across sentences: who spoke last, and the last man and woman named."""

    speakers: list[str] = field(default_factory=list)  # cues of the recent speeches, latest last, no repeats
    spoke: bool = False  # whether the sentence before held speech
    fresh: Character | None = None  # the character the sentence before named last
    named: dict[str, Character] = field(default_factory=dict)  # "he"/"she"/"" -> the last named so
    present: list[str] = field(default_factory=list)  # cues of the characters the scene has named, latest last
    unnamed: dict[str, str] = field(default_factory=dict)  # "he"/"she"/"" -> the last person named by role only
    last_line: str = ""  # the last line spoken
    narrator: str = ""  # the cue of the one telling the story in the first person, once the narration names them

    def cut(self) -> None:
        """A new scene: the talk so far is over, though who 'she' is carries on."""
        self.speakers, self.spoke, self.fresh, self.present = [], False, None, []

    def other(self) -> str | None:
        """In an ongoing two-person exchange, the one who didn't speak last."""
        if not self.spoke or not self.speakers:
            return None
        if len(self.speakers) > 1:
            return self.speakers[-2]
        # one has spoken: the answer is the one named most lately beside them ('Tomas came aboard. "You are late,"
        # Ines said. "The tide was against me."')
        return next((cue for cue in reversed(self.present) if cue != self.speakers[-1]), None)

    def stranger(self, pronoun: str) -> str | None:
        """'the stranger' for 'he said' when the story names no man: the cue of the last person met only by what
        they are ('STRANGER'), if 'he' or 'she' can be them."""
        return self.unnamed.get(pronoun) or self.unnamed.get("")

    def hear(self, narration: str, cast: list[Character], speeches: list[Speech]) -> None:
        telling = _SELF_NAMING.search(without_quotes(narration))
        self.narrator = (_self_named(telling.group(0), cast) if telling else None) or self.narrator
        for role, pronoun in _roles_met(narration):
            self.unnamed = {key: cue for key, cue in self.unnamed.items() if key != pronoun} | {pronoun: role}
        named = [character for _, character in _mentions(narration, cast)]
        for character in named:
            self.named[character.pronoun] = character
            self.present = [*(cue for cue in self.present if cue != character.cue), character.cue]
        subject = _subject_pronoun(narration)
        still = self.fresh if subject and self.fresh and self.fresh.pronoun in (subject, "") else None
        if subject and not still and (self.named.get(subject) or not self.stranger(subject)):
            still = self.named.get(subject) or _only(subject, cast)  # 'She took the orange.': the last woman named
        self.fresh = still or (named[0] if named else None)  # 'Kit rode out. He had Biscuit.': still Kit
        speaker = next((c for speech in speeches[-1:] for c in cast if c.cue == speech.cue), None)
        if speaker:  # who just spoke is who 'he' or 'she' means next
            self.fresh = speaker
            self.named[speaker.pronoun] = speaker
        for speech in speeches:
            if not self.speakers or self.speakers[-1] != speech.cue:
                self.speakers = [*self.speakers[-3:], speech.cue]
        self.spoke = bool(speeches)
        self.last_line = speeches[-1].line if speeches else self.last_line


def split_speech(sentence: str, cast: list[Character], last_named: Character | None,
                 exchange: Exchange | None = None) -> tuple[str, list[Speech]]:
    """The sentence's action (speech and speech tags removed) and its speeches, in order.

    Given the `exchange` so far, a pronoun tag means the last man or woman named, an untagged line in an
    ongoing exchange goes to the other speaker, and a line nobody can be said to speak stays in the action.
    """
    sentence = _close_stray_quote(sentence.strip())
    spans = quotes(sentence)
    if not spans:
        if exchange is not None:
            exchange.hear(sentence, cast, [])
        return sentence, []
    segments = _segments(sentence, spans)
    speeches: list[Speech] = []
    for number, (start, end, line) in enumerate(spans):
        before, after = segments[number], segments[number + 1]
        told_after = not _closed(line, after)
        tag = (_tag_after(after) if told_after else None) or _tag_before(before)
        speaker = _self_named(line, cast) or _speaker(tag, sentence[:start], sentence[end:], cast, last_named,
                                                       exchange, speeches)
        speaker = _answering_to_a_name(line, speaker, cast, exchange, speeches)
        if speaker is None:  # reported speech: the line stays where the prose put it
            segments[number] = f"{before} {sentence[start:end]}"
            continue
        manner = (_MANNERS.get(tag[1].lower(), "") or _manner_phrase(after, before)) if tag else ""
        speeches.append(Speech(speaker, _spoken(line), manner))
        segments[number] = _strip_tag_before(before)
        segments[number + 1] = _strip_tag_after(after) if told_after else after
    if exchange is not None:
        exchange.hear(without_quotes(sentence), cast, speeches)
    return _action(segments), speeches


def _close_stray_quote(sentence: str) -> str:
    """A quote opened and never closed runs to the end of the sentence; a lone closing quote starts it."""
    if sentence.count('"') % 2:
        last = sentence.rindex('"')
        opening = last == 0 or sentence[last - 1].isspace() or sentence[last - 1] in "(—–-"
        return f'{sentence}"' if opening else f'"{sentence}'
    if sentence.count("“") > sentence.count("”"):
        return f"{sentence}”"
    if sentence.count("”") > sentence.count("“"):
        return f"“{sentence}"
    return sentence


def _segments(sentence: str, spans: list[tuple[int, int, str]]) -> list[str]:
    bounds = [0] + [edge for start, end, _ in spans for edge in (start, end)] + [len(sentence)]
    return [sentence[bounds[i]:bounds[i + 1]] for i in range(0, len(bounds), 2)]


def _closed(line: str, after: str) -> bool:
    """'"Same as always." He laughed and…': a line that ends on a full stop ends its sentence; what follows with a
    capital is the next one, not the line's tag ('"Same as always," he laughed' is one)."""
    told = re.match(r"\s*(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|[Hh]e|[Ss]he|I|[Ww]e|[Tt]hey)\s+(\w+)", after)
    return line.rstrip().endswith(".") and bool(re.match(r"\s*[A-Z]", after)) and not (
        told and told.group(1).lower() in TELLING_VERBS)


def _tag_after(text: str) -> tuple[str, str] | None:
    """'", Mara whispered' or '", said Mara' just after a quote: (who, verb)."""
    match = re.match(rf"\s*[,!?.]?\s*(?:([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+({_VERBS})\b"
                     rf"|({_VERBS})\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\b)", text)
    if not match:
        return None
    return (match.group(1), match.group(2)) if match.group(2) else (match.group(4), match.group(3))


def _tag_before(text: str) -> tuple[str, str] | None:
    """'Mara whispered, "' or 'Said her brother Luc, leaning in the doorway, "' just before a quote: (who, verb)."""
    match = re.search(rf"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+(?:\w+ly\s+)?({_VERBS})"
                      rf"(?:\s+\w+ly)?{_ADDRESSEE}\s*[,:]?\s*$", text)
    if match:
        return match.group(1), match.group(2)
    inverted = _INVERTED_BEFORE.match(text)
    return (inverted.group("who"), inverted.group("verb").lower()) if inverted else None


# The tag put first, as novels do: 'Said her brother Luc, leaning in the doorway, "…"'. What the speaker is seen
# doing ('leaning in the doorway') stays as action; the telling ('Said') goes.
_INVERTED_BEFORE = re.compile(
    rf"^\s*(?P<verb>(?i:{_VERBS}))\s+(?P<called>(?:(?:the|her|his|their|my|our|your)\s+(?:[a-z][\w'’-]*\s+){{0,2}})?)"
    rf"(?P<who>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)(?:\s*,\s*(?P<doing>[a-z]+ing\b[^\"“”]*?))?\s*[,:]?\s*$")


# how a line is said, written after its tag: 'Rose said without looking up', 'he said with a shrug'
_HOW = r"(?:without|with)\s+(?:(?!and\b|then\b)[a-z'’-]+\s*){1,4}?(?=\s*(?:[,.;:!?]|and\b|then\b|$))"
_TAG_MANNER = re.compile(rf"(?:(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+(?i:{_VERBS})"
                         rf"|(?i:{_VERBS})\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)(?:\s+\w+ly)?{_ADDRESSEE}"
                         rf"\s+(?P<how>{_HOW})")


def _manner_phrase(after: str, before: str) -> str:
    """'without looking up' from '", Rose said without looking up.' (or from a tag before the line)."""
    found = _TAG_MANNER.match(after.lstrip(' ,!?.')) or _TAG_MANNER.search(before)
    return " ".join(found.group("how").split()) if found else ""


_ROLE = r"(?:[Tt]he|[Aa]n?)\s+(?:[a-z]+\s+)?[a-z]+"
_ROLE_TELLING = rf"{_ROLE}\s+(?:{_VERBS})"  # '", the boy asked', 'The old keeper said, "'
_HOWEVER = r"(?:\s+(?:\w+ly|together|again|at once|at last))?"  # 'said quietly', 'the twins said together'
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?"
_TAG_AFTER = re.compile(
    rf"^\s*[,!?.]?\s*(?:(?P<who>{_NAME}|{_PRONOUNS}|{_ROLE})\s+(?:{_VERBS})"
    rf"|(?:{_VERBS})\s+(?P<named>{_NAME}|(?:the|a|an)\s+(?:[a-z'’]+\s+){{0,2}}[a-z]+))\b"
    rf"{_HOWEVER}{_ADDRESSEE}(?:\s+{_HOW})?\s*[,.]?\s*(?P<and>and\s+)?")


def _strip_tag_after(text: str) -> str:
    """The line's tag taken from what follows it; who said it stays as the subject of what they do next:
    '", Mara whispered, and grabbed the lantern.' -> ' Mara grabbed the lantern.'"""
    tag = _TAG_AFTER.match(text)
    if not tag:
        return text
    doer, rest = tag.group("who") or tag.group("named"), text[tag.end():]
    if tag.group("and"):
        return f" {doer} {rest}"
    if re.match(r"[a-z]+ing\b", rest) and doer.lower() not in _PRONOUN_WORDS:
        return f" {doer}, {rest}"  # '", Finn said, turning the page to the light.' -> 'Finn, turning the page…'
    return f" {rest}"


def _strip_tag_before(text: str) -> str:
    inverted = _INVERTED_BEFORE.match(text)
    if inverted:
        doing = inverted.group("doing")
        return f"{inverted.group('called')}{inverted.group('who')}, {doing}" if doing else ""
    return re.sub(rf"(?:,?\s*(?:and\s+)?)(?:(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+(?:\w+ly\s+)?"
                  rf"(?:{_VERBS})|{_ROLE_TELLING}){_HOWEVER}{_ADDRESSEE}\s*[,:]?\s*$", "", text)


_SELF_NAMING = re.compile(r"\b(?:I'm|I’m|I am|[Mm]y name is|[Mm]y name's|[Cc]all me)"
                          r"\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)")


_ASKS_NAME = re.compile(r"\b(?:what(?:'s|’s| is) your name|who are you|your name\?)", re.IGNORECASE)


def _answering_to_a_name(line: str, speaker: str | None, cast: list[Character], exchange: Exchange | None,
                         said: list[Speech]) -> str | None:
    """'"What's your name?" / "Alfie," he said.': someone known only by what they are ('the boy') who answers
    with a name the story uses is that character from this line on."""
    asked = said[-1].line if said else (exchange.last_line if exchange else "")
    answer = re.match(r"\s*([A-Z][\w'’-]*)\s*[,.!]?", line)
    if speaker is None or not answer or not _ASKS_NAME.search(asked) or any(c.cue == speaker for c in cast):
        return speaker
    named = _character(answer.group(1), cast)
    if named is None:
        return speaker
    if exchange is not None:
        exchange.unnamed = {key: named.cue if cue == speaker else cue for key, cue in exchange.unnamed.items()}
    return named.cue


def _self_named(line: str, cast: list[Character]) -> str | None:
    """'I'm Kit. That's Biscuit.': whoever names themselves in a line is the one saying it."""
    match = _SELF_NAMING.search(line)
    if not match:
        return None
    said = match.group(1).lower()
    named = next((c for c in cast if said in c.aliases or said.split()[0] in c.aliases), None)
    return named.cue if named else None


def _speaker(tag: tuple[str, str] | None, before: str, after: str, cast: list[Character],
             last_named: Character | None, exchange: Exchange | None, said: list[Speech]) -> str | None:
    """Who says a line: the tag's name; a pronoun's referent; the speaker a moment ago in this sentence; the
    character this sentence names; the other side of the exchange; else the character just named."""
    if tag and tag[0].lower() not in _PRONOUN_WORDS:
        named = _tag_name(tag[0], cast)
        if named:
            return named
    if tag and tag[0].lower() in ("i", "we"):
        # '"Then it's broken," I said': the one telling the story ('My name is Tomas'), never whoever was named last
        return (exchange.narrator if exchange else "") or NARRATOR
    if tag and exchange is not None and tag[0].lower() in ("he", "she"):
        met = _met_before_anyone_named(tag[0].lower(), before, cast, exchange)
        if met:
            return met
        referent = _referent(tag[0].lower(), before, cast, exchange)
        if referent:
            return referent.cue
    if said:
        return said[-1].cue  # '"Let them," Jonah replied. "It took enough."'
    if exchange is None:
        chosen = _nearest(before, after, cast) or last_named
        return chosen.cue if chosen else UNNAMED_SPEAKER
    narration = without_quotes(f"{before} {after}").strip(" ,.;:!?")
    here = _mentions(without_quotes(before), cast) or _mentions(without_quotes(after), cast)
    if here:
        return here[0][1].cue  # the sentence's subject: 'Mara turned to Tomas: "You came back."'
    subject = _subject_pronoun(without_quotes(before)) or (tag[0].lower() if tag else "")
    if subject in ("he", "she"):  # 'He held it out to her. "I'm sorry."'
        met = _met_before_anyone_named(subject, before, cast, exchange)
        referent = None if met else (exchange.fresh if exchange.fresh and exchange.fresh.pronoun in (subject, "")
                                     else None) or exchange.named.get(subject) or _only(subject, cast)
        referent = referent or (None if met else exchange.named.get(""))
        return referent.cue if referent else met
    role = _role(before, after)
    if role:
        return role  # '"Are you lost?" the boy asked.'
    if not narration and exchange.other():
        return exchange.other()  # a bare line in an ongoing exchange: the other speaker's turn
    if exchange.fresh:
        return exchange.fresh.cue
    if not narration and exchange.spoke and exchange.speakers:
        return exchange.speakers[-1]
    return None


_MET = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+((?:[a-z][\w'’-]*[\s,]*){1,3})")


def _roles_met(narration: str) -> list[tuple[str, str]]:
    """(cue, pronoun) for each person the narration names by what they are: 'the stranger' -> ('STRANGER', ''),
    'an old woman' -> ('WOMAN', 'she'); 'my sister Agnes' names someone, and 'a gold watch' no one."""
    found = []
    for match in _MET.finditer(narration):
        words = re.findall(r"[a-z][\w'’-]*", match.group(1))
        at = next((index for index, word in enumerate(words) if word in STOPWORDS or is_person_role(word)), None)
        if at is None or words[at] in STOPWORDS or re.match(r"\s*[A-Z]", narration[match.end():]) and at == len(
                words) - 1:
            continue  # no person, or one with their name after it ('the keeper Mara')
        role = words[at]
        found.append((role.upper(), "she" if role in SHE_PEOPLE else "he" if role in HE_PEOPLE else ""))
    return found


def _only(pronoun: str, cast: list[Character]) -> Character | None:
    """The one woman (or man) in the cast, if there is exactly one."""
    matching = [character for character in cast if character.pronoun == pronoun]
    return matching[0] if len(matching) == 1 else None


def _subject_pronoun(narration: str) -> str:
    """'he' for 'He gestured to the chair.', '' when the narration doesn't open with a pronoun."""
    match = re.match(r"\W*(he|she)\b", narration, re.IGNORECASE)
    return match.group(1).lower() if match else ""


def _role(before: str, after: str) -> str | None:
    """A speaker the prose names by what they are: '", the boy asked', '", asked a man's voice' or 'The old keeper
    said, "' -> 'BOY', 'VOICE', 'KEEPER'."""
    match = (re.match(rf"\s*[,!?.]?\s*(?:the|a|an)\s+((?:[a-z]+\s+)?[a-z]+)\s+(?:{_VERBS})\b", after)
             or re.match(rf"\s*[,!?.]?\s*(?:{_VERBS})\s+(?:the|a|an)\s+((?:[a-z'’]+\s+){{0,2}}[a-z]+)\b", after)
             or re.search(rf"\b(?:[Tt]he|[Aa]n?)\s+((?:[a-z]+\s+)?[a-z]+)\s+(?:{_VERBS})\s*[,:]?\s*$", before))
    return match.group(1).split()[-1].upper() if match else None


def _tag_name(name: str, cast: list[Character]) -> str | None:
    """The cue for a name in a tag: the cast member it names, or the name itself ('said Tomas')."""
    words = [word for word in name.split() if word.lower() not in STOPWORDS]
    character = _character(" ".join(words), cast) if words else None
    if character:
        return character.cue
    return " ".join(words).upper() if words else None


def _answering(candidate: Character, pronoun: str, cast: list[Character], exchange: Exchange) -> Character | None:
    """'"Turn it up," Ilse said. / "It's only static," she said.': a 'she said' right after the last woman named
    has spoken is the other woman of the exchange answering her, when there is one."""
    if not exchange.spoke or not exchange.speakers or exchange.speakers[-1] != candidate.cue:
        return None
    return next((c for cue in reversed(exchange.present) for c in cast
                 if c.cue == cue and cue != candidate.cue and c.pronoun == pronoun), None)


def _met_before_anyone_named(pronoun: str, before: str, cast: list[Character], exchange: Exchange) -> str | None:
    """'he said' when the story has met a stranger and named no man yet: the stranger, not the one man the
    story will name later."""
    here = [c for _, c in _mentions(without_quotes(before), cast) if c.pronoun in (pronoun, "")]
    fresh = exchange.fresh if exchange.fresh and exchange.fresh.pronoun in (pronoun, "") else None
    if here or fresh or exchange.named.get(pronoun):
        return None
    return exchange.stranger(pronoun)


def _referent(pronoun: str, before: str, cast: list[Character], exchange: Exchange) -> Character | None:
    """'she said': the last woman named (in this sentence, else before it); else whoever was named last."""
    here = [character for _, character in _mentions(without_quotes(before), cast)]
    match = [character for character in here if character.pronoun == pronoun]
    if match:
        return match[-1]
    candidate = exchange.named.get(pronoun) or _only(pronoun, cast)
    if candidate:
        return _answering(candidate, pronoun, cast, exchange) or candidate
    unknown = [character for character in here if not character.pronoun]
    if unknown:
        return unknown[-1]
    turn = exchange.other()  # '"You are late," Ines said. "The tide." "It always is," she said.': her turn again
    answering = next((c for c in cast if c.cue == turn and c.pronoun in ("", pronoun)), None)
    return answering or exchange.named.get("")


def _mentions(text: str, cast: list[Character]) -> list[tuple[int, Character]]:
    """(position, character) for each character a text names, in order of first mention."""
    found = []
    for character in cast:
        positions = [match.start() for alias in character.aliases
                     if (match := re.search(rf"\b{name_pattern(alias)}\b", text, re.IGNORECASE))]
        if positions:
            found.append((min(positions), character))
    return sorted(found, key=lambda item: item[0])


def _character(name: str, cast: list[Character]) -> Character | None:
    lowered = name.lower()
    return next((c for c in cast if lowered in c.aliases or lowered.split()[0] in c.aliases), None)


def _nearest(before: str, after: str, cast: list[Character]) -> Character | None:
    best: tuple[int, Character] | None = None
    for character in cast:
        for alias in character.aliases:
            for match in re.finditer(rf"\b{name_pattern(alias)}\b", before, re.IGNORECASE):
                distance = len(before) - match.end()
                best = min(best, (distance, character), key=lambda item: item[0]) if best else (distance, character)
            match = re.search(rf"\b{name_pattern(alias)}\b", after, re.IGNORECASE)
            if match:
                distance = match.start() + 10  # a name after the quote is a weaker claim than one before
                best = min(best, (distance, character), key=lambda item: item[0]) if best else (distance, character)
    return best[1] if best else None


def _spoken(line: str) -> str:
    line = line.strip().rstrip(",;:")
    return ensure_period(capitalize_first(line))


def _action(segments: list[str]) -> str:
    text = " ".join(" ".join(segments).split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"^[,.;:!?\s]+|[,;:\s]+$", "", text)
    text = re.sub(r"([,;:])(?=[.!?])|([,;:])\s*([,;:])", lambda m: m.group(2) or "", text)
    if len(re.findall(r"\w+", text)) < 2:
        return ""
    return ensure_period(capitalize_first(text))
