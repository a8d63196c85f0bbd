"""An owner's products by their short names: "a command-line tool for Drive, Gmail, Calendar, Sheets" in an
item about Google Workspace, "Actions runs at 115.4 million" after GitHub.

A product whose name is its owner's name in front of a short name (`Google Drive`, `GitHub Actions`,
`Datadog Agent`) is often written by the short name alone once the owner is clear. The short name is usually
an everyday word, so it links only where the item already names the owner: the organization itself, or
another of its products. Written inside a Title Case phrase ("Gives Up On Edge", "Chat Apps", "Code of
Conduct") it says nothing, so a capitalised word beside it, or one small word further, rules it out; and it
must stand in lower-case running text or follow a linked name in a list (kg.link.linker checks the list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from kg.link.matcher import AliasIndex
from kg.link.resolve import SMALL_WORDS, entity_names, proper_noun
from kg.models import EntityRecord

_OWNED_TYPES = frozenset({"Project", "Product", "Specification"})
MIN_SHORT = 3  # `S3` is an alias of its own; two letters say too little
GENERIC_OWNERS = 4
_WORD_CHAR = re.compile(r"[\w'’-]")


@dataclass(frozen=True, slots=True)
class OwnedHit:
    start: int  # offsets in the text searched
    end: int
    slug: str
    proper: bool  # written as a proper noun in running text; else it needs to be in a list of names


class OwnerProducts:
    """For each organization, the short names of the products named with it in front."""

    def __init__(self, entities: Mapping[str, EntityRecord], index: AliasIndex | None = None) -> None:
        self.owner_of: dict[str, str] = {}
        shorts: dict[str, dict[str, set[str]]] = {}
        owners = _owner_names(entities.values())
        for entity in entities.values():
            if entity.type not in _OWNED_TYPES:
                continue
            for name in entity_names(entity):
                head, _, short = name.partition(" ")
                while short:
                    owner = owners.get(head)
                    if owner is not None:
                        self.owner_of.setdefault(entity.slug, owner)
                        if _usable_short(short):
                            shorts.setdefault(owner, {}).setdefault(short, set()).add(entity.slug)
                        break
                    word, _, short = short.partition(" ")
                    head = f"{head} {word}"
        # A short name two of one owner's products share names neither. One that many owners use (`Cloud`,
        # `Marketplace`, `Kubernetes Engine`) is a word of the trade, and one that is another entity's name
        # (`Lens`) is that entity's; one that is the product's own unambiguous alias (`Azure Functions`)
        # links without its owner.
        owners_of_short: dict[str, int] = {}
        for names in shorts.values():
            for short in names:
                owners_of_short[short] = owners_of_short.get(short, 0) + 1
        self.shorts = {
            owner: {short: next(iter(slugs)) for short, slugs in names.items()
                    if len(slugs) == 1 and owners_of_short[short] < GENERIC_OWNERS
                    and not (index is not None and _named_already(index, short, slugs))}
            for owner, names in shorts.items()}
        # Who uses each short name (sorted, for the same hit on every run), found by one automaton scan
        self._owners_of: dict[str, list[str]] = {}
        for owner, names in sorted(self.shorts.items()):
            for short in names:
                self._owners_of.setdefault(short, []).append(owner)
        self._automaton = ahocorasick.Automaton()
        for short in self._owners_of:
            self._automaton.add_word(short, short)
        if self._owners_of:
            self._automaton.make_automaton()

    def owner_named(self, slug: str) -> str | None:
        """The organization a linked entity names: itself, or the owner written in front of a product's name
        (`Google Workspace CLI`). An organization field alone is not enough: Kubernetes came from Google,
        but "the Docs team" of a Kubernetes item is not Google Docs."""
        return slug if slug in self.shorts else self.owner_of.get(slug)

    def hits(self, owners: set[str], text: str, start: int, end: int) -> list[OwnedHit]:
        """Short names of the owners' products written in text[start:end], outside Title Case phrases."""
        if not self._owners_of:
            return []
        found: list[tuple[int, int, str]] = []
        for last, short in self._automaton.iter(text, start, end):
            at = last + 1 - len(short)
            owner = next((o for o in self._owners_of[short] if o in owners), None)
            if owner is not None and (at == 0 or not _NAME_GOES_BACK.match(text[at - 1])):
                found.append((at, -len(short), owner))
        out: list[OwnedHit] = []
        taken_until = -1
        for at, size, owner in sorted(found):  # the longest name at each start, no overlaps
            stop = at - size
            if at < taken_until or _NAME_GOES_ON.match(text, stop):
                continue
            taken_until = stop
            if not _in_title_phrase(text, at, stop):
                short = text[at:stop]
                out.append(OwnedHit(at, stop, self.shorts[owner][short], proper_noun(text, at, stop)))
        return out


# What would make a short name part of a longer word, a path, a handle or a host name
_NAME_GOES_BACK = re.compile(r"[\w.'’/@#-]")
_NAME_GOES_ON = re.compile(r"[\w/@-]|['’]\w|\.\w")


def _owner_names(entities: Iterable[EntityRecord]) -> dict[str, str]:
    """Organization names (capitalised, at least two characters) that belong to one organization only."""
    seen: dict[str, set[str]] = {}
    for entity in entities:
        if entity.type != "Organization":
            continue
        for name in entity_names(entity):
            if len(name) >= 2 and name[:1].isupper():
                seen.setdefault(name, set()).add(entity.slug)
    return {name: next(iter(slugs)) for name, slugs in seen.items() if len(slugs) == 1}


def _usable_short(short: str) -> bool:
    """A capitalised word or phrase; not an acronym (`APM`, `CLI`, `VPC`), which vendors share with the
    trade."""
    return len(short) >= MIN_SHORT and short[:1].isupper() and not short.split(" ", 1)[0].isupper()


def _named_already(index: AliasIndex, short: str, slugs: set[str]) -> bool:
    """Whether the short name is another entity's name, or a name of the product that needs no owner."""
    return any(entry.slug not in slugs or not entry.ambiguous for entry in index.entries(short.lower()))


def _in_title_phrase(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word stands right before or after text[start:end], a space apart, or one small
    word further ("Code of Conduct", "Summer of Code")."""
    word = _word_before(text, start)
    if word is not None and text[word[0]:word[1]] in _BRIDGES:
        word = _word_before(text, word[0])
    if word is not None and not text[word[0]:word[1]].islower():  # `Apple's Very Bad iPhone News`
        return True
    match = _WORD_AFTER.match(text, end)
    if match is not None and match.group(1) in _BRIDGES:
        match = _WORD_AFTER.match(text, match.end())
    return match is not None and not match.group(1).islower()


# The small words inside a Title Case name; not `and` or `or`, which join the members of a list
_BRIDGES = SMALL_WORDS - {"and", "or", "nor", "vs"}
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z][\w'’-]*)")


def _word_before(text: str, start: int) -> tuple[int, int] | None:
    """The span of the word a space or tab before `start`."""
    end = start
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end == start or end == 0 or not _WORD_CHAR.match(text[end - 1]):
        return None
    word_start = end - 1
    while word_start > 0 and _WORD_CHAR.match(text[word_start - 1]):
        word_start -= 1
    return word_start, end
