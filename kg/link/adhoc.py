"""Link a snippet of text without the ingest parser: for notebooks, the spaCy component and fixture tests.

Each non-blank line is one item (a paragraph), and inline markdown links `[anchor](url)` become LinkRecords,
so URL evidence works as it does for parsed posts.
"""

from __future__ import annotations

import re

from kg.models import DocumentRecord, ItemRecord, LinkRecord

_INLINE_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(([^)\s]+)(?:\s+\"[^\"\n]*\")?\)")


def document_from_text(text: str, path: str = "<text>") -> DocumentRecord:
    items = []
    for number, match in enumerate(re.finditer(r"[^\n]+", text)):
        if not match.group().strip():
            continue
        links = tuple(
            LinkRecord(
                url=link.group(2),
                anchor=link.group(1),
                start=match.start() + link.start(),
                end=match.start() + link.end(),
                anchor_start=match.start() + link.start(1),
                anchor_end=match.start() + link.end(1),
            )
            for link in _INLINE_LINK.finditer(match.group())
        )
        items.append(ItemRecord(number, (), "paragraph", match.start(), match.end(), match.group(), links))
    return DocumentRecord(
        path=path, slug="text", series="", title=None, issue_number=None, published_at=None,
        published_date=None, utc_offset_minutes=None, authors=(), editors=(), tags=(), content_hash="",
        encoding="utf-8", source=text, items=tuple(items),
    )
