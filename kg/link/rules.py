"""Rule-based recognition: releases (`Istio 1.1.2`), CVEs (`CVE-2019-5736`), KEPs written as `KEP-1234`, and
Kubernetes groups written the other way round or in a list (`the Naming WG`, `SIGs Autoscaling, Scheduling`).

These entities are not in the ontology files; the linker mints them (source `linker`) the first time they
are seen. Slugs: a release is `<project>@<version>` (version without a leading `v`), a CVE is its id in
lower case, a KEP is `kubernetes/enhancements#NNNN` (see kg.link.urls).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.models import EntityRecord

# Right after a project name: `1.1.2`, `v1.37.0-rc.1`, `v3.3`, or a dependency update's `etcd to v3.5.7`;
# not a date, not part of a longer number.
RELEASE_AFTER = re.compile(
    r"[ \t]?(?:(?:version|to)[ \t])?"
    r"([vV]?(\d+\.\d+(?:\.\d+)?(?:-(?:alpha|beta|rc|pre|preview|ga)(?:\.?\d+)*)?))"
    r"(?![0-9A-Za-z]|\.\d|-\w)"
)
CVE = re.compile(r"(?<![A-Za-z0-9-])CVE-(\d{4})-(\d{4,7})(?![0-9])", re.I)
KEP_TEXT = re.compile(r"(?<![A-Za-z0-9])KEP[ -]?#?(\d{1,5})(?![0-9])")

# Release rules apply to these types only (a version after an organization's name is not a release).
RELEASABLE = frozenset({"Project", "Product", "Specification"})


@dataclass(frozen=True, slots=True)
class RuleHit:
    start: int  # view offsets
    end: int
    slug: str
    entity: EntityRecord


def release_after(view_text: str, end: int, project: EntityRecord) -> tuple[int, EntityRecord] | None:
    """The release written right after a mention of `project` ending at `end`: (view end, entity)."""
    if project.type not in RELEASABLE:
        return None
    match = RELEASE_AFTER.match(view_text, end)
    if match is None:
        return None
    version = match.group(2)
    label = f"{project.label} {version}"
    entity = EntityRecord(
        slug=f"{project.slug}@{version.lower()}",
        type="Release",
        label=label,
        part_of=project.slug,
        source="linker",
        data={"version": version},
    )
    return match.end(), entity


def cve_hits(view_text: str) -> list[RuleHit]:
    if "cve-" not in view_text and "CVE-" not in view_text:  # most posts: skip the regex scan
        return []
    hits = []
    for match in CVE.finditer(view_text):
        ident = f"CVE-{match.group(1)}-{match.group(2)}"
        entity = EntityRecord(
            slug=ident.lower(),
            type="Vulnerability",
            label=ident,
            source="linker",
            data={"url": f"https://nvd.nist.gov/vuln/detail/{ident}"},
        )
        hits.append(RuleHit(match.start(), match.end(), entity.slug, entity))
    return hits


def kep_text_hits(view_text: str) -> list[tuple[int, int, str]]:
    """(view start, view end, KEP number) for every `KEP-1234` / `KEP 1234` / `KEP #1234` in the text."""
    if "KEP" not in view_text:
        return []
    return [(m.start(), m.end(), m.group(1)) for m in KEP_TEXT.finditer(view_text)]


# Kubernetes community groups written other than by their names: a list after the plural ("SIGs Testing, UI,
# API Machinery, and Usability"), or the group word after the name ("the new Naming WG").
_GROUP_NAME = r"[A-Z][A-Za-z]*(?:[ -][A-Z][A-Za-z]*){0,2}"
_LIST_SEPARATOR = r"(?:,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+)"
# "SIGs Testing, UI", and both kinds at once: "SIGs and WGs: Security, Scheduling, Data Protection"
GROUP_LIST = re.compile(
    rf"\b(SIG|WG)s(?:\s+(?:and|&)\s+(SIG|WG)s)?:?\s+({_GROUP_NAME}(?:{_LIST_SEPARATOR}{_GROUP_NAME})*)")
GROUP_AFTER = re.compile(rf"(?<![\w-])({_GROUP_NAME})\s(SIG|WG|Working Group|Special Interest Group)\b")
# "The Network and Cluster Lifecycle SIGs": the names before the plural
GROUPS_BEFORE = re.compile(rf"(?<![\w-])({_GROUP_NAME}(?:{_LIST_SEPARATOR}{_GROUP_NAME})+)\s(SIG|WG)s\b")
# Capitalised words that open a sentence or a headline before a group's name: "The Batch WG met"
_LEADING_WORDS = frozenset({"Kubernetes", "K8s", "The", "New", "Our", "A", "An"})
_GROUP_WORDS = {"SIG": "SIG", "WG": "WG", "Working Group": "WG", "Special Interest Group": "SIG"}


def group_hits(view_text: str) -> list[tuple[int, int, str]]:
    """(view start, view end, name to look up) for each group a list or a reversed name may write, in order
    of start: `Scheduling` of "SIGs Autoscaling, Scheduling" → `SIG Scheduling`; "Naming WG" and "the
    Naming Working Group" → `WG Naming`."""
    if "SIG" not in view_text and "WG" not in view_text and " Group" not in view_text:
        return []
    hits = []
    for match in GROUP_LIST.finditer(view_text):
        # a member of a list of both kinds is whichever group of its name exists, tried in the order written
        for group in filter(None, (match.group(1), match.group(2))):
            hits += _listed(view_text, group, match.group(3), match.start(3), opens_sentence=False)
    plural = "SIGs" in view_text or "WGs" in view_text
    for match in GROUPS_BEFORE.finditer(view_text) if plural else ():
        hits += _listed(view_text, match.group(2), match.group(1), match.start(1), opens_sentence=True)
    for match in GROUP_AFTER.finditer(view_text):
        group = _GROUP_WORDS[match.group(2)]
        name, start = match.group(1), match.start(1)
        hits.append((start, match.end(2), f"{group} {name}"))
        # "the Kubernetes Node Lifecycle Working Group" is WG Node Lifecycle, "The Batch WG met" WG Batch;
        # but "CNCF Kubernetes Security Special Interest Group" is CNCF's, not SIG Security
        first, _, rest = name.partition(" ")
        if rest and first in _LEADING_WORDS:
            hits.append((start + len(first) + 1, match.end(2), f"{group} {rest}"))
    return sorted(hits, key=lambda hit: (hit[0], -hit[1]))


def _listed(view_text: str, group: str, listed: str, at: int, opens_sentence: bool
            ) -> list[tuple[int, int, str]]:
    """Each name of a list of groups; where the list may open a sentence, without the sentence's first
    word ("The Network and Cluster Lifecycle SIGs")."""
    hits = []
    for part in re.split(_LIST_SEPARATOR, listed):
        start = view_text.index(part, at)
        at = start + len(part)
        first, _, rest = part.partition(" ")
        if opens_sentence and rest and first in _LEADING_WORDS:
            part, start = rest, start + len(first) + 1
        hits.append((start, at, f"{group} {part}"))
    return hits


def group_slug(name: str, index: Any, entities: Mapping[str, EntityRecord]) -> str | None:
    """The community group (an Organization) of which `name` is an alias, if any."""
    for entry in index.entries(name):
        entity = entities.get(entry.slug)
        if entity is not None and entity.type == "Organization" and entry.text.lower() == name.lower():
            return entity.slug
    return None
