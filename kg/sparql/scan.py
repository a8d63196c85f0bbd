"""Look at a SPARQL request before any engine sees it: its form, and whether it must be refused.

pyoxigraph executes `SERVICE` by opening HTTP connections from the server (measured), and offers no hook
to stop it, so federated queries are refused here, before execution, by a lexical scan that knows where
strings, IRIs, comments and prefixed names end: a word is a keyword only outside all of those. The scan
errs towards refusing: text that does not lex (an unterminated string) is read on as bare words, and the
text is scanned a second time with `\\uXXXX` escapes decoded, as the SPARQL 1.1 grammar allows parsers to
do before lexing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
PROLOGUE_WORDS = frozenset({"BASE", "PREFIX", "VERSION"})

# The SPARQL 1.1 terminals that can hide a word (strings, IRIs, comments, names), lexed as the grammar
# defines them so that a token ends exactly where oxigraph's parser ends it. Order matters: a token starts
# where the previous one ended, and the first alternative that matches wins.
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<long1>'''(?:(?:'|'')?(?:[^'\\]|\\.))*''')
    | (?P<long2>\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\")
    | (?P<short1>'(?:[^'\\\r\n]|\\.)*')
    | (?P<short2>"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)
    | (?P<bnode>_:\w(?:[\w\-\u00b7.]*[\w\-\u00b7])?)
    | (?P<pname>(?P<prefix>[^\W\d_](?:[\w\-\u00b7.]*[\w\-\u00b7])?)?:
                (?:(?:[\w:]|{_PLX})(?:(?:[\w\-\u00b7.:]|{_PLX})*(?:[\w\-\u00b7:]|{_PLX}))?)?)
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d][\w\-\u00b7]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class QueryShape:
    """What the scan learnt: the query form (None when it cannot tell) and a refusal reason, if any."""

    form: str | None
    refusal: str | None = None

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer with triples; SELECT and ASK with solutions."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _scan(text: str) -> tuple[list[str], bool]:
    """The bare words of a query, upper-cased, and whether `SERVICE` can be read as a keyword anywhere.

    oxigraph's parser matches a keyword as a bare prefix (`SERVICESILENT<…>` and `SERVICE:x` both call
    out, measured), so `SERVICE` anywhere in a bare word, or in the prefix of a prefixed name, counts.
    Local names (`ent:service-mesh`) cannot hide it: the grammar reads them to their end.
    """
    found: list[str] = []
    service = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            word = match.group().upper()
            found.append(word)
            service = service or "SERVICE" in word
        elif kind == "pname":
            service = service or "SERVICE" in (match.group("prefix") or "").upper()
    return found, service


def _decode_codepoints(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT.sub(one, text)


def inspect(query: str) -> QueryShape:
    """Tell the form of a query and refuse updates and `SERVICE` (federation), anywhere in the text."""
    found, service = _scan(query)
    decoded = _decode_codepoints(query)
    if not service and decoded != query:
        service = _scan(decoded)[1]
    if service:
        return QueryShape(
            None, "SERVICE (federated query) is refused: this endpoint never calls other servers"
        )
    first = next((word for word in found if word not in PROLOGUE_WORDS), None)
    if first is not None:
        first = next((form for form in (*QUERY_FORMS, *UPDATE_WORDS) if first.startswith(form)), first)
    if first in UPDATE_WORDS:
        return QueryShape(None, f"SPARQL Update ({first}) is refused: this endpoint is read-only")
    return QueryShape(first if first in QUERY_FORMS else None)


def prologue_prefixes(query: str) -> dict[str, str]:
    """The absolute `PREFIX p: <iri>` declarations of a query's prologue."""
    tokens = [
        (m.lastgroup, m.group()) for m in _TOKEN.finditer(query) if m.lastgroup not in ("ws", "comment")
    ]
    found: dict[str, str] = {}
    for i, (kind, text) in enumerate(tokens[:-2]):
        if kind == "word" and text.upper() == "PREFIX" and tokens[i + 1][0] == "pname":
            name, (iri_kind, iri) = tokens[i + 1][1], tokens[i + 2]
            if name.endswith(":") and iri_kind == "iri" and "://" in iri:
                found[name[:-1]] = iri[1:-1]
        elif kind == "word" and text.upper() in QUERY_FORMS:
            break
    return found
