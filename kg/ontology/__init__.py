"""The ontology's entity base: bilingual labels, aliases, URLs and relations of every listed entity.

`load_base()` reads ontology/entities/*.yaml (see ontology/README.md for the format and the merge rule);
`kg ontology import-landscape` regenerates the landscape-derived files; `promote` adds reviewed candidates.
"""

from __future__ import annotations

from kg.errors import OntologyError
from kg.ontology.base import EntityBase, default_root, load_base

__all__ = ["EntityBase", "OntologyError", "default_root", "load_base"]
