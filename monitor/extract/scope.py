"""Whose level a statement is: the Dutch national level (NCTV), another country's, a region's, or another scale's.

Scope is read at three depths, nearest first:
- the clause: the place or authority nearest to the level ("het dreigingsniveau in België",
  "Säpo raises the threat level", "the U.S. travel advisory for the Netherlands");
- the paragraph: a clause with no marker belongs to the anchor said before it in its paragraph
  ("Het dreigingsniveau in Nederland is niet verhoogd … Het blijft 'substantieel'"); a level
  given through a pronoun always does;
- the document: the headline and lead set the frame ("VS scherpen reisadvies voor Nederland
  aan", "Zweden verhoogt dreigingsniveau"), and the text's home country resolves "ons land".
Inside another authority's frame (a travel advisory, the sector alert system) "Nederland" alone
does not make a level the NCTV's: the NCTV, a DTN or an NCTV level name must say so. A level
that the next sentences restrict to a region ("ingesteld voor de hele provincie Utrecht") is
that region's.
"""

from __future__ import annotations

import re

from monitor.extract import document
from monitor.extract.document import Document, Sentence
from monitor.extract.statements import STATE, Statement
from monitor.extract.vocab import (
    ANCHOR_WORD,
    DOMESTIC,
    DOMESTIC_NCTV,
    FOREIGN,
    HOME,
    NAME_RE,
    OTHER_AUTHORITY,
    REGIONAL,
)

NL, FOREIGN_SCOPE, REGIONAL_SCOPE, OTHER = "nl", "foreign", "regional", "other"
_MARKERS = ((DOMESTIC_NCTV, "nctv"), (DOMESTIC, NL), (FOREIGN, FOREIGN_SCOPE), (OTHER_AUTHORITY, OTHER),
            (REGIONAL, REGIONAL_SCOPE), (HOME, "home"))
_NCTV_NAME = re.compile(rf"\b{NAME_RE}\b")
_WHOLE_COUNTRY = re.compile(r"\b(?:rest\s+van\s+(?:nederland|het\s+land)|hele\s+land|heel\s+nederland|rest\s+of\s+the\s+country|"
                            r"landelijke?|nationwide|nationaal|nationale|national)\b")
_RESTRICTED = re.compile(r"(?<!niet\s)(?<!not\s)\b(?:alleen|uitsluitend|enkel|only|exclusively|ingesteld\s+voor|geldt\s+voor|geldt\s+alleen|"
                         r"voor\s+de\s+(?:hele\s+)?provincie|for\s+the\s+province|in\s+de\s+provincie)\b")
_BELGIAN = re.compile(r"\b(?:belgi[ëe]|belgische?|belgium|belgian|ocad|ocam|vlaanderen|vlaamse?|walloni[ëe]|brussel|brussels|"
                      r"n-va|cd&v|open\s+vld|jambon|nationale\s+veiligheidsraad|crisiscentrum|federale\s+politie)\b")
_DUTCH = re.compile(r"\b(?:nederland|nederlandse?|netherlands|dutch|nctv|nctb)\b")


def markers(text: str) -> list[tuple[int, str]]:
    """(position, scope) of every scope marker in a cleaned text."""
    out = []
    for rx, scope in _MARKERS:
        out += [(m.start(), scope) for m in rx.finditer(text)]
    return sorted(out)


_BELGIAN_PREFIXES = ("belg", "ocad", "ocam", "brussel", "vlaan", "walloni", "jambon", "crisiscentrum", "veiligheidsraad",
                     "federale")


def home_country(doc: Document) -> str:
    """NL, unless the text is Belgian (its "ons land" is Belgium)."""
    low = doc.low or doc.text.lower()
    words = doc.words or document.words_of(low)
    if not any(document.begins_a_word(words, w) for w in _BELGIAN_PREFIXES) and "n-va" not in low:
        return NL
    belgian = len(_BELGIAN.findall(low))
    dutch = len(_DUTCH.findall(low))
    return FOREIGN_SCOPE if belgian and belgian >= 3 * dutch else NL


def frame(doc: Document, home: str) -> str:
    """The document's frame from its headline and lead: another authority, a foreign place, a region, or home."""
    lead = " ".join(s.clean for s in doc.sentences[:2])
    found = {scope for _pos, scope in markers(lead)}
    if OTHER in found and "nctv" not in found:
        return OTHER
    for s in doc.sentences[:2]:
        anchored = _anchor_scope(s, home)
        if anchored is not None:
            return anchored  # the place the headline's level belongs to
    if "nctv" in found or (NL in found and FOREIGN_SCOPE not in found):
        return NL
    if FOREIGN_SCOPE in found:
        return FOREIGN_SCOPE
    if REGIONAL_SCOPE in found and not _WHOLE_COUNTRY.search(lead):
        return REGIONAL_SCOPE
    return home


