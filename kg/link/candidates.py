"""Unknown names that look like projects: kept as candidates with their evidence, never linked silently.

Two kinds: `repository` (a linked github.com/OWNER/REPO that no entity claims) and `name` (a mixed-case
word such as `KataContainers` or `SOFARegistry` that no alias covers). Counting across documents, which is
what separates a project from a one-off word, happens over the store (`kg candidates --min-count`).
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


def name_spans(text: str, known: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """(start, end, word) of mixed-case names in `text` (a masked view) that no alias covers."""
    out = []
    for match in _NAME.finditer(text):
        word = match.group(1)
        key = word.lower()
        if key in _NOT_NAMES or len(word) < 4 or known(key) or len(_HUMPS.findall(word)) >= 2:
            continue
        out.append((match.start(1), match.end(1), word))
    return out


def name_candidate(item_position: int, word: str, surface: str, start: int, end: int) -> CandidateRecord:
    return CandidateRecord(item_position, f"name:{word.lower()}", word, "name", surface, start, end)


def repository_candidate(
    item_position: int, owner: str, repo: str, surface: str, start: int, end: int, url: str
) -> CandidateRecord:
    key = f"repo:github.com/{owner.lower()}/{repo.lower()}"
    return CandidateRecord(item_position, key, f"{owner}/{repo}", "repository", surface, start, end, url)
