"""Who is in a story: character names found in the creator's own text.

A name is a run of capitalised words, not a stopword, that is used at least once where a capital
can't be explained by grammar (mid-sentence, not after an opening quote), or is introduced
("a fisherman named Jonah", "called Wren"), or speaks ('Mara said'). Words in capitals alone are
emphasis, not names. Runs that mostly follow place prepositions ("in Lisbon") or end in a place
noun ("Harbor Street") are places, not people. Short forms join the full name they belong to:
"Mara" and "Mara Quinn" are one character.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from core.offline.places import PLACE_NOUNS
from core.offline.tense import IRREGULAR_PAST
from core.offline.text import SPEECH_VERBS, STOPWORDS, as_double_quotes, sentences, without_quotes

SHE_TITLES = frozenset("mrs ms miss madam madame lady dame queen princess duchess aunt auntie sister mother grandma "
                       "granny nana".split())
HE_TITLES = frozenset("mr mister sir lord king prince duke uncle brother father grandpa".split())
TITLES = SHE_TITLES | HE_TITLES | frozenset("""
mx dr doctor prof professor captain capt detective det officer inspector sergeant sgt lieutenant lt colonel col
major general admiral commander chief sheriff judge agent nurse reverend rev pastor rabbi imam cousin
""".split())
_SHE_RELATIONS = frozenset("daughter sister mother wife girlfriend aunt grandmother niece widow bride queen".split())
_HE_RELATIONS = frozenset("son brother father husband boyfriend uncle grandfather nephew widower groom king".split())
_HE = frozenset("he him his himself".split())
_SHE = frozenset("she her hers herself".split())
_DETERMINERS = frozenset("a an the this that his her their our my your its".split())
_DEMONYM = re.compile(r"(?:ish|ese|ian|ean|ic)$")  # Danish, Japanese, Parisian, Korean, Icelandic
_PLACE_PREPOSITIONS = frozenset("in at on from into inside outside near across through toward towards onto reach "
                                "reached reaches reaching beyond past".split())  # "reached Mercy Wells"
_INTRODUCERS = frozenset("named called".split())
_DESCRIBING = frozenset("the a an his her their our my".split())  # 'Grace, the youngest,': who someone is
_MOTION = frozenset("""
sail sails sailed sailing fly flies flew flying travel travels travelled traveled travelling traveling drive drives
drove driving row rows rowed rowing ship ships shipped emigrate emigrates emigrated move moves moved moving head
heads headed heading journey journeys journeyed flee flees fled fleeing escape escapes escaped deliver delivers
delivered
""".split())  # journeys that go to places; people are walked or run to ('ran to Ana')
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\.?|[\"“”'‘(\[:;,.!?—–-]")
_ABBREVIATIONS = frozenset("st sr jr mt vs etc inc ltd co ave rd no".split())
_COMMON_OPENERS = frozenset("""
rain snow wind fog mist smoke thunder lightning night morning evening dawn dusk silence darkness light water fire
time nothing everything everyone someone people nobody somebody hours days weeks years minutes seconds footsteps
voices music sunlight moonlight shadows waves bells doors things
""".split())
_OPENERS = frozenset("\"“'‘([:")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")


@dataclass
class Character:
    """A named character: the full name, the short forms used, and where it first appears."""

    name: str
    aliases: set[str] = field(default_factory=set)  # lower-case forms: {"mara quinn", "mara"}
    mentions: int = 0
    first_sentence: int = 0
    first_offset: int = 0  # position of the first mention within that sentence
    introduced: bool = False
    speaks: bool = False
    pronoun: str = ""  # "he" or "she", as the text refers to them; "" when it never says

    @property
    def cue(self) -> str:
        """The screenplay cue: the first name in capitals; a title with one name stays ('DR. OKAFOR', 'AUNT MAY')."""
        words = self.name.split()
        parts = [part for part in self.name.replace(".", "").split() if part.lower() not in TITLES]
        if len(parts) == 1 and len(words) == 2 and words[0].lower().rstrip(".") in TITLES:
            return self.name.upper()
        return (parts[0] if parts else self.name).upper()


@dataclass
class _Run:
    words: list[str]
    sentence: int
    opener: bool  # first word of a sentence or of a quote
    offset: int  # token position within the sentence
    previous: str  # the lower-cased token before the run
    following: str  # the lower-cased token after the run
    possessive: bool = False  # "Mara's"
    journey: bool = False  # after 'to' in a sentence of travel: "sail the boat to Tangier"
    described: bool = False  # followed by who they are: "Grace, the youngest, stared"


@lru_cache(maxsize=64)
def find_characters(text: str) -> tuple[Character, ...]:
    """The characters named in a text, in order of first appearance."""
    text = as_double_quotes(text)
    runs = [run for sentence in sentences(text) for run in _capitalised_runs(sentence.text, sentence.index)]
    stats = _split_opening_words(_tally(runs))
    lowercase = {word for word in re.findall(r"[^\W\d_]+", text) if word.islower()}
    chosen = [key for key, stat in stats.items() if _is_character(key, stat, lowercase)]
    chosen = [key for key in chosen if not _word_before_a_name(key, stats[key], chosen)]
    chosen = [key for key in chosen if not _only_how_someone_is_called(key, text)]
    characters = _merge_short_forms(chosen, stats)
    _add_bare_names(characters)
    _read_pronouns(text, characters)
    return tuple(characters)


_KIN_CALLED = frozenset("""
mum mom mommy mummy mother mama ma dad daddy father papa pa gran granny grandma grandmother nan nana grandad
granddad grandpa grandfather auntie uncle sis bro son honey darling
""".split())


def _only_how_someone_is_called(key: str, text: str) -> bool:
    """'"Hello, Mum," she said.' / '"Grandad says…"': a kinship word written like a name only inside speech
    is how someone is called (often a character named elsewhere), not a character of its own."""
    if key not in _KIN_CALLED:
        return False
    return not re.search(rf"\b{re.escape(key)}\b", without_quotes(text), re.IGNORECASE)


# one-word names that are everyday words too: in prose the name has its capital, the word doesn't
_WORD_NAMES = frozenset("""
will may rose mark hope grace faith joy jack bill pat sue art dawn iris violet heather ivy holly lily daisy ruby amber
pearl ray rob drew gene guy hunter miles chase cliff dean frank grant lance robin jay sandy brook piper summer autumn
june april august max earl penny crystal sky river storm wren rusty
""".split())


def name_pattern(alias: str) -> str:
    """A name form as a regular expression for `re.IGNORECASE` searches: any case, except a one-word name that
    is also an everyday word, which must keep its capital ('Will', 'WILL'), so 'she will go' or 'the sun rose'
    don't put Will or Rose in a scene."""
    word = " ".join(alias.split())
    if word.lower() not in _WORD_NAMES and word.lower() not in STOPWORDS:
        return re.escape(word)
    return rf"(?-i:{re.escape(word[:1].upper())}(?i:{re.escape(word[1:])}))"


