"""News items from blocks: which blocks are items, which group together, and the section each sits under.

Rules (tested with the fixtures in tests/fixtures/ingest/):
- a top-level bullet or numbered entry is one item (`bullet` / `numbered`), spanning its nested entries;
- a heading that opens with a link (lwkd `### [#86408: ...](...)`) is one `heading` item spanning the
  heading and everything up to the next heading;
- a paragraph with text is one `paragraph` item (DevOps'ish `[Title](url)  \\nComment` is one paragraph);
  a paragraph made only of bare link lines (notes.md) gives one item per line;
- a blockquote with text is a `paragraph` item, except in a Q&A: a question opener (`**1、@name** 提问：`)
  starts one `paragraph` item that takes in the quoted question, the `A：` answers and whatever follows up to
  the next opener, heading or thematic break (sofa-weekly's 每周读者问答);
- headings alone, images-only paragraphs, metadata lines, code, comments and rules are not items; a
  thematic break (like a heading) ends an open Q&A or link-heading block.
Section paths are the plain texts of the headings above, outermost first; a leading H1 that is the post's
title is not a section. The title itself (that H1, or the front matter's one-line `title`) is a `title` item,
the first of the post, so that names in it link like any other; co-mention counts leave it out, since a
title lists the topics of a whole issue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kg.ingest.blocks import Block, plain_text
from kg.ingest.links import find_links, link_at
from kg.models import ItemRecord

# Invisible in a rendered post: images and tags first, then what they leave behind (`[](url)`, markup).
# Bounded classes that stop at the next opener keep these linear on hostile text (`![![![...`).
_PICTURES = re.compile(r"!\[[^\[\]]{0,2000}\]\([^()\n]{0,2000}\)|<[^<>]{0,2000}>|&nbsp;", re.IGNORECASE)
_MARKUP = re.compile(r"\[\s*\]\([^()\n]{0,2000}\)|[\s*_~#>|`\\\-=:：]+")
_VISIBLE = re.compile(r"[^\s*_~#>|`\\\-=:：]")
_LINK_LINE = re.compile(
    r"[*_]*(?:\[[^\]\n]+\]\([^)\s]+(?:\s+\"[^\"\n]*\")?\)|<https?://[^>\s]+>|https?://\S+)[*_]*[ \t]*"
)
_QA_OPENER = re.compile(r"(?:\d+\s*[、.．]\s*)?@\S.{0,50}|.{1,60}提问\s*[:：]?")
_QA_TAIL = re.compile(r"提问\s*[:：]?$")


@dataclass(slots=True)
class _Span:
    section: tuple[str, ...]
    kind: str
    start: int
    end: int
    until_heading: bool = False  # a link heading's block; else a Q&A


def build_items(
    text: str,
    blocks: Sequence[Block],
    refs: Mapping[str, str],
    excluded: Sequence[tuple[int, int]],
    title_block: Block | None,
    title_span: tuple[int, int] | None = None,
) -> tuple[ItemRecord, ...]:
    """Items in document order with their section paths and links; the post's title, where it is written
    (front matter or a leading H1), is the first item (`title`)."""
    spans: list[_Span] = []
    if title_span is not None and _has_text(text[title_span[0] : title_span[1]]):
        spans.append(_Span((), "title", *title_span))
    sections: list[tuple[int, str]] = []
    group: _Span | None = None  # an open link-heading block or Q&A

    for block in blocks:
        if block is title_block or block.kind == "meta":
            continue
        section = tuple(title for _, title in sections)
        if block.kind in ("heading", "rule"):
            if group is not None:
                spans.append(group)
                group = None
            if block.kind == "rule":
                continue
            while sections and sections[-1][0] >= block.level:
                sections.pop()
            if _opens_with_link(text, block, refs):
                section = tuple(title for _, title in sections)
                group = _Span(section, "heading", block.start, block.end, until_heading=True)
            sections.append((block.level, plain_text(text[block.start : block.end])))
            continue
        if group is not None and group.until_heading:
            group.end = block.end
            continue
        if not _has_text(text[block.start : block.end]):
            continue
        if block.kind in ("paragraph", "quote") and _is_qa_opener(text[block.start : block.end]):
            if group is not None:
                spans.append(group)
            group = _Span(section, "paragraph", block.start, block.end)
        elif group is not None:  # inside a Q&A: answers, quotes, lists and link lines belong to the question
            group.end = block.end
        elif (
            block.kind == "paragraph"
            and len(block.lines) > 1
            and all(_LINK_LINE.fullmatch(text[s:e]) for s, e in block.lines)
        ):
            spans.extend(_Span(section, "paragraph", s, e) for s, e in block.lines)
        else:
            spans.append(
                _Span(section, "paragraph" if block.kind == "quote" else block.kind, block.start, block.end)
            )
    if group is not None:
        spans.append(group)
    for span in spans:  # a marker alone on its line, or a block ending in an open fence, leaves blanks
        while span.start < span.end and text[span.start].isspace():
            span.start += 1
        while span.end > span.start and text[span.end - 1].isspace():
            span.end -= 1
    return tuple(
        ItemRecord(
            position,
            span.section,
            span.kind,
            span.start,
            span.end,
            text[span.start : span.end],
            tuple(find_links(text, span.start, span.end, refs, excluded)),
        )
        for position, span in enumerate(spans)
    )


def _opens_with_link(text: str, block: Block, refs: Mapping[str, str]) -> bool:
    if not text.startswith("[", block.start):
        return False
    link = link_at(text, block.start, block.end, refs)
    return link is not None and _has_text(link.anchor)


def _has_text(markdown: str) -> bool:
    if "![" in markdown or "<" in markdown or "&nbsp;" in markdown or "[]" in markdown:
        return bool(_MARKUP.sub("", _PICTURES.sub("", markdown)))
    return _VISIBLE.search(markdown) is not None  # the same answer, without rewriting the text


def _is_qa_opener(markdown: str) -> bool:
    if len(markdown) > 200 or "\n" in markdown.strip():
        return False
    plain = plain_text(markdown)
    return bool(_QA_OPENER.fullmatch(plain)) and (
        plain.lstrip("0123456789、.． ").startswith("@") or bool(_QA_TAIL.search(plain))
    )
