"""When a statement holds: now (it holds, or it is this text's news), in the past (history), or not at all.

Dutch and English tell time by tense, by markers ("toen", "destijds", "sinds", "at the time") and
by what a verb keeps ("blijft", "remains"); a statement that is hypothetical ("zou", "if"),
negated, or a definition of the scale ("niveau 4 betekent …") is no statement at all.
"""

from __future__ import annotations

import re

from monitor import dates
from monitor.extract.vocab import STRONG_ANCHOR
from monitor.lazy_re import lazy

NOW, PAST = "now", "past"

_DECLARED = r"(?:afgekondigd|ingesteld|verhoogd|verlaagd|opgeschaald|afgeschaald|bijgesteld|aangepast)"
_HYPOTHETICAL = re.compile(
    r"\b(?:zou|zouden|mocht|mochten|indien|tenzij|wanneer|pas\s+als|alleen\s+(?:als|wanneer)|als\s+er|als\s+het|"
    r"if|would|could|might|should|must|unless|whether|in\s+case|only\s+if|would\s+be|zal\s+\w+\s+(?:worden|gaan)|"
    r"moet\s+(?:\w+\s+)?worden|dient\s+(?:\w+\s+)?te\s+worden|"
    # the level as what can be declared or moved: "kan het dreigingsniveau 5 worden afgekondigd", "niveau 5 kan worden
    # afgekondigd", "the level can be raised" (not "zodat maatregelen kunnen worden ingesteld")
    rf"(?:kan|kunnen)\s+(?:\w+\s+){{0,2}}?(?:dreigings)?niveau\s+(?:\w+\s+){{0,2}}?worden\s+{_DECLARED}"
    # (not a relative clause: "het op een na hoogste niveau dat kan worden afgekondigd")
    rf"|(?:dreigings)?niveau\s+(?:(?!dat\b|die\b)\w+\s+){{0,2}}?(?:kan|kunnen)\s+(?:\w+\s+){{0,2}}?worden\s+{_DECLARED}"
    r"|threat\s+level\s+(?:(?!that\b|which\b)\w+\s+){0,2}?(?:can|may)\s+be\s+(?:declared|raised|lowered|increased|decreased|"
    r"set))\b"
    r"|\?\s*$"
)
_MODAL_CHANGE = re.compile(r"\b(?:kan|kunnen|moet|moeten|wil|willen|overweeg\w*|rechtvaardig\w*|justif(?:y|ies|ied)|"
                           r"consider(?:s|ed|ing)?|may|can)\b")
_NEGATED = re.compile(r"\b(?:niet|geen|nooit|not|no|never|nor|noch)\b")
_NEWS = re.compile(
    r"\b(?:vandaag|vanmiddag|vanochtend|vanmorgen|vanavond|vannacht|gisteren|gisteravond|eergisteren|maandag|dinsdag|"
    r"woensdag|donderdag|vrijdag|zaterdag|zondag|nu|thans|per\s+direct|met\s+ingang|deze\s+week|vorige\s+week|"
    r"today|tonight|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|now|this\s+week|last\s+week|"
    r"immediately|with\s+immediate\s+effect|announced|aangekondigd|bekendgemaakt|maakte\s+\w+\s+bekend|said|says|zei|"
    r"meldt|meldde|laat\s+weten|liet\s+weten)\b"
)
_PAST_MARK = re.compile(
    r"\b(?:toen|destijds|vroeger|voorheen|eerder|ooit|geleden|vorige?|vorig\s+jaar|afgelopen\s+(?:date|jaar|jaren|"
    r"maand|maanden|zomer|winter|najaar|voorjaar)|(?<!eerst\s)(?<!eerste\skeer\s)sinds|al\s+(?:eens|verhoogd|verlaagd)|"
    r"de\s+\w+\s+keer\s+(?:\w+\s+){0,4}dat|op\s+dat\s+moment|at\s+that\s+(?:time|moment)|up\s+until\s+now|tot\s+nu\s+toe|"
    r"previous(?:ly)?|earlier|ago|at\s+the\s+time|last\s+(?:year|month|time|date)|back\s+in|"
    r"(?<!first\stime\s)since|once|in\s+date|op\s+date|at\s+the\s+end\s+of|in\s+the\s+past|until|tot\s+date|"
    r"onlangs|recentelijk|kort\s+geleden|recently)\b"
)
_PAST_TENSE = re.compile(r"\b(?:werd|werden|was|waren|had|hadden|stond|stonden|bleef|gold|lag|bedroeg|ging|"
                         r"verhoogde|verlaagde|schroefde|schaalde|were|had|stood|remained|stayed)\b")
