"""The phrases in action lines that change how an asset looks: 'falls in the mud' -> muddy, 'washes' -> clean.

Each Trigger is a whole-word pattern (case-insensitive) with what it does: add a tag, or clear the tags an
action ends (see core.film.status_tags). Who it happens to is found by the reader (continuity.py):

    target "subject"   the sentence's subject ('Mara slips in the mud'), or the asset its `who` group names
                       ('pushes Tomas into the river', 'rips his sleeve', 'lights the lantern')
    target "location"  the scene's location ('Smoke fills the room')

Only words a frame would show are triggers; a time jump ('Three weeks later') is one too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.film.status_tags import CHARACTER, LOCATION, PROP


@dataclass(frozen=True)
class Trigger:
    pattern: re.Pattern[str]
    adds: str = ""  # a tag of the vocabulary
    clears: str = ""  # an action whose tags it ends: wash, change, dry, mend, time
    target: str = "subject"  # "subject" | "location" | "everyone" (a time jump)
    types: frozenset[str] = frozenset({CHARACTER, PROP})  # what a clear may happen to


_MUD = r"(?:mud|muck|mire|sludge|bog|slime)"
_WATER = (r"(?:river|water|sea|lake|pond|stream|surf|waves?|pool|canal|harbou?r|creek|current|ocean|tide|"
          r"flood(?:water)?s?|rapids|brook|shallows|lagoon|reservoir)")
_DET = r"(?:(?:the|a|an|some|thick|deep|wet|cold|icy|black|dark|freezing|churning|shallow|brown|oozing)\s+){0,3}"
_FALL = (r"(?:falls?|fell|fallen|falling|slips?|slipped|slipping|tumbles?|tumbled|tumbling|sprawls?|sprawled|"
         r"stumbles?|stumbled|trips?|tripped|topples?|toppled|goes\s+down|went\s+down|lands?|landed|collapses?|"
         r"collapsed)")
_MOVE = (r"(?:crawls?|crawled|crawling|rolls?|rolled|rolling|wallows?|wallowed|sinks?|sank|sinking|wades?|waded|"
         r"wading|trudges?|trudged|trudging|slogs?|slogged|squelches|squelched|flounders?|floundered|plods?|plodded)")
_INTO = r"(?:\s+[\w'’-]+){0,2}?\s+(?:in|into|through|across|onto|under|beneath)\s+"
_PUSH = (r"(?:pushes|pushed|shoves?|shoved|throws?|threw|thrown|knocks?|knocked|drags?|dragged|tips?|tipped|"
         r"hurls?|hurled|tosses|tossed|shoulders|shouldered)")
_OBJECT = r"(?P<who>[^,.;:!?]{1,40}?)"  # the one it happens to, anchored by what follows
_REST = r"(?P<who>[^,.;:!?]{1,40})"  # the one it happens to, to the end of the clause
_OWNER = r"(?P<who>his|her|their|him|them|[A-Z][\w’'.-]*(?:\s[A-Z][\w’'-]*)?(?:['’]s?)?)"  # 'his', "Mara's"
_PERSON = r"(?P<who>him|her|them|[A-Z][\w’'.-]*(?:\s[A-Z][\w’'-]*)?)(?![’'\w])"  # 'Tomas', never "Tomas's dog"
_BODY = (r"(?:hands?|arms?|palms?|fingers?|face|cheek|lips?|legs?|head|forehead|knees?|brow|chin|thumb|wrists?|"
         r"shins?|scalp|nose|ears?|neck|shoulders?|side|foot|feet|back|elbows?|ankles?|knuckles)")
_GARMENT = (r"(?:shirt|sleeves?|blouse|coat|jacket|dress|collar|trousers|pants|jeans|tunic|skirt|cloak|shirt-?front|"
            r"t-shirt|vest|sweater|jumper|hoodie|gown|robe|uniform|overalls|stockings?|tights|hem|cuffs?)")
_SNUFF = r"(?:blows|blew|puts|put|snuffs|snuffed|pinches|pinched|switches|switched|turns|turned)"
_DIRT = r"(?:mud|blood|dirt|dust|grime|soot|oil|grease|sweat|muck|ash|filth)"
_SELF = r"(?:himself|herself|themselves)"


def _t(pattern: str, adds: str = "", clears: str = "", target: str = "subject", types: str = "") -> Trigger:
    kinds = frozenset(types.split()) if types else frozenset({CHARACTER, PROP})
    return Trigger(re.compile(pattern, re.IGNORECASE), adds, clears, target, kinds)


_ADDING = (
    # muddy
    _t(rf"\b(?:{_FALL}|{_MOVE}){_INTO}{_DET}{_MUD}\b", "muddy"),
    _t(rf"\b{_PUSH}\s+{_OBJECT}\s+(?:in|into|through|onto)\s+{_DET}{_MUD}\b", "muddy"),
    _t(rf"\b(?:covered|caked|plastered|smeared|spattered|splattered|streaked|coated|slick|splashed|filthy)\s+"
       rf"(?:in|with)\s+{_DET}{_MUD}\b", "muddy"),
    _t(r"\bmud-(?:caked|spattered|splattered|streaked|covered|smeared|soaked|stained|slick)\b", "muddy"),
    _t(rf"\b{_MUD}\s+(?:on|over|across|covers?|covered|cakes?|caked|streaks?|spatters?|splatters?|coats?|"
       rf"clings\s+to|soaks?)\s+{_OWNER}", "muddy"),
    _t(r"\b(?:is|are|gets?|got|now|was|were|looks?)\s+(?:all\s+|completely\s+|thoroughly\s+)?muddy\b", "muddy"),
    # soaked
    _t(rf"\b(?:{_FALL}|{_MOVE}|dives?|dived|dove|diving|plunges?|plunged|plunging|jumps?|jumped|jumping|leaps?|"
       rf"leapt|leaped|leaping|swims?|swam|swimming|(?:is|are|gets?|got)\s+swept|splashes|splashed)"
       rf"{_INTO}{_DET}{_WATER}\b", "soaked"),
    _t(r"\b(?:overboard|swims|swam|swimming)\b", "soaked"),
    _t(rf"\b{_PUSH}\s+{_OBJECT}\s+(?:(?:in|into|under)\s+{_DET}{_WATER}|overboard)\b", "soaked"),
    _t(r"(?<![\w-])(?:drenched|soaked|sodden|sopping|waterlogged|rain-soaked|rain-drenched|soaking\s+wet|"
       r"dripping\s+wet|wet\s+through|wet\s+to\s+the\s+(?:skin|bone)|(?:is|are|gets?|got)\s+wet)\b"
       r"(?!\s+(?:in|with|through\s+with)\s+(?:his\s+own\s+|her\s+own\s+)?(?:sweat|blood|oil|grease|mud))", "soaked"),
    _t(rf"\b(?:rain|downpour|storm|spray|waves?|surf|water|sea|river|bucket\s+of\s+water)\s+(?:soaks|drenches|"
       rf"douses|swamps|engulfs|lashes|batters|pelts|beats\s+down\s+on|crashes\s+over|breaks\s+over|washes\s+over|sweeps\s+over|pours\s+over)\s+{_REST}",
       "soaked"),
    _t(r"\b(?:caught\s+in\s+(?:the\s+|a\s+)?(?:rain|downpour|storm|cloudburst)|in\s+the\s+(?:pouring|driving)\s+"
       r"rain|in\s+the\s+downpour)\b", "soaked"),
    # bloody
    _t(r"\b(?:bleeds?|bled|bleeding|wounded|bloodied|bloody\s+(?:nose|lip|hands?|face|shirt|knuckles|mouth|"
       r"sleeve)|blood-(?:stained|soaked|spattered|streaked|smeared|covered))\b", "bloody"),
    _t(rf"\b(?:cuts?|slices?|sliced|gashes|gashed|grazes?|grazed|nicks?|nicked|splits?|scrapes?|scraped|skins?|"
       rf"skinned|slashes|slashed|opens?|opened)\s+(?:open\s+)?{_OWNER}\s+(?:[\w-]+\s+)?{_BODY}\b", "bloody"),
    _t(r"\b(?:is|are|gets?|got|was|were|lies|lay)\s+(?:badly\s+|deeply\s+)?(?:cut|wounded|stabbed|shot|slashed)\b",
       "bloody"),
    _t(r"\b(?:(?:covered|spattered|splattered|smeared|soaked|streaked|stained|drenched|slick|dripping)\s+(?:in|with)|"
       r"in\s+a\s+pool\s+of)\s+(?:his\s+own\s+|her\s+own\s+|their\s+own\s+)?blood\b", "bloody"),
    _t(rf"\bblood\s+(?:runs|ran|trickles|trickled|drips|dripped|seeps|seeped|pours|poured|streams|streamed|oozes|"
       rf"oozed|wells|welled|spills|blooms|spreads|flows|stains|soaks|spatters|covers|on|from|across|over)\s+"
       rf"(?:(?:from|down|over|across|through|into|on)\s+)?{_OWNER}", "bloody"),
    _t(rf"\b(?:stabs?|stabbed|slashes|slashed|shoots|shot|wounds|knifes|knifed|bloodies)\s+{_PERSON}",
       "bloody"),
    # torn_shirt
    _t(rf"\b(?:rips?|ripped|ripping|tears?|tore|tearing|shreds?|shredded|splits?|slashes|slashed|snags?|snagged)\s+"
       rf"(?:open\s+|off\s+)?{_OWNER}\s+(?:[\w-]+\s+){{0,2}}?{_GARMENT}\b", "torn_shirt"),
    _t(rf"\b{_OWNER}\s+(?:[\w-]+\s+){{0,2}}?{_GARMENT}\s+(?:rips|ripped|tears|tore|splits|split|is\s+torn|"
       rf"is\s+ripped|comes\s+apart|hangs\s+in\s+(?:tatters|shreds|ribbons)|is\s+in\s+(?:tatters|shreds|ribbons)|"
       rf"(?:catches|snags)\s+(?:on\s+[\w\s]{{1,20}}?\s+)?and\s+(?:tears|rips))\b", "torn_shirt"),
    _t(rf"\b(?:torn|ripped|shredded|tattered|slashed)\s+(?:[\w-]+\s+)?{_GARMENT}\b", "torn_shirt"),
    # bruised
    _t(r"\b(?:bruised|bruises?|black\s+eye|swollen\s+(?:eye|cheek|jaw|lip|face)|split\s+lip|black\s+and\s+blue)\b",
       "bruised"),
    _t(rf"\b(?:punches|punched|strikes|struck|kicks|kicked|beats|headbutts|headbutted|pummels|pummelled|pummeled|"
       rf"clubs|clubbed)\s+{_PERSON}", "bruised"),
    _t(r"\b(?:is|are|gets?|got|was|were)\s+(?:badly\s+)?(?:beaten|punched|beaten\s+up|kicked)\b", "bruised"),
    # burned
    _t(rf"\b(?:burns?|burned|burnt|scalds?|scalded|singes?|singed|scorches|scorched|sears?|seared)\s+{_OWNER}\s+"
       rf"(?:[\w-]+\s+)?(?:{_BODY}|hair|beard|sleeves?|coat|jacket|eyebrows?)\b", "burned"),
    _t(r"\b(?:is|are|gets?|got|was|were)\s+(?:badly\s+)?(?:burned|burnt|scalded|singed|scorched)\b", "burned"),
    _t(r"\b(?:catches\s+(?:fire|alight)|caught\s+(?:fire|alight)|goes\s+up\s+in\s+flames|went\s+up\s+in\s+flames|"
       r"bursts\s+into\s+flames?|burns\s+(?:down|to\s+the\s+ground|to\s+ash)|burned\s+down|burnt\s+down|"
       r"is\s+(?:ablaze|on\s+fire))\b", "burned"),
    _t(rf"\b(?:burns|burned|burnt|sets\s+fire\s+to|set\s+fire\s+to|torches|torched|scorches)\s+{_REST}", "burned"),
    _t(r"\b(?:flames|fire|the\s+blaze)\s+(?:engulfs?|sweeps?|consumes?|spreads?|rips?|tears?|races?|guts?)\b",
       "burned", target="location"),
    # dusty, sweaty, snowy, oily, sooty
    _t(r"\b(?:covered|coated|caked|powdered|grey|gray|white|thick)\s+(?:in|with)\s+(?:dust|plaster(?:\s+dust)?|"
       r"flour|sawdust|brick\s+dust|dirt)\b", "dusty"),
    _t(r"\bdust-(?:covered|caked|coated|streaked|choked|smeared)\b", "dusty"),
    _t(rf"\b(?:{_FALL}|{_MOVE}){_INTO}{_DET}(?:dust|dirt|rubble|sand|debris)\b", "dusty"),
    _t(rf"\b(?:dust|plaster|grit)\s+(?:settles\s+on|covers|coats|cakes|rains\s+(?:down\s+)?on|falls\s+on|"
       rf"showers)\s+{_OWNER}", "dusty"),
    _t(r"(?<![\w-])(?:sweats|sweating|sweated|sweaty|sweat-(?:soaked|drenched|stained|streaked|slick)|"
       r"(?:drenched|soaked|slick|glistening|dripping|beaded|damp)\s+(?:in|with)\s+sweat|beads\s+of\s+sweat|"
       r"(?:breaks|broke)\s+(?:out\s+)?in(?:to)?\s+a\s+sweat|sweat\s+(?:runs|ran|pours|poured|drips|dripped|beads|"
       r"beaded|trickles|streams|stings|soaks|plasters))\b", "sweaty"),
    _t(r"\b(?:covered|dusted|caked|crusted|white|flecked|powdered)\s+(?:in|with)\s+snow\b", "snowy"),
    _t(rf"\bsnow\s+(?:on|in|clings\s+to|settles\s+on|gathers\s+on|covers|dusts)\s+{_OWNER}", "snowy"),
    _t(rf"\b(?:{_FALL}|{_MOVE}|struggles?|struggled){_INTO}{_DET}(?:snow|snowdrifts?|drifts?)\b", "snowy"),
    _t(r"\b(?:snow|the\s+snow)\s+(?:falls|fell|is\s+falling|begins\s+to\s+fall|starts\s+to\s+fall|covers|blankets|"
       r"settles|drifts|swirls|piles)\b|\bit(?:\s+is)?\s+snow(?:s|ing)\b", "snowy", target="location"),
    _t(r"\b(?:covered|smeared|streaked|slick|black|coated|stained|caked|smudged)\s+(?:in|with)\s+(?:engine\s+)?"
       r"(?:oil|grease)\b|\b(?:oil|grease)-(?:stained|smeared|streaked|blackened|covered|slick)\b", "oily"),
    _t(rf"\b(?:oil|grease)\s+(?:on|smears|streaks|stains|blackens)\s+{_OWNER}", "oily"),
    _t(r"\b(?:covered|blackened|streaked|smeared|black|smudged|caked)\s+(?:in|with)\s+(?:soot|ash|cinders)\b|"
       r"\b(?:soot|smoke)-(?:blackened|streaked|stained|smeared|covered|smudged)\b", "sooty"),
    _t(rf"\bsoot\s+(?:on|streaks|blackens|covers|smudges)\s+{_OWNER}", "sooty"),
    # props: broken, lit, extinguished
    _t(r"\b(?:shatters?|shattered|smashes|smashed|breaks|broke|cracks|cracked|snaps|snapped|splinters|splintered|"
       r"buckles|buckled|(?:is|lies)\s+(?:broken|in\s+pieces|smashed|shattered))\b", "broken"),
    _t(rf"\b(?:shatters|shattered|smashes|smashed|breaks|broke|cracks|cracked|snaps|snapped|crushes|crushed|"
       rf"stamps\s+on|stomps\s+on|splinters|splintered|dents|dented)\s+{_REST}", "broken"),
    _t(rf"\b(?:lights|lit|relights|relit|kindles|kindled|ignites|ignited|turns\s+on|switches\s+on|turned\s+on|"
       rf"switched\s+on)\s+{_REST}", "lit"),
    _t(r"\b(?:flares|flared|flickers\s+(?:on|to\s+life|alight)|sputters\s+(?:to\s+life|alight)|(?:is|was|are)\s+"
       r"(?:lit|alight)|comes\s+on|came\s+on|blazes\s+to\s+life)\b", "lit"),
    _t(r"\b(?:goes|go|went|gutters?|guttered|flickers?|flickered|sputters?|sputtered|dies|die|died|blinks?|winks?|"
       r"blows|blew)"
       r"\s+out\b|\b(?:is|was)\s+(?:extinguished|snuffed\s+out)\b", "extinguished"),
    _t(rf"\b{_SNUFF}\s+(?:out|off)\s+{_REST}", "extinguished"),
    _t(rf"\b{_SNUFF}\s+{_OBJECT}\s+(?:out|off)\b", "extinguished"),
    _t(rf"\b(?:extinguishes|extinguished|douses|doused|smothers|smothered)\s+{_REST}", "extinguished"),
    # locations: smoky, flooded
    _t(r"\b(?:smoke|fumes)\s+(?:fills|filled|billows|billowed|pours|poured|chokes|choked|hangs|hung|curls|drifts|"
       r"thickens|rolls|spreads|seeps)\b|\b(?:filled|thick|choked|hazy|heavy)\s+with\s+smoke\b|\bsmoke-filled\b",
       "smoky", target="location"),
    _t(r"\b(?:water|floodwater|seawater|the\s+river|the\s+sea|the\s+tide|rainwater)\s+(?:floods|flooded|fills|filled|"
       r"pours\s+in(?:to)?|poured\s+in(?:to)?|rushes\s+in(?:to)?|surges\s+in(?:to)?|covers\s+the\s+floor|rises)\b|"
       r"\b(?:is|are|lies|stands)\s+(?:flooded|under\s+water|awash)\b", "flooded", target="location"),
)

_CLEARING = (
    _t(rf"\b(?:washes|washed|washing|wash|scrubs|scrubbed|rinses|rinsed|cleans|cleaned|sluices|sluiced|hoses|hosed)"
       rf"(?=\s*$|\s*[.,;:!?]|\s+(?:off|away|up|down|clean|{_SELF}|the\s+{_DIRT}|his|her|their|"
       rf"[A-Z][\w’'-]*['’]s)\b)(?P<who>[^,.;:!?]{{0,40}})", clears="wash"),
    # wiping is cleaning only when it says what comes off: 'wipes the blood away', not 'wipes her eyes'
    _t(rf"\b(?:wipes|wiped|wiping|sponges|sponged)(?=\s+(?:off|away|clean|the\s+{_DIRT})\b)(?P<who>[^,.;:!?]{{0,40}})",
       clears="wash"),
    _t(r"\b(?:showers|showered|bathes|bathed|takes\s+a\s+(?:shower|bath)|took\s+a\s+(?:shower|bath)|(?:steps|climbs|"
       r"sinks|lies)\s+(?:into|in)\s+(?:the|a)\s+(?:shower|bath|tub)|stands\s+under\s+the\s+shower|gets?\s+cleaned\s+up)"
       r"\b", clears="wash"),
    _t(r"\b(?:changes|changed|changing|change)\s+(?:into|out\s+of|clothes|(?:his|her|their)\s+(?:clothes|shirt|dress|"
       r"blouse|coat|jacket|trousers|outfit|uniform))\b|\b(?:puts|put|pulls|pulled|slips|slipped|shrugs|shrugged|"
       r"gets|got)\s+(?:on|into)\s+(?:a\s+|some\s+|her\s+|his\s+|their\s+)?(?:clean|fresh|dry|new|spare|borrowed)\b|"
       r"\b(?:gets|got)\s+changed\b|\b(?:in|wearing)\s+(?:clean|fresh|dry|new)\s+(?:clothes|shirt|dress|outfit|"
       r"things)\b", clears="change", types=CHARACTER),
    _t(rf"\b(?:dries|dried|drying|towels|towelled|toweled|towelling|toweling)\s+(?:{_SELF}\s+)?(?:off|down|dry|"
       rf"{_SELF}|(?:his|her|their)\s+hair)\b|\b(?:warms?|warmed|warming|sits|sat|sitting|huddles|huddled|crouches|"
       rf"crouched|steams|steaming|thaws|thawed|dries|dried|drying|kneels|knelt)\s+(?:[\w'’-]+\s+){{0,3}}?(?:by|beside|"
       rf"before|near|in\s+front\s+of)\s+(?:the\s+|a\s+)?(?:fire|stove|hearth|fireplace|heater|brazier|campfire|"
       rf"radiator|flames)\b", clears="dry"),
    _t(rf"\b(?:mends|mended|sews\s+up|sewed\s+up|stitches\s+up|patches|patched|darns|darned|repairs|repaired)\s+"
       rf"{_OWNER}\s+(?:[\w-]+\s+){{0,2}}?{_GARMENT}\b", clears="mend", types=CHARACTER),
    _t(rf"\b(?:mends|mended|repairs|repaired|fixes|fixed|glues|glued|tapes\s+up|taped\s+up)\s+{_REST}", clears="mend",
       types=PROP),
    _t(r"\b(?:(?:\w+|\d+)\s+(?:days|weeks|months|years)\s+later|(?:days|weeks|months|years)\s+(?:pass|go\s+by))\b",
       clears="time", target="everyone", types=f"{CHARACTER} {PROP} {LOCATION}"),
)

_BANDAGE = (
    _t(rf"\b(?:bandages|bandaged|binds|bound|wraps|wrapped|dresses|dressed|straps|strapped)\s+(?:up\s+)?"
       rf"(?:(?:the|a)\s+(?:wound|cut|gash)\s+on\s+)?{_OWNER}\s+(?:[\w-]+\s+){{0,2}}?(?:wounds?|cuts?|gash|{_BODY})\b",
       "bandaged"),
    _t(r"\b(?:bandages|bandaged|binds|dresses|dressed)\s+(?:up\s+)?the\s+(?:wound|cut|gash)\b", "bandaged"),
    _t(rf"\b(?:a\s+|the\s+)?bandages?\s+(?:on|around|round|over)\s+{_OWNER}|\b(?:bandaged|in\s+bandages|"
       rf"wrapped\s+in\s+bandages)\b", "bandaged"),
)

# Ordered as they happen in a sentence; the reader sorts matches by position, clears before adds at a tie.
TRIGGERS: tuple[Trigger, ...] = _CLEARING + _BANDAGE + _ADDING

SUBSTANCE_TAGS = {"mud": "muddy", "muck": "muddy", "blood": "bloody", "dirt": "dusty", "dust": "dusty",
                  "grime": "dusty", "filth": "muddy", "soot": "sooty", "ash": "sooty", "oil": "oily",
                  "grease": "oily", "sweat": "sweaty"}
SUBSTANCE = re.compile(rf"\b{_DIRT}\b", re.IGNORECASE)

NEGATIONS = frozenset("""
not no never without nearly almost barely hardly narrowly avoids avoid avoiding dodges dodge escapes nor neither
if unless would could might may can cannot tries try trying wants want hopes needs plans refuses forgets about
threatens pretends afraid fears lest instead
""".split())
