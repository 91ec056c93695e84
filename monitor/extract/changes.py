"""A change of level in one cleaned clause: "van X naar Y", "from X to Y", "verhoogd naar Y", "niveau 4 wordt
neerwaarts bijgesteld naar 3", or a raise whose new level the clause does not say ("het dreigingsniveau is verhoogd").

Whether a change is this text's news, history or only a thought is for tense.py; whose level it is, for scope.py.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from monitor.extract.vocab import ANCHOR_WORD, CHANGE_VERB, DIRECTION_DOWN, DIRECTION_UP, VALUE_RE, value_of


class Move(NamedTuple):
    level: int  # the level changed to; 0 when the clause does not say it
    change_from: int | None
    strength: int  # 3: both values or an explicit anchor; 2: plainer
    at: int  # offset in the clause
    numeric: bool  # the new level is a bare number


def value_pattern(prefix: str) -> str:
    """VALUE_RE with its groups named for one role: "a" the old level, "b" the new, "s" one that holds."""
    return VALUE_RE.replace("?P<", f"?P<{prefix}")


def bare_number(m: re.Match[str], prefix: str) -> bool:
    """The value is a bare number (no name with it)."""
    g = m.groupdict()
    named = any(g.get(prefix + k) for k in ("name", "paren", "after"))
    return bool(g.get(prefix + "num") or g.get(prefix + "pnum")) and not named


_V_A, _V_B = value_pattern("a") + r"(?:\s+scale)?", value_pattern("b")
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


def moves(clause: str) -> list[Move]:
    """The changes of level this cleaned clause tells, whatever their time."""
    found: list[Move] = []
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
                found.append(Move(b, a, 3, m.start(), bare_number(m, "b")))
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
            return [Move(0, None, 2, lo + moved.start(), False)]
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
                found.append(Move(b, a, 3 if a else 2, m.start(), bare_number(m, "b")))
    return found


def changing(before: str, clause: str) -> bool:
    """Is the value after this text the old or new level of a change ("niet verhoogd naar 5", "niet naar 5 getild")?"""
    return bool(re.search(r"\b(?:naar|to|van|vanaf|from)\s+(?:het\s+|the\s+)?(?:(?:dreigings)?niveau\s+|level\s+)?$", before)
                and CHANGE_VERB.search(clause))


def from_only(clean: str) -> int | None:
    """'verlaagd van 4' without a 'naar': the old level a change statement names."""
    m = _FROM_ONLY.search(clean)
    return value_of(m, "a")[0] if m and CHANGE_VERB.search(clean) else None
