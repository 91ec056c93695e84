"""Read DTN edition, national threat level and level change out of Dutch or English prose.

The extractor works sentence by sentence. A number or a word only becomes a level when it
is bound to a level anchor ("dreigingsniveau", "niveau 4", "threat level") by grammar the
texts really use; scale phrases ("op een schaal van 5"), edition and Kamerstuk numbers and
dates are removed first. Changes are kept only when the sentence reports them as news, not
as history or hypothesis. When statements conflict the result says so (low confidence)
rather than guessing: a wrong level is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from monitor import dates
from monitor.extract.text import html_to_text, looks_like_html, paragraphs, sentences, unquote
from monitor.levels import LEVELS, MEANING_WORDS, NAME_WORDS, NUMBER_WORDS, ORDINAL_WORDS, level_name

HIGH, MEDIUM, LOW = "high", "medium", "low"

# --- vocabulary --------------------------------------------------------------------------

_INFLECTED = {
    "minimale": 1, "beperkte": 2, "aanzienlijke": 3, "substantiële": 4, "substantiele": 4,
    "kritieke": 5,
}
NAME_RE = r"(?:minimaal|minimale|beperkte?|aanzienlijke?|substanti[eë]le|substantieel|kritieke?|minimal|limited|significant|considerable|substantial|critical)"
NUM_RE = r"(?:[1-5](?![\d,.:/-]\d)|één|twee|drie|vier|vijf|one|two|three|four|five)"
MEAN_RE = r"(?:voorstelbaar|re[eë]el|conceivable|realistic|real)"
ORD_RE = r"(?:eerste|tweede|derde|vierde|vijfde|first|second|third|fourth|fifth)"

# A value: "4", "vier", "substantieel", "4 (substantieel)", "substantieel (niveau 4)", "3 (voorstelbaar)".
VAL = (
    rf"(?:(?P<{{p}}num>{NUM_RE})\b(?:\s*\(\s*(?P<{{p}}paren>{NAME_RE}|{MEAN_RE})\s*\))?"
    rf"|(?P<{{p}}name>{NAME_RE})\b(?:\s*\(\s*(?:niveau\s+|level\s+)?(?P<{{p}}pnum>{NUM_RE})\s*\))?)"
)


def _val(prefix: str) -> str:
    return VAL.replace("{p}", prefix)


ANCHOR = r"(?:terreurdreigingsniveau|dreigingsniveau|terrorismedreigingsniveau|threat[- ]level|alert[- ]level|dreigingsniveau terrorisme)"
GLUE_WORDS = (
    "is|blijft|blijven|staat|stond|bleef|was|wordt|werd|bedraagt|bedroeg|geldt|gold|ligt|lag|"
    "gehandhaafd|handhaaft|vastgesteld|gesteld|gezet|gebleven|onveranderd|ongewijzigd|"
    "op|van|het|de|in|nederland|terrorisme|nog|steeds|altijd|al|daarom|dus|ook|momenteel|nu|thans|"
    "huidige|actuele|voor|ons|land|sinds|jaren|jaar|maanden|date|ref|dtnref|nationale|landelijke|met|"
    "remains|remained|stays|stayed|stands|stood|at|the|level|still|currently|netherlands|for|set|"
    "maintained|kept|unchanged|national|has|been|therefore|also|now|de|afgelopen|vijf|periode|"
    "daarmee|hiermee|opnieuw|wederom|again|of|nctv|door|by|vandaag|today|officieel|officially|"
    "voorlopig|vooralsnog|dit|moment|eveneens|onverminderd|for now|currently|unchanged|hangen|zit|dat|which"
)
GLUE = rf"(?:\s*(?:{GLUE_WORDS})\b|\s*[:,\-–]|\s*\((?:dtn|dtnref)\))"

# Phrases whose numbers are not levels.
SCALE_PATTERNS = [
    r"op een schaal (?:van|tot|met) (?:(?:1|één) tot (?:en met )?)?(?:5|vijf|4|vier)",
    r"on a (?:\w+ )?scale (?:of|from) (?:(?:1|one) to )?(?:5|five|4|four)",
    r"(?:1|één|one)\s*(?:\(\s*[a-z]+\s*\)\s*)?(?:tot(?: en met)?|to|-|–)\s*(?:5|vijf|five)(?:\s*\(\s*[a-z]+\s*\))?",
    r"(?:van|uit|out of|of) (?:de |the |een |a )?(?:5|vijf|five|4|vier|four)(?: mogelijke| possible)?(?: niveaus| levels| dreigingsniveaus| stappen)?\b(?!\s*(?:\(|naar\b|to\b|tot\b))",
    r"op (?:de |een )?(?:5|vijf)(?: mogelijke)? (?:niveaus|dreigingsniveaus)",
    r"het (?:maximale|hoogste) (?:cijfer|niveau|dreigingsniveau) is (?:5|vijf)",
    r"(?:5|vijf|five) is (?:het|the) hoogste(?: niveau)?",
    r"the highest (?:level )?is (?:5|five)",
    r"(?:\d+|twee|drie|vier|vijf|zes) (?:niveaus|levels|dreigingsniveaus|keer|maal|times)\b",
    r"\s*/\s*5\b",
    r"\b\d+\s*(?:%|procent|percent|personen|mensen|people|jaar|jaren|years|maanden|months|dagen|days)\b",
]
_SCALE_RE = re.compile("|".join(f"(?:{p})" for p in SCALE_PATTERNS))

_EDITION_RES = [
    re.compile(r"\b(?:dtn|ttan)\s*[-–]?\s*(?:nr\.?|nummer|no\.?)?\s*(\d{1,3})\b(?!\s*[-–]\s*\d)", re.I),
    re.compile(
        r"\bdreigingsbeeld\s+terrorisme\s+nederland\s*(?:\(\s*dtn\s*\)\s*)?(?:nr\.?|nummer)?\s*(\d{1,3})\b(?!\s*[-–]\s*\d)", re.I
    ),
    re.compile(
        r"\bterrorist\s+threat\s+assessment\s+(?:for\s+)?(?:the\s+)?netherlands\s*(?:\(\s*(?:dtn|ttan)\s*\)\s*)?(?:no\.?\s*)?(\d{1,3})\b", re.I
    ),
    re.compile(r"\b(\d{1,3})\s*(?:e|ste|de|st|nd|rd|th)\s+(?:dreigingsbeeld|dtn|terrorist\s+threat\s+assessment)", re.I),
    re.compile(r"\bdreigingsbeeld\s+(?:nr\.?|nummer)\s*(\d{1,3})\b", re.I),
]
_EDITION_RANGE = re.compile(r"\bdtn[- ]?\d{1,3}\s*[-–]\s*(?:\d{1,3}|heden)\b", re.I)
_EDITION_STRIP = re.compile(
    r"\b(?:dtn|ttan)\s*[-–]?\s*(?:nr\.?|nummer|no\.?)?\s*\d{1,3}(?:\s*[-–]\s*(?:\d{1,3}|heden))?\b"
    r"|\bdreigingsbeeld\s+terrorisme\s+nederland\s*(?:\(\s*dtn\s*\)\s*)?(?:nr\.?|nummer)?\s*\d{1,3}\b"
    r"|\bterrorist\s+threat\s+assessment\s+(?:for\s+)?(?:the\s+)?netherlands\s*(?:\(\s*(?:dtn|ttan)\s*\)\s*)?\d{1,3}\b"
    r"|\b\d{1,3}\s*(?:e|ste|de|st|nd|rd|th)\s+(?:dreigingsbeeld|dtn|terrorist\s+threat)",
    re.I,
)
_EDITION_PUBLISHING = re.compile(
    r"aanbied|bied\w* ik u|biedt|bijgaand|verschenen|verschijnt|gepubliceerd|publiceer|publiceert|presenteer|"
    r"nieuwe|nieuwste|laatste|recente|new|latest|published|publishes|present|today|vandaag|huidige|dit dreigingsbeeld",
    re.I,
)
_EDITION_PREVIOUS = re.compile(r"(?:vorige|vorig|eerdere|voorgaande|previous|sinds|since|na|after|tot)\s+(?:het\s+|the\s+)?$", re.I)

_DATE_STRIP = re.compile(
    dates.LONG_DATE.pattern + "|" + dates.EN_LONG_DATE.pattern + "|" + dates.NUMERIC_DMY.pattern + "|"
    + dates.MONTH_YEAR.pattern + r"|\b(?:19|20)\d\d\b",
    re.I,
)
_KAMERSTUK_STRIP = re.compile(r"\b\d{2}\s?\d{3}(?:-[ivx]+)?,?\s*(?:nr\.?\s*\d+)?|\bnr\.?\s*\d+|\b\d{4,}\b", re.I)

# Sentence qualities.
_PAST_CHANGE = re.compile(
    r"\b(?:vorige|vorig|eerder|eerdere|destijds|toen|geleden|afgelopen|voorheen|vroeger|sinds|"
    r"in (?:date|de zomer|het voorjaar|het najaar)|ooit|eens|laatst\w* keer|was\s+(?:\w+\s+){0,4}(?:verhoogd|verlaagd|bijgesteld)|"
    r"had\w*|previous|previously|last (?:year|time)|ago|earlier|in date|at the time|back then|since|once)\b",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:zou|zouden|kan|kunnen|mocht|mochten|indien|wanneer|tenzij|rechtvaardig\w*|overweeg\w*|overwogen|"
    r"would|could|might|should|unless|whether|justify|consider(?:s|ed|ing)?|mogelijke|eventuele|possible)\b|\?\s*$|\bals\s+(?:het|de)\b|\bof\s+het\b|\bif\b",
    re.I,
)
_NEGATED = re.compile(r"\b(?:niet|geen|nooit|not|no|never)\b", re.I)
_PRESENT_NEWS = re.compile(
    r"\b(?:vandaag|vanmiddag|vanochtend|vanmorgen|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
    r"nu|thans|per direct|met ingang van|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|now)\b",
    re.I,
)
_PAST_TENSE = re.compile(r"\b(?:was|waren|stond|stonden|bleef|werd|werden|lag|gold|bedroeg|stood|remained|stayed)\b", re.I)
_DURATION_TO_NOW = re.compile(r"\b(?:sinds|afgelopen|al|ook|nog|since|past|still|last \w+ years)\b", re.I)
_PAST_POINT = re.compile(
    r"\b(?:toen|destijds|voorheen|vroeger|tot (?:date|dtnref)|in (?:date|dtnref)|in de periode|vorige|vorig|"
    r"eerdere|at the time|back then|until|previous|in date|until date|in het (?:vorige|eerdere)|in de jaren)\b",
    re.I,
)
_REGIONAL = re.compile(
    r"\b(?:provincie|provinciaal|provinciale|regionaal|regionale|regio|utrecht|lokaal|lokale|gemeente|province|regional|local)\b",
    re.I,
)
_FOREIGN = re.compile(
    r"\b(?:belgi\w*|frankrijk|franse|duitsland|duitse|verenigd koninkrijk|britse|brits|engeland|spanje|zweden|"
    r"oostenrijk|denemarken|noorwegen|verenigde staten|amerikaanse|ocad|belgium|belgian|france|french|germany|"
    r"german|united kingdom|britain|british|uk|spain|sweden|austria|denmark|norway|united states|us|mi5)\b",
    re.I,
)
_DOMESTIC = re.compile(r"\b(?:nederland\w*|netherlands|dutch|nctv|ons land)\b", re.I)
_DEFINITION = re.compile(r"\b(?:betekent|houdt in|means|bij niveau|wil zeggen dat niveau)\b", re.I)
_PARTICIPLE_AFTER_NAME = re.compile(
    r"^\s+(?:veranderd|toegenomen|gestegen|afgenomen|gedaald|verhoogd|verlaagd|groter|kleiner|minder|meer|lager|"
    r"hoger|verbeterd|verslechterd|gewijzigd|increased|decreased|changed|higher|lower|more|less|reduced|improved)\b",
    re.I,
)

CHANGE_VERB = (
    r"(?:verhoog\w*|verlaag\w*|bijgesteld|bijgestel\w*|omhoog|omlaag|teruggebracht|teruggezet|terug|gaat|ging|"
    r"brengt|bracht|gebracht|zet|raise[sd]?|raising|lower(?:s|ed)?|lowering|increase[sd]?|decrease[sd]?|"
    r"reduce[sd]?|downgrade[sd]?|upgrade[sd]?|moved?|goes|went|naar beneden|naar boven|aangepast|adjusted)"
)
_CHANGE_FROM_TO = [
    re.compile(
        rf"\bvan\s+(?:het\s+)?(?:(?:dreigings)?niveau\s+)?{_val('a')}\s*(?:\)\s*)?(?:naar|tot|in)\s+(?:het\s+)?(?:(?:dreigings)?niveau\s+)?{_val('b')}",
        re.I,
    ),
    re.compile(rf"\bfrom\s+(?:level\s+)?{_val('a')}\s*(?:\)\s*)?to\s+(?:level\s+)?{_val('b')}", re.I),
    re.compile(rf"\bto\s+(?:level\s+)?{_val('b')}\s*(?:\)\s*)?,?\s*(?:up |down )?from\s+(?:level\s+)?{_val('a')}", re.I),
]
_CHANGE_TO_ONLY = [
    re.compile(
        rf"\b{CHANGE_VERB}\s+(?:[\w()]+\s+){{0,5}}?(?:naar|tot|to)\s+(?:het\s+)?(?:(?:dreigings)?niveau\s+|level\s+)?{_val('b')}",
        re.I,
    ),
    re.compile(
        rf"\b(?:naar|tot)\s+(?:het\s+)?(?:(?:dreigings)?niveau\s+)?{_val('b')}\s*(?:\)\s*)?(?:\w+\s+){{0,2}}?"
        r"(?:verhoogd|verlaagd|bijgesteld|teruggebracht|gebracht|gegaan|verhoogt|verlaagt|teruggezet|aangepast)",
        re.I,
    ),
]

_STATE_ANCHOR_VALUE = re.compile(rf"\b{ANCHOR}(?P<glue>(?:{GLUE}){{0,9}}?)\s*\(?\s*{_val('s')}", re.I)
_STATE_NIVEAU_NUM = re.compile(
    rf"\b(?:dreigings)?(?:niveau|level)\s+(?P<snum>{NUM_RE})\b(?:\s*\(\s*(?P<sparen>{NAME_RE}|{MEAN_RE})\s*\))?", re.I
)
_STATE_NUM_NAME = re.compile(rf"\b(?P<snum>{NUM_RE})\s*\(\s*(?P<sparen>{NAME_RE}|{MEAN_RE})\s*\)", re.I)
_STATE_NAME_NUM = re.compile(rf"\b(?P<sname>{NAME_RE})\s*\(\s*(?:niveau\s+|level\s+)?(?P<snum>{NUM_RE})\s*\)", re.I)
_STATE_ADJ_ANCHOR = re.compile(
    rf"\b(?P<sname>{NAME_RE})\s+(?:terroristische\s+|nationale\s+|national\s+|terrorist\s+)?(?:dreigingsniveau|threat[- ]level)\b", re.I
)
_STATE_ORDINAL = re.compile(
    rf"\b(?:het|the)\s+(?P<sord>{ORD_RE})\s+(?:(?:dreigings)?niveau|(?:threat\s+)?level)\b", re.I
)
_STATE_SECOND_HIGHEST = re.compile(r"\bsecondhighest\s+(?:(?:dreigings)?niveau|(?:threat\s+)?level)\b", re.I)
_STATE_GENERIC_ANCHOR = re.compile(
    rf"\b(?:het|the|dit|this)\s+(?:niveau|level)(?P<glue>(?:{GLUE}){{1,6}}?)\s*\(?\s*{_val('s')}", re.I
)
_STATE_CARRIED = re.compile(rf"\b(?:en|maar|and|but)\s+(?:blijft|remains|stays|staat|is)\s+(?:nog\s+|still\s+)?(?:op\s+|at\s+)?{_val('s')}", re.I)
_CONTINUITY = re.compile(r"\b(?:bleef|bleven|ongewijzigd|onveranderd|gehandhaafd|unchanged|remained|stayed)\b", re.I)
_STATE_THREAT_IS = re.compile(
    rf"\b(?:terroristische\s+|terrorist\s+)?(?:dreiging|threat)\s+(?:tegen nederland\s+|in nederland\s+|to the netherlands\s+)?"
    rf"(?:is|blijft|remains)\s+(?:(?:nog|steeds|altijd|onverminderd|nu|daarom|dus|still|therefore)\s+){{0,3}}(?P<sname>{NAME_RE})\b(?!\s+(?:toegenomen|veranderd|gestegen|afgenomen|increased|changed))",
    re.I,
)
_LEVEL_CONTEXT = re.compile(r"dreig|threat|terror|nctv|dtn", re.I)


# --- result ------------------------------------------------------------------------------


@dataclass
class Extraction:
    dtn: int | None = None
    level: int | None = None
    level_name: str | None = None
    change_from: int | None = None
    change_to: int | None = None
    published: str | None = None
    confidence: str = LOW
    evidence: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dtn": self.dtn,
            "level": self.level,
            "level_name": self.level_name,
            "change_from": self.change_from,
            "change_to": self.change_to,
            "published": self.published,
            "confidence": self.confidence,
            "evidence": dict(self.evidence),
        }


@dataclass
class _Candidate:
    level: int
    weight: int  # 3 strong, 2 plain, 1 weak
    sentence: str
    position: int


@dataclass
class _Change:
    from_level: int | None
    to_level: int
    weight: int
    sentence: str
    position: int


# --- value parsing -----------------------------------------------------------------------


def _word_level(word: str | None) -> int | None:
    if not word:
        return None
    w = word.lower()
    if w in NUMBER_WORDS:
        return NUMBER_WORDS[w]
    if w in NAME_WORDS:
        return NAME_WORDS[w]
    if w in _INFLECTED:
        return _INFLECTED[w]
    if w in MEANING_WORDS:
        return MEANING_WORDS[w]
    if w.replace("ë", "e") in _INFLECTED:
        return _INFLECTED[w.replace("ë", "e")]
    if w in ORDINAL_WORDS:
        return ORDINAL_WORDS[w]
    return None


def _value(m: re.Match[str], p: str) -> tuple[int | None, bool]:
    """(level, consistent) of a VAL group with prefix p; a name beats a number (old 4-step scale)."""
    groups = m.groupdict()
    num = _word_level(groups.get(f"{p}num")) or _word_level(groups.get(f"{p}pnum"))
    named = _word_level(groups.get(f"{p}name")) or _word_level(groups.get(f"{p}paren"))
    if named is not None and num is not None and named != num:
        return named, False
    return (named if named is not None else num), True


# --- sentence cleaning -------------------------------------------------------------------


_DAY_MONTH = re.compile(rf"\b\d{{1,2}}\s+(?:{dates.MONTH_ALT})\b|\b(?:{dates.MONTH_ALT})\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I)
_SAME_LEVEL = re.compile(
    r"\b(?:blijft|staat|remains|stays)\s+(?:nu\s+|nog\s+|now\s+|still\s+)?(?:op|at)\s+(?:dat|hetzelfde|that|the same)\s+(?:niveau|level)\b"
)


def _clean(sentence: str) -> str:
    """Lower-cased sentence with quotes, editions, dates, Kamerstuk numbers and scale phrases removed."""
    s = unquote(sentence).lower()
    s = re.sub(r"\(\s+", "(", s)
    s = re.sub(r"\s+\)", ")", s)
    s = _EDITION_STRIP.sub(" dtnref ", s)
    s = _DATE_STRIP.sub(" date ", s)
    s = _KAMERSTUK_STRIP.sub(" ref ", s)
    s = re.sub(r"\b(?:op\s+(?:één|een)\s+na\s+hoogste|second[- ]highest)\b", " secondhighest ", s)
    s = _SCALE_RE.sub(" ", s)
    s = _DAY_MONTH.sub(" date ", s)
    if _FOREIGN.search(s) and _DOMESTIC.search(s):
        # "in Nederland blijft het 4, terwijl België verlaagde naar 2": drop the foreign clause
        clauses = re.split(r"(?<=[,;])\s*|\s+(?=(?:terwijl|maar|whereas|while|but)\b)", s)
        s = " ".join(c for c in clauses if not (_FOREIGN.search(c) and not _DOMESTIC.search(c)))
    return re.sub(r"\s+", " ", s)


def _excluded(clean: str) -> bool:
    if _REGIONAL.search(clean):
        return True
    return bool(_FOREIGN.search(clean) and not _DOMESTIC.search(clean))


# --- finders -----------------------------------------------------------------------------


def _changes_in(clean: str, pos: int, raw: str, past: list[_Change] | None = None) -> list[_Change]:
    """Changes this sentence reports as made now; changes told as history go to `past`."""
    found: list[_Change] = []
    has_anchor = bool(re.search(r"niveau|level|dreiging|threat", clean))
    if not has_anchor:
        return found
    for rx in _CHANGE_FROM_TO:
        for m in rx.finditer(clean):
            a, _ = _value(m, "a")
            b, _ = _value(m, "b")
            if a and b and a != b:
                found.append(_Change(a, b, 3, raw, pos))
    if not found and re.search(rf"\b{CHANGE_VERB}\b", clean):
        for rx in _CHANGE_TO_ONLY:
            for m in rx.finditer(clean):
                b, _ = _value(m, "b")
                if b:
                    found.append(_Change(None, b, 3, raw, pos))
    if not found:
        return found
    if _HYPOTHETICAL.search(clean):
        return []
    if _PAST_CHANGE.search(clean):
        if past is not None and not _NEGATED.search(clean):
            past.extend(found)
        return []
    if _NEGATED.search(clean) and not re.search(r"\bniet\s+(?:langer|meer)\b", clean):
        return []
    if re.search(r"\b(?:werd|werden|was)\b", clean) and not _PRESENT_NEWS.search(clean):
        for c in found:
            c.weight = 2
    return found


def _states_in(clean: str, pos: int, raw: str, in_context: bool = False) -> list[_Candidate]:
    """Level states in one sentence; `in_context`: the previous sentence was about the threat level,
    so a bare "het niveau blijft 'substantieel'" refers to it."""
    out: list[_Candidate] = []
    if not _LEVEL_CONTEXT.search(clean) and not re.search(r"\bniveau\b", clean):
        return out
    if _HYPOTHETICAL.search(clean):
        return out
    values: list[tuple[int, int, int]] = []  # (level, weight, offset)

    for m in _STATE_ANCHOR_VALUE.finditer(clean):
        lvl, consistent = _value(m, "s")
        if lvl is None:
            continue
        start = m.start("sname") if m.group("sname") else m.start("snum")
        if m.group("sname") and _PARTICIPLE_AFTER_NAME.match(clean[m.end("sname") :]):
            continue
        before = clean[max(0, start - 12) : start]
        if re.search(r"\b(?:niet|geen|not)\s*$", before):
            continue
        if m.group("sparen") and not m.group("snum") and not m.group("sname"):
            continue  # a bare meaning word ("reëel") is no level
        values.append((lvl, 3 if consistent else 1, start))
    for rx in (_STATE_NIVEAU_NUM, _STATE_NUM_NAME, _STATE_NAME_NUM):
        for m in rx.finditer(clean):
            num = _word_level(m.group("snum"))
            named = _word_level(m.groupdict().get("sparen") or m.groupdict().get("sname"))
            lvl = named if named is not None else num
            if lvl is None:
                continue
            weight = 2 if named is None or named == num else 1
            if rx is _STATE_NUM_NAME and not _LEVEL_CONTEXT.search(clean):
                continue
            values.append((lvl, weight, m.start()))
    for m in _STATE_ADJ_ANCHOR.finditer(clean):
        lvl = _word_level(m.group("sname"))
        if lvl:
            values.append((lvl, 3, m.start()))
    for m in _STATE_ORDINAL.finditer(clean):
        lvl = _word_level(m.group("sord"))
        if lvl and _LEVEL_CONTEXT.search(clean):
            values.append((lvl, 2, m.start()))
    if in_context or re.search(r"dreig|threat", clean):
        for rx in (_STATE_GENERIC_ANCHOR, _STATE_CARRIED):
            for m in rx.finditer(clean):
                lvl, consistent = _value(m, "s")
                if lvl is None or (m.group("sparen") and not m.group("snum") and not m.group("sname")):
                    continue
                if m.group("sname") and _PARTICIPLE_AFTER_NAME.match(clean[m.end("sname") :]):
                    continue
                values.append((lvl, 2 if consistent else 1, m.start()))
    for m in _STATE_SECOND_HIGHEST.finditer(clean):
        values.append((4, 2, m.start()))
    for m in _STATE_THREAT_IS.finditer(clean):
        lvl = _word_level(m.group("sname"))
        if lvl:
            values.append((lvl, 2, m.start()))
    if not values:
        return out
    distinct = {v[0] for v in values}
    if len(distinct) >= 3:
        return out  # a sentence that enumerates the scale states no level
    if _DEFINITION.search(clean) and not re.search(rf"{ANCHOR}\s+(?:is|blijft|staat)", clean):
        return out
    if _NEGATED.search(clean) and re.search(r"\b(?:niet|not)\s+(?:meer\s+|langer\s+)?(?:op|at)\b", clean):
        return out
    past_point = bool(_PAST_POINT.search(clean)) and not re.search(r"\b(?:sinds|since)\b", clean)
    if past_point and _CONTINUITY.search(clean) and not re.search(r"\b(?:vorige|previous|toen|destijds)\b", clean):
        past_point = False
    past_tense = bool(_PAST_TENSE.search(clean))
    if past_point and (past_tense or re.search(r"\b(?:in het vorige|previous)\b", clean)):
        return out
    for lvl, weight, _off in values:
        w = weight
        if past_tense:
            w = 1 if not _DURATION_TO_NOW.search(clean) else min(weight, 2)
        if past_point:
            w = min(w, 1)
        out.append(_Candidate(lvl, w, raw, pos))
    # one sentence holding two levels (e.g. "was 4, is nu 3") keeps only its strongest binding
    if len(distinct) == 2:
        best = max(out, key=lambda c: c.weight)
        out = [c for c in out if c.level == best.level]
        for c in out:
            c.weight = min(c.weight, 2)
    return out


# --- edition and date --------------------------------------------------------------------


def _find_dtn(paras: list[str]) -> tuple[int | None, str | None]:
    scores: dict[int, float] = {}
    evidence: dict[int, str] = {}
    for pi, para in enumerate(paras):
        stripped = _EDITION_RANGE.sub(" ", para)
        for rx in _EDITION_RES:
            for m in rx.finditer(stripped):
                n = int(m.group(1))
                if not 1 <= n <= 150:
                    continue
                before = stripped[max(0, m.start() - 30) : m.start()]
                score = 1.0
                if _EDITION_PREVIOUS.search(before):
                    score -= 2.0
                context = stripped[max(0, m.start() - 80) : m.end() + 40]
                if _EDITION_PUBLISHING.search(context):
                    score += 2.0
                if pi == 0 or re.match(r"\s*(?:onderwerp|subject|betreft)\b", para, re.I):
                    score += 3.0
                scores[n] = scores.get(n, 0.0) + score
                evidence.setdefault(n, para if len(para) < 400 else stripped[max(0, m.start() - 150) : m.end() + 150])
    if not scores:
        return None, None
    best = max(scores, key=lambda n: (scores[n], n))
    if scores[best] <= 0:
        return None, None
    return best, evidence[best].strip()


_DATE_LABEL = re.compile(
    r"^\s*(?:datum|date|gepubliceerd(?: op)?|publicatiedatum|documentdatum|datum publicatie|published(?: on)?|"
    r"publication date|verschenen(?: op)?|geplaatst(?: op)?|laatst gewijzigd)\s*[:|]?\s*(?P<d>.{4,40})",
    re.I,
)
_DATE_META_LINE = re.compile(
    r"\b(?:nieuwsbericht|news item|kamerstuk|publicatie|brief|rapport|toespraak|document|persbericht|"
    r"press release|publication)\s*\|\s*(?P<d>\d{1,2}-\d{1,2}-\d{4})",
    re.I,
)
_DATELINE = re.compile(r"^\s*(?:den haag|'s-gravenhage|’s-gravenhage|the hague|amsterdam)\s*,\s*(?P<d>.{6,30})", re.I)
_WEEKDAY = r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"


def _find_published(text: str) -> tuple[str | None, str | None]:
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    for ln in lines:
        m = _DATE_LABEL.match(ln) or _DATELINE.match(ln)
        if m:
            d = _full_or_month(m.group("d"))
            if d:
                return d, ln[:200]
    for ln in lines:
        m = _DATE_META_LINE.search(ln)
        if m:
            d = dates.parse_date(m.group("d"))
            if d:
                return d, ln[:200]
    for ln in lines[:4]:
        bare = re.sub(rf"^{_WEEKDAY},?\s*", "", ln, flags=re.I)
        bare = re.sub(r"[,|]?\s*\d{1,2}[:.]\d{2}(?:\s*(?:uur|am|pm))?\s*$", "", bare, flags=re.I).strip()
        if len(bare) <= 30:
            d = dates.parse_date(bare)
            if (d and len(d) == 10 and dates.LONG_DATE.fullmatch(bare)) or (d and dates.NUMERIC_DMY.fullmatch(bare)):
                return d, ln
    return None, None


def _full_or_month(fragment: str) -> str | None:
    fragment = fragment.strip()
    m = re.match(r"((?:19|20)\d\d)-(\d{2})(?:-(\d{2}))?\b", fragment)
    if m:
        return dates.parse_date(m.group(0))
    for rx in (dates.LONG_DATE, dates.EN_LONG_DATE, dates.NUMERIC_DMY):
        m2 = rx.search(fragment)
        if m2 and m2.start() < 15:
            return dates.parse_date(m2.group(0))
    m3 = dates.MONTH_YEAR.match(fragment)
    if m3:
        return dates.parse_date(m3.group(0))
    return None


def _html_published(html: str) -> str | None:
    for rx in (
        r"<meta[^>]+(?:property|name)=[\"'](?:article:published_time|dcterms\.(?:issued|available|date)|DC\.date|date|og:published_time)[\"'][^>]*content=[\"']([^\"']+)",
        r"<meta[^>]+content=[\"']([^\"']+)[\"'][^>]*(?:property|name)=[\"'](?:article:published_time|dcterms\.(?:issued|available|date)|DC\.date)[\"']",
        r"<time[^>]+datetime=[\"']([^\"']+)",
    ):
        m = re.search(rx, html, re.I)
        if m:
            d = dates.parse_any(m.group(1))
            if d:
                return d
    return None


# --- public entry point ------------------------------------------------------------------


def extract(text: str) -> Extraction:
    """Facts a careful reader finds in one text (plain text or HTML)."""
    result = Extraction()
    html_date = None
    if looks_like_html(text):
        html_date = _html_published(text)
        text = html_to_text(text)
    paras = paragraphs(text)
    result.dtn, ev = _find_dtn(paras)
    if ev:
        result.evidence["dtn"] = ev

    published, pev = _find_published(text)
    if html_date and not published:
        published, pev = html_date, "HTML metadata"
    result.published = published
    if pev:
        result.evidence["published"] = pev

    changes: list[_Change] = []
    past_changes: list[_Change] = []
    states: list[_Candidate] = []
    previous_about_level = False
    for pos, (_pi, sentence) in enumerate(sentences(text)):
        clean = _clean(sentence)
        if _excluded(clean):
            previous_about_level = False
            continue
        changes.extend(_changes_in(clean, pos, sentence, past_changes))
        states.extend(_states_in(clean, pos, sentence, previous_about_level))
        if past_changes and _SAME_LEVEL.search(clean):
            # "… werd verhoogd naar 4; het blijft nu op dat niveau": the level named by that change
            states.append(_Candidate(past_changes[-1].to_level, 2, sentence, pos))
        previous_about_level = bool(re.search(ANCHOR, clean))

    _decide(result, changes, states, past_changes)
    return result


_PRESENT_STATE = re.compile(
    r"\b(?:blijft|blijven|remains|stays|nu|thans|huidige|actuele|current|currently|momenteel|staat|is|geldt|bedraagt)\b", re.I
)


def _decide(
    result: Extraction, changes: list[_Change], states: list[_Candidate], past_changes: list[_Change]
) -> None:
    if changes:
        best = max(changes, key=lambda c: (c.weight, c.from_level is not None, -c.position))
        to_levels = {c.to_level for c in changes if c.weight >= best.weight}
        result.change_to = best.to_level
        result.change_from = best.from_level
        if result.change_from is None:
            earlier = [s for s in states if s.level != best.to_level and _PAST_TENSE.search(s.sentence)]
            if earlier:
                result.change_from = earlier[0].level
        result.level = best.to_level
        result.evidence["change"] = best.sentence
        result.evidence["level"] = best.sentence
        contradicting = [
            s for s in states if s.weight >= 3 and s.level not in (best.to_level, best.from_level)
        ]
        if len(to_levels) > 1 or contradicting:
            result.confidence = LOW
            result.level = result.change_from = result.change_to = None
        else:
            result.confidence = HIGH if best.weight >= 3 else MEDIUM
        result.level_name = level_name(result.level)
        return
    if not states:
        # no level stated: an edition alone is a medium-confidence finding, nothing at all is low
        result.confidence = MEDIUM if result.dtn is not None else LOW
        return
    totals: dict[int, int] = {}
    strongest: dict[int, int] = {}
    for s in states:
        totals[s.level] = totals.get(s.level, 0) + s.weight
        strongest[s.level] = max(strongest.get(s.level, 0), s.weight)
    ranked = sorted(totals, key=lambda lv: (strongest[lv], totals[lv]), reverse=True)
    best_level = ranked[0]
    rivals = [lv for lv in ranked[1:] if strongest[lv] >= 2 and totals[lv] * 2 >= totals[best_level]]
    if rivals and strongest[rivals[0]] >= strongest[best_level]:
        result.confidence = LOW
        result.evidence["level"] = " | ".join(dict.fromkeys(s.sentence for s in states))[:1000]
        return
    first = min((s for s in states if s.level == best_level), key=lambda s: (-s.weight, s.position))
    later_change = [c for c in past_changes if c.to_level != best_level]
    if later_change and not _PRESENT_STATE.search(first.sentence):
        # "since 2013 at 4 ... lowered to 3 in 2019": the text does not say which holds now
        result.confidence = LOW
        result.evidence["level"] = f"{first.sentence} | {later_change[-1].sentence}"
        return
    result.level = best_level
    result.level_name = level_name(best_level)
    result.evidence["level"] = first.sentence
    if strongest[best_level] >= 3 and not rivals:
        result.confidence = HIGH
    elif strongest[best_level] >= 2:
        result.confidence = MEDIUM
    else:
        result.confidence = LOW


__all__ = ["HIGH", "LEVELS", "LOW", "MEDIUM", "Extraction", "extract"]
