"""Readers of the public source files (CNCF landscape.yml, awesome-cloud-native README + status.json).

They return plain SourceItem records and know nothing about slugs or merging; `kg.ontology.importer`
turns the items into entity blocks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import OntologyError


@dataclass
class SourceItem:
    name: str
    source: str  # cncf-landscape | awesome-cloud-native
    category: str = ""
    subcategory: str = ""
    homepage: str | None = None
    repos: list[str] = field(default_factory=list)
    crunchbase: str | None = None  # the crunchbase organization slug
    maturity: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    status: str | None = None  # awesome-cloud-native: archived | inactive | deleted
    parent: str | None = None  # landscape `extra.parent_project` (a name)
    specification: bool = False
    snapshot: str = ""  # which file the item came from (later files only add what earlier ones lack)


def read_landscape(path: Path) -> list[SourceItem]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise OntologyError(
            f"{path}: cannot read the landscape ({exc}); pass the path of landscape.yml"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("landscape"), list):
        raise OntologyError(f"{path}: no top-level `landscape:` list; is this a CNCF landscape.yml?")
    items = []
    for category in data["landscape"]:
        for sub in category.get("subcategories") or []:
            for raw in sub.get("items") or []:
                items.append(_landscape_item(raw, category["name"], sub["name"], path.name))
    return items


def _landscape_item(raw: dict[str, Any], category: str, subcategory: str, snapshot: str) -> SourceItem:
    extra = raw.get("extra") or {}
    repos = [raw["repo_url"]] if raw.get("repo_url") else []
    for more in raw.get("additional_repos") or []:
        if isinstance(more, dict) and more.get("repo_url"):
            repos.append(more["repo_url"])
    if raw.get("project_org"):
        repos.append(str(raw["project_org"]).rstrip("/"))
    crunchbase = raw.get("crunchbase")
    organization = raw.get("organization")
    if isinstance(organization, str) and "crunchbase.com" in organization:
        crunchbase = organization
    maturity = raw.get("project") or extra.get("project")
    dates = {k: str(extra[k]) for k in ("accepted", "incubating", "graduated", "archived") if extra.get(k)}
    if raw.get("joined"):  # the date an organization joined CNCF as a member
        dates["joined"] = str(raw["joined"])
    return SourceItem(
        name=str(raw["name"]).strip(),
        source="cncf-landscape",
        category=category,
        subcategory=subcategory,
        homepage=raw.get("homepage_url"),
        repos=repos,
        crunchbase=crunchbase.rstrip("/").rsplit("/", 1)[-1].lower() if crunchbase else None,
        maturity=maturity if maturity in ("sandbox", "incubating", "graduated", "archived") else None,
        dates=dates,
        description=raw.get("description"),
        parent=extra.get("parent_project"),
        specification=bool(extra.get("specification")),
        snapshot=snapshot,
    )


_AWESOME_ENTRY = re.compile(
    r"^\s*[-*] \[(?P<name>[^\]]+)\]\((?P<url>[^)\s]+)\)\s*(?:[-–—:]\s*(?P<desc>.*))?$"
)


def read_awesome(path: Path, status: dict[str, str] | None = None) -> list[SourceItem]:
    """`- [name](repo-url) - description` entries, with their `## section` as category."""
    status = status or {}
    items = []
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("## ", "### ")):
            section = line.lstrip("#").strip()
            continue
        match = _AWESOME_ENTRY.match(line)
        if not match or not section or section.lower() in ("table of contents", "contents"):
            continue
        if section.lower().startswith(("tutorial", "learning", "contribut", "license")):
            continue  # tutorials and books are not entities
        url = match["url"].strip()
        gh = re.match(r"https?://github\.com/([^/]+)/([^/#?]+)", url)
        key = f"{gh[1]}/{gh[2]}".lower() if gh else None
        items.append(
            SourceItem(
                name=match["name"].strip(),
                source="awesome-cloud-native",
                category=section,
                homepage=None if gh else url,
                repos=[url] if gh else [],
                description=(match["desc"] or "").strip() or None,
                status=status.get(key) if key else None,
                snapshot=path.name,
            )
        )
    return items


def read_status(path: Path) -> dict[str, str]:
    """owner/repo (lower) -> archived | inactive | deleted, for the repositories not active."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OntologyError(f"{path}: cannot read the status file ({exc})") from exc
    out = {}
    for repo, info in (data.get("projects") or {}).items():
        state = "archived" if info.get("archived") else info.get("status")
        if state and state != "active":
            out[repo.lower()] = state
    return out
