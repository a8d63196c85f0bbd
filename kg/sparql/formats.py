"""Media types, content negotiation and SPARQL results writers (JSON, XML, CSV, TSV) with a row cap.

The writers are ours rather than pyoxigraph's so that a capped answer can say it was cut: JSON gets a
top-level `"truncated": true`, XML a `<link href="urn:cnkg:truncated"/>`, every format the response header
`X-cnkg-Truncated: true`. Graph answers (CONSTRUCT, DESCRIBE) are written by pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
TRUNCATED_LINK = "urn:cnkg:truncated"


@dataclass(frozen=True, slots=True)
class Format:
    """One answer format: its name (`?format=` / `--format`), media type and the types it answers to."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    charset: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


# The first of each list is the default for `Accept: */*` or no Accept header.
RESULT_FORMATS = (
    Format(
        "json",
        "application/sparql-results+json",
        ("application/json", "text/javascript", "application/javascript"),
    ),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ("application/turtle", "application/x-turtle")),
    Format("ntriples", "application/n-triples", ("text/plain",)),
    Format("jsonld", "application/ld+json", ("application/x-json+ld", "application/json")),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml")),
)


def by_name(name: str) -> Format | None:
    return next((f for f in (*RESULT_FORMATS, *GRAPH_FORMATS) if f.name == name), None)


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q, best first (order kept among equals)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return sorted(ranges, key=lambda r: -r[1])


def negotiate(header: str | None, offered: Sequence[Format]) -> Format | None:
    """The offered format the client prefers, or None when it accepts none of them (406)."""
    best: tuple[float, int, Format] | None = None
    for media, q in parse_accept(header):
        if q <= 0:
            continue
        for rank, fmt in enumerate(offered):
            names = (fmt.media_type, *fmt.aliases)
            # A wildcard (`text/*`) reaches a format's own media type, not its aliases (text/javascript).
            if (
                media == "*/*"
                or media in names
                or (media.endswith("/*") and fmt.media_type.startswith(media[:-1]))
            ):
                # An exact type beats a wildcard of equal q; among exact ones, the offer order breaks ties.
                key = (q + (0.001 if media != "*/*" and not media.endswith("/*") else 0.0), -rank, fmt)
                if best is None or key[:2] > best[:2]:
                    best = key
    return best[2] if best else None


# --------------------------------------------------------------------------- SPARQL results writers


def _json_term(term: Any) -> dict[str, Any]:
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def write_json(variables: Sequence[str], rows: Iterable[Sequence[Any]], truncated: bool) -> bytes:
    bindings = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows
    ]
    doc: dict[str, Any] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        doc["head"]["link"] = [TRUNCATED_LINK]
        doc["truncated"] = True
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(term: Any) -> str:
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, Triple):
        parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
        return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"
    raise TypeError(f"not an RDF term: {term!r}")


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def write_xml(variables: Sequence[str], rows: Iterable[Sequence[Any]], truncated: bool) -> bytes:
    out = [_XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    if truncated:
        out.append(f'<link href="{TRUNCATED_LINK}"/>')
    out.append("</head>\n<results>\n")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        ]
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


def _csv_value(term: Any) -> str:
    from pyoxigraph import BlankNode

    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term.value) if hasattr(term, "value") else str(term)


def write_csv(variables: Sequence[str], rows: Iterable[Sequence[Any]], truncated: bool) -> bytes:
    del truncated  # CSV has no place for it; the response header carries it
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue().encode()


def write_tsv(variables: Sequence[str], rows: Iterable[Sequence[Any]], truncated: bool) -> bytes:
    del truncated
    lines = ["\t".join(f"?{v}" for v in variables)]
    # str() of a pyoxigraph term is its N-Triples form, with tabs and newlines escaped, as TSV requires.
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def write_boolean(value: bool, fmt: Format) -> bytes:
    word = "true" if value else "false"
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return f"{_XML_HEAD}<head/>\n<boolean>{word}</boolean>\n</sparql>\n".encode()
    if fmt.name == "csv":
        return f"_askResult\r\n{word}\r\n".encode()
    return f"?_askResult\n{word}\n".encode()


RESULT_WRITERS = {"json": write_json, "xml": write_xml, "csv": write_csv, "tsv": write_tsv}


def write_graph(triples: Iterable[Any], fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    from pyoxigraph import RdfFormat, serialize

    rdf_format = {
        "turtle": RdfFormat.TURTLE,
        "ntriples": RdfFormat.N_TRIPLES,
        "jsonld": RdfFormat.JSON_LD,
        "rdfxml": RdfFormat.RDF_XML,
    }[fmt.name]
    use_prefixes = prefixes if fmt.name in ("turtle", "rdfxml") else None
    return serialize(triples, format=rdf_format, prefixes=use_prefixes) or b""
