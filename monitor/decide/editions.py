"""New DTN editions: one edition is one event, whatever the number of sources that report it.

- A source's first check is its baseline: what it shows then is recorded, not alerted — except
  a *recent* edition (dated within `BASELINE_RECENT_DAYS`) that no other source and no built-in
  history knows: a source added on a publication day must not swallow the news.
- An edition published more than `OLD_EDITION_DAYS` ago, or a document this source has seen
  before (a bulk re-publication), never alerts.
- Later sources add their links to the edition's event; the letter titles it, the report and
  other documents are links.
- A new edition's own page may state the level: that is a level reading of the source that
  found it, taken only from the newest edition (an old DTN's "van 4 naar 3" is history).
"""

from __future__ import annotations

from datetime import date

from monitor.clock import local_date
from monitor.decide.context import EDITION, LEVEL, Context, Decisions
from monitor.extract import HIGH
from monitor.facts import LevelReading, Publication

OLD_EDITION_DAYS = 120
BASELINE_RECENT_DAYS = 14
ROLE_ORDER = {"letter": 0, "page": 1, None: 2, "summary": 3, "report": 4, "attachment": 5}


def _age_days(ctx: Context, pub: Publication) -> int | None:
    when = pub.published or (f"{pub.edition.year_month}-01" if pub.edition.year_month else None)
    if not when:
        return None
    try:
        day = date.fromisoformat(when if len(when) == 10 else f"{when[:7]}-01")
    except ValueError:
        return None
    return (local_date(ctx.now()) - day).days


def _is_old(ctx: Context, pub: Publication) -> bool:
    age = _age_days(ctx, pub)
    if age is not None:
        return age > OLD_EDITION_DAYS
    newest = ctx.store.max_edition_number()
    return pub.edition.number is not None and newest is not None and pub.edition.number < newest


def _is_newest(ctx: Context, key: str) -> bool:
    newest = ctx.store.newest_edition()
    return newest is not None and newest["key"] == key


def publications(ctx: Context, source_id: str, pubs: list[Publication], first: bool, decisions: Decisions) -> list[LevelReading]:
    """Record what the source reports; alert new editions; return level readings from new editions' pages."""
    readings: list[LevelReading] = []
    groups: dict[str, list[Publication]] = {}
    for pub in pubs:
        groups.setdefault(pub.edition.key, []).append(pub)
    for group in groups.values():
        # the letter first, whatever the order of the rows; the document id breaks ties
        group.sort(key=lambda p: (ROLE_ORDER.get(p.role, 2), p.doc_id))
        for i, pub in enumerate(group):
            reading = _publication(ctx, source_id, pub, first, decisions, primary=i == 0)
            if reading is not None:
                readings.append(reading)
    return readings


def _link(pub: Publication) -> dict[str, str]:
    return {"source": pub.source_id, "url": pub.url, "title": pub.title}


def _reading(pub: Publication) -> LevelReading | None:
    if pub.level is None or pub.level_confidence != HIGH:
        return None
    return LevelReading(level=pub.level, confidence=HIGH, source_id=pub.source_id, url=pub.url,
                        evidence=pub.evidence or "", change_from=pub.change_from, change_to=pub.change_to)


def _publication(
    ctx: Context, source_id: str, pub: Publication, first: bool, decisions: Decisions, *, primary: bool
) -> LevelReading | None:
    store = ctx.store
    known_doc = store.document_seen(source_id, pub.doc_id)
    store.mark_document(source_id, pub.doc_id)
    key = store.find_edition_key(pub.edition, pub.published)
    if key is not None:
        _attach(ctx, key, pub)
        fresh = not known_doc and not first and not _is_old(ctx, pub) and _is_newest(ctx, key)
        return _reading(pub) if fresh and not ctx.force_baseline else None
    age = _age_days(ctx, pub)
    recent_news = age is not None and age <= BASELINE_RECENT_DAYS
    baseline = ctx.force_baseline or known_doc or _is_old(ctx, pub) or (first and not recent_news)
    level = pub.level if pub.level_confidence == HIGH else None
    store.insert_edition(pub.edition, title=pub.title, published=pub.published, baseline=1 if baseline else 0,
                         level=level)
    key = pub.edition.key
    store.add_edition_link(key, source_id=source_id, url=pub.url, title=pub.title, doc_id=pub.doc_id, role=pub.role)
    if baseline and not (ctx.settings.alert_on_baseline and not ctx.force_baseline):
        return None
    payload: dict[str, object] = {
        "edition_key": key, "edition": pub.edition.label, "number": pub.edition.number,
        "year_month": pub.edition.year_month, "title": pub.title, "title_role": pub.role, "published": pub.published,
        "links": [_link(pub)], "level": level,
        "change_from": pub.change_from if level else None, "change_to": pub.change_to if level else None,
        "evidence": pub.evidence if level else None,
    }
    event = ctx.emit(f"edition:{key}", "new_edition", payload)
    if event is not None:
        store.set_edition_event(key, event.id)
        decisions.add(event)
        ctx.confirm_soon(decisions, source_id, EDITION, f"new edition {pub.edition.label}", recheck=False)
        ctx.confirm_soon(decisions, source_id, LEVEL, f"new edition {pub.edition.label}", recheck=False)
    return _reading(pub) if not baseline else None


def _attach(ctx: Context, key: str, pub: Publication) -> None:
    """A further source (or document) for a known edition: its link joins the edition and its event."""
    store = ctx.store
    added = store.add_edition_link(key, source_id=pub.source_id, url=pub.url, title=pub.title, doc_id=pub.doc_id,
                                   role=pub.role)
    row = store.edition(key)
    if row is None:
        return
    if pub.published and not row["published"]:
        store.set_edition_published(key, pub.published)
    if not added or not row["event_id"]:
        return
    event = store.event(int(row["event_id"]))
    if event is None:
        return
    link = _link(pub)
    links = list(event.payload.get("links", []))
    if link not in links:
        payload = dict(event.payload)
        payload["links"] = [*links, link]
        if pub.role == "letter" and payload.get("title_role") != "letter":
            payload["title"], payload["title_role"] = pub.title, "letter"  # the letter titles it (until it is sent)
        store.update_event_payload(event.id, payload)
