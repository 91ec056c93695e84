"""Rules of reading a user relies on, one example each (the corpus tests measure them at scale)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.editions import find_editions
from monitor.extract import extract


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Carnavalsoptocht afgelast\n\nBuitenland\nvrijdag, 28 februari 2025 om 12:19\nDe stad ...", "2025-02-28"),
        ("Travel advice updated\n\nHelen Coffey\nWednesday 13 December 2023 09:19 GMT\nComments", "2023-12-13"),
        ("updated 3/6/2008 2:02:57 PM ET 2008-03-06T19:02:57\n\nThe Dutch government raised ...", "2008-03-06"),
        ("The Netherlands\n\n  • Reviewed: 7 March 2022, 11:20 NZDT\n  • Still current at: 7 March 2022", "2022-03-07"),
        ("THE HAGUE, 27/04/07 – The terrorism threat level for the Netherlands has been lowered.", "2007-04-27"),
        ("Last Updated: Tuesday, 06 June 2023, 11:08 GMT\nPublication Date 28 April 2006\nCite as ...", "2006-04-28"),
        ("Het kabinet besloot op 9 december 2019 het niveau te verlagen, aldus de krant.", None),
        ("NCTV-rapport\n\n27 oktober 2021Leestijd: 3 minuten\nHet merendeel van de nieuwsmedia ...", "2021-10-27"),
        ("Dreigingsniveau opgetrokken\n\nzat 21 nov 2015\n\nHet dreigingsniveau ...", "2015-11-21"),
        ("Terror threat 'substantial'\n\n9th December 2008, Comments 0 comments\n\nThe risk ...", "2008-12-09"),
        ("Security Alert – U.S. Consulate General Amsterdam, Netherlands (December 15, 2023)\n\nLocation: ...", "2023-12-15"),
        ("07 May 2020 – Announced threat level for terrorism during COVID-19\n\nThis item is sourced from ...", "2020-05-07"),
        ("Motie\n\nVoorgesteld 28 mei 2013\n\nDe Kamer, gehoord de beraadslaging, ...", "2013-05-28"),
        ("Letter\n\nDivision NCTb Date 9 September 2008 Our ref. 5562588/08/NCTb Encl. Summary ...", "2008-09-09"),
    ],
)
def test_the_texts_own_date_is_read_and_a_date_in_a_sentence_is_not(text: str, published: str | None) -> None:
    assert extract(text).published == published


def test_an_ordinal_edition_with_its_month_is_the_numbered_edition() -> None:
    found = find_editions("2. Summary of the 23rd Terrorist Threat Assessment Netherlands of December 2010")
    assert [m.edition.number for m in found] == [23]
    text = "Progress report\n\n2. Summary of the 23rd Terrorist Threat Assessment Netherlands of December 2010 In the past period"
    assert extract(text).dtn == 23


def test_a_contents_line_with_its_page_number_names_no_edition() -> None:
    text = "Ten Years of Terrorist Threat Assessment\n\n4 Ten years of the DTN – an analysis 14\n\n5 Developments surrounding the DTN 24"
    assert extract(text).dtn is None


def test_a_level_kept_from_the_previous_period_holds_now() -> None:
    got = extract("Het dreigingsniveau met betrekking tot Nederland blijft net als in de vorige rapportageperiode substantieel.")
    assert (got.level, got.change_to) == (4, None)


def test_a_paragraph_telling_an_earlier_time_gives_no_level_for_now() -> None:
    text = ("Uitleg\n\nIn maart 2013 was de dreiging groter dan daarvoor. Op dat moment geldt dreigingsniveau 2. "
            "De NCTV schaalt op naar dreigingsniveau 3.")
    got = extract(text)
    assert got.level is None and got.change_to is None


def test_a_number_counted_out_of_four_is_read_on_the_old_scale_and_a_name_by_its_name() -> None:
    old = extract("For the first time since 2009, the Netherlands has raised its terrorism warning rank to Level 3 - out of 4.")
    assert old.level == 4 and old.level_name == "substantieel"
    named = extract("In Nederland kennen we sinds 2005, toen de NCTb werd opgericht, vier publieke dreigingsniveaus. "
                    "Het huidige niveau – ‘substantieel’ – is het op een na hoogste.")
    assert named.level == 4


def test_a_belgian_text_gives_its_own_level_to_belgium_not_to_the_netherlands() -> None:
    text = ("OCAD verlaagt dreigingsniveau\n\nHet OCAD heeft het dreigingsniveau in België verlaagd van 3 naar 2. "
            "Het Crisiscentrum en de federale politie volgen de toestand in ons land. Premier De Croo reageerde in Brussel.")
    got = extract(text)
    assert (got.level, got.change_from, got.change_to) == (None, None, None)


def test_a_level_on_a_long_page_is_found_beside_its_anchor_only() -> None:
    filler = "<p>" + "De overheid werkt samen met gemeenten aan veiligheid en weerbaarheid. " * 40 + "</p>"
    page = (f"<html><head><title>NCTV</title></head><body><nav><a href='/x'>Dreigingsniveau 5</a></nav><main>"
            f"<h1>Dreigingsniveau</h1>{filler * 20}<p>Het dreigingsniveau staat op 4 (substantieel).</p>"
            f"<table><tr><td>Wijk 4</td><td>3 agenten</td></tr></table></main></body></html>")
    got = extract(page)
    assert (got.level, got.level_name) == (4, "substantieel")


def test_the_act_of_raising_named_as_a_noun_is_no_change() -> None:
    got = extract("Het huidige dreigingsniveau staat op aanzienlijk.\n\n"
                  "Het verhogen van het dreigingsniveau “is echt een grote stap”, zei de woordvoerster.")
    assert (got.level, got.change_from, got.change_to) == (3, None, None)


def test_not_only_local_networks_does_not_make_the_national_level_regional() -> None:
    got = extract("The threat level in the Netherlands remains substantial, which means that the chance of an attack is "
                  "real. It is not only international and local networks that pose a threat but also lone actors.")
    assert got.level == 4


def test_a_printed_scale_is_a_legend_and_three_out_of_four_is_the_old_scale() -> None:
    # a real text (De Telegraaf, 2015): Belgium's legend and the start of the Dutch one, "niveau 3 (van 4)" for NL
    text = next((Path(__file__).parent / "unseen3").glob("861_*.txt")).read_text(encoding="utf-8")
    assert "Niveau 1: MINIMAAL" in text
    assert extract(text).level == 4
    assert extract("Actueel dreigingsniveau\n\nNiveau 4: Substantieel. De kans op een aanslag is reëel.").level == 4


def test_an_edition_by_its_number_in_words_of_publishing() -> None:
    assert extract("Donderdag verscheen nummer 53 van het Dreigingsbeeld Terrorisme Nederland (DTN) van de NCTV.").dtn == 53
    assert extract("This is the main takeaway from the 49th Terrorist Threat Assessment Netherlands (Dreigingsbeeld "
                   "Terrorisme Nederland) published by the NCTV.").dtn == 49


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # plain English, not a level: "a significant threat" beside the real change
        ("The NCTV has raised the terrorism threat level from ‘limited’ to ‘substantial’.\n\nThese travellers can "
         "return highly radicalised, thus posing a significant threat to this country.", 4),
        # another system's or another group's level
        ("Defensie verhoogt de Alert State\n\nDefensie verhoogt vanaf vandaag de zogeheten ‘Alert State’. Deze gaat "
         "van het eerste naar het tweede niveau (A naar A+).", None),
        ("Dreigingsniveau Joodse gemeenschap substantieel\n\nHet dreigingsniveau voor de Joodse gemeenschap in "
         "Nederland is substantieel, volgens de index van Bij Leven en Welzijn.", None),
    ],
)
def test_no_national_level_from_plain_words_or_another_system(text: str, level: int | None) -> None:
    got = extract(text)
    assert got.level == level
    assert got.change_to == level


def test_one_of_the_is_no_level_one() -> None:
    text = ("The UK’s terrorism threat level has been downgraded from “severe” to “substantial”.\n\n"
            "“Despite the change in the threat level, terrorism remains one of the most direct risks,” she said.")
    assert extract(text).level is None


def test_the_national_picture_named_by_a_municipality_is_national() -> None:
    text = "Volgens de gemeente past het signaal 'binnen het landelijke dreigingsbeeld, dat al sinds 2013 substantieel is'."
    assert extract(text).level == 4


@pytest.mark.parametrize(
    "text",
    [
        "De terreurdreiging staat op 4 op een schaal van 5.",
        "Na die nieuwe dreiging blijft de terreurdreiging in Nederland intussen onaangepast op vier (op vijf), meldde de NCTV.",
        "The terror threat in the Netherlands remains at four on a scale of five.",
        "De dreiging blijft op 4 staan, aldus de NCTV.",
    ],
)
def test_the_threat_standing_at_a_number_is_the_level(text: str) -> None:
    got = extract(text)
    assert (got.level, got.change_to) == (4, None)


@pytest.mark.parametrize(
    "text",
    ["De dreiging is gericht op 3 doelwitten.", "The threat remains at one of its highest points in years.",
     "De terreurdreiging in België staat op 3."],
)
def test_a_number_after_the_threat_that_is_no_level_of_the_netherlands_gives_none(text: str) -> None:
    assert extract(text).level is None


def test_the_normal_level_beside_a_regional_raise_is_the_national_level() -> None:
    text = ("Terrorismedreiging Utrecht voor het eerst op niveau 5\n\nDe NCTV heeft besloten het dreigingsniveau in de "
            "provincie Utrecht tijdelijk te verhogen naar niveau 5. Het ‘normale’ dreigingsniveau is 4.")
    got = extract(text)
    assert (got.level, got.change_to) == (4, None)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Er zijn geen concrete aanwijzingen om het dreigingsniveau te verhogen van 4 naar 5.", 4),
        ("There is no reason to raise the threat level from 4 to 5, the NCTV said.", 4),
        # a change that was made, or is only imagined, keeps no level from before it
        ("Niet alleen Nederland heeft het dreigingsniveau verhoogd van 3 naar 4.", None),
        ("Het dreigingsniveau is nog niet eerder verhoogd van 4 naar 5.", None),
        ("Als het dreigingsniveau niet wordt verlaagd van 4 naar 3, blijven de maatregelen.", None),
    ],
)
def test_a_change_not_made_leaves_the_level_it_would_change_from(text: str, level: int | None) -> None:
    got = extract(text)
    assert (got.level, got.change_to) == (level, None)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # a count beside the anchor is no level; the level after it, up to "- that means", is
        ("There is no reason to increase the terrorism threat level in the Netherlands following two terrorist attacks "
         "in Spain.", None),
        ("The threat level in the Netherlands remains at four out of five - that means that there is a real chance of an "
         "attack.", 4),
        # a level put on a province in its own clause, and a threshold, are not the national level
        ("De NCTV heeft besloten het hoogste dreigingsniveau 5 af te kondigen, uitsluitend voor de provincie Utrecht.", None),
        ("Aan te raden voor elk evenement tijdens verhoogde terreurdreiging (i.e. vanaf dreigingsniveau 3).", None),
        ("Volgens de NCTV kan het dreigingsniveau 5 worden afgekondigd.", None),
        # "remained" in the report of an assessment still holds; over a span that ended, it does not
        ("There is no concrete evidence of a plan, the NCTV stated in its 54th threat assessment. "
         "The threat level remained at three out of five.", 3),
        ("The threat level remained at four throughout 2019.", None),
        # a sentence on the NCTV's assessment makes the next one's level the Dutch one, whatever the headline's country
        ("Over de hele wereld wordt geschokt gereageerd op de aanslag in het Duitse Maagdenburg. Ook in Nederland zijn er "
         "kerstevenementen.\n\nDat ook in Nederland alertheid geboden is, was de boodschap van het nieuwe dreigingsbeeld "
         "terrorisme van de NCTV. Het op een na hoogste dreigingsniveau (4 op een schaal van 5) blijft van kracht.", 4),
    ],
)
def test_counts_thresholds_regions_and_spans_are_told_apart_from_the_level(text: str, level: int | None) -> None:
    assert extract(text).level == level


@pytest.mark.parametrize(("published", "change"), [("2024-03", (None, None)), ("2023-12", (3, 4))])
def test_a_change_told_in_another_month_than_the_texts_own_is_history(published: str, change: tuple[int, int]) -> None:
    got = extract(f" date {published} De NCTV verhoogde halverwege december het dreigingsniveau van 3 naar 4. "
                  "Arnhem kampt met een lokale dreiging.")
    assert (got.change_from, got.change_to) == change


@pytest.mark.parametrize(
    ("text", "dtn"),
    [
        ("Dat zegt de NCTV in het vrijdag verschenen 45e rapport over het Dreigingsbeeld Terrorisme Nederland (DTN).", 45),
        ("Threat level\n\n2 Terrorist Threat Assessment for the Netherlands 53\n\nOn the basis of the Terrorist Threat "
         "Assessment for the Netherlands (DTN) 53, the threat level is currently set at 3.", 53),
    ],
)
def test_an_edition_named_as_a_report_or_as_the_basis_of_the_level_is_the_texts_edition(text: str, dtn: int) -> None:
    assert extract(text).dtn == dtn


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Antwoord Kamervragen\n> Retouradres Postbus 16950 2500 BZ Den Haag\nAan de Voorzitter van de Tweede Kamer\n"
         "Postbus 20018\n2500 EA DEN HAAG\nNationaal Coördinator\nTerrorismebestrijding en Veiligheid\nTurfmarkt 147\n"
         "Ons kenmerk\nDatum\n5 februari 2015\nOnderwerp Antwoord Kamervragen", "2015-02-05"),
        ("A BIG JOB AHEAD\n\nIdentifier: 04THEHAGUE1201\nCreated: 2004-05-14 16:51:00\nClassification: CONFIDENTIAL",
         "2004-05-14"),
        ("- The Washington Times - Wednesday, March 13, 2013\n\nThe Dutch government on Wednesday raised ...", "2013-03-13"),
    ],
)
def test_a_date_under_its_label_a_created_stamp_and_an_outlets_date_line_are_the_texts_date(text: str,
                                                                                             published: str) -> None:
    assert extract(text).published == published


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # another authority's scale named after the value; the country's level before a region's in one sentence
        ("The Netherlands has been raised to level “2” travel warning, joining popular destinations.", None),
        ("Het dreigingsniveau is in Nederland 4, in de provincie Utrecht is dat in elk geval tot 18.00 uur 5.", 4),
    ],
)
def test_a_travel_warning_and_a_region_after_the_country_do_not_take_the_level(text: str, level: int | None) -> None:
    assert extract(text).level == level


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("• Curaçao Chronicle\n\nDutch Government: No Immediate Threat\n\nLocal | By Correspondent December 5, 2025\n\n"
         "THE HAGUE – The Dutch government says ...", "2025-12-05"),
        ("Toch extra Toezicht\nBinnenland\n\nRedactie 13 juni 2014, 00:00\n\nEindelijk lijkt de overheid ...", "2014-06-13"),
    ],
)
def test_a_byline_with_its_date_is_the_texts_date(text: str, published: str) -> None:
    assert extract(text).published == published


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # a negation that is not the change's own leaves a made raise alone (it gives no old level)
        ("Het is geen verrassing dat het dreigingsniveau is verhoogd van 3 naar 4.", None),
        ("It is not the first time the threat level has been raised from 3 to 4.", None),
        ("Het dreigingsniveau is niet zomaar verhoogd van 3 naar 4, zegt de NCTV.", None),
        ("Het dreigingsniveau wordt niet verhoogd van 4 naar 5.", 4),
        # a dashed insertion is one clause with its definition
        ("Uitleg dreigingsniveaus\n\nNiveau 5 - dat betekent kritiek - wordt alleen afgekondigd als er concrete "
         "aanwijzingen zijn.", None),
        # a threat of something else, or against someone else, at a number is no level of the Netherlands
        ("De dreiging van onweer staat op 3, op een schaal van 5.", None),
        ("The threat from ransomware remains at 4 on a scale of 5, the NCSC said.", None),
        ("De terroristische dreiging tegen Joodse instellingen ligt op 4, zegt de burgemeester.", None),
        # the usual level in a foreign story is that country's; the NCTV watching a foreign story says nothing of ours
        ("Terreurdreiging Frankrijk\n\nIn Frankrijk is het dreigingsniveau verhoogd naar het hoogste niveau. "
         "Het normale dreigingsniveau is daar 2.", None),
        ("Groot-Brittannië verhoogt dreigingsniveau na aanslag\n\nHet Britse dreigingsniveau is verhoogd naar kritiek, "
         "meldt premier May.\n\nDe NCTV volgt de ontwikkelingen nauwlettend. Het dreigingsniveau blijft voorlopig op het "
         "hoogste niveau, zo verwacht de politie in Manchester.", None),
        # "remained" over a span that ended is history
        ("Het dreigingsniveau bleef op 4 totdat de NCTV het verlaagde. Nu is het 3.", 3),
        ("Het dreigingsniveau bleef jarenlang op 4. Sinds december 2019 is het 3.", 3),
    ],
)
def test_review_cases_give_no_wrong_level(text: str, level: int | None) -> None:
    assert extract(text).level == level


@pytest.mark.parametrize(
    ("text", "published", "change"),
    [
        # measures that can be taken are no possibility of the level: the raise is news
        ("De NCTV heeft het dreigingsniveau verhoogd naar 4 zodat sneller extra maatregelen kunnen worden ingesteld.",
         None, (None, 4)),
        # a "Datum" column lower down dates a table, not the text; the month before the text's own can be news
        ("Dreigingsniveau verhoogd naar 4\n14 december 2023\n\nDe NCTV verhoogde deze week, medio december, het "
         "dreigingsniveau van 3 naar 4, zo maakte de NCTV vandaag bekend.\n\nEerdere wijzigingen\nDatum\n19 maart 2013\n",
         "2023-12-14", (3, 4)),
        ("Nieuwsbericht | 02-01-2024\n\nDe NCTV verhoogde in december het dreigingsniveau van 3 naar 4, zo maakte de "
         "NCTV gisteren bekend.", "2024-01-02", (3, 4)),
    ],
)
def test_review_cases_keep_the_news(text: str, published: str | None, change: tuple[int | None, int]) -> None:
    got = extract(text)
    assert (got.published, (got.change_from, got.change_to)) == (published, change)


def test_an_ordinal_count_within_a_year_is_no_edition_number() -> None:
    from monitor.editions import edition_from_text

    assert edition_from_text("De 2e editie van het DTN van 2024") is None
    assert extract("In de 2e editie van het Dreigingsbeeld van dit jaar blijft het niveau 4.").dtn is None


@pytest.mark.parametrize(
    ("text", "level", "change_to"),
    [
        # (second review) "normaal" only before the statement's own anchor, and only for a level that holds
        ("Voor de provincie Utrecht geldt sinds maandagmiddag dreigingsniveau 5, één niveau hoger dan het normale "
         "dreigingsniveau.", None, None),
        ("Schietpartij in Utrecht\n\nHet dreigingsniveau voor de provincie Utrecht is verlaagd van 5 naar 4, het normale "
         "dreigingsniveau.", None, None),
        # a reason or indication that is not for the change gives no old level
        ("Er is geen reden tot paniek nu het dreigingsniveau is verhoogd van 3 naar 4, zegt burgemeester Halsema.", None,
         None),
        # (the lowering itself is still lost to the negation before it: a miss, never the old level 4)
        ("De NCTV heeft geen aanwijzingen voor een concrete dreiging en verlaagt het dreigingsniveau van 4 naar 3.", None,
         None),
        # a relative clause on the scale is no possibility of the level
        ("Het dreigingsniveau is vandaag verhoogd van 3 naar 4, het op een na hoogste niveau dat kan worden afgekondigd.",
         4, 4),
        # a level kept "for the third year in a row" still holds
        ("The terrorist threat level remained at \"substantial\" for the third year in a row.", 4, None),
    ],
)
def test_second_review_cases(text: str, level: int | None, change_to: int | None) -> None:
    got = extract(text)
    assert (got.level, got.change_to) == (level, change_to)


def test_a_small_ordinal_with_its_year_is_a_count_and_a_large_one_an_edition() -> None:
    from monitor.editions import edition_from_text

    assert edition_from_text("De 2e uitgave van het DTN van 2024") is None
    found = edition_from_text("Het 50e Dreigingsbeeld Terrorisme Nederland van 2019 is vandaag verschenen.")
    assert found is not None and found.number == 50
