"""Answers remembered per loaded graph: the graph cannot change until a reload swaps in a new one.

So a repeated question (a named query clicked again, a dashboard polling) is answered from memory, exactly
as the engine answered it; a reload starts a fresh cache with the fresh graph. Only complete answers
(200) are kept, within a bound on their number and total size.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

from kg.sparql.execute import Reply, Request

MAX_ENTRIES = 256
MAX_BYTES = 64 * 1024 * 1024
MAX_ANSWER_BYTES = 4 * 1024 * 1024


def key(request: Request) -> tuple[object, ...]:
    return (
        request.query,
        request.results_format,
        request.graph_format,
        tuple(request.default_graphs),
        tuple(request.named_graphs),
        request.max_rows,
        request.union_default_graph,
    )


class AnswerCache:
    """A thread-safe least-recently-used map from a request to its complete answer."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple[object, ...], Reply] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, request: Request) -> Reply | None:
        with self._lock:
            reply = self._answers.get(key(request))
            if reply is None:
                return None
            self._answers.move_to_end(key(request))
            self.hits += 1
        return dataclasses.replace(reply, cached=True)

    def put(self, request: Request, reply: Reply) -> None:
        if reply.status != 200 or len(reply.body) > MAX_ANSWER_BYTES:
            return
        with self._lock:
            old = self._answers.pop(key(request), None)
            self._bytes -= len(old.body) if old else 0
            self._answers[key(request)] = reply
            self._bytes += len(reply.body)
            while len(self._answers) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)
