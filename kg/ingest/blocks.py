"""Markdown blocks with exact character spans: a small line scanner for the subset newsletters use.

The rules, in the order they are tried on a line that starts a block (a CommonMark-shaped subset):
fenced code (``` or ~~~, at any indentation, also inside list items), HTML comment lines, indented code
(4+ spaces outside a list), ATX heading, thematic break, link reference definition, list item, blockquote,
`<script>/<style>/<pre>` blocks, else a paragraph (which a setext underline turns into a heading).
A top-level list item spans its nested lists and indented continuation paragraphs. Author, editor and
recording-date lines (`本周作者：…`, `编辑：…`, `- Hosted by @jbeda`, `- Recording date: …`) become `meta`
blocks, never content. Code, comments and definitions are also returned as excluded ranges, so no link is
taken from them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kg.ingest.links import normalize_label

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$|^#+[ \t]*$")
_HR = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_MARKER = re.compile(r"[ \t]*(?:([-*+])|(\d{1,9})[.)])(?:[ \t]+|$)")
_QUOTE = re.compile(r" {0,3}>[ \t]?")
_REFDEF = re.compile(
    r"[ \t]*(?:>[ \t]*)?\[((?:[^\[\]\\\n]|\\.){1,999})\]:[ \t]*(?:<([^<>\n]*)>|(\S+))"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$"
)
_RAW_HTML = re.compile(r" {0,3}<(script|style|pre|textarea)\b", re.IGNORECASE)
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)")
_LINK_TEXT = re.compile(r"!?\[([^\[\]\n]{0,2000})\]\([^()\n]{0,2000}\)")  # bounded: linear on `[[[[`

# Metadata lines (matched on the line without list marker, quote marker and emphasis).
_ARTICLE_AUTHOR = re.compile(r"本文作者[ \t]*[:：][ \t]*([^，,。]+)")  # "name, a long bio": the name only
_AUTHORS = re.compile(r"(?:本周作者|本期作者|作者|撰稿|Authors?|Written by)[ \t]*[:：][ \t]*(.+)", re.I)
_EDITORS = re.compile(r"(?:责任编辑|本期编辑|编辑|责编|校对|Editors?|Edited by)[ \t]*[:：][ \t]*(.+)", re.I)
_HOSTS = re.compile(r"Hosted by[ \t]*[:：]?[ \t]+(.+)", re.I)
_RECORDED = re.compile(r"Recording date\b[ \t]*[:：]?[ \t]*(.*)", re.I)
_VIDEO = re.compile(r"Video[ \t]*[:：][ \t]*(.+)", re.I)
_META_HINT = re.compile(r"作者|编辑|责编|校对|撰稿|Author|Editor|Edited|Written|Hosted|Recording|Video", re.I)
_META_LINES = (
    ("authors", _ARTICLE_AUTHOR),
    ("authors", _AUTHORS),
    ("editors", _EDITORS),
    ("authors", _HOSTS),
    ("recorded", _RECORDED),
    ("video", _VIDEO),
)


@dataclass(frozen=True, slots=True)
class Block:
    """One block: `start:end` is its content span in the source (markers before `start` excluded)."""

    kind: str  # heading | bullet | numbered | paragraph | quote | meta | rule
    start: int
    end: int
    level: int = 0  # heading level
    first_line: int = 0  # 0-based line index of the block's first line (in the body)
    lines: tuple[tuple[int, int], ...] = ()  # content spans of a paragraph's lines
    meta: tuple[str, str] | None = None  # (authors|editors|recorded|video, value) for meta blocks


@dataclass
class Scan:
    blocks: list[Block] = field(default_factory=list)
    excluded: list[tuple[int, int]] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)


class _Lines:
    """Line spans of the body with indentation, computed once."""

    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        pos = offset
        length = len(text)
        while pos < length:
            nl = text.find("\n", pos)
            stop = length if nl < 0 else nl
            self.starts.append(pos)
            self.ends.append(stop - 1 if stop > pos and text[stop - 1] == "\r" else stop)
            pos = stop + 1
        self.n = len(self.starts)

    def line(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]

    def blank(self, i: int) -> bool:
        return self.text[self.starts[i] : self.ends[i]].strip() == ""

    def indent(self, i: int) -> int:
        cols = 0
        for ch in self.line(i):
            if ch == " ":
                cols += 1
            elif ch == "\t":
                cols += 4 - cols % 4
            else:
                break
        return cols

    def content_start(self, i: int) -> int:
        line = self.line(i)
        return self.starts[i] + len(line) - len(line.lstrip())

    def content_end(self, i: int) -> int:
        return self.starts[i] + len(self.line(i).rstrip())


def scan_blocks(text: str, body_start: int) -> Scan:
    """Blocks of the body that starts at `body_start`, with excluded ranges and link definitions."""
    lines = _Lines(text, body_start)
    scan = Scan()
    special = _special_lines(lines, scan)
    i = 0
    while i < lines.n:
        if i in special:
            i = special[i] + 1
            continue
        if lines.blank(i):
            i += 1
            continue
        i = _block(lines, i, special, scan)
    return scan


def _special_lines(lines: _Lines, scan: Scan) -> dict[int, int]:
    """Fenced code and HTML comment regions: first line -> last line (also recorded as excluded)."""
    regions: dict[int, int] = {}
    text = lines.text
    i = 0
    while i < lines.n:
        line = lines.line(i)
        fence = _FENCE.match(line)
        if fence is not None and not (fence.group(1)[0] == "`" and "`" in line[fence.end() :]):
            mark = fence.group(1)
            close = re.compile(rf"[ \t]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
            j = next((k for k in range(i + 1, lines.n) if close.match(lines.line(k))), lines.n - 1)
        elif line.lstrip().startswith("<!--"):
            close_at = text.find("-->", lines.starts[i] + line.index("<!--") + 4)
            j = lines.n - 1 if close_at < 0 else bisect.bisect_right(lines.starts, close_at) - 1
        elif _RAW_HTML.match(line):
            tag = _RAW_HTML.match(line).group(1).lower()  # type: ignore[union-attr]
            j = next((k for k in range(i, lines.n) if f"</{tag}" in lines.line(k).lower()), lines.n - 1)
        else:
            i += 1
            continue
        regions[i] = j
        scan.excluded.append((lines.starts[i], lines.ends[j]))
        i = j + 1
    return regions


def _block(lines: _Lines, i: int, special: dict[int, int], scan: Scan) -> int:
    """Read the block starting on line `i`; return the index of the line after it."""
    line = lines.line(i)
    if lines.indent(i) >= 4:
        return _indented_code(lines, i, special, scan)
    atx = _ATX.match(line)
    if atx is not None:
        start = lines.starts[i] + atx.end()
        content = _ATX_CLOSE.sub("", line[atx.end() :]).rstrip()
        scan.blocks.append(Block("heading", start, start + len(content), len(atx.group(1)), i))
        return i + 1
    if _HR.match(line):
        start = lines.content_start(i)
        scan.blocks.append(Block("rule", start, lines.content_end(i), first_line=i))
        return i + 1
    refdef = _REFDEF.match(line)
    if refdef is not None:
        scan.refs.setdefault(normalize_label(refdef.group(1)), refdef.group(2) or refdef.group(3))
        scan.excluded.append((lines.starts[i], lines.ends[i]))
        return i + 1
    marker = _MARKER.match(line)
    if marker is not None:
        return _list_item(lines, i, marker, special, scan)
    if _QUOTE.match(line):
        return _quote(lines, i, special, scan)
    return _paragraph(lines, i, special, scan)


def _indented_code(lines: _Lines, i: int, special: dict[int, int], scan: Scan) -> int:
    j = i
    last = i
    while j < lines.n and j not in special and (lines.blank(j) or lines.indent(j) >= 4):
        if not lines.blank(j):
            last = j
        j += 1
    scan.excluded.append((lines.starts[i], lines.ends[last]))
    return last + 1


def _list_item(lines: _Lines, i: int, marker: re.Match[str], special: dict[int, int], scan: Scan) -> int:
    base = lines.indent(i)
    content_indent = min(len(marker.group(0).expandtabs(4)), base + 2)
    kind = "bullet" if marker.group(1) else "numbered"
    last = i
    j = i + 1
    blank_seen = False
    while j < lines.n:
        if j in special:
            if lines.indent(j) < content_indent:
                break
            last = j = special[j]
            blank_seen = False
            j += 1
            continue
        if lines.blank(j):
            blank_seen = True
            j += 1
            continue
        indent = lines.indent(j)
        if indent >= content_indent or (indent >= base + 2 and not blank_seen):
            last = j
        elif blank_seen or _MARKER.match(lines.line(j)) or _interrupts(lines.line(j)):
            break
        else:  # a lazy continuation line of the item's paragraph
            last = j
        blank_seen = False
        j += 1
    start = lines.starts[i] + marker.end()
    end = lines.content_end(last)
    if start >= end:
        return last + 1
    meta = _meta(lines.text[start : lines.ends[i]])
    if meta is not None:
        scan.blocks.append(Block("meta", start, end, first_line=i, meta=meta))
        return last + 1
    scan.blocks.append(Block(kind, start, end, first_line=i))
    return last + 1


def _quote(lines: _Lines, i: int, special: dict[int, int], scan: Scan) -> int:
    j = i
    spans: list[tuple[int, int]] = []
    while j < lines.n and j not in special and _QUOTE.match(lines.line(j)):
        marker = _QUOTE.match(lines.line(j))
        start = lines.starts[j] + marker.end()  # type: ignore[union-attr]
        inner = lines.text[start : lines.ends[j]]
        meta = _meta(inner)
        if meta is not None:
            scan.blocks.append(Block("meta", start, start + len(inner.rstrip()), first_line=j, meta=meta))
        elif inner.strip():
            spans.append((start + len(inner) - len(inner.lstrip()), start + len(inner.rstrip())))
        j += 1
    if spans:
        scan.blocks.append(Block("quote", spans[0][0], spans[-1][1], first_line=i, lines=tuple(spans)))
    return j


def _paragraph(lines: _Lines, i: int, special: dict[int, int], scan: Scan) -> int:
    spans: list[tuple[int, int]] = []
    first = i
    j = i
    while j < lines.n and j not in special and not lines.blank(j):
        line = lines.line(j)
        if spans:
            setext = _SETEXT.match(line)
            if setext is not None:
                level = 1 if setext.group(1)[0] == "=" else 2
                scan.blocks.append(Block("heading", spans[0][0], spans[-1][1], level, first))
                return j + 1
            if _interrupts(line) or _starts_list(line):
                break
        elif j > i and (_REFDEF.match(line) or _MARKER.match(line) or _interrupts(line)):
            break  # after a metadata line, let the next line start its own block
        meta = _meta(line.strip())
        if meta is not None:
            _flush_paragraph(scan, spans, first)
            spans = []
            scan.blocks.append(
                Block("meta", lines.content_start(j), lines.content_end(j), first_line=j, meta=meta)
            )
            first = j + 1
        else:
            spans.append((lines.content_start(j), lines.content_end(j)))
        j += 1
    _flush_paragraph(scan, spans, first)
    return j


def _flush_paragraph(scan: Scan, spans: list[tuple[int, int]], first_line: int) -> None:
    if spans:
        scan.blocks.append(
            Block("paragraph", spans[0][0], spans[-1][1], first_line=first_line, lines=tuple(spans))
        )


def _interrupts(line: str) -> bool:
    """Does this line end a paragraph (heading, fence, break, quote, comment) instead of continuing it?"""
    return bool(
        _ATX.match(line)
        or (_FENCE.match(line) and len(line) - len(line.lstrip()) < 4)
        or _HR.match(line)
        or _QUOTE.match(line)
        or line.lstrip().startswith("<!--")
    )


def _starts_list(line: str) -> bool:
    marker = _MARKER.match(line)
    if marker is None or len(line) - len(line.lstrip()) >= 4 or not line[marker.end() :].strip():
        return False
    return marker.group(1) is not None or marker.group(2) == "1"


def _meta(content: str) -> tuple[str, str] | None:
    """Author, editor, host, recording-date and video lines: (what, value) or None."""
    if _META_HINT.search(content, 0, 40) is None:
        return None
    plain = _EMPHASIS.sub("", content).strip()
    if not plain or len(plain) > 300:
        return None
    for name, pattern in _META_LINES:
        match = pattern.match(plain)
        if match is not None:
            return name, match.group(1).strip()
    return None


def plain_text(markdown: str) -> str:
    """Heading and metadata text without link syntax and emphasis markers."""
    return _EMPHASIS.sub("", _LINK_TEXT.sub(r"\1", markdown)).strip()
