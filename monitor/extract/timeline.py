"""When a text speaks: a paragraph that tells an earlier time, and the old four-level scale.

A text may tell history in the present tense ("In maart 2013 … Op dat moment geldt niveau 2 …
de NCTV schaalt op naar niveau 3"): statements in a paragraph that set an earlier time are that
time's, unless they say "nu" or keep a level ("blijft"). Before July 2016 the scale had four
levels (minimaal 1, beperkt 2, substantieel 3, kritiek 4); a text that counts "3 out of 4"
means substantieel, today's 4. Names are always read by name; only bare numbers are mapped.
"""

from __future__ import annotations

import re

from monitor.extract.statements import CHANGE, CHANGED, STATE, Statement
from monitor.extract.tense import NOW, PAST, says_now

_OUT_OF_FOUR = re.compile(r"\b([1-4])\s*(?:[-–—,()]\s*)?(?:out\s+of|uit|van|of)\s+(?:de\s+|the\s+)?(?:4|vier|four)\b"
                          r"(?!\s*(?:\(|naar|to\b|tot|-|,))", re.I)
_OLD = {1: 1, 2: 2, 3: 4, 4: 5}


def in_the_past(statements: list[Statement]) -> None:
    for st in statements:
        if st.time == NOW and not says_now(st.clause) and st.kind in (CHANGE, CHANGED, STATE):
            st.time = PAST


def old_scale(statements: list[Statement]) -> None:
    """A bare number counted out of four ("level 3 out of 4") is read on the old four-level scale.

    Names are always read by name; only a number that says it counts out of four is mapped.
    """
    for st in statements:
        if st.numeric and st.level in _OLD:
            m = _OUT_OF_FOUR.search(st.sentence.text)
            if m and int(m.group(1)) == st.level:
                st.level = _OLD[st.level]
