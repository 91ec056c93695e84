"""A fetched response, and how its bytes become text (the one decoder every adapter reads through)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    headers: dict[str, str]
    not_modified: bool = False
    elapsed: float = 0.0

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return decode_body(self.content, self.headers.get("content-type", ""))


# WHATWG Encoding: these labels all mean windows-1252 in a browser (so “curly quotes” survive)
_WINDOWS_1252_LABELS = {
    "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
    "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "latin-1", "us-ascii",
    "windows-1252", "x-cp1252",
}


def decode_body(content: bytes, content_type: str = "") -> str:
    """Text as a browser reads it: BOM, then the declared charset (Latin-1 labels as windows-1252);
    valid UTF-8 is trusted over a Latin-1 label (a common server misconfiguration)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", "replace")
    declared = None
    m = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
    if m:
        declared = m.group(1).lower()
    else:
        m2 = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", content[:4096], re.I)
        if m2:
            declared = m2.group(1).decode("ascii", "ignore").lower()
        elif content[:200].lstrip().startswith(b"<?xml"):
            m3 = re.search(rb"encoding=[\"']([\w.:-]+)", content[:200])
            declared = m3.group(1).decode("ascii", "ignore").lower() if m3 else "utf-8"
    if declared in _WINDOWS_1252_LABELS:
        declared = "cp1252"
    try:
        utf8 = content.decode("utf-8")
        is_utf8 = True
    except UnicodeDecodeError:
        utf8, is_utf8 = "", False
    if declared in (None, "utf-8", "utf8", "cp1252"):
        return utf8 if is_utf8 else content.decode("cp1252", "replace")
    try:
        return content.decode(declared, "replace")
    except LookupError:
        return utf8 if is_utf8 else content.decode("cp1252", "replace")
