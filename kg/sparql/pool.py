"""The server's side of the workers: one loaded graph (a zygote process) and a pool of killable workers.

A query gets an idle worker (or a freshly forked one, up to `max_workers`); past `NICE_AFTER` seconds its
worker is re-niced so that light queries keep the CPU; at the time limit it is killed and replaced. A reniced
worker is replaced too once it answers, because a process may not lower its own niceness again. The nice
level is moderate on purpose: at 15, a one-second query on a machine busy with other work got so little CPU
that it ran into the time limit (measured: 0.7 s in-process, over 10 s in a worker).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from kg.errors import KgError
from kg.sparql.cache import AnswerCache
from kg.sparql.execute import Reply, Request
from kg.sparql.worker import DEFAULT_MEMORY_MB, died, kill, timed_out
from kg.sparql.zygote import Source, recv_frame

NICE_AFTER = 1.0  # seconds a query may run at full priority
NICENESS = 10


@dataclass(slots=True)
class Worker:
    pid: int
    conn: Connection
    niced: bool = False


class Engine:
    """One loaded graph and its workers; `run` is thread-safe, `retire` lets in-flight queries finish."""

    def __init__(
        self, source: Source, *, max_workers: int = 8, spare: int = 2, memory_mb: int = DEFAULT_MEMORY_MB
    ) -> None:
        self.source = source
        self.max_workers = max(1, max_workers)
        self.spare = min(max(0, spare), self.max_workers)
        self.memory_mb = memory_mb
        self._cond = threading.Condition()
        self._control_lock = threading.Lock()
        self._idle: list[Worker] = []
        self._alive = 0
        self._inflight = 0
        self._retired = False
        self._closed = False
        self.broken = False  # the graph process is gone: no worker can be forked any more
        self.answers = AnswerCache()
        self._want_spares = threading.Event()
        ours, theirs = socket.socketpair()
        command = [
            sys.executable,
            "-m",
            "kg.sparql.zygote",
            "--fd",
            str(theirs.fileno()),
            "--memory-mb",
            str(memory_mb),
        ]
        if source.data:
            command += ["--data", source.data]
        elif source.db:
            command += ["--db", source.db]
        self._zygote = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self._control = ours
        try:
            info = json.loads(recv_frame(ours))
        except (EOFError, OSError, ValueError):
            self._stop_zygote()
            message = f"the graph from {source.describe()} could not be loaded (see the messages above)"
            raise KgError(message) from None
        if "error" in info:
            self._stop_zygote()
            raise KgError(info["error"])
        self.info: dict[str, object] = info
        self.loaded_at = time.time()
        self._spawner = threading.Thread(target=self._keep_spares, name="kg-spare-workers", daemon=True)
        self._spawner.start()
        self._want_spares.set()

    # ----------------------------------------------------------------- queries

    def run(self, request: Request, timeout: float) -> Reply | None:
        """Answer one request within `timeout` seconds; None when this engine was retired meanwhile."""
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._closed:
                return None
            self._inflight += 1
        try:
            return self._run(request, timeout, deadline)
        finally:
            with self._cond:
                self._inflight -= 1
                finish = self._retired and self._inflight == 0
            if finish:
                self.close()

    def _run(self, request: Request, timeout: float, deadline: float) -> Reply:
        remembered = self.answers.get(request)
        if remembered is not None:
            return remembered
        worker = self._acquire(deadline)
        if worker is None and self.broken:
            return Reply.error(503, "the graph process stopped; it is being rebuilt, try again shortly")
        if worker is None:
            return Reply.error(
                503, f"all {self.max_workers} query workers stayed busy for {timeout:g} s; try again later"
            )
        try:
            worker.conn.send(request)
        except OSError:
            self._discard(worker)
            return self._died()
        if not worker.conn.poll(max(0.0, min(NICE_AFTER, deadline - time.monotonic()))):
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, worker.pid, NICENESS)
            worker.niced = True
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._discard(worker)
                return timed_out(timeout)
        try:
            reply: Reply = worker.conn.recv()
        except (EOFError, OSError):
            self._discard(worker)
            return self._died()
        if worker.niced:
            self._discard(worker)
        else:
            self._release(worker)
        self.answers.put(request, reply)
        return reply

    def _died(self) -> Reply:
        """A worker is gone: past its memory limit, or because the graph process itself died."""
        if self._zygote.poll() is not None:
            self.broken = True
            return Reply.error(503, "the graph process stopped; it is being rebuilt, try again shortly")
        return died(self.memory_mb)

    def _acquire(self, deadline: float) -> Worker | None:
        with self._cond:
            while not self._idle and self._alive >= self.max_workers:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            if self._idle:
                return self._idle.pop()
            self._alive += 1
        try:
            return self._spawn()
        except (OSError, EOFError):
            self.broken = True
            with self._cond:
                self._alive -= 1
                self._cond.notify()
            return None

    def _release(self, worker: Worker) -> None:
        with self._cond:
            if self._retired:
                self._alive -= 1
            else:
                self._idle.append(worker)
                worker = None  # type: ignore[assignment]
            self._cond.notify()
        if worker is not None:
            _stop(worker)

    def _discard(self, worker: Worker) -> None:
        _stop(worker)
        with self._cond:
            self._alive -= 1
            self._cond.notify()
        self._want_spares.set()

    # ----------------------------------------------------------------- workers

    def _spawn(self) -> Worker:
        with self._control_lock:
            self._control.sendall(b"S")
            data, fds, _flags, _addr = socket.recv_fds(self._control, 8, 1)
        if len(data) != 8 or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise EOFError("the graph process stopped")
        return Worker(struct.unpack("!Q", data)[0], Connection(fds[0]))

    def _keep_spares(self) -> None:
        while True:
            self._want_spares.wait()
            self._want_spares.clear()
            while True:
                with self._cond:
                    if self._retired or len(self._idle) >= self.spare or self._alive >= self.max_workers:
                        break
                    self._alive += 1
                try:
                    worker = self._spawn()
                except (OSError, EOFError):
                    self.broken = True
                    with self._cond:
                        self._alive -= 1
                    return
                self._release(worker)  # a fresh spare joins the idle workers (or stops, when retired)
            if self._retired:
                return

    # ----------------------------------------------------------------- life cycle

    @property
    def graph_pid(self) -> int:
        """The process holding the graph (the workers are its children)."""
        return self._zygote.pid

    def status(self) -> dict[str, object]:
        with self._cond:
            return {
                **self.info,
                "workers": self._alive,
                "idle": len(self._idle),
                "busy": self._inflight,
                "loaded_at": self.loaded_at,
                "cached_answers": len(self.answers),
                "cache_hits": self.answers.hits,
            }

    def retire(self) -> None:
        """Stop taking new work; the graph process goes once the queries in flight have answered."""
        with self._cond:
            self._retired = True
            idle, self._idle = self._idle, []
            self._alive -= len(idle)
            finish = self._inflight == 0
        self._want_spares.set()
        for worker in idle:
            _stop(worker)
        if finish:
            self.close()

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._retired = True
            idle, self._idle = self._idle, []
        self._want_spares.set()
        for worker in idle:
            _stop(worker)
        self._stop_zygote()

    def _stop_zygote(self) -> None:
        with contextlib.suppress(OSError):
            self._control.close()
        with contextlib.suppress(OSError):
            self._zygote.terminate()
        try:
            self._zygote.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._zygote.kill()
            self._zygote.wait()


def _stop(worker: Worker) -> None:
    kill(worker.pid)
    with contextlib.suppress(OSError):
        worker.conn.close()
