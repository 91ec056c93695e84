"""What every source adapter shares: options, the fetch context, and turning text into facts."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from monitor.config import MonitorSettings, SourceConfig
from monitor.editions import Edition
from monitor.extract import HIGH, extract
from monitor.extract.helper import Reader
from monitor.facts import LevelReading, Publication, SourceResult
from monitor.fetch import Fetcher
from monitor.lazy_re import lazy
from monitor.response import Response

if TYPE_CHECKING:
    from lxml import etree


class ParseError(Exception):
    """The response arrived but is not what this adapter reads (invalid JSON/XML, an error page)."""


def web_link(url: str | None) -> str | None:
    """Only http(s) links are facts: a `javascript:` or `data:` href from any source is dropped."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@dataclass
class SourceContext:
    """What an adapter may use during one check: the fetcher, this source's validators, known documents."""

    fetcher: Fetcher
    validators_of: Callable[[str], tuple[str | None, str | None]]
    is_known: Callable[[str], bool]
    first_check: bool
    reader: Reader = field(default_factory=Reader)  # the cycle's (a helper process may read for it)
    new_validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0
    bytes: int = 0

    async def get(
        self, url: str, *, timeout: float, conditional: bool = True, accept: str | None = None
    ) -> Response:
        validators = self.validators_of(url) if conditional else (None, None)
        self.requests += 1  # counted before the answer: a failed connect is a request too
        resp = await self.fetcher.get(url, timeout=timeout, validators=validators, accept=accept)
        self.bytes += len(resp.content)
        self.not_modified += int(resp.not_modified)
        if conditional and not resp.not_modified:
            self.new_validators[url] = (resp.etag, resp.last_modified)
        return resp


class Source:
    """One kind of source. Subclasses set `kind`, `options` and implement `check`."""

    kind: ClassVar[str] = ""
    description: ClassVar[str] = ""
    authoritative_default: ClassVar[bool] = False
    # option name -> (type or types, default)
    options: ClassVar[dict[str, tuple[type | tuple[type, ...], Any]]] = {}
    # what it can report: "level" (threat-level readings) and/or "edition" (DTN publications)
    reports: ClassVar[frozenset[str]] = frozenset({"edition"})

    def __init__(self, config: SourceConfig, settings: MonitorSettings):
        self.config = config
        self.settings = settings
        self.opts = {name: config.options.get(name, default) for name, (_t, default) in self.options.items()}

    @classmethod
    def fact_kinds(cls, options: dict[str, Any]) -> frozenset[str]:
        """What a source of this kind with these options reports (switching `read_level` off drops "level")."""
        kinds = set(cls.reports)
        if options.get("read_level") is False:
            kinds.discard("level")
        if options.get("find_publications") is False:
            kinds.discard("edition")
        return frozenset(kinds)

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> list[str]:
        problems = []
        for key, value in options.items():
            if key not in cls.options:
                allowed = ", ".join(sorted(cls.options)) or "none"
                problems.append(f"options.{key}: unknown option for kind {cls.kind!r}; allowed: {allowed}")
                continue
            expected = cls.options[key][0]
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                problems.append(f"options.{key}: expected {_tname(expected)}, got {value!r}")
                continue
            if key.endswith(("pattern", "match", "label")) and isinstance(value, str):
                try:
                    re.compile(value)
                except re.error as exc:
                    problems.append(f"options.{key}: invalid regular expression: {exc}")
        return problems

    async def check(self, ctx: SourceContext) -> SourceResult:
        raise NotImplementedError

    # -- helpers shared by adapters -------------------------------------------------------

    def result(self) -> SourceResult:
        return SourceResult(source_id=self.config.id)

    def publication(
        self, edition: Edition, title: str, url: str, doc_id: str, published: str | None, text: str | None = None,
        role: str | None = None,
    ) -> Publication | None:
        """A publication, with level facts read from its text when we have it; None for a non-web link."""
        link = web_link(url)
        if link is None:
            return None
        level = change_from = change_to = None
        confidence = evidence = None
        if text:
            found = extract(text, edition=False)
            if found.level is not None:
                level, change_from, change_to = found.level, found.change_from, found.change_to
                confidence = found.confidence
                evidence = found.evidence.get("change") or found.evidence.get("level")
            if found.published and not published:
                published = found.published
        return Publication(
            edition=edition, title=" ".join(title.split())[:300], url=link, source_id=self.config.id, doc_id=doc_id,
            published=published, level=level, change_from=change_from, change_to=change_to,
            level_confidence=confidence, evidence=evidence, role=role,
        )

    async def reading_from_text(self, ctx: SourceContext, result: SourceResult, text: str, url: str, *,
                                quiet: bool = False) -> bool:
        """Run the extractor on a current-level statement and file a reading; True when one was filed.

        An ambiguous statement is filed as 'unclear' (unless `quiet`: the caller will try more text)."""
        found = await ctx.reader.extract(text, edition=False)
        if found.level is not None and found.confidence == HIGH:
            result.levels.append(
                LevelReading(
                    level=found.level, confidence=found.confidence, source_id=self.config.id, url=url,
                    evidence=(found.evidence.get("change") or found.evidence.get("level") or "")[:500],
                    change_from=found.change_from, change_to=found.change_to,
                )
            )
            return True
        if not quiet and (found.level is not None or found.evidence.get("level")):
            result.unclear.append((found.evidence.get("level") or text[:300])[:500])
        return False


_ERROR_PAGE = lazy(
    r"\b(?:404|500|502|503|niet gevonden|pagina bestaat niet|er is een fout|fout opgetreden|storing|onderhoud|"
    r"not found|internal server error|service unavailable|an error occurred|bad gateway|maintenance|access denied)\b",
    re.I,
)


@functools.cache
def _xml_parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


def xml_root(content: bytes, what: str) -> etree._Element:
    """The root of an XML answer (no network, no entity expansion); ParseError naming `what` if it is not XML."""
    from lxml import etree

    try:
        return etree.fromstring(content, parser=_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{what} is not valid XML: {exc}") from None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def html_text(resp: Response, url: str) -> str:
    """The body of an HTML response, or ParseError when it is empty, binary or of another type."""
    ctype = resp.content_type
    if ctype and not any(t in ctype for t in ("html", "xml", "text")):
        raise ParseError(f"{url}: expected an HTML page, got {ctype}")
    text = resp.text
    if not text.strip():
        raise ParseError(f"{url}: empty or unparseable HTML (empty body)")
    sample = text[:4096]
    if len(_CONTROL.findall(sample)) > len(sample) // 20:
        raise ParseError(f"{url}: empty or unparseable HTML (binary content)")
    return text


def looks_like_error_page(title: str, text: str) -> str | None:
    """The page's title when an HTTP 200 page is really an error page ('Pagina niet gevonden')."""
    head = f"{title} {text[:300]}"
    m = _ERROR_PAGE.search(head)
    return (title or text[:80]).strip()[:120] if m else None


def _tname(t: type | tuple[type, ...]) -> str:
    if isinstance(t, tuple):
        return " or ".join(x.__name__ for x in t)
    return t.__name__


def compile_option(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)
