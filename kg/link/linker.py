"""The link stage: every item of a parsed post in, mentions with exact source spans out.

Order of work for one document (all pure, given the loaded EntityBase):
1. mask what is never linked by alias (text outside items, link URLs, code, HTML) and normalise the rest;
2. hyperlinks: proposals (PR/issue/KEP) always; known repositories, organizations and sites when the anchor
   names them (method `url`); unknown repositories and named home pages become candidates; every URL
   entity is evidence;
3. aliases: one Aho-Corasick scan of the document, case and ambiguity rules, members of lists of names,
   leftmost-longest, and the names written inside a name: its owner, the project it is for (`alias`,
   kg.link.within); then an owner's products by their short names where the item names the owner
   (kg.link.owners);
4. rules: releases after a project name, CVEs, `KEP-1234` in text, groups in a list or named the other way
   round (`SIGs Autoscaling, Scheduling`, `the Naming WG`) (`rule`);
5. candidates (mixed-case names no alias covers), sentence spans, relations (kg.relations).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import ChainMap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.link import urls as url_rules
from kg.link.anchors import claims, misspells, names_entity, url_span, writes_name_of
from kg.link.candidates import (
    name_candidate,
    name_spans,
    names_site,
    repository_candidate,
    site_candidate,
    title_site_candidate,
)
from kg.link.lists import LIST_SEPARATOR, list_members
from kg.link.matcher import AliasIndex, Hit
from kg.link.owners import OwnerProducts
from kg.link.resolve import (
    CONFIDENCE_AMBIGUOUS,
    Accepted,
    Evidence,
    command_program,
    distinctive,
    leftmost_longest,
    proper_noun_slugs,
    resolve_hit,
)
from kg.link.rules import cve_hits, group_hits, group_slug, kep_text_hits, release_after
from kg.link.textprep import View, apply_mask, command_words, lone_code_tokens, make_view, mask_spans
from kg.link.within import named_within
from kg.models import (
    CandidateRecord,
    DocumentRecord,
    EntityRecord,
    ItemRecord,
    LinkedDocument,
    MentionRecord,
    RelationRecord,
)
from kg.text import sentence_of, sentence_spans

# Bump when a change to the linking code should re-link stored documents (code_version() also hashes the
# sources, so an edit re-links even when nobody bumps it).
LINKER_CODE_VERSION = "2"


def code_version() -> str:
    """LINKER_CODE_VERSION plus a digest of this package's sources."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{LINKER_CODE_VERSION}.{digest.hexdigest()[:8]}"

CONFIDENCE = {"proposal": 0.99, "repo": 0.97, "org": 0.9, "host": 0.9, "rule": 0.95}
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"'`，。、）（]+")
# A site named by its bare host in the text ("see landscape.cncf.io"); only a home page names an entity.
_BARE_HOST = re.compile(
    r"(?<![\w.@/`:-])(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|io|org|net|dev|sh|ai|app|cloud|co)"
    r"(?![\w@/`-])(?!\.\w)")
# Another inline code span right before or after one, across a list separator, makes the two members of a
# list of fields; one after "is" or "=" is a field's value (`operator` is `Exists`).
_CODE_BEFORE = re.compile(r"`[ \t]*(?:,|/|,?[ \t]+(?:and|or))?[ \t]*\Z")
_CODE_AFTER = re.compile(r"[ \t]*(?:,|/|==?|,?[ \t]+(?:and|or|is))?[ \t]*`")
# A noun after it says what the code is: the `kind` field, the `storage` label.
_FIELD_NOUN = re.compile(
    r"[ \t]+(?:fields?|values?|labels?|keys?|flags?|parameters?|options?|annotations?|attributes?|"
    r"properties|property|columns?|settings?|variables?|arguments?|sections?|types?|metrics?)\b")
# A Kubernetes short link written without its scheme ("issues.k8s.io/93032"): the issue or pull request.
_BARE_SHORT_LINK = re.compile(r"(?<![\w./-])(?:issues?|prs?|keps?|features)\.k8s\.io/\d+(?![\w/])")


