"""Unknown names that look like projects: kept as candidates with their evidence, never linked silently.

Three kinds: `repository` (a linked github.com/OWNER/REPO that no entity claims), `site` (a link to a site
no entity claims, whose anchor is the site's name, `[Garie](https://garie.io/)`, or ends with it, `[Why
Content is King - Divinations](https://divinations.substack.com/p/…)`) and
`name` (a mixed-case word such as `KataContainers` or `SOFARegistry` that no alias covers). Counting across
documents, which is what separates a project from a one-off word, happens over the store
(`kg candidates --min-count`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kg.models import CandidateRecord

# CamelCase (`KataContainers`), acronym-led (`SOFARegistry`) or lower-led (`gVisor`) mixed-case words.
_NAME = re.compile(
    r"(?<![A-Za-z0-9_./#@-])"
    r"((?:[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+|[A-Z]{2,}[a-z][a-z0-9]+[A-Za-z0-9]*|[a-z]{1,2}[A-Z][a-z]{2,}[A-Za-z0-9]*))"
    r"(?![A-Za-z0-9_]|[-.][A-Za-z0-9])"
)
# Two or more inner capitals (`PodTopologySpread`, `InPlacePodVerticalScaling`): an API field or feature
# gate far more often than a product name.
_HUMPS = re.compile(r"[a-z0-9][A-Z]")
# Mixed-case words that are not projects: API kinds, file formats, brands of general tech.
_NOT_NAMES = frozenset(
    str.lower(w)
    for w in str.split(
        "JavaScript TypeScript PowerShell PostScript GitHub GitLab YouTube LinkedIn WordPress PayPal iPhone "
        "iPad iOS macOS eBay OAuth WebSocket WebSockets DevOps DevSecOps GitOps FinOps MLOps AIOps ChatOps "
        "NoSQL MySQL PostgreSQL GraphQL JSON YAML IntelliJ PyPI CentOS OpenAPI README FAQ QoS IoT SaaS PaaS "
        "IaaS FaaS CaaS ConfigMap ConfigMaps DaemonSet DaemonSets StatefulSet StatefulSets ReplicaSet "
        "ReplicaSets CustomResourceDefinition CustomResourceDefinitions PodSecurityPolicy NetworkPolicy "
        "InitContainer InitContainers PersistentVolume PersistentVolumeClaim StorageClass RuntimeClass "
        "ServiceAccount ClusterRole ClusterRoleBinding RoleBinding CronJob CronJobs LoadBalancer "
        "HorizontalPodAutoscaler PodDisruptionBudget EndpointSlice EndpointSlices IngressClass "
        "ResourceQuota LimitRange PriorityClass VolumeSnapshot CSIDriver CSINode APIServer APIService "
        "ValidatingWebhookConfiguration MutatingWebhookConfiguration TokenRequest PodSpec ObjectMeta "
        "McKinsey McDonald PhD TechCrunch iCloud WeChat QQ eBook eBooks"
    )
)


# Words Kubernetes API kinds, fields, feature gates and scheduler plugins are made of: `PodGroup`,
# `ResourceClaims`, `NodePort`, `PreFilter`, `CPUManager` are the API's vocabulary, not projects.
_API_WORDS = frozenset(str.split(
    "pod pods node nodes resource resources claim claims cluster class classes security topology manager "
    "slice slices device devices filter stop start affinity anti port ports review token surge max min "
    "unavailable ready not no execute schedule host group groups signal once run volume volumes image "
    "images locality binding bindings service services lease leases container containers endpoint "
    "endpoints ingress route routes gateway policy policies set sets spec status path mount metadata meta "
    "source admission webhook preemption default priority score bind permit reserve enqueue queue watch "
    "list informer shared mode config job jobs replica replicas namespace namespaces label labels selector "
    "taint taints toleration tolerations cpu memory storage api fs dns ip cidr csi kms dra pre post "
    "in place scaling scale validation declarative list prioritized dual stack proxy plugin plugins "
    "controller controllers kind kinds version versions object reference template probe liveness "
    "readiness startup hook hooks event events limit limits quota request requests sub subresource "
    "apply server side field fields app apps daemon stateful deployment deployments secret secrets role "
    "roles account accounts user creating pending failed succeeded terminating crash loop back off"))
# Surnames (`McNamara`, `DeVault`, `DuMars`) are people, which the schema has no class for.
_SURNAME = re.compile(r"(?:Mc|Mac|De|Di|Du|La|Le|Van|Von)[A-Z][a-z]+")
_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def api_vocabulary(word: str) -> bool:
    """Whether a mixed-case word is made only of Kubernetes API words (`PodGroup`, `CPUManager`)."""
    parts = _PARTS.findall(word)
    return len(parts) >= 2 and all(part.lower() in _API_WORDS or part.isdigit() for part in parts)


def name_spans(text: str, known: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """(start, end, word) of mixed-case names in `text` (a masked view) that no alias covers."""
    out = []
    for match in _NAME.finditer(text):
        word = match.group(1)
        key = word.lower()
        if (key in _NOT_NAMES or len(word) < 4 or known(key) or len(_HUMPS.findall(word)) >= 2
                or api_vocabulary(word) or _SURNAME.fullmatch(word)):
            continue
        out.append((match.start(1), match.end(1), word))
    return out


def name_candidate(item_position: int, word: str, surface: str, start: int, end: int) -> CandidateRecord:
    return CandidateRecord(item_position, f"name:{word.lower()}", word, "name", surface, start, end)


# Hosts that serve everyone's pages: their home page is no product of the anchor's.
_SHARED_HOSTS = frozenset(str.split(
    "github.com gitlab.com medium.com youtube.com youtu.be twitter.com x.com linkedin.com reddit.com "
    "google.com docs.google.com wikipedia.org en.wikipedia.org dev.to substack.com"))
_ROOT_PATHS = frozenset(("/", "/index.html/", "/en/"))  # written with one trailing slash, as compared


def names_site(host: str, path: str, surface: str) -> bool:
    """Whether a link to `host` + `path` is to the site's home page and its anchor is the site's name
    (`[Garie](https://garie.io/)`, `[Solo](https://www.solo.io/)`)."""
    words = surface.split()
    if (path.rstrip("/") + "/" not in _ROOT_PATHS or host in _SHARED_HOSTS
            or not 1 <= len(words) <= 4 or not surface[:1].isalnum()):
        return False
    name = re.sub(r"[\W_]+", "", surface.lower())
    labels = host.split(".")
    site = re.sub(r"[\W_]+", "", labels[-2] if len(labels) >= 2 else labels[0])
    return len(name) >= 3 and (name == site or (len(name) >= 4 and site.startswith(name))
                               or (len(site) >= 4 and name.startswith(site)))


def site_candidate(
    item_position: int, host: str, path: str, surface: str, start: int, end: int, url: str
) -> CandidateRecord | None:
    """A link to a site's home page whose anchor is the site's name (`[Garie](https://garie.io/)`,
    `[Conference List](https://conferencelist.co/)`), when no entity claims the site; else None."""
    if not names_site(host, path, surface):
        return None
    return CandidateRecord(item_position, f"site:{host}", surface, "site", surface, start, end,
                           f"https://{host}/")


# What divides a link title from the name of the site it is on: "Why Content is King - Divinations",
# "The Top 100 Developer Tools of 2020 | StackShare".
_TITLE_SEPARATOR = re.compile(r"\s+(?:--|[-|–—·•«»]|::)\s+")
# Hosts that serve many publications, each under its own first path segment (`medium.com/ninjavan/…`).
_PATH_PUBLISHERS = frozenset(("medium.com",))


def title_tail(anchor: str) -> tuple[int, str] | None:
    """The last part of a link title after a separator, with its offset, when it is short enough to be a
    site's name ("Why Content is King - Divinations" → "Divinations"); else None."""
    parts = _TITLE_SEPARATOR.split(anchor.rstrip())
    tail = parts[-1].strip() if len(parts) >= 2 else ""
    if not 1 <= len(tail.split()) <= 6 or not tail[:1].isalnum():
        return None
    return anchor.rstrip().rfind(tail), tail