def same_person(name: str, other: str) -> bool:
    """Whether two names can be one person: 'Dr. Lee', 'LEE' and 'Lee' can; 'Mr. Okafor' and 'Mrs. Okafor' can't."""
    bare, other_bare = _bare(name.lower()), _bare(other.lower())
    if not bare or not other_bare or not (set(bare) <= set(other_bare) or set(other_bare) <= set(bare)):
        return False
    return not ({_title_pronoun(name), _title_pronoun(other)} >= {"he", "she"})


def pronoun_for(name: str) -> str:
    """'she' for 'Mrs. Okafor' or 'Aunt May', 'he' for 'Uncle Will', '' when the title doesn't say."""
    return _title_pronoun(name)


def find_place_names(text: str) -> list[str]:
    """Capitalised place names: 'Lisbon' in 'sailed to Lisbon', 'Harbor Street'."""
    runs = [run for sentence in sentences(text) for run in _capitalised_runs(sentence.text, sentence.index)]
    return [stat["display"] for key, stat in _tally(runs).items() if _is_place(key, stat)]


def _capitalised_runs(text: str, index: int) -> list[_Run]:
    tokens = _TOKEN.findall(text)
    runs, current, previous, opener = [], [], "", True
    for position, token in enumerate(tokens):
        if token[0].isalpha() and token[0].isupper() and not (token.isupper() and len(token) > 1 and current == []
                                                                and _shouting(tokens)):
            if not current:
                start_previous, start_opener, start_offset = previous, opener, position
                start_journey = previous == "to" and any(
                    word.lower() in _MOTION for word in tokens[max(0, position - 8):position - 1])
            current.append(token)
            if _ends_sentence(token):  # 'I'm Kit. That's Biscuit.' inside one quote: two runs
                runs.append(_Run(current, index, start_opener, start_offset, start_previous, ".",
                                 journey=start_journey))
                current = []
        else:
            if current:
                described = token == "," and position + 1 < len(tokens) and tokens[position + 1].lower() in (
                    _DESCRIBING)
                runs.append(_Run(current, index, start_opener, start_offset, start_previous, token.lower(),
                                 journey=start_journey, described=described))
            current = []
        opener = token in _OPENERS or (position == 0 and not token[0].isalpha()) or _ends_sentence(token) or (
            token in ("!", "?", "…"))
        previous = token.lower()
    if current:
        runs.append(_Run(current, index, start_opener, start_offset, start_previous, "",
                         journey=start_journey))
    return [trimmed for run in runs if (trimmed := _trim(run))]


