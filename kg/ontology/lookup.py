"""URL evidence lookups: which entity a GitHub repository, an owner or a homepage/docs host belongs to.

A hyperlink is the strongest evidence a newsletter gives, so the index is built once per EntityBase and
answers in O(path depth). Conflicts (two entities claiming one key) are settled by a fixed preference
order, so the answer never depends on file order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kg.models import EntityRecord

GIT_HOSTS = ("github.com",)
# Hosts where the first path segments, not the host, name the project; never matched host-wide.
SHARED_HOSTS = frozenset(
    {
        "github.com",
        "gitlab.com",
        "bitbucket.org",
        "gitee.com",
        "sourceforge.net",
        "codeberg.org",
        "github.io",
        "gitlab.io",
        "readthedocs.io",
        "readthedocs.org",
        "netlify.app",
        "netlify.com",
        "vercel.app",
        "pages.dev",
        "herokuapp.com",
        "gitbook.io",
        "notion.site",
        "blogspot.com",
        "wordpress.com",
        "substack.com",
        "medium.com",
        "dev.to",
        "twitter.com",
        "x.com",
        "youtube.com",
        "youtu.be",
        "linkedin.com",
        "facebook.com",
        "docs.google.com",
        "sites.google.com",
        "groups.google.com",
        "goo.gl",
        "bit.ly",
        "npmjs.com",
        "pypi.org",
        "crunchbase.com",
        "wikipedia.org",
        "en.wikipedia.org",
        "slideshare.net",
        "speakerdeck.com",
        "zhihu.com",
        "zhuanlan.zhihu.com",
        "mp.weixin.qq.com",
        "weixin.qq.com",
        "jianshu.com",
        "cnblogs.com",
        "csdn.net",
        "blog.csdn.net",
        "juejin.cn",
        "segmentfault.com",
        "infoq.com",
        "infoq.cn",
        "hackernoon.com",
        "thenewstack.io",
        "reddit.com",
        "news.ycombinator.com",
        "hub.docker.com",
        "artifacthub.io",
        "marketplace.visualstudio.com",
        "operatorhub.io",
        "go.dev",
        "pkg.go.dev",
        "crates.io",
        "meetup.com",
        "eventbrite.com",
        "sched.com",
        "docs.github.com",
    }
)
_LOCALE = re.compile(
    r"^/(?:en|zh|ja|ko|de|fr|es|pt|ru|it|en-us|en-gb|zh-cn|zh-tw|zh-hans|zh-hant|pt-br)(?=/|$)"
)
_TYPE_ORDER = {"Project": 0, "Product": 1, "Specification": 2, "Concept": 3, "Organization": 4}
_GENERATED_SOURCES = ("cncf-landscape", "awesome-cloud-native")


def norm_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def norm_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    host = host.split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def norm_path(path: str) -> str:
    path = path.split("?")[0].split("#")[0].lower()
    path = re.sub(r"/index\.(html?|php)$", "", path)
    path = _LOCALE.sub("", path).rstrip("/")
    return path


def split_url(url: str) -> tuple[str, str] | None:
    """`https://www.x.io/docs/` -> ("x.io", "/docs"); None for what is not an http(s) URL."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return norm_host(parts.hostname), norm_path(parts.path)


def github_parts(host: str, path: str) -> tuple[str, str | None] | None:
    if host not in GIT_HOSTS:
        return None
    segments = [s for s in path.split("/") if s]
    if not segments:
        return None
    owner = segments[0]
    repo = segments[1].removesuffix(".git") if len(segments) > 1 else None
    return owner, repo


def _rank(entity: EntityRecord, name: str) -> tuple[int, int, int, str]:
    """Lower wins: label matches the key, curated over generated, type order, then slug."""
    label_match = 0 if name and norm_name(entity.label) == norm_name(name) else 1
    generated = 1 if (entity.source or "").startswith(_GENERATED_SOURCES) else 0
    return (label_match, generated, _TYPE_ORDER.get(entity.type, 9), entity.slug)


