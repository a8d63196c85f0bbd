"""What linking left for review: candidates from the store, counted across documents, with evidence.

Read-only SQL over the tables kg.store writes (Candidate, CandidateMention, Item, Document).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from kg.models import Candidate, CandidateMention, Document, Item

SAMPLES = 3


def candidate_counts(store: Any, min_count: int = 1, limit: int | None = None) -> list[dict[str, Any]]:
    """Candidates seen at least `min_count` times, most frequent first, with counts and sample evidence."""
    count = func.count(CandidateMention.id).label("mentions")
    documents = func.count(func.distinct(Item.document_id)).label("documents")
    stmt = (
        select(Candidate.id, Candidate.key, Candidate.label, Candidate.kind, Candidate.url, Candidate.status,
               count, documents)
        .join(CandidateMention, CandidateMention.candidate_id == Candidate.id)
        .join(Item, Item.id == CandidateMention.item_id)
        .group_by(Candidate.id)
        .having(count >= min_count)
        .order_by(count.desc(), documents.desc(), Candidate.key)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        found = conn.execute(stmt).all()
        out = []
        for row in found:
            samples = conn.execute(
                select(Document.path, Item.position, Item.text, CandidateMention.surface,
                       CandidateMention.char_start, Item.char_start)
                .join(Item, Item.id == CandidateMention.item_id)
                .join(Document, Document.id == Item.document_id)
                .where(CandidateMention.candidate_id == row.id)
                .order_by(Document.path, CandidateMention.char_start)
                .limit(SAMPLES)
            ).all()
            out.append({
                "key": row.key,
                "label": row.label,
                "kind": row.kind,
                "url": row.url,
                "status": row.status,
                "mentions": row.mentions,
                "documents": row.documents,
                "evidence": [
                    {"doc": s[0], "item": s[1], "surface": s[3], "context": _context(s[2], s[4] - s[5])}
                    for s in samples
                ],
            })
    return out


def _context(text: str, at: int, width: int = 60) -> str:
    start = max(at - width, 0)
    snippet = text[start : at + width].replace("\n", " ")
    return ("…" if start else "") + snippet + ("…" if at + width < len(text) else "")
