"""The process that loads the graph once and forks query workers from it, on the server's request.

It runs as a fresh interpreter (`python -m kg.sparql.zygote`), single-threaded, holding no client socket,
so forking it is safe and its workers inherit nothing but the graph (copy-on-write) and their channel.
Protocol on the control socket: one JSON frame when loaded (`{"triples": …}` or `{"error": …}`), then
for every byte `S` received, one fork, answered by the worker's pid with its channel attached.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass
from typing import Any

from kg.errors import KgError


@dataclass(frozen=True, slots=True)
class Source:
    """Where a graph comes from: the SQL store (`db`) or an RDF file (`data`, e.g. an exported TriG)."""

    db: str | None = None
    data: str | None = None

    def __post_init__(self) -> None:
        if self.db and self.data:
            raise KgError(f"give --db or --data, not both (got --db {self.db} and --data {self.data})")

    def describe(self) -> str:
        return f"file {self.data}" if self.data else f"store {self.db or '$KG_DB / sqlite:///kg.db'}"


def load(source: Source) -> Any:
    """Build the whole in-memory store; nothing is served from it until this returns."""
    import pyoxigraph

    if source.data:
        store = pyoxigraph.Store()
        try:
            store.bulk_load(
                path=source.data,
                format=pyoxigraph.RdfFormat.from_extension(source.data.rsplit(".", 1)[-1])
                or pyoxigraph.RdfFormat.N_QUADS,
            )
        except (OSError, SyntaxError, ValueError) as error:
            raise KgError(f"cannot load {source.data}: {error}") from error
        return store
    from kg.rdf import oxigraph_store
    from kg.store import Store

    with Store(source.db) as sql:
        return oxigraph_store(sql)


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack("!I", len(payload)) + payload)


def recv_frame(sock: socket.socket) -> bytes:
    head = _recv_exact(sock, 4)
    return _recv_exact(sock, struct.unpack("!I", head)[0])


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(size - got)
        if not chunk:
            raise EOFError("channel closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kg.sparql.zygote")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--db")
    parser.add_argument("--data")
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args(argv)
    # No PR_SET_PDEATHSIG here: it follows the server *thread* that started us, and reloads start us from
    # short-lived threads. The server's death closes the control socket instead, which ends the loop below;
    # the workers die with us (see worker.sandbox).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    control = socket.socket(fileno=args.fd)
    started = time.monotonic()
    try:
        store = load(Source(args.db, args.data))
        info = {
            "triples": len(store),
            "graphs": sorted(g.value for g in store.named_graphs() if hasattr(g, "value")),
            "load_seconds": round(time.monotonic() - started, 3),
        }
    except KgError as error:
        send_frame(control, json.dumps({"error": str(error)}).encode())
        return
    send_frame(control, json.dumps(info).encode())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    from kg.sparql.worker import fork_worker

    while True:
        try:
            command = control.recv(1)
        except OSError:
            return
        if command != b"S":
            return
        pid, channel = fork_worker(store, args.memory_mb, close=(control,))
        with contextlib.suppress(OSError):
            socket.send_fds(control, [struct.pack("!Q", pid)], [channel.fileno()])
        channel.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