def _ends_sentence(token: str) -> bool:
    """'him.' ends a sentence; 'Dr.' and the initial 'J.' don't."""
    word = token[:-1]
    return token.endswith(".") and len(word) > 1 and word.lower() not in TITLES | _ABBREVIATIONS


def _shouting(tokens: list[str]) -> bool:
    """A sentence written all in capitals says nothing about names."""
    letters = [token for token in tokens if token[0].isalpha()]
    return len(letters) > 2 and all(token.isupper() for token in letters)


def _trim(run: _Run) -> _Run | None:
    """Drop leading stopwords ('The Harbor' -> 'Harbor') and a possessive ending."""
    words = [word.rstrip(".") if word.rstrip(".").lower() not in TITLES else word for word in run.words]
    while words and words[0].lower().rstrip(".") in STOPWORDS and words[0].lower().rstrip(".") not in TITLES and (
            not _named_stopword(run, words)):
        run.opener, run.previous, words = False, words[0].lower(), words[1:]
    run.possessive = bool(words) and re.search(r"['’]s$", words[-1]) is not None
    words = [re.sub(r"['’]s$", "", word) for word in words]
    titled = len(words) > 1 and words[0].lower().rstrip(".") in TITLES  # 'Aunt May', 'Uncle Will'
    if not words or (not titled and all(word.lower().rstrip(".") in STOPWORDS | TITLES for word in words)
                     and not _named_stopword(run, words)):
        return None
    if len(words) > 4 or any(len(word) < 2 for word in words if word.lower() not in TITLES):
        return None
    run.words = words
    return run


_NAMED_STOPWORDS = frozenset("will may".split())  # 'her nephew Will', 'Aunt May': words that are names too
_ACTING = re.compile(r"[a-z]+ed|,")


def _named_stopword(run: _Run, words: list[str]) -> bool:
    """'Will' or 'May' as a name: written with a capital mid-sentence ('her nephew Will swept'), or opening one
    before a past-tense verb, a speech verb or a comma ('Will grinned.', 'Will asked', 'Will, you tell her'), never
    as the question it also opens ('Will you help?', 'May I come in?')."""
    word = words[0].lower()
    if word not in _NAMED_STOPWORDS:
        return False
    if not run.opener:
        return True
    following = run.following.rstrip(".")
    return len(words) == 1 and (following in SPEECH_VERBS or bool(_ACTING.fullmatch(following)))


