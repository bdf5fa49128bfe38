"""Screen action is written in the present tense: 'Mara walked in' -> 'Mara walks in'.

Only a verb right after its subject (a name or a pronoun) changes, and only verbs this module knows,
so prose it can't parse is left exactly as the creator wrote it.
"""

from __future__ import annotations

import re

_IRREGULAR = {
    "was": ("is", "are"), "were": ("is", "are"), "had": ("has", "have"), "went": ("goes", "go"),
    "came": ("comes", "come"), "saw": ("sees", "see"), "took": ("takes", "take"), "found": ("finds", "find"),
    "made": ("makes", "make"), "said": ("says", "say"), "told": ("tells", "tell"), "knew": ("knows", "know"),
    "thought": ("thinks", "think"), "left": ("leaves", "leave"), "ran": ("runs", "run"),
    "stood": ("stands", "stand"), "sat": ("sits", "sit"), "held": ("holds", "hold"),
    "brought": ("brings", "bring"), "gave": ("gives", "give"), "got": ("gets", "get"),
    "began": ("begins", "begin"), "felt": ("feels", "feel"), "kept": ("keeps", "keep"),
    "heard": ("hears", "hear"), "fell": ("falls", "fall"), "wrote": ("writes", "write"),
    "drove": ("drives", "drive"), "threw": ("throws", "throw"), "caught": ("catches", "catch"),
    "built": ("builds", "build"), "lost": ("loses", "lose"), "met": ("meets", "meet"), "paid": ("pays", "pay"),
    "sent": ("sends", "send"), "spoke": ("speaks", "speak"), "woke": ("wakes", "wake"),
    "broke": ("breaks", "break"), "chose": ("chooses", "choose"), "became": ("becomes", "become"),
    "rose": ("rises", "rise"), "hid": ("hides", "hide"), "stole": ("steals", "steal"), "swam": ("swims", "swim"),
    "sang": ("sings", "sing"),
    "rang": ("rings", "ring"), "won": ("wins", "win"), "fought": ("fights", "fight"), "bought": ("buys", "buy"),
    "taught": ("teaches", "teach"), "slept": ("sleeps", "sleep"), "wore": ("wears", "wear"),
    "tore": ("tears", "tear"), "shook": ("shakes", "shake"), "lit": ("lights", "light"), "led": ("leads", "lead"),
    "climbed": ("climbs", "climb"), "understood": ("understands", "understand"), "forgot": ("forgets", "forget"),
    "drew": ("draws", "draw"), "flew": ("flies", "fly"), "grew": ("grows", "grow"), "hung": ("hangs", "hang"),
    "knelt": ("kneels", "kneel"), "lay": ("lies", "lie"), "meant": ("means", "mean"), "rode": ("rides", "ride"),
    "sank": ("sinks", "sink"), "slid": ("slides", "slide"), "spun": ("spins", "spin"), "struck": ("strikes", "strike"),
    "swore": ("swears", "swear"), "swung": ("swings", "swing"), "drank": ("drinks", "drink"), "ate": ("eats", "eat"),
    "did": ("does", "do"), "read": ("reads", "read"), "wound": ("winds", "wind"), "swept": ("sweeps", "sweep"),
    "froze": ("freezes", "freeze"), "dug": ("digs", "dig"), "fled": ("flees", "flee"),
    "sought": ("seeks", "seek"), "shot": ("shoots", "shoot"), "shut": ("shuts", "shut"), "bit": ("bites", "bite"),
    # the same in past and present: after a singular subject only the past reads this way ('Luc set a cup')
    "set": ("sets", "set"), "put": ("puts", "put"), "cut": ("cuts", "cut"), "hit": ("hits", "hit"),
    "let": ("lets", "let"),
}
IRREGULAR_PAST = frozenset(_IRREGULAR) - {"set", "put", "cut", "hit", "let", "read", "shut"}  # past at a glance
_REGULAR_BASES = """
walk look open turn pull push ask work live polish brush wash fetch stretch wish cough dress press cross fail roll
limp glow flicker fade flash tremble shiver answer reach watch wait start stop try carry hurry move close smile laugh
cry
shout whisper kiss hug step grab drop jump return follow enter arrive decide notice realize realise discover refuse
agree point nod listen wander race rush slip pick kick knock search check unlock lock load fix help need want love
hate like hope plan learn argue remember face escape save kill attack chase miss pass play stay reveal confess scream
murmur mutter stare glance stumble crawl climb land drift float sail row fish paint clean cook pour fill light burn
rescue protect warn beg pray sigh shrug lean rest touch hand toss lift raise lower wave crash slam trap pause guide
guard hunt track study examine collect gather pack unpack fold worry wonder believe accept ignore explain promise
repeat continue finish prepare kneel dance sing sob frown struggle collapse vanish appear disappear emerge explode
count stir sip tap wrap drag rub scrub blink wipe yawn sniff shuffle hesitate wince greet tip squint
crackle creak rattle buzz grin wink smirk chuckle giggle scowl glare blush flinch gasp groan growl snort sneer mumble
stammer hum whistle nudge poke pat clap trim slap snap hop skip trip jog stroll march pace tiptoe sneak peek
""".split()
_DOUBLING = frozenset("""
stop drop grab step slip plan hug nod beg sob slam trap shrug stir sip tap wrap drag rub scrub tip grin pat clap
slap snap hop skip trip jog hum trim
""".split())  # 'shrugged', 'stirred'; 'row' -> 'rowed' as written
_SUBJECT = (r"(?P<subject>\b(?:[A-Z][\w'’-]+\s+and\s+(?:(?:his|her|their)\s+(?:[a-z]+\s+)?)?(?:[A-Z][\w'’-]+|he|she|I)"
            r"|he|she|it|they|we|i|I|you"
            r"|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?|(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[a-z]+\s+)?"
            r"(?!(?:had|has|have|was|were|is|are|would|could|should|will|did|does|do|not|never|can|may|might|must|"
            r"who|which|that|whom)\b)"
            r"[a-z]+)\b)")
