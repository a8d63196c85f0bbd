"""Names in a list of names: "Google, Microsoft, Gremlin, Honeycomb, Adobe, AWS, and more".

An ambiguous name (`Honeycomb`, `Gremlin`) needs evidence to link. Written with its capital as one member of
a list whose other members all link to entities of the same type, the list is that evidence: a sponsor line
or a comparison names companies or tools side by side. The list must hold at least three names, the
neighbours on both sides must be separated from it by a list separator only, and the entity must have the
type of its neighbours (projects and products count as one: software); a lower-case or common-usage hit
(`a kind of`) never qualifies.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence

from kg.link.matcher import Hit, case_ok
from kg.link.resolve import CONFIDENCE_AMBIGUOUS, Accepted
from kg.models import EntityRecord

_SEPARATOR = re.compile(r"\s*(?:[,，、;]\s*(?:(?:and|or|&)\s+)?|\s(?:and|or|&)\s+|\s*/\s*)", re.I)
MIN_MEMBERS = 3
_SOFTWARE = frozenset({"Project", "Product"})


def list_members(
    rejected: Sequence[Hit], accepted: Sequence[Accepted], text: str, entities: Mapping[str, EntityRecord],
) -> list[Accepted]:
    """The rejected hits that are members of a list of linked names, resolved to their neighbours' type."""
    if not rejected or len(accepted) < MIN_MEMBERS - 1:
        return []
    ordered = sorted(accepted, key=lambda a: a.start)
    starts = [a.start for a in ordered]
    out: list[Accepted] = []
    for hit in rejected:
        if not hit.surface[:1].isupper():
            continue
        before = _neighbour(ordered, starts, hit, text, left=True)
        after = _neighbour(ordered, starts, hit, text, left=False)
        neighbours = [n for n in (before, after) if n is not None]
        if not neighbours:
            continue
        # A third member: the one beyond the neighbour on a side, or the other side's neighbour.
        members = 1 + len(neighbours)
        if members < MIN_MEMBERS:
            side = neighbours[0]
            beyond = _chain_step(ordered, starts, side, text, left=side is before)
            members += beyond is not None
        if members < MIN_MEMBERS:
            continue
        types = {entities[n.slug].type for n in neighbours if n.slug in entities}
        # Software lists mix projects and products ("Vim, Atom, Sublime Text"); other lists keep one type.
        wanted = types if types <= _SOFTWARE else types if len(types) == 1 else set()
        if not wanted or "Concept" in wanted:
            continue
        slugs = sorted({e.slug for e in hit.entries if e.slug in entities and entities[e.slug].type in wanted
                        and case_ok(e, hit.surface) and e.text == hit.surface})
        if len(slugs) == 1:
            out.append(Accepted(hit.start, hit.end, slugs[0], CONFIDENCE_AMBIGUOUS))
    return out


def _neighbour(ordered: Sequence[Accepted], starts: list[int], hit: Hit, text: str,
               left: bool) -> Accepted | None:
    index = bisect.bisect_left(starts, hit.start)
    if left:
        if index == 0:
            return None
        other = ordered[index - 1]
        gap = text[other.end:hit.start]
    else:
        while index < len(ordered) and ordered[index].start < hit.end:
            index += 1
        if index == len(ordered):
            return None
        other = ordered[index]
        gap = text[hit.end:other.start]
    return other if _SEPARATOR.fullmatch(gap) else None


def _chain_step(ordered: Sequence[Accepted], starts: list[int], member: Accepted, text: str,
                left: bool) -> Accepted | None:
    index = starts.index(member.start)
    step = index - 1 if left else index + 1
    if not 0 <= step < len(ordered):
        return None
    other = ordered[step]
    gap = text[other.end:member.start] if left else text[member.end:other.start]
    return other if _SEPARATOR.fullmatch(gap) else None
