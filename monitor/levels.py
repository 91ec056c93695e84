"""The national threat level scale (1-5) and its words, in Dutch and English.

One table, so the extractor, the messages and the status page cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    number: int
    name: str  # Dutch official name
    meaning: str  # Dutch official one-line meaning
    name_en: str
    meaning_en: str


LEVELS: dict[int, Level] = {
    1: Level(1, "minimaal", "een aanslag is niet waarschijnlijk", "minimal", "an attack is unlikely"),
    2: Level(2, "beperkt", "de kans op een aanslag is klein", "limited", "the chance of an attack is small"),
    3: Level(3, "aanzienlijk", "een aanslag is voorstelbaar", "significant", "an attack is conceivable"),
    4: Level(4, "substantieel", "de kans op een aanslag is reëel", "substantial", "the chance of an attack is real"),
    5: Level(5, "kritiek", "een aanslag is op handen", "critical", "an attack is imminent"),
}

# Words that name a level. Meaning words ("voorstelbaar", "reëel") are listed separately:
# texts use them as names ("niveau 3 (voorstelbaar)") but also in ordinary sentences
# ("de kans op een aanslag is reëel"), so they only count beside a level anchor.
NAME_WORDS: dict[str, int] = {
    "minimaal": 1,
    "beperkt": 2,
    "aanzienlijk": 3,
    "substantieel": 4,
    "kritiek": 5,
    "minimal": 1,
    "limited": 2,
    "significant": 3,
    "considerable": 3,
    "substantial": 4,
    "critical": 5,
}
MEANING_WORDS: dict[str, int] = {
    "voorstelbaar": 3,
    "reëel": 4,
    "reeel": 4,
    "conceivable": 3,
    "real": 4,
    "realistic": 4,
}
NUMBER_WORDS: dict[str, int] = {
    "1": 1, "2": 2, "3": 3, "4": 4, "5": 5,
    "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
}
ORDINAL_WORDS: dict[str, int] = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}


def level_name(number: int | None) -> str | None:
    return LEVELS[number].name if number in LEVELS else None


def describe(number: int, language: str = "nl") -> str:
    """'4 (substantieel: de kans op een aanslag is reëel)' in the chosen language."""
    lv = LEVELS[number]
    if language == "en":
        return f"{lv.number} ({lv.name_en}: {lv.meaning_en})"
    return f"{lv.number} ({lv.name}: {lv.meaning})"