def _tally(runs: list[_Run]) -> dict[str, dict]:
    stats: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for run in runs:
        key = " ".join(run.words).lower()
        stat = stats[key]
        stat.setdefault("display", _display(run.words))
        stat.setdefault("first", (run.sentence, run.offset))
        stat["count"] += 1
        stat["mid"] += not run.opener
        stat["mixed"] += not all(word.isupper() and len(word) > 1 for word in run.words)
        stat["place_prep"] += run.previous in _PLACE_PREPOSITIONS
        stat["to"] += run.previous == "to"  # "to Lisbon", but also "wrote to Ines": a place only with other signs
        stat["journey"] += run.journey  # "must sail the boat to Tangier": where a journey goes is a place
        stat["described"] += run.described
        stat["introduced"] += run.previous in _INTRODUCERS
        stat["the"] += run.previous == "the"  # "the Marigold" names a boat or a pub, not a person
        stat["article"] += run.previous in ("a", "an")  # "a Parisian cafe", "an Audi"
        stat["determiner"] += run.previous in _DETERMINERS
        stat["attributive"] += bool(re.fullmatch(r"[a-z][a-z'-]+", run.following)) and not run.possessive and (
            run.following not in STOPWORDS and run.following not in SPEECH_VERBS)  # "Danish sailor"
        stat["speaks"] += run.following.rstrip(".") in SPEECH_VERBS or run.previous.rstrip(".") in SPEECH_VERBS
        stat["possessive"] += run.possessive
        acted = run.following.rstrip(".!?")  # "Tomas waited."
        stat["acts"] += run.offset == 0 and bool(re.fullmatch(r"[a-z]+(?:s|ed)", acted)
                                                 or acted in IRREGULAR_PAST)  # "Mara sighs", "Maggie found"
        # "Harbor Street", and a name that qualifies a place noun: "the Gannet Rock lighthouse"
        stat["place_noun"] += run.words[-1].lower() in PLACE_NOUNS or (
            run.previous == "the" and run.following.rstrip(".") in PLACE_NOUNS and not run.possessive)
    return stats


def _display(words: list[str]) -> str:
    return " ".join(word if not word.isupper() or len(word) < 3 else word.title() for word in words)


def _is_place(key: str, stat: dict) -> bool:
    """'Harbor Street', or a name mostly found after 'in', 'at', 'to' ('sailed to Lisbon') that never speaks."""
    if stat["place_noun"] or (stat["journey"] and stat["journey"] == stat["count"] - stat["place_prep"]
                              and not stat["speaks"] and not stat["introduced"] and not stat["possessive"]):
        return True
    located = stat["place_prep"] + stat["to"]
    return bool(stat["place_prep"]) and located * 2 >= stat["count"] and not stat["speaks"] and not stat["introduced"]


_NUMBER_WORDS = frozenset("""
one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million first second third half
""".split())


def _is_character(key: str, stat: dict, lowercase: set[str]) -> bool:
    if _is_place(key, stat) or key.split()[-1].rstrip(".") in TITLES:
        return False
    if all(part in _NUMBER_WORDS for part in re.split(r"[-\s]+", key) if part):
        return False  # "Twenty-eight tins.", "Forty years later"
    if not stat["mixed"] or stat["the"] * 2 > stat["count"]:
        return False  # capitals for emphasis ("BAD"), or a thing's name ("the Marigold")
    if _adjective(key, stat) and not (stat["introduced"] or stat["speaks"]):
        return False  # "the Danish sailor", "a Parisian cafe", "Icelandic voices"
    if stat["introduced"] or stat["speaks"] or stat["mid"] or stat["possessive"]:
        return True
    if stat["described"] and (stat["acts"] or stat["count"] > 1) and key not in _COMMON_OPENERS:
        return True  # "Grace, the youngest, stared…" / "Grace looked…": a person, though 'grace' is also a word
    # only ever opening sentences: a full name ("Mara Quinn waits."), or a word that recurs and is never
    # written in lower case, so it isn't an ordinary word ("Rain falls." / "the rain")
    words = key.split()
    if len(words) > 1:
        return True
    ordinary = words[0] in lowercase or words[0] in _COMMON_OPENERS or words[0].endswith("ly")
    return stat["acts"] >= 2 and not ordinary


def _split_opening_words(stats: dict[str, dict]) -> dict[str, dict]:
    """'"Ask Brandt," said Tomas. Brandt shrugs.': a sentence's first word run into a name written on its own
    elsewhere is that name, met mid-sentence."""
    for key in [key for key in stats if " " in key]:
        words, stat = key.split(), stats[key]
        tail = " ".join(words[1:])
        if stat["mid"] or words[0].rstrip(".") in TITLES or tail not in stats or words[0] in stats:
            continue
        moved, target = stats.pop(key), stats[tail]
        for name, value in moved.items():
            if isinstance(value, int):
                target[name] += value
        target["mid"] += moved["count"]
        target["first"] = min(target["first"], moved["first"])
    return stats


