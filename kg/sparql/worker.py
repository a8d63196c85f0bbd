"""Query workers: forked processes that hold the graph copy-on-write and may be killed at any moment.

pyoxigraph cannot cancel a query, so every query runs in a process of its own that can be killed when it
runs past its time limit. A worker is sandboxed right after the fork: it dies with its parent, it has an
address-space limit (a runaway sort or join dies instead of eating the machine), and where the kernel
allows it gets an empty network namespace, so even a `SERVICE` call that slipped past the scan could
not reach anyone.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import resource
import signal
import socket
from multiprocessing.connection import Connection
from typing import Any

from kg.sparql.execute import Reply, Request, execute

DEFAULT_MEMORY_MB = 2048
_PR_SET_PDEATHSIG = 1
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def sandbox(memory_mb: int) -> bool:
    """Confine the calling (freshly forked, single-threaded) process; returns whether it lost the network."""
    faulthandler.disable()  # a worker past its memory limit aborts; that is expected, not a crash to dump
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    isolated = libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0 or libc.unshare(_CLONE_NEWNET) == 0
    if memory_mb > 0:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        limit = mapped + memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return isolated


def serve(conn: Connection, store: Any) -> None:
    """The worker loop: one request in, one reply out, until the parent hangs up."""
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = execute(store, request)
        except MemoryError:
            reply = Reply.error(503, "query stopped: it needed more memory than a query may use")
        except Exception as error:  # a bug of ours: say so plainly rather than dying silently
            reply = Reply.error(500, f"internal error: {type(error).__name__}: {error}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def fork_worker(
    store: Any, memory_mb: int, close: tuple[socket.socket, ...] = ()
) -> tuple[int, socket.socket]:
    """Fork a worker serving `store`; returns its pid and the parent's end of its channel."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        code = 0
        try:
            ours.close()
            for sock in close:
                sock.close()
            sandbox(memory_mb)
            serve(Connection(theirs.detach()), store)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    theirs.close()
    return pid, ours


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def timed_out(limit: float) -> Reply:
    return Reply.error(
        503,
        f"query stopped: it ran past the {limit:g} s time limit "
        "(narrow it with LIMIT, more specific patterns or fewer property paths)",
    )


def run_isolated(store: Any, request: Request, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB) -> Reply:
    """Run one query in a forked worker (for `kg query`): killed at the time limit, never hangs the caller."""
    pid, sock = fork_worker(store, memory_mb)
    conn = Connection(sock.detach())
    try:
        with contextlib.suppress(OSError):
            conn.send(request)
        if not conn.poll(timeout):
            return timed_out(timeout)
        try:
            return conn.recv()
        except (EOFError, OSError):
            return died(memory_mb)
    finally:
        conn.close()
        kill(pid)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def died(memory_mb: int) -> Reply:
    return Reply.error(
        503, f"query stopped: its worker died, most likely past the {memory_mb} MiB memory limit"
    )
