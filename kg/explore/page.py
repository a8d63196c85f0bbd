"""Turn a GraphData and its layout into one self-contained HTML page: data, scripts and style all in-lined.

Safety lives here and in explorer.js: the data travels as JSON inside `<script type="application/json">`
with `<`, `>`, `&`, U+2028 and U+2029 escaped (so no label can close the tag or start markup), and the
page carries a Content-Security-Policy that allows exactly the in-lined scripts and style by their
SHA-256 hashes and no source at all on the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from kg.explore.graphdata import ISSUE_TYPE, GraphData

if TYPE_CHECKING:
    import numpy as np

VENDOR = ("vendor/graphology.umd.min.js", "vendor/sigma.min.js")
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S*\s*$")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_json(value: Any) -> str:
    """JSON that is inert inside any <script> element (JSON.parse reads the escapes back unchanged)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@cache
def _asset(name: str) -> str:
    text = resources.files("kg.explore").joinpath(name).read_text(encoding="utf-8")
    # The map files are not shipped, and a relative map URL would be resolved against the page's folder.
    return _SOURCE_MAP.sub("", text)


def payload(
    data: GraphData,
    xy: np.ndarray,
    *,
    show_issues: bool = False,
    default_top: int = 0,
    types_off: Sequence[str] = (),
    labelled: int = 30,
) -> dict[str, Any]:
    """The page's data, column-wise (one array per field) so 50k nodes parse fast and stay compact."""
    types = sorted({n.type for n in data.nodes}, key=lambda t: (t == ISSUE_TYPE, t))
    kinds = sorted({e.kind for e in data.edges}, key=lambda k: (k not in ("coMention", "mentions"), k))
    type_id = {t: i for i, t in enumerate(types)}
    kind_id = {k: i for i, k in enumerate(kinds)}
    nodes = data.nodes
    entity_count, issue_count = data.entity_count(), data.issue_count()
    summary = f"{entity_count:,} entities"
    if issue_count:
        summary += f", {issue_count:,} issues"
    if data.days:
        summary += f"; issues dated {data.days[0]} … {data.days[-1]}"
    return {
        "v": 1,
        "title": data.title,
        "summary": summary,
        "filters": data.filters,
        "showIssues": show_issues,
        "defaultTop": default_top,
        "typesOff": [t for t in types if t in types_off],  # unticked at first paint
        "labelled": labelled,  # this many biggest visible nodes keep their label at every zoom
        "days": data.days,
        "types": types,
        "kinds": kinds,
        "docs": [[d.day, d.series, d.title, d.issue_number, d.source_uri] for d in data.docs],
        "items": [[it.doc, it.excerpt, it.url] for it in data.items],
        "nodes": {
            "key": [n.key for n in nodes],
            "label": [n.label for n in nodes],
            "zh": [n.label_zh for n in nodes],
            "type": [type_id[n.type] for n in nodes],
            "cat": [n.category for n in nodes],
            "home": [n.homepage for n in nodes],
            "org": [n.organization for n in nodes],
            "mat": [n.maturity for n in nodes],
            "alias": [n.aliases for n in nodes],
            "m": [n.mentions for n in nodes],
            "items": [n.items for n in nodes],
            "x": [round(float(v), 1) for v in xy[:, 0]] if len(nodes) else [],
            "y": [round(float(v), 1) for v in xy[:, 1]] if len(nodes) else [],
            "tl": [[v for day in sorted(n.timeline) for v in (day, n.timeline[day])] for n in nodes],
            "ev": [[v for triple in n.evidence for v in triple] for n in nodes],
            "doc": [n.doc for n in nodes],
        },
        "edges": {
            "s": [e.source for e in data.edges],
            "t": [e.target for e in data.edges],
            "k": [kind_id[e.kind] for e in data.edges],
            "w": [e.weight for e in data.edges],
            "tl": [[v for day in sorted(e.timeline) for v in (day, e.timeline[day])] for e in data.edges],
        },
    }


def render_page(page_data: dict[str, Any]) -> str:
    """The whole HTML document for a payload; every inline script and the style are allowed by hash only."""
    scripts = [_asset(name) for name in VENDOR] + [_asset("assets/explorer.js")]
    css = _asset("assets/explorer.css")
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(csp_hash(s) for s in scripts),
            "style-src " + csp_hash(css),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    template = _asset("assets/explorer.html")
    parts = {
        "@CSP@": html.escape(csp, quote=True),
        "@TITLE@": html.escape(str(page_data["title"])),
        "@CSS@": css,
        "@DATA@": script_json(page_data),
        "@SCRIPTS@": "\n".join(f"<script>{s}</script>" for s in scripts),
    }
    # One pass, so a marker-looking string inside the data or a script is never substituted again.
    return re.sub("|".join(re.escape(k) for k in parts), lambda m: parts[m.group(0)], template)
