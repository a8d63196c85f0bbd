"""Names in a list of names: "Google, Microsoft, Gremlin, Honeycomb, Adobe, AWS, and more", or a comparison
("Draft vs Gitkube vs Helm").

An ambiguous name (`Honeycomb`, `Gremlin`) needs evidence to link. As one member of a list of names that
holds at least one linked name, the list is that evidence: a sponsor line or a comparison names companies or
tools side by side. A list is a run of at least three names (alias hits) separated by list separators only;
the member must have the type of the list's linked names (projects and products count as one: software).
A member keeps its capital ("Honeycomb") unless the whole list is written in lower case ("istio,
ambassador, contour") or stands in Chinese text ("mysql、consul 或 leaf", "FastHTTP、Dubbo-go、Tars"), where
case says nothing; a name
that is no English word may be written in lower case among capitalised ones ("Cortex, dapr, Dragonfly").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise

from kg.link.matcher import AliasEntry, Hit, case_ok
from kg.link.resolve import CONFIDENCE_AMBIGUOUS, GENERATED_SOURCES, Accepted, beside_chinese
from kg.models import EntityRecord

LIST_SEPARATOR = re.compile(
    r"\s*(?:[,，、;]\s*(?:(?:and|or|&|和|或|及)\s*)?|\s(?:and|or|&|vs\.?|versus)\s+|\s*(?:/|和|或|及)\s*)",
    re.I)
_UNNAMED_MEMBERS = re.compile(
    rf"(?:{LIST_SEPARATOR.pattern}[A-Za-z][\w.+#-]{{1,29}})+{LIST_SEPARATOR.pattern}", re.I)
_MAX_UNNAMED_GAP = 200  # a few short members, not a paragraph
# "(Consul, Istio, etc)", "Vim, Emacs and more", "mysql、consul 等": the list goes on past its last name.
_MORE_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:etc\b|and (?:many )?more\b|and so on\b|等)", re.I)
_CHINESE_SEPARATOR = re.compile(r"[、，和或及]")
MIN_MEMBERS = 3
_SOFTWARE = frozenset({"Project", "Product"})
_NAMES = _SOFTWARE | {"Organization"}


def list_members(
    rejected: Sequence[Hit], accepted: Sequence[Accepted], text: str, entities: Mapping[str, EntityRecord],
) -> list[Accepted]:
    """The rejected hits that are members of a list of linked names, resolved to the linked names' type."""
    if not rejected or not accepted:
        return []
    names: list[tuple[int, int, Accepted | Hit]] = [(a.start, a.end, a) for a in accepted]
    names += [(h.start, h.end, h) for h in _longest(rejected, accepted)]
    names.sort(key=lambda n: n[0])
    out: list[Accepted] = []
    for run, others in _runs(names, text):
        if len(run) + others < MIN_MEMBERS:
            continue
        linked = [n for n in run if isinstance(n, Accepted)]
        # The member takes a type of the linked names ("Vim, Atom, Sublime Text": software), else any name.
        wanted = {entities[n.slug].type for n in linked if n.slug in entities} & _NAMES
        if not wanted:
            continue
        lower_list = all(text[n.start:n.end].islower() for n in linked)
        # Separated by Chinese punctuation or words ("FastHTTP、Dubbo-go、Tars"), a list is Chinese text
        chinese_list = any(_CHINESE_SEPARATOR.search(text, a.end, b.start) for a, b in pairwise(run))
        for hit in run:
            if isinstance(hit, Accepted):
                continue
            # The first and last members must be whole: not `Project Maven`, `Dark Debt`, `Apollo 11`.
            if (hit is run[0] and _capital_word_before(text, hit.start)) or (
                    hit is run[-1] and _capital_word_after(text, hit.end)):
                continue
            if text[hit.start - 1:hit.start] == "/" and text[hit.end:hit.end + 1] == "/":
                continue  # a segment of a path (`go/src/k8s.io/kubernetes`), not a member of a list
            folded = chinese_list or (not hit.surface[:1].isupper() and (
                lower_list or beside_chinese(text, hit.start, hit.end)))
            written = [e for e in hit.entries if e.slug in entities and _written_as(e, hit.surface, folded)]
            slugs = sorted({e.slug for e in written if entities[e.slug].type in wanted})
            if not slugs:  # companies and their tools side by side: "OpenAI, AWS, Cursor, GitHub"
                slugs = sorted({e.slug for e in written if entities[e.slug].type in _NAMES})
            if len(slugs) > 1:  # a curated entity before one imported from a list
                slugs = [s for s in slugs if not (entities[s].source or "").startswith(GENERATED_SOURCES)]
            if len(slugs) == 1:
                out.append(Accepted(hit.start, hit.end, slugs[0], CONFIDENCE_AMBIGUOUS))
    return out


