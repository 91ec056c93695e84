"""Statements in one cleaned sentence: a level that holds, or a change of level, with its time.

A number or a name only becomes a level when grammar binds it to a level anchor: after
"dreigingsniveau" / "threat level" in the same clause, as "niveau 4", as the adjective of the
anchor ("een substantieel dreigingsniveau"), as what "de dreiging" *is* ("de dreiging voor
Nederland blijft substantieel"), or after a pronoun that points back at the previous
sentence's anchor ("Dat blijft op 3 staan"). Changes are found by changes.py; a change the text
says is not made leaves the level it would change from. Then each statement gets its time
(tense.py) or is dropped as hypothetical, negated or a definition. Who the level belongs to is
decided later (scope.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.extract.changes import bare_number, changing, moves, value_pattern
from monitor.extract.document import Sentence
from monitor.extract.tense import NOW, change_not_made, time_of
from monitor.extract.vocab import (
    ANCHOR_WORD,
    CHANGE_VERB,
    NAME_RE,
    NAMES,
    THREAT_WORD,
    agreed,
    value_of,
)

STATE, CHANGE, CHANGED = "state", "change", "changed"  # changed: a change whose new level the clause does not say


@dataclass
class Statement:
    kind: str  # state | change
    level: int  # the level that holds, or the level changed to
    change_from: int | None
    strength: int  # 3: bound to an explicit anchor; 2: plainer binding; 1: weak
    time: str  # now | past
    sentence: Sentence
    clause: str
    start: int  # offset in the cleaned sentence
    scope: str = "unknown"  # set by scope.py: nl | foreign | regional | other
    anaphoric: bool = False  # bound through a pronoun to the previous sentence's anchor: its scope is that one's
    numeric: bool = False  # the level is a bare number (read on the old four-level scale where the text uses it)


_V_S = value_pattern("s")
_CLAUSE_STOP = re.compile(
    r"[.;!?]\s|[.;!?]$|,\s+(?=(?:maar|terwijl|omdat|want|hoewel|zodat|waardoor|waarna|nadat|toen|while|but|whereas|"
    r"because|although|after|when|which|wat|die|meaning|waarmee|hetgeen|dus|wat\s+betekent|dat\s+betekent|saying|adding|"
    r"citing|zeggende|stellende)\b)|\s+(?:maar|terwijl|whereas|while|but)\s+"
    # "remains at four - that means …" (not an insertion closed by a second dash: "Niveau 5 - dat betekent kritiek - wordt …")
    r"|\s+-\s+(?=(?:that|which|this|dat|wat|dit)\s+(?:means|betekent)\b)(?!.*\s-\s)"
)
_STATE_VERB = re.compile(
    r"\b(?:is|blijft|blijven|bleef|staat|stond|stonden|geldt|gold|bedraagt|bedroeg|ligt|lag|zit|hangt|was|waren|"
    r"wordt|werd|vastgesteld|gehandhaafd|handhaaft|gesteld|gezet|remains|remained|stays|stayed|stands|stood|is|was|"
    r"are|set|holds|held|maintained|kept|currently|sits)\b"
)
_NOT_A_LEVEL_AFTER = re.compile(
    r"^\s*(?:toegenomen|afgenomen|gestegen|gedaald|verminderd|veranderd|gegroeid|geslonken|groter|kleiner|hoger|lager|"
    r"meer|minder|verhoogd|verlaagd|verbeterd|verslechterd|tot|op|in(?!\s+(?:nederland|the\s+netherlands|ons\s+land)\b)|"
    r"bij|van|door|mogelijk|aan|increased|decreased|reduced|changed|grown|higher|lower|more|less|to|by|at|of|improved|"
    r"worse|better|"
    # a level name as the adjective of another noun: "critical infrastructure", "kritieke processen", "limited number"
    r"infrastru\w*|sectors?|sectoren|process(?:es)?|processen|objecten|objects|entities|entiteiten|operators?|"
    r"aanbieders|diensten|services|functions?|functies|mass|massa|number|aantal|role|rol|factor|moment|fase|phase|"
    r"succes|success|impact|gevolgen|consequences|resources|middelen|capaciteit|capacity|budget)\b"
)
_ADJ_ANCHOR = re.compile(rf"\b(?P<sname>{NAME_RE})\s+(?:(?:terroristische|nationale|national|terrorist|terror|terrorism)\s+)?"
                         r"(?:dreigingsniveau|threat[- ]level|terreurdreiging|(?P<bare>threat)|dreiging|dreigingsbeeld)\b")
_BEELD_IS = re.compile(rf"\bdreigingsbeeld\b(?:\s*,\s*(?:dat|dat\s+al|which)\b)?(?:\s+\w+){{0,5}}?\s+(?P<sname>{NAME_RE})\s+"
                       r"(?:is|blijft|staat)\b|\bdreigingsbeeld\s+(?:is|blijft)\s+(?:\w+\s+){0,3}?(?P<sname2>" + NAME_RE + r")\b")
_THREAT_IS = re.compile(
    r"\b(?:(?:de|het|the)\s+)?(?:(?:(?:terroristische|terrorist|terror|jihadistische)\s+)?(?:terreur)?"
    r"(?:dreiging|threat|risico|risk)(?:\s+(?:van|of|op|on)\s+(?:een\s+|a\s+|an\s+)?(?:\w+\s+)?(?:aanslag(?:en)?|attacks?))?"
    # "de kans op aanslagen is substantieel" names the level (a meaning word alone, "is reëel", does not)
    r"|(?:kans|chance|likelihood)\s+(?:op|of)\s+(?:een\s+|a\s+|an\s+)?(?:\w+\s+)?(?:aanslag(?:en)?|attacks?))"
    r"(?:\s+(?:tegen|voor|in|to|against|for)\s+(?:nederland|the\s+netherlands|ons\s+land|europa|europe|dtnref))?"
    r"(?:\s+\w+){0,3}?\s+(?:is|blijft|bleef|remains|stays|remained|was)\s+"
    r"(?:(?:op\s+(?:dit|het)\s+moment(?:\s+van\s+schrijven)?|at\s+the\s+time\s+of\s+writing)\s+)?"
    r"(?:\w+\s+){0,3}?(?P<sname>" + NAME_RE + r")\b"
)
_THREAT_IS_SUB = re.compile(
    r"\b(?:dat|that)\s+(?:de|het|the)\s+(?:(?:terroristische|terrorist|terror)\s+)?(?:terreur)?(?:dreiging|threat)"
    r"(?:\s+(?:tegen|voor|in|to|against|for)\s+(?:nederland|the\s+netherlands|ons\s+land))?(?:\s+\w+){0,3}?\s+"
    r"(?P<sname>" + NAME_RE + r")\s+(?:is|blijft|was|bleef)\b"
)
# the threat itself at a number: "de terreurdreiging staat op 4 op een schaal van 5", "blijft de terreurdreiging in
# Nederland onaangepast op vier (op vijf)", "the terror threat remains at four"; the number ends the phrase. Not a
# threat of or against something else ("de dreiging van onweer", "the threat from ransomware", "tegen Joodse
# instellingen"): the words between may not start with a preposition, and a plain "dreiging" needs Nederland or the NCTV.
_THREAT_NOUN = r"(?:(?:terroristische|terrorist|terror|terrorism|jihadistische)\s+)?(?:terreur)?(?:dreiging|threat)"
_AT_VERB = r"(?:staat|stond|blijft|bleef|ligt|lag|remains|remained|stays|stayed|stands|stood|sits|is|was)"
_AT_HOME = r"(?:\s+(?:in|voor|tegen|to|against|for)\s+(?:nederland|the\s+netherlands|ons\s+land))"
_FILLER = r"(?:\s+(?!(?:van|from|of|tegen|against|voor|for|to|op|at|on|in)\b)\w+)"
_THREAT_AT = re.compile(
    rf"\b(?:(?:de|het|the)\s+{_THREAT_NOUN}{_AT_HOME}?{_FILLER}{{0,3}}?\s+{_AT_VERB}{_FILLER}{{0,2}}?"
    rf"|{_AT_VERB}\s+(?:de|the)\s+{_THREAT_NOUN}{_AT_HOME}?{_FILLER}{{0,3}}?)\s+(?:op|at)\s+{_V_S}"
    r"(?=\s*(?:$|[,.;:()]|staan\b|liggen\b|scale\b|op\s+een\b|out\s+of\b|on\s+a\b|van\s+(?:de\s+)?(?:5|vijf)\b|uit\s+(?:5|vijf)\b))"
)
_THREAT_AT_OURS = re.compile(r"terr|nederland|netherlands|ons\s+land")
_NCTV = re.compile(r"\b(?:nctv|nctb)\b")
_SAME_LEVEL = re.compile(r"\b(?:blijft|staat|bleef|remains|stays|stayed|remained)\s+(?:nu\s+|nog\s+|now\s+|still\s+)?"
                         r"(?:op|at)\s+(?:dat|hetzelfde|dit|that|the\s+same|this)\s+(?:niveau|level)\b")
_APPROACH = re.compile(r"\b(?:near|nearing|close\s+to|approaching|bijna|dicht\s+bij|richting|tegen\s+het)\s*$"
                       r"|\b(?:extra|nieuwe?|additional|new|added|apart|eigen)\s+(?:dreigings)?(?:niveau|level)\s*\(?\s*$")
_PRONOUN = re.compile(r"(?:^|\b(?:en|and)\s+)(?:dat|die|dit|deze|het|it|this|that|dat\s+niveau|die\s+stand)\s+"
                      r"(?:\w+\s+){0,4}?(?:is|blijft|staat|stond|bleef|geldt|bedraagt|remains|stays|stands|was)\b")
_THERE_AT = re.compile(r"\b(?:op\s+dit\s+moment|momenteel|currently)\s+is\s+(?:die|dat|het|it)\s+"
                       r"|\b(?:blijft|staat|bleef|is|stond)\s+(?:het|die|dat)\s+(?:(?:nog|wel|nu|dus|voorlopig|gewoon)\s+){0,3}"
                       r"(?=op\b|" + NAME_RE + r"|[1-5]\b)"
                       r"|\b(?:we|wij)\s+(?:staan|zitten|blijven)\s+(?:(?:dus|nu|nog|wel)\s+){0,3}")
_GENERIC = re.compile(r"\b(?:het|the|dit|this|dat|that)\s+(?:niveau|level)\b")

def clauses(clean: str) -> list[tuple[int, str]]:
    """(offset, text) of the clauses of a cleaned sentence."""
    out, start = [], 0
    for m in _CLAUSE_STOP.finditer(clean):
        if m.start() > start:
            out.append((start, clean[start : m.start()]))
        start = m.end()
    if start < len(clean):
        out.append((start, clean[start:]))
    return out


def _changes(sentence: Sentence, offset: int, clause: str) -> list[Statement]:
    return [Statement(CHANGE if mv.level else CHANGED, mv.level, mv.change_from, mv.strength, NOW, sentence, clause,
                      offset + mv.at, numeric=mv.numeric) for mv in moves(clause)]


def _ok_name(clause: str, m: re.Match[str], group: str) -> bool:
    return not _NOT_A_LEVEL_AFTER.match(clause[m.end(group):])


def _states(sentence: Sentence, offset: int, clause: str, context: bool) -> list[Statement]:
    found: list[Statement] = []

    def add(level: int | None, strength: int, at: int, anaphoric: bool = False, numeric: bool = False) -> None:
        if level:
            found.append(Statement(STATE, level, None, strength, NOW, sentence, clause, offset + at, anaphoric=anaphoric,
                                   numeric=numeric))

    for anchor in ANCHOR_WORD.finditer(clause):
        rest = clause[anchor.end():]
        nxt = ANCHOR_WORD.search(rest)
        window = rest[: min(len(rest), 110, nxt.start() if nxt else 10_000)]
        m = next((v for v in re.finditer(_V_S, window) if not changing(window[: v.start()], clause)), None)
        if m is None or _APPROACH.search(window[: m.start()]):
            continue
        if m.group("sname") and not _ok_name(window, m, "sname"):
            continue
        if m.group("sparen") and not (m.group("snum") or m.group("sname")):
            continue
        level, consistent = value_of(m, "s")
        add(level, 3 if consistent else 1, anchor.start(), numeric=bare_number(m, "s"))
    for m in _ADJ_ANCHOR.finditer(clause):
        if m.group("bare") and re.search(r"\b(?:a|an)\s+(?:very\s+|highly\s+|more\s+)?$", clause[: m.start()]):
            continue  # "thus posing a significant threat to this country": plain English, no level named
        add(NAMES.get(m.group("sname")), 3, m.start())
    moving = CHANGE_VERB.search(clause)
    for m in re.finditer(rf"\b(?:dreigings)?(?:niveau|level)\s+{_V_S}", clause):
        before = clause[: m.start()]
        if _APPROACH.search(before) or (moving and re.search(r"\b(?:van|vanaf|from|naar|to|tot)\s*$", before)):
            continue  # "een extra niveau (niveau 3)", "verlaagd vanaf niveau 5": no level that holds
        if THREAT_WORD.search(clause) or context:
            level, consistent = value_of(m, "s")
            strength = 3 if agreed(m, "s") else (2 if consistent else 1)  # "niveau 4 (substantieel)": said twice
            add(level, strength, m.start(), numeric=bare_number(m, "s"))
    for m in _THREAT_IS.finditer(clause):
        if _ok_name(clause, m, "sname"):
            add(NAMES.get(m.group("sname")), 2, m.start())
    named_by_nctv = bool(_NCTV.search(clause))
    for m in _THREAT_AT.finditer(clause):
        ours = named_by_nctv or _THREAT_AT_OURS.search(m.group(0))
        if ours and not (m.group("sname") and not _ok_name(clause, m, "sname")):
            level, consistent = value_of(m, "s")
            add(level, 2 if consistent else 1, m.start(), numeric=bare_number(m, "s"))
    for m in _BEELD_IS.finditer(clause):
        if not _NOT_A_LEVEL_AFTER.match(clause[m.end():]):
            add(NAMES.get(m.group("sname") or m.group("sname2")), 2, m.start())
    for m in _THREAT_IS_SUB.finditer(clause):
        if not _NOT_A_LEVEL_AFTER.match(clause[m.end():]):
            add(NAMES.get(m.group("sname")), 2, m.start())
    if context:
        for rx in (_PRONOUN, _THERE_AT, _GENERIC):
            for p in rx.finditer(clause):
                if rx is _PRONOUN and (ANCHOR_WORD.search(p.group(0)) or _GENERIC.search(p.group(0))):
                    continue  # "het dreigingsniveau in Nederland staat op 3": an article, not a pronoun
                m = re.search(_V_S, clause[p.end() - 2 if rx is _PRONOUN else p.end():][:60])
                if m and not (m.group("sname") and _NOT_A_LEVEL_AFTER.match(clause[p.end():][m.end("sname"):])):
                    level, consistent = value_of(m, "s")
                    add(level, 2 if consistent else 1, p.start(), anaphoric=rx is not _GENERIC, numeric=bare_number(m, "s"))
    return found


def _merged(states: list[Statement]) -> list[Statement]:
    """One statement per level in a clause: the strongest binding, pronoun-bound if any binding was."""
    best: dict[int, Statement] = {}
    for st in states:
        kept = best.get(st.level)
        if kept is None or st.strength > kept.strength:
            best[st.level] = st
            st.anaphoric = st.anaphoric or bool(kept and kept.anaphoric)
        elif st.anaphoric:
            kept.anaphoric = True
    return list(best.values())


def find_statements(sentence: Sentence, context: bool, referent: int | None = None) -> list[Statement]:
    """Every statement of this sentence.

    `context`: the paragraph spoke of the threat level; `referent`: the level the text named last
    (for "het blijft nu op dat niveau")."""
    out: list[Statement] = []
    for offset, clause in clauses(sentence.clean):
        changes = _changes(sentence, offset, clause)
        kept = [st for st in changes if _timed(st)]
        if not kept:  # "geen aanleiding om het niveau te verhogen van 4 naar 5": 4 holds
            kept = [Statement(STATE, st.change_from, None, 2, NOW, sentence, clause, st.start, numeric=st.numeric)
                    for st in changes if st.kind == CHANGE and st.change_from
                    and change_not_made(clause, st.start, sentence.clean)][:1]
        if not any(st.kind == CHANGE for st in kept):
            kept += [st for st in _merged(_states(sentence, offset, clause, context)) if _timed(st)]
            if referent and _SAME_LEVEL.search(clause):
                st = Statement(STATE, referent, None, 2, NOW, sentence, clause, offset, anaphoric=True)
                kept += [st] if _timed(st) else []
        out += kept
        referent = next((st.level for st in reversed(kept) if st.level), referent)
    return out


def _timed(st: Statement) -> bool:
    time = time_of(st.kind in (CHANGE, CHANGED), st.clause, st.start, st.sentence.clean, st.sentence.in_title)
    if time is None:
        return False
    st.time = time
    return True
