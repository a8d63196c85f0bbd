"""What a hyperlink's anchor says: whether it names the entity the URL points at, and where a bare URL sits.

A link is always evidence for the entity behind its URL; it is a *mention* only when the anchor text names
that entity (`[Cloud Run](https://cloud.google.com/run/)`), not when it is an article title on the entity's
site (`[SRE at Google](https://cloud.google.com/blog/...)` names Google, not Google Cloud).
"""

from __future__ import annotations

import re

from kg.link import urls as url_rules
from kg.models import EntityRecord

_NOT_ALNUM = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Letters and digits only, lower-cased (Chinese characters are letters)."""
    return _NOT_ALNUM.sub("", text.lower())


def names_entity(entity: EntityRecord, anchor: str, hints: tuple[str, ...]) -> bool:
    """Whether a link's anchor names the entity it points at (else the link is evidence, not a mention).

    A mention must be written: `[Cloud Run](https://cloud.google.com/run/)` names Google Cloud Run, while
    `[an essay](https://crate.io/a/...)` does not name Crate.io. The anchor names the entity when, squashed
    to letters and digits, it contains one of its aliases or (for GitHub links) its repository or owner
    name, or is itself a part of the entity's label (`Cloud Run` of `Google Cloud Run`). An event named
    after it (`[ChefConf](https://chefconf.chef.io/)`, `DockerCon`) names the event, not the entity.
    """
    squashed = squash(_EVENT_NAME.sub(" ", anchor))
    if len(squashed) < 2:
        return False
    names = entity_names(entity) | {squash(h) for h in hints}
    if any(len(n) >= 3 and n in squashed for n in names):
        return True
    latin = "".join(c for c in squashed if c.isascii())
    if len(latin) >= 4 and latin in squash(entity.label):
        return True
    return any(spells_out(h, anchor) for h in hints[1:] if h) or owner_and_part(hints, anchor)


# A conference named after its organizer or subject, glued: `ChefConf`, `DockerCon`, `AnsibleFest`
_EVENT_NAME = re.compile(r"\b[A-Z][A-Za-z]*?(?:Con|Conf|Fest|Summit|Days|Camp)\b")


def owner_and_part(hints: tuple[str, ...], anchor: str) -> bool:
    """Whether the anchor of a repository link names the repository's owner and a word of its name:
    `[Zalando ALB controller](…/zalando-incubator/kube-ingress-aws-controller)`."""
    if len(hints) < 2 or not hints[1]:
        return False
    words = {w.lower() for w in _WORD.findall(anchor)}
    owner = hints[0].lower().split("-")[0]
    parts = {p for p in hints[1].lower().split("-") if len(p) >= 4}
    return len(owner) >= 4 and owner in words and bool(parts & words)


def misspells(entity: EntityRecord, anchor: str) -> bool:
    """Whether the anchor of a link to the entity's own page is one of its names mistyped:
    `[SIG-Instrumentaion's](…/sig-instrumentation)`, `[Calcio](…/projectcalico/calico)`, `[Gardner](…)`.
    The link says which entity is meant; the anchor only has to be one slip away from one of its names
    (a letter dropped, added, changed or two swapped); two slips make another name (`DevOpsDay LA`)."""
    squashed = squash(anchor.removesuffix("'s").removesuffix("’s"))
    if len(squashed) < MIN_MISSPELT:
        return False
    for name in entity_names(entity):
        if len(name) >= MIN_MISSPELT and abs(len(name) - len(squashed)) <= 1 and (
                _edit_distance(name, squashed, 1) <= 1):
            return True
    return False


MIN_MISSPELT = 6  # shorter names are too easily one slip from each other


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of a and b (swapping neighbours is one edit), at most limit + 1."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


_WORD = re.compile(r"[A-Za-z0-9]+")
_HUMP = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def spells_out(repository: str, anchor: str) -> bool:
    """Whether the anchor is the repository's name written out, word for word, where a part may be the
    initials of the words or of the capitalised parts of a word it stands for: `[Kube PodSecurityPolicy
    Advisor](…/kube-psp-advisor)`, `[Open Policy Agent Gatekeeper](…/opa-gatekeeper)`."""
    parts = repository.lower().split("-")
    words = _WORD.findall(anchor)
    if len(parts) < 2 or not 2 <= len(words) <= 8:
        return False
    at = 0
    for part in parts:
        if at >= len(words):
            return False
        word = words[at]
        if part == word.lower() or (len(part) >= 5 and word.lower() == f"{part[0]}{len(part) - 2}{part[-1]}"):
            at += 1  # `k8s` for `kubernetes`, `i18n` for `internationalization`
        elif len(part) >= 2 and part == "".join(w[0] for w in words[at:at + len(part)]).lower():
            at += len(part)
        elif len(part) >= 2 and part == "".join(h[0] for h in _HUMP.findall(word)).lower():
            at += 1
        else:
            return False
    return at == len(words)


_NAMES: dict[tuple[str, str, tuple[str, ...]], frozenset[str]] = {}


def writes_name_of(entity: EntityRecord, anchor: str, other: EntityRecord) -> bool:
    """Whether the anchor holds a name of `entity` whole that `other` does not share (`Aqua Security` of the
    company, not `Aqua` of its product)."""
    squashed = squash(anchor)
    return any(len(n) >= 3 and n in squashed for n in entity_names(entity) - entity_names(other))


def entity_names(entity: EntityRecord) -> frozenset[str]:
    key = (entity.slug, entity.label, tuple(a.text for a in entity.aliases))
    if key not in _NAMES:
        names = {squash(a.text) for a in entity.aliases} | {squash(entity.label)}
        names.discard("")
        _NAMES[key] = frozenset(names)
    return _NAMES[key]


def claims(entity: EntityRecord, ref: url_rules.GithubRef) -> bool:
    wanted = (ref.owner.lower(), (ref.repo or "").lower())
    repos = list(entity.data.get("repositories", [])) + ([entity.repository] if entity.repository else [])
    for repo_url in repos:
        found = url_rules.github_ref(repo_url)
        if found is not None and (found.owner.lower(), (found.repo or "").lower()) == wanted:
            return True
    return False


def url_span(source: str, start: int, end: int, url: str) -> tuple[int, int]:
    """Where the URL itself is written inside a link (for links without anchor text)."""
    at = source.find(url, start, end)
    return (at, at + len(url)) if at >= 0 else (start, end)