def _word_before_a_name(key: str, stat: dict, chosen: list[str]) -> bool:
    """'Ask Brandt', 'Poor Jonah': a sentence's first word run into a name the text uses on its own."""
    words = key.split()
    if len(words) < 2 or stat["mid"] or words[0].rstrip(".") in TITLES:
        return False
    tail = set(_bare(" ".join(words[1:])))
    return any(other != key and tail and tail <= set(_bare(other)) and words[0] not in other.split()
               for other in chosen)


def _adjective(key: str, stat: dict) -> bool:
    """A word of nationality or place, or any single word after 'a'/'an', qualifies a noun; it names nobody."""
    if " " in key:
        return False
    if stat["article"]:
        return True
    if not _DEMONYM.search(key) or re.search(r"(?:ric|nic|vic)$", key):  # Eric, Dominic, Ludovic
        return False
    strict = not key.endswith(("ian", "ean"))  # Julian, Adrian and Dorean are names too
    return bool(stat["determiner"]) or (strict and stat["attributive"] == stat["count"])


def _merge_short_forms(keys: list[str], stats: dict[str, dict]) -> list[Character]:
    """Join 'Mara' to 'Mara Quinn'; count every mention, even sentence openers, once a name is known."""
    full = sorted(keys, key=lambda key: (-len(key.split()), stats[key]["first"]))
    characters: list[Character] = []
    owner: dict[str, Character] = {}
    for key in full:
        bare = _bare(key)
        host = next((character for character in characters
                     if bare and set(bare) <= _parts(character) and same_person(key, character.name)), None)
        if host is None:
            host = Character(stats[key]["display"], first_sentence=stats[key]["first"][0],
                             first_offset=stats[key]["first"][1])
            characters.append(host)
        owner[key] = host
    for key, stat in stats.items():
        host = owner.get(key) or _host(_bare(key), characters)
        if host is None or (key not in owner and stat["count"] == stat["place_prep"]):
            continue
        host.aliases.add(key)
        if len(key.split()) > len(host.name.split()) and not _is_place(key, stat):
            host.name = stat["display"]
        host.mentions += stat["count"]
        host.first_sentence, host.first_offset = min((host.first_sentence, host.first_offset), stat["first"])
        host.introduced |= bool(stat["introduced"])
        host.speaks |= bool(stat["speaks"])
    return sorted(characters, key=lambda character: (character.first_sentence, character.first_offset))


def _host(bare: list[str], characters: list[Character]) -> Character | None:
    """The character a name form belongs to: 'Mara' or 'Mara Quinn' for a character called Mara."""
    if not bare:
        return None
    owners = [c for c in characters if set(bare) <= _parts(c)]
    if len(owners) > 1:
        return None  # 'Okafor' with a Mr. and a Mrs. Okafor in the story: either of them
    return owners[0] if owners else next((c for c in characters if _parts(c) <= set(bare) and bare[0] in _parts(c)),
                                         None)


def _parts(character: Character) -> set[str]:
    return {part for part in character.name.lower().replace(".", "").split() if part not in TITLES}


def _bare(key: str) -> list[str]:
    """A lower-cased name without its titles: 'dr. lee' -> ['lee']; 'aunt may' keeps ['aunt', 'may']."""
    parts = key.replace(".", "").split()
    bare = [part for part in parts if part not in TITLES]
    return parts if len(bare) == 1 and bare[0] in STOPWORDS and len(parts) > 1 else bare


def _add_bare_names(characters: list[Character]) -> None:
    """'Mr. Brandt' is also 'Brandt', 'Mara Quinn' also 'Mara', unless another character is too (Mr. and Mrs.
    Okafor)."""
    forms = {id(character): _short_form(character.name.lower()) for character in characters}
    for character in characters:
        form = forms[id(character)]
        if form and sum(other == form for other in forms.values()) == 1 and not any(
                form in other.aliases for other in characters if other is not character):
            character.aliases.add(form)


def _short_form(key: str) -> str:
    bare = _bare(key)
    titled = key.replace(".", "").split()[0] in TITLES
    if titled:
        return " ".join(bare)
    return bare[0] if len(bare) > 1 and bare[0] not in STOPWORDS else ""