@dataclass
class UrlIndex:
    repos: dict[str, str] = field(default_factory=dict)  # "owner/repo" (lower) -> slug
    # "owner/repo" -> every entity claiming it, best first, where several do (a monorepo's projects)
    shared_repos: dict[str, tuple[str, ...]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # "owner" (lower) -> slug
    hosts: dict[str, str] = field(default_factory=dict)  # host -> slug (homepage at the host root)
    prefixes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # host -> [(path, slug)]

    @classmethod
    def build(cls, entities: Mapping[str, EntityRecord]) -> UrlIndex:
        repo_claims: dict[str, list[EntityRecord]] = {}
        owner_explicit: dict[str, list[EntityRecord]] = {}
        owner_users: dict[str, list[EntityRecord]] = {}
        host_claims: dict[str, list[EntityRecord]] = {}
        prefix_claims: dict[tuple[str, str], list[EntityRecord]] = {}
        for entity in entities.values():
            urls = list(entity.data.get("repositories", []))
            if entity.homepage:
                urls.append(entity.homepage)
            urls += [d if "://" in d else "https://" + d for d in entity.data.get("domains", [])]
            for url in urls:
                parts = split_url(url)
                if parts is None:
                    continue
                host, path = parts
                gh = github_parts(host, path)
                if gh is not None:
                    owner, repo = gh[0].lower(), gh[1].lower() if gh[1] else None
                    if repo is None:
                        owner_explicit.setdefault(owner, []).append(entity)
                    else:
                        repo_claims.setdefault(f"{owner}/{repo}", []).append(entity)
                        owner_users.setdefault(owner, []).append(entity)
                elif path:
                    prefix_claims.setdefault((host, path), []).append(entity)
                elif host not in SHARED_HOSTS:
                    host_claims.setdefault(host, []).append(entity)
        index = cls()
        for key, claims in repo_claims.items():
            repo = key.split("/", 1)[1]
            ranked = sorted(_unique(claims), key=lambda e, r=repo: _rank(e, r))  # type: ignore[misc]
            index.repos[key] = ranked[0].slug
            if len(ranked) > 1:
                index.shared_repos[key] = tuple(e.slug for e in ranked)
        for owner in sorted(set(owner_explicit) | set(owner_users)):
            slug = _owner_slug(owner, owner_explicit.get(owner, []), owner_users.get(owner, []))
            if slug:
                index.owners[owner] = slug
        for host, claims in host_claims.items():
            index.hosts[host] = min(_unique(claims), key=lambda e, h=host: _rank(e, h.split(".")[0])).slug  # type: ignore[misc]
        by_host: dict[str, list[tuple[str, str]]] = {}
        for (host, path), claims in prefix_claims.items():
            name = path.rstrip("/").rsplit("/", 1)[-1]
            best = min(_unique(claims), key=lambda e, n=name: _rank(e, n))  # type: ignore[misc]
            by_host.setdefault(host, []).append((path, best.slug))
        index.prefixes = {h: sorted(v, key=lambda pv: (-len(pv[0]), pv[0])) for h, v in by_host.items()}
        return index

    def repository_claimants(self, owner: str, repo: str) -> tuple[str, ...]:
        """Every entity claiming github owner/repo, best first, when several do (else empty)."""
        return self.shared_repos.get(_repo_key(owner, repo), ())

    def by_repository(self, owner: str, repo: str | None = None) -> str | None:
        if repo:
            found = self.repos.get(_repo_key(owner, repo))
            if found:
                return found
        return self.owners.get(owner.lower())

    def by_host(self, host: str, path: str = "") -> str | None:
        host = norm_host(host)
        path = norm_path(path)
        for prefix, slug in self.prefixes.get(host, ()):
            if path == prefix or path.startswith(prefix + "/"):
                return slug
        # docs.x.io and blog.x.io belong to x.io; stop before a shared parent such as github.io
        labels = host.split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            if candidate in SHARED_HOSTS:
                return None
            if candidate in self.hosts:
                return self.hosts[candidate]
        return None

    def by_url(self, url: str) -> str | None:
        parts = split_url(url)
        if parts is None:
            return None
        host, path = parts
        gh = github_parts(host, path)
        if gh is not None:
            return self.by_repository(*gh)
        return self.by_host(host, path)


def _repo_key(owner: str, repo: str) -> str:
    """The index key of a github repository as a URL or text writes it (`Owner/Repo.git`)."""
    return f"{owner.lower()}/{repo.lower().removesuffix('.git')}"


def _unique(claims: list[EntityRecord]) -> list[EntityRecord]:
    return list({e.slug: e for e in claims}.values())


def _owner_slug(owner: str, explicit: list[EntityRecord], users: list[EntityRecord]) -> str | None:
    if explicit:
        return min(_unique(explicit), key=lambda e: _rank(e, owner)).slug
    users = _unique(users)
    # istio/istio, dapr/dapr: the entity whose repository is named like its owner speaks for the owner
    named = [e for e in users if norm_name(owner) in _repo_names(e)]
    if named:
        return min(named, key=lambda e: _rank(e, owner)).slug
    if len(users) == 1:
        label, key = norm_name(users[0].label), norm_name(owner)
        if len(label) >= 4 and len(key) >= 4 and (label in key or key in label):
            return users[0].slug
    return None


def _repo_names(entity: EntityRecord) -> set[str]:
    names = set()
    for url in entity.data.get("repositories", []):
        parts = split_url(url)
        gh = github_parts(*parts) if parts else None
        if gh is not None and gh[1] is not None:
            names.add(norm_name(gh[1]))
    return names
