"""Drafts of generated entities: name parsing, slugs, organization rules shared by the importer's stages.

Kept apart from the importer's merge logic so that each stays readable; nothing here reads files.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from kg.ids import slugify
from kg.ontology.generic import is_generic
from kg.ontology.lookup import norm_name
from kg.ontology.sources import SourceItem

FOUNDATIONS = frozenset(
    {
        "cloud-native-computing-foundation",
        "linux-foundation",
        "apache-software-foundation",
        "open-infrastructure-foundation",
        "continuous-delivery-foundation-cdf",
        "linux-foundation-edge",
        "eclipse-foundation",
        "bytecode-alliance",
        "open-js-foundation",
        "lf-ai-foundation",
        "lf-networking",
        "openssf",
        "cloud-foundry",
        "webassembly",
        "python-software-foundation",
        "rust",
        "open-source-initiative",
        "lf-ai-data",
    }
)
# Crunchbase entries that are one organization under two slugs: the second slug is used for both.
SAME_ORGANIZATION = {
    "ant-financial": "ant-group",
    "apache": "apache-software-foundation",
    "octopus-deploy-c915": "octopus-deploy-org",
}
# Organization slugs that would take a name better left to another entity (the WebAssembly standard).
ORGANIZATION_SLUGS = {"webassembly": "webassembly-community-group"}
# GitHub owners that are a known company: the organization of a project with no crunchbase entry.
KNOWN_OWNERS = {
    "google": "google",
    "googlecloudplatform": "google",
    "googlecontainertools": "google",
    "microsoft": "microsoft",
    "azure": "microsoft",
    "aws": "amazon-web-services",
    "awslabs": "amazon-web-services",
    "alibaba": "alibaba",
    "aliyun": "alibaba-cloud",
    "alibabacloud": "alibaba-cloud",
    "aliyuncontainerservice": "alibaba-cloud",
    "sofastack": "ant-group",
    "antgroup": "ant-group",
    "tencent": "tencent",
    "tkestack": "tencent",
    "huawei": "huawei",
    "huaweicloud": "huawei",
    "bytedance": "bytedance",
    "cloudwego": "bytedance",
    "baidu": "baidu",
    "redhat": "red-hat",
    "openshift": "red-hat",
    "vmware": "vmware",
    "vmware-tanzu": "vmware",
    "ibm": "ibm",
    "hashicorp": "hashicorp",
    "netflix": "netflix",
    "uber": "uber",
    "lyft": "lyft",
    "spotify": "spotify",
    "twitter": "twitter",
    "facebook": "facebook",
    "facebookresearch": "facebook",
    "intel": "intel",
    "nvidia": "nvidia",
    "oracle": "oracle",
    "docker": "docker",
    "weaveworks": "weaveworks",
    "rancher": "rancher-labs",
    "solo-io": "solo-io",
    "datawire": "datawire",
    "buoyantio": "buoyant",
    "grafana": "raintank",
    "elastic": "elastic",
    "mesosphere": "mesosphere",
    "pivotal": "pivotal",
    "kinvolk": "kinvolk",
    "heptio": "heptio",
    "coreos": "coreos",
    "bitnami": "bitnami",
    "jetstack": "jetstack",
    "giantswarm": "giant-swarm",
    "zalando": "zalando",
    "shopify": "shopify",
    "apple": "apple",
}
# Names of the 2019 snapshot that were renamed since: the old name stays as an alias of the current entity.
RENAMED = {
    "Weave Flux": "Flux",
    "Ambassador": "Emissary-Ingress",
    "Chef": "Chef Infra",
    "SaltStack": "Salt Project",
    "Docker Registry": "Distribution",
    "Weaveworks kubeadm": "kubeadm",
    "Pouch": "PouchContainer",
    "Azure (ACS) Engine": "AKS Engine",
}
MEMBER_SUBCATEGORIES = (
    "Kubernetes Certified Service Provider",
    "Kubernetes and Cloud Native Training Partner",
)
_MARKERS = re.compile(r"^(member|supporter|contributor|kcsp|kcntp|ktp|wasm|[a-z ]*member)$", re.I)
_ORG_SUFFIXES = re.compile(
    r"(inc|ltd|llc|gmbh|corp|corporation|labs?|io|ai|hq|technologies|technology|"
    r"software|systems|solutions|group|co|company|limited|sa|ag|ab|as|bv)$"
)
_SENTENCE = re.compile(r"(?<=[.!?。])\s+")


@dataclass
class Draft:
    slug: str
    type: str
    label: str
    source: str
    aliases: list[str] = field(default_factory=list)
    homepage: str | None = None
    repository: list[str] = field(default_factory=list)
    organization: str | None = None
    hosted_by: str | None = None
    part_of: str | None = None
    category: str = ""
    subcategory: str = ""
    maturity: str | None = None
    status: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    file: str = ""
    org_key: str | None = None  # crunchbase slug, resolved to an organization slug at the end
    parent_name: str | None = None
    also_ambiguous: list[str] = field(default_factory=list)

    def block(self) -> dict[str, Any]:
        names = [self.label, *self.aliases]
        ambiguous = [a for a in names if is_generic(a) or a in self.also_ambiguous]
        return {
            "slug": self.slug,
            "type": self.type,
            "label": self.label,
            "aliases": self.aliases,
            "ambiguous": ambiguous,
            "homepage": self.homepage,
            "repository": self.repository,
            "organization": self.organization,
            "hosted_by": self.hosted_by,
            "part_of": self.part_of,
            "category": self.category,
            "subcategory": self.subcategory,
            "maturity": self.maturity,
            "status": self.status,
            "dates": dict(sorted(self.dates.items())),
            "description": self.description,
            "source": self.source,
        }


def split_name(name: str) -> tuple[str, list[str], bool]:
    """`Amazon Elastic Container Registry (ECR)` -> label, [ECR], whether a marker such as (Wasm) was cut."""
    aliases: list[str] = []
    marked = False
    while True:
        match = re.search(r"\s*\(([^()]*)\)\s*$", name)
        if not match or match.start() == 0:
            break
        inner = match.group(1).strip()
        name = name[: match.start()].strip()
        if _MARKERS.match(inner):
            marked = True
        elif inner.lower().startswith("formerly "):
            aliases.insert(0, inner[len("formerly ") :].strip())
        elif inner:
            aliases.insert(0, inner)
    return name.strip(), aliases, marked


def make_slug(label: str) -> str:
    text = label.replace("C++", "cpp").replace("C#", "csharp").replace("++", "pp").replace("#", "sharp")
    if text.startswith("."):
        text = "dot" + text[1:]
    slug = slugify(text)
    if not slug or not re.fullmatch(r"[a-z0-9][a-z0-9._~-]*", slug):
        slug = "x-" + hashlib.sha1(label.encode()).hexdigest()[:10]
    return slug


def short_description(text: str | None, limit: int = 240) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    first = _SENTENCE.split(text, maxsplit=1)[0]
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first or None


def repo_key(url: str) -> str | None:
    match = re.match(r"https?://(?:www\.)?github\.com/([^/#?]+)/([^/#?]+)", url.strip(), re.I)
    if not match:
        return None
    return f"{match[1]}/{match[2].removesuffix('.git')}".lower()


def first_owner(draft: Draft) -> str | None:
    for url in draft.repository:
        key = repo_key(url)
        if key:
            return key.split("/")[0]
    return None


def core_name(name: str) -> str:
    """Normalised name for merging: `Apache Flink` ~ `Flink`, `ScyllaDB` ~ `Scylla`, `Project Contour`."""
    core = norm_name(name.replace("+", "plus").replace("#", "sharp"))
    core = core.removeprefix("apache").removeprefix("project")
    return core.removesuffix("db") if len(core) > 5 else core


def is_org_item(item: SourceItem) -> bool:
    return item.category == "CNCF Members" or item.subcategory in MEMBER_SUBCATEGORIES


def names_org(label: str, org_key: str | None) -> bool:
    if not org_key:
        return False
    a, b = norm_name(label), norm_name(org_key)
    return a == b or a == _ORG_SUFFIXES.sub("", b) or _ORG_SUFFIXES.sub("", a) == _ORG_SUFFIXES.sub("", b)


_KEY_SUFFIXES = ("com", "ltd", "inc", "llc", "gmbh", "corp", "co", "limited", "sa", "ag", "bv", "org")


def label_from_key(key: str, known: dict[str, str] | None = None) -> str:
    """A display name for an organization known only by its crunchbase slug (`gitlab-com` -> `GitLab`).

    `known` maps normalised names to labels written elsewhere in the sources, whose casing is preferred.
    """
    words = key.split("-")
    while len(words) > 1 and words[-1] in _KEY_SUFFIXES:
        words.pop()
    if known and norm_name("".join(words)) in known:
        return known[norm_name("".join(words))]
    upper = {"ibm", "sap", "aws", "hpe", "nec", "ntt", "sk", "lg", "io", "ai", "it", "cdf", "js"}
    return " ".join(w.upper() if w in upper else w.capitalize() for w in words)
