"""Plain-prose reading for the offline writer: paragraphs, sentences, words, quotes.

Everything here is deterministic and dictionary-free: the small word lists below are the only
knowledge of English the engine has.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

STOPWORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although always am among an
and another any anyone anything anyway anywhere are around as at away back be became because become becomes been
before behind being below beside besides between beyond both but by can cannot could did do does doing done down
during each either else enough even ever every everyone everything everywhere few for from further had has have
having he her here hers herself him himself his how however i if in inside instead into is it its itself just last
later least less let like many may me meanwhile might mine more most much must my myself near neither never
nevertheless next no nobody none nor not nothing now nowhere of off often on once one only onto or other others
otherwise our ours ourselves out outside over own perhaps please quite rather really same shall she should since so
some somehow someone something sometimes somewhere soon still such than that the their theirs them themselves then
there therefore these they this those though through throughout thus to together too toward towards under until up
upon us very via was we well were what whatever when whenever where wherever whether which while who whoever whole
whom whose why will with within without would yet you your yours yourself yourselves
yes yeah oh ah okay ok hey hello hi goodbye sorry thanks thank maybe sure right
monday tuesday wednesday thursday friday saturday sunday january february march april june july august september
october november december christmas easter today tomorrow tonight yesterday
chapter act scene part prologue epilogue int ext logline tone emphasis setup end fin the
english french spanish german italian russian chinese japanese american british european african asian
god lord sir madam miss mister
i'm i'll i've i'd it's that's there's he's she's we're they're you're don't can't won't didn't let's
""".split())

# the speech verbs that only ever tell speech: after a line closed by a full stop, 'Mara said' is still its tag,
# 'He laughed' is what happens next
TELLING_VERBS = frozenset("said says asked asks replied replies answered answers whispered whispers".split())
SPEECH_VERBS = frozenset("""
said says say asked asks ask replied replies reply answered answers whispered whispers shouted shouts yelled yells
called calls cried cries muttered mutters murmured murmurs screamed screams told tells added adds insisted insists
snapped snaps pleaded pleads laughed laughs sighed sighs warned warns begged begs demanded demands admitted admits
announced announces explained explains repeated repeats continued continues promised promises
""".split())

