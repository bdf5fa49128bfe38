"""A one-line premise read for expansion: who (named, or by role), where, what they must do, by when, and
what stands in the way.

    read_premise(read_story("A retired keeper must relight the lamp before the storm reaches the bay."))
    -> lead "the retired keeper" (then "the keeper"), goal "relight the lamp",
       deadline "the storm reaches the bay", threat "the storm", places ("the lighthouse", "the bay")

A capitalised word in front of a role ("A Venetian glassblower") describes the person, it is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.offline.names import name_pattern
from core.offline.places import mentioned_places
from core.offline.story import Story, descriptor

_KIN = ("son daughter mother father brother sister wife husband friend rival partner boss neighbour neighbor uncle "
        "aunt cousin grandmother grandfather grandson granddaughter niece nephew colleague lover girlfriend "
        "boyfriend child mentor enemy widow widower twin ex fiance fiancee").split()
_ROLES = frozenset(_KIN + """
man woman boy girl kid teenager stranger doctor nurse priest monk nun king queen prince princess knight soldier
captain sailor pilot detective officer thief spy chef cook baker farmer fisherman fisherwoman keeper teacher student
artist poet musician singer actor actress dancer writer witch wizard ghost mayor judge lawyer clerk widow orphan
servant maid butler guard hunter shepherd miner smith blacksmith tailor merchant trader driver courier nanny
scientist engineer mechanic inventor librarian painter glassblower potter weaver carpenter ranger climber diver
surgeon midwife apprentice heir heiress crew family villagers couple sisters brothers twins donor witness suspect
patient passenger victim survivor hostage prisoner
""".split())
_NOT_PEOPLE = frozenset("""
water tower river letter winter summer danger shelter paper number order chamber corner border silver thunder power
matter center centre dinner finger ladder anger hunger weather feather chapter lever meter monster timer computer
""".split())
_PLURAL_LEADS = frozenset("two three four both sisters brothers twins couple family crew villagers friends".split())
_WORKPLACES = {  # where a person of this role is found when the premise names no place
    "keeper": "the lighthouse", "glassblower": "the workshop", "fisherman": "the harbor", "fisherwoman": "the harbor",
    "sailor": "the harbor", "baker": "the bakery", "teacher": "the school", "student": "the school",
    "doctor": "the hospital", "nurse": "the hospital", "surgeon": "the hospital", "midwife": "the cottage",
    "farmer": "the farm", "priest": "the church", "monk": "the chapel", "nun": "the chapel", "chef": "the kitchen",
    "cook": "the kitchen", "pilot": "the cockpit", "soldier": "the camp", "librarian": "the library",
    "painter": "the studio", "artist": "the studio", "actor": "the theater", "actress": "the theater",
    "potter": "the workshop", "weaver": "the workshop", "carpenter": "the workshop", "smith": "the workshop",
    "blacksmith": "the workshop", "inventor": "the workshop", "mechanic": "the garage", "detective": "the office",
    "lawyer": "the courtroom", "judge": "the courtroom", "miner": "the village", "shepherd": "the hills",
}
_ACTS = (r"(?:who|must|wants?|has|have|had|is|are|was|were|needs?|tries|try|finds?|discovers?|learns?|sets?|"
         r"decides?|races?|returns?|inherits?|gets?|receives?|hopes?|plans?|agrees?|can|will|would|could)\b")
_VERBISH = rf"(?:{_ACTS}|\w+s\b)"
_LEAD_START = r"^\W*(?P<det>An?|The|One|Two|Three|Four)\s+(?P<mods>(?:[\w'’-]+\s+){0,3}?)(?P<role>[a-z][\w'’-]*)"
_NAMED_AS = r"(?:\s+(?:named|called)\s+(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?))?"
_ROLE_LEADS = (re.compile(rf"{_LEAD_START}{_NAMED_AS}(?:,|\s+{_ACTS})"),
               re.compile(rf"{_LEAD_START}{_NAMED_AS}(?:,|\s+{_VERBISH})"))
_NAMED_LEAD = re.compile(rf"^\W*(?P<name>(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{0,2}})"
                         rf"(?:,\s+(?P<desc>(?:an?|the)\s+[^,]+),)?\s+{_VERBISH}")
# a role, and whether a name follows it: 'her son Jonah', 'the oldest patient, a clockmaker called Benoit'
_DETERMINER = re.compile(r"\b(an?|the|her|his|their|my|our)\s+((?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]*)\b"
                         r"(,?\s+[A-Z]|,\s+(?:an?|the)\s+[^,.;]{0,40}?\b(?:named|called)\s+[A-Z])?")
_HAS_UNTIL = re.compile(r"\bha(?:s|ve)\s+(?:only\s+)?until\s+(?P<deadline>[^,;.]+?)\s+to\s+(?P<goal>[^,;.!?]+)")
_HAS_TIME = re.compile(r"\bha(?:s|ve)\s+(?:only\s+|just\s+)?(?P<deadline>(?:one|two|three|four|five|six|seven|a|an|\d+)"
                       r"\s+(?:\w+\s+)?(?:minutes?|hours?|days?|nights?|weeks?|months?))\s+to\s+(?P<goal>[^,;.!?]+)")
_DEADLINE = re.compile(r"\s+(?:before|by|until|ahead of)\s+(?P<deadline>.+)$")
_PURPOSE = re.compile(r"\s+(?:to|so that|so)\s+(?P<purpose>(?:save|guide|bring|keep|win|stop|protect|prove|find|"
                      r"reach|free|rescue|help|pay|honou?r|earn|warn|reunite|finish)\b.+)$")
_CIRCUMSTANCE = re.compile(r"\s+(?P<circumstance>(?:during|in|through|despite)\s+(?:an?|the)\s+[a-z]+)(?=\s|$)")
_OBSTACLE = re.compile(r"(?:^|,\s*|;\s*|\s)(?:but|yet|unless|while|only to find that|only to find)\s+(?P<what>[^.;!?]{6,})",
                       re.IGNORECASE)
_CLAUSE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|\w+(?<!ss)s|\w+ed)\b")


@dataclass(frozen=True)
class Person:
    """Someone a premise names or describes: 'Mara', or 'the retired keeper' (then 'the keeper')."""

    full: str
    short: str
    description: str = ""  # "a retired lighthouse keeper" for a named person
    role: str = ""
    plural: bool = False

    @property
    def named(self) -> bool:
        return self.full[:1].isupper()


@dataclass(frozen=True)
class Premise:
    """What a premise states, each part in its own words."""

    lead: Person
    others: tuple[Person, ...]
    places: tuple[str, ...]  # "the lighthouse", "the bay"
    goal: str  # "relight the lamp"
    deadline: str  # "the storm reaches the bay", "dawn", "three days", or ""
    purpose: str  # "guide her estranged son Jonah home", or ""
    circumstance: str  # "during a storm", or ""
    obstacle: str  # "the furnace is failing", or ""
    threat: str  # the thing the deadline or the obstacle is about: "the storm", "the furnace", or ""
    clauses: tuple[str, ...]  # the premise's own sentences
    twist: str = ""  # "discovers the film is a remake of the accident", from ', and discovers ...'

    @property
    def deadline_is_event(self) -> bool:
        """'the storm reaches the bay' is an event; 'dawn' and 'the festival of Redentore' are times."""
        return bool(self.deadline) and bool(_CLAUSE_VERB.search(" ".join(self.deadline.split()[1:])))


def read_premise(story: Story, focus: str | None = None) -> Premise:
    """The premise of a story, its lead the character `focus` names when given."""
    first = story.sentences[0].text if story.sentences else ""
    lead = _lead(story, first)
    adjectives = adjective_names(story)
    named = [c for c in story.characters if c.name not in adjectives and not _names_a_thing(story.text, c.name)]
    if focus and any(c.name == focus for c in named):
        described = descriptor(story, next(c for c in named if c.name == focus))
        lead = Person(focus, focus.split()[0], _lower_article(described))
    members = _members(first, lead)
    others = [Person(c.name, c.name.split()[0], _lower_article(descriptor(story, c)))
              for c in named if c.name.split()[0] != lead.short.split()[0] and c.name != lead.full
              and c.name.split()[0] not in members]
    others += [person for person in _roles(story.text, lead) if not any(person.role in o.description for o in others)]
    goal, deadline, purpose, circumstance = _goal(story.text)
    obstacle = _obstacle(story.text)
    others.sort(key=lambda person: person.short.split()[-1].lower() not in obstacle.lower())  # who stands in the way
    if not deadline and obstacle:
        found = _DEADLINE.search(obstacle)
        deadline = found.group("deadline").rstrip(". ") if found else ""
    return Premise(lead, tuple(others), _places(story, lead), goal, deadline, purpose, circumstance, obstacle,
                   _threat(obstacle, deadline), tuple(s.text for s in story.sentences), _twist(story.text))


def _members(first: str, lead: Person) -> set[str]:
    """The names a group lead is given right after it: 'Two brothers, Karim and Yusuf, must…' -> {'Karim',
    'Yusuf'}: the brothers themselves, not people they face."""
    if not lead.plural or not lead.role:
        return set()
    found = re.search(rf"\b{re.escape(lead.role)},\s+([A-Z][\w'’-]*)(?:,\s+([A-Z][\w'’-]*))*,?\s+and\s+"
                      rf"([A-Z][\w'’-]*),", first)
    return {name for name in found.groups() if name} if found else set()


def _lead(story: Story, first: str) -> Person:
    role = _ROLE_LEADS[0].match(first) or _ROLE_LEADS[1].match(first)
    if role and not (_is_role(role.group("role")) or role.re is _ROLE_LEADS[0]):
        role = None
    if role:
        mods = role.group("mods").strip()
        full = " ".join(part for part in ("the", mods, role.group("role")) if part)
        plural = role.group("det").lower() in ("two", "three", "four") or role.group("role") in _PLURAL_LEADS
        if role.group("det").lower() in ("two", "three", "four"):
            full = f"the {role.group('det').lower()} {' '.join(filter(None, (mods, role.group('role'))))}"
        if role.group("name"):
            name = role.group("name")
            described = " ".join(part for part in (role.group("det").lower(), mods, role.group("role")) if part)
            return Person(name, name.split()[0], described, role.group("role"))
        return Person(full, f"the {role.group('role')}", "", role.group("role"), plural)
    named = _NAMED_LEAD.match(first)
    known = {c.name for c in story.characters}
    if named and (named.group("name") in known or any(named.group("name") in name for name in known)):
        name = next((n for n in known if named.group("name") in n), named.group("name"))
        character = next(c for c in story.characters if c.name == name)
        described = named.group("desc") or descriptor(story, character)
        return Person(name, name.split()[0], _lower_article(described))
    if story.protagonist:
        return Person(story.protagonist.name, story.protagonist.name.split()[0])
    return Person("the protagonist", "the protagonist")


def is_person_role(word: str) -> bool:
    """A word that names a person by what they are or do ('keeper', 'apprentice', 'glassblower'), never an
    adjective of place ('Venetian')."""
    word = word.lower()
    return word in _ROLES or (_is_role(word) and not word.endswith("ian"))


def _is_role(word: str) -> bool:
    """A person's role: a word from the list, or a maker's noun ('glassblower', 'violinist')."""
    word = word.lower()
    if word in _ROLES:
        return True
    return word not in _NOT_PEOPLE and len(word) > 5 and word.endswith(("ist", "ian", "man", "woman", "smith", "maker",
                                                                         "wright", "blower", "keeper", "seller",
                                                                         "builder", "dealer", "player", "worker"))


def _roles(text: str, lead: Person) -> list[Person]:
    """People the premise describes by role: 'an old fisherman', 'her late father' (named ones are skipped)."""
    found: dict[str, Person] = {}
    for start in re.finditer(r"\b(?:an?|the|her|his|their|my|our)\s", text, re.IGNORECASE):
        match = _DETERMINER.match(text, start.start())
        if not match:
            continue
        det, phrase = match.group(1).lower(), match.group(2).split()
        at = next((index for index, word in enumerate(phrase) if _is_role(word)), None)
        if at is None:
            continue
        role = phrase[at].lower()
        named_next = at == len(phrase) - 1 and match.group(3)
        if role == lead.role or role in found or named_next or role in lead.description.split() or "late" in phrase:
            continue
        article = "the" if det in ("a", "an", "the") else det
        found[role] = Person(" ".join([article, *phrase[:at + 1]]), f"{article} {role}", role=role)
    return list(found.values())


def not_people(story: Story) -> set[str]:
    """Names the reader took for people that describe someone ('a Venetian glassblower') or name a thing
    ('the festival of Redentore')."""
    return adjective_names(story) | {c.name for c in story.characters if _names_a_thing(story.text, c.name)}


def adjective_names(story: Story) -> set[str]:
    """Capitalised words that describe someone: 'Venetian' in 'A Venetian glassblower'."""
    result = set()
    for character in story.characters:
        for alias in character.aliases:
            follows = re.search(rf"\b{name_pattern(alias)}\s+([a-z][\w'’-]*)", story.text, re.IGNORECASE)
            before = re.search(rf"\b(?:an?|the)\s+{name_pattern(alias)}\b", story.text, re.IGNORECASE)
            if follows and before and _is_role(follows.group(1)):
                result.add(character.name)
    return result


def _names_a_thing(text: str, name: str) -> bool:
    """'the festival of Redentore': a name after 'of' that follows no kinship word is an event's or a thing's."""
    matches = list(re.finditer(rf"\b(\w+)\s+of\s+{re.escape(name)}\b", text))
    return bool(matches) and all(match.group(1).lower() not in _KIN for match in matches) and \
        len(re.findall(rf"\b{re.escape(name)}\b", text)) == len(matches)


def _goal(text: str) -> tuple[str, str, str, str]:
    """(goal, deadline, purpose, circumstance) from 'must ...', 'has until X to ...', 'has three days to ...'."""
    for pattern in (_HAS_UNTIL, _HAS_TIME):
        match = pattern.search(text)
        if match:
            goal, _, purpose, circumstance = _split_goal(match.group("goal"))
            return goal, match.group("deadline").strip(), purpose, circumstance
    match = re.search(r"\b(?:must|is hired to|is sent to|wants? to|needs? to|has to|have to|tries to|sets? out to|hopes? to|decides? to|"
                      r"vows? to|plans? to|races? to|is determined to|struggles? to|fights? to)\s+([^.;!?]+)", text)
    return _split_goal(match.group(1)) if match else ("", "", "", "")


def _split_goal(goal: str) -> tuple[str, str, str, str]:
    goal = re.split(r",\s*(?:but|yet|while|and)\b|\s+but\s+", goal)[0].strip().rstrip(",")
    deadline = ""
    if found := _DEADLINE.search(goal):
        deadline, goal = found.group("deadline").strip(), goal[:found.start()]
        deadline, goal = _question_back(deadline, goal)
    purpose = ""
    if found := _PURPOSE.search(goal):
        purpose, goal = found.group("purpose").strip(), goal[:found.start()]
    circumstance = ""
    if found := _CIRCUMSTANCE.search(goal):
        circumstance, goal = found.group("circumstance"), goal[:found.start()] + goal[found.end():]
    return " ".join(goal.split()), deadline, purpose, circumstance


_QUESTION = re.compile(r"\s+(?P<question>(?:whether|if|which|what|who|how)\b.*)$")


def _question_back(deadline: str, goal: str) -> tuple[str, str]:
    """'decide before the morning inspection whether to report him': the question after a deadline that is a
    moment, not an event, belongs to the goal: ('the morning inspection', 'decide whether to report him').
    ('before anyone learns who did it' keeps its 'who': an event's own words.)"""
    found = _QUESTION.search(deadline)
    if not found:
        return deadline, goal
    moment = deadline[:found.start()]
    if _CLAUSE_VERB.search(" ".join(moment.split()[1:])):
        return deadline, goal
    return moment.strip(), f"{goal.rstrip()} {found.group('question')}"


def _obstacle(text: str) -> str:
    match = _OBSTACLE.search(text)
    return " ".join(match.group("what").split()).rstrip(",") if match else ""


def _twist(text: str) -> str:
    match = re.search(r"(?:,\s*|\s)(?:and|but|only to|then)\s+(?P<what>(?:discovers?|learns?|finds?|realizes?|realises?|"
                      r"uncovers?)\s+[^.;!?]{6,})", text)
    return " ".join(match.group("what").split()) if match else ""


def _threat(obstacle: str, deadline: str) -> str:
    """The subject of the obstacle or of an event deadline: 'the furnace is failing' -> 'the furnace'."""
    for clause in (obstacle, deadline):
        match = re.match(r"((?:the|a|an|her|his|their)\s+(?:[a-z]+\s+)?[a-z]+)\s+(?:is|are|was|has|\w+s)\b", clause)
        if match:
            return re.sub(r"^an?\s", "the ", match.group(1))
    return ""


def _places(story: Story, lead: Person) -> tuple[str, ...]:
    found = [place.phrase for place in (story.places or tuple(mentioned_places(story.text))) if place.phrase]
    found = [phrase if phrase[:1].isupper() else "the " + phrase.split(" ", 1)[1] if phrase.startswith(("a ", "an "))
             else phrase for phrase in found]
    home = _WORKPLACES.get(lead.role)
    if home and not any(home.split()[-1] in phrase for phrase in found):
        found.insert(0, home)
    return tuple(dict.fromkeys(found))[:3]


def _lower_article(text: str) -> str:
    return text[:1].lower() + text[1:] if text.split(" ")[0] in ("A", "An", "The") else text
