"""`kg ontology promote`: turn a reviewed candidate (an unknown name or repository) into a curated entity.

The block is appended to a curated file (default ontology/entities/promoted.yaml), the whole entity base
is loaded again to prove the file still validates (the file is restored if not), and only then is the
candidate marked `promoted` in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import OntologyError
from kg.ontology.base import LISTED_TYPES, SLUG_RE, load_base
from kg.ontology.drafts import make_slug
from kg.ontology.fileformat import dump_block, is_generated

PROMOTED_HEADER = (
    "# Entities promoted from reviewed candidates by `kg ontology promote`; curated, edit freely.\n\n"
)


@dataclass(frozen=True, slots=True)
class Promoted:
    slug: str
    file: Path
    block: dict[str, Any]


def candidate_block(candidate: dict[str, Any], slug: str | None, kind: str) -> dict[str, Any]:
    """The entity block for a candidate row (`key`, `label`, `kind`, `url`)."""
    label = str(candidate["label"])
    block: dict[str, Any] = {"type": kind}
    if candidate["kind"] == "repository":
        owner, _, repo = label.partition("/")
        label = repo or owner
        url = candidate.get("url") or f"https://github.com/{owner}/{repo}"
        parts = url.split("/")
        block["repository"] = ["/".join(parts[:5])] if "github.com" in url else [url]
    elif candidate.get("url"):
        block["homepage"] = candidate["url"]
    block = {"slug": slug or make_slug(label), **block, "label": label, "source": "promoted"}
    return block


def promote(
    key: str,
    db: str | None = None,
    slug: str | None = None,
    kind: str = "Project",
    file: Path | None = None,
) -> Promoted:
    from kg.store import Store

    if kind not in LISTED_TYPES:
        raise OntologyError(f"unknown type '{kind}'; use one of {', '.join(LISTED_TYPES)}")
    if slug is not None and not SLUG_RE.match(slug):
        raise OntologyError(f"slug '{slug}' is not lower-case ASCII (a-z 0-9 . _ ~ -); choose another")
    target = Path(file) if file is not None else _default_file()
    if target.parent.name != "entities":
        raise OntologyError(f"{target}: promoted entities go into a file in an ontology's entities/ folder")
    if is_generated(target.name):
        raise OntologyError(
            f"{target}: generated files are rewritten by the importer; promote into a "
            "curated file such as promoted.yaml"
        )
    root = target.parent.parent
    with Store(db) as store:
        candidate = store.candidate(key)
        if candidate is None:
            raise OntologyError(f"no candidate '{key}' in {store.url}; list them with `kg candidates`")
        if candidate["status"] == "promoted":
            raise OntologyError(f"candidate '{key}' is already promoted")
        block = candidate_block(candidate, slug, kind)
        base = load_base(root, use_cache=False)
        if block["slug"] in base.entities:
            where = base.files.get(block["slug"], "the ontology")
            raise OntologyError(
                f"slug '{block['slug']}' is already taken by '{base.entities[block['slug']].label}'"
                f" ({where}); pass --slug with another slug"
            )
        _append(target, block, root)
        store.set_candidate_status(key, "promoted")
    return Promoted(slug=block["slug"], file=target, block=block)


def _default_file() -> Path:
    from kg.ontology.base import default_root

    return default_root() / "entities" / "promoted.yaml"


def _append(target: Path, block: dict[str, Any], root: Path) -> None:
    old = target.read_bytes() if target.exists() else None
    text = old.decode("utf-8") if old is not None else PROMOTED_HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    if text.strip() and not text.endswith("\n\n") and old is not None:
        text += "\n"
    target.write_text(text + dump_block(block), encoding="utf-8")
    try:
        load_base(root, use_cache=False)
    except OntologyError:
        if old is None:
            target.unlink()
        else:
            target.write_bytes(old)
        raise
