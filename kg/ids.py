"""The one place that mints identifiers: IRIs come from stable keys, never from blank nodes or row ids.

Rebuilding the same input therefore gives the same IRIs, and diffs between builds stay small.
"""

from __future__ import annotations

import re
from urllib.parse import quote

BASE = "https://w3id.org/cnkg/"
ONTOLOGY = BASE + "ontology#"  # our own terms (ontology/cnkg.ttl)
ENTITY = BASE + "entity/"
ISSUE = BASE + "issue/"

_SLUG_UNSAFE = re.compile(r"[^a-z0-9._~-]+")


def slugify(text: str) -> str:
    """Lower-case ASCII slug: `Knative Serving` -> `knative-serving`; non-ASCII is percent-encoded."""
    text = text.strip().lower()
    ascii_part = _SLUG_UNSAFE.sub("-", text).strip("-")
    if ascii_part and ascii_part.replace("-", "").isascii() and text.isascii():
        return ascii_part
    return quote(re.sub(r"\s+", "-", text), safe="-._~")


def entity_iri(slug: str) -> str:
    return ENTITY + quote(slug, safe="-._~/%")


def slug_from_iri(iri: str) -> str:
    if not iri.startswith(ENTITY):
        raise ValueError(f"not an entity IRI: {iri}")
    from urllib.parse import unquote

    return unquote(iri[len(ENTITY) :])


def issue_iri(document_slug: str) -> str:
    return ISSUE + quote(document_slug, safe="-._~/")


def item_iri(document_slug: str, position: int) -> str:
    return f"{issue_iri(document_slug)}/item/{position}"


def mention_iri(document_slug: str, position: int, start: int, end: int, entity_slug: str) -> str:
    return f"{item_iri(document_slug, position)}/mention/{start}-{end}/{quote(entity_slug, safe='-._~')}"


def relation_iri(document_slug: str, position: int, subject: str, predicate: str, obj: str) -> str:
    key = "/".join(quote(part, safe="-._~") for part in (subject, predicate, obj))
    return f"{item_iri(document_slug, position)}/relation/{key}"


def proposal_slug(owner: str, repo: str, number: int | str) -> str:
    """Proposals (issues, pull requests, KEPs) are identified as owner/repo#number."""
    return f"{owner.lower()}/{repo.lower()}#{number}"
