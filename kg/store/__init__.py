"""The SQL store: the only package that writes SQL. SQLite embedded by default, PostgreSQL by URL.

Every document is written in one transaction (on SQLite `BEGIN IMMEDIATE`, so concurrent ingests queue
behind the busy timeout instead of failing), which keeps the database consistent through a `kill -9`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import SQLModel

from kg.errors import StoreError
from kg.models import EntityRecord, LinkedDocument
from kg.store.rows import (
    ALIAS_TABLE,
    CANDIDATE_MENTION_TABLE,
    CANDIDATE_TABLE,
    DOCUMENT_PATH_TABLE,
    DOCUMENT_TABLE,
    ENTITY_TABLE,
    ITEM_TABLE,
    LINK_TABLE,
    MENTION_TABLE,
    META_TABLE,
    RELATION_TABLE,
    clear_contents,
    drop_if_orphan,
    entity_row,
    insert_contents,
    insert_document,
    point_path,
    set_meta,
)

DEFAULT_DB = "sqlite:///kg.db"
# Entity types the linker mints from the text; they are not in the ontology files.
MINTED_TYPES = ("Proposal", "Release", "Vulnerability")
BUSY_TIMEOUT_S = 60


def resolve_db_url(url: str | None) -> str:
    """`--db` wins, then `$KG_DB`, then `sqlite:///kg.db`; a bare file path is taken as SQLite."""
    url = url or os.environ.get("KG_DB") or DEFAULT_DB
    if "://" not in url:
        url = f"sqlite:///{url}"
    return url


def _sqlite_engine(url: str) -> Engine:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if path and path != ":memory:" and not Path(path).parent.exists():
        raise StoreError(f"cannot open database {url}: folder {Path(path).parent} does not exist")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN IMMEDIATE itself (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # WAL persists in the file
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Random inserts into the mention/item indexes thrash SQLite's default 2 MB page cache once the
        # store outgrows it (a 20x corpus); a bigger cache keeps ingest time linear in the input.
        cursor.execute("PRAGMA cache_size = -131072")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@dataclass(frozen=True, slots=True)
class PathState:
    document_id: int
    content_hash: str
    linker_version: str


class Store:
    """A SQL database of documents, items, links, entities, mentions, candidates and relations."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_db_url(url)
        try:
            if self.url.startswith("sqlite"):
                self.engine = _sqlite_engine(self.url)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
            self._create_tables()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open database {self.url}: {_reason(exc)}") from exc

    def _create_tables(self) -> None:
        # Two processes creating one new SQLite file at once can see "database is locked" while the other
        # turns on WAL (SQLite does not always wait in its busy handler there), so that case is retried.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                with self.engine.begin() as conn:
                    SQLModel.metadata.create_all(conn)
                return
            except OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                self.engine.dispose()
                time.sleep(0.05)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"database {self.url} is not writable: {_reason(exc)}") from exc

    # ----------------------------------------------------------------- reading

    def path_states(self) -> dict[str, PathState]:
        """What is stored for every path read so far (for incremental ingest)."""
        stmt = select(
            DOCUMENT_PATH_TABLE.c.path,
            DOCUMENT_PATH_TABLE.c.document_id,
            DOCUMENT_TABLE.c.content_hash,
            DOCUMENT_TABLE.c.linker_version,
        ).join(DOCUMENT_TABLE, DOCUMENT_TABLE.c.id == DOCUMENT_PATH_TABLE.c.document_id)
        with self.engine.connect() as conn:
            return {row[0]: PathState(row[1], row[2], row[3]) for row in conn.execute(stmt)}

    def hashes(self) -> dict[str, str]:
        """content hash -> linker version of every stored document."""
        with self.engine.connect() as conn:
            return dict(
                conn.execute(select(DOCUMENT_TABLE.c.content_hash, DOCUMENT_TABLE.c.linker_version)).all()
            )

    def meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(META_TABLE.c.value).where(META_TABLE.c.key == key)).scalar()

    def stats(self) -> dict[str, int]:
        tables = {
            "documents": DOCUMENT_TABLE,
            "items": ITEM_TABLE,
            "links": LINK_TABLE,
            "mentions": MENTION_TABLE,
            "entities": ENTITY_TABLE,
            "aliases": ALIAS_TABLE,
            "candidates": CANDIDATE_TABLE,
            "relations": RELATION_TABLE,
        }
        with self.engine.connect() as conn:
            counts = {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in tables.items()
            }
            counts["linked_entities"] = conn.execute(
                select(func.count(func.distinct(MENTION_TABLE.c.entity_slug)))
            ).scalar_one()
            counts["dated_documents"] = conn.execute(
                select(func.count())
                .select_from(DOCUMENT_TABLE)
                .where(DOCUMENT_TABLE.c.published_date.is_not(None))
            ).scalar_one()
        return counts

    # ----------------------------------------------------------------- writing

    def sync_entities(self, entities: Iterable[EntityRecord], version: str) -> bool:
        """Replace the curated entities when the ontology changed; returns whether anything was written.

        Entities minted while linking (proposals, releases, CVEs) are kept: they are not in the ontology.
        """
        if self.meta("ontology_version") == version:
            return False
        entities = list(entities)
        with self.transaction() as conn:
            keep = {
                row[0]
                for row in conn.execute(
                    select(ENTITY_TABLE.c.slug).where(ENTITY_TABLE.c.type.in_(MINTED_TYPES))
                )
            }
            conn.execute(delete(ALIAS_TABLE))
            # Mentions point at entities, so entities are upserted rather than deleted and re-inserted.
            existing = {row[0] for row in conn.execute(select(ENTITY_TABLE.c.slug))}
            rows = [entity_row(e) for e in entities]
            new_rows = [r for r in rows if r["slug"] not in existing]
            if new_rows:
                conn.execute(insert(ENTITY_TABLE), new_rows)
            for row in rows:
                if row["slug"] in existing:
                    conn.execute(update(ENTITY_TABLE).where(ENTITY_TABLE.c.slug == row["slug"]).values(**row))
            alias_rows = [
                {"entity_slug": e.slug, "text": a.text, "lang": a.lang, "ambiguous": a.ambiguous}
                for e in entities
                for a in e.aliases
            ]
            if alias_rows:
                conn.execute(insert(ALIAS_TABLE), alias_rows)
            defined = {r["slug"] for r in rows} | keep
            stale = existing - defined
            if stale:
                used = {
                    row[0]
                    for row in conn.execute(
                        select(MENTION_TABLE.c.entity_slug)
                        .where(MENTION_TABLE.c.entity_slug.in_(stale))
                        .distinct()
                    )
                }
                conn.execute(delete(ENTITY_TABLE).where(ENTITY_TABLE.c.slug.in_(stale - used)))
            set_meta(conn, "ontology_version", version)
        return True

    def save_document(self, linked: LinkedDocument, linker_version: str) -> str:
        """Store one linked document in one transaction; returns new | changed | duplicate | relinked.

        The state is re-read inside the transaction, so two ingests of the same files at once agree.
        """
        doc = linked.document
        with self.transaction() as conn:
            by_hash = conn.execute(
                select(DOCUMENT_TABLE.c.id, DOCUMENT_TABLE.c.linker_version).where(
                    DOCUMENT_TABLE.c.content_hash == doc.content_hash
                )
            ).first()
            old_path = conn.execute(
                select(DOCUMENT_PATH_TABLE.c.document_id, DOCUMENT_PATH_TABLE.c.content_hash).where(
                    DOCUMENT_PATH_TABLE.c.path == doc.path
                )
            ).first()
            if by_hash is not None and by_hash[1] == linker_version:
                outcome = "duplicate" if old_path is None or old_path[0] != by_hash[0] else "unchanged"
                point_path(conn, doc.path, by_hash[0], doc.content_hash, exists=old_path is not None)
                if old_path is not None and old_path[0] != by_hash[0]:
                    drop_if_orphan(conn, old_path[0])
                return outcome
            if by_hash is not None:  # same text, older linker: keep the document row, redo its contents
                document_id = by_hash[0]
                clear_contents(conn, document_id)
                conn.execute(
                    update(DOCUMENT_TABLE)
                    .where(DOCUMENT_TABLE.c.id == document_id)
                    .values(linker_version=linker_version)
                )
                outcome = "relinked"
            else:
                document_id = insert_document(conn, doc, linker_version)
                outcome = "changed" if old_path is not None else "new"
            point_path(conn, doc.path, document_id, doc.content_hash, exists=old_path is not None)
            if old_path is not None and old_path[0] != document_id:
                drop_if_orphan(conn, old_path[0])
            insert_contents(conn, document_id, linked)
        return outcome

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            set_meta(conn, key, value)

    # ----------------------------------------------------------------- candidates (`kg ontology promote`)

    def candidate(self, key: str) -> dict[str, Any] | None:
        """The candidate with this key, with how often it was seen; None when there is none."""
        stmt = select(
            CANDIDATE_TABLE.c.id,
            CANDIDATE_TABLE.c.key,
            CANDIDATE_TABLE.c.label,
            CANDIDATE_TABLE.c.kind,
            CANDIDATE_TABLE.c.url,
            CANDIDATE_TABLE.c.status,
        ).where(CANDIDATE_TABLE.c.key == key)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
            if row is None:
                return None
            seen = conn.execute(
                select(func.count())
                .select_from(CANDIDATE_MENTION_TABLE)
                .where(CANDIDATE_MENTION_TABLE.c.candidate_id == row[0])
            ).scalar_one()
        return {
            "key": row[1],
            "label": row[2],
            "kind": row[3],
            "url": row[4],
            "status": row[5],
            "mentions": seen,
        }

    def set_candidate_status(self, key: str, status: str) -> None:
        """Mark a reviewed candidate `new`, `promoted` or `rejected`."""
        if status not in ("new", "promoted", "rejected"):
            raise StoreError(f"unknown candidate status '{status}'; use new, promoted or rejected")
        with self.transaction() as conn:
            done = conn.execute(
                update(CANDIDATE_TABLE).where(CANDIDATE_TABLE.c.key == key).values(status=status)
            )
            if done.rowcount == 0:
                raise StoreError(f"no candidate '{key}' in {self.url}")


# --------------------------------------------------------------------------- helpers (one transaction)


def _reason(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]
