"""The named analyst queries: documented, runnable, and giving the answers SQL gives over the same store."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from sparql_support import corpus_db  # noqa: F401  # a fixture
from sqlalchemy import select

from kg.errors import QueryError
from kg.ids import entity_iri
from kg.models import Document, Entity, Item, Mention
from kg.sparql import named
from kg.sparql.local import run_query
from kg.sparql.zygote import Source, load
from kg.store import Store

QUERIES = Path(__file__).resolve().parents[1] / "kg" / "queries"


@pytest.fixture(scope="module")
def graph(corpus_db: str) -> Any:  # noqa: F811
    return load(Source(db=corpus_db))


def answer(graph: Any, name: str) -> list[dict[str, str]]:
    text = run_query(named.get(name).query, Source(), output="json", store=graph).text
    doc = json.loads(text)
    assert "truncated" not in doc, name
    return [{k: v["value"] for k, v in row.items()} for row in doc["results"]["bindings"]]


def mention_rows(url: str, titles: bool = True) -> list[tuple[str, int, str, Any]]:
    """(entity slug, item id, entity type, issue date) of every mention, straight from SQL; without those in
    posts' titles when `titles` is False."""
    with Store(url) as store, store.engine.connect() as conn:
        stmt = (
            select(Mention.entity_slug, Mention.item_id, Entity.type, Document.published_date)
            .join(Entity, Entity.slug == Mention.entity_slug)
            .join(Item, Item.id == Mention.item_id)
            .join(Document, Document.id == Item.document_id)
        )
        if not titles:
            stmt = stmt.where(Item.kind != "title")
        return [tuple(row) for row in conn.execute(stmt)]  # type: ignore[misc]


def test_readme_documents_every_named_query() -> None:
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme, flags=re.MULTILINE))
    assert documented == {path.stem for path in QUERIES.glob("*.rq")}
    assert [q.name for q in named.load_all()] == sorted(documented)


def test_every_named_query_has_a_title_and_description() -> None:
    for query in named.load_all():
        assert query.title and len(query.description) > 40, query.name


def test_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(
        QueryError, match=r"^unknown named query 'top-project'; did you mean 'top-projects'\? known: "
    ):
        named.get("top-project")


def test_a_file_without_a_title_is_named_in_the_error(tmp_path: Path) -> None:
    (tmp_path / "bad.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"bad\.rq:1: a named query starts with a '# title: …' line$"):
        named.load_all(tmp_path)


def test_top_projects_agrees_with_sql(graph: Any, corpus_db: str) -> None:  # noqa: F811
    items: dict[str, set[int]] = {}
    for slug, item, etype, _date in mention_rows(corpus_db):
        if etype == "Project":
            items.setdefault(slug, set()).add(item)
    expected = sorted(((len(v), entity_iri(k)) for k, v in items.items()), key=lambda x: (-x[0], x[1]))[:25]
    rows = answer(graph, "top-projects")
    assert [(int(r["items"]), r["project"]) for r in rows] == expected
    assert all(r["label"] for r in rows)


def test_co_mentions_agree_with_sql(graph: Any, corpus_db: str) -> None:  # noqa: F811
    by_item: dict[int, set[str]] = {}
    for slug, item, _etype, _date in mention_rows(corpus_db, titles=False):
        by_item.setdefault(item, set()).add(entity_iri(slug))
    pairs = Counter(pair for entities in by_item.values() for pair in combinations(sorted(entities), 2))
    expected = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
    rows = answer(graph, "co-mentions")
    assert [((r["a"], r["b"]), int(r["items"])) for r in rows] == expected


def test_mentions_per_month_agree_with_sql(graph: Any, corpus_db: str) -> None:  # noqa: F811
    totals = Counter(entity_iri(slug) for slug, _item, _etype, _date in mention_rows(corpus_db))
    top = {iri for iri, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:100]}
    expected = Counter(
        (date.isoformat()[:7], entity_iri(slug))
        for slug, _item, _etype, date in mention_rows(corpus_db)
        if date is not None and entity_iri(slug) in top
    )
    rows = answer(graph, "mentions-per-month")
    assert {(r["month"], r["entity"]): int(r["mentions"]) for r in rows} == dict(expected)


def test_items_mentioning_kubernetes_carry_their_provenance(graph: Any, corpus_db: str) -> None:  # noqa: F811
    kubernetes = [row for row in mention_rows(corpus_db) if row[0] == "kubernetes"]
    rows = answer(graph, "items-mentioning")
    assert len(rows) == len(kubernetes) > 5
    sources: dict[str, str] = {}
    for row in rows:
        path = row["path"]
        source = sources.setdefault(path, Path(path).read_text(encoding="utf-8-sig"))
        assert source[int(row["start"]) : int(row["end"])] == row["surface"]  # offsets point into the file


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.rq")))
def test_every_named_query_runs_on_real_posts(graph: Any, name: str) -> None:
    result = run_query(named.get(name).query, Source(), output="table", store=graph)
    assert not result.truncated
    assert result.rows > 0, f"{name} found nothing in the corpus sample"


def test_table_output_aligns_columns(graph: Any) -> None:
    text = run_query(named.get("vendors-projects").query, Source(), output="table", store=graph).text
    lines = text.splitlines()
    assert lines[0].split() == ["organization", "organization_label", "project", "project_label", "items"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].startswith("ent:")
