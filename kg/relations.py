"""Typed relations between entities mentioned in the same sentence (replaced by the graph stage's rules)."""

from __future__ import annotations

from collections.abc import Sequence

from kg.models import DocumentRecord, MentionRecord, RelationRecord


def find_relations(document: DocumentRecord, mentions: Sequence[MentionRecord]) -> list[RelationRecord]:
    """Relations stated in the document's sentences; the rules land with the graph issue."""
    return []
