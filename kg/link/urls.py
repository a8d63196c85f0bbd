"""Hyperlinks as evidence: what a URL says about the entity it points at.

A link to github.com/ORG/REPO (or ORG) names a project; a pull request, issue, discussion or KEP link names a
Proposal (`owner/repo#N`, see kg.ids.proposal_slug); a link to a project's homepage or docs domain names that
project.
KEPs are identified as `kubernetes/enhancements#NNNN` (a KEP's number is its tracking issue in
kubernetes/enhancements, so a KEP file, `KEP-NNNN` in text and the tracking issue are one entity); the older
date-named KEP files (`keps/sig-x/20180409-name.md`) have no number and keep their file name as the id
(`kubernetes/enhancements#20180409-name`). A repository GitHub renamed keeps one id for its issues, under its
current name (`kubernetes/features#508` is `kubernetes/enhancements#508`). Kubernetes' short links
(`issue.k8s.io/N`, `pr.k8s.io/N`, `kep.k8s.io/N`, `git.k8s.io/REPO/…`) are read as the GitHub pages they
redirect to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol
from urllib.parse import unquote

from kg.ids import proposal_slug

KEP_REPO = ("kubernetes", "enhancements")
# Repositories GitHub renamed, keeping their issue numbers: an issue has one id whichever name a link uses.
RENAMED_REPOS = {
    ("kubernetes", "features"): KEP_REPO,
    ("kubernetes", "kubernetes.github.io"): ("kubernetes", "website"),
}

# Path segments that are GitHub pages, not owners.
_GITHUB_RESERVED = frozenset(
    str.split(
        "about orgs settings marketplace topics features pricing search explore sponsors apps collections "
        "trending login join enterprise customer-stories readme events site security"
    )
)
_KEP_FILE = re.compile(r"/keps/(?:[^/]+/)*?(?:sig-[^/]+|prod-readiness)/(\d{1,5})-([^/.]+)", re.I)
_KEP_DATED = re.compile(r"/keps/(?:[^/]+/)*(\d{8}-[^/.]+)(?:\.md|/|$)", re.I)
_NUMBER_PREFIX = re.compile(r"^\s*(?:[\w.-]+(?:/[\w.-]+)?)?#\d+\s*[:：-]?\s*")


class BaseLookup(Protocol):
    """The two lookups of the ontology's EntityBase that URLs need."""

    def by_repository(self, owner: str, repo: str | None) -> str | None: ...

    def by_host(self, host: str, path: str = "") -> str | None: ...


@dataclass(frozen=True, slots=True)
class ProposalRef:
    """A pull request, issue, discussion or KEP named by a URL or by `KEP-NNNN` in text."""

    slug: str
    owner: str
    repo: str
    number: str
    kind: str  # pull | issue | discussion | kep
    url: str


@dataclass(frozen=True, slots=True)
class GithubRef:
    owner: str
    repo: str | None  # None for a link to the organization or user itself


_URL = re.compile(r"\s*https?://(?:[^/?#@\s]*@)?([^/?#:\s]+)(?::\d*)?([^?#\s]*)", re.I)


# A Go module path (no scheme): Kubernetes' vanity hosts, etcd's, or a GitHub repository.
MODULE_PATH = re.compile(
    r"(?<![\w./:@-])(?:(sigs\.k8s\.io|k8s\.io|go\.etcd\.io)/([a-z0-9][\w.-]*[a-z0-9])"
    r"|github\.com/([\w.-]+)/([\w-]+(?:\.[\w-]+)*))(?=[/`\s),;:]|\.(?:\s|$)|$)")
_MODULE_OWNERS = {"k8s.io": "kubernetes", "sigs.k8s.io": "kubernetes-sigs", "go.etcd.io": "etcd-io"}


def module_repository(match: re.Match[str]) -> tuple[str, str]:
    """(owner, repo) of a MODULE_PATH match."""
    if match.group(1):
        return _MODULE_OWNERS[match.group(1)], match.group(2)
    return match.group(3), match.group(4)


@lru_cache(maxsize=1 << 16)  # every link is looked at as a proposal, a GitHub ref and a host: parse it once
def split_url(url: str) -> tuple[str, str]:
    """(host without www. and port, lower-cased; path) of a URL, or ("", "") when it is not http(s)."""
    match = _URL.match(url)
    if match is None:
        return "", ""
    host = match.group(1).lower().rstrip(".").removeprefix("www.")
    path = match.group(2)
    return host, unquote(path) if "%" in path else path


# Kubernetes' short links (k8s.io/docs/contribute/…): `issue.k8s.io/N` and `pr.k8s.io/N` are issues and pull
# requests of kubernetes/kubernetes, `kep.k8s.io/N` and `features.k8s.io/N` tracking issues of KEPs, and
# `git.k8s.io/REPO/PATH` a page of github.com/kubernetes/REPO.
_SHORT_NUMBERED = {
    "issue.k8s.io": "kubernetes/issues", "issues.k8s.io": "kubernetes/issues",
    "pr.k8s.io": "kubernetes/pull", "prs.k8s.io": "kubernetes/pull",
    "kep.k8s.io": "enhancements/issues", "keps.k8s.io": "enhancements/issues",
    "features.k8s.io": "enhancements/issues",
}


@lru_cache(maxsize=1 << 12)
def on_github(url: str) -> str:
    """The github.com URL a Kubernetes short link redirects to; any other URL as it is."""
    host, path = split_url(url)
    if host in _SHORT_NUMBERED and re.fullmatch(r"/\d+/?", path):
        return f"https://github.com/kubernetes/{_SHORT_NUMBERED[host]}/{path.strip('/')}"
    if host == "git.k8s.io":
        repo, _, rest = path.strip("/").partition("/")
        if not repo:
            return url
        if not rest:
            return f"https://github.com/kubernetes/{repo}"
        kind = "blob" if "." in rest.rsplit("/", 1)[-1] else "tree"
        return f"https://github.com/kubernetes/{repo}/{kind}/master/{rest.rstrip('/')}"
    return url


