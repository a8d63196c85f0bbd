"""Dictionary recognition: one Aho-Corasick automaton of every alias, with word-boundary and case rules.

The automaton scans the lower-cased normalised view (see textprep); each hit is checked on the *folded*
view (case kept) for Latin word boundaries and for case. Chinese characters are boundaries, so a Latin name
glued to Chinese text (`基于Knative体系`) is found, while a name inside a longer identifier (`Istiod`,
`KubernetesOperator`, `istio-init`, `sigs.k8s.io`) is not. Hits keep every entity their alias may denote;
choosing between them (ambiguity, evidence) is the linker's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from kg.link.textprep import View, lower_same_length, strip_invisible
from kg.ontology.generic import is_generic

# Aliases this short (Latin letters) must match with their exact case: `ACK`, `EKS`, `MIG`, `Kind`.
EXACT_CASE_MAX_LEN = 4
# Scanning a huge document in chunks bounds the work per call; chunks overlap by the longest alias.
CHUNK = 1 << 20

# `Kubernetes-native`, `Envoy-based`: a hyphen followed by one of these keeps the name a name.
HYPHEN_SUFFIXES = frozenset(
    str.split(
        "based native compatible powered like style friendly specific related centric aware ready enabled "
    "driven first focused certified conformant only managed hosted backed built centered oriented "
        "integrated style flavored approved sponsored initiated led owned funded made supported designed "
        "inspired maintained developed created compliant spawned born incubated acquired"
    )
)
# `Rook.io`, `Knative.dev`: a name followed by its site's top-level domain is still the name.
SITE_SUFFIXES = frozenset(str.split("io dev sh org com net cloud ai tech build app"))
# `non-Kubernetes`, `multi-cloud`: a hyphen after one of these prefixes keeps the name a name.
HYPHEN_PREFIXES = frozenset(str.split("non pre post multi cross anti pro self ex"))

_WORD_AFTER_HYPHEN = re.compile(r"[A-Za-z0-9]+")
_CAPS_SUFFIX = re.compile(r"[A-Z][A-Z0-9]{1,5}")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_SHORT_WORD = re.compile(r"[a-z0-9]{1,3}")
_WORD_RUN = re.compile(r"(?<![a-z0-9])[a-z0-9]{1,3}(?![a-z0-9])")


class AliasEntry(NamedTuple):
    """One (alias, entity) pair as the automaton stores it. A named tuple, for the index pickles some
    100,000 of them and a tuple loads in half the time of a slotted dataclass."""

    slug: str
    text: str  # the alias as written, folded and without zero-width characters
    exact_case: bool
    ambiguous: bool
    lang: str = "en"
    lower_ok: bool = True  # False for a capitalised dictionary word: `score` is not `Score`
    word: bool = False  # the alias is also an English word (`Slack`, `Contour`, `spec`)
    plural: bool = False  # the alias with an `s`, added for products and projects (`kubelets`, `MacBooks`)


@dataclass(frozen=True, slots=True)
class Hit:
    """An alias found in the view: view offsets, the folded surface and the entries it may stand for."""

    start: int
    end: int
    surface: str
    entries: tuple[AliasEntry, ...]


def _is_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def needs_exact_case(text: str, ambiguous: bool) -> bool:
    letters = [c for c in text if c.isascii() and c.isalpha()]
    if not letters:
        return False
    return ambiguous or len(text) <= EXACT_CASE_MAX_LEN


def case_ok(entry: AliasEntry, surface: str) -> bool:
    """Whether `surface` may stand for `entry` given its case rule.

    A short exact-case alias written in lower case (`etcd`) also matches its capitalised form at the start of
    a sentence (`Etcd`); an alias with capitals (`ACK`) or an ambiguous one (`kube`) must match exactly.
    """
    if surface == entry.text:
        return True
    if not entry.lower_ok and surface.islower():
        return False
    if not entry.exact_case:
        return True
    if entry.ambiguous and not (entry.word or entry.plural) and _capitalised_repo_name(entry.text, surface):
        return True  # `KubeInit` for the repository name `kubeinit`; still needs evidence
    if entry.ambiguous or entry.word:
        return False
    if entry.text.islower() and surface == entry.text[:1].upper() + entry.text[1:]:
        return True
    # Writers shout or tame short names: `JIRA`, `GRPC`, `ETCD` for Jira, gRPC, etcd; `Suse` for SUSE. Four
    # letters at least, so that three-letter acronyms (`ACK`, `Ack`) keep their exact case.
    if len(entry.text) < 4 or not entry.text.isalnum():
        return False
    if entry.text.isalpha() and surface.islower() and not entry.plural:
        return True  # `qemu` for QEMU, `grpc` for gRPC: a name that is no word, typed in lower case
    return surface.isupper() or (entry.text.isupper() and surface == entry.text.capitalize())


_TWO_CAPITALS = re.compile(r"[A-Z]{2}")  # `NetCAT` (an attack), not `KubeInit`
# Common nouns of the trade that no dictionary lists: `Dockerfiles` and `Webhook` are not repositories.
_TRADE_NOUNS = frozenset({
    "chatops", "configmap", "cronjob", "daemonset", "devsecops", "dockerfile", "dockerfiles", "dotfiles",
    "gitops", "homelab", "kubeconfig", "microservice", "microservices", "namespace", "namespaces", "playbook",
    "playbooks", "runbook", "runbooks", "sidecar", "sidecars", "webhook", "webhooks",
})


def _capitalised_repo_name(alias: str, surface: str) -> bool:
    """`KubeInit`, `Fregot`: a lower-case repository name that is no word, written as a proper noun."""
    return (len(alias) >= 5 and alias.isalpha() and alias.islower() and surface[:1].isupper()
            and not _TWO_CAPITALS.search(surface) and alias not in _TRADE_NOUNS and not is_generic(alias))


class AliasIndex:
    """The automaton over all aliases; build once per ontology version (it pickles, see kg.link.cache)."""

    def __init__(self, entries: Iterable[AliasEntry]) -> None:
        table: dict[str, list[AliasEntry]] = {}
        for entry in entries:
            key = lower_same_length(entry.text)
            if not key.strip():
                continue
            bucket = table.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
        # Latin aliases of up to three letters or digits (`go`, `k8s`, `eks`) match only as whole words, and
        # inside longer words they are most of the automaton's raw hits: they are looked up word by word.
        self.short: dict[str, tuple[AliasEntry, ...]] = {}
        self.automaton = ahocorasick.Automaton()
        for key, bucket in table.items():
            if _SHORT_WORD.fullmatch(key):
                self.short[key] = tuple(bucket)
            else:
                self.automaton.add_word(key, (len(key), tuple(bucket)))
        self.max_len = max((len(k) for k in table), default=1)
        if len(self.automaton):
            self.automaton.make_automaton()
        self.size = len(table)

    def has(self, text: str) -> bool:
        """Whether `text` (lower-case) is an alias."""
        return text in self.short or text in self.automaton

    def entries(self, text: str) -> tuple[AliasEntry, ...]:
        """The entries of the alias `text` (any case), or () when it is none."""
        key = lower_same_length(text)
        if key in self.short:
            return self.short[key]
        found = self.automaton.get(key, None)
        return found[1] if found else ()

    def scan(self, view: View, chunk: int = CHUNK) -> list[Hit]:
        """Every alias hit on word boundaries in the view, in order of start (overlaps kept)."""
        if self.size == 0:
            return []
        hits: dict[tuple[int, int], Hit] = {}
        folded = view.folded
        size = len(folded)
        word = _WORD_CHARS
        short = self.short
        for token in _WORD_RUN.finditer(view.lowered) if short else ():
            entries = short.get(token.group())
            if entries is not None:
                start, end = token.span()
                if _bounded(folded, start, end):
                    hits[start, end] = Hit(start, end, folded[start:end], entries)
        for base, piece in _chunks(view.lowered, chunk, self.max_len) if len(self.automaton) else ():
            for last, (length, entries) in self.automaton.iter(piece):
                end = base + last + 1
                start = end - length
                # Most raw hits sit inside a longer word: reject those before the full check.
                if start and folded[start] in word and folded[start - 1] in word:
                    continue
                if (end < size and folded[end] in word and folded[end - 1] in word
                        and not _version_glued(folded, start, end)):
                    continue
                if (start, end) in hits or not _bounded(folded, start, end):
                    continue
                hits[start, end] = Hit(start, end, folded[start:end], entries)
        return sorted(hits.values(), key=lambda h: (h.start, -h.end))


def _chunks(text: str, size: int, overlap: int) -> Iterator[tuple[int, str]]:
    if len(text) <= size:
        yield 0, text
        return
    step = max(size - overlap, 1)
    for base in range(0, len(text), step):
        yield base, text[base : base + size]
        if base + size >= len(text):
            break


def _bounded(text: str, start: int, end: int) -> bool:
    """Latin edges of a hit must not continue a longer identifier."""
    if _is_word(text[start]) and start > 0 and not _left_ok(text, start):
        return False
    return not (_is_word(text[end - 1]) and end < len(text) and not _right_ok(text, end, start))


def _left_ok(text: str, start: int) -> bool:
    before = text[start - 1]
    if _is_word(before):
        return False
    if before in "_.-" and start > 1 and _is_word(text[start - 2]):
        if before != "-":
            return False
        word_start = start - 1
        while word_start > 0 and _is_word(text[word_start - 1]):
            word_start -= 1
        return text[word_start : start - 1].lower() in HYPHEN_PREFIXES or _capital_chain(text, start)
    return True


_GLUED_VERSION = re.compile(r"v\d+(?:(?:alpha|beta)\d*)?(?![A-Za-z0-9])")
_GLUED_RELEASE = re.compile(r"\d+\.\d+(?:\.\d+)?(?![A-Za-z0-9])")


def _version_glued(text: str, start: int, end: int) -> bool:
    """`OpenAPIv3`: an API version glued to a name of 4+ characters that ends in a capital, or of 5+ letters
    (`cgroupv2`); `istio1.14`: a release number with a dot glued to a name of 4+ letters."""
    if end - start < 4:
        return False
    if ((text[end - 1].isupper() or (end - start >= 5 and text[end - 1].isalpha()))
            and _GLUED_VERSION.match(text, end) is not None):
        return True
    return text[end - 1].isalpha() and _GLUED_RELEASE.match(text, end) is not None


def _right_ok(text: str, end: int, start: int) -> bool:
    after = text[end]
    if _is_word(after):
        return _version_glued(text, start, end)
    if after in "_.-" and end + 1 < len(text) and _is_word(text[end + 1]):
        word = _WORD_AFTER_HYPHEN.match(text, end + 1)
        if after == ".":  # `Rook.io`, `kubernetes.io/docs` name the project; `k8s.gcr` does not
            return word is not None and word.group().lower() in SITE_SUFFIXES and (
                word.end() == len(text) or not (_is_word(text[word.end()]) or text[word.end()] in "_.-"))
        if after != "-":
            return False
        # `Seata-DTX`, `AWS-SDK`, `Docker-OSX`: a short all-capitals suffix names a variant, not a new word.
        if word is None:
            return False
        if word.group().lower() in HYPHEN_SUFFIXES or _capital_chain(text, start):
            return True
        return _CAPS_SUFFIX.fullmatch(word.group()) is not None and (
            word.end() == len(text) or text[word.end()] not in "-_.")
    return True


_COMPOUND = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")


def _capital_chain(text: str, at: int) -> bool:
    """Three or more capitalised names joined by hyphens name each one (`Weaveworks-Intuit-AWS`); two are
    too often one Title Case word (`Scale-Out`, `Hexa-Core`), and a short part makes one identifier
    (`Istio-Proxy-X`)."""
    left = at
    while left > 0 and (_is_word(text[left - 1]) or text[left - 1] == "-"):
        left -= 1
    match = _COMPOUND.match(text, left)
    if match is None:
        return False
    parts = match.group().split("-")
    return len(parts) >= 3 and all(part[0].isupper() and len(part) >= 3 for part in parts)


def _all_words(text: str, is_word: Callable[[str], bool]) -> bool:
    """Whether every alphabetic token of a multi-word alias is a dictionary word (`Level 3`, `Cloud Run`)."""
    alpha = [w for w in text.split() if w.isalpha()]
    return bool(alpha) and all(is_word(w) for w in alpha)


def entries_for(
    slug: str, aliases: Iterable[tuple[str, str, bool]], is_word: Callable[[str], bool] = lambda _t: False,
    plurals: bool = False,
) -> list[AliasEntry]:
    """AliasEntry rows for one entity from (text, lang, ambiguous) triples.

    `is_word` tells dictionary words: a lower-case one (`spec`) becomes ambiguous, a capitalised one
    (`Score`) keeps its capital (see kg.link.words). With `plurals` (things one can have several of:
    products and projects), a distinctive alias also matches with a plural `s` (`kubelets`, `MacBooks`).
    """
    out = []
    for text, lang, ambiguous in aliases:
        folded = strip_invisible(text).strip()
        # One Latin letter (`C`, `R`) is never a name a matcher can tell from text; it is not indexed.
        if not folded or (len(folded) == 1 and folded.isascii()):
            continue
        lower_ok = True
        word = is_word(folded)
        if word:
            if folded.islower():
                ambiguous = True
            elif folded[0].isupper():
                lower_ok = False
        elif " " in folded and not folded.islower() and _all_words(folded, is_word):
            lower_ok = False  # `Standard Library` is a product, `standard library` is not
        exact = needs_exact_case(folded, ambiguous)
        out.append(AliasEntry(slug, folded, exact, ambiguous, lang, lower_ok, word))
        if plurals and not (ambiguous or word) and _pluralizable(folded, is_word):
            out.append(AliasEntry(slug, folded + "s", exact, False, lang, lower_ok, False, True))
    return out


def plural_entries(slug: str, text: str, lang: str) -> list[AliasEntry]:
    """The plural of an acronym (`CNIs` for CNI), matched with its exact case like the acronym itself."""
    return [AliasEntry(slug, text + "s", True, False, lang, True, False, True)]


_HYPHENATED = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


def hyphen_variants(text: str, is_word: Callable[[str], bool]) -> list[str]:
    """Other spellings of a hyphenated lower-case software name: written as one word (`kube-dns` →
    `kubedns`, `KubeDNS`, `kube-proxy` → `KubeProxy`) unless that is a word, and with spaces when it is a
    `kube-` tool of three parts or more (`Kube RBAC Proxy`); other names with spaces are mostly phrases
    (`release notes`, `kubectl debug`, `scheduler plugins`, `Kubernetes best practices`)."""
    if not _HYPHENATED.fullmatch(text):
        return []
    joined = text.replace("-", "")
    out = [joined] if len(joined) >= 7 and not is_word(joined) else []
    parts = text.split("-")
    if len(parts) >= 3 and parts[0] in ("kube", "k8s"):
        out.append(" ".join(parts))  # `Kube RBAC Proxy`, `Kube API Linter`
    return out


def _pluralizable(text: str, is_word: Callable[[str], bool]) -> bool:
    """Whether `text + "s"` is a plain plural: a Latin name of 4+ characters ending in a lower-case letter
    that does not take `-es` (`kubelet`, `MacBook`, `iPhone`), whose plural is not a word itself, and which
    does not end in a common noun (`Serverless Framework`, `Exchange Server`: their plurals are generic);
    or a name of several words ending in an acronym (`Apple TVs`)."""
    words = text.split()
    if len(words) > 1 and _CAPS_SUFFIX.fullmatch(words[-1]) and text.isascii():
        return True
    last = words[-1] + "s" if len(words) == 1 else words[-1]
    return (len(text) >= 4 and text.isascii() and text[-1].islower() and text[-1] not in "sxzhy"
            and not is_word(last))
