"""Statements in one cleaned sentence: a level that holds, or a change of level, with its time.

A number or a name only becomes a level when grammar binds it to a level anchor: after
"dreigingsniveau" / "threat level" in the same clause, as "niveau 4", as the adjective of the
anchor ("een substantieel dreigingsniveau"), as what "de dreiging" *is* ("de dreiging voor
Nederland blijft substantieel"), or after a pronoun that points back at the previous
sentence's anchor ("Dat blijft op 3 staan"). A change is "van X naar Y", "from X to Y",
"verhoogd naar Y", "Y … neerwaarts bijgesteld naar Z". Then each statement gets its time
(tense.py) or is dropped as hypothetical, negated or a definition. Who the level belongs to is
decided later (scope.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.extract.document import Sentence
from monitor.extract.tense import NOW, time_of
from monitor.extract.vocab import (
    ANCHOR_WORD,
    CHANGE_VERB,
    DIRECTION_DOWN,
    DIRECTION_UP,
    NAME_RE,
    NAMES,
    THREAT_WORD,
    VALUE_RE,
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


def _value(prefix: str) -> str:
    return VALUE_RE.replace("?P<", f"?P<{prefix}")


_CLAUSE_STOP = re.compile(
    r"[.;!?]\s|[.;!?]$|,\s+(?=(?:maar|terwijl|omdat|want|hoewel|zodat|waardoor|waarna|nadat|toen|while|but|whereas|"
    r"because|although|after|when|which|wat|die|meaning|waarmee|hetgeen|dus|wat\s+betekent|dat\s+betekent|saying|adding|"
    r"citing|zeggende|stellende)\b)|\s+(?:maar|terwijl|whereas|while|but)\s+"
)
_V_A, _V_B, _V_S = _value("a") + r"(?:\s+scale)?", _value("b"), _value("s")
_FROM_TO = [
    re.compile(rf"\bvan\s+(?:het\s+)?{_V_A}(?:\s*,[^,]{{1,60}},)?\s*\)?\s*(?:naar|tot|in)\s+(?:het\s+)?{_V_B}"),
    re.compile(rf"\bfrom\s+(?:the\s+)?{_V_A}(?:\s*,[^,]{{1,60}},)?\s*\)?\s*to\s+(?:the\s+)?{_V_B}"),
    re.compile(rf"\bto\s+(?:the\s+)?{_V_B}\s*\)?,?\s*(?:up\s+|down\s+)?from\s+(?:the\s+)?{_V_A}"),
    re.compile(rf"\bdu\s+{_V_A}\s+au\s+{_V_B}"),
]
_TO_ONLY = [
    re.compile(rf"\b(?:naar|tot|to|into)\s+(?:het\s+|the\s+|a\s+|its\s+|their\s+|zijn\s+|haar\s+)?{_V_B}"),
]
_FROM_ONLY = re.compile(rf"\b(?:van(?:af)?|from)\s+(?:het\s+|the\s+)?{_V_A}\b(?!\s*(?:naar|to|tot)\b)")
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


def _numeric(m: re.Match[str], prefix: str) -> bool:
    g = m.groupdict()
    named = any(g.get(prefix + k) for k in ("name", "paren", "after"))
    return bool(g.get(prefix + "num") or g.get(prefix + "pnum")) and not named


def _direction_ok(clause: str, a: int | None, b: int) -> bool:
    if a is None:
        return True
    if DIRECTION_UP.search(clause) and not DIRECTION_DOWN.search(clause):
        return b > a
    if DIRECTION_DOWN.search(clause) and not DIRECTION_UP.search(clause):
        return b < a
    return a != b


_NOMINAL = re.compile(r"\b(?:het|een)\s+(?:[a-z]+\s+)?(?:op|neer|af)?(?:verhogen|verlagen|hogen|schalen|bijstellen|aanpassen|"
                      r"wijzigen|veranderen)\s*$")
_ATTRIBUTIVE = re.compile(r"\b(?:het|de|een|the|an?|this|that|dit|dat|dit|nu|now)\s+(?:verhoogde|verlaagde|raised|heightened|"
                          r"elevated|lowered|increased|reduced|hogere|lagere|higher|lower)\s*$")


def _changes(sentence: Sentence, offset: int, clause: str) -> list[Statement]:
    found: list[Statement] = []
    anchored = bool(ANCHOR_WORD.search(clause) or re.search(
        r"\b(?:niveau|level|terreurdreiging|dreiging|dreigingsbeeld|threat|alarmfase|risk|risico)\b", clause))
    if not anchored:
        return found
    verb = CHANGE_VERB.search(clause)
    for rx in _FROM_TO:
        for m in rx.finditer(clause):
            a, _ = value_of(m, "a")
            b, _ = value_of(m, "b")
            if a and b and a != b and (verb or ANCHOR_WORD.search(clause) or " gaat " in f" {clause} ") \
                    and _direction_ok(clause, a, b):
                found.append(Statement(CHANGE, b, a, 3, NOW, sentence, clause, offset + m.start(),
                                       numeric=_numeric(m, "b")))
    if found or not verb:
        return found
    if not _TO_ONLY[0].search(clause):
        for anchor in ANCHOR_WORD.finditer(clause):
            lo = max(0, anchor.start() - 40)
            near = clause[lo : anchor.end() + 40]
            moved = DIRECTION_UP.search(near) or DIRECTION_DOWN.search(near)
            if not moved or "," in near[min(moved.start(), 40) : max(moved.end(), 40)]:
                continue
            if re.search(r"\b(?:te|to)\s*$", near[: moved.start()]) and not re.search(
                    r"\b(?:besloten|beslist|decided|decides|announced)\b", clause):
                continue  # "om het niveau te verlagen", "room to lower it": a purpose, no event
            if _ATTRIBUTIVE.search(near[: moved.end()]) and moved.end() <= anchor.start() - lo + 1:
                continue  # "het verhoogde dreigingsniveau leidde tot vragen": a raised level, not a raise
            if _NOMINAL.search(near[: moved.end()]):
                continue  # "het verhogen van het dreigingsniveau is een grote stap": the act named, none reported
            return [Statement(CHANGED, 0, None, 2, NOW, sentence, clause, offset + lo + moved.start())]
        return found
    for rx in _TO_ONLY:
        for m in rx.finditer(clause):
            b, _ = value_of(m, "b")
            if not b:
                continue
            before = clause[: m.start()]
            # "niveau 4 ('substantieel') wordt neerwaarts bijgesteld naar niveau 3": the value before the verb is the old one
            earlier = [value_of(x, "a")[0] for x in re.finditer(_V_A, before)]
            a = next((v for v in reversed(earlier) if v and v != b), None)
            verb = CHANGE_VERB.search(clause[: m.end()]) or CHANGE_VERB.search(clause[m.end():])
            if verb and _direction_ok(clause, a, b):
                found.append(Statement(CHANGE, b, a, 3 if a else 2, NOW, sentence, clause, offset + m.start(),
                                       numeric=_numeric(m, "b")))
    return found


def _changing(before: str, clause: str) -> bool:
    """Is the value after this text the old or new level of a change ("niet verhoogd naar 5", "niet naar 5 getild")?"""
    return bool(re.search(r"\b(?:naar|to|van|vanaf|from)\s+(?:het\s+|the\s+)?(?:(?:dreigings)?niveau\s+|level\s+)?$", before)
                and CHANGE_VERB.search(clause))


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
        m = next((v for v in re.finditer(_V_S, window) if not _changing(window[: v.start()], clause)), None)
        if m is None or _APPROACH.search(window[: m.start()]):
            continue
        if m.group("sname") and not _ok_name(window, m, "sname"):
            continue
        if m.group("sparen") and not (m.group("snum") or m.group("sname")):
            continue
        level, consistent = value_of(m, "s")
        add(level, 3 if consistent else 1, anchor.start(), numeric=_numeric(m, "s"))
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
            add(level, strength, m.start(), numeric=_numeric(m, "s"))
    for m in _THREAT_IS.finditer(clause):
        if _ok_name(clause, m, "sname"):
            add(NAMES.get(m.group("sname")), 2, m.start())
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
                    add(level, 2 if consistent else 1, p.start(), anaphoric=rx is not _GENERIC, numeric=_numeric(m, "s"))
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
        kept = [st for st in _changes(sentence, offset, clause) if _timed(st)]
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


def from_only(clean: str) -> int | None:
    """'verlaagd van 4' without a 'naar': the old level a change statement names."""
    m = _FROM_ONLY.search(clean)
    return value_of(m, "a")[0] if m and CHANGE_VERB.search(clean) else None