# Host labels that name no site: `blog.x.com` is x's, and "… | Jane's Blog" on it is no name of x.
_SERVICE_LABELS = frozenset(("www", "blog", "blogs", "news", "docs", "engineering", "tech", "dev", "en"))


def _site_of(host: str, path: str) -> tuple[list[str], str]:
    """The host's own labels (no `www`, `blog` or top-level domain) and the site's home page: a publication
    on a shared host is its first path segment there (`medium.com/ninjavan`)."""
    labels = [label for label in host.split(".")[:-1] if label not in _SERVICE_LABELS]
    segment = path.strip("/").split("/")[0].lstrip("@")
    if host in _PATH_PUBLISHERS and segment:
        return [segment.lower()], f"https://{host}/{segment}/"
    return labels, f"https://{host}/"


def names_host(labels: list[str], name: str) -> bool:
    """Whether a name is the site's own (`Xbox Wire` for news.xbox.com, `Cloud Irregular` for
    cloudirregular.substack.com, `TDWI`'s `Transforming Data with Intelligence` for tdwi.org)."""
    squeezed = re.sub(r"[\W_]+", "", name.lower())
    if len(squeezed) < 3:
        return False
    initials = "".join(word[0] for word in re.findall(r"[^\W_]+", name.lower()))
    for label in (*labels, "".join(labels)):
        label = re.sub(r"[\W_]+", "", label)
        if squeezed == label or (len(initials) >= 3 and initials == label):
            return True
        if len(label) >= 4 and (label in squeezed or (len(squeezed) >= 4 and label.startswith(squeezed))):
            return True
    return False


def title_site_candidate(
    item_position: int, host: str, path: str, anchor: str, start: int
) -> CandidateRecord | None:
    """A link whose title ends with the name of the site it is on (`[… | StackShare](https://stackshare.io/
    …)`), for a site no entity claims; else None. The evidence span is the name alone."""
    tail = title_tail(anchor)
    labels, home = _site_of(host, path)
    shared = host in _SHARED_HOSTS and host not in _PATH_PUBLISHERS
    if tail is None or shared or not names_host(labels, tail[1]):
        return None
    offset, name = tail
    key = "site:" + home.removeprefix("https://").rstrip("/")
    return CandidateRecord(item_position, key, name, "site", name, start + offset, start + offset + len(name),
                           home)


def repository_candidate(
    item_position: int, owner: str, repo: str, surface: str, start: int, end: int, url: str
) -> CandidateRecord:
    key = f"repo:github.com/{owner.lower()}/{repo.lower()}"
    return CandidateRecord(item_position, key, f"{owner}/{repo}", "repository", surface, start, end, url)
