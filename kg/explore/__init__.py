"""The offline explorer: one self-contained HTML file (sigma.js WebGL, time slider, evidence panel) per graph.

    from kg.explore import write_explorer, Explorer
    write_explorer("sqlite:///build/kg.db", "build/explorer.html", since=dt.date(2019, 1, 1))
    Explorer.from_store("sqlite:///build/kg.db", entity="knative", depth=1)   # shows inline in Jupyter

Stages: `fromstore.load_graph` (SQL -> GraphData) -> `layout.compute_layout` -> `page.render_page`.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.explore.graphdata import GraphData
    from kg.store import Store

__all__ = ["Explorer", "ExplorerStats", "build_page", "default_types_off", "parse_day", "write_explorer"]

AUTO_TOP_ABOVE = 8_000  # above this many nodes the page opens on the top AUTO_TOP by mentions
AUTO_TOP = 5_000
LARGE_GRAPH = 2_000  # above this many entities the page opens with the bulk types unticked
LARGE_TYPES_OFF = ("Proposal", "Release", "Vulnerability")  # thousands of PRs/KEPs/CVEs bury the rest
LABELLED = 30  # the biggest visible nodes whose labels show at every zoom


@dataclass(frozen=True, slots=True)
class ExplorerStats:
    """What a written explorer holds and what it cost."""

    path: str | None
    entities: int
    issues: int
    edges: int
    items: int
    days: int
    bytes: int
    load_seconds: float
    layout_seconds: float
    render_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Explorer:
    """An explorer page in memory; `save()` writes it, `_repr_html_` shows it inline in a notebook."""

    def __init__(self, page: str, stats: ExplorerStats, height: int = 720) -> None:
        self.html = page
        self.stats = stats
        self.height = height

    @classmethod
    def from_store(cls, store: Store | str | None = None, **filters: Any) -> Explorer:
        page, stats = build_page(store, **filters)
        return cls(page, stats)

    @classmethod
    def from_graph(cls, data: GraphData, **options: Any) -> Explorer:
        page, stats = build_page_from_graph(data, **options)
        return cls(page, stats)

    def save(self, out: str | Path) -> ExplorerStats:
        path = Path(out)
        if not path.parent.exists():
            raise KgError(f"cannot write {path}: folder {path.parent} does not exist; create it first")
        path.write_text(self.html, encoding="utf-8")
        self.stats = _with_path(self.stats, str(path))
        return self.stats

    def _repr_html_(self) -> str:
        # A sandboxed iframe: the page keeps its own CSP and cannot touch the notebook (no same-origin);
        # popups are allowed so evidence links open in a new tab.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" '
            'title="cnkg explorer"></iframe>'
        )

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"<Explorer {s.entities:,} entities, {s.issues:,} issues, {s.edges:,} edges, {s.bytes:,} bytes>"
        )


def write_explorer(store: Store | str | None, out: str | Path, **filters: Any) -> ExplorerStats:
    """Write the explorer page for the store (filters as in `kg.explore.fromstore.load_graph`)."""
    page, stats = build_page(store, **filters)
    return Explorer(page, stats).save(out)


def build_page(
    store: Store | str | None,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    types: Sequence[str] | None = None,
    entity: str | None = None,
    depth: int = 1,
    min_mentions: int = 1,
    issues: bool = True,
    show_issues: bool = False,
    top: int | None = None,
    title: str | None = None,
) -> tuple[str, ExplorerStats]:
    from kg.explore.fromstore import load_graph
    from kg.store import Store

    started = time.perf_counter()
    owned = not isinstance(store, Store)
    db = store if isinstance(store, Store) else Store(store)
    try:
        data = load_graph(
            db,
            since=since,
            until=until,
            types=types,
            entity=entity,
            depth=depth,
            min_mentions=min_mentions,
            issues=issues,
        )
    finally:
        if owned:
            db.close()
    data.title = title or _title(db.url, entity)
    return build_page_from_graph(
        data, show_issues=show_issues, top=top, load_seconds=time.perf_counter() - started
    )


def build_page_from_graph(
    data: GraphData, *, show_issues: bool = False, top: int | None = None, load_seconds: float = 0.0
) -> tuple[str, ExplorerStats]:
    from kg.explore.layout import compute_layout
    from kg.explore.page import payload, render_page

    started = time.perf_counter()
    types_off = default_types_off(data)
    xy = compute_layout(data, hidden_types=types_off)
    laid_out = time.perf_counter()
    entities = data.entity_count()
    if top is None:
        top = AUTO_TOP if len(data.nodes) > AUTO_TOP_ABOVE else 0
    page = render_page(
        payload(data, xy, show_issues=show_issues, default_top=top, types_off=types_off, labelled=LABELLED)
    )
    done = time.perf_counter()
    stats = ExplorerStats(
        path=None,
        entities=entities,
        issues=data.issue_count(),
        edges=len(data.edges),
        items=len(data.items),
        days=len(data.days),
        bytes=len(page.encode("utf-8")),
        load_seconds=round(load_seconds, 3),
        layout_seconds=round(laid_out - started, 3),
        render_seconds=round(done - laid_out, 3),
    )
    return page, stats


def default_types_off(data: GraphData) -> tuple[str, ...]:
    """The types a page starts with unticked: the bulk ones, on large graphs only (still listed, tickable)."""
    if data.entity_count() <= LARGE_GRAPH:
        return ()
    present = {n.type for n in data.nodes}
    return tuple(t for t in LARGE_TYPES_OFF if t in present)


def parse_day(text: str | None, option: str, *, end: bool = False) -> dt.date | None:
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY`; a month or year means its first day, or its last with end=True."""
    if text is None or text == "":
        return None
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return dt.date.fromisoformat(text)
        year = int(parts[0])
        if len(parts) == 2:
            month = int(parts[1])
            first = dt.date(year, month, 1)
            if not end:
                return first
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        if len(parts) == 1 and len(parts[0]) == 4:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError:
        pass
    raise KgError(f"{option} {text!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")


def _title(url: str, entity: str | None) -> str:
    name = url.rsplit("/", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1]
    return f"cnkg explorer: {name}" + (f" around {entity}" if entity else "")


def _with_path(stats: ExplorerStats, path: str) -> ExplorerStats:
    values = stats.as_dict()
    values["path"] = path
    return ExplorerStats(**values)