def _resolve(scope: str, home: str) -> str:
    return home if scope == "home" else (NL if scope == "nctv" else scope)


def _nearest(marks: list[tuple[int, str]], at: int) -> tuple[int, str]:
    return min(marks, key=lambda ps: (abs(ps[0] - at), ps[1] == "home"))


def _anchor_scope(sentence: Sentence, home: str) -> str | None:
    """The scope of the last level anchor in this sentence (what a pronoun in the next one points back at)."""
    anchors = list(ANCHOR_WORD.finditer(sentence.clean))
    marks = markers(sentence.clean)
    if not anchors or not marks:
        return None
    countries = [m for m in marks if m[1] != "home"]
    return _resolve(_nearest(countries or marks, anchors[-1].start())[1], home)


def assign(doc: Document, statements: list[Statement]) -> None:
    """Set `scope` on every statement."""
    home = home_country(doc)
    doc_frame = frame(doc, home)
    carried: dict[int, str] = {}  # paragraph → the scope of the last anchor (or marker) said in it
    nctv_carried: dict[int, bool] = {}  # paragraph → its Dutch scope came from a sentence naming the NCTV
    by_sentence: dict[int, list[Statement]] = {}
    for st in statements:
        by_sentence.setdefault(st.sentence.index, []).append(st)
    paragraphs = {st.sentence.paragraph for st in statements}
    last = max(by_sentence, default=-1)
    for sentence in doc.sentences[: last + 1]:
        if sentence.paragraph not in paragraphs:
            continue  # scope is carried within a paragraph only: others need no reading
        marks = markers(sentence.clean)
        for st in by_sentence.get(sentence.index, []):
            st.scope = _scope_of(st, marks, carried.get(sentence.paragraph), doc_frame, home)
            if st.scope == NL and (_restricted_here(st) or _restricted_later(doc, sentence, st.level)):
                st.scope = REGIONAL_SCOPE
            elif st.scope == REGIONAL_SCOPE and st.kind == STATE and _USUAL.search(sentence.clean[: st.start]) \
                    and FOREIGN_SCOPE not in (doc_frame, carried.get(sentence.paragraph)) and doc_frame != OTHER:
                st.scope = NL  # "… in de provincie Utrecht naar niveau 5. Het ‘normale’ dreigingsniveau is 4."
            elif st.scope == NL and st.kind != STATE and not marks and nctv_carried.get(sentence.paragraph) \
                    and doc_frame in (FOREIGN_SCOPE, OTHER):
                st.scope = doc_frame  # under a foreign headline an NCTV sentence lends its scope to a level, not a change
        # what a later clause without a marker belongs to: the last anchor's scope (a place named in
        # passing — "the attacks in France and Austria illustrate …" — says nothing of whose level follows)
        anchored = _anchor_scope(sentence, home)
        if anchored:
            carried[sentence.paragraph] = anchored
        elif marks and marks[0][0] <= 2 and _resolve(marks[0][1], home) == FOREIGN_SCOPE:
            # "België is opgeschrikt door een aanslag. … is het dreigingsniveau verhoogd naar 4": a country as
            # the subject of a sentence is the topic of the next ones
            carried[sentence.paragraph] = FOREIGN_SCOPE
        elif any(sc == "nctv" for _p, sc in marks) and all(_resolve(sc, home) == NL for _p, sc in marks) and (
                doc_frame not in (FOREIGN_SCOPE, OTHER) or _ASSESSMENT.search(sentence.clean)):
            # "… de boodschap van het nieuwe dreigingsbeeld terrorisme van de NCTV. Het op een na hoogste
            # dreigingsniveau (4 op een schaal van 5) blijft van kracht": the NCTV's assessment speaks of its own level
            # (under a foreign headline only its assessment does: "De NCTV volgt de ontwikkelingen" says nothing of it)
            carried.setdefault(sentence.paragraph, NL)  # (a place the paragraph named before stays its topic)
            nctv_carried[sentence.paragraph] = carried[sentence.paragraph] == NL
    _same_level_same_place(statements)


def _same_level_same_place(statements: list[Statement]) -> None:
    """A level the text puts on a region is that region's wherever else the text names it without saying
    "landelijk" or "in heel Nederland": "Niveau 5 geldt al zeker tot vanavond" in a story on Utrecht's level 5."""
    regional = {st.level for st in statements if st.scope == REGIONAL_SCOPE and st.level}
    for st in statements:
        if st.scope == NL and st.level in regional and not _WHOLE_COUNTRY.search(st.clause) \
                and not re.search(r"\b(?:nederland|netherlands)\b", st.clause[:60]):
            st.scope = REGIONAL_SCOPE


