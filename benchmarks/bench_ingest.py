"""Whole-corpus ingest time: `kg ingest ../shared/corpus` on an empty SQLite file, then again (target < 15 s).

Runs the real CLI in a subprocess (start-up included), with `--no-link`, and with linking when `kg.link` is
importable; also times parsing alone through the library, to show where the time goes.
Usage: .venv/bin/python benchmarks/bench_ingest.py   (or `make bench`, which collects build/bench.json)
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.models import DocumentRecord

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
KG = Path(sys.executable).parent / "kg"
TARGET_S = 15.0


def timed_ingest(db: Path, *options: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [str(KG), "ingest", str(CORPUS), "--quiet", "--db", f"sqlite:///{db}", *options],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1 = some files rejected (the corpus has two impossible dates)
        raise SystemExit(f"kg ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds, proc.stdout.strip()


def twice(label: str, *options: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kg.db"
        first, summary = timed_ingest(db, *options)
        second, again = timed_ingest(db, *options)
    items = re.search(r"items (\d+)", summary)
    figures = {
        "first_s": round(first, 2),
        "second_s": round(second, 2),
        "second_over_first": round(second / first, 3),
        "items": int(items.group(1)) if items else None,
        "under_target": first < TARGET_S,
    }
    print(f"{label}: first {first:.2f} s, second {second:.2f} s (ratio {second / first:.3f}); {summary}")
    print(f"{label} second run: {again}")
    return figures


def parse_only(documents: list[DocumentRecord]) -> dict[str, object]:
    from kg.errors import RejectedFile
    from kg.ingest import discover, parse_post, read_bytes

    started = time.perf_counter()
    files = discover([str(CORPUS)])
    size = items = 0
    for path in files:
        raw = read_bytes(path)
        size += len(raw)
        with contextlib.suppress(RejectedFile):
            documents.append(parse_post(path, raw, hashlib.sha256(raw).hexdigest()))
            items += len(documents[-1].items)
    seconds = time.perf_counter() - started
    megabytes = size / 1e6
    print(
        f"parse only (one process): {len(files)} files, {megabytes:.1f} MB, {items} items "
        f"in {seconds:.2f} s ({megabytes / seconds:.1f} MB/s)"
    )
    return {
        "files": len(files),
        "megabytes": round(megabytes, 2),
        "items": items,
        "seconds": round(seconds, 2),
    }


def store_only(documents: list[DocumentRecord]) -> dict[str, object]:
    """Writing already parsed documents, one transaction each: the other half of an unlinked ingest."""
    from kg.models import LinkedDocument
    from kg.store import Store

    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{Path(tmp) / 'kg.db'}") as store:
        started = time.perf_counter()
        for document in documents:
            store.save_document(LinkedDocument(document), "unlinked")
        seconds = time.perf_counter() - started
    print(f"store only (one process): {len(documents)} documents in {seconds:.2f} s")
    return {"documents": len(documents), "seconds": round(seconds, 2)}


def main() -> dict[str, object]:
    if not CORPUS.is_dir():
        raise SystemExit(f"needs the shared corpus at {CORPUS}")
    documents: list[DocumentRecord] = []
    figures: dict[str, object] = {"parse_only": parse_only(documents), "store_only": store_only(documents)}
    figures["no_link"] = twice("--no-link", "--no-link")
    if importlib.util.find_spec("kg.link") is not None:
        figures["linked"] = twice("linked")
    else:
        print("linked: skipped, kg.link is not importable yet")
    return figures


if __name__ == "__main__":
    main()
