"""The words the extractor knows, in Dutch and English, as compiled patterns over lower-cased text.

One place for each word list: level values (numbers, names, meanings, ordinals, "op één na
hoogste"), level anchors ("dreigingsniveau", "threat level", "terreurdreiging"), change verbs,
and the scope lexicon (countries, regions, other authorities' scales, the NCTV itself).
Patterns run on text that `document.normalise` lower-cased and cleaned of quotes.
"""

from __future__ import annotations

import re

from monitor.levels import NAME_WORDS, NUMBER_WORDS, ORDINAL_WORDS

# -- level values ---------------------------------------------------------------------------

INFLECTED = {"minimale": 1, "beperkte": 2, "aanzienlijke": 3, "substantiële": 4, "substantiele": 4, "kritieke": 5}
NAMES: dict[str, int] = {**NAME_WORDS, **INFLECTED}
MEANINGS = {"voorstelbaar": 3, "reëel": 4, "reeel": 4, "conceivable": 3}
NUMBERS: dict[str, int] = {k: v for k, v in NUMBER_WORDS.items() if k != "één"} | {"één": 1, "een": 1}
ORDINALS = ORDINAL_WORDS

NAME_RE = r"(?:minimaal|minimale|beperkte?|aanzienlijke?|substanti[eë]le|substantieel|kritieke?|minimal|limited|" \
          r"significant|considerable|substantial|critical)"
NUM_RE = r"(?:[1-5](?![\d,.:/-]\d)(?!\s*(?:%|procent|percent))|één|twee|drie|vier|vijf|one|two|three|four|five)"
ORD_RE = r"(?:eerste|tweede|derde|vierde|vijfde|first|second|third|fourth|fifth)"
MEAN_RE = r"(?:voorstelbaar|re[eë]el|conceivable)"
RANK_RE = (r"(?:(?:het\s+|de\s+|the\s+)?op\s+(?:één|een|1)\s+na\s+hoogste|(?:het\s+|the\s+)?second[- ]highest|"
           r"(?:het\s+)?op\s+twee\s+na\s+hoogste|(?:the\s+)?third[- ]highest|(?:het\s+|the\s+)?(?:hoogste|highest)|"
           r"(?:het\s+|the\s+)?(?:laagste|lowest))")

# a value: "4", "vier", "substantieel", "4 (substantieel)", "substantieel (niveau 4)", "niveau 4", "level four"
VALUE_RE = (
    rf"(?:(?:(?:dreigings)?niveau|level|stufe|stap)\s+)?"
    rf"(?:(?P<num>{NUM_RE})\b(?:\s*\(\s*(?P<paren>{NAME_RE}|{MEAN_RE})\s*\))?(?:\s*scale)?"
    rf"(?:\s*[:,-]?\s*(?P<after>{NAME_RE})\b)?"
    rf"|(?P<name>{NAME_RE})\b(?:\s*\(\s*(?:(?:dreigings)?niveau\s+|level\s+)?(?P<pnum>{NUM_RE})\s*\))?)"
)


def value_of(m: re.Match[str], prefix: str = "") -> tuple[int | None, bool]:
    """(level, consistent): a name beats a number (the old four-level scale put 'substantieel' at 3)."""
    g = m.groupdict()
    num = NUMBERS.get((g.get(prefix + "num") or g.get(prefix + "pnum") or "").lower())
    named = NAMES.get((g.get(prefix + "name") or g.get(prefix + "paren") or g.get(prefix + "after") or "").lower())
    if named is None:
        named = MEANINGS.get((g.get(prefix + "paren") or "").lower())
    if named is not None and num is not None and named != num:
        return named, False
    return (named if named is not None else num), True


def agreed(m: re.Match[str], prefix: str = "") -> bool:
    """Both a number and a name are given, and they agree ("Niveau 4 van 5: substantieel")."""
    g = m.groupdict()
    num = NUMBERS.get((g.get(prefix + "num") or g.get(prefix + "pnum") or "").lower())
    named = NAMES.get((g.get(prefix + "name") or g.get(prefix + "paren") or g.get(prefix + "after") or "").lower())
    return num is not None and named == num


