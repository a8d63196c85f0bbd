"""The store's tables (SQLModel): one row type per kind of record in kg.models, written only by `kg.store`.

Also importable from `kg.models`, which loads this module on first use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


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
