"""What each predicate allows its subject and object to be, from the ontology's types, owners and hosts.

A rule's cue and shape propose a pair; these checks decide whether the pair can be what the predicate says:
`acquires` needs an organization buying an organization, product or project that no foundation hosts (nobody
buys Kubernetes); `releasedBy` points at an organization and, unless the sentence
says so explicitly (`released by`, `由 X 开源`), at the one the ontology names as the thing's owner;
`joins` and `donatedTo` point at a foundation; comparisons stay between two organizations or two technical
things. Entities the linker minted (releases, proposals, CVEs) are typed by the shape of their slug.
"""

from __future__ import annotations

from collections.abc import Mapping

from kg.models import EntityRecord
from kg.relations.rules import Rule, is_foundation, type_of

_HOSTED = frozenset({"sandbox", "incubating", "graduated", "archived"})
_ACQUIRABLE = frozenset({"Organization", "Product", "Project"})
_EXPLICIT = frozenset({"releasedBy.en-passive", "releasedBy.zh-passive"})


def allowed(
    rule: Rule, subject: str, obj: str, confidence: float, entities: Mapping[str, EntityRecord]
) -> tuple[str, str, float] | None:
    """The (subject, object, confidence) the predicate allows for this pair, or None."""
    if subject == obj:
        return None
    if not entities:  # no types known: the cue and the shape decide alone
        return subject, obj, confidence
    subject_type, object_type = type_of(subject, entities), type_of(obj, entities)
    if rule.predicate == "releasedBy" and object_type not in (None, "Organization"):
        # Google Cloud 发布了 Cloud Run: a product named as the releaser stands for its owner, when the
        # product carries the owner's name (Google Cloud, AWS App Mesh; not Fedora for Red Hat).
        owner = _owner_in_name(obj, entities)
        if owner is None:
            return None
        obj, object_type, confidence = owner, "Organization", confidence * 0.9
    if subject_type not in rule.subject_types or object_type not in rule.object_types:
        return None
    if subject == obj:
        return None
    if rule.predicate == "competesWith" and (subject_type == "Organization") != (
        object_type == "Organization"
    ):
        return None
    if rule.predicate in ("joins", "donatedTo") and not is_foundation(obj, entities):
        return None  # "Uber ... joining Google" is no membership: projects join, and go to, foundations
    if rule.predicate == "acquires" and not _acquirable(obj, object_type, entities):
        return None
    if (
        rule.predicate == "releasedBy"
        and rule.name not in _EXPLICIT
        and not _may_release(obj, subject, entities)
    ):
        return None
    return subject, obj, confidence


def _owner_in_name(product: str, entities: Mapping[str, EntityRecord]) -> str | None:
    record = entities.get(product)
    owner = record.organization if record else None
    if record is None or owner is None or type_of(owner, entities) != "Organization":
        return None
    org = entities[owner]
    first = (record.label.split() or [""])[0].strip(",.").lower()
    names = {(org.label.split() or [""])[0].strip(",.").lower(), *(a.text.lower() for a in org.aliases)}
    return owner if first in names or product.startswith(f"{owner}-") else None


def _acquirable(thing: str, thing_type: str | None, entities: Mapping[str, EntityRecord]) -> bool:
    """An organization, product or project no foundation hosts."""
    if thing_type is not None and thing_type not in _ACQUIRABLE:
        return False
    record = entities.get(thing)
    if record is None:
        return True
    if (
        is_foundation(thing, entities)
        or (record.maturity or "").lower() in _HOSTED
        or record.data.get("hosted_by")
    ):
        return False
    # The ontology may already name the buyer as the owner (Salt: VMware): only a foundation owner rules out.
    return record.organization is None or not is_foundation(record.organization, entities)


def _may_release(releaser: str, thing: str, entities: Mapping[str, EntityRecord]) -> bool:
    """The releaser is the owner the ontology gives (of the thing, or of the project a release belongs to);
    anyone may be the releaser of a thing whose owner is unknown."""
    record = entities.get(thing)
    if record is None and "@" in thing:
        record = entities.get(thing.split("@", 1)[0])
    elif record is not None and record.organization is None and record.part_of:
        record = entities.get(record.part_of) or record
    owner = record.organization if record else None
    return owner is None or _same_organization(owner, releaser, entities)


def _same_organization(a: str, b: str, entities: Mapping[str, EntityRecord]) -> bool:
    """The same organization, or one the other's part (Google and Alphabet, AWS and Amazon)."""
    if a == b:
        return True
    parent_a = entities[a].part_of if a in entities else None
    parent_b = entities[b].part_of if b in entities else None
    return b == parent_a or a == parent_b
