"""Load ontology/entities/*.yaml into an EntityBase: validated entities, their aliases and URL lookups.

Merge rule: generated files (landscape-*.yaml, awesome-cloud-native*.yaml) each define a slug at most once;
every other file is curation, loaded after them in file-name order, and also defines a slug at most once.
A curated block whose slug exists in generated data overrides it: scalar keys it sets replace the generated
value, list keys are added to the generated lists (so curation can add Chinese names without repeating the
rest) except `ambiguous`, which replaces the generated list (so curation can also un-mark an alias).
A curated block for a new slug needs `type` and `label`. A curated block that sets `same_as: TARGET` on a
generated slug folds that entity into TARGET (the lists import one project twice, or once beside a curated
entry): its names (but a lower-case word, the repository name taken as a label), repositories and domains
become TARGET's, references to it point at TARGET, and the slug is gone.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import os
import pickle
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import OntologyError
from kg.models import ENTITY_TYPES, AliasRecord, EntityRecord
from kg.ontology.fileformat import (
    DATE_KEYS,
    KEYS,
    LIST_KEYS,
    MAPPING_KEYS,
    MATURITIES,
    is_generated,
)
from kg.ontology.lookup import UrlIndex

# Proposals, releases and CVEs are minted by the linker; the entity files list everything else.
LISTED_TYPES = tuple(t for t in ENTITY_TYPES if t not in ("Proposal", "Release", "Vulnerability"))
KEY_INDEX = {key: i for i, key in enumerate(KEYS)}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._~-]*$")
CACHE_FORMAT = 3


def default_root() -> Path:
    """The repository's ontology/ folder, found from the package location."""
    return Path(__file__).resolve().parents[2] / "ontology"