def _is_homepage(entity: EntityRecord, host: str, path: str) -> bool:
    """Whether a bare URL is the entity's home page itself ("a free trial at www.cloudzero.com"), which
    names it; any other page of its site (`https://tanzu.vmware.com/...`) does not."""
    return not path.strip("/") and _on_own_site(entity, host)


def _on_own_site(entity: EntityRecord, host: str) -> bool:
    """Whether `host` is the host of the entity's own home page (`cruster.io` for Cruster), not a shared
    site one of whose paths the entity claims."""
    if not entity.homepage:
        return False
    home_host, home_path = url_rules.split_url(entity.homepage)
    return home_host == host and not home_path.strip("/")


def _anchor_is_host(anchor: str, host: str) -> bool:
    """Whether a link's text is nothing but its own site's host (`[www.cnbc.com](https://www.cnbc.com/…)`),
    as link dumps write the source of an article."""
    text = anchor.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    return text.removeprefix("www.") == host


class Linker:
    """Links documents against one EntityBase; `version` changes whenever the base or this code does."""

    def __init__(self, base: Any, index: AliasIndex | None = None) -> None:
        from kg.link.cache import build_index

        self.base = base
        self.index = index if index is not None else build_index(base)
        self.version = f"{base.version[:16]}+link{code_version()}"
        self._nlp: Any = None
        self._hosts: set[str] | None = None
        self._owner_products: OwnerProducts | None = None

    @classmethod
    def load(cls, ontology_root: Path | None = None) -> Linker:
        """The linker for the ontology at `ontology_root` (default: the repository's ontology/)."""
        from kg.link.cache import cached_index
        from kg.ontology import load_base

        base = load_base(ontology_root)
        return cls(base, cached_index(base))

    def entities(self) -> Iterable[EntityRecord]:
        return self.base.entities.values()

    def by_host(self, host: str, path: str) -> str | None:
        """The base's host lookup, skipped for the many hosts no entity claims (news sites, blogs)."""
        if self._hosts is None:
            urls = getattr(self.base, "urls", None)
            known = set(getattr(urls, "hosts", {})) | set(getattr(urls, "prefixes", {}))
            self._hosts = known if urls is not None else set()
        if self._hosts:
            labels = host.split(".")
            if not any(".".join(labels[i:]) in self._hosts for i in range(len(labels) - 1)):
                return None
        return self.base.by_host(host, path)

    @property
    def owner_products(self) -> OwnerProducts:
        if self._owner_products is None:
            self._owner_products = OwnerProducts(self.base.entities, self.index)
        return self._owner_products

    def nlp(self) -> Any:
        """A spaCy pipeline whose `cnkg_entity_ruler` component puts this linker's mentions on `doc.spans`."""
        if self._nlp is None:
            from kg.link.spacy_pipeline import make_nlp

            self._nlp = make_nlp(self)
        return self._nlp

    def link(self, document: DocumentRecord, relations: bool = True, candidates: bool = True,
             sentences: bool = True) -> LinkedDocument:
        """Mentions, minted entities and, unless turned off, candidates and relations of a post.

        With `sentences` off a mention's sentence span is its item's span (kg extract prints neither
        sentences nor relations, and skips the work).
        """
        return _DocumentLinker(self, document).run(relations, candidates, sentences)

    def link_text(self, text: str) -> LinkedDocument:
        """Link a snippet (each line one item, inline markdown links as evidence); for notebooks and tests."""
        from kg.link.adhoc import document_from_text

        return self.link(document_from_text(text))


