"""Writers for the statement blocks of `kg.rdf.emit`: N-Quads, N-Triples, Turtle and TriG as plain text.

Text is produced directly (no triple objects), which keeps a million-triple export at a few seconds.
Turtle and N-Triples hold the union of all graphs; TriG and N-Quads keep one named graph per issue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TextIO

from kg.rdf import terms as t
from kg.rdf.issue import Block

_INTEGER_SUFFIX = f'"^^<{t.XSD}integer>'
_XSD_DATATYPE = f'"^^<{t.XSD}'
_COMPACT = t.PREFIXED  # N-Triples form of a vocabulary term -> its prefixed name
_CHUNK = 20_000  # statements buffered between writes


def nquads_lines(blocks: Iterable[Block]) -> Iterator[str]:
    for graph, subject, pairs in blocks:
        tail = f" {graph} .\n" if graph else " .\n"
        for predicate, obj in pairs:
            yield f"{subject} {predicate} {obj}{tail}"


def ntriples_lines(blocks: Iterable[Block]) -> Iterator[str]:
    """The union graph, each triple once (a relation stated in two issues is one triple here)."""
    seen: set[str] = set()
    for _graph, subject, pairs in blocks:
        for predicate, obj in pairs:
            line = f"{subject} {predicate} {obj} .\n"
            if line not in seen:
                seen.add(line)
                yield line


def _prefix_lines(style: str) -> list[str]:
    if style == "sparql":
        return [f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(t.PREFIXES.items())] + ["\n"]
    return [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(t.PREFIXES.items())] + ["\n"]


def _object(term: str) -> str:
    if term[0] == '"':
        if term.endswith(_INTEGER_SUFFIX):
            return term[1 : -len(_INTEGER_SUFFIX)]
        if _XSD_DATATYPE in term:
            head, _, datatype = term.rpartition(_XSD_DATATYPE)
            return f'{head}"^^xsd:{datatype[:-1]}'
        return term
    return _COMPACT.get(term, term)


def _turtle_block(subject: str, pairs: list[tuple[str, str]], indent: str) -> str:
    """One subject; `pairs` come with equal predicates adjacent (see kg.rdf.issue), so `,` joins them."""
    parts = []
    previous = None
    compact = _COMPACT.get
    for predicate, obj in pairs:
        if predicate == previous:
            parts.append(f" ,\n{indent}        {_object(obj)}")
        else:
            separator = "" if previous is None else " ;"
            parts.append(f"{separator}\n{indent}    {compact(predicate, predicate)} {_object(obj)}")
            previous = predicate
    return f"{indent}{subject}{''.join(parts)} .\n\n"


def write_turtle(blocks: Iterable[Block], out: TextIO) -> int:
    """Turtle of the union graph; a subject repeated (an entity in several issues) keeps separate blocks."""
    out.writelines(_prefix_lines("turtle"))
    count = 0
    buffer: list[str] = []
    for _graph, subject, pairs in blocks:
        buffer.append(_turtle_block(subject, pairs, ""))
        count += len(pairs)
        if len(buffer) >= _CHUNK:
            out.writelines(buffer)
            buffer.clear()
    out.writelines(buffer)
    return count


def write_trig(blocks: Iterable[Block], out: TextIO) -> int:
    out.writelines(_prefix_lines("turtle"))
    count = 0
    current: str | None = None
    opened = False
    buffer: list[str] = []
    for graph, subject, pairs in blocks:
        if not opened or graph != current:
            if opened:
                buffer.append("}\n\n")
            buffer.append(f"{graph} {{\n" if graph else "{\n")
            current, opened = graph, True
        buffer.append(_turtle_block(subject, pairs, "    "))
        count += len(pairs)
        if len(buffer) >= _CHUNK:
            out.writelines(buffer)
            buffer.clear()
    if opened:
        buffer.append("}\n")
    out.writelines(buffer)
    return count


def write_lines(lines: Iterable[str], out: TextIO) -> int:
    count = 0
    buffer: list[str] = []
    for line in lines:
        buffer.append(line)
        if len(buffer) >= _CHUNK:
            out.writelines(buffer)
            count += len(buffer)
            buffer.clear()
    out.writelines(buffer)
    return count + len(buffer)
