"""The same store on PostgreSQL: real posts ingested into a throwaway server give SQLite's counts and graph.

The server comes from scripts/postgres-test-server.sh (Debian's package, installed when missing and root);
these tests skip, saying why, only when PostgreSQL cannot be had on this machine.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sparql_support import build_store, corpus_db, corpus_paths  # noqa: F401  # corpus_db is a fixture
from sqlalchemy import select

from kg.models import Document, Item, Mention
from kg.rdf import oxigraph_store
from kg.store import Store

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres-test-server.sh"
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The --db URL of an empty database on a fresh PostgreSQL server."""
    folder = tmp_path_factory.mktemp("postgres")
    started = subprocess.run(
        ["bash", str(SCRIPT), "start", str(folder)], capture_output=True, text=True, check=False, timeout=600
    )
    if started.returncode == 3:
        pytest.skip(f"PostgreSQL cannot be had here: {started.stderr.strip()}")
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(
            ["bash", str(SCRIPT), "stop", str(folder)], capture_output=True, check=False, timeout=120
        )


@pytest.fixture(scope="module")
def postgres_db(postgres: str) -> str:
    build_store(postgres, corpus_paths())
    return postgres


def _mentions(url: str) -> list[tuple[object, ...]]:
    with Store(url) as store, store.engine.connect() as conn:
        stmt = (
            select(
                Document.slug,
                Item.position,
                Mention.entity_slug,
                Mention.char_start,
                Mention.char_end,
                Mention.surface,
                Mention.method,
            )
            .join(Item, Item.id == Mention.item_id)
            .join(Document, Document.id == Item.document_id)
        )
        return sorted(tuple(row) for row in conn.execute(stmt))


def test_postgres_store_counts_equal_sqlite(postgres_db: str, corpus_db: str) -> None:  # noqa: F811
    assert postgres_db.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    with Store(postgres_db) as pg, Store(corpus_db) as lite:
        pg_stats, lite_stats = pg.stats(), lite.stats()
    assert pg_stats == lite_stats
    assert pg_stats["documents"] == len(corpus_paths()) and pg_stats["mentions"] > 500


def test_postgres_mentions_equal_sqlite_row_for_row(postgres_db: str, corpus_db: str) -> None:  # noqa: F811
    assert _mentions(postgres_db) == _mentions(corpus_db)


def test_postgres_reingest_is_incremental(postgres_db: str) -> None:
    from kg.link import Linker
    from kg.pipeline import ingest

    with Store(postgres_db) as store:
        before = store.stats()
        report = ingest(corpus_paths(), store, Linker.load())
        assert report.as_dict()["unchanged"] == len(corpus_paths())
        assert store.stats() == before


def test_the_graph_from_postgres_equals_the_graph_from_sqlite(postgres_db: str, corpus_db: str) -> None:  # noqa: F811
    with Store(postgres_db) as pg, Store(corpus_db) as lite:
        assert set(oxigraph_store(pg)) == set(oxigraph_store(lite))


def test_kg_query_reads_postgres_through_the_same_db_option(postgres_db: str, corpus_db: str) -> None:  # noqa: F811
    def top(url: str) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "kg.cli",
                "query",
                "--name",
                "top-projects",
                "--format",
                "csv",
                "--db",
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert top(postgres_db) == top(corpus_db)
