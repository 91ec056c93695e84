"""NCTV pages as real as can be: the recorded Rijksoverheid-platform HTML with NCTV's own texts in it.

No recorded nctv.nl HTML exists in public repositories; nctv.nl runs on the same platform as
rijksoverheid.nl (same front end, body id="government", `div.brick` lists with `span.publDate`).
The page frame (head, header, navBar, footer, the brick markup) is the recorded rijksoverheid.nl
homepage (tests/sources/recorded/PROVENANCE.md); only the text inside `#content` and the items of
the news list are NCTV's, taken from stored NCTV pages.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

RECORDED = Path(__file__).resolve().parents[1] / "sources" / "recorded"
_FRAME = RECORDED / "rijksoverheid-html" / "rijksoverheid-nl-homepage-2018-03-17-nieuws.html"
_CONTENT = re.compile(r'(<div id="content" class="article">)(.*?)(</div>)', re.S)
_BRICKS = re.compile(r'(<section class="brickRow nieuws">\s*<h2>\s*)(Nieuws)(</h2>)(.*?)(</section>)', re.S)


def brick(href: str, title: str, when: str, teaser: str) -> str:
    """One list item in the platform's recorded markup (`when`: "DD-MM-YYYY | HH:MM")."""
    return (f'<div class="brick">\n  <a href="{html.escape(href)}"> \n    <h3>\n      \n      {html.escape(title)}</h3>\n'
            f'    <p>\n      <span class="publDate">{html.escape(when)}</span>\n    </p> \n'
            f"    <p>{html.escape(teaser)}</p>\n    </a>\n\n</div>\n\n")


def platform_page(content: str, bricks: list[str], list_title: str = "Documenten") -> str:
    """The recorded page frame with `content` (HTML) in #content and `bricks` as its list."""
    frame = _FRAME.read_text(encoding="utf-8")
    frame, n = _CONTENT.subn(lambda m: m.group(1) + content + m.group(3), frame, count=1)
    assert n == 1, "the recorded frame lost its #content block"
    frame, n = _BRICKS.subn(lambda m: m.group(1) + list_title + m.group(3) + "\n" + "".join(bricks) + m.group(5),
                            frame, count=1)
    assert n == 1, "the recorded frame lost its news list"
    return frame


def paragraphs(text: str) -> str:
    """A stored page's text as the platform writes it: first line the h1, the rest paragraphs."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return f"<h1>{html.escape(lines[0])}</h1>\n" + "".join(f"<p>{html.escape(ln)}</p>\n" for ln in lines[1:])
