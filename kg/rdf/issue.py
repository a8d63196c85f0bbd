"""One newsletter issue as RDF: the issue, its items, the sentences and mentions read from them, relations.

Everything here goes into the issue's own named graph (graph IRI = issue IRI), so an analyst can ask what one
issue said, and a rebuilt issue replaces exactly its own statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg import ids
from kg.rdf import terms as t

Block = tuple[str | None, str, list[tuple[str, str]]]

SECTION_SEPARATOR = " > "


def issue_blocks(
    doc: Any, items: list[Any], by_item: dict[str, dict[int, list[Any]]], known: dict[str, str]
) -> Iterator[Block]:
    """Blocks of one issue; `doc` and `items` are store rows, `by_item` the links/mentions/relations rows."""
    issue = ids.issue_iri(doc.slug)
    graph = t.iri(issue)
    date = t.date(doc.published_date) if doc.published_date else None
    yield graph, graph, _issue_pairs(doc, date)

    sentences: dict[tuple[int, int], int] = {}  # span -> position of the first item reading it
    for item in items:
        for row in by_item["mentions"].get(item.id, ()):
            sentences.setdefault((row.sentence_start, row.sentence_end), item.position)
        for row in by_item["relations"].get(item.id, ()):
            sentences.setdefault((row.sentence_start, row.sentence_end), item.position)

    for item in items:
        yield (
            graph,
            t.iri(ids.item_iri(doc.slug, item.position)),
            _item_pairs(doc, item, graph, date, by_item),
        )
    for (start, end), position in sorted(sentences.items()):
        yield (
            graph,
            t.iri(ids.sentence_iri(doc.slug, start, end)),
            [
                (t.A, t.term("nif:Sentence")),
                (t.term("nif:beginIndex"), t.integer(start)),
                (t.term("nif:endIndex"), t.integer(end)),
                (t.term("nif:anchorOf"), t.string(doc.source[start:end])),
                (t.term("nif:referenceContext"), graph),
                (t.term("schema:isPartOf"), t.iri(ids.item_iri(doc.slug, position))),
            ],
        )
    for item in items:
        item_node = t.iri(ids.item_iri(doc.slug, item.position))
        for row in by_item["mentions"].get(item.id, ()):
            yield (
                graph,
                t.iri(
                    ids.mention_iri(doc.slug, item.position, row.char_start, row.char_end, row.entity_slug)
                ),
                _mention_pairs(doc, row, graph, item_node),
            )
    asserted: dict[str, set[tuple[str, str]]] = {}
    for item in items:
        item_node = t.iri(ids.item_iri(doc.slug, item.position))
        for row in by_item["relations"].get(item.id, ()):
            if row.subject_slug not in known or row.object_slug not in known:
                continue
            predicate = t.cnkg(row.predicate)
            subject, obj = t.iri(ids.entity_iri(row.subject_slug)), t.iri(ids.entity_iri(row.object_slug))
            node = t.iri(
                ids.relation_iri(
                    doc.slug,
                    item.position,
                    row.subject_slug,
                    row.predicate,
                    row.object_slug,
                    row.sentence_start,
                )
            )
            pairs = [
                (t.A, t.cnkg("Relation")),
                (t.term("rdf:subject"), subject),
                (t.term("rdf:predicate"), predicate),
                (t.term("rdf:object"), obj),
                (t.term("prov:wasDerivedFrom"), item_node),
                (
                    t.cnkg("inSentence"),
                    t.iri(ids.sentence_iri(doc.slug, row.sentence_start, row.sentence_end)),
                ),
                (t.cnkg("method"), t.string(row.method)),
                (t.cnkg("confidence"), t.decimal(row.confidence)),
            ]
            if date:
                pairs.append((t.term("dcterms:date"), date))
            if row.cue:
                pairs.append((t.cnkg("cue"), t.string(row.cue)))
            yield graph, node, pairs
            asserted.setdefault(subject, set()).add((predicate, obj))
    for subject in sorted(asserted):
        yield graph, subject, sorted(asserted[subject])


def _issue_pairs(doc: Any, date: str | None) -> list[tuple[str, str]]:
    pairs = [
        (t.A, t.cnkg("NewsletterIssue")),
        (t.A, t.term("schema:PublicationIssue")),
        (t.term("dcterms:identifier"), t.string(doc.slug)),
        (t.term("schema:isPartOf"), t.iri(ids.series_iri(doc.series))),
        (t.cnkg("sourcePath"), t.string(doc.path)),
    ]
    if doc.title:
        pairs.append((t.term("schema:name"), t.string(doc.title)))
    if doc.issue_number is not None:
        pairs.append((t.term("schema:issueNumber"), t.integer(doc.issue_number)))
    if date:
        pairs.append((t.term("schema:datePublished"), date))
    issued = t.datetime_or_none(doc.published_at)
    if issued:
        pairs.append((t.term("dcterms:issued"), issued))
    for prop, names in (("schema:author", doc.authors), ("schema:editor", doc.editors)):
        people = {ids.person_iri(n) for n in names or () if n and n.strip()}
        pairs.extend((t.term(prop), t.iri(p)) for p in sorted(people))
    pairs.extend((t.term("schema:keywords"), t.string(tag)) for tag in sorted(set(doc.tags or ())))
    pairs.append((t.term("nif:isString"), t.string(doc.source)))
    return pairs


def _item_pairs(
    doc: Any, item: Any, graph: str, date: str | None, by_item: dict[str, dict[int, list[Any]]]
) -> list[tuple[str, str]]:
    pairs = [
        (t.A, t.cnkg("Item")),
        (t.term("schema:isPartOf"), graph),
        (t.term("schema:position"), t.integer(item.position)),
        (t.cnkg("kind"), t.string(item.kind)),
        (t.term("nif:beginIndex"), t.integer(item.char_start)),
        (t.term("nif:endIndex"), t.integer(item.char_end)),
        (t.term("schema:text"), t.string(item.text)),
    ]
    if item.section_path:
        pairs.append((t.cnkg("section"), t.string(SECTION_SEPARATOR.join(item.section_path))))
    if date:
        pairs.append((t.term("schema:datePublished"), date))
    mentioned = sorted({row.entity_slug for row in by_item["mentions"].get(item.id, ())})
    pairs.extend((t.term("schema:mentions"), t.iri(ids.entity_iri(slug))) for slug in mentioned)
    seen: set[str] = set()
    for row in by_item["links"].get(item.id, ()):
        url = t.web(row.url)
        if url and url not in seen:
            seen.add(url)
            pairs.append((t.term("schema:citation"), url))
    return pairs


def _mention_pairs(doc: Any, row: Any, graph: str, item_node: str) -> list[tuple[str, str]]:
    pairs = [
        (t.A, t.cnkg("Mention")),
        (t.term("itsrdf:taIdentRef"), t.iri(ids.entity_iri(row.entity_slug))),
        (t.term("nif:anchorOf"), t.string(row.surface)),
        (t.term("nif:beginIndex"), t.integer(row.char_start)),
        (t.term("nif:endIndex"), t.integer(row.char_end)),
        (t.term("nif:referenceContext"), graph),
        (t.term("prov:wasDerivedFrom"), item_node),
        (t.cnkg("inSentence"), t.iri(ids.sentence_iri(doc.slug, row.sentence_start, row.sentence_end))),
        (t.cnkg("method"), t.string(row.method)),
        (t.cnkg("confidence"), t.decimal(row.confidence)),
    ]
    url = t.web(row.url)
    if url:
        pairs.append((t.term("schema:url"), url))
    return pairs
