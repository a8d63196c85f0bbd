"""Small text utilities shared by linking and relation finding: sentences with exact offsets."""

from __future__ import annotations

import re

# A sentence ends at Chinese or Latin end punctuation (Latin only before a space), or at a line break.
_SENTENCE_END = re.compile(r"[。！？；]+|[.!?;]+(?=\s)|\n+")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of the sentences in `text`, shifted by `offset`, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _append(spans, text, start, match.end(), offset)
        start = match.end()
    _append(spans, text, start, len(text), offset)
    return spans


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start + offset, end + offset))


def sentence_of(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The sentence span containing `start:end` (a span crossing sentences gets the first one widened)."""
    for s_start, s_end in spans:
        if s_start <= start < s_end or (start == s_start):
            return s_start, max(s_end, end)
    return start, end
