"""The one small model every stage shares: records for data in flight, tables for rows.

Records are plain frozen dataclasses (pure stages build millions of them, so they stay cheap);
tables are SQLModel classes written only by `kg.store`. All character offsets are offsets into the
*decoded source text* of a file (BOM removed, newlines untouched), so `source[start:end] == surface`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

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


@dataclass(frozen=True, slots=True)
class AliasRecord:
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


# --------------------------------------------------------------------------- tables


class Meta(SQLModel, table=True):
    """Store-wide facts such as the hash of the ontology the entities came from."""

    key: str = Field(primary_key=True)
    value: str


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True)
    path: str
    series: str = Field(index=True)
    title: str | None = None
    issue_number: int | None = None
    published_at: str | None = None
    published_date: dt.date | None = Field(default=None, index=True)
    utc_offset_minutes: int | None = None
    authors: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    editors: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    content_hash: str = Field(index=True, unique=True)
    encoding: str = "utf-8"
    size: int = 0
    linker_version: str = ""  # documents linked by another ontology/linker are re-linked
    source: str = ""


class DocumentPath(SQLModel, table=True):
    """Every path a post was read from; one Document may have several."""

    path: str = Field(primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    content_hash: str


class Item(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("document_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    position: int
    section_path: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    kind: str
    text: str
    char_start: int
    char_end: int


class Link(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    url: str
    anchor: str
    char_start: int
    char_end: int
    anchor_start: int
    anchor_end: int


class Entity(SQLModel, table=True):
    slug: str = Field(primary_key=True)
    type: str = Field(index=True)
    label: str
    label_zh: str | None = None
    description: str | None = None
    homepage: str | None = None
    repository: str | None = None
    organization: str | None = None  # slug of the Organization behind it
    part_of: str | None = None  # slug of the parent entity
    category: str | None = None
    subcategory: str | None = None
    maturity: str | None = None
    source: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class Alias(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entity_slug: str = Field(foreign_key="entity.slug", index=True)
    text: str
    lang: str = "en"
    ambiguous: bool = False


class Mention(SQLModel, table=True):
    __table_args__ = (Index("ix_mention_entity_item", "entity_slug", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    entity_slug: str = Field(foreign_key="entity.slug")
    surface: str
    char_start: int
    char_end: int
    sentence_start: int
    sentence_end: int
    method: str
    confidence: float
    url: str | None = None


class Candidate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True)
    label: str
    kind: str
    url: str | None = None
    status: str = "new"  # new | promoted | rejected


class CandidateMention(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    surface: str
    char_start: int
    char_end: int


class Relation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    subject_slug: str = Field(foreign_key="entity.slug", index=True)
    predicate: str
    object_slug: str = Field(foreign_key="entity.slug", index=True)
    sentence_start: int
    sentence_end: int
    method: str
    confidence: float
    cue: str = ""
