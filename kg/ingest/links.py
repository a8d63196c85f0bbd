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

import re
from collections.abc import Mapping, Sequence

from kg.models import LinkRecord

_NEXT = re.compile(r"[\\`\[<!]|https?://", re.IGNORECASE)
_BRACKET_STOP = re.compile(r"[\\`\[\]\n]")
_DEST = re.compile(
    r"\((?:[ \t]*\r?\n?[ \t]*)"
    r"(?:<(?P<angle>[^<>\n]*)>|(?P<plain>(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))"
    r"(?:[ \t]*\r?\n?[ \t]*(?<=\s)(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?"
    r"[ \t]*\r?\n?[ \t]*\)",
    re.DOTALL,
)
_REF_LABEL = re.compile(r"\[((?:[^\[\]\\\n]|\\.){0,999})\]")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# No IGNORECASE here: case folding would let the non-ASCII range exclude `i`, `k` and `s`.
_BARE = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[^\s<>\"`\[\]{}|\\^\u0080-\U0010ffff]+")
_TRAILING = ".,:;!?*_~'\""
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE_ONLY = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img[^>]*>|\s+", re.IGNORECASE)
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
    refs = refs or {}
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
            i = skip_code_span(text, p, end)
        elif ch == "!":
            image = link_at(text, p + 1, end, refs) if text.startswith("[", p + 1) else None
            i = image.end if image is not None else p + 1
        elif ch == "<":
            i = _angle(text, p, end, links if bare else [])
        elif ch == "[":
            i = _bracket(text, p, end, refs, links)
        elif bare:
            i = _bare(text, p, start, end, links)
        else:
            i = p + 1


def link_at(text: str, p: int, end: int, refs: Mapping[str, str]) -> LinkRecord | None:
    """The inline or reference link whose `[` is at `p`, or None (images are parsed from their `[`)."""
    close = _close_bracket(text, p, end)
    if close < 0:
        return None
    dest = _DEST.match(text, close + 1, end)
    if dest is not None:
        url = dest["angle"] if dest["angle"] is not None else dest["plain"]
        if not url:
            return None
        return LinkRecord(_ESCAPED.sub(r"\1", url), text[p + 1 : close], p, dest.end(), p + 1, close)
    if not refs:
        return None
    label = _REF_LABEL.match(text, close + 1, end)
    if label is not None:
        key = normalize_label(label.group(1) or text[p + 1 : close])
        link_end = label.end()
    else:
        key = normalize_label(text[p + 1 : close])
        link_end = close + 1
    url = refs.get(key)
    if url is None:
        return None
    return LinkRecord(url, text[p + 1 : close], p, link_end, p + 1, close)


def skip_code_span(text: str, p: int, end: int) -> int:
    """Position after the code span opening at `p`, or after the backticks when it never closes."""
    run = p
    while run < end and text[run] == "`":
        run += 1
    ticks = run - p
    closing = re.compile(rf"(?<!`)`{{{ticks}}}(?!`)").search(text, run, end)
    return closing.end() if closing is not None else run


def _close_bracket(text: str, p: int, end: int) -> int:
    depth = 0
    k = p
    limit = min(end, p + _MAX_ANCHOR)
    while True:
        stop = _BRACKET_STOP.search(text, k, limit)
        if stop is None:
            return -1
        k = stop.start()
        ch = text[k]
        if ch == "\\":
            k += 2
        elif ch == "`":
            k = skip_code_span(text, k, limit)
        elif ch == "[":
            depth += 1
            k += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return k
            k += 1
        else:  # a newline: a link never spans a blank line
            nxt = text.find("\n", k + 1, limit)
            if text[k + 1 : nxt if nxt >= 0 else limit].strip() == "":
                return -1
            k += 1


def _bracket(text: str, p: int, end: int, refs: Mapping[str, str], links: list[LinkRecord]) -> int:
    link = link_at(text, p, end, refs)
    if link is None:
        return p + 1
    inner = find_links(text, link.anchor_start, link.anchor_end, refs, bare=False)
    if inner:  # CommonMark: links do not nest; the inner link wins and the outer brackets are text
        return p + 1
    if not _IMAGE_ONLY.sub("", link.anchor):
        return link.end  # an image wrapped in a link: a picture, not a news link
    links.append(link)
    return link.end


def _angle(text: str, p: int, end: int, links: list[LinkRecord]) -> int:
    if text.startswith("<!--", p):
        close = text.find("-->", p + 4, end)
        return close + 3 if close >= 0 else p + 1
    auto = _AUTOLINK.match(text, p, end)
    if auto is not None:
        url = auto.group(1)
        links.append(LinkRecord(url, url, p, auto.end(), p + 1, auto.end() - 1))
        return auto.end()
    tag = _TAG.match(text, p, end)
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
