"""`kg extract`: parse and link posts without a database, one JSON object per mention.

The row contract (issue 3): {"doc": path as given, "item": "<document slug>#<item position>", "entity": IRI,
"label", "type", "surface", "start", "end", "method"} plus "url" for proposals; with candidates on, rows for
candidates carry "candidate": true, "key", "kind" and no entity. Files are parsed and linked in forked
worker processes (each returns finished JSON lines, so little crosses the process boundary); output keeps
file order. The item id uses the item's position in its post, which ingest assigns in document order, so it
is stable for a given file.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kg.ids import entity_iri
from kg.models import LinkedDocument

# Below this many files forking workers costs more than it saves.
PARALLEL_FROM = 24

_WORKER_LINKER: Any = None
_WORKER_CANDIDATES = False
_WORKER_FORMAT = "jsonl"
FORMATS = ("jsonl", "marked")


@dataclass(frozen=True, slots=True)
class FileResult:
    path: str
    lines: tuple[str, ...] = ()
    error: str | None = None
    warnings: tuple[str, ...] = ()  # what was passed over to link the file (a date that is no date)


def rows(linked: LinkedDocument, entity_index: Any, candidates: bool = False) -> list[dict[str, Any]]:
    """The JSON rows of one linked document, in source order."""
    doc = linked.document
    minted = {e.slug: e for e in linked.new_entities}
    out: list[dict[str, Any]] = []
    for mention in linked.mentions:
        entity = minted.get(mention.entity) or entity_index.get(mention.entity)
        row: dict[str, Any] = {
            "doc": doc.path,
            "item": f"{doc.slug}#{mention.item_position}",
            "entity": entity_iri(mention.entity),
            "label": entity.label if entity is not None else mention.entity,
            "type": entity.type if entity is not None else None,
            "surface": mention.surface,
            "start": mention.start,
            "end": mention.end,
            "method": mention.method,
        }
        if mention.url is not None:
            row["url"] = mention.url
        out.append(row)
    if candidates:
        for cand in linked.candidates:
            row = {
                "doc": doc.path,
                "item": f"{doc.slug}#{cand.item_position}",
                "candidate": True,
                "key": cand.key,
                "label": cand.label,
                "kind": cand.kind,
                "surface": cand.surface,
                "start": cand.start,
                "end": cand.end,
            }
            if cand.url is not None:
                row["url"] = cand.url
            out.append(row)
        out.sort(key=lambda r: (r["start"], r["end"], "candidate" in r))
    return out


def _link_file(path: str) -> FileResult:
    from kg.errors import RejectedFile
    from kg.ingest import parse_post, read_bytes
    from kg.pipeline import content_hash

    try:
        raw = read_bytes(path)
        # Relations, sentences and (unless asked for) candidates are not in the rows: not computed.
        # Linking needs no date: a date that is no date is reported, not a reason to drop the post.
        document = parse_post(path, raw, content_hash(raw), strict_dates=False)
        linked = _WORKER_LINKER.link(document, relations=False, candidates=_WORKER_CANDIDATES,
                                     sentences=False)
    except RejectedFile as rejection:
        return FileResult(path, error=str(rejection))
    warnings = tuple(document.metadata.get("date_problems", ()))
    if _WORKER_FORMAT == "marked":
        return FileResult(path, (f"===== {path}", marked(linked, _WORKER_CANDIDATES)), warnings=warnings)
    entities = _WORKER_LINKER.base.entities
    lines = tuple(json.dumps(r, ensure_ascii=False) for r in rows(linked, entities, _WORKER_CANDIDATES))
    return FileResult(path, lines, warnings=warnings)


def marked(linked: LinkedDocument, candidates: bool = False) -> str:
    """The post's source with each linked span marked `⟦surface⟧{slug}` (and, with `candidates`, each
    candidate's `⟪surface⟫{key}`), for reading what the linker linked and what it left: the longest span
    at a place is marked, spans inside it are not. Removing the marks gives the source back."""
    source = linked.document.source
    spans = [(m.start, m.end, "⟦", "⟧", m.entity) for m in linked.mentions]
    if candidates:
        spans += [(c.start, c.end, "⟪", "⟫", c.key) for c in linked.candidates]
    out: list[str] = []
    at = 0
    for start, end, opening, closing, name in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < at:
            continue
        out += [source[at:start], opening, source[start:end], closing, "{", name, "}"]
        at = end
    out.append(source[at:])
    return "".join(out)


def as_given(paths: Sequence[str], found: Sequence[str]) -> list[str]:
    """Discovered absolute paths rewritten under the argument they were found from (`doc` is as given)."""
    roots = [(os.path.abspath(p), p) for p in paths]
    out = []
    for path in found:
        for root, given in roots:
            if path == root:
                out.append(given)
                break
            if path.startswith(root.rstrip(os.sep) + os.sep):
                out.append(os.path.join(given, os.path.relpath(path, root)))
                break
        else:
            out.append(path)
    return out


def extract(
    paths: Sequence[str], linker: Any, candidates: bool = False, workers: int | None = None,
    output_format: str = "jsonl",
) -> Iterator[FileResult]:
    """Every file under `paths`, linked, as JSON lines or marked text (`output_format`), or the reason it
    was rejected, in file order."""
    from kg.ingest import discover

    global _WORKER_LINKER, _WORKER_CANDIDATES, _WORKER_FORMAT
    files = as_given(paths, discover(paths))
    _WORKER_LINKER, _WORKER_CANDIDATES, _WORKER_FORMAT = linker, candidates, output_format
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(files) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        for path in files:
            yield _link_file(path)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(_link_file, files, chunksize=4)
