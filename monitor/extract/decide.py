"""From the statements about the Dutch national level to one answer, with a confidence.

- A change that is this text's news gives the level (its "to") and, where the text says it,
  the old level — in the same statement, or in a statement of the level before ("In the
  previous assessment it was 4"). A strong statement of a third level makes it unclear.
- Otherwise the level the text states as holding now; two levels stated with equal force
  make it unclear (low confidence, no level): a wrong level is worse than none.
- Otherwise a change told as history still gives today's level when it is this text's most
  recent word on it: the last change, dated within weeks of the text, or followed by "and
  it stays there".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from monitor.extract import HIGH, LOW, MEDIUM
from monitor.extract.changes import from_only
from monitor.extract.document import Sentence
from monitor.extract.scope import NL, REGIONAL_SCOPE
from monitor.extract.statements import CHANGE, CHANGED, STATE, Statement
from monitor.extract.tense import NOW, PAST, past_by_tense_only, told_of_an_earlier_month, told_recently

_PERSISTED = re.compile(r"\b(?:steeds|altijd|jarenlang|de\s+afgelopen\s+jaren|always|for\s+years|all\s+along)\b")
_REST = re.compile(r"\b(?:rest\s+van|de\s+rest|rest\s+of|elders|elsewhere)\b")
_CONTINUES = re.compile(r"\b(?:daar\s+zal\s+het|sindsdien|zoals\s+nu|nog\s+steeds|still|ever\s+since|since\s+then|"
                        r"staat\s+het\s+nu|is\s+het\s+nu|is\s+now|(?:wat|dat|which)\s+(?:wijst|betekent|means|indicates)|"
                        r"zijn\s+een\s+reactie|is\s+een\s+reactie|in\s+response\s+to)\b")


_FROM_NOW = re.compile(r"\b(?:from\s+now\s+on|vanaf\s+(?:nu|vandaag)|met\s+ingang\s+van\s+vandaag|with\s+immediate\s+effect|"
                       r"per\s+direct|as\s+of\s+today)\b")


@dataclass
class Answer:
    level: int | None = None
    change_from: int | None = None
    change_to: int | None = None
    confidence: str = LOW
    evidence: dict[str, str] = field(default_factory=dict)


def _weight(st: Statement) -> float:
    return st.strength + (1.5 if st.sentence.in_title else 0.0) + (0.5 if st.sentence.paragraph <= 1 else 0.0)


def answer(statements: list[Statement], sentences: list[Sentence], published: str | None) -> Answer:
    mine = [s for s in statements if s.scope == NL]
    if any(s.scope == REGIONAL_SCOPE and s.kind == CHANGE and s.time == NOW for s in statements):
        # the news is a region's change: "steeds op 4 blijven staan" tells the time before it, not today
        mine = [s for s in mine if not (s.kind == STATE and _PERSISTED.search(s.clause) and not _REST.search(s.clause))]
    news = [s for s in mine if s.kind == CHANGE and s.time == NOW and not told_of_an_earlier_month(s.clause, published)]
    states = [s for s in mine if s.kind == STATE and s.time == NOW]
    unsaid = [s for s in mine if s.kind == CHANGED and s.time == NOW]
    if not news and unsaid:
        # "The agency raised the threat level on Tuesday … The level was raised to four": the news, retold
        news = [s for s in mine if s.kind == CHANGE and s.time == PAST and past_by_tense_only(s.clause)
                and _direction_fits(unsaid[0], None, new=s.level) and _same_direction(unsaid[0], s)]
    if news:
        return _from_change(news, states, mine)
    if states:
        decided = _from_states(states, mine)
        if decided.level is not None and _FROM_NOW.search(decided.evidence.get("level", "").lower()):
            # "From now on, the threat … is only limited. Over the past two years it was substantial."
            before = [s for s in mine if s.kind in (STATE, CHANGE) and s.time == PAST and s.level != decided.level]
            if before:
                decided.change_from, decided.change_to = before[0].level, decided.level
                decided.evidence["change"] = decided.evidence["level"]
                return decided
        if decided.level is not None and unsaid and _direction_fits(unsaid[0], None, new=decided.level):
            # "The threat level has been lowered. … the threat level is now a three out of five."
            decided.change_to = decided.level
            decided.evidence["change"] = unsaid[0].sentence.text
        return decided
    return _from_history(mine, sentences, published)


def _from_change(news: list[Statement], states: list[Statement], mine: list[Statement]) -> Answer:
    best = max(news, key=lambda s: (s.strength, s.change_from is not None, _weight(s), -s.sentence.index))
    rivals = {s.level for s in news if s.strength >= best.strength and s.level != best.level}
    answer = Answer(evidence={"change": best.sentence.text, "level": best.sentence.text})
    if rivals:
        answer.evidence["level"] = " | ".join(dict.fromkeys(s.sentence.text for s in news))
        return answer
    change_from = best.change_from
    if change_from is None:
        change_from = next((s.change_from for s in news if s.level == best.level and s.change_from), None)
    if change_from is None:
        change_from = from_only(best.sentence.clean)
    if change_from is None:
        # the level before, told apart: "In the previous assessment it was 4", "has been at 4 since 2016",
        # "It had been raised to 'substantial' in March 2008", "Less than a year ago … scaled down to 'limited'"
        before = [s for s in mine if s.level and s.level != best.level and _direction_fits(best, s.level)
                  and (s.kind == STATE or (s.kind == CHANGE and s.time == PAST))]
        if before:
            change_from = min(before, key=lambda s: (s.time != PAST, s.kind != CHANGE,
                                                     abs(s.sentence.index - best.sentence.index))).level
    contradicting = [s for s in states if s.strength >= 3 and s.level not in (best.level, change_from)]
    if contradicting and not best.sentence.in_title:
        answer.evidence["level"] = f"{best.sentence.text} | {contradicting[0].sentence.text}"
        return answer
    answer.level, answer.change_to, answer.change_from = best.level, best.level, change_from
    answer.confidence = HIGH if best.strength >= 3 or any(s.level == best.level for s in states) else MEDIUM
    return answer


def _same_direction(a: Statement, b: Statement) -> bool:
    from monitor.extract.vocab import DIRECTION_DOWN, DIRECTION_UP

    return bool(DIRECTION_UP.search(a.clause)) == bool(DIRECTION_UP.search(b.clause)) and \
        bool(DIRECTION_DOWN.search(a.clause)) == bool(DIRECTION_DOWN.search(b.clause))


def _direction_fits(change: Statement, old: int | None, *, new: int | None = None) -> bool:
    """Does 'old → new' go the way the change's verb says? (new defaults to the change's own level)"""
    from monitor.extract.vocab import DIRECTION_DOWN, DIRECTION_UP

    new = change.level if new is None else new
    up, down = DIRECTION_UP.search(change.clause), DIRECTION_DOWN.search(change.clause)
    if old is None:
        return bool(up or down) and not (up and down)
    if up and not down:
        return old < new
    if down and not up:
        return old > new
    return True


def _from_states(states: list[Statement], mine: list[Statement]) -> Answer:
    totals: dict[int, float] = {}
    strongest: dict[int, int] = {}
    for s in states:
        totals[s.level] = totals.get(s.level, 0.0) + _weight(s)
        strongest[s.level] = max(strongest.get(s.level, 0), s.strength)
    ranked = sorted(totals, key=lambda lv: (strongest[lv], totals[lv]), reverse=True)
    best = ranked[0]
    answer = Answer()
    rivals = [lv for lv in ranked[1:] if strongest[lv] >= 2 and totals[lv] * 1.5 >= totals[best]]
    if rivals and strongest[rivals[0]] >= strongest[best]:
        answer.evidence["level"] = " | ".join(dict.fromkeys(s.sentence.text for s in states))[:1000]
        return answer
    first = min((s for s in states if s.level == best), key=lambda s: (-s.strength, s.sentence.index))
    later = [s for s in mine if s.kind == CHANGE and s.time == PAST and s.level != best
             and s.sentence.index > first.sentence.index]
    if later and re.search(r"\b(?:sinds|since|stond|was)\b", first.clause):
        # "since 2013 at 4 … lowered to 3 in 2019": the text does not say which holds now
        answer.evidence["level"] = f"{first.sentence.text} | {later[-1].sentence.text}"
        return answer
    answer.level = best
    answer.evidence["level"] = first.sentence.text
    answer.confidence = HIGH if strongest[best] >= 3 and not rivals else (MEDIUM if strongest[best] >= 2 else LOW)
    if answer.confidence == LOW:
        answer.level = None
    return answer


def _from_history(mine: list[Statement], sentences: list[Sentence], published: str | None) -> Answer:
    past_changes = [s for s in mine if s.kind == CHANGE and s.time == PAST]
    if not past_changes:
        return Answer()
    last = max(past_changes, key=lambda s: s.sentence.index)
    if len({s.level for s in past_changes if s.sentence.index >= last.sentence.index - 1}) > 1:
        return Answer()
    recent = (published is not None and _dated_near(last.sentence.text, published)) or told_recently(last.clause)
    following = [s for s in sentences if last.sentence.index <= s.index <= last.sentence.index + 2
                 and s.paragraph == last.sentence.paragraph]
    continues = any(_CONTINUES.search(s.clean) for s in following)
    if not (recent or continues):
        return Answer()
    return Answer(level=last.level, confidence=MEDIUM, evidence={"level": last.sentence.text})


def _dated_near(text: str, published: str) -> bool:
    from monitor import dates

    told = dates.parse_date(text)
    return bool(told and told[:7] == published[:7])
