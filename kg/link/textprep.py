"""Text as the matcher sees it: masked, normalised and lower-cased, with a way back to exact source offsets.

Matching runs over a *normalised view* of the document source: regions that must not be linked (URLs of
markdown links, bare URLs, code spans, fenced code, HTML tags, images, text outside items) are blanked with
NUL, full-width ASCII and odd spaces are folded to ASCII, and zero-width characters are dropped. Dropping
characters shifts offsets, so a view keeps an index back into the source; every span the matcher reports is
mapped back, which is why `source[start:end] == surface` holds however the text was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MASK = "\x00"

# Zero-width and invisible format characters that writers (and CMS editors) leave inside names.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")

# Full-width ASCII (U+FF01..U+FF5E) -> ASCII, plus spaces that are not U+0020.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x202F: 0x20})
# Typographic apostrophes: "Let’s Encrypt", "Lowe’s" are written with U+2019 as often as with '.
_FOLD.update({0x2019: 0x27, 0x2018: 0x27, 0x02BC: 0x27})

# Regions never linked by alias. Order does not matter: the union is masked.
_MASK_PATTERNS = (
    # Fenced code, as kg.ingest.blocks reads it (CommonMark): at any indentation (list items indent theirs),
    # no backtick in a backtick fence's info string (```$ git clone ...``` is inline code), and a closing
    # fence of at least as many marks with nothing after them.
    re.compile(r"^[ \t]*(`{3,})[^`\n]*\n.*?(?:^[ \t]*\1`*[ \t]*$|\Z)", re.S | re.M),
    re.compile(r"^[ \t]*(~{3,})[^\n]*\n.*?(?:^[ \t]*\1~*[ \t]*$|\Z)", re.S | re.M),
    re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"),  # images, alt text included (it is usually a file name)
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"\n]*\")?\)"),  # the URL part of an inline link
    re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+.*$", re.M),  # reference link definitions
    re.compile(r"<(?:https?://|mailto:)[^>\s]*>"),  # autolinks
    re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'`，。、）（]+", re.I),  # bare URLs
    re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),  # HTML tags (their text content stays)
    re.compile(r"<!--.*?-->", re.S),  # HTML comments
    re.compile(r"\{\{[<%].*?[%>]\}\}", re.S),  # Hugo shortcodes
)


# Inline code is masked except a leading lower-case command given arguments (`kubectl logs -f` names
# kubectl) and code holding one name only (`distroless`, `OpenTelemetry Collector`), which the linker
# accepts only as a whole unambiguous alias that is no English word: a lone `kind` or `spec` is a field
# name, not a tool.
# Inline code stays inside its block (CommonMark): a stray backtick pairs with one in the same paragraph or
# list item at most, never with code further on (which would hide every name in between).
_IN_BLOCK = r"(?:[^\n]|\n(?![ \t]*(?:\n|[-*+][ \t]|\d+[.)][ \t]|#{1,6}[ \t]|>)))"
_INLINE_CODE = re.compile(
    r"(`+)(?!`)(?:([a-z][a-z0-9-]*[a-z0-9])(?= [^`]))?" + _IN_BLOCK + r"*?(?<!`)\1(?!`)")
# Inline code holding one name only: a lower-case token (`distroless`, `kube-proxy`, a Slack channel named
# for a group, `#sig-testing`, a host name, `registry.k8s.io`), a CamelCase name or an acronym
# (`PodSecurityPolicy`, `CUDA`), a lower-led mixed-case name (`gVisor`), or a capitalised name of two or three
# words (`OpenTelemetry Collector`); a plain capitalised word (`Kubelet`) is a type in code more often than a
# name.
_LONE_TOKEN = re.compile(
    r"`#?([a-z][a-z0-9]*(?:-[a-z0-9]+)+|[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}|[a-z][a-z0-9]{3,}"
    r"|[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*|[a-z]{1,2}[A-Z][A-Za-z0-9]+"
    r"|[A-Z][A-Za-z0-9]+(?: [A-Z][A-Za-z0-9]+){1,2})`")


# A lower-case word the text calls a program: "the `helm` command", "the `git` command", "the kind CLI".
_PROGRAM_NOUN = re.compile(r" (?:command|CLI)(?![\w-])")
_PROGRAM_BEFORE = re.compile(r"(?<![\w`./-])`?([a-z][a-z0-9-]*[a-z0-9])`?\Z")
_ONE_WORD_CODE = re.compile(r"`[a-z][a-z0-9-]*[a-z0-9]`")


def _called_program_code(text: str, code: re.Match[str]) -> bool:
    """Inline code of one word that the text then calls a program ("the `git` command")."""
    return (_ONE_WORD_CODE.fullmatch(code.group()) is not None
            and _PROGRAM_NOUN.match(text, code.end()) is not None)


def command_words(text: str) -> set[int]:
    """Source starts of the program word of inline code that is a command line (`docker ps`, `kind create
    cluster`), the first word followed by arguments, and of a word the text calls a command or CLI."""
    starts = set()
    for noun in _PROGRAM_NOUN.finditer(text):  # the rare noun first: a scan for every word is slow
        called = _PROGRAM_BEFORE.search(text, max(0, noun.start() - 60), noun.start())
        if called is not None:
            starts.add(called.start(1))
    if "`" in text:
        starts.update(code.start(2) for code in _INLINE_CODE.finditer(text) if code.group(2) is not None)
    return starts


def lone_code_tokens(text: str) -> list[tuple[int, int]]:
    """Source spans of the tokens of lone-token inline code (`distroless`), backticks excluded."""
    return [m.span(1) for m in _LONE_TOKEN.finditer(text)]


# The domain of an e-mail address; its local part is found walking back from the `@` (a pattern that starts
# with the local part would try every word of the text).
_EMAIL_DOMAIN = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_LOCAL_PART = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")


def _email_spans(text: str) -> list[tuple[int, int]]:
    """E-mail addresses (`security@kubernetes.io`): a name inside one is no mention."""
    spans = []
    for match in _EMAIL_DOMAIN.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _LOCAL_PART:
            start -= 1
        if start < match.start():
            spans.append((start, match.end()))
    return spans


def mask_spans(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that alias matching must skip (unsorted, may overlap)."""
    spans: list[tuple[int, int]] = []
    for pattern in _MASK_PATTERNS:
        spans.extend(m.span() for m in pattern.finditer(text))
    if "@" in text:
        spans.extend(_email_spans(text))
    for code in _INLINE_CODE.finditer(text):
        if _LONE_TOKEN.fullmatch(code.group()) is not None or _called_program_code(text, code):
            spans.append((code.start(), code.start() + 1))
            spans.append((code.end() - 1, code.end()))
        elif code.group(2) is None:
            spans.append(code.span())
        else:
            spans.append((code.start(), code.start(2)))
            spans.append((code.end(2), code.end()))
    return spans


