"""The data flow in one screen: discover → read → parse → link → store (then export, serve, explore).

Each stage lives in its own module; this one only runs them in order and keeps the tally.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from kg.errors import RejectedFile
from kg.models import DocumentRecord, EntityRecord, LinkedDocument

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kg.store import Store


class Linker(Protocol):
    """What the link stage offers the pipeline (see `kg.link`)."""

    version: str

    def entities(self) -> Iterable[EntityRecord]: ...

    def link(self, document: DocumentRecord) -> LinkedDocument: ...


@dataclass
class IngestReport:
    """What one ingest run did, file by file outcome counts and the rejections verbatim."""

    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: list[str] = field(default_factory=list)
    items: int = 0
    mentions: int = 0
    candidates: int = 0
    relations: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict[str, object]:
        return {
            "files": sum(self.outcomes.values()) + len(self.rejected),
            "new": self.outcomes["new"],
            "changed": self.outcomes["changed"],
            "unchanged": self.outcomes["unchanged"],
            "duplicate": self.outcomes["duplicate"],
            "relinked": self.outcomes["relinked"],
            "rejected": len(self.rejected),
            "items": self.items,
            "mentions": self.mentions,
            "candidates": self.candidates,
            "relations": self.relations,
        }


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse_and_link(path: str, raw: bytes, linker: Linker | None) -> LinkedDocument:
    """The pure part of ingest: bytes of one file in, a linked document out (or RejectedFile)."""
    from kg.ingest import parse_post

    document = parse_post(path, raw, content_hash(raw))
    return linker.link(document) if linker is not None else LinkedDocument(document)


def ingest(
    paths: Sequence[str],
    store: Store,
    linker: Linker | None,
    on_file: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into the store, linking as it goes; unchanged files are skipped by hash."""
    from kg.ingest import discover, read_bytes

    report = IngestReport()
    files = discover(paths)
    linker_version = linker.version if linker is not None else "unlinked"
    if linker is not None:
        store.sync_entities(linker.entities(), linker.version)
    known_paths = store.path_states()
    for number, path in enumerate(files, 1):
        if on_file is not None:
            on_file(path, number, len(files))
        try:
            raw = read_bytes(path)
            state = known_paths.get(path)
            if state and state.content_hash == content_hash(raw) and state.linker_version == linker_version:
                report.outcomes["unchanged"] += 1
                continue
            linked = parse_and_link(path, raw, linker)
        except RejectedFile as rejection:
            report.rejected.append(str(rejection))
            continue
        outcome = store.save_document(linked, linker_version)
        report.outcomes[outcome] += 1
        if outcome in ("new", "changed", "relinked"):
            report.items += len(linked.document.items)
            report.mentions += len(linked.mentions)
            report.candidates += len(linked.candidates)
            report.relations += len(linked.relations)
    return report