def _title_pronoun(name: str) -> str:
    first = name.lower().replace(".", " ").split()[:1]
    return "she" if first and first[0] in SHE_TITLES else "he" if first and first[0] in HE_TITLES else ""


# people named by what they are, whose pronoun that says
HE_PEOPLE = frozenset("man boy lad gentleman father husband son brother uncle grandfather king prince monk waiter "
                      "fisherman butler".split())
SHE_PEOPLE = frozenset("woman girl lady mother wife daughter sister aunt grandmother queen princess nun waitress "
                       "actress widow maid nanny midwife heiress fisherwoman".split())
_ANYONE = frozenset("stranger child kid baby teenager doctor nurse driver guard soldier sailor captain officer "
                    "visitor traveller traveler".split())


def _someone_else(rest: str, pronoun: str) -> bool:
    """Whether the rest of a sentence names, by what they are, another person `pronoun` could mean."""
    people = [word for pair in re.findall(r"\b(?:the|a|an)\s+([a-z]+)(?:\s+([a-z]+))?", rest.lower())
              for word in pair]  # "the boy", "an old woman"
    fits = HE_PEOPLE if pronoun == "he" else SHE_PEOPLE
    return any(person in fits or person in _ANYONE for person in people)


def _read_pronouns(text: str, characters: list[Character]) -> None:
    """Each character's pronoun: from a title, a relation ('her son Jonah'), or the pronoun that follows
    a sentence naming only them ('Mara climbed. She ...')."""
    patterns = [(character, re.compile(r"\b(?:" + "|".join(name_pattern(alias) for alias in
                                                             sorted(character.aliases, key=len, reverse=True))
                                       + r")\b", re.IGNORECASE)) for character in characters if character.aliases]
    votes = {id(character): [0, 0] for character in characters}  # [he, she]
    found = sentences(text)
    for index, sentence in enumerate(found):
        narration = _QUOTED.sub(" ", sentence.text)
        named = sorted(((match.start(), n, character, match) for n, (character, pattern) in enumerate(patterns)
                        if (match := pattern.search(narration))), key=lambda item: item[:2])
        if not named:
            continue
        subject = named[0][2]
        related = set()  # the pronouns of the others this sentence names by relation: 'her brother Tunde' -> he
        for _, _, character, match in named:
            relation = re.findall(r"[a-z]+", narration[:match.start()].lower())[-2:]
            if relation and relation[-1] in _HE_RELATIONS | _SHE_RELATIONS:
                votes[id(character)][relation[-1] in _SHE_RELATIONS] += 3
                if character is not subject:
                    related.add("she" if relation[-1] in _SHE_RELATIONS else "he")
                if len(relation) == 2 and relation[0] in ("his", "her") and character is not subject:
                    votes[id(subject)][relation[0] == "her"] += 1  # "Mara waits for her son Jonah"
        following = _QUOTED.sub(" ", found[index + 1].text) if index + 1 < len(found) else ""
        cut = min((match.start() for _, pattern in patterns if (match := pattern.search(following))), default=None)
        following = following[:cut]  # up to the next name: "She waited for Tomas." is still about Mara
        if re.match(r"\W*(?:he|she|they|i|we)\b", narration, re.IGNORECASE):
            continue  # "She fixed the windmill with Kit": Kit is not the subject
        opening = next(iter(re.findall(r"^\W*(he|she)\b", following.lower())), None)
        if opening and (opening in related or _someone_else(narration[named[0][3].end():], opening)):
            opening = None  # "Maggie found the boy under the pier. He couldn't have been nine.": the boy
        if opening:  # "Mara met Silas. She ...": a sentence's subject is who the next one's pronoun means
            votes[id(subject)][opening == "she"] += 2
        if len(named) == 1:  # "Kit rode ahead on his bicycle" (not "while she dug": that may be anyone)
            after = re.findall(r"[a-z]+", narration[named[0][3].end():].lower())
            possessive = next((word for word in after if word in ("his", "himself", "herself", "her")), None)
            if possessive:
                votes[id(subject)][possessive in _SHE] += 1 if possessive != "her" else 0.5
    for character in characters:
        he, she = votes[id(character)]
        character.pronoun = _title_pronoun(character.name) or ("she" if she > he else "he" if he > she else "")