def apply_mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with `spans` blanked by MASK (same length)."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        start = max(start, pos)
        out.append(text[pos:start])
        out.append(MASK * (end - start))
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


_FOLDABLE = re.compile("[" + "".join(chr(c) for c in _FOLD) + "]")


def fold(text: str) -> str:
    """Full-width ASCII, odd spaces and typographic apostrophes folded to ASCII; same length as `text`."""
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


def lower_same_length(text: str) -> str:
    """Lower-case without changing the length (a few characters, such as U+0130, lower to two)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@dataclass(frozen=True, slots=True)
class View:
    """A normalised view of a source text: `folded` keeps case, `lowered` is what the automaton scans.

    `index[i]` is the source offset of view character i (None when the view is the source, char for char).
    """

    folded: str
    lowered: str
    index: tuple[int, ...] | None
    size: int  # length of the source

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of view span `start:end` (zero-width characters inside it included)."""
        if self.index is None:
            return start, end
        return self.index[start], self.index[end - 1] + 1


def make_view(masked_source: str) -> View:
    folded = fold(masked_source)
    index: tuple[int, ...] | None = None
    if _ZERO_WIDTH_RE.search(folded):
        kept = [i for i, c in enumerate(folded) if c not in ZERO_WIDTH]
        folded = "".join(folded[i] for i in kept)
        index = tuple(kept)
    return View(folded, lower_same_length(folded), index, len(masked_source))


def strip_invisible(text: str) -> str:
    """Alias text as matched: folded and without zero-width characters (case kept)."""
    return _ZERO_WIDTH_RE.sub("", fold(text))
