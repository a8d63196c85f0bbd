"""`kg serve`: the SPARQL 1.1 Protocol over HTTP, a query page, and a reload that never serves half a graph.

The HTTP side is stdlib (`ThreadingHTTPServer`) and never runs a query itself: queries go to the killable
workers of `kg.sparql.pool`, so a runaway query costs one worker, not the server. Every request that
cannot be served gets a 4xx (or 503 when a query hits its limits), never an exception page.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import socket
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.errors import KgError
from kg.sparql import description, named, protocol
from kg.sparql.execute import Reply, Request
from kg.sparql.pool import Engine
from kg.sparql.zygote import Source

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
MAX_CONNECTIONS = 64
REPAIR_EVERY = 30.0  # seconds between two rebuilds after the graph process died
SPARQL_METHODS = "GET, POST, OPTIONS"
_HOST = re.compile(r"[A-Za-z0-9.\-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")
# The page only ever talks to this server; the policy makes a stray CDN reference fail loudly in tests.
PAGE_POLICY = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'"


class SparqlServer(ThreadingHTTPServer):
    """An HTTP server bound to one loaded graph at a time; `reload` swaps in a fully built new one."""

    daemon_threads = True
    request_queue_size = 128  # the stdlib's 5 dropped SYNs of a burst of clients: 1 s retransmits each

    def __init__(
        self,
        source: Source,
        settings: protocol.Settings,
        host: str = "127.0.0.1",
        port: int = 7878,
        *,
        workers: int = 8,
        memory_mb: int = 2048,
        log: bool = False,
    ) -> None:
        self.source = source
        self.settings = settings
        self.log = log
        self._engine_options = {"max_workers": workers, "memory_mb": memory_mb}
        self._swap = threading.Lock()
        self._reloading = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._last_repair = float("-inf")
        self.engine = Engine(source, **self._engine_options)
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host, port), Handler)
        except OSError as error:
            self.engine.close()
            raise KgError(
                f"cannot listen on {host}:{port}: {error.strerror}; choose another --port"
            ) from error

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def run(self, request: Request) -> Reply:
        for _ in range(3):  # an engine retired between our read and its run hands us on to its successor
            engine = self.engine
            reply = engine.run(request, self.settings.timeout)
            if engine.broken and time.monotonic() - self._last_repair > REPAIR_EVERY:
                # Its graph process died (killed, out of memory): build a new one, at most this often.
                self._last_repair = time.monotonic()
                threading.Thread(target=self.reload, name="kg-repair", daemon=True).start()
            if reply is not None:
                return reply
        return Reply.error(503, "the graph is being swapped; try again")

    def reload(self) -> dict[str, Any]:
        """Build a new graph from the source while the old one serves, then swap; the old one drains."""
        if not self._reloading.acquire(blocking=False):
            return {"reloaded": False, "error": "a reload is already running"}
        try:
            try:
                fresh = Engine(self.source, **self._engine_options)
            except KgError as error:
                return {"reloaded": False, "error": str(error)}
            with self._swap:
                old, self.engine = self.engine, fresh
            old.retire()
            return {"reloaded": True, **fresh.status()}
        finally:
            self._reloading.release()

    def process_request(self, request: Any, client_address: Any) -> None:
        # A flood of connections gets a quick 503 instead of one thread each.
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self.engine.close()


class Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "cnkg-sparql"
    sys_version = ""
    timeout = 30  # a client that stalls mid-request is dropped
    # Headers and body leave in two writes; with Nagle on, the body waited for the client's delayed ACK
    # (a flat 40 ms on every small answer, measured in bench_sparql).
    disable_nagle_algorithm = True

    # ----------------------------------------------------------------- methods

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _wrong_method(self) -> None:
        self._dispatch()

    do_PUT = do_DELETE = do_PATCH = do_TRACE = do_CONNECT = _wrong_method

    # ----------------------------------------------------------------- routing

    def _dispatch(self) -> None:
        try:
            self._route(urlsplit(self.path))
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        except Exception:  # a bug of ours: keep serving others and say so in the log
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._text(500, "internal error (logged by the server)")

    def _route(self, url: Any) -> None:
        path, method = url.path, self.command
        if method != "POST":
            self._discard_body()
        if path == "/sparql":
            if method == "OPTIONS":
                return self._options(SPARQL_METHODS)
            if method == "GET":
                return self._sparql(
                    protocol.from_get(url.query, self.headers.get("Accept"), self.server.settings)
                )
            if method == "POST":
                body = self._read_body()
                if body is None:
                    return None
                parsed = protocol.from_post(
                    url.query,
                    self.headers.get("Content-Type"),
                    body,
                    self.headers.get("Accept"),
                    self.server.settings,
                )
                return self._sparql(parsed)
            return self._not_allowed(SPARQL_METHODS)
        if path == "/reload":
            return self._reload() if method == "POST" else self._not_allowed("POST")
        if method == "POST":
            self._discard_body()
        pages = {"/": "index.html", "/index.html": "index.html", "/queries": None, "/health": None}
        asset = path[len("/static/") :] if path.startswith("/static/") else ""
        static = bool(asset) and "/" not in asset and not asset.startswith(".")
        if path not in pages and not static:
            return self._text(404, f"no such page {path}; the SPARQL endpoint is /sparql, the query page /")
        if method == "OPTIONS":
            return self._options("GET, HEAD, OPTIONS")
        if method not in ("GET", "HEAD"):
            return self._not_allowed("GET, HEAD, OPTIONS")
        if path == "/queries":
            listing = [q.as_dict() for q in named.load_all()]
            return self._send(200, json.dumps(listing, ensure_ascii=False).encode(), "application/json")
        if path == "/health":
            return self._send(200, json.dumps(self.server.engine.status()).encode(), "application/json")
        return self._static(pages.get(path) or asset)

    # ----------------------------------------------------------------- SPARQL

    def _sparql(self, parsed: protocol.Parsed | Reply) -> None:
        if isinstance(parsed, Reply):
            return self._reply(parsed)
        if parsed.description:
            assert parsed.description_format is not None
            host = self.headers.get("Host", "")
            base = f"http://{host}" if _HOST.fullmatch(host) else self.server.url.rstrip("/")
            body = description.describe(
                f"{base}/sparql",
                self.server.engine.info,
                parsed.description_format,
                self.server.settings.union_default_graph,
            )
            return self._send(200, body, parsed.description_format.content_type)
        assert parsed.request is not None
        started = time.monotonic()
        reply = self.server.run(parsed.request)
        extra = [
            ("X-cnkg-Elapsed-Ms", f"{(time.monotonic() - started) * 1000:.1f}"),
            ("X-cnkg-Rows", str(reply.rows)),
        ]
        return self._reply(reply, extra)

    def _reply(self, reply: Reply, extra: list[tuple[str, str]] | None = None) -> None:
        headers = [("Vary", "Accept"), ("Cache-Control", "no-store"), *(extra or [])]
        if reply.truncated:
            headers.append(("X-cnkg-Truncated", "true"))
        if reply.cached:
            headers.append(("X-cnkg-Cache", "hit"))
        self._send(reply.status, reply.body, reply.content_type, headers)

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 411/413/400 for a body we will not read."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._text(411, "send the body with a Content-Length (chunked transfer is not accepted)")
            return None
        raw = self.headers.get("Content-Length", "0").strip()
        if not raw.isdigit():
            self.close_connection = True
            self._text(400, f"invalid Content-Length {raw!r}")
            return None
        length = int(raw)
        if length > self.server.settings.max_body:
            self.close_connection = True
            self._text(
                413,
                f"request body of {length} bytes is over the limit of {self.server.settings.max_body} bytes",
            )
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            raise ConnectionResetError("client closed the connection mid-body")
        return body

    def _discard_body(self) -> None:
        """A body we do not read would pass for the next request: close the connection after answering."""
        if self.headers.get("Content-Length", "0").strip() not in ("", "0") or self.headers.get(
            "Transfer-Encoding"
        ):
            self.close_connection = True

    # ----------------------------------------------------------------- other pages

    def _reload(self) -> None:
        self._discard_body()
        if not _is_loopback(self.client_address[0]):
            return self._text(403, "reload is only accepted from this machine (loopback)")
        outcome = self.server.reload()
        status = 200 if outcome.get("reloaded") else 409
        self._send(status, json.dumps(outcome).encode(), "application/json")

    def _static(self, name: str) -> None:
        path = STATIC_DIR / name
        if not path.is_file() or path.suffix not in STATIC_TYPES:
            return self._text(404, f"no such page /static/{name}")
        headers = [("Content-Security-Policy", PAGE_POLICY), ("Cache-Control", "no-cache")]
        self._send(200, path.read_bytes(), f"{STATIC_TYPES[path.suffix]}; charset=utf-8", headers)

    def _options(self, allow: str) -> None:
        headers = [("Allow", allow)]
        if self.server.settings.cors_origin:
            headers += [
                ("Access-Control-Allow-Methods", allow),
                ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                ("Access-Control-Max-Age", "600"),
            ]
        self._send(204, b"", None, headers)

    def _not_allowed(self, allow: str) -> None:
        self._send(
            405,
            f"method {self.command} is not allowed here; use {allow}\n".encode(),
            "text/plain; charset=utf-8",
            [("Allow", allow)],
        )

    # ----------------------------------------------------------------- writing

    def _text(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def _send(
        self, status: int, body: bytes, content_type: str | None, headers: list[tuple[str, str]] | None = None
    ) -> None:
        self.send_response(status, HTTPStatus(status).phrase)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)) if status != 204 else "0")
        self.send_header("X-Content-Type-Options", "nosniff")
        origin = self.server.settings.cors_origin
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header(
                "Access-Control-Expose-Headers",
                "X-cnkg-Truncated, X-cnkg-Rows, X-cnkg-Elapsed-Ms, X-cnkg-Cache",
            )
        for key, value in headers or []:
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def serve(
    source: Source,
    settings: protocol.Settings,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    workers: int = 8,
    memory_mb: int = 2048,
    announce: Any = print,
) -> None:
    """Load the graph, then serve until interrupted; SIGHUP reloads it from the source."""
    import signal

    server = SparqlServer(source, settings, host, port, workers=workers, memory_mb=memory_mb, log=True)

    def on_hup(*_: object) -> None:
        def reload() -> None:
            outcome = server.reload()
            announce(f"reload: {json.dumps(outcome)}")

        threading.Thread(target=reload, name="kg-reload", daemon=True).start()

    def on_term(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, on_term)
    info = server.engine.info
    announce(
        f"serving {info['triples']:,} triples from {source.describe()} (loaded in {info['load_seconds']} s)"
    )
    announce(f"query page {server.url}  SPARQL endpoint {server.url}sparql  (Ctrl-C stops, SIGHUP reloads)")
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
