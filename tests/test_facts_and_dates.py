"""Edition identity, dates and channel URL masking: the small pieces every alert depends on."""

from __future__ import annotations

import pytest

from monitor import dates
from monitor.facts import Edition, edition_from_text
from monitor.notify.channels import mask_url


@pytest.mark.parametrize(("text", "key"), [
    ("Dreigingsbeeld Terrorisme Nederland 51", "dtn-51"),
    ("Aanbieding Dreigingsbeeld Terrorisme Nederland (DTN) 48", "dtn-48"),
    ("Samenvatting DTN 32", "dtn-32"),
    ("samenvatting-dtn-47", "dtn-47"),
    ("/documenten/publicaties/2019/12/09/dreigingsbeeld-terrorisme-nederland-51", "dtn-51"),
    ("Dreigingsbeeld Terrorisme Nederland december 2023", "dtn-2023-12"),
    ("dreigingsbeeld-terrorisme-nederland-juni-2024", "dtn-2024-06"),
    ("Terrorist Threat Assessment for the Netherlands 54", "dtn-54"),
    ("Terrorismebestrijding; Brief regering; Dreigingsbeeld Terrorisme Nederland 56", "dtn-56"),
    # forms in capitals, glued, ordinal, English abbreviation, and beyond ASCII (the quick pre-test must let them by)
    ("TERRORIST THREAT ASSESSMENT NETHERLANDS 42", "dtn-42"),
    ("dtn8", "dtn-8"),
    ("het 38e Dreigingsbeeld", "dtn-38"),
    ("TTAN 40", "dtn-40"),
    ("DTN – november 2026", "dtn-2026-11"),
    ("Dreigingsbeeld Terrorisme Nederland (DTN) – 12 juni 2025 ", "dtn-2025-06"),
])
def test_edition_identity(text: str, key: str) -> None:
    edition = edition_from_text(text)
    assert edition is not None and edition.key == key


@pytest.mark.parametrize("text", ["Kamerstuk 29754 nr. 436", "Dreigingsniveau", "Cybersecuritybeeld Nederland 2025"])
def test_not_an_edition(text: str) -> None:
    assert edition_from_text(text) is None


def test_edition_labels() -> None:
    assert Edition(number=51).label == "DTN 51"
    assert Edition(year_month="2023-12").label == "DTN december 2023"


@pytest.mark.parametrize(("value", "iso"), [
    ("9 december 2019", "2019-12-09"),
    ("09-12-2019", "2019-12-09"),
    ("Mon, 25 Apr 2022 00:00:00 +0200", "2022-04-25"),
    ("2026-05-12T00:00:00+02:00", "2026-05-12"),
    ("maart 2013", "2013-03"),
    ("December 17, 2024", "2024-12-17"),
])
def test_dates(value: str, iso: str) -> None:
    assert dates.parse_any(value) == iso


def test_url_path_dates_with_and_without_padding() -> None:
    assert dates.date_from_url("https://www.nctv.nl/documenten/publicaties/2019/6/24/x") == "2019-06-24"
    assert dates.date_from_url("https://www.nctv.nl/x/2005/12/5/y") == "2005-12-05"
    assert dates.date_from_url("https://www.nctv.nl/onderwerpen/dtn") is None


@pytest.mark.parametrize(("url", "secret"), [
    ("mailtos://alerts:hunter2pass@smtp.example.org:587?to=a@example.org", "hunter2pass"),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#alerts", "TIiajkdnlazkcOXrIdevi7FQ"),
    ("tgram://123456789:AAHsecretBotToken/987654321", "AAHsecretBotToken"),
    ("json://hooks.example.org/endpoint?token=abcdef123456", "abcdef123456"),
    ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "JHMHI8qBe7bk2ZwO5U711o3dV_js"),
])
def test_masked_urls_hide_secrets(url: str, secret: str) -> None:
    masked = mask_url(url)
    assert secret not in masked
    assert masked.split("://")[0] == url.split("://")[0]