# said between a name and its verb: 'Theo, the old captain, came in'
_ASIDE = (r"(?P<aside>,\s+(?:(?:the|a|an|his|her|their)\s+[^,.;:!?\"“”]{1,40}"
          r"|[A-Z][\w'’-]+(?:\s+and\s+[A-Z][\w'’-]+)?),)?")  # ', the old captain,' / ', Pia and Jonas,'
_PLURAL_SUBJECTS = frozenset("they we i you".split())
_PLURAL_HEADS = frozenset("""
both all many several few others two three four five six seven eight nine ten dozens hundreds
children people men women police feet teeth mice geese cattle
""".split())  # subjects that take a plural verb without ending in -s


def _past(base: str) -> str:
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ied"
    if base in _DOUBLING:
        return base + base[-1] + "ed"
    return base + "ed"


def third_person(base: str) -> str:
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


_PRESENT = dict(_IRREGULAR)
_PRESENT.update({_past(base): (third_person(base), base) for base in _REGULAR_BASES})


_VERBS = "|".join(sorted(_PRESENT, key=len, reverse=True))
_VERB = re.compile(_SUBJECT + _ASIDE + r"(?P<adverb>\s+\w+ly)?\s+(?P<verb>" + _VERBS + r")\b")
_CHAINED = re.compile(r"(?P<joint>(?:\b(?:and|then|but|or)|,)\s+)(?P<verb>" + _VERBS + r")\b")


def to_present(text: str) -> str:
    """Past-tense verbs after their subject become present tense; everything else stays as written.

    'Mara opened the door and walked in' -> 'Mara opens the door and walks in': once a subject's verb
    changed, the verbs chained to it with and/then/but change too, agreeing with that same subject
    ('the boys watched and waited' -> 'the boys watch and wait', never 'waits').
    """
    pieces, subjects, cursor = [], [], 0
    for match in _VERB.finditer(text):
        pieces += [text[cursor:match.start()], _replace(match)]
        cursor = match.end()
        subjects.append((sum(map(len, pieces)), _true_subject(match)))
    if not subjects:
        return text
    changed = "".join([*pieces, text[cursor:]])

    def chain(match: re.Match) -> str:
        subject = next((subject for end, subject in reversed(subjects) if end <= match.start()), None)
        if subject is None:
            return match.group(0)
        return match.group("joint") + _agree(match.group("verb"), subject)

    return _CHAINED.sub(chain, changed)


def _replace(match: re.Match) -> str:
    subject = match.group("subject")
    between = (match.group("aside") or "") + (match.group("adverb") or "")
    return f"{subject}{between} {_agree(match.group('verb'), _true_subject(match))}"


_AFTER_PREPOSITION = re.compile(r"\b(?:of|in|at|on|from|near|to|with|by|for|behind|beyond|past|across)\s+$")
_QUALIFIED_HEAD = re.compile(r"(?P<np>\b(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[a-z]+\s+)?[a-z]+)\s+"
                             r"(?:[a-z]+\s+)?(?:of|in|at|on|from|near|to|with|by|for|behind|beyond|past|across)"
                             r"\s+[^.!?;,]*$")


def _true_subject(match: re.Match) -> str:
    """What the verb agrees with: 'The salt flats east of Calder began' -> 'The salt flats', not 'Calder'."""
    before = match.string[:match.start("subject")]
    if not _AFTER_PREPOSITION.search(before):
        return match.group("subject")
    head = _QUALIFIED_HEAD.search(before)
    return head.group("np") if head else match.group("subject")


def _agree(verb: str, subject: str) -> str:
    """The present form of a past verb that agrees with its subject: 'I am', 'they were' -> 'they are'."""
    singular, plural = _PRESENT[verb]
    if verb in ("was", "were"):
        lowered = subject.lower()
        return "am" if lowered == "i" else "are" if _plural(subject) else "is"
    return plural if _plural(subject) else singular


def _plural(subject: str) -> bool:
    """'they', 'Mara and Jonah', 'her arms', 'the two', 'the children' take 'walk'; 'she', 'Mara', 'the lens'
    take 'walks'."""
    lowered = subject.lower()
    if lowered in _PLURAL_SUBJECTS or " and " in lowered:
        return True
    first, _, last = lowered.rpartition(" ")
    if lowered.split(" ")[0] in _PLURAL_HEADS or last in _PLURAL_HEADS:
        return True
    determined = first.split(" ")[0] in ("the", "a", "an", "his", "her", "their")
    singular_s = last.endswith(("ss", "us", "is")) or last in ("lens", "news", "series", "species", "canvas", "gas")
    return determined and last.endswith("s") and not singular_s
