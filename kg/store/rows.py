"""What one store transaction does to rows: insert a document and its contents, repoint paths, drop orphans.

Part of the store (the only code that writes SQL); `kg.store.Store` opens the transaction and calls these.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from kg.models import (
    Alias,
    Candidate,
    CandidateMention,
    Document,
    DocumentPath,
    Entity,
    EntityRecord,
    Item,
    Link,
    LinkedDocument,
    Mention,
    Meta,
    Relation,
)

DOCUMENT_PATH_TABLE = (
    DocumentPath.__table__
)  # Core tables: the ORM layer costs ~1 ms a statement on the hot path
DOCUMENT_TABLE = Document.__table__
CANDIDATE_MENTION_TABLE = CandidateMention.__table__
CANDIDATE_TABLE = Candidate.__table__
ITEM_TABLE = Item.__table__
LINK_TABLE = Link.__table__
MENTION_TABLE = Mention.__table__
RELATION_TABLE = Relation.__table__
ENTITY_TABLE = Entity.__table__
ALIAS_TABLE = Alias.__table__
META_TABLE = Meta.__table__


def set_meta(conn: Connection, key: str, value: str) -> None:
    if conn.execute(select(META_TABLE.c.key).where(META_TABLE.c.key == key)).first():
        conn.execute(update(META_TABLE).where(META_TABLE.c.key == key).values(value=value))
    else:
        conn.execute(insert(META_TABLE).values(key=key, value=value))


def entity_row(entity: EntityRecord) -> dict[str, Any]:
    return {
        "slug": entity.slug,
        "type": entity.type,
        "label": entity.label,
        "label_zh": entity.label_zh,
        "description": entity.description,
        "homepage": entity.homepage,
        "repository": entity.repository,
        "organization": entity.organization,
        "part_of": entity.part_of,
        "category": entity.category,
        "subcategory": entity.subcategory,
        "maturity": entity.maturity,
        "source": entity.source,
        "data": entity.data,
    }


def point_path(conn: Connection, path: str, document_id: int, content_hash: str, *, exists: bool) -> None:
    if exists:
        conn.execute(
            update(DOCUMENT_PATH_TABLE)
            .where(DOCUMENT_PATH_TABLE.c.path == path)
            .values(document_id=document_id, content_hash=content_hash)
        )
    else:
        conn.execute(
            insert(DOCUMENT_PATH_TABLE).values(path=path, document_id=document_id, content_hash=content_hash)
        )


def drop_if_orphan(conn: Connection, document_id: int) -> None:
    still_used = conn.execute(
        select(DOCUMENT_PATH_TABLE.c.path).where(DOCUMENT_PATH_TABLE.c.document_id == document_id)
    ).first()
    if still_used is None:
        clear_contents(conn, document_id)
        conn.execute(delete(DOCUMENT_TABLE).where(DOCUMENT_TABLE.c.id == document_id))


def clear_contents(conn: Connection, document_id: int) -> None:
    item_ids = select(ITEM_TABLE.c.id).where(ITEM_TABLE.c.document_id == document_id).scalar_subquery()
    for table in (LINK_TABLE, MENTION_TABLE, CANDIDATE_MENTION_TABLE, RELATION_TABLE):
        conn.execute(delete(table).where(table.c.item_id.in_(item_ids)))
    conn.execute(delete(ITEM_TABLE).where(ITEM_TABLE.c.document_id == document_id))


def insert_document(conn: Connection, doc: Any, linker_version: str) -> int:
    slug = doc.slug
    taken = conn.execute(select(DOCUMENT_TABLE.c.id).where(DOCUMENT_TABLE.c.slug == slug)).first()
    if taken is not None:  # another post with the same file name: keep slugs unique and stable
        slug = f"{slug}-{doc.content_hash[:8]}"
    result = conn.execute(
        insert(DOCUMENT_TABLE).values(
            slug=slug,
            path=doc.path,
            series=doc.series,
            title=doc.title,
            issue_number=doc.issue_number,
            published_at=doc.published_at,
            published_date=doc.published_date,
            utc_offset_minutes=doc.utc_offset_minutes,
            authors=list(doc.authors),
            editors=list(doc.editors),
            tags=list(doc.tags),
            content_hash=doc.content_hash,
            encoding=doc.encoding,
            size=len(doc.source),
            linker_version=linker_version,
            source=doc.source,
        )
    )
    return int(result.inserted_primary_key[0])


def insert_contents(conn: Connection, document_id: int, linked: LinkedDocument) -> None:
    doc = linked.document
    if not doc.items:
        return
    _bulk_insert(
        conn,
        ITEM_TABLE,
        ("document_id", "position", "section_path", "kind", "text", "char_start", "char_end"),
        [
            (document_id, it.position, json.dumps(list(it.section_path)), it.kind, it.text, it.start, it.end)
            for it in doc.items
        ],
    )
    item_id = dict(
        conn.execute(
            select(ITEM_TABLE.c.position, ITEM_TABLE.c.id).where(ITEM_TABLE.c.document_id == document_id)
        ).all()
    )
    _bulk_insert(
        conn,
        LINK_TABLE,
        ("item_id", "url", "anchor", "char_start", "char_end", "anchor_start", "anchor_end"),
        [
            (item_id[it.position], ln.url, ln.anchor, ln.start, ln.end, ln.anchor_start, ln.anchor_end)
            for it in doc.items
            for ln in it.links
        ],
    )
    _ensure_entities(conn, linked.new_entities)
    _bulk_insert(
        conn,
        MENTION_TABLE,
        ("item_id", "entity_slug", "surface", "char_start", "char_end", "sentence_start", "sentence_end",
         "method", "confidence", "url"),
        [
            (item_id[m.item_position], m.entity, m.surface, m.start, m.end, m.sentence_start, m.sentence_end,
             m.method, m.confidence, m.url)
            for m in linked.mentions
        ],
    )  # fmt: skip
    _bulk_insert(
        conn,
        RELATION_TABLE,
        ("item_id", "subject_slug", "predicate", "object_slug", "sentence_start", "sentence_end", "method",
         "confidence", "cue"),
        [
            (item_id[r.item_position], r.subject, r.predicate, r.object, r.sentence_start, r.sentence_end,
             r.method, r.confidence, r.cue)
            for r in linked.relations
        ],
    )  # fmt: skip
    if linked.candidates:
        keys = {c.key: c for c in linked.candidates}
        known = dict(
            conn.execute(
                select(CANDIDATE_TABLE.c.key, CANDIDATE_TABLE.c.id).where(
                    CANDIDATE_TABLE.c.key.in_(list(keys))
                )
            ).all()
        )
        for key, cand in keys.items():
            if key not in known:
                known[key] = conn.execute(
                    insert(CANDIDATE_TABLE).values(key=key, label=cand.label, kind=cand.kind, url=cand.url)
                ).inserted_primary_key[0]
        _bulk_insert(
            conn,
            CANDIDATE_MENTION_TABLE,
            ("candidate_id", "item_id", "surface", "char_start", "char_end"),
            [(known[c.key], item_id[c.item_position], c.surface, c.start, c.end) for c in linked.candidates],
        )


def _bulk_insert(conn: Connection, table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Many rows through the driver's executemany: SQLAlchemy's per-row parameter processing was most of
    the writer's time on a corpus, and these tables hold only plain values (JSON already encoded)."""
    if not rows:
        return
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if marker is None:  # a driver with another parameter style goes through SQLAlchemy
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    conn.exec_driver_sql(sql, rows)


def _ensure_entities(conn: Connection, entities: Iterable[EntityRecord]) -> None:
    wanted = {e.slug: e for e in entities}
    if not wanted:
        return
    present = {
        row[0]
        for row in conn.execute(select(ENTITY_TABLE.c.slug).where(ENTITY_TABLE.c.slug.in_(list(wanted))))
    }
    rows = [entity_row(e) for slug, e in wanted.items() if slug not in present]
    if rows:
        conn.execute(insert(ENTITY_TABLE), rows)