_ABBREVIATIONS = frozenset("mr mrs ms dr st prof sr jr capt col gen lt sgt mt vs etc inc ltd co ave rd no".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“'‘(\[]?[^\W_a-z])")
_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_SPEECH_TAG_START = re.compile(r"^([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e)\s+(\w+)\b")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text and where it sits: its index, its paragraph and its words."""

    index: int
    paragraph: int
    text: str

    @property
    def words(self) -> list[str]:
        return words(self.text)


_MARKUP_LINE = re.compile(r"^\s*(?:#{1,6}\s.*|#{1,6}|[-*_=]{3,}|={3,})\s*$", re.MULTILINE)  # headings, rules
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?![\w*])")


_SINGLE_OPENING = re.compile(r"(?:^|(?<=[\s(—–]))['‘][A-Z]")
_SINGLE_CLOSING = re.compile(r"[.,!?…]['’](?=\s|$)")
_BEFORE_OPENING = frozenset(" \t\n(—–")
_AFTER_CLOSING = frozenset(" \t\n,.;:!?)—–")


def as_double_quotes(text: str) -> str:
    """Speech in single quotes, as British prose writes it ('What's your name?' she asked.), in double quotes,
    the apostrophes in words ("What's", "Alfie's") kept; a text that uses double quotes anywhere is left as it is
    (its single quotes are quotes within speech)."""
    if '"' in text or "“" in text or not (_SINGLE_OPENING.search(text) and _SINGLE_CLOSING.search(text)):
        return text
    out, open_ = list(text), False
    for index, char in enumerate(text):
        before = text[index - 1] if index else "\n"
        after = text[index + 1] if index + 1 < len(text) else "\n"
        if char in "'‘" and not open_ and before in _BEFORE_OPENING and not after.isspace():
            out[index], open_ = '"', True
        elif char in "'’" and open_ and after in _AFTER_CLOSING and not before.isspace():
            out[index], open_ = '"', False
        if char == "\n" and after == "\n":
            open_ = False  # a paragraph ends: speech running on opens again in the next one
    return "".join(out)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of prose, each on one line; Markdown titles, rules and emphasis
    marks (a story pasted from a document) are layout, not sentences, and so is a plain title line heading
    the text ("The Kiln")."""
    text = as_double_quotes(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _EMPHASIS.sub(r"\2", _MARKUP_LINE.sub("", text))
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    if len(blocks) > 1 and is_title_line(blocks[0]):
        blocks = blocks[1:]
    return [" ".join(block.split()) for block in blocks]


def is_title_line(block: str) -> bool:
    """A heading, not a sentence: one short line in title case with no sentence-ending mark or speech."""
    found = words(block)
    return ("\n" not in block and 0 < len(found) <= 8 and not re.search(r"[.!?;:,\"“”]\s*$|[\"“”]", block)
            and all(word[0].isupper() or word.isdigit() for word in found if len(word) > 3))


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph cut into sentences, keeping abbreviations, initials, speech tags and whole quotes attached."""
    pieces, start = [], 0
    spoken = [(begin, end) for begin, end, _ in quotes(paragraph)]
    for match in _BOUNDARY.finditer(paragraph):
        if _is_abbreviation(paragraph[start:match.start() + 1]) or _inside(match, spoken):
            continue
        pieces.append(paragraph[start:match.end()].strip())
        start = match.end()
    pieces.append(paragraph[start:].strip())
    return _merge_speech_tags([piece for piece in pieces if piece])


@lru_cache(maxsize=64)
def sentences(text: str) -> tuple[Sentence, ...]:
    """Every sentence of a text, numbered, with the paragraph it belongs to."""
    found: list[Sentence] = []
    for number, paragraph in enumerate(paragraphs(text)):
        for piece in split_sentences(paragraph):
            found.append(Sentence(len(found), number, piece))
    return tuple(found)


def words(text: str) -> list[str]:
    """The words of a text, apostrophes and hyphens kept inside them."""
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning: no stopwords, nothing shorter than three letters."""
    return [word for word in (w.lower().replace("’", "'") for w in words(text))
            if len(word) > 2 and word not in STOPWORDS and not word.endswith("'s")]


def word_counts(text: str) -> Counter:
    return Counter(content_words(text))


def quotes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, spoken text) for each double-quoted speech in a text."""
    return [(match.start(), match.end(), (match.group(1) or match.group(2)).strip()) for match in _QUOTE.finditer(text)]


def has_word(text: str, options) -> bool:
    """Whether the text uses one of the words (or its plural) as a whole word: 'hat' is not in 'that'."""
    tokens = {word.lower().replace("’", "'") for word in words(text)}
    return any(option in tokens or f"{option}s" in tokens or f"{option}es" in tokens for option in options)


def outside_quotes(text: str, change) -> str:
    """The text with `change` applied to its narration only; quoted speech is kept as said."""
    pieces, start = [], 0
    for begin, end, _ in quotes(text):
        pieces += [change(text[start:begin]) if text[start:begin].strip() else text[start:begin], text[begin:end]]
        start = end
    rest = text[start:]
    return "".join([*pieces, change(rest) if rest.strip() else rest])


def without_quotes(text: str) -> str:
    return " ".join(_QUOTE.sub(" ", text).split())


def word_count(text: str) -> int:
    return len(words(text))


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def ensure_period(text: str) -> str:
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…\"”’)" else text + "."


def title_case(text: str) -> str:
    """'MARA'S KITCHEN' -> "Mara's Kitchen" (str.title would write "Mara'S")."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in text.split())


def _inside(boundary: re.Match, spans: list[tuple[int, int]]) -> bool:
    """Whether a full stop sits inside a quote: '"I waited. You never came," she said.' is one sentence."""
    return any(begin < boundary.start() and boundary.end() < end for begin, end in spans)


def _is_abbreviation(piece: str) -> bool:
    tail = re.search(r"(\w+)\.$", piece)
    if not tail:
        return False
    word = tail.group(1)
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _merge_speech_tags(pieces: list[str]) -> list[str]:
    """Speech stays with its speaker: '"Run!" Mara shouted.' is one sentence, and so is
    '"Let them," Jonah replied. "It took enough."' (a bare quote continues the tagged speech before it).
    """
    merged: list[str] = []
    for piece in pieces:
        tag = _SPEECH_TAG_START.match(piece)
        ends_in_quote = bool(merged) and merged[-1][-1:] in "\"”"
        tagged_before = bool(merged) and _QUOTE.search(merged[-1]) and _has_speech_verb(without_quotes(merged[-1]))
        closed = bool(merged) and merged[-1][-2:-1] == "."  # '"Same as always." He laughed': a new sentence
        verbs = TELLING_VERBS if closed else SPEECH_VERBS
        if merged and ends_in_quote and tag and tag.group(2).lower() in verbs:
            merged[-1] = f"{merged[-1]} {piece}"
        elif tagged_before and _QUOTE.fullmatch(piece.strip()):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _has_speech_verb(text: str) -> bool:
    return any(word.lower() in SPEECH_VERBS for word in words(text))
