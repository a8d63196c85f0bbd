"""Shared fixtures of the SPARQL tests: a store built from real corpus posts, free ports, a running server.

Imported by tests/test_sparql*.py, tests/test_push*.py and tests/test_postgres*.py (not a test module).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

# Real posts in both languages: thirteen SOFA Weekly issues (Chinese), the Cloud Native Weekly issue
# (Chinese/English) and thirteen Last Week in Kubernetes Development issues (English).
SOFA = [
    "sofa-weekly-20230915",
    "sofa-weekly-20230901",
    "sofa-weekly-20230825",
    "sofa-weekly-20230818",
    "sofa-weekly-20230428",
    "sofa-weekly-20220107",
    "sofa-weekly-20220513",
    "sofa-weekly-20211001",
    "sofa-weekly-20210917",
    "sofa-weekly-20210723",
    "sofa-weekly-20230623",
    "sofa-weekly-230616",
    "sofa-weekly-20220311",
]
LWKD = [
    "2019-04-14-update.md",
    "2019-06-09-update.md",
    "2020-03-08-update.md",
    "2021-05-16-update.md",
    "2022-08-07-update.md",
    "2023-02-12-update.md",
    "2024-06-02-update.md",
    "2024-06-09-update.md",
    "2024-06-16-update.md",
    "2025-01-05-update.md",
    "2025-01-12-update.md",
    "2025-01-19-update.md",
    "2025-01-26-update.md",
]


def corpus_paths() -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    paths = [CORPUS / "sofa-weekly" / name for name in SOFA] + [CORPUS / "cloud-native-weekly-zh"]
    paths += [CORPUS / "lwkd" / name for name in LWKD]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"posts missing from the shared corpus: {', '.join(missing)}")
    return [str(p) for p in paths]


def build_store(url: str, paths: list[str] | None = None) -> None:
    """Ingest and link real posts into the store at `url` through the real pipeline."""
    from kg.link import Linker
    from kg.pipeline import ingest
    from kg.store import Store

    with Store(url) as store:
        report = ingest(paths or corpus_paths(), store, Linker.load())
    assert report.ok, report.rejected


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store of the chosen real posts, built once per test session."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sparql') / 'kg.db'}"
    build_store(url)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(
    source: object, settings: object, host: str = "127.0.0.1", **options: object
) -> Iterator[object]:
    """A `SparqlServer` on a free port (of 127.0.0.1 by default), served from a thread, closed afterwards."""
    from kg.sparql.server import SparqlServer

    server = SparqlServer(source, settings, host, 0, **options)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class Listener:
    """A TCP listener that records every connection made to it (to prove no SERVICE call goes out)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
