"""Store rows → RDF statements grouped by subject, as N-Triples text, in a stable order.

A block is `(graph, subject, [(predicate, object), ...])`; `graph` is None for the default graph (entities,
series, people) or the issue IRI (everything read from that issue). Rows are read ordered by their stable keys
(slugs, positions, offsets), never by row id, so the same input always gives the same text.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from kg import ids
from kg.models import Alias, Document, Entity, Item, Link, Mention, Relation
from kg.rdf import terms as t
from kg.rdf.issue import Block, issue_blocks
from kg.rdf.terms import V
from kg.store import Store

# Organization kinds written as an extra class, read from the entity's category or data["kind"].
_ORG_KINDS = {"vendor": "Vendor", "company": "Vendor", "foundation": "Foundation", "community": "Community"}
_HOSTING_DATES = ("accepted", "incubating", "graduated", "archived")
_FOUNDATION = "cloud-native-computing-foundation"  # landscape maturity levels are CNCF's


def blocks(store: Store) -> Iterator[Block]:
    """Every statement of the graph: the default graph first, then one issue after another (by slug)."""
    with store.engine.connect() as conn:
        entities = conn.execute(select(Entity).order_by(Entity.slug)).mappings().all()
        aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for slug, text, lang in conn.execute(
            select(Alias.entity_slug, Alias.text, Alias.lang).order_by(
                Alias.entity_slug, Alias.lang, Alias.text
            )
        ):
            aliases[slug].append((text, lang))
        docs = conn.execute(
            select(
                Document.id,
                Document.slug,
                Document.path,
                Document.series,
                Document.title,
                Document.issue_number,
                Document.published_at,
                Document.published_date,
                Document.authors,
                Document.editors,
                Document.tags,
                Document.source,
            ).order_by(Document.slug)
        ).all()
        items = conn.execute(
            select(
                Item.id,
                Item.document_id,
                Item.position,
                Item.section_path,
                Item.kind,
                Item.text,
                Item.char_start,
                Item.char_end,
            ).order_by(Item.document_id, Item.position)
        ).all()
        links = conn.execute(select(Link.item_id, Link.url).order_by(Link.item_id, Link.char_start)).all()
        mentions = conn.execute(
            select(
                Mention.item_id,
                Mention.entity_slug,
                Mention.surface,
                Mention.char_start,
                Mention.char_end,
                Mention.sentence_start,
                Mention.sentence_end,
                Mention.method,
                Mention.confidence,
                Mention.url,
            ).order_by(Mention.item_id, Mention.char_start, Mention.char_end, Mention.entity_slug)
        ).all()
        relations = conn.execute(
            select(
                Relation.item_id,
                Relation.subject_slug,
                Relation.predicate,
                Relation.object_slug,
                Relation.sentence_start,
                Relation.sentence_end,
                Relation.method,
                Relation.confidence,
                Relation.cue,
            ).order_by(
                Relation.item_id,
                Relation.sentence_start,
                Relation.subject_slug,
                Relation.predicate,
                Relation.object_slug,
            )
        ).all()

    known = {e["slug"]: e["type"] for e in entities}
    yield from _entity_blocks(entities, aliases, known)
    yield from _series_and_people(docs)

    by_doc_items: dict[int, list[Any]] = defaultdict(list)
    for row in items:
        by_doc_items[row.document_id].append(row)
    by_item = {
        "links": _group(links),
        "mentions": _group(mentions),
        "relations": _group(relations),
    }
    for doc in docs:
        yield from issue_blocks(doc, by_doc_items.get(doc.id, []), by_item, known)


def _group(rows: list[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


# --------------------------------------------------------------------------- default graph


def _entity_blocks(
    entities: list[Any], aliases: dict[str, list[tuple[str, str]]], known: dict[str, str]
) -> Iterator[Block]:
    a, pref, alt = V.type, V.prefLabel, V.altLabel
    for e in entities:
        slug, etype = e["slug"], e["type"]
        subject = t.iri(ids.entity_iri(slug))
        data = e["data"] or {}
        pairs = [(a, t.cnkg(etype))]
        kind = _ORG_KINDS.get(str(data.get("kind") or e["category"] or "").lower())
        if etype == "Organization" and kind:
            pairs.append((a, t.cnkg(kind)))
        pairs.append((pref, t.lang_string(e["label"], "en")))
        labels = {(e["label"], "en")}
        if e["label_zh"]:
            pairs.append((pref, t.lang_string(e["label_zh"], "zh")))
            labels.add((e["label_zh"], "zh"))
        for text, lang in aliases.get(slug, ()):
            if (text, lang) not in labels:
                labels.add((text, lang))
                pairs.append((alt, t.lang_string(text, lang)))
        if e["description"]:
            pairs.append((V.description, t.string(e["description"])))
        homepage = t.web(e["homepage"])
        if homepage:
            pairs.append((V.doapHomepage if etype == "Project" else V.foafHomepage, homepage))
        repository = t.web(e["repository"])
        if repository:
            pairs.append((V.repository, repository))
        if e["organization"] in known and known[e["organization"]] == "Organization":
            pairs.append((V.developedBy, t.iri(ids.entity_iri(e["organization"]))))
        if e["part_of"] in known and e["part_of"] != slug:
            pairs.append(
                (V.releaseOf if etype == "Release" else V.partOf, t.iri(ids.entity_iri(e["part_of"])))
            )
        for prop in ("category", "subcategory"):
            if e[prop]:
                pairs.append((t.cnkg(prop), t.string(e[prop])))
        pairs.extend(_identity(e, data))
        if e["source"]:
            pairs.append((V.source, t.string(e["source"])))
        hosting = _hosting(slug, e["maturity"], data, known)
        if e["maturity"]:
            pairs.append((V.maturity, t.string(e["maturity"])))
        if hosting:
            pairs.extend(hosting[1])
        yield None, subject, pairs
        if hosting:
            yield None, hosting[0], hosting[2]


def _identity(e: Any, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Identifiers of minted entities: owner/repo#N of proposals, CVE ids, release versions, their URLs."""
    pairs: list[tuple[str, str]] = []
    etype = e["type"]
    if etype in ("Proposal", "Vulnerability"):
        pairs.append(
            (
                V.identifier,
                t.string(str(data.get("id") or e["slug"]).upper() if etype == "Vulnerability" else e["slug"]),
            )
        )
    if etype == "Release":
        version = data.get("version") or (e["slug"].rsplit("@", 1)[1] if "@" in e["slug"] else None)
        if version:
            pairs.append((V.revision, t.string(str(version))))
    url = t.web(data.get("url")) if etype in ("Proposal", "Vulnerability", "Release") else None
    if url:
        pairs.append((V.url, url))
    return pairs