def _capital_word_before(text: str, start: int) -> bool:
    at = start
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    word = _word_before(text, at) if at < start else ""
    # "Project Maven, Ansible" is one name; "Join Helm, Istio" and "How Apple, Ford, IBM" open a sentence.
    return word[:1].isupper() and not _opens_sentence(text, at - len(word))


def _opens_sentence(text: str, start: int) -> bool:
    while start > 0 and text[start - 1] in " \t*_[":
        start -= 1
    return start == 0 or text[start - 1] in ".!?:;\n\"'(“‘—–-|#>"


def _capital_word_after(text: str, end: int) -> bool:
    at = end
    while at < len(text) and text[at] in " \t":
        at += 1
    return at > end and at < len(text) and (text[at].isupper() or text[at].isdigit())


def _word_before(text: str, end: int) -> str:
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-'"):
        start -= 1
    return text[start:end]


def _written_as(entry: AliasEntry, surface: str, folded: bool) -> bool:
    if folded:
        return entry.text.lower() == surface.lower()
    if surface.islower():  # `dapr` among capitalised names: a name that is no word, in lower case
        return not entry.word and not entry.text.isupper() and entry.text.lower() == surface
    return entry.text == surface and case_ok(entry, surface)


def _longest(rejected: Sequence[Hit], accepted: Sequence[Accepted]) -> list[Hit]:
    """Rejected hits that overlap no linked name and no longer rejected hit."""
    taken = sorted((a.start, a.end) for a in accepted)
    out: list[Hit] = []
    last_end = -1
    for hit in sorted(rejected, key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start < last_end or any(s < hit.end and hit.start < e for s, e in taken):
            continue
        out.append(hit)
        last_end = hit.end
    return out


def _runs(names: list[tuple[int, int, Accepted | Hit]], text: str) -> list[tuple[list[Accepted | Hit], int]]:
    """Maximal runs of names separated by list separators, or by one-word members no alias names ("keras,
    lasagne, mxnet"), with the number of those other members (one more for a closing "etc")."""
    runs: list[tuple[list[Accepted | Hit], int]] = []
    run: list[Accepted | Hit] = []
    others = 0
    last_end = -1
    for start, end, name in names:
        if start < last_end:  # overlaps the previous name: not a separate member
            continue
        gap = text[last_end:start] if run else ""
        if run and LIST_SEPARATOR.fullmatch(gap):
            run.append(name)
        elif run and len(gap) <= _MAX_UNNAMED_GAP and _UNNAMED_MEMBERS.fullmatch(gap):
            run.append(name)
            others += len(LIST_SEPARATOR.findall(gap)) - 1
        else:
            if run:
                runs.append((run, others + _more_after(text, last_end)))
            run, others = [name], 0
        last_end = end
    if run:
        runs.append((run, others + _more_after(text, last_end)))
    return runs


def _more_after(text: str, end: int) -> int:
    """One more, unnamed member when the list says it goes on ("Consul, Istio, etc")."""
    return 1 if _MORE_AFTER.match(text, end) else 0
