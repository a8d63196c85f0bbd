"""The one small model every stage shares: records for data in flight, tables for rows.

Records are plain frozen dataclasses (pure stages build millions of them, so they stay cheap);
tables are SQLModel classes written only by `kg.store`, defined in `kg.tables` and importable from here
too: they load on first use, so that a stage that never touches the store (`kg extract`) does not pay for
SQLAlchemy. All character offsets are offsets into the *decoded source text* of a file (BOM removed,
newlines untouched), so `source[start:end] == surface`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Classes of the ontology that an entity may have (local names in ontology/cnkg.ttl).
ENTITY_TYPES = (
    "Project",
    "Organization",
    "Product",
    "Specification",
    "Proposal",
    "Release",
    "Vulnerability",
    "Concept",
)

# How a mention was found; `kg extract` prints these verbatim.
MENTION_METHODS = ("alias", "url", "rule")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A markdown link: `start:end` spans the whole `[anchor](url)`, `anchor_start:anchor_end` the anchor."""

    url: str
    anchor: str
    start: int
    end: int
    anchor_start: int
    anchor_end: int


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One news item; `text == source[start:end]`."""

    position: int
    section_path: tuple[str, ...]
    kind: str  # title | bullet | numbered | heading | paragraph
    start: int
    end: int
    text: str
    links: tuple[LinkRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One post as parsed: metadata, its decoded source and its items."""

    path: str
    slug: str
    series: str
    title: str | None
    issue_number: int | None
    published_at: str | None  # ISO 8601 as written, with its UTC offset when one was given
    published_date: dt.date | None
    utc_offset_minutes: int | None
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    tags: tuple[str, ...]
    content_hash: str
    encoding: str
    source: str
    items: tuple[ItemRecord, ...]
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """An entity found in an item; offsets are into the document source."""

    item_position: int
    entity: str  # entity slug
    surface: str
    start: int
    end: int
    method: str
    confidence: float
    sentence_start: int
    sentence_end: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """An unknown name that looks like an entity, waiting for review (never a silent link)."""

    item_position: int
    key: str  # normalised name or repository, unique per candidate
    label: str
    kind: str  # name | repository | site
    surface: str
    start: int
    end: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class RelationRecord:
    """A typed relation between two entities, with the sentence that states it."""

    item_position: int
    subject: str
    predicate: str
    object: str
    sentence_start: int
    sentence_end: int
    method: str
    confidence: float
    cue: str = ""


class AliasRecord(NamedTuple):
    """One name of an entity (a named tuple: the base unpickles 34,000 of them at every start)."""

    text: str
    lang: str = "en"
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """An ontology entity as the ontology files (or the linker, for proposals and CVEs) define it."""

    slug: str
    type: str
    label: str
    label_zh: str | None = None
    aliases: tuple[AliasRecord, ...] = ()
    description: str | None = None
    homepage: str | None = None
    repository: str | None = None
    organization: str | None = None
    part_of: str | None = None
    category: str | None = None
    subcategory: str | None = None
    maturity: str | None = None
    source: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LinkedDocument:
    """What linking found in one document: the input of `Store.save_document`."""

    document: DocumentRecord
    mentions: tuple[MentionRecord, ...] = ()
    candidates: tuple[CandidateRecord, ...] = ()
    relations: tuple[RelationRecord, ...] = ()
    new_entities: tuple[EntityRecord, ...] = ()  # proposals, releases, CVEs minted while linking


# --------------------------------------------------------------------------- tables (kg.tables)

TABLES = frozenset({
    "Meta", "Document", "DocumentPath", "Item", "Link", "Entity", "Alias", "Mention", "Candidate",
    "CandidateMention", "Relation",
})


def __getattr__(name: str) -> Any:
    if name in TABLES:
        from kg import tables

        return getattr(tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
