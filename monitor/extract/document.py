"""A text as the extractor reads it: title and lead, paragraphs, sentences, each also in a cleaned form.

Input is plain text or HTML (menus, footers and scripts dropped; <main>/<article> preferred).
The cleaned form of a sentence is lower-case, without quotes, and with everything that holds
a number but is no level put out of the way: edition names ("DTN 51" → dtnref), dates,
Kamerstuk numbers, scale phrases ("op een schaal van 5"), lists of the five levels, counts
("drie keer per jaar"). Ranks become values ("het op één na hoogste niveau" → niveau 4).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from monitor import dates
from monitor.editions import find_editions
from monitor.extract.fingerprint import code_fingerprint
from monitor.extract.page import html_blocks, html_date
from monitor.extract.text import QUOTES, looks_like_html, normalise, split_sentences
from monitor.extract.vocab import NAME_RE, NUM_RE

code_fingerprint()  # taken as this process loads the extractor's stages: the code it reads with (helper.py)

DATE_MARKER = re.compile(r"^\s*date\s+((?:19|20)\d\d-\d\d(?:-\d\d)?)\s+", re.I)
_QUOTE = re.compile(f"[{re.escape(QUOTES)}]")
_FOOTNOTE = re.compile(r"(?<=[a-zà-ÿ)\].,])\d{1,2}(?=[\s,.;:)]|$)")
_DATE = re.compile(
    dates.LONG_DATE.pattern + "|" + dates.EN_LONG_DATE.pattern + "|" + dates.NUMERIC_DMY.pattern + "|"
    + dates.MONTH_YEAR.pattern + r"|\b(?:19|20)\d\d\b"
    + rf"|\b\d{{1,2}}\s+(?:{dates.MONTH_ALT})\b|\b(?:{dates.MONTH_ALT})\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    re.I,
)
_REF = re.compile(
    r"\b\d{2}\s?\d{3}(?:-[ivx]+)?,?\s*(?:nr\.?\s*\d+)?|\b(?:nr|no)\.?\s*\d+|\bkst-\S+|\b\d{4,}\b|\b\d+[.,]\d+\b|"
    r"\b\d{1,2}[:.]\d{2}\s*(?:uur|u\b|am|pm|h\b)?",
    re.I,
)
_SCALE = re.compile(
    r"op\s+een\s+schaal\s+(?:van|tot|met)\s+(?:(?:1|één|een)\s+tot\s+(?:en\s+met\s+)?)?(?:5|vijf|4|vier)\b"
    r"|on\s+a\s+(?:\w+[- ])?scale\s+(?:of|from)\s+(?:(?:1|one)\s+to\s+)?(?:5|five|4|four)\b"
    r"|op\s+(?:de|een)\s+(?:vijf|5)[- ]?(?:punts)?schaal|on\s+a\s+(?:five|5)[- ]point\s+scale"
    r"|\bfrom\s+(?:the\s+)?(?:5|five|4|four)\s+(?:possible\s+)?levels\b"
    r"|\b(?:van|uit|out\s+of|of)\s+(?:de\s+|the\s+|een\s+maximum\s+van\s+|a\s+maximum\s+of\s+|max(?:imaal)?\.?\s+)?"
    r"(?:5|vijf|five|4|vier|four)(?:\s+(?:mogelijke|possible))?(?:\s+(?:niveaus|levels|dreigingsniveaus|stappen|tiers))?"
    r"(?![\w-])(?!\s*(?:\(|naar\b|to\b|tot\b|in\b))"
    r"|\s*/\s*(?:5|vijf)\b|\bschaal\s+(?:van\s+)?(?:1\s+tot\s+)?5\b|\bvijfpuntsschaal\b|\bfive[- ]tier\s+scale\b"
    r"|\b(?:5|vijf|five)\s+(?:is|being)\s+(?:het|the)\s+(?:hoogste|highest)(?:\s+(?:niveau|level))?"
    r"|\b(?:het|the)\s+(?:hoogste|highest|maximale|maximum)\s+(?:cijfer|niveau|level|score)\s+is\s+(?:5|vijf|five)\b"
)
_ITEM = rf"{NAME_RE}|minimum|{NUM_RE}\s*\(\s*{NAME_RE}\s*\)"
_LIST = re.compile(
    rf"\b(?:1|één|one)\s*(?:\(\s*\w+\s*\)\s*)?(?:tot\s+(?:en\s+met\s+)?|t/m\s+|to\s+|-\s*|–\s*)(?:5|vijf|five)\b(?:\s*\(\s*\w+\s*\))?"
    rf"|(?:niveau|level)\s+{NUM_RE}\s+(?:is|=|means|betekent|staat\s+voor)\s+{NAME_RE}\b"
    rf"|\b(?:van|from|tussen|between)\s+(?:niveau\s+|level\s+)?(?:(?:1|één|one)\s*\(?\s*(?:minimaal|minimal)?\s*\)?|minimaal|minimal)"
    rf"\s+(?:tot\s+(?:en\s+met\s+)?|naar|to|en|and)\s+(?:niveau\s+|level\s+)?(?:(?:5|vijf|five)\s*\(?\s*(?:kritiek|critical)?\s*\)?|kritiek|critical)"
    # three or more names in a row: "beperkt, aanzienlijk, substantieel", "Minimum, Limited, Substantial, and Critical"
    rf"|(?:{_ITEM})(?:(?:\s*[,;/]\s*(?:{_ITEM})){{2,}}(?:\s*,?\s*(?:en|and|of|or)\s+(?:{_ITEM}))?"
    rf"|(?:\s*[,;/]\s*(?:{_ITEM}))+\s*,?\s*(?:en|and|of|or)\s+(?:{_ITEM}))"
)
_COUNT = re.compile(
    r"\b(?:one|één|een)\s+(?:of|van)\s+(?:the|de|het|our|onze)\b"  # "remains one of the most direct risks"
    r"|\b(?:\d+|een|één|twee|drie|vier|vijf|zes|one|two|three|four|five|six)\s+"
    # "two terrorist attacks", "drie verijdelde aanslagen": a count with its adjective
    r"(?:(?:terrorist|terroristische|jihadist|jihadistische|deadly|dodelijke|major|grote|foiled|verijdelde|new|nieuwe|"
    r"recent|recente)\s+(?=aanslagen|attacks|verdachten|suspects|arrestaties|arrests|doden|deaths))?"
    r"(?:keer|maal|times|niveaus|levels|dreigingsniveaus|(?:terror(?:ist|ism)?\s+)?(?:threat|alert|warning)\s+levels|stappen|personen|mensen|people|persons|doden|deaths|"
    r"jaar|jaren|years?|maanden|months?|weken|weeks?|dagen|days?|uur|hours?|minuten|minutes?|procent|percent|%|"
    r"editions?|edities|keer\s+per\s+jaar|landen|countries|verdachten|suspects|arrestaties|arrests|aanslagen|attacks|"
    r"(?:possible|mogelijke)\s+(?:levels|niveaus)|scales|schalen)\b"
)
_RANK = [
    (re.compile(r"\b(?:het\s+|de\s+)?(?:op\s+)?(?:één|een|1)\s+na\s+hoogste(?P<a>\s+(?:dreigings)?niveau)?"
                r"|\b(?:the\s+)?second[- ]highest(?P<b>\s+(?:threat\s+)?level)?"), 4),
    (re.compile(r"\b(?:het\s+|de\s+)?(?:op\s+)?twee\s+na\s+hoogste(?P<a>\s+(?:dreigings)?niveau)?"
                r"|\b(?:the\s+)?third[- ]highest(?P<b>\s+(?:threat\s+)?level)?"), 3),
    (re.compile(r"\b(?:het\s+|de\s+|the\s+)?(?:hoogst(?:e|\s+mogelijke)|highest(?:\s+possible)?)(?P<a>\s+(?:dreigings)?niveau)"
                r"|\b(?:het\s+|de\s+|the\s+)?(?:highest(?:\s+possible)?)(?P<b>\s+(?:threat\s+)?level)"), 5),
]


_ORDINAL = re.compile(r"\b(?:het|the)\s+(?P<o>eerste|tweede|derde|vierde|vijfde|first|second|third|fourth|fifth)\s+"
                      r"(?P<a>(?:dreigings)?niveau|(?:threat\s+)?level)\b")
_ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "first": 1, "second": 2, "third": 3,
             "fourth": 4, "fifth": 5}


def _ranked(level: int) -> object:
    def repl(m: re.Match[str]) -> str:
        anchor = (m.group("a") or m.group("b") or "").strip()
        if anchor.startswith(("dreigings", "threat")):
            return f" {anchor} niveau {level} "
        return f" niveau {level} "
    return repl


class Sentence:
    """One sentence: its text, where it stands, and (computed on first use) its cleaned form."""

    __slots__ = ("_clean", "candidate", "in_title", "index", "paragraph", "text")

    def __init__(self, text: str, paragraph: int, index: int, in_title: bool = False, candidate: bool = True):
        self.text = text
        self.paragraph = paragraph
        self.index = index
        self.in_title = in_title
        self.candidate = candidate  # its block may state a level (see _candidates)
        self._clean: str | None = None

    @property
    def clean(self) -> str:
        if self._clean is None:
            self._clean = clean(self.text)
        return self._clean


@dataclass
class Document:
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    date_marker: str | None = None  # a leading " date YYYY-MM" of the stored-page format
    html_date: str | None = None
    lines: list[str] = field(default_factory=list)  # the text's own lines (for date lines), marker removed
    low: str = ""  # the blocks, lower case (computed once for the whole-text word checks)
    words: list[str] = field(default_factory=list)  # its distinct words, sorted

    @property
    def title(self) -> str:
        return self.sentences[0].text if self.sentences else ""


def clean(sentence: str) -> str:
    """The cleaned, lower-case form of one sentence (see the module docstring)."""
    s = sentence
    for m in reversed(find_editions(s)):
        s = f"{s[: m.start]} dtnref {s[m.end:]}"
    s = _FOOTNOTE.sub("", s)
    s = _QUOTE.sub(" ", s.lower())
    s = s.replace("–", "-").replace("—", "-")
    s = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", s))
    for rx, level in _RANK:
        s = rx.sub(_ranked(level), s)  # type: ignore[call-overload]
    s = _ORDINAL.sub(lambda m: f" {m.group('a')} {_ORDINALS[m.group('o')]} " if m.group("a").startswith(("dreigings", "threat"))
                     else f" niveau {_ORDINALS[m.group('o')]} ", s)
    s = _DATE.sub(" date ", s)
    s = _REF.sub(" ref ", s)
    s = _SCALE.sub(" scale ", s)
    s = _LIST.sub(" levellist ", s)
    s = _COUNT.sub(" count ", s)
    return re.sub(r"\s+", " ", s).strip()




# words without which a block holds no level statement: such blocks stay one unsplit, unparsed "sentence"
_TOPIC_WORDS = ("dreig", "threat", "terr", "niveau", "level", "nctv", "nctb", "dtn", "alert", "menace", "stufe")
_VALUE_WORDS = ("minima", "beperkt", "aanzienlijk", "substanti", "kritiek", "limited", "significant", "considerable",
                "critical", "twee", "drie", "vier", "vijf", "two", "three", "four", "five", "hoogste", "highest")
_MOVE_WORDS = ("verhoog", "verlaag", "opgeschaald", "afgeschaald", "bijgesteld", "raised", "lowered", "increased",
               "decreased", "reduced", "elevated", "upped", "downgraded", "upgraded")


def _blocks_with(low: str, offsets: list[int], words: tuple[str, ...]) -> set[int]:
    """Indexes of the blocks in which any of `words` occurs (str.find over the whole text: no regex, no loop per block)."""
    found: set[int] = set()
    for w in words:
        i = low.find(w)
        while i >= 0:
            block = bisect_right(offsets, i) - 1
            found.add(block)
            i = low.find(w, offsets[block + 1] if block + 1 < len(offsets) else len(low))
    return found


_DIGIT_CHARS = set("0123456789")
_JOINERS = set(".,/-:")
_NUMBER_ANCHORS = ("niveau", "level", "stufe", "schaal", "scale", "dtn")
# a literal start makes each a fast scan of the whole text
_AT_DIGIT = (re.compile(r" op [1-5]\b(?![.,:/-]?\d)"), re.compile(r" at [1-5]\b(?![.,:/-]?\d)"))
_SPACES = str.maketrans({c: " " for c in "()[]{}'\"‘’“”„«»:;,.!?/|*•·-–—_"})


def _lone_digit(low: str) -> bool:
    """A digit 1–5 on its own ("4", "4.", "(4)"), not part of "2024", "3.5" or "10/4"."""
    for d in "12345":
        i = low.find(d)
        while i >= 0:
            b1, b2 = (low[i - 1] if i else " "), (low[i - 2] if i > 1 else " ")
            a1, a2 = (low[i + 1] if i + 1 < len(low) else " "), (low[i + 2] if i + 2 < len(low) else " ")
            if not (b1 in _DIGIT_CHARS or (b1 in _JOINERS and b2 in _DIGIT_CHARS)) and \
                    not (a1 in _DIGIT_CHARS or (a1 in _JOINERS and a2 in _DIGIT_CHARS)):
                return True
            i = low.find(d, i + 1)
    return False


def words_of(low: str) -> list[str]:
    """The distinct words of a lower-case text, sorted (for prefix look-ups with `begins_a_word`)."""
    return sorted(set(low.translate(_SPACES).split()))


def begins_a_word(words: list[str], prefix: str) -> bool:
    i = bisect_left(words, prefix)
    return i < len(words) and words[i].startswith(prefix)


def _candidates(blocks: list[str], low: str, words: list[str]) -> set[int]:
    """The blocks that may state a level (or a change): a level or change word (or a lone digit beside "niveau"),
    and a word of the topic in it or in the block before. Mention first, rarest first: the level words this text
    holds at all are found by prefix in its sorted word list, their blocks with str.find over the whole text, and
    only those blocks (and the one before each) are looked at for the topic."""
    offsets, at = [], 0
    for block in blocks:
        offsets.append(at)
        at += len(block) + 1
    present = tuple(w for w in (*_VALUE_WORDS, *_MOVE_WORDS) if begins_a_word(words, w))
    valued = _blocks_with(low, offsets, present)
    for b in _blocks_with(low, offsets, _NUMBER_ANCHORS) - valued:
        if _lone_digit(low[offsets[b] : offsets[b] + len(blocks[b])]):
            valued.add(b)
    for rx in _AT_DIGIT:  # "de dreiging staat op 4"
        for m in rx.finditer(low):
            b = bisect_right(offsets, m.start()) - 1
            block = low[offsets[b] : offsets[b] + len(blocks[b])]
            if b not in valued and ("dreiging" in block or "threat" in block):
                valued.add(b)
    out = set()
    for b in valued:
        here = low[offsets[b - 1] if b else 0 : offsets[b] + len(blocks[b])]
        if any(t in here for t in _TOPIC_WORDS):
            out.add(b)
    return out


def read(text: str) -> Document:
    """Split a text (or an HTML page) into sentences, title first; only blocks that may state a level are split."""
    published_meta = None
    if looks_like_html(text):
        published_meta = html_date(text)
        blocks = html_blocks(text)
        raw_lines = "\n".join(blocks)
    else:
        blocks = _text_blocks(text)
        raw_lines = text
    doc = Document(text="\n\n".join(blocks), html_date=published_meta)
    doc.lines = [ln.strip() for ln in raw_lines.replace("\r", "\n").split("\n", 200)[:200] if ln.strip()]
    if blocks:
        m = DATE_MARKER.match(blocks[0])
        if m:
            doc.date_marker = m.group(1)
            blocks[0] = blocks[0][m.end():]
    if doc.lines and DATE_MARKER.match(doc.lines[0]):
        doc.lines[0] = DATE_MARKER.sub("", doc.lines[0])
    doc.low = "\n".join(blocks).lower()
    doc.words = words_of(doc.low)
    candidates = _candidates(blocks, doc.low, doc.words)
    index = 0
    for p, block in enumerate(blocks):
        worth = p in candidates
        for sentence in split_sentences(block) if worth or p == 0 else [block]:
            doc.sentences.append(Sentence(sentence, p, index, in_title=p == 0 and index == 0, candidate=worth))
            index += 1
    return doc


def _text_blocks(text: str) -> list[str]:
    blocks = []
    for block in re.split(r"\n\s*\n", normalise(text)):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        # short first lines without an end stop, each followed by a capital, are headings (a title, a date
        # line): each its own block
        while len(lines) > 1 and _heading(lines[0], lines[1]):
            blocks.append(lines[0])
            lines = lines[1:]
        blocks.append(" ".join(lines))
    return blocks


_FUNCTION_END = re.compile(r"\b(?:de|het|een|van|en|in|op|voor|met|naar|dat|die|te|the|of|and|to|a|an|for|with|that)$", re.I)


def _heading(line: str, following: str) -> bool:
    return (len(line) < 120 and not line.endswith((".", ":", ";", ",", "-")) and following[:1].isupper()
            and not _FUNCTION_END.search(line))