_PERFECT_OR_PRESENT = re.compile(
    r"\b(?:is|wordt|worden|heeft|hebben|gaat|verhoogt|verlaagt|zakt|daalt|stijgt|has|have|is|are|raises|lowers|"
    r"goes|moves|ups|increases|decreases|reduces)\b"
)
_DURATION_TO_NOW = re.compile(
    r"\b(?:sinds|al\s+(?:geruime\s+tijd|jaren|lange\s+tijd|langer|sinds)|al\s+\w+\s+(?:jaar|jaren|maanden)|"
    r"de\s+afgelopen|ook|nog\s+(?:steeds|altijd)|nog|since|for\s+(?:years|months)|still|already|for\s+the\s+past)\b"
)
_NOW = re.compile(r"\b(?:nu|thans|momenteel|op\s+dit\s+moment|huidige?|currently|current|now|at\s+present|vandaag|"
                  r"today)\b")
_CONTINUITY = re.compile(r"\b(?:bleef|bleven|remained|stayed)\b.*\b(?:ongewijzigd|onveranderd|unchanged|gehandhaafd|"
                         r"maintained)\b|\b(?:ongewijzigd|onveranderd|unchanged)\b")
_PAST_POINT = re.compile(r"\b(?:toen|destijds|vroeger|voorheen|vorige?|previous(?:ly)?|at\s+the\s+time|back\s+then|"
                         r"op\s+dat\s+moment|at\s+that\s+(?:time|moment)|up\s+until\s+now|until\s+now|tot\s+nu\s+toe|"
                         r"until|tot\s+date|in\s+de\s+periode|in\s+het\s+(?:vorige|eerdere))\b")
_KEEPS = re.compile(r"\b(?:remains|stays|blijft|blijven)\b")
_STILL = re.compile(r"\b(?:geldt\s+nog|nog\s+(?:steeds|altijd)|still)\b")
_PRESENT_STATE = re.compile(r"\b(?:geldt|bedraagt|staat\s+(?:op|vastgesteld)|"
                            r"has\s+been\s+(?:maintained|kept|set)|is\s+(?:maintained|kept|set|currently))\b")
_SPAN_END = re.compile(r"\b(?:date|before|voordat|tot|totdat|until|throughout|gedurende|jarenlang|lange\s+tijd|"
                       r"for\s+(?:more|over|almost|nearly))\b")
_REMAINED = re.compile(r"\b(?:remained|stayed|bleef|bleven)\b")
_REPORTED = re.compile(r"\b(?:said|says|saying|announced|stated|reported|according\s+to|zei|zegt|meldde|meldt|liet\s+weten|"
                       r"maakte|aldus|volgens)\b")
_DEFINITION = re.compile(
    r"\b(?:betekent|betekenen|houdt\s+in|wil\s+zeggen|geeft\s+aan|staat\s+voor|means|indicates|stands\s+for)\b"
    r"|\b(?:wordt|worden|is|are)\s+(?:ingesteld|afgekondigd|set|declared)\s+(?:\w+\s+){0,2}?(?:na|bij|als|wanneer|after|when|if)\b"
    r"|\bbij\s+(?:dreigings)?niveau\b|^\s*at\s+level\s+\w+\b"
    # a threshold: "vanaf dreigingsniveau 3", "niveau 4 of hoger", "level 3 and above"
    r"|\bvanaf\s+(?:het\s+)?(?:dreigings)?niveau\b|\b(?:niveau|level)\s+[1-5]\s+(?:of|en|or|and)\s+(?:hoger|higher|above)\b"
)


_LEGEND_ITEM = lazy(r"^\s*(?:dreigings)?(?:niveau|level)\s+([1-5])\s*[:=–-]\s*[^\W\d]{3,}", re.I)


def legend(sentences: list[tuple[int, str]]) -> set[int]:
    """The sentences that are items of a printed scale ("Niveau 1: MINIMAAL Er is amper …", "Niveau 2: BEPERKT …",
    also another country's "Niveau 2: GEMIDDELD …"): two or more such items with different numbers are a legend, not
    statements (one alone may be a page's label: "Niveau 4: Substantieel")."""
    items = {i: m.group(1) for i, text in sentences if (m := _LEGEND_ITEM.match(text))}
    return set(items) if len(set(items.values())) >= 2 else set()


