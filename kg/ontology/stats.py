"""Counts over an EntityBase, for `kg ontology check` and for the report on the ontology."""

from __future__ import annotations

from collections import Counter
from typing import Any

from kg.ontology.base import EntityBase


def base_stats(base: EntityBase) -> dict[str, Any]:
    entities = base.entities.values()
    aliases = [a for e in entities for a in e.aliases]
    return {
        "entities": len(base.entities),
        "aliases": len(aliases),
        "aliases_zh": sum(a.lang == "zh" for a in aliases),
        "ambiguous_aliases": sum(a.ambiguous for a in aliases),
        "by_type": dict(sorted(Counter(e.type for e in entities).items())),
        "by_source": dict(sorted(Counter(e.source or "" for e in entities).items())),
        "version": base.version,
    }
