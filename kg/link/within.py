"""Names written inside a longer name that name a second entity (ontology/README.md, "Owners written in
front"): the owner in front (`AWS EC2` names AWS), a former owner (`Heptio Contour`), an organization's
acronym in front of one of its bodies (`CNCF TOC`), the owner after `by` or `from` (`The Record by Recorded
Future`), the project a product is for (`Percona Server for MySQL` names MySQL), and the project or
company in front of a concept (`Kubernetes Operators` names Kubernetes).

Each rule takes the matched surface and the entity it was linked to, and gives the second entity with its
span inside the surface.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from kg.link.matcher import AliasIndex
from kg.models import EntityRecord

_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")
_PUBLICATIONS = frozenset({"Media", "News", "Publisher", "Publishing", "Newsletter"})

Within = tuple[str, int, int]  # (slug, start, end) inside the surface


def named_within(surface: str, slug: str, entities: Mapping[str, EntityRecord], index: AliasIndex
                 ) -> list[Within]:
    """The other entities `surface` (linked to `slug`) names, with their spans inside it."""
    if " " not in surface:
        return []
    found = (owner_prefix(surface, slug, entities, index), owner_suffix(surface, slug, entities),
             built_for(surface, slug, entities, index), named_before_concept(surface, slug, entities, index))
    return [f for f in found if f is not None]


def owner_prefix(surface: str, slug: str, entities: Mapping[str, EntityRecord], index: AliasIndex
                 ) -> Within | None:
    """The owner a name is written with when that is not the name's own label: `AWS EC2` (Amazon EC2)
    and `Heptio Ark` (Velero) name AWS and Heptio too; `Amazon EKS`, a label, names one product."""
    entity = entities[slug]
    if entity.type == "Organization" and entity.category not in _PUBLICATIONS:
        # A body of an organization named with its acronym in front (`CNCF TOC`, `IBM Research`) names
        # the organization too, label or not; a brand of its own (`Alibaba Cloud`) or a publication
        # (`MIT Technology Review`) does not.
        for owner, name in _written_in_front(surface, _owners(entity, entities, (entity.part_of,
                                                                                  entity.organization))):
            if _ACRONYM.fullmatch(name):
                return owner.slug, 0, len(name)
    label_first = entity.label.split(" ", 1)[0]
    if surface.split(" ", 1)[0] == label_first:
        return _owner_of_model(surface, entity, entities)
    for owner, name in _written_in_front(surface, _owners(entity, entities, (entity.organization,
                                                                             entity.part_of))):
        return owner.slug, 0, len(name)
    # A former owner (`Heptio Contour`), unless the label carries a brand of its own or the name is the
    # owner's parent brand (`Amazon EBS CSI driver` is AWS's: it names no second company).
    current = entities.get(entity.organization or "")
    parents = {current.part_of, current.organization} if current is not None else set()
    if organization_named(label_first, entities, index):
        return None
    at = surface.find(" ")
    while at > 0:
        named = organization_named(surface[:at], entities, index)
        if named is not None and named != slug and named not in parents:
            return named, 0, at
        at = surface.find(" ", at + 1)
    return None


# A model designation: capitals inside or a digit beside letters (`ESXi`, `BIG-IP`, `iLO`, `i5`, `GB200`,
# `OpenShift`, `FreeSync`), not a plain word (`Cloud`, `Actions`) or a bare number (`Framework 13`).
_MODEL = re.compile(r"(?=[\w:.+-]*(?:[A-Z][\w:.+-]*[A-Z]|[A-Za-z]\d|\d[A-Za-z]|^[a-z]+[A-Z]))[\w:.+-]+")


def _owner_of_model(surface: str, entity: EntityRecord, entities: Mapping[str, EntityRecord]
                    ) -> Within | None:
    """Even as the product's own label, its maker's name in front of a model designation names the maker:
    `VMware ESXi`, `F5 BIG-IP`, `HPE iLO`, `Intel i5`, `Red Hat OpenShift`; a brand of plain words does not
    (`Google Cloud`, `GitHub Actions`, `MIT Technology Review`)."""
    if entity.type not in ("Product", "Project"):
        return None
    for owner, name in _written_in_front(surface, _owners(entity, entities, (entity.organization,
                                                                             entity.part_of))):
        if _MODEL.fullmatch(surface[len(name) + 1:]):
            return owner.slug, 0, len(name)
    return None


def _written_in_front(surface: str, owners: Iterable[EntityRecord]) -> Iterator[tuple[EntityRecord, str]]:
    """(owner, name) for each name of each owner that `surface` starts with, as a word."""
    for owner in owners:
        for name in _names(owner):
            if surface.startswith(name + " "):
                yield owner, name


def owner_suffix(surface: str, slug: str, entities: Mapping[str, EntityRecord]) -> Within | None:
    """The owner a name ends with, after `by` or `from`: `The Record by Recorded Future`, `Kubernetes
    Podcast from Google` name the company too."""
    if " by " not in surface and " from " not in surface:
        return None
    entity = entities[slug]
    for owner in _owners(entity, entities, (entity.organization, entity.part_of)):
        for name in _names(owner):
            if surface.endswith((f" by {name}", f" from {name}")):
                return owner.slug, len(surface) - len(name), len(surface)
    return None


def built_for(surface: str, slug: str, entities: Mapping[str, EntityRecord], index: AliasIndex
              ) -> Within | None:
    """The software a product is named for: `Percona Server for MySQL` and `DB Browser for SQLite` name
    MySQL and SQLite too."""
    at = surface.rfind(" for ")
    if at < 0:
        return None
    tail = surface[at + 5:]
    found = {e.slug for e in index.entries(tail)
             if e.text == tail and not e.ambiguous and e.slug != slug and e.slug in entities
             and entities[e.slug].type in ("Project", "Specification")}
    return (found.pop(), len(surface) - len(tail), len(surface)) if len(found) == 1 else None


def named_before_concept(surface: str, slug: str, entities: Mapping[str, EntityRecord], index: AliasIndex
                         ) -> Within | None:
    """A concept written with a project or company in front (`Kubernetes Operators`, `Kubernetes
    ingress`) names that one too: the concept is unscored common ground, the name in front a mention."""
    concept = entities[slug]
    if concept.type != "Concept" or concept.category == "Media":
        return None  # a newsletter or show (`SOFA Weekly`) is a publication's name, not SOFAStack news
    first, _, rest = surface.partition(" ")
    if any(e.text == rest and not e.ambiguous for e in index.entries(rest.lower())):
        return None  # `TGI Kubernetes`, a show, is a name of its own, not a concept of TGI's
    named = {e.slug for e in index.entries(first.lower())
             if e.text == first and not e.ambiguous and e.slug in entities and e.slug != slug
             and entities[e.slug].type in ("Project", "Organization")}
    return (named.pop(), 0, len(first)) if len(named) == 1 else None


def organization_named(name: str, entities: Mapping[str, EntityRecord], index: AliasIndex) -> str | None:
    """The one organization `name` is a distinctive, exact-case alias of."""
    owners = {e.slug for e in index.entries(name)
              if e.text == name and not e.ambiguous and e.slug in entities
              and entities[e.slug].type == "Organization"}
    return owners.pop() if len(owners) == 1 else None


def _owners(entity: EntityRecord, entities: Mapping[str, EntityRecord], slugs: tuple[str | None, ...]
            ) -> list[EntityRecord]:
    found = (entities.get(s or "") for s in slugs)
    return [owner for owner in found if owner is not None and owner.type == "Organization"]


def _names(entity: EntityRecord) -> tuple[str, ...]:
    return (entity.label, *(a.text for a in entity.aliases if not a.ambiguous))