_EARLIER = re.compile(r"\b(?:op\s+dat\s+moment|toen|destijds|in\s+die\s+tijd|at\s+the\s+time|back\s+then|at\s+that\s+time)\b",
                      re.I)

_RECENT = re.compile(r"\b(?:vorige\s+week|afgelopen\s+(?:week|weekend|maandag|dinsdag|woensdag|donderdag|vrijdag)|gisteren|"
                     r"eergisteren|onlangs|recent(?:elijk)?|kort\s+geleden|deze\s+week|last\s+week|yesterday|recently|"
                     r"earlier\s+this\s+(?:week|month)|this\s+week|days?\s+ago|dagen\s+geleden)\b")
_DATED = re.compile(r"\b(?:date|in\s+(?:maart|march|juni|june|december|november)\b)")


def told_recently(clause: str) -> bool:
    """A past event told as recent ("vorige week verhoogde de NCTV …", "recently raised"): it still holds."""
    return bool(_RECENT.search(clause))


def past_by_tense_only(clause: str) -> bool:
    """Past only by its verb ("The level was raised to four"), with no time that sets it in the past."""
    return not (_PAST_MARK.search(clause) or _PAST_POINT.search(clause) or _RECENT.search(clause)
                or _DATED.search(clause) or re.match(r"\s*(?:when|toen|nadat|after|before|voordat)\b", clause))


def says_now(clause: str) -> bool:
    """The clause says it holds now ("nu", "huidige", "blijft", "still")."""
    return bool(_NOW.search(clause) or _KEEPS.search(clause) or _STILL.search(clause))


def time_of(is_change: bool, c: str, start: int, sentence: str, in_title: bool) -> str | None:
    """now, past, or None (hypothetical, negated or a definition: no statement at all).

    `c` is the statement's clause, `start` where its level stands in the cleaned `sentence`."""
    end = sentence.find(c) + len(c)
    if _HYPOTHETICAL.search(c) or sentence[end : end + 2].strip().startswith("?"):
        return None
    if is_change:
        rel = start - sentence.find(c)
        scope = c[: max(0, rel) + 35]  # a negation says something of this change only up to it
        if _NEGATED.search(scope) and not re.search(r"\bniet\s+(?:langer|meer)\b", scope):
            return None
        if _MODAL_CHANGE.search(c) and not _PERFECT_OR_PRESENT.search(c.split(" kan ")[0]):
            return None
        if _PAST_MARK.search(c) and not re.search(r"\b(?:vandaag|today|nu|now)\b", c):
            return PAST
        if re.search(r"\bhad\b", c) and not _REPORTED.search(sentence):
            return PAST
        if _PAST_TENSE.search(c) and not _PERFECT_OR_PRESENT.search(c) and not (_NEWS.search(sentence) or in_title):
            return PAST
        return NOW
    if _DEFINITION.search(c) and not re.search(rf"\b(?:{STRONG_ANCHOR})\s+(?:is|blijft|staat)\b", c):
        return None
    if _NEGATED.search(c) and re.search(r"\b(?:niet|not|no|geen)\s+(?:meer\s+|langer\s+)?(?:op|at|in|van)\b", c):
        return None
    if _NOW.search(c) or _KEEPS.search(c):
        return NOW  # "blijft, net als in de vorige periode, substantieel": kept, so it holds now
    if _PAST_POINT.search(c):
        return PAST  # "Op dat moment geldt niveau 2": a present tense telling a past moment
    if _PRESENT_STATE.search(c):
        return NOW
    if _REMAINED.search(c) and not _PAST_MARK.search(c) and (_REPORTED.search(sentence) or not _SPAN_END.search(c)):
        # "the level remained at three, the NCTV said", "The threat level remained at three out of five" in the report
        # of an assessment: it still holds (not "remained at 4 throughout 2019", "… before it was lowered")
        return NOW
    if _CONTINUITY.search(c) and not _PAST_POINT.search(c):
        return NOW  # "bleef in 2024 ongewijzigd op 4", "remained unchanged": it still holds
    past_tense = bool(_PAST_TENSE.search(c)) and not _PERFECT_OR_PRESENT.search(c)
    if past_tense and not _DURATION_TO_NOW.search(c):
        return PAST
    if _PAST_MARK.search(c) and past_tense and not re.search(r"\b(?:sinds|since|al|nog|still|ook)\b", c):
        return PAST
    return NOW