def github_ref(url: str) -> GithubRef | None:
    host, path = split_url(on_github(url))
    if host != "github.com":
        return None
    segments = [s for s in path.split("/") if s]
    if not segments or segments[0].lower() in _GITHUB_RESERVED:
        return None
    owner = segments[0]
    repo = segments[1].removesuffix(".git") if len(segments) > 1 else None
    return GithubRef(owner, repo)


# A repository's pages about itself: the repository, a branch of it, its README (`blob/master/README.md`),
# its releases (`releases/tag/v1.2.0`) and its changelog (`blob/master/CHANGELOG/CHANGELOG-1.19.md`)
_PAGE_ABOUT_REPOSITORY = re.compile(
    r"/[^/]+/[^/]+?(?:\.git)?/?(?:tree/[^/]+|(?:blob|tree)/[^/]+/README(?:\.md)?|releases(?:/tag/[^/]+|/latest)?"
    r"|(?:blob|tree)/[^/]+/(?:CHANGELOG/)?CHANGELOG[\w.-]*)?/?$", re.I)


def page_about_repository(url: str) -> bool:
    """Whether a GitHub URL is a repository's page about itself (front page, README, releases, changelog),
    not a file or an issue inside it."""
    _host, path = split_url(on_github(url))
    return _PAGE_ABOUT_REPOSITORY.match(path) is not None


# A Kubernetes community group's folder in kubernetes/community: `tree/master/sig-architecture`, its
# README, or a page inside it (`blob/master/sig-architecture/charter.md`)
_COMMUNITY_GROUP = re.compile(
    r"/kubernetes/community/(?:tree|blob)/[^/]+/((?:sig|wg|ug|committee)-[a-z0-9-]+)(/README\.md)?(/.*)?$",
    re.I)


def community_group(url: str) -> tuple[str, bool] | None:
    """The group folder a kubernetes/community URL points into, and whether it is the group's own page
    (the folder or its README) rather than a page inside it."""
    host, path = split_url(on_github(url))
    match = _COMMUNITY_GROUP.match(path) if host == "github.com" else None
    if match is None:
        return None
    return match.group(1).lower(), not match.group(3) or match.group(3) == "/"


_NUMBERED_PAGES = {"pull": "pull", "issues": "issue", "issue": "issue", "discussions": "discussion"}


def proposal_ref(url: str) -> ProposalRef | None:
    """The proposal a URL points at, if it is a GitHub pull request, an issue or a KEP (a Kubernetes short
    link too: `https://issue.k8s.io/121197`)."""
    host, path = split_url(on_github(url))
    if host != "github.com":
        return None
    segments = [s for s in path.split("/") if s]
    # `issue` (singular) is a common slip for `issues`; the writer still means that issue. A discussion is
    # numbered in the same series as the repository's issues and pull requests, so owner/repo#N is its id too.
    if len(segments) >= 4 and segments[2] in _NUMBERED_PAGES and segments[3].isdigit():
        owner, repo, number = segments[0], segments[1], segments[3]
        owner, repo = RENAMED_REPOS.get((owner.lower(), repo.lower()), (owner, repo))
        kind = _NUMBERED_PAGES[segments[2]]
        return ProposalRef(proposal_slug(owner, repo, int(number)), owner.lower(), repo.lower(),
                           str(int(number)), kind, url)
    if len(segments) >= 2 and (segments[0].lower(), segments[1].lower()) == KEP_REPO:
        match = _KEP_FILE.search(path)
        if match:
            number = str(int(match.group(1)))
            return ProposalRef(proposal_slug(*KEP_REPO, number), *KEP_REPO, number, "kep", url)
        dated = _KEP_DATED.search(path)
        if dated:
            name = dated.group(1).lower()
            return ProposalRef(proposal_slug(*KEP_REPO, name), *KEP_REPO, name, "kep", url)
    return None


def kep_ref(number: str, url: str | None = None) -> ProposalRef:
    """`KEP-1234` written in text: the KEP whose tracking issue is kubernetes/enhancements#1234."""
    clean = str(int(number))
    link = url or f"https://github.com/kubernetes/enhancements/issues/{clean}"
    return ProposalRef(proposal_slug(*KEP_REPO, clean), *KEP_REPO, clean, "kep", link)


def proposal_label(ref: ProposalRef, anchor: str) -> str:
    """A readable label: the anchor text without its `#123:` prefix, else the slug."""
    text = _NUMBER_PREFIX.sub("", anchor.strip()).strip(" []*_`")
    if len(text) < 3 or text.lower().startswith(("http://", "https://")):
        return f"KEP-{ref.number}" if ref.kind == "kep" and ref.number.isdigit() else ref.slug
    return text


def entity_of_url(base: BaseLookup, url: str) -> tuple[str, str] | None:
    """(entity slug, how) for a link to a known repository, organization or site; how = repo|org|host."""
    ref = github_ref(url)
    if ref is not None:
        slug = base.by_repository(ref.owner, ref.repo)
        if slug:
            return slug, "repo" if ref.repo is not None else "org"
        if on_github(url) == url:
            return None
    host, path = split_url(url)
    if not host:
        return None
    slug = base.by_host(host, path)
    return (slug, "host") if slug else None


def project_of_repo(base: BaseLookup, owner: str, repo: str) -> str | None:
    """The entity a repository belongs to: the repository itself if known, else its organization's."""
    return base.by_repository(owner, repo) or base.by_repository(owner, None)
