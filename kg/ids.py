"""The one place that mints identifiers: IRIs come from stable keys, never from blank nodes or row ids.

Rebuilding the same input therefore gives the same IRIs, and diffs between builds stay small.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

BASE = "https://w3id.org/cnkg/"
ONTOLOGY = BASE + "ontology#"  # our own terms (ontology/cnkg.ttl)
ENTITY = BASE + "entity/"
ISSUE = BASE + "issue/"
SERIES = BASE + "series/"
PERSON = BASE + "person/"

_SLUG_UNSAFE = re.compile(r"[^a-z0-9._~-]+")


@functools.lru_cache(maxsize=1 << 16)
def _quote(text: str, safe: str) -> str:
    """`urllib.parse.quote`, cached: an export quotes the same slugs hundreds of thousands of times."""
    return quote(text, safe=safe)


def slugify(text: str) -> str:
    """Lower-case ASCII slug: `Knative Serving` -> `knative-serving`; non-ASCII is percent-encoded."""
    text = text.strip().lower()
    ascii_part = _SLUG_UNSAFE.sub("-", text).strip("-")
    if ascii_part and ascii_part.replace("-", "").isascii() and text.isascii():
        return ascii_part
    return quote(re.sub(r"\s+", "-", text), safe="-._~")


def entity_iri(slug: str) -> str:
    return ENTITY + _quote(slug, "-._~/%")


def slug_from_iri(iri: str) -> str:
    if not iri.startswith(ENTITY):
        raise ValueError(f"not an entity IRI: {iri}")
    from urllib.parse import unquote

    return unquote(iri[len(ENTITY) :])


def issue_iri(document_slug: str) -> str:
    return ISSUE + _quote(document_slug, "-._~/")


def item_iri(document_slug: str, position: int) -> str:
    return f"{issue_iri(document_slug)}/item/{position}"


def mention_iri(document_slug: str, position: int, start: int, end: int, entity_slug: str) -> str:
    return f"{item_iri(document_slug, position)}/mention/{start}-{end}/{_quote(entity_slug, '-._~')}"


def relation_iri(
    document_slug: str,
    position: int,
    subject: str,
    predicate: str,
    obj: str,
    sentence_start: int | None = None,
) -> str:
    """One relation per item and triple; with `sentence_start`, one per sentence stating it."""
    key = "/".join(_quote(part, "-._~") for part in (subject, predicate, obj))
    where = "" if sentence_start is None else f"/{sentence_start}"
    return f"{item_iri(document_slug, position)}/relation/{key}{where}"


def sentence_iri(document_slug: str, start: int, end: int) -> str:
    """A sentence is keyed by its span in the issue's source text (offsets are stable for the same input)."""
    return f"{issue_iri(document_slug)}/sentence/{start}-{end}"


def series_iri(series: str) -> str:
    return SERIES + _quote(series, "-._~")


def person_iri(name: str) -> str:
    """Authors and editors are known only by the name written in the post; case and spacing are folded."""
    return PERSON + slugify(" ".join(name.split()))


def hosting_iri(entity_slug: str) -> str:
    """The qualified hosting of an entity by a foundation (maturity and dates) hangs off the entity IRI."""
    return entity_iri(entity_slug) + "#hosting"


# Characters an IRI may not contain (RFC 3987 excludes them; N-Triples and Turtle reject them).
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def web_iri(url: str | None) -> str | None:
    """An IRI for a URL from a post or the ontology, percent-encoding what IRIs forbid; None if no scheme."""
    if not url:
        return None
    url = url.strip()
    if not _IRI_SCHEME.match(url):
        return None
    url = _BAD_PERCENT.sub("%25", url)
    head, hash_, fragment = url.partition("#")
    url = head + hash_ + fragment.replace("#", "%23")  # a second '#' is not allowed in an IRI
    return _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url)


def proposal_slug(owner: str, repo: str, number: int | str) -> str:
    """Proposals (issues, pull requests, KEPs) are identified as owner/repo#number."""
    return f"{owner.lower()}/{repo.lower()}#{number}"