_MONTH_NAMES = "|".join(m for m in sorted(dates.MONTHS, key=len, reverse=True) if len(m) > 3 or m in ("mei", "may"))
_IN_MONTH = lazy(rf"\b(?:in|halverwege|medio|begin|eind|half|early|mid|late)[-\s]+(?P<m>{_MONTH_NAMES})\b(?!\s*\d)")


def told_of_an_earlier_month(clause: str, published: str | None) -> bool:
    """A change told in the simple past in a month that is not the text's own ("verhoogde halverwege december" in a
    text of March): history the text recalls, not its news."""
    if not published or len(published) < 7:
        return False
    m = _IN_MONTH.search(clause)
    if m is None or not _PAST_TENSE.search(clause) or _PERFECT_OR_PRESENT.search(clause):
        return False
    gap = (int(published[5:7]) - dates.MONTHS[m.group("m")]) % 12
    return gap > 1  # (the month before the text's own may be last week's news: "in december", told on 2 January)


_CHANGE_VERBS = (r"(?:verhogen|verlagen|verhoogd|verlaagd|opschalen|afschalen|opgeschaald|afgeschaald|bijstellen|bijgesteld|"
                 r"aanpassen|aangepast|wijzigen|gewijzigd|veranderen|veranderd)")
# a negation that governs the change itself: "geen (concrete) aanleiding/redenen/aanwijzingen om …", "wordt niet verhoogd",
# "niet te verhogen", "niet van 4 naar 5 verhoogd", "geen verhoging", "no reason to raise", "has not been raised"
# (the reason must be for the change: "geen reden tot paniek nu het … is verhoogd" is a raise that was made)
_INFINITIVE = (r"(?:verhogen|verlagen|(?:op|af)\s+te\s+schalen|bij\s+te\s+stellen|aan\s+te\s+passen|"
               r"te\s+(?:verhogen|verlagen|wijzigen|veranderen)|to\s+(?:raise|lower|increase|decrease|change|adjust|reduce))")
_CHANGE_NOUN = r"(?:verhoging|verlaging|aanpassing|wijziging|ophoging|increase|raise|change|reduction|decrease)"
_NOT_MADE = re.compile(
    r"\bgeen\s+(?:\w+\s+)?(?:aanleiding|reden(?:en)?|noodzaak|aanwijzing(?:en)?|grond(?:en)?)\s+"
    rf"(?:om\s+(?:\S+\s+){{0,6}}?{_INFINITIVE}|(?:tot|voor)\s+(?:een\s+)?{_CHANGE_NOUN})\b"
    r"|\bgeen\s+(?:verhoging|verlaging|aanpassing|wijziging|ophoging)\b(?!\s+van\s+het\s+\w+\s+in\b)"
    rf"|\bniet\s+(?:te\s+|worden\s+)?(?:van\s+\S+\s+(?:naar|tot)\s+\S+\s+)?{_CHANGE_VERBS}\b"
    rf"|\bno\s+(?:\w+\s+)?(?:reason|need|grounds?|indications?|evidence|cause)\s+(?:{_INFINITIVE}|for\s+(?:an?\s+)?{_CHANGE_NOUN})\b"
    r"|\bno\s+(?:increase|raise|change|reduction|decrease)\b"
    r"|\bnot\s+(?:be\s+|been\s+|to\s+)?(?:raised|lowered|increased|decreased|changed|adjusted|raise|lower|increase|decrease)\b"
)


def change_not_made(c: str, start: int, sentence: str) -> bool:
    """The clause says this change is not made ("geen aanwijzingen om het dreigingsniveau te verhogen van 4 naar 5",
    "wordt niet verhoogd van 4 naar 5", "no reason to raise …"): the level it would change from holds. Only a
    negation of the change itself counts ("Het is geen verrassing dat …", "niet zomaar verhoogd", "not the first
    time" are raises that were made); not a hypothesis, not history."""
    end = sentence.find(c) + len(c)
    if _HYPOTHETICAL.search(c) or sentence[end : end + 2].strip().startswith("?") or _PAST_MARK.search(c):
        return False
    return bool(_NOT_MADE.search(c[: max(0, start - sentence.find(c)) + 35]))


def tells_the_past(text: str) -> bool:
    """Does this sentence set an earlier time ("op dat moment", "toen", "destijds", "at the time")?

    A year alone does not: "sinds 2013 substantieel" and "in 2024 ongewijzigd" still tell the present.
    """
    return bool(_EARLIER.search(text)) if ("moment" in text or "toen" in text or "destijds" in text
                                           or "time" in text or "tijd" in text or "then" in text) else False
