"""Entity linking: every mention in an item tied to an ontology entity, exact spans (see kg.link.linker)."""

from __future__ import annotations

from kg.link.linker import LINKER_CODE_VERSION, Linker

__all__ = ["LINKER_CODE_VERSION", "Linker"]
