"""Read the explorer's graph from the SQL store: entities, co-mentions and typed relations with day timelines.

The NetworkX views in `kg.network` answer "what is the graph"; the explorer also needs *when* (mentions per
issue day, for the time slider) and *why* (the items behind a node, for the evidence panel), so it reads the
store's tables directly, read-only, in a handful of queries.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import select

from kg.errors import KgError
from kg.explore.graphdata import CO_MENTION, ISSUE_TYPE, MENTIONS, Doc, Edge, EvidenceItem, GraphData, Node
from kg.models import ENTITY_TYPES, Alias, Document, Entity, Item, Link, Mention, Relation
from kg.store import Store

EXCERPT_CHARS = 320
EVIDENCE_PER_NODE = 25
_CHUNK = 900  # ids per IN (...) list, well under every backend's parameter limit


class ExploreError(KgError):
    """The explorer was asked for something the store cannot give (unknown entity or type, empty result)."""


def load_graph(
    store: Store,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    types: Sequence[str] | None = None,
    entity: str | None = None,
    depth: int = 1,
    min_mentions: int = 1,
    issues: bool = True,
    evidence_per_node: int = EVIDENCE_PER_NODE,
) -> GraphData:
    """The graph of entities mentioned in issues dated `since..until` (inclusive), filtered as asked."""
    wanted_types = _check_types(types)
    if depth < 0:
        raise ExploreError(f"--depth must be 0 or more, got {depth}")
    data = GraphData()
    with store.engine.connect() as conn:
        doc_rows = conn.execute(
            select(
                Document.id,
                Document.published_date,
                Document.series,
                Document.title,
                Document.issue_number,
                Document.path,
                Document.slug,
            )
        ).all()
        entity_rows = conn.execute(
            select(
                Entity.slug,
                Entity.type,
                Entity.label,
                Entity.label_zh,
                Entity.category,
                Entity.homepage,
                Entity.organization,
                Entity.maturity,
            )
        ).all()
        alias_rows = conn.execute(select(Alias.entity_slug, Alias.text)).all()
        mention_rows = conn.execute(
            select(
                Mention.entity_slug,
                Mention.item_id,
                Mention.char_start,
                Mention.char_end,
                Item.document_id,
                Item.char_start,
                Item.kind,
            ).join(Item, Item.id == Mention.item_id)
        ).all()
        relation_rows = conn.execute(
            select(Relation.subject_slug, Relation.predicate, Relation.object_slug, Item.document_id).join(
                Item, Item.id == Relation.item_id
            )
        ).all()

    docs = {row[0]: row for row in doc_rows if _in_period(row[1], since, until)}
    data.days = sorted({row[1].isoformat() for row in docs.values() if row[1] is not None})
    day_index = {day: i for i, day in enumerate(data.days)}
    doc_day = {doc_id: day_index[row[1].isoformat()] if row[1] else -1 for doc_id, row in docs.items()}

    entities = {row[0]: row for row in entity_rows if wanted_types is None or row[1] in wanted_types}
    mentions = [m for m in mention_rows if m[4] in docs and m[0] in entities]
    counts: dict[str, int] = defaultdict(int)
    for m in mentions:
        counts[m[0]] += 1
    keep = {slug for slug, n in counts.items() if n >= min_mentions}
    item_entities: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        if m[0] in keep and m[6] != "title":  # a title lists a whole issue's topics: no co-mentions
            item_entities[m[1]].add(m[0])
    pairs = _co_mention_items(item_entities)
    relations = [r for r in relation_rows if r[3] in docs and r[0] in keep and r[2] in keep]
    if entity is not None:
        center = _resolve_entity(entity, entity_rows, alias_rows)
        if center not in keep:
            raise ExploreError(
                f"entity '{entity}' ({center}) has fewer than {min_mentions} mention(s) of the selected "
                "types in the selected period; widen --since/--until or --type"
            )
        keep = _ego(center, depth, pairs.keys(), ((r[0], r[2]) for r in relations))
    if not keep:
        raise ExploreError(
            "nothing to explore: no entity is mentioned in the selected period with the "
            "selected types; check --since/--until, --type and --min-mentions"
        )

    slugs = sorted(keep, key=lambda s: (-counts[s], s))
    index = {slug: i for i, slug in enumerate(slugs)}
    aliases: dict[str, list[str]] = defaultdict(list)
    for slug, text in alias_rows:
        if slug in index and text not in aliases[slug]:
            aliases[slug].append(text)
    for slug in slugs:
        row = entities[slug]
        data.nodes.append(
            Node(
                key=slug,
                type=row[1],
                label=row[2] or slug,
                label_zh=row[3] or "",
                category=row[4] or "",
                homepage=row[5] or "",
                organization=row[6] or "",
                maturity=row[7] or "",
                aliases=aliases[slug],
            )
        )

    # Evidence: newest items first; the excerpt and first link are read only for the items kept.
    per_node: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)  # (day, item, start, end)
    seen_item: set[tuple[int, int]] = set()
    for slug, item_id, start, end, doc_id, item_start, _kind in mentions:
        node = index.get(slug)
        if node is None:
            continue
        n = data.nodes[node]
        n.mentions += 1
        day = doc_day[doc_id]
        if day >= 0:
            n.timeline[day] = n.timeline.get(day, 0) + 1
        if (node, item_id) not in seen_item:
            seen_item.add((node, item_id))
            n.items += 1
            per_node[node].append((day, item_id, start - item_start, end - item_start))
    chosen: dict[int, list[tuple[int, int, int]]] = {}
    for node, rows in per_node.items():
        rows.sort(key=lambda r: (-r[0], -r[1]))
        chosen[node] = [(r[1], r[2], r[3]) for r in rows[:evidence_per_node]]
    item_ids = sorted({item for rows in chosen.values() for item, _, _ in rows})
    doc_position: dict[int, int] = {}  # document id -> index in data.docs
    item_index = _load_items(store, item_ids, docs, data, doc_position)
    for node, rows in chosen.items():
        data.nodes[node].evidence = [
            (item_index[item], s, e)
            if s >= 0 and e <= len(data.items[item_index[item]].excerpt)
            else (item_index[item], -1, -1)
            for item, s, e in rows
        ]

    item_doc = {m[1]: m[4] for m in mentions}
    for (a, b), items in sorted(pairs.items()):
        if a in index and b in index:
            edge = Edge(index[a], index[b], CO_MENTION, len(items))
            for item in items:
                day = doc_day[item_doc[item]]
                if day >= 0:
                    edge.timeline[day] = edge.timeline.get(day, 0) + 1
            data.edges.append(edge)
    typed: dict[tuple[int, str, int], Edge] = {}
    for subject, predicate, obj, doc_id in relations:
        if subject in index and obj in index and subject != obj:
            key = (index[subject], predicate, index[obj])
            edge = typed.setdefault(key, Edge(key[0], key[2], predicate))
            edge.weight += 1
            day = doc_day[doc_id]
            if day >= 0:
                edge.timeline[day] = edge.timeline.get(day, 0) + 1
    data.edges.extend(typed[k] for k in sorted(typed))
    if issues:
        _add_issue_nodes(data, docs, doc_day, mentions, index, doc_position)
    data.filters = {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "types": sorted(wanted_types) if wanted_types else None,
        "entity": entity,
        "depth": depth if entity else None,
        "min_mentions": min_mentions,
        "issues": issues,
    }
    return data


def _check_types(types: Sequence[str] | None) -> set[str] | None:
    if not types:
        return None
    by_lower = {t.lower(): t for t in ENTITY_TYPES}
    wanted = set()
    for name in types:
        if name.lower() not in by_lower:
            raise ExploreError(f"unknown type '{name}'; choose from {', '.join(ENTITY_TYPES)}")
        wanted.add(by_lower[name.lower()])
    return wanted


def _in_period(day: dt.date | None, since: dt.date | None, until: dt.date | None) -> bool:
    if since is None and until is None:
        return True
    if day is None:  # an undated post cannot be placed inside a period
        return False
    return (since is None or day >= since) and (until is None or day <= until)


def _co_mention_items(item_entities: dict[int, set[str]]) -> dict[tuple[str, str], list[int]]:
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for item, slugs in item_entities.items():
        for a, b in itertools.combinations(sorted(slugs), 2):
            pairs[(a, b)].append(item)
    return pairs


def _resolve_entity(name: str, entity_rows: Sequence[tuple], alias_rows: Sequence[tuple]) -> str:
    """A slug, label, Chinese label or alias (case-insensitive) names one entity."""
    slugs = {row[0] for row in entity_rows}
    if name in slugs:
        return name
    folded = name.casefold()
    by_name: dict[str, set[str]] = defaultdict(set)
    for row in entity_rows:
        for text in (row[0], row[2], row[3]):
            if text:
                by_name[text.casefold()].add(row[0])
    for slug, text in alias_rows:
        by_name[text.casefold()].add(slug)
    found = by_name.get(folded, set())
    if len(found) == 1:
        return next(iter(found))
    if found:
        raise ExploreError(f"'{name}' names several entities ({', '.join(sorted(found))}); pass one slug")
    close = difflib.get_close_matches(folded, list(by_name), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; check the spelling"
    raise ExploreError(f"unknown entity '{name}'{hint}")


def _ego(
    center: str, depth: int, pairs: Iterable[tuple[str, str]], relations: Iterable[tuple[str, str]]
) -> set[str]:
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in itertools.chain(pairs, relations):
        neighbours[a].add(b)
        neighbours[b].add(a)
    reached, frontier = {center}, {center}
    for _ in range(depth):
        frontier = {n for f in frontier for n in neighbours[f]} - reached
        reached |= frontier
    return reached


def _load_items(
    store: Store, item_ids: list[int], docs: dict[int, tuple], data: GraphData, doc_index: dict[int, int]
) -> dict[int, int]:
    """Append the docs and items the evidence needs to `data`; returns item id -> index in data.items."""
    texts: dict[int, tuple[int, str]] = {}
    first_link: dict[int, str] = {}
    with store.engine.connect() as conn:
        for start in range(0, len(item_ids), _CHUNK):
            chunk = item_ids[start : start + _CHUNK]
            for item_id, doc_id, text in conn.execute(
                select(Item.id, Item.document_id, Item.text).where(Item.id.in_(chunk))
            ):
                texts[item_id] = (doc_id, text)
            for item_id, url in conn.execute(
                select(Link.item_id, Link.url)
                .where(Link.item_id.in_(chunk))
                .order_by(Link.item_id, Link.char_start)
            ):
                if item_id not in first_link and url.lower().startswith(("http://", "https://")):
                    first_link[item_id] = url
    day_index = {day: i for i, day in enumerate(data.days)}
    result: dict[int, int] = {}
    for item_id in item_ids:
        doc_id, text = texts[item_id]
        if doc_id not in doc_index:
            doc_index[doc_id] = len(data.docs)
            data.docs.append(_doc(docs[doc_id], day_index))
        result[item_id] = len(data.items)
        data.items.append(EvidenceItem(doc_index[doc_id], text[:EXCERPT_CHARS], first_link.get(item_id, "")))
    return result


def _doc(row: tuple, day_index: dict[str, int]) -> Doc:
    _id, published, series, title, number, path, slug = row
    return Doc(
        day=day_index[published.isoformat()] if published else -1,
        series=series,
        title=title or slug,
        issue_number=number,
        source_uri=_file_uri(path),
    )


def _file_uri(path: str) -> str:
    try:
        return Path(path).resolve().as_uri()
    except ValueError:  # not a local path (e.g. a URL given at ingest): no link rather than a wrong one
        return ""


def _add_issue_nodes(
    data: GraphData,
    docs: dict[int, tuple],
    doc_day: dict[int, int],
    mentions: Sequence[tuple],
    index: dict[str, int],
    doc_position: dict[int, int],
) -> None:
    """Each issue becomes a node linked to the entities it mentions (edge weight: mentions in that issue)."""
    per_doc: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for slug, _item, _s, _e, doc_id, _is, _kind in mentions:
        if slug in index:
            per_doc[doc_id][index[slug]] += 1
    day_index = {day: i for i, day in enumerate(data.days)}
    for doc_id in sorted(per_doc, key=lambda d: (doc_day[d], d)):
        if doc_id not in doc_position:
            doc_position[doc_id] = len(data.docs)
            data.docs.append(_doc(docs[doc_id], day_index))
        position = doc_position[doc_id]
        doc = data.docs[position]
        node_index = len(data.nodes)
        targets = per_doc[doc_id]
        total = sum(targets.values())
        day = doc_day[doc_id]
        # LWKD has no issue numbers: its date is what tells two issues apart.
        when = data.days[day] if day >= 0 else "undated"
        number = f" #{doc.issue_number}" if doc.issue_number is not None else f" {when}"
        data.nodes.append(
            Node(
                key=f"issue:{docs[doc_id][6]}",
                label=f"{doc.series}{number}",
                type=ISSUE_TYPE,
                category=doc.series,
                aliases=[doc.title],
                mentions=total,
                items=0,
                timeline={day: total} if day >= 0 else {},
                doc=position,
            )
        )
        for target, weight in sorted(targets.items()):
            data.edges.append(Edge(node_index, target, MENTIONS, weight, {day: weight} if day >= 0 else {}))
