"""Links inside an item with exact spans: inline, reference, autolinks and bare URLs; never in code.

What counts as a link (decided here, tested in tests/fixtures/ingest/):
- `[anchor](url "title")` with nested brackets in the anchor, `\\]` escapes, `<angle bracket>` URLs and one
  level of parentheses in the URL; `[anchor][label]`, `[label][]` and `[label]` when `[label]: url` is
  defined in the post. The span covers the whole link, the anchor span the raw text between the brackets.
- `<https://...>` autolinks (any scheme; not e-mail addresses), anchor = the URL.
- Bare `http(s)://` URLs not glued to a preceding ASCII letter or digit, ending at whitespace, markdown
  punctuation or the first non-ASCII character (so `见https://x.io，` gives `https://x.io`); trailing
  `.,:;!?*_~'"` and unbalanced `)` are not part of the URL. `www.` without a scheme is not a link.
- Images `![alt](src)` and links whose anchor is only an image (`[![alt](src)](url)`) are not news links and
  are skipped; a link whose anchor contains another link is not a link (CommonMark), the inner one is.
- Nothing inside code spans, code fences (passed in as excluded ranges), HTML comments or HTML tags
  (`<a href="...">` attributes are not scanned).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence

from kg.models import LinkRecord

_NEXT = re.compile(r"[\\`\[<!]|https?://", re.IGNORECASE)
_BRACKET_STOP = re.compile(r"[\\`\[\]\n]")
_TICKS = re.compile(r"`+")
_DEST = re.compile(
    r"\((?:[ \t]*\r?\n?[ \t]*)"
    r"(?:<(?P<angle>[^<>\n]*)>|(?P<plain>(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))"
    r"(?:[ \t]*\r?\n?[ \t]*(?<=\s)(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?"
    r"[ \t]*\r?\n?[ \t]*\)",
    re.DOTALL,
)
_REF_LABEL = re.compile(r"\[((?:[^\[\]\\\n]|\\.){0,999})\]")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]{0,2000})>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,40}(?:\s[^<>]{0,2000})?/?>")
# No IGNORECASE here: case folding would let the non-ASCII range exclude `i`, `k` and `s`.
_BARE = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[^\s<>\"`\[\]{}|\\^\u0080-\U0010ffff]+")
_TRAILING = ".,:;!?*_~'\""
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE_ONLY = re.compile(r"!\[[^\[\]]{0,2000}\]\([^()\n]{0,2000}\)|<img[^<>]{0,2000}>|\s+", re.IGNORECASE)
_MAX_ANCHOR = 2000


def normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def find_links(
    text: str,
    start: int,
    end: int,
    refs: Mapping[str, str] | None = None,
    excluded: Sequence[tuple[int, int]] = (),
    bare: bool = True,
) -> list[LinkRecord]:
    """Every link in `text[start:end]`, in order; offsets are into `text`.

    `bare=False` finds only bracketed links (what may not nest inside a link's anchor).
    """
    scan = _Scan(text, start, end, refs or {})
    skips = [span for span in excluded if span[1] > start and span[0] < end]
    links: list[LinkRecord] = []
    i = start
    while True:
        match = _NEXT.search(text, i, end)
        if match is None:
            return links
        p = match.start()
        inside = next((s_end for s_start, s_end in skips if s_start <= p < s_end), None)
        if inside is not None:
            i = inside
            continue
        ch = text[p]
        if ch == "\\":
            i = p + 2
        elif ch == "`":
            i = scan.code_end(p)
        elif ch == "!":
            image = scan.link_at(p + 1) if text.startswith("[", p + 1) else None
            i = image.end if image is not None else p + 1
        elif ch == "<":
            i = _angle(scan, p, links if bare else [])
        elif ch == "[":
            i = _bracket(scan, p, links)
        elif bare:
            i = _bare(text, p, start, end, links)
        else:
            i = p + 1


def link_at(text: str, p: int, end: int, refs: Mapping[str, str]) -> LinkRecord | None:
    """The inline or reference link whose `[` is at `p` and which ends by `end`, or None."""
    return _Scan(text, p, end, refs).link_at(p)


class _Scan:
    """One range of text, indexed once so that every lookup is cheap (linear time even on hostile input):
    where each `[` closes, where each code span ends, whether an HTML comment can still close."""

    def __init__(self, text: str, start: int, end: int, refs: Mapping[str, str]) -> None:
        self.text, self.start, self.end, self.refs = text, start, end, refs
        runs: dict[int, list[int]] = {}
        for run in _TICKS.finditer(text, start, end):
            runs.setdefault(len(run.group()), []).append(run.start())
        self.runs = runs
        self.last_comment_close = text.rfind("-->", start, end)
        self._gt = -1  # the last `>` found, so a run of unclosed `<` does not rescan the text
        self.closers = self._pair_brackets()

    def code_end(self, p: int) -> int:
        """Position after the code span opened at `p`, or after its backticks when it never closes."""
        ticks = 0
        while p + ticks < self.end and self.text[p + ticks] == "`":
            ticks += 1
        same = self.runs.get(ticks, [])
        at = bisect.bisect_right(same, p)
        return same[at] + ticks if at < len(same) else p + ticks

    def next_gt(self, p: int) -> int:
        """Position of the first `>` at or after `p`, or -1."""
        if self._gt < p:
            self._gt = self.text.find(">", p, self.end)
            if self._gt < 0:
                self._gt = self.end  # none left: remember that too
        return self._gt if self._gt < self.end else -1

    def _pair_brackets(self) -> dict[int, int]:
        text, closers, stack = self.text, {}, []
        k = self.start
        while True:
            stop = _BRACKET_STOP.search(text, k, self.end)
            if stop is None:
                return closers
            k = stop.start()
            ch = text[k]
            if ch == "\\":
                k += 2
            elif ch == "`":
                k = self.code_end(k)
            elif ch == "[":
                stack.append(k)
                k += 1
            elif ch == "]":
                if stack:
                    closers[stack.pop()] = k
                k += 1
            else:  # a newline: a link never spans a blank line
                nxt = text.find("\n", k + 1, self.end)
                if not text[k + 1 : nxt if nxt >= 0 else self.end].strip():
                    stack.clear()
                k += 1

    def link_at(self, p: int) -> LinkRecord | None:
        close = self.closers.get(p, -1)
        if close < 0 or close - p > _MAX_ANCHOR:
            return None
        text, end = self.text, self.end
        dest = _DEST.match(text, close + 1, end)
        if dest is not None:
            url = dest["angle"] if dest["angle"] is not None else dest["plain"]
            if not url:
                return None
            return LinkRecord(_ESCAPED.sub(r"\1", url), text[p + 1 : close], p, dest.end(), p + 1, close)
        if not self.refs:
            return None
        label = _REF_LABEL.match(text, close + 1, end)
        if label is not None:
            key = normalize_label(label.group(1) or text[p + 1 : close])
            link_end = label.end()
        else:
            key = normalize_label(text[p + 1 : close])
            link_end = close + 1
        url = self.refs.get(key)
        if url is None:
            return None
        return LinkRecord(url, text[p + 1 : close], p, link_end, p + 1, close)


def _bracket(scan: _Scan, p: int, links: list[LinkRecord]) -> int:
    link = scan.link_at(p)
    if link is None:
        return p + 1
    inner = find_links(scan.text, link.anchor_start, link.anchor_end, scan.refs, bare=False)
    if inner:  # CommonMark: links do not nest; the inner link wins and the outer brackets are text
        return p + 1
    if not _IMAGE_ONLY.sub("", link.anchor):
        return link.end  # an image wrapped in a link: a picture, not a news link
    links.append(link)
    return link.end


def _angle(scan: _Scan, p: int, links: list[LinkRecord]) -> int:
    text, end = scan.text, scan.end
    if text.startswith("<!--", p):
        if scan.last_comment_close < p + 4:
            return p + 1
        return text.find("-->", p + 4, end) + 3
    auto = _AUTOLINK.match(text, p, end)
    if auto is not None:
        url = auto.group(1)
        links.append(LinkRecord(url, url, p, auto.end(), p + 1, auto.end() - 1))
        return auto.end()
    close = scan.next_gt(p)
    if close < 0 or text.find("<", p + 1, close) >= 0:  # a tag ends at the first `>`, before any `<`
        return p + 1
    tag = _TAG.match(text, p, close + 1)
    return tag.end() if tag is not None else p + 1


def _bare(text: str, p: int, start: int, end: int, links: list[LinkRecord]) -> int:
    if p > start and text[p - 1].isascii() and text[p - 1].isalnum():
        return p + 1
    match = _BARE.match(text, p, end)
    if match is None:
        return p + 1
    url = match.group()
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    scheme_end = url.find("://") + 3
    if len(url) <= scheme_end:
        return p + 1
    links.append(LinkRecord(url, url, p, p + len(url), p, p + len(url)))
    return p + len(url)
