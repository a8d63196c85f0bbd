"""The SQL store: outcomes of save_document, entity sync, and what a replaced document leaves behind."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.models import (
    AliasRecord,
    CandidateRecord,
    DocumentRecord,
    EntityRecord,
    ItemRecord,
    LinkedDocument,
    LinkRecord,
    MentionRecord,
)
from kg.store import Store, resolve_db_url

SOURCE = "## 业界要闻\n\n- [Knative](https://github.com/knative/) 发布 v0.5\n- Istio 1.1.2 发布\n"


def make_document(path: str, source: str = SOURCE, content_hash: str = "h1") -> DocumentRecord:
    first = source.index("- [Knative]")
    first_end = source.index("\n", first)
    second = source.index("- Istio")
    second_end = source.index("\n", second)
    anchor = source.index("Knative")
    link_end = source.index(")", anchor) + 1
    items = (
        ItemRecord(
            0,
            ("业界要闻",),
            "bullet",
            first,
            first_end,
            source[first:first_end],
            (
                LinkRecord(
                    "https://github.com/knative/",
                    "Knative",
                    first + 2,
                    link_end,
                    anchor,
                    anchor + len("Knative"),
                ),
            ),
        ),
        ItemRecord(1, ("业界要闻",), "bullet", second, second_end, source[second:second_end]),
    )
    return DocumentRecord(
        path=path,
        slug="cloud-native-weekly-zh/sample",
        series="cloud-native-weekly-zh",
        title="第1期",
        issue_number=1,
        published_at="2019-04-16T19:35:39+08:00",
        published_date=dt.date(2019, 4, 16),
        utc_offset_minutes=480,
        authors=("张磊",),
        editors=("木环",),
        tags=("cloud native",),
        content_hash=content_hash,
        encoding="utf-8",
        source=source,
        items=items,
    )


def linked(document: DocumentRecord) -> LinkedDocument:
    start = document.source.index("Knative")
    return LinkedDocument(
        document,
        mentions=(
            MentionRecord(0, "knative", "Knative", start, start + 7, "alias", 1.0, start - 4, start + 20),
        ),
        candidates=(CandidateRecord(1, "frobnicator", "Frobnicator", "name", "Istio", 0, 5),),
    )


ENTITIES = [EntityRecord("knative", "Project", "Knative", aliases=(AliasRecord("Knative"),))]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(f"sqlite:///{tmp_path / 'kg.db'}") as opened:
        opened.sync_entities(ENTITIES, "v1")
        yield opened


def test_resolve_db_url_prefers_option_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_DB", "sqlite:///env.db")
    assert resolve_db_url("sqlite:///opt.db") == "sqlite:///opt.db"
    assert resolve_db_url(None) == "sqlite:///env.db"
    monkeypatch.delenv("KG_DB")
    assert resolve_db_url(None) == "sqlite:///kg.db"
    assert resolve_db_url("data/x.db") == "sqlite:///data/x.db"


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"folder .* does not exist"):
        Store(f"sqlite:///{tmp_path / 'nope' / 'kg.db'}")


def test_sqlite_runs_in_wal_mode(store: Store, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "kg.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_new_document_is_stored_with_items_links_mentions_and_candidates(store: Store) -> None:
    assert store.save_document(linked(make_document("a.md")), "v1") == "new"
    counts = store.stats()
    assert {k: counts[k] for k in ("documents", "items", "links", "mentions", "candidates", "entities")} == {
        "documents": 1,
        "items": 2,
        "links": 1,
        "mentions": 1,
        "candidates": 1,
        "entities": 1,
    }


def test_same_post_under_two_paths_is_stored_once(store: Store) -> None:
    store.save_document(linked(make_document("a.md")), "v1")
    assert store.save_document(linked(make_document("copy/a.md")), "v1") == "duplicate"
    assert store.stats()["documents"] == 1
    assert set(store.path_states()) == {"a.md", "copy/a.md"}


def test_changed_file_replaces_its_items_and_drops_the_old_document(store: Store) -> None:
    store.save_document(linked(make_document("a.md")), "v1")
    changed = make_document("a.md", SOURCE.replace("v0.5", "v0.6"), content_hash="h2")
    assert store.save_document(linked(changed), "v1") == "changed"
    counts = store.stats()
    assert (counts["documents"], counts["items"], counts["mentions"]) == (1, 2, 1)
    assert store.path_states()["a.md"].content_hash == "h2"


def test_new_linker_version_relinks_in_place(store: Store) -> None:
    store.save_document(linked(make_document("a.md")), "v1")
    assert store.save_document(LinkedDocument(make_document("a.md")), "v2") == "relinked"
    counts = store.stats()
    assert (counts["documents"], counts["items"], counts["mentions"]) == (1, 2, 0)
    assert store.path_states()["a.md"].linker_version == "v2"


def test_sync_entities_only_writes_when_the_ontology_changed(store: Store) -> None:
    assert store.sync_entities(ENTITIES, "v1") is False
    renamed = [
        EntityRecord("knative", "Project", "Knative (serverless)", aliases=(AliasRecord("Knative"),)),
        EntityRecord("istio", "Project", "Istio"),
    ]
    assert store.sync_entities(renamed, "v2") is True
    assert store.stats()["entities"] == 2
    assert store.meta("ontology_version") == "v2"


def test_an_entity_still_mentioned_survives_its_removal_from_the_ontology(store: Store) -> None:
    store.save_document(linked(make_document("a.md")), "v1")
    store.sync_entities([EntityRecord("istio", "Project", "Istio")], "v2")
    assert store.stats()["entities"] == 2
