"""Post snippets → expected items: every file in tests/fixtures/ingest/*.md against its golden JSON.

The golden files are meant to be read in review: each item's kind, section path, exact text and links.
After an intended parser change, regenerate them with `KG_REGEN_GOLDEN=1 pytest tests/test_ingest_fixtures.py`
and read the diff before committing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from kg.ingest import parse_post
from kg.models import DocumentRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
CASES = sorted(FIXTURES.glob("*.md"))


def describe(doc: DocumentRecord) -> dict[str, Any]:
    return {
        "document": {
            "title": doc.title,
            "issue_number": doc.issue_number,
            "published_at": doc.published_at,
            "published_date": doc.published_date.isoformat() if doc.published_date else None,
            "utc_offset_minutes": doc.utc_offset_minutes,
            "date_source": doc.metadata["date_source"],
            "authors": list(doc.authors),
            "editors": list(doc.editors),
            "tags": list(doc.tags),
            "encoding": doc.encoding,
        },
        "items": [
            {
                "kind": item.kind,
                "section": list(item.section_path),
                "text": item.text,
                "links": [[link.url, link.anchor, doc.source[link.start : link.end]] for link in item.links],
            }
            for item in doc.items
        ],
    }


def parse_fixture(path: Path) -> DocumentRecord:
    raw = path.read_bytes()
    return parse_post(str(path), raw, hashlib.sha256(raw).hexdigest())


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fixture_matches_its_golden_items(case: Path) -> None:
    actual = describe(parse_fixture(case))
    golden = case.with_suffix(".expected.json")
    if os.environ.get("KG_REGEN_GOLDEN"):
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fixture_spans_are_exact(case: Path) -> None:
    doc = parse_fixture(case)
    assert [item.position for item in doc.items] == list(range(len(doc.items)))
    for item in doc.items:
        assert doc.source[item.start : item.end] == item.text
        for link in item.links:
            assert item.start <= link.start <= link.anchor_start <= link.anchor_end <= link.end <= item.end
            assert doc.source[link.anchor_start : link.anchor_end] == link.anchor


def test_every_fixture_has_a_golden_file() -> None:
    assert CASES, "no fixtures found"
    assert sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")) == [
        c.stem for c in CASES
    ]