class _DocumentLinker:
    """The state of linking one document (split out so each step reads as one method)."""

    def __init__(self, linker: Linker, document: DocumentRecord) -> None:
        self.linker = linker
        self.base = linker.base
        self.entities: dict[str, EntityRecord] = linker.base.entities
        self.document = document
        self.items = sorted(document.items, key=lambda it: it.start)
        self.starts = [it.start for it in self.items]
        self.evidence = Evidence(self.entities)
        self.found: list[tuple[ItemRecord, str, int, int, str, float, str | None]] = []
        self.new_entities: dict[str, EntityRecord] = {}
        self.candidates: list[CandidateRecord] = []
        self._lower: dict[int, str] = {}
        self.code_tokens: dict[int, int] = {}  # start -> end of lone-token inline code (`distroless`)
        self._code_starts: list[int] = []

    def run(self, with_relations: bool = True, with_candidates: bool = True,
            with_sentences: bool = True) -> LinkedDocument:
        if not self.items:
            return LinkedDocument(self.document)
        view = self._view()
        for item in self.items:
            self._link_urls(item)
        accepted = self._link_aliases(view)
        accepted += self._link_owned(view, accepted)
        self._apply_rules(view, accepted)
        if with_candidates:
            self._name_candidates(view, accepted)
        else:
            self.candidates = []
        mentions = self._mentions(with_sentences)
        # A site whose whole name linked ("… | The New Stack") is no unknown site; one named only in part
        # ("… | Linux Journey") still is.
        self.candidates = [c for c in self.candidates if c.kind != "site" or not any(
            m.start <= c.start and c.end <= m.end for m in mentions)]
        from kg.relations import find_relations

        relations: tuple[RelationRecord, ...] = ()
        if with_relations:
            known = ChainMap(self.new_entities, self.entities)
            relations = tuple(find_relations(self.document, mentions, known))
        return LinkedDocument(
            self.document,
            mentions=tuple(mentions),
            candidates=tuple(sorted(self.candidates, key=lambda c: (c.start, c.end, c.key))),
            relations=relations,
            new_entities=tuple(self.new_entities[s] for s in sorted(self.new_entities)),
        )

    # ------------------------------------------------------------------ views and items

    def _view(self) -> View:
        source = self.document.source
        spans = mask_spans(source)
        previous = 0
        for item in self.items:
            spans.append((previous, item.start))
            previous = max(previous, item.end)
            for link in item.links:
                spans.append((link.start, link.anchor_start))
                spans.append((link.anchor_end, link.end))
        spans.append((previous, len(source)))
        self.code_tokens = dict(lone_code_tokens(source))
        self.command_starts = command_words(source)
        self._code_starts = sorted(self.code_tokens)
        return make_view(apply_mask(source, spans))

    def _code_ok(self, hit: Hit, start: int, end: int) -> bool:
        """Inside lone-token code a hit must be the whole token and a name that is no word (`distroless`)."""
        index = bisect.bisect_right(self._code_starts, start) - 1
        if index < 0:
            return True
        token_start = self._code_starts[index]
        token_end = self.code_tokens[token_start]
        if start >= token_end or start in self.command_starts:
            return True
        return (start, end) == (token_start, token_end) and any(
            not e.ambiguous and not e.word for e in hit.entries)

    def _lone_code_word(self, start: int, end: int) -> bool:
        """Whether source[start:end] is the whole of a lone-token inline code span that stands alone, not
        in a list of code spans (`apiVersion`, `kind`; the `dep` and `sig-architecture` labels) nor named a
        field by the noun after it (the `kind` field)."""
        if self.code_tokens.get(start) != end:
            return False
        source = self.document.source
        before = source[max(0, start - 9):start - 1]
        after = source[end + 1:end + 16]
        return (_CODE_BEFORE.search(before) is None and _CODE_AFTER.match(after) is None
                and _FIELD_NOUN.match(after) is None)

    def _item_at(self, start: int) -> ItemRecord | None:
        index = bisect.bisect_right(self.starts, start) - 1
        if index >= 0 and self.items[index].start <= start < self.items[index].end:
            return self.items[index]
        return None

    def _item_lower(self, item: ItemRecord) -> str:
        if item.position not in self._lower:
            self._lower[item.position] = item.text.lower()
        return self._lower[item.position]

    def _add(self, item: ItemRecord, slug: str, start: int, end: int, method: str, confidence: float,
             url: str | None = None) -> None:
        self.found.append((item, slug, start, end, method, confidence, url))

    # ------------------------------------------------------------------ hyperlinks

    def _link_urls(self, item: ItemRecord) -> None:
        inside_links = []
        link_targets = []  # a module path written as a link's anchor names its project all the same
        for link in item.links:
            inside_links.append((link.start, link.end))
            start, end = link.anchor_start, link.anchor_end
            link_targets.append((end, link.end) if end > start else (link.start, link.end))
            if end <= start or not self.document.source[start:end].strip():
                start, end = url_span(self.document.source, link.start, link.end, link.url)
            self._link_url(item, link.url, link.anchor, start, end)
        for match in _BARE_URL.finditer(item.text):
            start, end = match.start() + item.start, match.end() + item.start
            if any(s <= start < e for s, e in inside_links):
                continue
            url = match.group().rstrip(".,;:!?")
            self._link_url(item, url, url, start, start + len(url))
            inside_links.append((start, start + len(url)))
            link_targets.append((start, start + len(url)))
        if "/" in item.text:
            self._link_module_paths(item, link_targets)
        if "." in item.text:
            if "k8s.io/" in item.text:
                for match in _BARE_SHORT_LINK.finditer(item.text):
                    start, end = match.start() + item.start, match.end() + item.start
                    if not any(s <= start < e for s, e in inside_links):
                        self._link_url(item, f"https://{match.group()}", match.group(), start, end)
            for match in _BARE_HOST.finditer(item.text):
                start, end = match.start() + item.start, match.end() + item.start
                # `Solo.io`, `Fly.io` written capitalised are names (aliases), not sites
                if match.group().islower() and not any(s <= start < e for s, e in inside_links):
                    url = f"https://{match.group()}/"
                    self._link_url(item, url, url, start, end)  # bare: only a home page names its entity

    def _link_module_paths(self, item: ItemRecord, urls: list[tuple[int, int]]) -> None:
        """A Go module path written in the text, in code or as a link's anchor (`k8s.io/apimachinery/util/
        clock`, `sigs.k8s.io/knftables`, [`k8s.io/kubernetes`](…/pull/…)) names the project of its
        repository."""
        for match in url_rules.MODULE_PATH.finditer(item.text):
            start, end = match.start() + item.start, match.end() + item.start
            if any(s <= start < e for s, e in urls):
                continue
            # `k8s.io/utils` is not Kubernetes itself, whose organization it sits in
            slug = self._claimant(*url_rules.module_repository(match))
            if slug is not None:
                self.evidence.add_url(item.position, slug)
                self._add(item, slug, start, end, "url", CONFIDENCE["repo"])

    def _link_url(self, item: ItemRecord, url: str, anchor: str, start: int, end: int) -> None:
        if end <= start:
            return
        # A bare URL names nothing but its own repository: `https://tanzu.vmware.com/...` is not VMware.
        bare = anchor.strip().lower().startswith(("http://", "https://", "www.", "*http", "<http"))
        proposal = url_rules.proposal_ref(url)
        if proposal is not None:
            self._add_proposal(item, proposal, anchor, start, end, "url")
            if not bare:
                self._link_named_repository(item, proposal, start, end)
            return
        github = url_rules.github_ref(url)
        if github is not None:
            self._link_github(item, github, url, start, end, bare)
            return
        host, path = url_rules.split_url(url)
        slug = self.linker.by_host(host, path) if host else None
        if slug is None and host and not bare:
            anchor = self.document.source[start:end]
            site = (site_candidate(item.position, host, path, anchor, start, end, url)
                    or title_site_candidate(item.position, host, path, anchor, start))
            # `[JFrog](https://jfrog.com/)` for an entity at another home page is a name the base knows
            if site is not None and not self.linker.index.has(site.label.lower()):
                self.candidates.append(site)
        if slug is None or slug not in self.entities:
            return
        entity = self.entities[slug]
        anchor_text = self.document.source[start:end]
        # A company and its product sharing a site: the text names which (`[Aqua Security's](https://www.
        # aquasec.com/)` is the company, `[Aqua](…)` the product).
        owner = self.entities.get(entity.organization or "")
        if owner is not None and owner.homepage and _is_homepage(owner, host, path) and writes_name_of(
                owner, anchor_text, entity):
            entity, slug = owner, owner.slug
        self.evidence.add_url(item.position, slug)
        # Only the entity's own names count: `[SRE at Google](https://cloud.google.com/blog/...)` names
        # Google, not Google Cloud, whose site it is.
        if not bare and (names_entity(entity, anchor_text, ()) or (
                _on_own_site(entity, host) and misspells(entity, anchor_text))):
            self._add(item, slug, start, end, "url", CONFIDENCE["host"])
        elif (_is_homepage(entity, host, path) and (bare or names_site(host, path, anchor_text))) or (
                bare and _on_own_site(entity, host) and _anchor_is_host(anchor_text, host)):
            # The home page itself, bare or under the site's name (`[Solo](https://www.solo.io/)`), or a page
            # of the site under its host (`[www.cnbc.com](https://www.cnbc.com/2022/…)`). A company and its
            # product may share a home page (`solo.io`, Gloo's too): the site is the company's.
            owner = self.entities.get(entity.organization or "")
            if owner is not None and owner.homepage and _is_homepage(owner, host, path):
                slug = owner.slug
            self._add(item, slug, start, end, "url", CONFIDENCE["host"])

    def _link_github(
        self, item: ItemRecord, ref: url_rules.GithubRef, url: str, start: int, end: int, bare: bool
    ) -> None:
        owner_slug = self.base.by_repository(ref.owner, None)
        anchor = self.document.source[start:end]
        if self._link_community_group(item, url, anchor, start, end, bare):
            return
        hints = (ref.owner, ref.repo or "")
        if ref.repo is None:
            if owner_slug in self.entities:
                self.evidence.add_url(item.position, owner_slug)
                if bare or names_entity(self.entities[owner_slug], anchor, hints):
                    self._add(item, owner_slug, start, end, "url", CONFIDENCE["org"])
            return
        repo_slug = self.base.by_repository(ref.owner, ref.repo)
        page_about_it = url_rules.page_about_repository(url)
        if repo_slug in self.entities and not bare and not names_entity(self.entities[repo_slug], anchor, ()):
            # One repository, several projects (kubernetes/autoscaler): the one the anchor names, else the
            # one named like the repository (kubernetes/kubernetes), else the one its page names
            # (`releases/tag/cluster-autoscaler-1.34.0`); a page that names none is about no one of them.
            claimants = [s for s in self.base.repository_claimants(ref.owner, ref.repo) if s in self.entities]
            named = [s for s in claimants if names_entity(self.entities[s], anchor, ())]
            if not named and len(claimants) > 1:
                repo = ref.repo.lower()
                named = [s for s in claimants if repo in (s, self.entities[s].label.lower())]
                if not named:
                    path = url_rules.split_url(url)[1].lower()
                    named = [s for s in claimants if f"/{s}-" in path or path.endswith(f"/{s}")]
                page_about_it = page_about_it and len(named) == 1
            repo_slug = named[0] if named else repo_slug
        if repo_slug in self.entities and (repo_slug != owner_slug or claims(self.entities[repo_slug], ref)):
            self.evidence.add_url(item.position, repo_slug)
            entity = self.entities[repo_slug]
            # A link to a repository's page about itself (front page, README, releases, changelog) names
            # the entity that claims it whatever the anchor says (`[The github repo we were working on](…/
            # jbeda/tgik-controller)`, `[1.26.1](…/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.26.md)`);
            # a link to a file or an issue inside it only under the entity's name.
            if names_entity(entity, anchor, hints) or (
                    claims(entity, ref) and (bare or page_about_it or misspells(entity, anchor))):
                self._add(item, repo_slug, start, end, "url", CONFIDENCE["repo"])
            return
        self.candidates.append(
            repository_candidate(item.position, ref.owner, ref.repo, anchor, start, end, url)
        )
        if owner_slug in self.entities:
            self.evidence.add_url(item.position, owner_slug)

    def _link_community_group(self, item: ItemRecord, url: str, anchor: str, start: int, end: int,
                              bare: bool) -> bool:
        """A link into a Kubernetes group's folder of kubernetes/community is evidence for the group; the
        group's own page names it under its name, even shortened or mistyped (`[Architecture](…/sig-
        architecture)`, `[SIG-Scalabilty](…/sig-scalability)`), a page inside it only under its name."""
        found = url_rules.community_group(url)
        if found is None:
            return False
        folder, own_page = found
        slugs = {entry.slug for entry in self.linker.index.entries(folder)} & self.entities.keys()
        if len(slugs) != 1:
            return False
        slug = slugs.pop()
        entity = self.entities[slug]
        self.evidence.add_url(item.position, slug)
        if not bare and (names_entity(entity, anchor, (folder,)) or (own_page and misspells(entity, anchor))):
            self._add(item, slug, start, end, "url", CONFIDENCE["repo"])
        return True

    def _add_proposal(self, item: ItemRecord, ref: url_rules.ProposalRef, anchor: str, start: int, end: int,
                      method: str) -> None:
        project = url_rules.project_of_repo(self.base, ref.owner, ref.repo)
        project = project if project in self.entities else None
        if ref.slug not in self.new_entities:
            self.new_entities[ref.slug] = EntityRecord(
                slug=ref.slug,
                type="Proposal",
                label=url_rules.proposal_label(ref, anchor),
                part_of=project,
                source="linker",
                data={"url": ref.url, "kind": ref.kind, "repository": f"{ref.owner}/{ref.repo}",
                      "number": ref.number},
            )
        if project is not None:
            self.evidence.add_url(item.position, project)
        self._add(item, ref.slug, start, end, method, CONFIDENCE["proposal"], ref.url)

    def _link_named_repository(self, item: ItemRecord, ref: url_rules.ProposalRef, start: int,
                               end: int) -> None:
        """`Issue #2786 · caddyserver/caddy` (GitHub's page title as anchor): the written `owner/repo` of a
        proposal link names the repository's entity."""
        written = f"{ref.owner}/{ref.repo}"
        at = self.document.source[start:end].lower().find(written)
        if at < 0 or (ref.owner, ref.repo) == url_rules.KEP_REPO:
            return
        at += start
        slug = self._claimant(ref.owner, ref.repo)
        if slug is not None:
            self._add(item, slug, at, at + len(written), "url", CONFIDENCE["repo"])

    def _claimant(self, owner: str, repo: str) -> str | None:
        """The entity that claims the repository owner/repo itself, not only its organization."""
        slug = self.base.by_repository(owner, repo)
        if slug in self.entities and claims(self.entities[slug], url_rules.GithubRef(owner, repo)):
            return slug
        return None

    # ------------------------------------------------------------------ aliases and rules

    def _link_aliases(self, view: View) -> list[tuple[Accepted, ItemRecord]]:
        hits = self.linker.index.scan(view)
        accepted: list[Accepted] = []
        items: dict[int, ItemRecord] = {}
        placed = []
        code_words: list[tuple[Hit, ItemRecord]] = []
        written: set[str] = set()
        for hit in hits:
            start, end = view.source_span(hit.start, hit.end)
            if self.code_tokens and not self._code_ok(hit, start, end):
                if self._lone_code_word(start, end) and (item := self._item_at(start)) is not None:
                    code_words.append((hit, item))
                continue
            if hit.surface.islower() and _inside_module_path(view.folded, hit.start, hit.end):
                continue
            item = self._item_at(start)
            if item is not None:
                placed.append((hit, item))
                slug = distinctive(hit)
                if slug is not None:
                    written.add(slug)
                    self.evidence.by_item.setdefault(item.position, set()).add(slug)
                    first = hit.surface.split(" ", 1)[0]
                    if first != hit.surface and len(first) >= 3 and first[0].isupper():
                        self.evidence.short_forms.setdefault(first, set()).add(slug)
        self.evidence.in_document = written | proper_noun_slugs(
            (h for h, _i in placed), view.folded, self.entities)
        rejected: list[Hit] = []
        for hit, item in placed:
            choice = resolve_hit(hit, item.position, self._item_lower(item), self.evidence, self.entities,
                                 view.folded)
            if (choice is None and self.command_starts
                    and view.source_span(hit.start, hit.end)[0] in self.command_starts):
                choice = command_program(hit, self.entities)
            if choice is not None:
                accepted.append(choice)
                items[choice.start] = item
            else:
                rejected.append(hit)
                items.setdefault(hit.start, item)
        # A program's everyday-word name alone in inline code ("deploy using `helm`", "run `curl`") is the
        # program; nothing else is (`kind` in a list of fields is not kind).
        for hit, item in code_words:
            choice = command_program(hit, self.entities)
            if choice is not None:
                accepted.append(choice)
                items[choice.start] = item
        accepted.extend(list_members(rejected, leftmost_longest(accepted), view.folded, self.entities))
        kept = leftmost_longest(accepted)
        for acc in kept:
            start, end = view.source_span(acc.start, acc.end)
            self._add(items[acc.start], acc.slug, start, end, "alias", acc.confidence)
            surface = view.folded[acc.start:acc.end]
            for other, at, until in named_within(surface, acc.slug, self.entities, self.linker.index):
                other_start, other_end = view.source_span(acc.start + at, acc.start + until)
                self._add(items[acc.start], other, other_start, other_end, "alias", CONFIDENCE["org"])
        # A link whose anchor already names its entity needs no second mention.
        alias_starts: dict[tuple[int, str], list[int]] = {}
        for f in self.found:
            if f[4] == "alias":
                alias_starts.setdefault((f[0].position, f[1]), []).append(f[2])
        self.found = [f for f in self.found if f[4] != "url" or not _covered(f, alias_starts)]
        return [(acc, items[acc.start]) for acc in kept]

    def _link_owned(self, view: View, accepted: list[tuple[Accepted, ItemRecord]]
                    ) -> list[tuple[Accepted, ItemRecord]]:
        """Short names of an owner's products in items that name the owner (kg.link.owners)."""
        owned = self.linker.owner_products
        owners_by_item: dict[int, tuple[ItemRecord, set[str]]] = {}
        for found in self.found:
            owner = owned.owner_named(found[1])
            if owner is not None:
                owners_by_item.setdefault(found[0].position, (found[0], set()))[1].add(owner)
        if not owners_by_item:
            return []
        taken = sorted((acc.start, acc.end) for acc, _item in accepted)
        out: list[tuple[Accepted, ItemRecord]] = []
        for _position, (item, owners) in sorted(owners_by_item.items()):
            start, end = _view_offset(view, item.start), _view_offset(view, item.end)
            for hit in owned.hits(owners, view.folded, start, end):
                at = bisect.bisect_right(taken, (hit.start, hit.end)) - 1
                if (at >= 0 and taken[at][1] > hit.start) or (
                        at + 1 < len(taken) and taken[at + 1][0] < hit.end):
                    continue
                # Not in running text, it must follow a linked name in a list ("Drive, Gmail, Calendar")
                if not hit.proper and not (at >= 0 and LIST_SEPARATOR.fullmatch(
                        view.folded, taken[at][1], hit.start)):
                    continue
                acc = Accepted(hit.start, hit.end, hit.slug, CONFIDENCE_AMBIGUOUS)
                bisect.insort(taken, (hit.start, hit.end))
                source_start, source_end = view.source_span(hit.start, hit.end)
                self._add(item, hit.slug, source_start, source_end, "alias", CONFIDENCE_AMBIGUOUS)
                out.append((acc, item))
        return out

    def _apply_rules(self, view: View, accepted: list[tuple[Accepted, ItemRecord]]) -> None:
        for acc, item in accepted:
            release = release_after(view.folded, acc.end, self.entities[acc.slug])
            if release is not None:
                end, entity = release
                self.new_entities.setdefault(entity.slug, entity)
                start, stop = view.source_span(acc.start, end)
                self._add(item, entity.slug, start, stop, "rule", CONFIDENCE["rule"])
        for hit in cve_hits(view.folded):
            start, end = view.source_span(hit.start, hit.end)
            item = self._item_at(start)
            if item is not None:
                self.new_entities.setdefault(hit.slug, hit.entity)
                self._add(item, hit.slug, start, end, "rule", CONFIDENCE["rule"])
        named_until = -1
        for v_start, v_end, name in group_hits(view.folded):
            if v_start < named_until:
                continue  # a shorter name inside a group name already found
            slug = group_slug(name, self.linker.index, self.entities)
            start, end = view.source_span(v_start, v_end)
            item = self._item_at(start)
            if slug is not None and item is not None:
                named_until = v_end
                # `Windows` of "SIGs Windows, Auth" is the SIG, not the operating system
                self.found = [f for f in self.found
                              if not (f[4] == "alias" and start <= f[2] and f[3] <= end)]
                self._add(item, slug, start, end, "rule", CONFIDENCE["rule"])
        for v_start, v_end, number in kep_text_hits(view.folded):
            start, end = view.source_span(v_start, v_end)
            item = self._item_at(start)
            if item is not None:
                ref = url_rules.kep_ref(number)
                self._add_proposal(item, ref, f"KEP-{ref.number}", start, end, "rule")

    def _name_candidates(self, view: View, accepted: list[tuple[Accepted, ItemRecord]]) -> None:
        index = self.linker.index
        taken = sorted((acc.start, acc.end) for acc, _item in accepted)
        repos = {(c.start, c.end) for c in self.candidates if c.kind == "repository"}
        for v_start, v_end, word in name_spans(view.folded, index.has):
            index = bisect.bisect_right(taken, (v_start, 1 << 62)) - 1
            if index >= 0 and taken[index][1] > v_start:
                continue
            start, end = view.source_span(v_start, v_end)
            item = self._item_at(start)
            if item is not None and not any(s <= start < e for s, e in repos):
                surface = self.document.source[start:end]
                self.candidates.append(name_candidate(item.position, word, surface, start, end))

    # ------------------------------------------------------------------ output

    def _mentions(self, with_sentences: bool = True) -> list[MentionRecord]:
        source = self.document.source
        sentences: dict[int, list[tuple[int, int]]] = {}
        out: dict[tuple[int, int, str], MentionRecord] = {}
        for item, slug, start, end, method, confidence, url in self.found:
            if item.position not in sentences:
                whole = [(item.start, item.end)]
                sentences[item.position] = sentence_spans(item.text, item.start) if with_sentences else whole
            s_start, s_end = sentence_of(sentences[item.position], start, end)
            key = (start, end, slug)
            if key in out:
                continue
            out[key] = MentionRecord(item.position, slug, source[start:end], start, end, method, confidence,
                                     s_start, s_end, url)
        return [out[k] for k in sorted(out)]


def _inside_module_path(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins a longer module path (`github.com/godbus/dbus`, `k8s.io/klog`): that
    names its repository, not the owner of the host."""
    if text[end:end + 1] not in (".", "/"):
        return False
    match = url_rules.MODULE_PATH.match(text, start)
    return match is not None and match.end() > end


def _view_offset(view: View, source_offset: int) -> int:
    """The view offset of the first view character at or after `source_offset`."""
    if view.index is None:
        return source_offset
    return bisect.bisect_left(view.index, source_offset)


def _covered(found: tuple[Any, ...], alias_starts: dict[tuple[int, str], list[int]]) -> bool:
    """Whether a URL mention's anchor holds an alias mention of the same entity in the same item."""
    item, slug, start, end = found[0], found[1], found[2], found[3]
    return any(start <= a < end for a in alias_starts.get((item.position, slug), ()))
