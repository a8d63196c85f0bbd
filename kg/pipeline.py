"""The data flow in one screen: discover → read → parse → link → store (then export, serve, explore).

Each stage lives in its own module; this one only runs them in order and keeps the tally.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from kg.errors import KgError, RejectedFile
from kg.models import DocumentRecord, EntityRecord, LinkedDocument

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kg.store import Store


# Below this many files the cost of forking workers outweighs the parallel speed-up.
PARALLEL_FROM = 40
# Documents parsed ahead of the writer at most (bounds memory on large corpora).
IN_FLIGHT = 64


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
    workers: int | None = None,
) -> IngestReport:
    """Ingest files and folders into the store, linking as it goes; unchanged files are skipped by hash.

    Parsing and linking are pure, so they run in `workers` forked processes; only this process writes SQL,
    one transaction per file, in file order (so row ids are reproducible).
    """
    from kg.ingest import discover, read_bytes

    report = IngestReport()
    files = discover(paths)
    linker_version = linker.version if linker is not None else "unlinked"
    if linker is not None:
        store.sync_entities(linker.entities(), linker.version)
    known_paths = store.path_states()
    pending: list[tuple[str, bytes]] = []
    for path in files:
        try:
            raw = read_bytes(path)
        except RejectedFile as rejection:
            report.rejected.append(str(rejection))
            continue
        state = known_paths.get(path)
        if state and state.content_hash == content_hash(raw) and state.linker_version == linker_version:
            report.outcomes["unchanged"] += 1
        else:
            pending.append((path, raw))
    for number, (path, result) in enumerate(_parse_all(pending, linker, workers), 1):
        if on_file is not None:
            on_file(path, number, len(pending))
        if isinstance(result, str):
            report.rejected.append(result)
            continue
        outcome = store.save_document(result, linker_version)
        report.outcomes[outcome] += 1
        if outcome in ("new", "changed", "relinked"):
            report.items += len(result.document.items)
            report.mentions += len(result.mentions)
            report.candidates += len(result.candidates)
            report.relations += len(result.relations)
    return report


# Set in forked workers before they start, so the linker is shared copy-on-write instead of pickled.
_worker_linker: Linker | None = None


def _parse_one(task: tuple[str, bytes]) -> tuple[str, LinkedDocument | str]:
    path, raw = task
    try:
        return path, parse_and_link(path, raw, _worker_linker)
    except RejectedFile as rejection:
        return path, str(rejection)


def _parse_all(
    pending: list[tuple[str, bytes]], linker: Linker | None, workers: int | None
) -> Iterator[tuple[str, LinkedDocument | str]]:
    global _worker_linker
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    _worker_linker = linker
    if workers <= 1 or len(pending) < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        yield from map(_parse_one, pending)
        return
    # Pool.imap reads its input eagerly and keeps every finished result until it is consumed; when the
    # writer is slower than the workers, parsed documents would pile up in memory. A semaphore released
    # per consumed result keeps at most IN_FLIGHT documents between the workers and the writer.
    window = threading.BoundedSemaphore(IN_FLIGHT)

    def throttled() -> Iterator[tuple[str, bytes]]:
        for task in pending:
            window.acquire()
            yield task

    with mp.get_context("fork").Pool(workers) as pool:
        for result in pool.imap(_parse_one, throttled(), chunksize=4):
            yield result
            window.release()


@dataclass
class BuildReport:
    """What `build` wrote: the ingest tally, each output file by name, and seconds per stage."""

    ingest: IngestReport
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    exports_skipped: bool = False  # nothing changed since the last build: the outputs were kept as they are


def build(
    paths: Sequence[str],
    out_dir: str,
    linker: Linker | Literal["default"] | None = "default",
    on_file: Callable[[str, int, int], None] | None = None,
    workers: int | None = None,
    explorer: bool = True,
) -> BuildReport:
    """ingest + link → DIR/kg.db, then export → DIR/graph.ttl, DIR/graph.graphml and DIR/explorer.html.

    `linker` defaults to the standard one (`kg.link.Linker.load()`); None builds without linking.
    Re-running on the same input skips unchanged files, and skips the exports too when the store and the
    exporting code are unchanged and every output is still there; otherwise it rewrites the same outputs
    byte for byte.
    """
    import time
    from pathlib import Path

    from kg.rdf import export
    from kg.store import Store

    if linker == "default":
        from kg.link import Linker as StandardLinker

        linker = StandardLinker.load()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outputs = {name: str(out / name) for name in ("kg.db", "graph.ttl", "graph.graphml")}
    if explorer:
        outputs["explorer.html"] = str(out / "explorer.html")
    with Store(f"sqlite:///{out / 'kg.db'}") as store:
        started = time.perf_counter()
        report = BuildReport(ingest(paths, store, linker, on_file=on_file, workers=workers))
        report.outputs = outputs
        report.seconds["ingest"] = time.perf_counter() - started

        stamp_file = out / ".build-stamp"
        stamp = _build_stamp(store, sorted(outputs))
        if stamp_file.exists() and stamp_file.read_text() == stamp and all(map(_exists, outputs.values())):
            report.exports_skipped = True
            return report
        stamp_file.unlink(missing_ok=True)  # an interrupted export must not look finished next time

        # The Turtle is written here while a forked process writes the GraphML and the explorer.
        started = time.perf_counter()
        child = _fork(_write_views, store.url, outputs["graph.graphml"], outputs.get("explorer.html", ""))
        export(store, out / "graph.ttl", "turtle")
        report.seconds["rdf"] = time.perf_counter() - started
        if child is None:
            _write_views(store.url, outputs["graph.graphml"], outputs.get("explorer.html", ""))
        else:
            child.join()
            if child.exitcode != 0:
                raise KgError(
                    f"writing {outputs['graph.graphml']} or the explorer failed "
                    f"(exit {child.exitcode}); see above"
                )
        report.seconds["graphml+explorer"] = time.perf_counter() - started
        stamp_file.write_text(stamp)
    return report


def _exists(path: str) -> bool:
    return os.path.exists(path)


def _build_stamp(store: Store, outputs: list[str]) -> str:
    """What the exports depend on: every stored document's hash and linker version, and the exporting code."""
    from pathlib import Path

    digest = hashlib.sha256()
    for content, linker_version in sorted(store.hashes().items()):
        digest.update(f"{content} {linker_version}\n".encode())
    package = Path(__file__).resolve().parent
    for code in sorted([*package.glob("rdf/*.py"), *package.glob("explore/**/*"), package / "network.py"]):
        if code.is_file():
            digest.update(code.read_bytes())
    digest.update(" ".join(outputs).encode())
    return digest.hexdigest()


def _write_views(url: str, graphml_path: str, explorer_path: str) -> None:
    from kg.network import write_network
    from kg.store import Store

    with Store(url) as store:
        write_network(store, graphml_path, "graphml")
        if explorer_path:
            from kg.explore import write_explorer

            write_explorer(store, explorer_path)


def _fork(target: Callable[..., None], *args: str) -> mp.process.BaseProcess | None:
    """`target(*args)` started in a forked process (None where fork is unavailable: run it inline then)."""
    if "fork" not in mp.get_all_start_methods():
        return None
    process = mp.get_context("fork").Process(target=target, args=args)
    process.start()
    return process