def _hosting(
    slug: str, maturity: str | None, data: dict[str, Any], known: dict[str, str]
) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]] | None:
    """The qualified hosting of a hosted project: its foundation (`data["hosted_by"]`, else CNCF for a
    landscape maturity), maturity and the dates the ontology has; None when no known foundation hosts it."""
    host = data.get("hosted_by") or (_FOUNDATION if maturity else None)
    if not isinstance(host, str) or known.get(host) != "Organization":
        return None
    node = t.iri(ids.hosting_iri(slug))
    foundation = t.iri(ids.entity_iri(host))
    on_entity = [(V.hostedBy, foundation), (V.qualifiedHosting, node)]
    pairs = [(V.type, V.Hosting), (V.host, foundation)]
    if maturity:
        pairs.append((V.maturity, t.string(maturity)))
    extra: dict[str, Any] = data["extra"] if isinstance(data.get("extra"), dict) else {}
    dates: dict[str, Any] = data["dates"] if isinstance(data.get("dates"), dict) else {}
    for key in _HOSTING_DATES:
        value = data.get(f"{key}_date") or data.get(key) or dates.get(key) or extra.get(key)
        day = _as_date(value)
        if day is not None:
            pairs.append((t.cnkg(f"{key}Date"), t.date(day)))
    return node, on_entity, pairs


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _series_and_people(docs: list[Any]) -> Iterator[Block]:
    for series in sorted({d.series for d in docs}):
        yield (
            None,
            t.iri(ids.series_iri(series)),
            [(V.type, V.Periodical), (V.name, t.string(series))],
        )
    people: dict[str, str] = {}
    for d in docs:
        for name in [*(d.authors or ()), *(d.editors or ())]:
            if name and name.strip():
                people.setdefault(ids.person_iri(name), " ".join(name.split()))
    for person in sorted(people):
        yield (
            None,
            t.iri(person),
            [(V.type, V.Person), (V.name, t.string(people[person]))],
        )
