"""The compiled alias automaton, cached on disk per ontology version so a run starts in milliseconds.

Building the automaton for ~3,000 entities takes a fraction of a second, but every `kg` process (and every
test) would pay it; the pickle is keyed by the ontology version and the linker code version, so a change to
either builds a new one. A read-only or missing cache folder only means building in memory.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.link.matcher import AliasEntry, AliasIndex, entries_for, hyphen_variants, plural_entries

# Kinds of entity one can have several of: their names also match in the plural (`kubelets`, `MacBooks`).
PLURAL_TYPES = frozenset({"Project", "Product"})


def cache_dir() -> Path:
    base = os.environ.get("KG_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cnkg"


def build_index(base: Any) -> AliasIndex:
    from kg.link.words import is_word

    entries = []
    for entity in base.entities.values():
        aliases = ((a.text, a.lang, a.ambiguous) for a in entity.aliases)
        entries += entries_for(entity.slug, aliases, is_word, plurals=entity.type in PLURAL_TYPES)
    taken = {e.text.lower() for e in entries}
    for entity in base.entities.values():
        if entity.type == "Specification":  # `CNIs`, `SBOMs`: implementations or documents of one standard
            for alias in entity.aliases:
                plural = alias.text.lower() + "s"
                if not alias.ambiguous and _SPEC_ACRONYM.fullmatch(alias.text) and plural not in taken:
                    taken.add(plural)
                    entries += plural_entries(entity.slug, alias.text, alias.lang)
        if entity.type not in PLURAL_TYPES and not _GROUP.match(entity.label):
            continue
        for alias in entity.aliases:
            if alias.ambiguous:
                continue
            variants = (hyphen_variants(alias.text, is_word) if entity.type in PLURAL_TYPES
                        else group_variants(alias.text))
            for variant in variants:
                if variant.lower() not in taken:
                    taken.add(variant.lower())
                    entries += entries_for(entity.slug, [(variant, alias.lang, False)], is_word)
    organizations = {name for entity in base.entities.values() if entity.type == "Organization"
                     for name in (entity.label, *(a.text for a in entity.aliases if not a.ambiguous))}
    for entity in base.entities.values():  # last: a spelling any other rule gives keeps its own case rule
        if entity.type in _GLUED_TYPES:
            for alias in entity.aliases:
                written = (glued_variant(alias.text) or spaced_variant(alias.text)
                           or hyphened_acronyms(alias.text))
                singular = (singular_variant(alias.text, is_word, organizations)
                            if entity.type in PLURAL_TYPES else None)
                for variant in (written, singular):
                    if variant and not alias.ambiguous and variant.lower() not in taken:
                        taken.add(variant.lower())
                        entries.append(AliasEntry(entity.slug, variant, True, False, alias.lang,
                                                  lower_ok=False))
    return AliasIndex(entries)


_GLUED_TYPES = frozenset({"Project", "Product", "Organization", "Specification"})
# Two or three capitalised words or acronyms, apart by spaces or a hyphen, one of them a word in mixed case.
_CAPITALISED_WORDS = re.compile(r"[A-Z][A-Za-z0-9]*(?:[ -][A-Z][A-Za-z0-9]*){1,2}")
_MIXED_CASE_WORD = re.compile(r"(?:^|[ -])[A-Z][A-Za-z0-9]*[a-z]")


def glued_variant(text: str) -> str | None:
    """A name of two or three capitalised words written as one CamelCase word (`ArchLinux` for Arch Linux,
    `CodeReadyContainers`, `OpenShiftSDN` for OpenShift SDN, `OVNKubernetes` for OVN-Kubernetes, `JSONPatch`
    for JSON Patch): matched with that exact case only. A word in mixed case must be among them, for two
    acronyms glued (`AWSIAM`) read as one."""
    if not _CAPITALISED_WORDS.fullmatch(text) or not _MIXED_CASE_WORD.search(text):
        return None
    glued = text.replace(" ", "").replace("-", "")
    return glued if len(glued) >= 8 else None


_PLURAL_PRODUCT = re.compile(r"((?:[A-Z][\w.]* ){1,2})([A-Z][a-z]+[^su])s")


def singular_variant(text: str, is_word: Callable[[str], bool], organizations: set[str]) -> str | None:
    """A product named by its brand and a plural noun, in the singular (`Google Sheet`, `Twitter Space`,
    `GitHub Action`: "created a Google Sheet"): matched with that exact case only. The brand must be no
    dictionary word or an organization's name (`Twitter`), so that `Cloud Functions` gives no `Cloud
    Function`."""
    match = _PLURAL_PRODUCT.fullmatch(text)
    if match is None or not is_word(match.group(2)):
        return None
    brand = match.group(1).split()[0]
    if is_word(brand) and brand not in organizations:
        return None
    return match.group(1) + match.group(2)


_WORD_AND_ACRONYM = re.compile(r"([A-Z][a-z]{2,})([A-Z]{2,4})")


def spaced_variant(text: str) -> str | None:
    """A name glued from a word and an acronym written as two words (`Metal LB` for MetalLB, `Mongo DB`,
    `Open DNS`), matched with that exact case only. Other CamelCase names split into phrases (`Linux
    Server`, `Cloud Ops`, `Data Breaches`), so they are not split."""
    match = _WORD_AND_ACRONYM.fullmatch(text)
    return f"{match.group(1)} {match.group(2)}" if match else None


_TWO_ACRONYMS = re.compile(r"[A-Z][A-Z0-9]{1,4} [A-Z][A-Z0-9]{1,4}")


def hyphened_acronyms(text: str) -> str | None:
    """Two acronyms written with a hyphen (`AWS-EBS` for AWS EBS, `GCE-PD`), in that case only."""
    return text.replace(" ", "-") if _TWO_ACRONYMS.fullmatch(text) else None


_SPEC_ACRONYM = re.compile(r"[A-Z]{3,5}")  # CNI, SBOM: their plural is CNIs, SBOMs

# Kubernetes and CNCF groups written with spaces and hyphens mixed: `SIG-API Machinery`, `SIG-Cloud Provider`.
_GROUP = re.compile(r"(?:SIG|WG|TAG) [A-Z]")


def group_variants(text: str) -> list[str]:
    """`SIG API Machinery` with each space of its first three written as a hyphen or not, or its name glued
    (`SIG-APIMachinery`)."""
    if not _GROUP.match(text) or text.count(" ") > 3:
        return []
    parts = text.split(" ")
    out = []
    for mask in range(1, 1 << (len(parts) - 1)):
        joined = parts[0]
        for i, part in enumerate(parts[1:]):
            joined += ("-" if mask >> i & 1 else " ") + part
        out.append(joined)
    if len(parts) > 2:  # `SIG-APIMachinery`: the group's name glued into one word
        out += [parts[0] + "-" + "".join(parts[1:]), parts[0] + " " + "".join(parts[1:])]
    return out


def cached_index(base: Any) -> AliasIndex:
    from kg.link.linker import code_version

    key = hashlib.sha256(f"{base.version}:{code_version()}".encode()).hexdigest()[:32]
    path = cache_dir() / f"link-index-{key}.pickle"
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
        if isinstance(index, AliasIndex):
            return index
    except Exception:  # missing, stale or truncated: rebuilt below
        pass
    index = build_index(base)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return index
