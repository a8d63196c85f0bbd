"""RDF terms as N-Triples strings: namespaces, our vocabulary, and literal formatting for the fast writers.

The exporters build statements as text (no rdflib or pyoxigraph objects per triple), because a corpus of a
million triples must export in a few seconds; every term here is in N-Triples form (`<iri>`, `"x"@en`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from kg import ids

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DOAP = "http://usefulinc.com/ns/doap#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
CNKG = ids.ONTOLOGY

# Prefixes written at the top of Turtle and TriG (data IRIs stay absolute: they may hold any character).
PREFIXES: dict[str, str] = {
    "cnkg": CNKG,
    "dcterms": DCTERMS,
    "doap": DOAP,
    "foaf": FOAF,
    "itsrdf": ITSRDF,
    "nif": NIF,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "skos": SKOS,
    "xsd": XSD,
}


def iri(value: str) -> str:
    return f"<{value}>"


def _term(namespace: str, local: str) -> str:
    return f"<{namespace}{local}>"


A = _term(RDF, "type")

# Every vocabulary term the exporter writes, by prefixed name; `PREFIXED` maps the N-Triples form back to it.
_USED = {
    "rdf": ("subject", "predicate", "object"),
    "skos": ("prefLabel", "altLabel"),
    "doap": ("homepage", "repository", "revision"),
    "foaf": ("homepage",),
    "schema": (
        "PublicationIssue",
        "Periodical",
        "Person",
        "name",
        "issueNumber",
        "datePublished",
        "author",
        "editor",
        "keywords",
        "isPartOf",
        "position",
        "text",
        "mentions",
        "citation",
        "url",
    ),
    "dcterms": ("identifier", "description", "source", "date", "issued"),
    "prov": ("wasDerivedFrom",),
    "nif": ("Context", "Sentence", "isString", "beginIndex", "endIndex", "anchorOf", "referenceContext"),
    "itsrdf": ("taIdentRef",),
}
PREFIXED: dict[str, str] = {
    _term(PREFIXES[prefix], local): f"{prefix}:{local}"
    for prefix, locals_ in _USED.items()
    for local in locals_
}
PREFIXED[A] = "a"


@functools.cache
def term(prefixed: str) -> str:
    """`term("schema:name")` -> `<https://schema.org/name>`; our own terms go through `kg.vocab` instead."""
    prefix, local = prefixed.split(":", 1)
    return _term(PREFIXES[prefix], local)


@functools.cache
def cnkg(local: str) -> str:
    """One of our terms; `kg.vocab.CNKG` checks the name, so a typo fails here rather than in the output."""
    from kg.vocab import CNKG as VOCAB

    full = str(getattr(VOCAB, local))
    text = f"<{full}>"
    PREFIXED.setdefault(text, f"cnkg:{local}")
    return text


_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def _escape(value: str) -> str:
    # str.replace runs in C over the whole string; most values need none of it.
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if '"' in value:
        value = value.replace('"', '\\"')
    if "\n" in value:
        value = value.replace("\n", "\\n")
    if "\r" in value:
        value = value.replace("\r", "\\r")
    return value


def string(value: str) -> str:
    return f'"{_escape(value)}"'


def lang_string(value: str, lang: str | None) -> str:
    if lang and _LANG.match(lang):
        return f'"{_escape(value)}"@{lang.lower()}'
    return string(value)


_INTEGER = f"^^<{XSD}integer>"
_DECIMAL = f"^^<{XSD}decimal>"
_DATE = f"^^<{XSD}date>"
_DATETIME = f"^^<{XSD}dateTime>"


def integer(value: int) -> str:
    return f'"{value}"{_INTEGER}'


def decimal(value: float) -> str:
    text = f"{value:.6f}".rstrip("0")
    return f'"{text}0"{_DECIMAL}' if text.endswith(".") else f'"{text}"{_DECIMAL}'


def date(value: dt.date) -> str:
    return f'"{value.isoformat()}"{_DATE}'


_DATETIME_RE = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def datetime_or_none(value: str | None) -> str | None:
    """An xsd:dateTime literal for a timestamp written as ISO 8601 with a time; None for anything else."""
    if not value:
        return None
    text = value.strip().replace(" ", "T", 1)
    return f'"{text}"{_DATETIME}' if _DATETIME_RE.match(text) else None


def compact(term_text: str) -> str:
    """The Turtle form of a term: a prefixed name for vocabulary, the term itself otherwise."""
    return PREFIXED.get(term_text, term_text)


_VALID: dict[str, bool] = {}


def web(url: str | None) -> str | None:
    """The IRI term for a URL from a post or the ontology; a URL that is no valid IRI even when
    percent-encoded (bad host, bad port) is left out rather than guessed at."""
    value = ids.web_iri(url)
    if value is None:
        return None
    valid = _VALID.get(value)
    if valid is None:
        import pyoxigraph

        try:
            pyoxigraph.NamedNode(value)
            valid = True
        except ValueError:
            valid = False
        _VALID[value] = valid
    return f"<{value}>" if valid else None


class V:
    """Every term the exporters write, in N-Triples form, looked up once (the exporters use these millions
    of times). Our own terms go through `cnkg`, so a name missing from kg.vocab fails at import."""

    type = A
    # SKOS, DOAP, FOAF, DCTERMS
    prefLabel = term("skos:prefLabel")
    altLabel = term("skos:altLabel")
    doapHomepage = term("doap:homepage")
    foafHomepage = term("foaf:homepage")
    repository = term("doap:repository")
    revision = term("doap:revision")
    identifier = term("dcterms:identifier")
    description = term("dcterms:description")
    source = term("dcterms:source")
    date = term("dcterms:date")
    issued = term("dcterms:issued")
    # schema.org
    PublicationIssue = term("schema:PublicationIssue")
    Periodical = term("schema:Periodical")
    Person = term("schema:Person")
    name = term("schema:name")
    issueNumber = term("schema:issueNumber")
    datePublished = term("schema:datePublished")
    author = term("schema:author")
    editor = term("schema:editor")
    keywords = term("schema:keywords")
    isPartOf = term("schema:isPartOf")
    position = term("schema:position")
    text = term("schema:text")
    mentions = term("schema:mentions")
    citation = term("schema:citation")
    url = term("schema:url")
    # RDF reification, PROV, NIF, ITS
    subject = term("rdf:subject")
    predicate = term("rdf:predicate")
    object = term("rdf:object")
    wasDerivedFrom = term("prov:wasDerivedFrom")
    Sentence = term("nif:Sentence")
    isString = term("nif:isString")
    beginIndex = term("nif:beginIndex")
    endIndex = term("nif:endIndex")
    anchorOf = term("nif:anchorOf")
    referenceContext = term("nif:referenceContext")
    taIdentRef = term("itsrdf:taIdentRef")
    # ours
    NewsletterIssue = cnkg("NewsletterIssue")
    Item = cnkg("Item")
    Mention = cnkg("Mention")
    Relation = cnkg("Relation")
    Hosting = cnkg("Hosting")
    developedBy = cnkg("developedBy")
    partOf = cnkg("partOf")
    releaseOf = cnkg("releaseOf")
    hostedBy = cnkg("hostedBy")
    qualifiedHosting = cnkg("qualifiedHosting")
    host = cnkg("host")
    maturity = cnkg("maturity")
    category = cnkg("category")
    subcategory = cnkg("subcategory")
    inSentence = cnkg("inSentence")
    method = cnkg("method")
    confidence = cnkg("confidence")
    cue = cnkg("cue")
    section = cnkg("section")
    kind = cnkg("kind")
    sourcePath = cnkg("sourcePath")