def rank_value(text: str) -> int | None:
    t = text.lower()
    if "twee na" in t or "third" in t:
        return 3
    if " na " in f" {t} " or "second" in t:
        return 4
    if "hoogste" in t or "highest" in t:
        return 5
    if "laagste" in t or "lowest" in t:
        return 1
    return None


# -- anchors: what a level is the level of --------------------------------------------------

STRONG_ANCHOR = (
    r"(?:terreur)?dreigingsniveau(?:s)?(?:\s+terrorisme)?|terrorisme?dreigingsniveau|terreurniveau|terreurdreigingsniveau|"
    r"terroristisch(?:e)?\s+dreigingsniveau|niveau\s+van\s+(?:de\s+)?terreurdreiging|"
    r"(?:terror(?:ist|ism)?\s+)?(?:attack\s+)?threat[- ](?:level|alert|status)|terror(?:ism)?\s+alert(?:\s+level)?|"
    r"alert\s+level|dreigingsinschatting|level\s+of\s+(?:the\s+)?(?:terror(?:ist)?\s+)?threat|"
    r"terror(?:ism|ist)?\s+warning(?:\s+(?:rank|level))?|warning\s+level|terror\s+(?:attack\s+)?alert\s+level"
)
THREAT_NOUN = (
    r"(?:(?:de|het)\s+)?(?:terroristische\s+|terreur)?dreiging(?:sbeeld)?|(?:the\s+)?(?:terrorist\s+|terror\s+)?threat"
    r"|terreurdreiging|terrorismedreiging"
)
ANCHOR_WORD = re.compile(rf"\b(?:{STRONG_ANCHOR})\b")
THREAT_WORD = re.compile(r"dreig|threat|terror|terreur|nctv|nctb|aanslag|attack")

# -- changes --------------------------------------------------------------------------------

UP_VERBS = (r"verho(?:og|gen)\w*|(?:op)?getild|(?:op)?tillen|tilt|naar\s+boven|opgeschaald|opschal\w*|schaalt\s+op|schaalde\s+op|opgetrokken|"
            r"opgeschroefd|omhoog|stijg\w*|gestegen|raise[sd]?|raising|increase[sd]?|increasing|upped|upping|ups|"
            r"elevate[sd]?|elevating|upgrade[sd]?|hoger|lift(?:s|ed|ing)?|rose|rises|risen|rising|scaled\s+up|stepped\s+up")
DOWN_VERBS = (r"verla(?:ag|gen)\w*|naar\s+beneden|afgeschaald|afschal\w*|omlaag|terug(?:gezet|gebracht|geschroefd|"
              r"gedraaid|geschaald|schroef\w*|draai\w*)|terug\s+(?:naar|van)|teruggaan|zak\w*|gezakt|daal\w*|gedaald|"
              r"neerwaarts|lower(?:s|ed|ing)?|decrease[sd]?|decreasing|reduce[sd]?|reducing|downgrade[sd]?|cut|"
              r"dropped|drops|lager|scaled\s+down|eased|down")
NEUTRAL_VERBS = r"bijgesteld|bijgestel\w*|stel\w*\s+\w+(?:\s+\w+){0,6}?\s+bij|aangepast|gewijzigd|veranderd|gaat|ging|" \
                r"gaan|gingen|gegaan|brengt|gebracht|moved?|moves|changed?|adjusted|brought|brings|bring|bringing|put|puts"
CHANGE_VERB = re.compile(rf"\b(?:{UP_VERBS}|{DOWN_VERBS}|{NEUTRAL_VERBS})\b")
DIRECTION_UP = re.compile(rf"\b(?:{UP_VERBS})\b")
DIRECTION_DOWN = re.compile(rf"\b(?:{DOWN_VERBS})\b")