def _restricted_here(st: Statement) -> bool:
    """The rest of its clause puts this level on a region only, and names no other level after that ("het hoogste
    dreigingsniveau 5 af te kondigen, uitsluitend voor de provincie Utrecht")."""
    rest = st.clause[max(0, st.start - st.sentence.clean.find(st.clause)) :]
    m = _RESTRICTED.search(rest)
    if m is None or _WHOLE_COUNTRY.search(rest) or DOMESTIC.search(rest, 0, m.start()):
        return False  # ("het dreigingsniveau is in Nederland 4, in de provincie Utrecht …": the country's, then the region's)
    tail = rest[m.start() :]
    return bool(REGIONAL.search(tail)) and not _OTHER_LEVEL.search(tail)


_ASSESSMENT = re.compile(r"\bdreigingsbeeld|\bdtn|\bthreat\s+assessment")
_USUAL = re.compile(r"\b(?:normale|gebruikelijke|normal|usual)\s+(?:threat\s+)?$")  # right before the statement's anchor
_OTHER_LEVEL = re.compile(rf"\b(?:[1-5]|{NAME_RE})\b")


def _restricted_later(doc: Document, sentence: Sentence, level: int) -> bool:
    """The next sentences of the paragraph put this level on a region only ("… voor de hele provincie Utrecht")."""
    for s in doc.sentences[sentence.index + 1 : sentence.index + 3]:
        if s.paragraph != sentence.paragraph:
            break
        same_level = re.search(rf"\bniveau\s+{level}\b|\blevel\s+{level}\b", s.clean) or (
            level == 5 and re.search(r"\b(?:hoogste|highest|kritiek|critical)\b", s.clean)) or (
            re.match(r"\s*(?:deze|dit|die|dat|het|it|this|that)\s+(?:geldt|gold|applies|applied|is|was)\b", s.clean))
        if same_level and REGIONAL.search(s.clean) and _RESTRICTED.search(s.clean) and not _WHOLE_COUNTRY.search(s.clean):
            return True
    return False


def _adjacent(st: Statement, marks: list[tuple[int, str]], home: str) -> str | None:
    """A place right after the anchor ("het dreigingsniveau in/voor X", "Dreigingsniveau 5 in Nederlandse provincie
    Utrecht"): it decides, and the most specific place in it wins (a province over its country)."""
    comma = st.sentence.clean.find(",", st.start, st.start + 45)  # "is in Nederland 4, in de provincie Utrecht …"
    near = [s for p, s in marks if st.start <= p <= (st.start + 45 if comma < 0 else comma) and s != "nctv"]
    if not near:
        return None
    if REGIONAL_SCOPE in near and not _WHOLE_COUNTRY.search(st.sentence.clean[st.start : st.start + 60]):
        return REGIONAL_SCOPE
    places = [s for s in near if s != "home"]
    return _resolve(places[0] if places else near[0], home)


def _scope_of(st: Statement, marks: list[tuple[int, str]], carried: str | None, doc_frame: str, home: str) -> str:
    clause_start = st.sentence.clean.find(st.clause)
    inside = [(p, s) for p, s in marks if clause_start <= p < clause_start + len(st.clause)]
    kinds = {s for _p, s in inside}
    nctv = "nctv" in kinds or bool(_NCTV_NAME.search(st.clause))
    adjacent = None if st.anaphoric else _adjacent(st, marks, home)
    if adjacent is not None:
        if adjacent == NL and doc_frame == OTHER and not nctv:
            return OTHER
        return adjacent
    if inside and not (st.anaphoric and carried is not None):
        if OTHER in kinds and "nctv" not in kinds:
            return OTHER
        nearest = _nearest(inside, st.start)[1]
        if nearest == "home" and kinds - {"home", REGIONAL_SCOPE}:
            # "Frankrijk heeft het nationale dreigingsniveau …": a country named in the clause beats "nationaal"
            # (a region does not: "volgens de gemeente past het in het landelijke dreigingsbeeld")
            nearest = _nearest([m for m in inside if m[1] not in ("home", REGIONAL_SCOPE)], st.start)[1]
        scope = _resolve(nearest, home)
        if scope == NL and doc_frame == OTHER and not nctv:
            return OTHER
        return scope
    earlier = [(p, s) for p, s in marks if p < clause_start and s != "home"]
    if earlier and not st.anaphoric:
        # an earlier clause of the same sentence named the place ("In Nederland … maar sinds december geldt …")
        scope = _resolve(earlier[-1][1], home)
        return OTHER if scope == NL and doc_frame == OTHER and not nctv else scope
    if carried is not None:
        return OTHER if carried == NL and doc_frame == OTHER and not nctv else carried
    return doc_frame
