"""One newsletter issue as RDF: the issue, its items, the sentences and mentions read from them, relations.

Everything here goes into the issue's own named graph (graph IRI = issue IRI), so an analyst can ask what one
issue said, and a rebuilt issue replaces exactly its own statements. Within a block, pairs with the same
predicate are adjacent and no pair repeats (the Turtle writer relies on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg import ids
from kg.rdf import terms as t
from kg.rdf.terms import V

Block = tuple[str | None, str, list[tuple[str, str]]]

SECTION_SEPARATOR = " > "


def issue_blocks(
    doc: Any, items: list[Any], by_item: dict[str, dict[int, list[Any]]], known: dict[str, str]
) -> Iterator[Block]:
    """Blocks of one issue; `doc` and `items` are store rows, `by_item` the links/mentions/relations rows."""
    slug, source = doc.slug, doc.source
    graph = f"<{ids.issue_iri(slug)}>"
    date = t.date(doc.published_date) if doc.published_date else None
    yield graph, graph, _issue_pairs(doc, date)

    mentions_of = by_item["mentions"]
    relations_of = by_item["relations"]
    item_node = {item.id: f"<{ids.item_iri(slug, item.position)}>" for item in items}
    sentences: dict[tuple[int, int], str] = {}  # span -> node of the first item reading it
    for item in items:
        for row in mentions_of.get(item.id, ()):
            sentences.setdefault((row.sentence_start, row.sentence_end), item_node[item.id])
        for row in relations_of.get(item.id, ()):
            sentences.setdefault((row.sentence_start, row.sentence_end), item_node[item.id])
    sentence_node = {span: f"<{ids.sentence_iri(slug, *span)}>" for span in sentences}

    for item in items:
        yield graph, item_node[item.id], _item_pairs(item, graph, date, mentions_of, by_item["links"])
    for span in sorted(sentences):
        start, end = span
        yield (
            graph,
            sentence_node[span],
            [
                (V.type, V.Sentence),
                (V.beginIndex, t.integer(start)),
                (V.endIndex, t.integer(end)),
                (V.anchorOf, t.string(source[start:end])),
                (V.referenceContext, graph),
                (V.isPartOf, sentences[span]),
            ],
        )
    for item in items:
        node = item_node[item.id]
        for row in mentions_of.get(item.id, ()):
            pairs = [
                (V.type, V.Mention),
                (V.taIdentRef, f"<{ids.entity_iri(row.entity_slug)}>"),
                (V.anchorOf, t.string(row.surface)),
                (V.beginIndex, t.integer(row.char_start)),
                (V.endIndex, t.integer(row.char_end)),
                (V.referenceContext, graph),
                (V.wasDerivedFrom, node),
                (V.inSentence, sentence_node[row.sentence_start, row.sentence_end]),
                (V.method, t.string(row.method)),
                (V.confidence, t.decimal(row.confidence)),
            ]
            url = t.web(row.url) if row.url else None
            if url:
                pairs.append((V.url, url))
            mention = ids.mention_iri(slug, item.position, row.char_start, row.char_end, row.entity_slug)
            yield graph, f"<{mention}>", pairs
    yield from _relation_blocks(slug, graph, date, items, item_node, sentence_node, relations_of, known)


def _relation_blocks(
    slug: str,
    graph: str,
    date: str | None,
    items: list[Any],
    item_node: dict[int, str],
    sentence_node: dict[tuple[int, int], str],
    relations_of: dict[int, list[Any]],
    known: dict[str, str],
) -> Iterator[Block]:
    """Each relation reified with its evidence, then the relation triples themselves (once per issue)."""
    asserted: dict[str, set[tuple[str, str]]] = {}
    for item in items:
        for row in relations_of.get(item.id, ()):
            if row.subject_slug not in known or row.object_slug not in known:
                continue
            predicate = t.cnkg(row.predicate)
            subject = f"<{ids.entity_iri(row.subject_slug)}>"
            obj = f"<{ids.entity_iri(row.object_slug)}>"
            iri = ids.relation_iri(
                slug, item.position, row.subject_slug, row.predicate, row.object_slug, row.sentence_start
            )
            pairs = [
                (V.type, V.Relation),
                (V.subject, subject),
                (V.predicate, predicate),
                (V.object, obj),
                (V.wasDerivedFrom, item_node[item.id]),
                (V.inSentence, sentence_node[row.sentence_start, row.sentence_end]),
                (V.method, t.string(row.method)),
                (V.confidence, t.decimal(row.confidence)),
            ]
            if date:
                pairs.append((V.date, date))
            if row.cue:
                pairs.append((V.cue, t.string(row.cue)))
            yield graph, f"<{iri}>", pairs
            asserted.setdefault(subject, set()).add((predicate, obj))
    for subject in sorted(asserted):
        yield graph, subject, sorted(asserted[subject])


def _issue_pairs(doc: Any, date: str | None) -> list[tuple[str, str]]:
    pairs = [
        (V.type, V.NewsletterIssue),
        (V.type, V.PublicationIssue),
        (V.identifier, t.string(doc.slug)),
        (V.isPartOf, f"<{ids.series_iri(doc.series)}>"),
        (V.sourcePath, t.string(doc.path)),
    ]
    if doc.title:
        pairs.append((V.name, t.string(doc.title)))
    if doc.issue_number is not None:
        pairs.append((V.issueNumber, t.integer(doc.issue_number)))
    if date:
        pairs.append((V.datePublished, date))
    issued = t.datetime_or_none(doc.published_at)
    if issued:
        pairs.append((V.issued, issued))
    for prop, names in ((V.author, doc.authors), (V.editor, doc.editors)):
        people = {ids.person_iri(n) for n in names or () if n and n.strip()}
        pairs.extend((prop, f"<{p}>") for p in sorted(people))
    pairs.extend((V.keywords, t.string(tag)) for tag in sorted(set(doc.tags or ())))
    pairs.append((V.isString, t.string(doc.source)))
    return pairs


def _item_pairs(
    item: Any, graph: str, date: str | None, mentions_of: dict[int, list[Any]], links_of: dict[int, list[Any]]
) -> list[tuple[str, str]]:
    pairs = [
        (V.type, V.Item),
        (V.isPartOf, graph),
        (V.position, t.integer(item.position)),
        (V.kind, t.string(item.kind)),
        (V.beginIndex, t.integer(item.char_start)),
        (V.endIndex, t.integer(item.char_end)),
        (V.text, t.string(item.text)),
    ]
    if item.section_path:
        pairs.append((V.section, t.string(SECTION_SEPARATOR.join(item.section_path))))
    if date:
        pairs.append((V.datePublished, date))
    mentioned = sorted({row.entity_slug for row in mentions_of.get(item.id, ())})
    pairs.extend((V.mentions, f"<{ids.entity_iri(slug)}>") for slug in mentioned)
    seen: set[str] = set()
    for row in links_of.get(item.id, ()):
        url = t.web(row.url)
        if url and url not in seen:
            seen.add(url)
            pairs.append((V.citation, url))
    return pairs
