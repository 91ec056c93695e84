"""sources.toml validation: every mistake named by file, line and key; the shipped file is valid."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from monitor.config import ConfigError, load_config, parse_duration

ROOT = Path(__file__).resolve().parents[1]


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_config(path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        load(tmp_path, text)
    return exc.value.problems


def test_shipped_sources_toml_is_valid_and_watches_the_real_sources() -> None:
    config = load_config(ROOT / "sources.toml")
    urls = {s.url for s in config.enabled_sources}
    assert "https://www.nctv.nl/onderwerpen/d/dtn" in urls
    assert "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Document" in urls
    assert "https://repository.overheid.nl/sru" in urls
    assert {s.kind for s in config.enabled_sources} >= {"nctv", "tk-odata", "ob-sru"}
    assert config.source("nctv-dtn").authoritative


def test_durations() -> None:
    assert parse_duration("15m") == 900
    assert parse_duration("1h") == 3600
    assert parse_duration("30s") == 30
    assert parse_duration(45) == 45
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    found = problems(tmp_path, """
        [[source]]
        id = "a"
        kind = "nctv"
        url = "https://www.nctv.nl/onderwerpen/dtn"
        intervall = "15m"
        """)
    assert len(found) == 1
    assert "sources.toml:6" in found[0]
    assert "'intervall'" in found[0] and "did you mean 'interval'" in found[0]


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(tmp_path, """
        [monitor]
        failure_threshold = "three"
        colour = "blue"
        host_concurrency = 0

        [[source]]
        id = "a"
        kind = "nosuchkind"
        url = "ftp://example.org/x"
        interval = "often"

        [[source]]
        id = "a"
        kind = "feed"
        url = "https://example.org/rss"
        enabled = "yes"
        [source.options]
        match = "("
        colour = 1
        """)
    text = "\n".join(found)
    assert "failure_threshold must be a whole number" in text
    assert "unknown key 'colour'" in text
    assert ":5: [monitor] host_concurrency must be at least 1" in text
    assert "unknown kind 'nosuchkind'" in text and "available: feed, nctv" in text
    assert "url must be an absolute http(s) URL" in text
    assert "interval" in text and "not a duration" in text
    assert "duplicate id 'a'" in text
    assert "enabled must be true or false" in text
    assert "invalid regular expression" in text
    assert "options.colour: unknown option" in text
    assert all(p.startswith(str(tmp_path / "sources.toml")) for p in found)
    assert any(":3:" in p for p in found) and any(":9:" in p for p in found)


def test_missing_required_keys(tmp_path: Path) -> None:
    found = problems(tmp_path, """
        [[source]]
        kind = "nctv"
        """)
    assert any("missing required key 'id'" in p for p in found)
    assert any("missing required key 'url'" in p for p in found)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    found = problems(tmp_path, """
        [[source]]
        id = "a
        """)
    assert "TOML syntax error" in found[0] and "line 3" in found[0]


def test_toml_1_1_inline_tables_may_span_lines(tmp_path: Path) -> None:
    """sources.toml is read as TOML 1.1 (tomli): a long options table may be written over several lines."""
    config = load(tmp_path, """
        [[source]]
        id = "p"
        kind = "page"
        url = "https://example.org/p"
        options = {
            selector = "main",
        }
        """)
    (p,) = config.sources  # type: ignore[attr-defined]
    assert p.options == {"selector": "main"}


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_defaults_and_authoritative_default(tmp_path: Path) -> None:
    config = load(tmp_path, """
        [[source]]
        id = "n"
        kind = "nctv"
        url = "https://www.nctv.nl/onderwerpen/dtn"

        [[source]]
        id = "f"
        kind = "feed"
        url = "https://example.org/rss"
        interval = "1h"
        jitter = "0s"
        enabled = false
        """)
    n, f = config.sources  # type: ignore[attr-defined]
    assert n.interval == 900 and n.authoritative
    assert f.interval == 3600 and f.jitter == 0 and not f.authoritative and not f.enabled
    assert [s.id for s in config.enabled_sources] == ["n"]  # type: ignore[attr-defined]


def test_page_selectors_are_checked_with_the_configuration(tmp_path: Path) -> None:
    page = '[[source]]\nid = "{id}"\nkind = "page"\nurl = "https://example.org/{id}"\n[source.options]\nselector = {css!r}\n'
    ok = "".join(page.format(id=f"s{i}", css=css) for i, css in enumerate(
        ["main, article", "div.story > p", 'p:contains("dreigingsniveau")']))
    assert len(load(tmp_path, ok).sources) == 3  # type: ignore[attr-defined]
    found = problems(tmp_path, page.format(id="bad", css="main >> ["))
    assert len(found) == 1 and "options.selector: not a CSS selector this tool can use" in found[0]