# -- scope: whose level ---------------------------------------------------------------------

DOMESTIC_NCTV = re.compile(
    r"\b(?:nctv|nctb|nationaal\s+co[öo]rdinator|national\s+coordinator|dreigingsbeeld\s+terrorisme|dtn\d*|"
    r"terrorist\s+threat\s+assessment(?:\s+for)?(?:\s+the)?\s+netherlands|aivd)\b"
)
DOMESTIC = re.compile(
    r"\b(?:nederland|nederlandse?|holland|hollandse?|the\s+netherlands|netherlands|dutch|den\s+haag|the\s+hague|"
    r"in\s+de\s+rest\s+van\s+nederland|nl)\b"
)
# the home country of the text, whichever it is: a Belgian paper's "ons land" is Belgium
HOME = re.compile(r"\b(?:ons\s+land|our\s+country|hier\s+te\s+lande|bij\s+ons|nationale?|landelijke?|national|"
                  r"nationwide)\b")
FOREIGN = re.compile(
    r"\b(?:belgi[ëe]|belgische?|belgium|belgian|brussel|brussels|bruxelles|ocad|ocam|vlaanderen|wallonië|"
    r"frankrijk|franse?|france|french|parijs|paris|vigipirate|"
    r"duitsland|duitse?|germany|german|deutschland|berlijn|berlin|"
    r"verenigd\s+koninkrijk|groot-?brittannië|britse?|brits|engeland|engelse|londen|united\s+kingdom|britain|british|"
    r"england|london|uk|u\.k\.|mi5|jtac|"
    r"zweden|zweedse?|sweden|swedish|säpo|sapo|stockholm|denemarken|deense?|denmark|danish|pet|kopenhagen|"
    r"noorwegen|noorse?|norway|norwegian|oostenrijk|oostenrijkse?|austria|austrian|spanje|spaanse?|spain|spanish|"
    r"itali[ëe]|italiaanse?|italy|italian|zwitserland|switzerland|israël|israel|turkije|turkey|rusland|russia|"
    r"verenigde\s+staten|amerikaanse?|amerika|united\s+states|american|america|canada|canadese?|canadian|"
    r"australi[ëe]|australische?|australian|nieuw-?zeeland|new\s+zealand|ierland|ireland|schotland|scotland|"
    r"luxemburg|luxembourg|polen|poland)\b"
)
OTHER_AUTHORITY = re.compile(
    r"\b(?:reisadvie[sz]\w*|reiswaarschuwing\w*|travel\s+advi[cs]\w*|travel\s+(?:warning|alert)s?|advisory|state\s+department|department\s+of\s+state|fcdo|"
    r"foreign\s+(?:and\s+commonwealth\s+|commonwealth\s+and\s+development\s+)?office|exercise\s+(?:increased|a\s+high\s+degree\s+of)\s+caution|"
    r"alerteringssysteem\w*|alerteringsniveau\w*|atb|basisniveau|lichte\s+dreiging|matige\s+dreiging|hoge\s+dreiging|"
    r"fase\s+\d|code\s+(?:rood|oranje|geel)|veiligheidsregio|politie(?:korps)?\s+(?:verhoogt|heeft)|"
    r"evenementen?niveau|risiconiveau|alert\s*state|blew|bij\s+leven\s+en\s+welzijn|"
    r"(?:dreigingsniveau|threat\s+level)\s+(?:(?:voor|for)\s+(?:de\s+|the\s+))?(?:joodse|jewish)\s+(?:gemeenschap|community))\b"
)
REGIONAL = re.compile(
    r"\b(?:provincie|provinciale?|province|provincial|regio|regionale?|region(?:al)?|lokaal|lokale|locally|local|"
    r"gemeente|municipality|utrecht(?:se)?|stad|city)\b"
)

# a sentence worth parsing holds a level word of some kind (the mention-first filter)
LEVEL_HINT = re.compile(rf"\b(?:{NAME_RE}|{NUM_RE}|{ORD_RE})\b")
