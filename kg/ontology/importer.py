"""`kg ontology import-landscape`: turn the CNCF landscape and awesome-cloud-native lists into entity files.

Deterministic: the same inputs always give byte-identical files (items are merged and sorted by slug,
nothing depends on dict or file-system order). Only generated files (landscape-*.yaml,
awesome-cloud-native.yaml) are written; curated files are never touched (see ontology/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import OntologyError
from kg.ontology.drafts import (
    FOUNDATIONS,
    KNOWN_OWNERS,
    MEMBER_SUBCATEGORIES,
    ORGANIZATION_SLUGS,
    RENAMED,
    SAME_ORGANIZATION,
    Draft,
    core_name,
    first_owner,
    is_org_item,
    label_from_key,
    make_slug,
    names_org,
    repo_key,
    short_description,
    split_name,
)
from kg.ontology.fileformat import dump_blocks, is_generated
from kg.ontology.generic import is_generic
from kg.ontology.lookup import norm_name
from kg.ontology.sources import SourceItem, read_awesome, read_landscape, read_status


@dataclass
class _Org:
    key: str
    label: str
    rank: int  # 0 member, 1 service/training partner, 2 named by an item, 9 only known by its crunchbase slug
    homepage: str | None = None
    aliases: list[str] = field(default_factory=list)
    category: str = ""
    subcategory: str = ""
    dates: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    source: str = "cncf-landscape"


@dataclass
class ImportReport:
    files: dict[str, int]  # file name -> entities written
    written: list[str]  # files whose bytes changed
    removed: list[str]  # stale generated files deleted

    @property
    def entities(self) -> int:
        return sum(self.files.values())


class _Builder:
    def __init__(self) -> None:
        self.orgs: dict[str, _Org] = {}
        self.drafts: list[Draft] = []
        self.by_repo: dict[str, list[Draft]] = {}
        self.by_core: dict[str, Draft] = {}

    # ----------------------------------------------------------------- organizations

    def _org(
        self, key: str, label: str, rank: int, item: SourceItem | None, aliases: Iterable[str] = ()
    ) -> None:
        org = self.orgs.get(key)
        names = [label, *aliases] if item is not None else list(aliases)
        if org is None or rank < org.rank:
            old_aliases = org.aliases if org else []
            if org is not None and org.rank < 9:  # a name an item gave stays a name
                names.append(org.label)
            org = _Org(
                key=key,
                label=label,
                rank=rank,
                aliases=list(old_aliases),
                source=item.source
                if item and item.snapshot.startswith("landscape.yml")
                else (org.source if org else "cncf-landscape"),
            )
            self.orgs[key] = org
        for alias in names:
            if alias not in org.aliases and alias != org.label:
                org.aliases.append(alias)
        if item is not None:
            org.homepage = org.homepage or item.homepage
            if rank <= 1 and not org.category:
                org.category, org.subcategory = item.category, item.subcategory
            org.dates = {**item.dates, **org.dates}
            org.description = org.description or short_description(item.description)

    # ----------------------------------------------------------------- landscape items

    def add_landscape(self, item: SourceItem, current: bool) -> None:
        if item.crunchbase in SAME_ORGANIZATION:
            item.crunchbase = SAME_ORGANIZATION[item.crunchbase]
        label, aliases, _marked = split_name(item.name)
        if not label:
            return
        if label in RENAMED:
            aliases.insert(0, label)
            label = RENAMED[label]
        if label.startswith("Apache ") and len(label) > 8:  # newsletters write "Kafka", not "Apache Kafka"
            aliases.append(label[len("Apache ") :])
        source = "cncf-landscape" if current else "cncf-landscape-2019"
        if is_org_item(item) or (not item.repos and names_org(label, item.crunchbase)):
            key = item.crunchbase or make_slug(label)
            rank = (
                0 if item.category == "CNCF Members" else 1 if item.subcategory in MEMBER_SUBCATEGORIES else 2
            )
            self._org(key, label, rank, item, aliases)
            if not current and key in self.orgs and self.orgs[key].rank == rank:
                self.orgs[key].source = self.orgs[key].source or source
            return
        if item.crunchbase and item.crunchbase not in self.orgs:
            self._org(item.crunchbase, label_from_key(item.crunchbase), 9, None)
        if item.specification:
            kind = "Specification"
        elif item.category == "Wasm" and item.subcategory == "Languages":
            kind = "Concept"
        else:
            kind = "Project" if item.repos else "Product"
        draft = self._find(label, item.repos, kind)
        if draft is None:
            draft = Draft(
                slug="",
                type=kind,
                label=label,
                source=source,
                category=item.category,
                subcategory=item.subcategory,
                org_key=item.crunchbase,
            )
            self._register(draft, label)
        elif not current and draft.source.startswith("cncf-landscape"):
            pass  # an older listing only fills what the current one lacks
        self._absorb(draft, item, aliases, label)

    def _find(self, label: str, repos: list[str], kind: str) -> Draft | None:
        core = core_name(label)
        for url in repos[:1]:
            key = repo_key(url)
            for other in self.by_repo.get(key or "", []):
                if core_name(other.label) == core:
                    return other
        named = self.by_core.get(core)
        # by name alone only within one kind: Swift the language is not OpenStack Swift
        return named if named is not None and named.type == kind else None

    def _register(self, draft: Draft, label: str) -> None:
        self.drafts.append(draft)
        self.by_core.setdefault(core_name(label), draft)

    def _absorb(self, draft: Draft, item: SourceItem, aliases: list[str], label: str) -> None:
        for alias in [label, *aliases]:
            if alias != draft.label and alias not in draft.aliases:
                draft.aliases.append(alias)
        for url in item.repos:
            if url not in draft.repository:
                draft.repository.append(url)
                key = repo_key(url)
                if key:
                    self.by_repo.setdefault(key, []).append(draft)
        draft.homepage = draft.homepage or item.homepage
        draft.maturity = draft.maturity or item.maturity
        draft.dates = {**item.dates, **draft.dates}
        draft.description = draft.description or short_description(item.description)
        draft.status = draft.status or item.status
        draft.org_key = draft.org_key or item.crunchbase
        draft.parent_name = draft.parent_name or item.parent
        if not draft.category:
            draft.category = item.category

    # ----------------------------------------------------------------- awesome-cloud-native

    def add_awesome(self, item: SourceItem) -> None:
        label = item.name
        key = repo_key(item.repos[0]) if item.repos else None
        draft = None
        if key and self.by_repo.get(key):
            draft = next(
                (d for d in self.by_repo[key] if core_name(d.label) == core_name(label)), self.by_repo[key][0]
            )
        if draft is None:
            # a moved repository (uber/jaeger -> jaegertracing/jaeger) or an org URL is still the same project
            draft = self.by_core.get(core_name(label))
        if draft is None:
            draft = Draft(
                slug="", type="Project", label=label, source="awesome-cloud-native", category=item.category
            )
            self._register(draft, label)
            draft.description = short_description(item.description)
        # awesome names are repository names (`serving`, `pipeline`): one becomes an alias of an existing
        # entity only when it is a different name and no ordinary word
        distinct = norm_name(label) != norm_name(draft.label) and not is_generic(label)
        self._absorb(draft, item, [], label if distinct else draft.label)

    # ----------------------------------------------------------------- slugs and references

    def finish(self) -> tuple[list[Draft], list[Draft]]:
        """Assign slugs (first listed wins the plain slug), resolve organizations and parents."""
        taken: set[str] = set()
        for draft in self.drafts:
            base = make_slug(draft.label)
            slug = base
            if slug in taken:
                owner = first_owner(draft)
                slug = f"{base}-{make_slug(owner)}" if owner else base
                n = 2
                while slug in taken:
                    slug, n = f"{base}-{n}", n + 1
            draft.slug = slug
            taken.add(slug)
        org_slugs: dict[str, str] = {}
        clashing: set[str] = set()
        for key in sorted(self.orgs):
            slug = ORGANIZATION_SLUGS.get(key) or make_slug(key)
            if slug in taken:  # Docker the company vs Docker the engine: the project keeps the plain slug
                slug = f"{slug}-org"
                clashing.add(key)
            org_slugs[key] = slug
            taken.add(slug)
        by_core = {core_name(d.label): d for d in reversed(self.drafts)}
        for draft in self.drafts:
            org_key = draft.org_key
            owner = first_owner(draft)
            if org_key in FOUNDATIONS:
                draft.hosted_by = org_slugs[org_key]
                org_key = KNOWN_OWNERS.get(owner or "")
            elif org_key is None and owner:
                org_key = KNOWN_OWNERS.get(owner)
            if org_key is not None and org_key in org_slugs and org_key not in FOUNDATIONS:
                draft.organization = org_slugs[org_key]
            if draft.parent_name:
                parent = by_core.get(core_name(split_name(draft.parent_name)[0]))
                if parent is None and " " in draft.parent_name:  # "Volcano Kthena" -> Volcano
                    parent = by_core.get(core_name(draft.parent_name.split()[0]))
                if parent is not None and parent is not draft:
                    draft.part_of = parent.slug
        known = {norm_name(d.label): d.label for d in self.drafts}
        orgs = []
        for key in sorted(self.orgs):
            org = self.orgs[key]
            if org.rank == 9:
                org.label = label_from_key(key, known)
            orgs.append(
                Draft(
                    slug=org_slugs[key],
                    type="Organization",
                    label=org.label,
                    source=org.source,
                    aliases=org.aliases,
                    homepage=org.homepage,
                    category=org.category,
                    subcategory=org.subcategory,
                    dates=org.dates,
                    description=org.description,
                    file="landscape-organizations.yaml",
                )
            )
            project_names = {norm_name(d.label) for d in self.drafts}
            # the company named like its project needs context to be meant (the project wins by default)
            orgs[-1].also_ambiguous = [
                n for n in [org.label, *org.aliases] if key in clashing or norm_name(n) in project_names
            ]
        return self.drafts, orgs


def _file_for(draft: Draft) -> str:
    if draft.source == "awesome-cloud-native":
        return "awesome-cloud-native.yaml"
    return f"landscape-{make_slug(draft.category or 'other')}.yaml"


HEADER = (
    "Generated by `kg ontology import-landscape` from {inputs}.\n"
    "Do not edit: a re-import rewrites this file. Put corrections in a curated-*.yaml file;\n"
    "curated keys win (see ontology/README.md)."
)


def build_files(landscape: Path, awesome: bool = True) -> dict[str, str]:
    """file name -> file text, for the landscape at `landscape` and the source files beside it."""
    folder = landscape.parent
    older = sorted(p for p in folder.glob("landscape.*.yml") if p != landscape)
    builder = _Builder()
    inputs = [landscape.name]
    for item in read_landscape(landscape):
        builder.add_landscape(item, current=True)
    for path in older:
        inputs.append(path.name)
        for item in read_landscape(path):
            builder.add_landscape(item, current=False)
    if awesome:
        status_path = folder / "awesome-cloud-native.status.json"
        status = read_status(status_path) if status_path.exists() else {}
        lists = sorted(
            folder.glob("awesome-cloud-native.README*.md"),
            key=lambda p: (p.name != "awesome-cloud-native.README.md", p.name),
        )
        for path in lists:
            inputs.append(path.name)
            for item in read_awesome(path, status):
                builder.add_awesome(item)
        if status_path.exists():
            inputs.append(status_path.name)
    drafts, orgs = builder.finish()
    groups: dict[str, list[Draft]] = {}
    for draft in [*drafts, *orgs]:
        groups.setdefault(draft.file or _file_for(draft), []).append(draft)
    header = HEADER.format(inputs=", ".join(inputs))
    return {
        name: dump_blocks([d.block() for d in sorted(group, key=lambda d: d.slug)], header=header)
        for name, group in sorted(groups.items())
    }


def import_landscape(landscape: Path, out: Path, awesome: bool = True) -> ImportReport:
    if not landscape.is_file():
        raise OntologyError(f"{landscape}: no such file; pass the path of the CNCF landscape.yml")
    files = build_files(landscape, awesome=awesome)
    out.mkdir(parents=True, exist_ok=True)
    written, removed = [], []
    for name, text in files.items():
        path = out / name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            written.append(name)
    for path in sorted(out.glob("*.yaml")):
        if is_generated(path.name) and path.name not in files:
            path.unlink()
            removed.append(path.name)
    counts = {name: text.count("\n- slug: ") + text.startswith("- slug: ") for name, text in files.items()}
    return ImportReport(files=counts, written=written, removed=removed)