def _cache_dir() -> Path:
    base = os.environ.get("KG_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cnkg"


@dataclass
class EntityBase:
    """Every listed entity by slug, with the version (sha256 of the files) the linker records."""

    entities: dict[str, EntityRecord]
    version: str
    files: dict[str, str] = field(default_factory=dict)  # slug -> file:line of its defining block
    urls: UrlIndex = field(default_factory=UrlIndex)

    def __len__(self) -> int:
        return len(self.entities)

    def __contains__(self, slug: object) -> bool:
        return slug in self.entities

    def get(self, slug: str) -> EntityRecord | None:
        return self.entities.get(slug)

    @property
    def organizations(self) -> dict[str, EntityRecord]:
        return {s: e for s, e in self.entities.items() if e.type == "Organization"}

    def by_repository(self, owner: str, repo: str | None = None) -> str | None:
        """github owner or owner/repo -> slug (case-insensitive); None when no entity claims it."""
        return self.urls.by_repository(owner, repo)

    def repository_claimants(self, owner: str, repo: str) -> tuple[str, ...]:
        """Every entity claiming github owner/repo, best first, when several do (`kubernetes/autoscaler`)."""
        return self.urls.repository_claimants(owner, repo)

    def by_host(self, host: str, path: str = "") -> str | None:
        """A homepage or docs host (with the URL path, for path-prefix homepages) -> slug."""
        return self.urls.by_host(host, path)

    def by_url(self, url: str) -> str | None:
        return self.urls.by_url(url)


# --------------------------------------------------------------------------- loading


def entity_files(root: Path) -> list[Path]:
    folder = root / "entities"
    if not folder.is_dir():
        raise OntologyError(f"{folder}: no entities folder; pass the ontology/ folder that holds entities/")
    files = sorted(folder.glob("*.yaml"))
    # Generated data first, curation after it, so curated keys win.
    return sorted(files, key=lambda p: (not is_generated(p.name), p.name))


def base_version(files: list[Path], contents: list[bytes] | None = None) -> str:
    digest = hashlib.sha256()
    for path, data in zip(files, contents or [p.read_bytes() for p in files], strict=True):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def load_base(root: Path | None = None, *, use_cache: bool = True) -> EntityBase:
    """Load and validate every entity file under `root/entities` (default: the repo's ontology/)."""
    root = Path(root) if root is not None else default_root()
    files = entity_files(root)
    contents = [p.read_bytes() for p in files]
    version = base_version(files, contents)
    cache = _cache_dir() / f"entities-{CACHE_FORMAT}-{version[:32]}.pickle"
    if use_cache and cache.exists():
        try:
            with cache.open("rb") as fh:
                base = pickle.load(fh)
            if isinstance(base, EntityBase) and base.version == version:
                return base
        except Exception:  # a stale or truncated cache is simply rebuilt
            pass
    started = time.perf_counter()
    base = build_base(files, contents, version)
    if use_cache and time.perf_counter() - started > 0.05:
        _write_cache(cache, base)
    return base


def _write_cache(cache: Path, base: EntityBase) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(base, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError:  # a read-only home is no reason to fail: loading just stays uncached
        pass


def build_base(files: list[Path], contents: list[bytes], version: str) -> EntityBase:
    blocks: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    generated_where: dict[str, str] = {}
    for path, data in zip(files, contents, strict=True):
        generated = is_generated(path.name)
        shown = _show(path)
        for block, line in _read_file(path, data, shown):
            loc = f"{shown}:{line}"
            _check_block(block, loc)
            slug = block["slug"]
            if slug in where and (generated or where[slug] != generated_where.get(slug)):
                raise OntologyError(
                    f"{loc}: duplicate slug '{slug}' (first defined at {where[slug]}); "
                    "rename one of them or merge the two blocks"
                )
            if slug in blocks:  # curation over generated data
                _merge_into(blocks[slug], block)
                where[slug] = loc
            else:
                if not generated and ("type" not in block or "label" not in block):
                    missing = "type" if "type" not in block else "label"
                    raise OntologyError(f"{loc}: entity '{slug}' has no {missing}; add `{missing}:`")
                blocks[slug] = block
                where[slug] = loc
                if generated:
                    generated_where[slug] = loc
    _fold_duplicates(blocks, where, generated_where)
    _check_references(blocks, where)
    entities = {slug: _record(blocks[slug], where[slug]) for slug in sorted(blocks)}
    return EntityBase(entities=entities, version=version, files=where, urls=UrlIndex.build(entities))


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_file(path: Path, data: bytes, shown: str) -> list[tuple[dict[str, Any], int]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OntologyError(f"{shown}:{line}: not UTF-8; save the file as UTF-8") from exc
    try:
        loaded = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "malformed YAML"
        raise OntologyError(f"{shown}:{line}: malformed YAML ({problem}); fix the block there") from exc
    if loaded is None:
        return []
    if not isinstance(loaded, list):
        raise OntologyError(f"{shown}:1: an entity file must be a YAML list of `- slug: ...` blocks")
    lines = [n for n, row in enumerate(text.split("\n"), 1) if row.startswith("- ")]
    out = []
    for index, block in enumerate(loaded):
        line = lines[index] if index < len(lines) and len(lines) == len(loaded) else _guess_line(text, block)
        if not isinstance(block, dict):
            raise OntologyError(
                f"{shown}:{line}: block {index + 1} is not a mapping; start each entity with `- slug: <slug>`"
            )
        out.append((block, line))
    return out


def _guess_line(text: str, block: Any) -> int:
    if isinstance(block, dict) and "slug" in block:
        match = re.search(rf"^\s*-?\s*slug:\s*{re.escape(str(block['slug']))}\s*$", text, re.M)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return 1


def _check_block(block: dict[str, Any], loc: str) -> None:
    slug = block.get("slug")
    if not isinstance(slug, str) or not slug:
        raise OntologyError(f"{loc}: block has no slug; start it with `- slug: <lower-case-slug>`")
    if not SLUG_RE.match(slug):
        raise OntologyError(f"{loc}: slug '{slug}' is not lower-case ASCII (a-z 0-9 . _ ~ -); rename it")
    for key in block:
        if key not in KEYS:
            raise OntologyError(f"{loc}: unknown key '{key}' in '{slug}'{_did_you_mean(str(key), KEYS)}")
    keys = list(block)
    for before, key in itertools.pairwise(keys):
        if KEY_INDEX[key] < KEY_INDEX[before]:
            raise OntologyError(
                f"{loc}: key '{key}' of '{slug}' is out of order; keys go in the order {', '.join(KEYS)}"
            )
    for key, value in block.items():
        if key in LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise OntologyError(f"{loc}: '{key}' of '{slug}' must be a list of non-empty strings")
        elif key in MAPPING_KEYS:
            if not isinstance(value, dict):
                raise OntologyError(
                    f"{loc}: '{key}' of '{slug}' must be a mapping such as {{accepted: \"2020-01-31\"}}"
                )
            for name, date in value.items():
                if name not in DATE_KEYS:
                    raise OntologyError(
                        f"{loc}: unknown date '{name}' in '{slug}'{_did_you_mean(str(name), DATE_KEYS)}"
                    )
                value[name] = str(date)
        elif not isinstance(value, str) or not value.strip():
            raise OntologyError(f"{loc}: '{key}' of '{slug}' must be a non-empty string")
    kind = block.get("type")
    if kind is not None and kind not in LISTED_TYPES:
        raise OntologyError(
            f"{loc}: unknown type '{kind}' for '{slug}'{_did_you_mean(kind, LISTED_TYPES)}"
            f" (one of {', '.join(LISTED_TYPES)})"
        )
    maturity = block.get("maturity")
    if maturity is not None and maturity not in MATURITIES:
        raise OntologyError(
            f"{loc}: unknown maturity '{maturity}' for '{slug}'"
            f"{_did_you_mean(maturity, MATURITIES)} (one of {', '.join(MATURITIES)})"
        )


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _merge_into(base: dict[str, Any], over: dict[str, Any]) -> None:
    if "label" in over and over["label"] != base.get("label") and "ambiguous" in base:
        # a curated label replaces the generated one, which is then no name of the entity any more
        base["ambiguous"] = [a for a in base["ambiguous"] if a != base.get("label")]
    for key, value in over.items():
        if key == "ambiguous":  # curation decides ambiguity outright, so it can also un-mark an alias
            base[key] = list(value)
        elif key in LIST_KEYS:
            merged = list(base.get(key, []))
            merged += [v for v in value if v not in merged]
            base[key] = merged
        elif key in MAPPING_KEYS:
            base[key] = {**base.get(key, {}), **value}
        elif key == "source" and base.get("source"):
            continue  # an overridden entity still comes from the landscape
        else:
            base[key] = value


def _fold_duplicates(blocks: dict[str, dict[str, Any]], where: dict[str, str],
                     generated_where: dict[str, str]) -> None:
    """Fold each generated entity a curated block marks `same_as` another into that one."""
    folded = {slug: block["same_as"] for slug, block in blocks.items() if "same_as" in block}
    for slug, target in folded.items():
        if slug not in generated_where:
            raise OntologyError(f"{where[slug]}: '{slug}' sets same_as but is no generated entity; list its "
                                f"names under the aliases of '{target}' instead")
        if target not in blocks or target in folded or target == slug:
            close = difflib.get_close_matches(target, list(blocks), n=1, cutoff=0.75)
            hint = f"did you mean '{close[0]}'?" if close else "name an entity that stays in the base"
            raise OntologyError(
                f"{where[slug]}: same_as '{target}' of '{slug}' is no entity to fold into; {hint}")
    for slug, target in folded.items():
        block, into = blocks.pop(slug), blocks[target]
        names = set(_names(into))
        # A lower-case word (`dashboard`, `eventing`) is the repository name the lists took as a label: the
        # repository link names the target anyway, and as a name of a component it would read every
        # "dashboard" in a post about its project as the component.
        moved = [n for n in _names(block)
                 if n not in names and not _is_chinese(n) and not _REPO_WORD.fullmatch(n)]
        _extend(into, "aliases", moved)
        _extend(into, "aliases_zh", [n for n in _names(block) if n not in names and _is_chinese(n)])
        _extend(into, "ambiguous", [a for a in block.get("ambiguous", []) if a in moved])
        for key in ("repository", "domains"):
            _extend(into, key, block.get(key, []))
        if "homepage" in block and "homepage" not in into:
            into["homepage"] = block["homepage"]
        for other in blocks.values():
            for key in ("organization", "hosted_by", "part_of"):
                if other.get(key) == slug:
                    other[key] = target


_REPO_WORD = re.compile(r"[a-z][a-z0-9]*")


def _extend(block: dict[str, Any], key: str, values: list[str]) -> None:
    """Append the values `block[key]` lacks, keeping their order; an empty list is never written."""
    current = block.get(key, [])
    added = [v for v in dict.fromkeys(values) if v not in current]
    if added:
        block[key] = current + added


def _is_chinese(text: str) -> bool:
    return _lang(text, "en") == "zh"


def _check_references(blocks: dict[str, dict[str, Any]], where: dict[str, str]) -> None:
    slugs = list(blocks)
    for slug, block in blocks.items():
        for key in ("organization", "hosted_by", "part_of"):
            target = block.get(key)
            if target is not None and target not in blocks:
                close = difflib.get_close_matches(target, slugs, n=1, cutoff=0.75)
                hint = f"did you mean '{close[0]}'?" if close else "add an entity with that slug"
                raise OntologyError(f"{where[slug]}: unknown {key} '{target}' for '{slug}'; {hint}")
        if block.get("part_of") == slug:
            raise OntologyError(f"{where[slug]}: '{slug}' is part_of itself; name its parent")
        names = _names(block)
        for alias in block.get("ambiguous", []):
            if alias not in names:
                raise OntologyError(
                    f"{where[slug]}: ambiguous alias '{alias}' of '{slug}' is not its label, "
                    "alias or former name; add it to `aliases` or fix the spelling"
                )


def _names(block: dict[str, Any]) -> list[str]:
    names = [block["label"]] if "label" in block else []
    if "label_zh" in block:
        names.append(block["label_zh"])
    for key in ("aliases", "aliases_zh", "former_names"):
        names += block.get(key, [])
    return names


def _lang(text: str, default: str) -> str:
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in text) else default


def _record(block: dict[str, Any], loc: str) -> EntityRecord:
    ambiguous = set(block.get("ambiguous", []))
    aliases: list[AliasRecord] = []
    seen: set[tuple[str, str]] = set()
    pairs = [(block["label"], "en")]
    if "label_zh" in block:
        pairs.append((block["label_zh"], "zh"))
    pairs += [(a, "en") for a in block.get("aliases", [])]
    pairs += [(a, "zh") for a in block.get("aliases_zh", [])]
    pairs += [(a, "en") for a in block.get("former_names", [])]
    for text, default in pairs:
        lang = _lang(text, default)
        if (text, lang) in seen:
            continue
        seen.add((text, lang))
        aliases.append(AliasRecord(text=text, lang=lang, ambiguous=text in ambiguous))
    repositories = block.get("repository", [])
    data: dict[str, Any] = {"file": Path(loc.rsplit(":", 1)[0]).name}
    for key in ("repository", "domains", "context", "former_names", "dates", "status", "hosted_by"):
        if key in block:
            data["repositories" if key == "repository" else key] = block[key]
    return EntityRecord(
        slug=block["slug"],
        type=block["type"],
        label=block["label"],
        label_zh=block.get("label_zh"),
        aliases=tuple(aliases),
        description=block.get("description"),
        homepage=block.get("homepage"),
        repository=repositories[0] if repositories else None,
        organization=block.get("organization"),
        part_of=block.get("part_of"),
        category=block.get("category"),
        subcategory=block.get("subcategory"),
        maturity=block.get("maturity"),
        source=block.get("source"),
        data=data,
    )
