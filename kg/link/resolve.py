"""Deciding what an alias hit means: case, ambiguity evidence, and one entity per span.

The ambiguity rule (documented in ontology/README.md): an ambiguous alias links only when written with its
exact case AND the same item or document gives evidence for that entity: a link in the item to its
repository or homepage, an unambiguous alias of the same entity anywhere in the document, or one of its
`context` words in the item. Latin aliases of one or two letters are always treated as ambiguous.

One more kind of evidence applies to an ambiguous alias that is an everyday English word standing for one
entity only (`Slack`, `Contour`, `Apple`, `Helm`): written capitalised inside lower-case running text
("Monday saw a Slack outage", "Adds support for Contour and ...") or next to Chinese text, it is a proper
noun. Capitals at the start of a sentence or in a Title Case headline say nothing, so they are no evidence;
but once a document uses the word as a name, its other exact-case uses count too (one sense per discourse).
An ambiguous one-word alias that is no dictionary word (`Windows`, `Maven`) written that way counts for that
use only. A name written as a software license (`MIT License`) names nothing. The full rule, with the order
in which several entities sharing a surface are preferred, is in ontology/README.md ("The ambiguity rule").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.link.matcher import AliasEntry, Hit, case_ok
from kg.link.rules import RELEASABLE, RELEASE_AFTER
from kg.link.textprep import MASK
from kg.models import EntityRecord

# When one surface may denote several entities, the more specific kind wins.
TYPE_PREFERENCE = {"Project": 0, "Product": 1, "Specification": 2, "Organization": 3, "Concept": 4}

# Entities imported from lists rank below curated ones when one alias names both.
GENERATED_SOURCES = ("cncf-landscape", "awesome-cloud-native")

CONFIDENCE_EXACT = 0.95
CONFIDENCE_FOLDED_CASE = 0.9
CONFIDENCE_AMBIGUOUS = 0.8


def needs_evidence(entry: AliasEntry) -> bool:
    return entry.ambiguous or (len(entry.text) <= 2 and entry.text.isascii())


@dataclass(frozen=True, slots=True)
class Accepted:
    """An alias hit resolved to one entity (view offsets)."""

    start: int
    end: int
    slug: str
    confidence: float


class Evidence:
    """What a document offers in favour of an entity: linked URLs per item, unambiguous mentions, context."""

    def __init__(self, entities: Mapping[str, EntityRecord]) -> None:
        self.entities = entities
        self.by_item: dict[int, set[str]] = {}  # linked URLs, and distinctive aliases, per item
        self.url_by_item: dict[int, set[str]] = {}  # linked URLs only
        self.in_document: set[str] = set()
        # First words of longer names written in the document (`Lambda` of `Lambda School`) -> their entities
        self.short_forms: dict[str, set[str]] = {}
        self._seen: dict[tuple[str, int], bool] = {}

    def add_url(self, item: int, slug: str) -> None:
        self.by_item.setdefault(item, set()).add(slug)
        self.url_by_item.setdefault(item, set()).add(slug)

    def other_publisher(self, item: int, slug: str) -> bool:
        """Whether a link in the item goes to another organization's site (`| IT Pro` on itprotoday.com)."""
        return any(other != slug and self.entities[other].type == "Organization"
                   for other in self.url_by_item.get(item, ()) if other in self.entities)

    def short_form_of_other(self, surface: str, slug: str) -> bool:
        """Whether `surface` is, in this document, the short form of another entity's longer name: after
        "Lambda School", a later "Lambda" is the school, not AWS Lambda (unless they are related: "Argo"
        after "Argo CD" is still Argo)."""
        others = self.short_forms.get(surface)
        if not others or slug in others:
            return False
        entity = self.entities.get(slug)
        for other in others:
            known = self.entities.get(other)
            if known is None or entity is None:
                return False
            # Family names: `Apple` of `Apple Watch`, or the two linked by part_of / organization.
            if (slug in {known.part_of, known.organization} or other in {entity.part_of, entity.organization}
                    or known.label.lower().startswith(entity.label.lower() + " ")):
                return False
        return True

    def for_entity(self, slug: str, item: int, item_text_lower: str, local: bool = False) -> bool:
        """Evidence for `slug` in the item (and, unless `local`, anywhere in the document)."""
        if slug in self.by_item.get(item, ()) or (not local and slug in self.in_document):
            return True
        key = (slug, item)
        if key not in self._seen:
            words = _context_words(self.entities.get(slug))
            self._seen[key] = any(_has_word(item_text_lower, w) for w in words)
        return self._seen[key]


_CONTEXT: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


def _context_words(entity: EntityRecord | None) -> tuple[str, ...]:
    """The entity's `context` words, lower-cased (computed once per process)."""
    if entity is None:
        return ()
    raw = tuple(entity.data.get("context", ()))
    key = (entity.slug, raw)
    if key not in _CONTEXT:
        _CONTEXT[key] = tuple(sorted({w.strip().lower() for w in raw if w.strip()}, key=len, reverse=True))
    return _CONTEXT[key]


def _has_word(text: str, word: str) -> bool:
    """Whether `word` occurs in `text`: Latin words on word boundaries, Chinese ones as substrings.

    A plain find loop rather than a regular expression: compiling one pattern per entity would cost more
    than all the searches of a run.
    """
    at = text.find(word)
    if not word.isascii():
        return at >= 0
    size = len(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + size] if at + size < len(text) else " "
        if not (_latin_alnum(before) or _latin_alnum(after)):
            return True
        at = text.find(word, at + 1)
    return False


def _latin_alnum(char: str) -> bool:
    return ("a" <= char <= "z") or ("0" <= char <= "9")


_SENTENCE_OPENERS = frozenset(".!?。！？：:;；\n\x00([{\"'“‘「『#*>|-+")


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def proper_noun(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] (capitalised) sits inside lower-case running text or Chinese text."""
    before, after = _around(text, start, end)
    prev = text[before] if before >= 0 else "\n"
    nxt = text[after] if after < len(text) else "\n"
    if _is_cjk(prev):
        return True
    if _is_cjk(nxt) and not _title_word_before(text, before):
        # "A：Spring 本地事务注解": a sentence that goes on in Chinese after its first word
        return True
    if prev in _SENTENCE_OPENERS:
        # "Apple patches Gatekeeper bug", "Anonymous leaks data": a headline's subject doing news.
        return _news_verb_after(text, end)
    if not (prev.islower() or prev in ",、，"):
        return False
    word_start = before
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    while word_start < before and not text[word_start].isalnum():  # `"Weave` starts with W
        word_start += 1
    if text[word_start].isupper() and not (_opener_word(text, word_start, before + 1) and (
            _running_after(text, end) or text[word_start:before + 1] in _LAUNCH_WORDS)):
        # "Can Kubernetes Keep a Secret": a headline; but "Incorporating Slack as a primary medium" is a
        # sentence whose first word has the capital.
        return False
    # "a Slack outage" yes; "Using Podman and Docker Compose" (Title Case) no.
    return not nxt.isupper()


_LINE_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _after_small_word_in_title_case(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] follows a lower-case small word inside a Title Case headline ("732 Bytes to
    Root on Every Major Linux Distribution", "Why Content is King - Divinations"): the headline keeps its
    small words in lower case, so the word before says nothing of the name's case."""
    words = _LINE_WORD.findall(text[max(0, start - 12):start])
    return bool(words) and words[-1] in SMALL_WORDS and _title_case_around(text, start, end)


def _title_case_around(text: str, start: int, end: int) -> bool:
    """Whether the nearest words before `start` and after `end` on the line (or link text), small words and
    numbers skipped, are all capitalised, as in a Title Case headline ("Bytes to Root on Every Major"); one
    lower-case word ("a Slack outage", "moving to Slack") makes it running text."""
    line_start = max(text.rfind("\n", 0, start), text.rfind(MASK, 0, start)) + 1
    line_end = min(i for i in (text.find("\n", end), text.find(MASK, end), len(text)) if i >= 0)
    before = [w for w in _LINE_WORD.findall(text[line_start:start]) if w.lower() not in SMALL_WORDS][-2:]
    after = [w for w in _LINE_WORD.findall(text[end:line_end]) if w.lower() not in SMALL_WORDS][:2]
    # Words on both sides: a headline ending with the name is mostly a company's ("How We Built A Logging
    # Stack at Grab"), and a sentence may end in a link ("Contact SIG-ContribEx on Slack or [file …](…)").
    return bool(before) and bool(after) and all(w[:1].isupper() for w in before + after)


def _title_word_before(text: str, last: int) -> bool:
    """Whether the word ending at text[last] is a capitalised plain word ("Scheduling" in "Scheduling
    Framework 与"): then the two are one Title Case name, where "SOFAArk Windows 环境" is two."""
    first = last
    while first > 0 and text[first - 1].isalnum():
        first -= 1
    word = text[first:last + 1]
    tail = word[1:]
    return word.isascii() and word[:1].isupper() and len(tail) > 0 and tail.isalpha() and tail.islower()


SMALL_WORDS = frozenset({"a", "an", "the", "and", "or", "nor", "of", "in", "on", "at", "to", "for", "with",
                          "as", "by", "from", "via", "vs", "is", "are"})


# Verbs of news headlines, third person: the capitalised word before one is the headline's subject.
_NEWS_VERBS = frozenset({
    "acquires", "adds", "agrees", "announces", "bans", "brings", "buys", "confirms", "cuts", "debuts",
    "delays", "denies", "deprecates", "discloses", "donates", "drops", "expands", "files", "fines", "fixes",
    "hires", "introduces", "invests", "joins", "kills", "launches", "lays", "leaks", "loses",
    "open-sources", "opensources", "patches", "pays", "plans", "raises", "rebrands", "releases", "removes",
    "reveals", "rolls", "sells", "settles", "ships", "shuts", "slashes", "spends", "sues", "unveils",
    "warns", "wins",
    "acquired", "announced", "bought", "confirmed", "denied", "disclosed", "fined", "hired", "introduced",
    "launched", "leaked", "open-sourced", "patched", "raised", "released", "revealed", "slashed", "sold",
    "sued", "unveiled",
    "admits", "admitted", "argues", "explains", "predicts", "says", "said", "tells", "told", "writes",
    "wrote", "takes", "overtakes", "tops", "nears",
    "abandons", "accuses", "apologizes", "backs", "blames", "blocks", "claims", "ditches", "doubles",
    "exits", "faces", "fires", "forks", "funds", "halts", "notes", "partners", "pauses", "promises",
    "quits", "reports", "resigns", "responds", "retires", "revamps", "scraps", "seeks", "suspends",
    "switches", "targets", "teases", "threatens", "urges",
    "appoints", "completes", "explores", "gets", "goes", "got", "hit", "hits", "lands", "nabs", "names",
    "picks", "probed", "reportedly", "secures", "snags", "wants",
    "reaches", "reached", "dropped", "addresses", "addressed", "adopts", "adopted", "begins", "builds",
    "offers", "opens", "closes", "pulls", "pushes", "updates", "updated", "moves", "makes", "made",
    "tests", "tested", "ends", "ended", "starts", "started", "stops", "stopped", "sets",
    "proposes", "proposed", "approves", "approved", "rejects", "rejected", "probes", "investigates",
    "demands", "considers", "mandates", "publishes", "published", "asks", "hacked", "breached",
    "shares", "shows", "appeals", "probing", "investigating", "suing", "planning", "seeking", "launching",
    "acquiring", "buying", "ditching", "killing", "hiring", "cutting",
})


def _news_verb_after(text: str, end: int) -> bool:
    """Whether a news verb follows, in running text or Title Case ("Apple Patches Gatekeeper Bug")."""
    match = re.match(r"[ \t]+([A-Za-z][a-z-]*)\b", text[end:end + 30])
    return match is not None and match.group(1).lower() in _NEWS_VERBS


# A headline that launches something names it right after: "Announcing Aya", "Introducing Feast: …".
_LAUNCH_WORDS = frozenset({"Announcing", "Introducing", "Presenting", "Unveiling", "Launching"})


def _opener_word(text: str, word_start: int, word_end: int) -> bool:
    """Whether text[word_start:word_end] opens its sentence and is a function word or a gerund ("The SEC",
    "As Apache", "Incorporating Slack"), not a name ("Alexander Rubin") or a noun ("Chocolate Factory")."""
    at = word_start - 1
    while at >= 0 and text[at] in " \t":
        at -= 1
    if at >= 0 and text[at] not in _SENTENCE_OPENERS:
        return False
    word = text[word_start:word_end].lower()
    return word in SMALL_WORDS or (word.endswith("ing") and not word.endswith("thing") and len(word) > 5
                                    and word.isalpha())


def _running_after(text: str, end: int) -> bool:
    """Whether lower-case words carry on the sentence after `end` ("as a primary communication medium"), as
    running text does and a Title Case headline ("and Docker Compose") does not."""
    words = re.findall(r"[^\W\d_][\w'’-]*|[.!?:;\n]", text[end:end + 80])
    content = 0
    for word in words[:6]:
        if not word[0].isalpha():
            break
        if word[0].isupper():
            return False
        content += word not in SMALL_WORDS
    return content >= 2


def beside_chinese(text: str, start: int, end: int) -> bool:
    """Whether the Latin word at text[start:end] stands next to Chinese text ("支持 spring cloud", "Grpc
    模块"): Chinese writers type names in any case, and there a Latin word is a name, not an English word."""
    if not text:
        return False
    before, after = _around(text, start, end)
    return (before >= 0 and _is_cjk(text[before])) or (after < len(text) and _is_cjk(text[after]))


def _around(text: str, start: int, end: int) -> tuple[int, int]:
    """Positions of the characters before and after text[start:end], spaces and tabs skipped."""
    before = start - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    return before, after


def _usable(hit: Hit) -> tuple[AliasEntry, ...]:
    """The entries of `hit` its surface may stand for (case rules); most hits have one entry."""
    entries = hit.entries
    if len(entries) == 1:
        return entries if case_ok(entries[0], hit.surface) else ()
    return tuple(e for e in entries if case_ok(e, hit.surface))


def _one_entity(entries: tuple[AliasEntry, ...]) -> bool:
    return bool(entries) and all(e.slug == entries[0].slug for e in entries)


def proper_noun_slugs(hits: Iterable[Hit], text: str, entities: Mapping[str, EntityRecord] | None = None
                      ) -> set[str]:
    """Entities whose everyday-word alias the document uses as a proper noun at least once: inside running
    text, or an organization's name opening a sentence as the subject of an auxiliary verb ("Apple is aware
    of a report", "If Apple keeps …" is not: the word before is no opener)."""
    found = set()
    for hit in hits:
        if not hit.surface[:1].isupper() or not any(e.word for e in hit.entries):
            continue
        entries = _usable(hit)
        if not (_one_entity(entries) and entries[0].word and hit.surface == entries[0].text):
            continue
        entity = entities.get(entries[0].slug) if entities is not None else None
        if ((proper_noun(text, hit.start, hit.end)
             and not _after_small_word_in_title_case(text, hit.start, hit.end))
                or _organization_subject(text, hit, entity)):
            found.add(entries[0].slug)
    return found


# Verbs that follow a sentence's subject and never a noun it modifies ("Apple is aware", "Slack has").
_AUXILIARIES = frozenset({"is", "was", "has", "had", "will", "would", "can", "could", "should", "may",
                          "might", "must", "does", "did", "keeps", "isn't", "doesn't", "won't", "can't"})


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens its sentence, line or link text (spaces and tabs skipped)."""
    before, _after = _around(text, start, start)
    return before < 0 or text[before] in _SENTENCE_OPENERS


def _headline_subject(text: str, hit: Hit) -> bool:
    """Whether `hit` opens its sentence or headline before a news verb ("FSB warns", "Kong raises")."""
    return _opens_sentence(text, hit.start) and _news_verb_after(text, hit.end)


def _organization_subject(text: str, hit: Hit, entity: EntityRecord | None) -> bool:
    """Whether an organization's name opens a sentence before an auxiliary verb."""
    if entity is None or entity.type != "Organization":
        return False
    if not _opens_sentence(text, hit.start):
        return False
    match = re.match(r"[ \t]+([A-Za-z][a-z'’]*)\b", text[hit.end:hit.end + 20])
    return match is not None and match.group(1).replace("’", "'") in _AUXILIARIES


def named_here(hit: Hit, entry: AliasEntry, text: str) -> bool:
    """Whether an ambiguous alias that is not a dictionary word (`Windows`, `Maven`, `Krew`) is written here,
    capitalised, as a proper noun inside running text ("runs on Windows"); only this hit counts, since such
    names (`Workers`, `Steering Committee`) are often part of other names elsewhere in the document."""
    surface = hit.surface
    # One word only: a capitalised phrase (`Container Registry`, `Steering Committee`) is often a title.
    return (entry.ambiguous and not entry.word and " " not in surface
            and (surface == entry.text or (entry.text.islower() and surface.lower() == entry.text))
            and surface[:1].isupper() and not surface.isupper() and bool(text)
            and proper_noun(text, hit.start, hit.end) and _one_entity(_usable(hit)))


def news_subject(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str,
                 entities: Mapping[str, EntityRecord]) -> bool:
    """An organization's name, written exactly, opening a headline before a news verb: "Kong raises $100
    million" is the company, though a project shares the name; not where a concept does ("Rust dropped to
    #20" is the language), unless it is written as an acronym ("CDC says", not change data capture)."""
    if not (text and entity.type == "Organization" and hit.surface == entry.text
            and hit.surface[:1].isupper()):
        return False
    if not hit.surface.isupper() and any(
            entities[e.slug].type == "Concept" for e in hit.entries if e.slug in entities):
        return False
    return _headline_subject(text, hit)


# People of a company right after its name: "Box CEO Aaron Levie", "Apple's chief architect", "Alphabet
# executive chairman Eric Schmidt", "Google engineers", "Apple security chief", in a Title Case headline
# too ("Apple Workers at Maryland Store Vote to Unionize").
_LEADER_AFTER = re.compile(
    r"(?:'s|’s)?[ \t]+(?:CEO|CTO|CFO|COO|CISO|CIO|co-?founders?|founders?|chief [a-z]+ officer|"
    r"chief executive|(?:security|cloud|AI|privacy|technology) chief|president|spokes(?:person|woman|man)|"
    r"[Ee]mployees|[Ss]taffers|board|(?:executive )?chair(?:man|woman)?|[Ee]xecutives|[Ee]ngineers|"
    r"[Rr]esearchers|[Ww]orkers)\b")


_POSSESSIVE_AFTER = re.compile(r"(?:'s|’s)(?![\w'’])")


def _organization_written(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str) -> bool:
    """Whether `hit` is an organization's name written exactly, capitalised, in a text to look around in."""
    return (bool(text) and entity.type == "Organization" and hit.surface == entry.text
            and hit.surface[:1].isupper())


def hosted_here(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str, item: int,
                evidence: Evidence) -> bool:
    """A project's name written exactly and capitalised in an item that names the foundation hosting it:
    "Contour is applying to be donated to the CNCF". Lower case stays a word ("the CNCF landscape is in
    flux"), and so does a title after a foundation's name ("a Cloud Native Computing Foundation Ambassador",
    "a Continuous Delivery Foundation Ambassador")."""
    host = evidence.entities.get(entity.data.get("hosted_by") or "")
    if not (host is not None and hit.surface == entry.text and hit.surface[:1].isupper()
            and host.slug in evidence.by_item.get(item, ()) and _one_entity(_usable(hit))):
        return False
    written_before = text[max(0, hit.start - 60):hit.start].rstrip().lower()
    names = ("foundation", host.label, *(a.text for a in host.aliases))
    return not any(written_before.endswith(name.lower()) for name in names)


def owning_here(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str) -> bool:
    """An organization's name written exactly in the possessive ("How Stripe's Developer Productivity team",
    "Square's new reader") names the organization: an everyday word rarely owns anything."""
    if not (_organization_written(hit, entry, entity, text) and _POSSESSIVE_AFTER.match(text, hit.end)
            and _one_entity(_usable(hit))):
        return False
    # Not the last word of a longer Title Case name ("Scheduling Framework's config API"); a function word
    # before it opens a headline ("How Stripe's", "Against Apple's").
    before, _after = _around(text, hit.start, hit.end)
    if before < 0 or not _title_word_before(text, before):
        return True
    first = before
    while first > 0 and text[first - 1].isalpha():
        first -= 1
    return text[first:before + 1].lower() in _HEADLINE_FUNCTION_WORDS


_HEADLINE_FUNCTION_WORDS = SMALL_WORDS | frozenset(str.split(
    "how why what when where who inside against over into about after before behind under meet"))


def led_here(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str) -> bool:
    """An organization's name written exactly and followed by its people ("Box CEO Aaron Levie", "Slack's
    co-founder") names the organization."""
    return _organization_written(hit, entry, entity, text) and _LEADER_AFTER.match(text, hit.end) is not None


# Where a link title or a byline names its publisher: after a dash or bar closing the link text ("Pinterest
# files for its IPO - Axios"), or after the author at the end of a byline line ("Donna Goodison, Protocol").
_TITLE_TAIL_BEFORE = re.compile(r"[ \t\w][ \t]*[-|–][ \t]*$")  # not an em dash: "Data Driven — Fast"
# A video's chapter link, "[00:03:38 - Agenda](…)" or "[00:03:39](…) - Kubernetes News": the part after
# the dash is a chapter title (the link's masked target may stand between the time and the dash)
_TIMESTAMP_BEFORE = re.compile(rf"(?:^|[^\d:])\d{{1,2}}:\d{{2}}(?::\d{{2}})?{MASK}*[ \t]*[-|–][ \t]*$")
_PERSON = r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}"
_BYLINE_BEFORE = re.compile(rf"(?:^|[\n\x00])[ \t]*{_PERSON}(?:(?:,| and| &) {_PERSON})*, $")


def published_here(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str) -> bool:
    """An organization's name written exactly where a link title or a byline names the publisher."""
    if not _organization_written(hit, entry, entity, text):
        return False
    after = text[hit.end:hit.end + 8].lstrip(" \t")
    if (after[:1] == MASK and _TITLE_TAIL_BEFORE.search(text, max(0, hit.start - 4), hit.start)
            and not _TIMESTAMP_BEFORE.search(text, max(0, hit.start - 400), hit.start)):
        return True
    return (after[:1] in ("\n", MASK, "")
            and _BYLINE_BEFORE.search(text, max(0, hit.start - 120), hit.start) is not None)


# "the EU is", "the UN didn't", "the VA's network": an organization's acronym after `the`, in running text
_THE_BEFORE = re.compile(r"(?:^|[^\w])[Tt]he[ \t]+$")
_LOWER_CASE_OR_STOP_AFTER = re.compile(r"(?:'s|’s)?(?:[ \t]+[a-z]|[ \t]*[,.;:!?)]|[ \t]*$)", re.M)


def definite_acronym(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str) -> bool:
    """An organization's acronym written after `the` in running text ("China and the EU are", "the UN
    didn't patch") names the organization; one before a capitalised word is part of a longer name ("the EU
    Contributor Summit"). So does one opening a headline as the subject of a news verb ("FSB warns
    businesses", "EU proposes mandatory USB-C")."""
    if not (_organization_written(hit, entry, entity, text) and hit.surface.isupper()
            and 2 <= len(hit.surface) <= 5 and _one_entity(_usable(hit))):
        return False
    if _THE_BEFORE.search(text, max(0, hit.start - 5), hit.start) is not None:
        return _LOWER_CASE_OR_STOP_AFTER.match(text, hit.end) is not None
    return _headline_subject(text, hit)


def component_here(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str, evidence: Evidence,
                   parent: EntityRecord | None = None) -> bool:
    """A component's everyday name, capitalised in running text or opening a sentence that runs on in lower
    case, in a document that names the project it is part of: "Scheduler retries based on a backoff loop"
    in a post about Kubernetes is kube-scheduler. A project's own team counts as a component ("contact the
    Release Team" in a post about Kubernetes); a company's division does not, for its parent is no project
    (`CoreOS` in a post naming IBM is not Red Hat). In lower case, see `_prefixless_component`."""
    if hit.surface.islower():
        return _prefixless_component(hit, entry, entity, text, evidence)
    is_component = entity.type == "Project" or (
        entity.type == "Organization" and parent is not None and parent.type == "Project")
    if not (text and is_component and entity.part_of and entity.part_of in evidence.in_document
            and hit.surface == entry.text and len(hit.surface) > 2 and hit.surface[:1].isupper()
            and _one_entity(_usable(hit))):
        return False
    before, _after = _around(text, hit.start, hit.end)
    opens = before < 0 or text[before] in _SENTENCE_OPENERS
    return proper_noun(text, hit.start, hit.end) or (opens and _running_after(text, hit.end))


def team_here(hit: Hit, item: int, evidence: Evidence, entity: EntityRecord,
              entities: Mapping[str, EntityRecord], text: str) -> bool:
    """A project's team by the end of its name in lower or sentence case, in a document that names the
    project: "the 1.16 release team", "The Release team is selecting shadows", "returning steering committee
    members" in a post about Kubernetes; not after another name ("the Istio steering committee", "Fedora's
    release team"), nor in an item that names another project ("Knative governance update from the steering
    committee")."""
    parent = entities.get(entity.part_of or "")
    if not (text and entity.type == "Organization" and parent is not None and parent.type == "Project"
            and parent.slug in evidence.in_document and _one_entity(hit.entries)
            and hit.surface.rsplit(" ", 1)[-1].lower() in _TEAM_NOUNS
            and entity.label.lower().endswith(" " + hit.surface.lower())
            and not _other_projects(evidence.by_item.get(item, ()), entity, entities)):
        return False
    words = text[max(0, hit.start - 60):hit.start].replace(MASK, " ").split()  # a masked heading ends a line
    while words and _VERSION_WORD.fullmatch(words[-1]):
        words.pop()  # "the v1.32 release team", "Kubernetes 1.22 release team"
    previous = words[-1].strip("[(*_\"'“") if words else ""
    return not previous[:1].isupper() or previous in entity_names(parent) or previous in ("The", "A", "An")


def _other_projects(item_slugs: Iterable[str], entity: EntityRecord, entities: Mapping[str, EntityRecord]
                    ) -> bool:
    """Whether an item names a project other than the one `entity` is part of (or a part of that)."""
    parent = entity.part_of
    return any(entities[s].type == "Project" and parent not in (s, entities[s].part_of)
               for s in item_slugs if s in entities)


def entity_names(entity: EntityRecord) -> set[str]:
    """The label and every alias of an entity."""
    return {entity.label} | {alias.text for alias in entity.aliases}


_TEAM_NOUNS = frozenset({"team", "committee", "council", "board"})
_VERSION_WORD = re.compile(r"v?\d+(?:\.\d+)*")


def component_of_linked_project(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str, item: int,
                                evidence: Evidence) -> bool:
    """A component's label without its project's prefix, in lower case, in an item that links the project
    (its repository, or a pull request or issue of it): "[Prevent race condition in scheduler
    binding](…/kubernetes/kubernetes/pull/…)" is kube-scheduler, even in a post that never writes
    "Kubernetes"."""
    return (entity.type == "Project" and bool(entity.part_of) and hit.surface.islower()
            and hit.surface == entry.text and entity.part_of in evidence.url_by_item.get(item, ())
            and entity.label.lower().endswith("-" + hit.surface.replace(" ", "-"))
            and _one_entity(_usable(hit))
            and not _indefinite_before(text, hit.start))


def _indefinite_before(text: str, start: int) -> bool:
    """Whether one of the two words before `start` makes the noun indefinite ("IPVS can use any available
    scheduler", "a scheduler"): then it is a thing of that kind, not the component."""
    words = text[max(0, start - 40):start].replace(MASK, " ").lower().split()[-2:]
    return any(word in _DETERMINERS or word in ("a", "an") for word in words)


def _prefixless_component(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str,
                          evidence: Evidence) -> bool:
    """A component's label without its project's prefix, in lower case, made definite or opening a pull
    request's title, in a document that names the project: "the scheduler", "scheduler: enable secure
    port" in a post about Kubernetes are kube-scheduler."""
    return (bool(text) and entity.type == "Project" and bool(entity.part_of)
            and entity.part_of in evidence.in_document and hit.surface == entry.text
            and entity.label.lower().endswith("-" + hit.surface.replace(" ", "-"))
            and _one_entity(_usable(hit))
            and (_THE_BEFORE.search(text, max(0, hit.start - 5), hit.start) is not None
                 or text[hit.end:hit.end + 1] == ":"))


def versioned(hit: Hit, entry: AliasEntry, entity: EntityRecord, text: str) -> bool:
    """A software name written exactly and followed by a version number names that software: "Contour 1.17
    released", "Helm 3.2"; so does one in any case bumped to a full version ("ginkgo to v2.3.1", "bolt 版本从
    1.5.6 升级到 1.5.9") or followed by one in parentheses ("CNI plugins (1.4.1)")."""
    if not (text and entity.type in RELEASABLE):
        return False
    if hit.surface.lower() == entry.text.lower() and _BUMPED_TO.match(text, hit.end) is not None:
        return True
    return (hit.surface == entry.text and hit.surface[:1].isupper()
            and RELEASE_AFTER.match(text, hit.end) is not None)


# A dependency bump: "gomega to v1.22.1", "bolt 版本从 1.5.6 升级到 1.5.9"; or a full version in parentheses,
# as a list of bundled components gives it: "containerd (1.7.14), CNI plugins (1.4.1)"
_BUMPED_TO = re.compile(
    r"(?:[ \t]+to[ \t]+v?\d+\.\d+\.\d+(?![\w.])|[ \t]*\(v?\d+\.\d+\.\d+\)"
    r"|[ \t]*(?:版本)?[ \t]*(?:从[ \t]*v?\d+(?:\.\d+)+[ \t]*)?(?:升级)?到[ \t]*v?\d+\.\d+(?:\.\d+)?)")


def distinctive(hit: Hit) -> str | None:
    """The entity of a distinctive alias hit: one that needs no evidence and that no other entity shares
    (`EKS` of EasyStack is no evidence for EasyStack when Amazon EKS shares it); else None."""
    entries = _usable(hit)
    if _one_entity(entries) and not needs_evidence(entries[0]):
        return entries[0].slug
    return None


def unambiguous_slugs(hits: Iterable[Hit]) -> set[str]:
    """Entities written somewhere in the document with a distinctive alias."""
    return {slug for slug in map(distinctive, hits) if slug is not None}


# After a determiner ("that kind", "what kind") or a word that takes an adjective ("be kind", "so kind"), an
# everyday word is used as one, not as a name ("a kind cluster" is the tool).
_DETERMINERS = frozenset(str.split(
    "any another each every no other same some such that these this those what which whatever whichever "
    "different all many most "
    "be so very too stay being remain always really quite"))
_OF_AFTER = re.compile(r"[ \t]+of\b")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+$")


def common_usage(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] is used as an ordinary word ("kind of", "a kind", "be kind")."""
    if _OF_AFTER.match(text, end):
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 20), start)
    if before is None or not text[start].islower():
        return False
    if text[start:end] == "kind" and before.group(1)[0].isupper():
        # "the Ingress kind", "use Pod kind": a Kubernetes object's kind, where "Create kind cluster" opens
        # a sentence with a verb
        earlier = _WORD_BEFORE.search(text, max(0, before.start() - 20), before.start())
        if earlier is not None and earlier.group(1).islower():
            return True
    return before.group(1).lower() in _DETERMINERS



# A name used as the name of a license ("MIT License", "License: Apache 2.0", "[repo](url) - MIT - ...")
# names no organization or project.
_LICENSE_AFTER = re.compile(
    r"(?:[ \t]+(?:Affero|Lesser|Library|General|Public|Free|Documentation|Software|Open|Source))*"
    r"[ \t-]?(?:[Ll]icen[sc]ed?|LICENSE)\b")  # "GNU General Public License", "Mozilla Public License"
_LICENSE_BEFORE = re.compile(r"(?:[Ll]icen[sc]e[sd]?:?|licensed under(?: the)?)[ \t]*$")
_LICENSE_FAMILIES = frozenset(str.split("MIT Apache BSD GPL AGPL LGPL GNU MPL Mozilla ISC"))
_LISTED_BEFORE = re.compile(r"[)\x00][ \t]*[-\u2013\u2014][ \t]*$")  # the link's URL is masked
_LISTED_AFTER = re.compile(r"[-\w. ]{0,12}?[ \t]*[-\u2013\u2014][ \t]")
# "a permissive license such as MIT, Apache, and BSD 3-clause": license names listed after the word
_FAMILY = r"(?:MIT|Apache|BSD|GPL|AGPL|LGPL|GNU|MPL|Mozilla|ISC)"
_LICENSES_LISTED_BEFORE = re.compile(
    r"[Ll]icen[sc]e[sd]?\b[^.;:\n]{0,30}?\b(?:such as|like|including|e\.g\.,?)[ \t]+"
    rf"(?:{_FAMILY}[\w.-]*(?:[ \t][\w.-]+)?,?[ \t]+(?:(?:and|or)[ \t]+)?)*$")


def license_use(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is written as a software license."""
    near = text[max(0, start - 24) : end + 40]
    if ("icen" in near or "ICEN" in near) and (
            _LICENSE_AFTER.match(text, end) or _LICENSE_BEFORE.search(text, max(0, start - 24), start)):
        return True
    if text[start:end].split("-")[0].split()[0] not in _LICENSE_FAMILIES:
        return False
    return ((_LISTED_BEFORE.search(text, max(0, start - 8), start) is not None
             and _LISTED_AFTER.match(text, end) is not None)
            or _LICENSES_LISTED_BEFORE.search(text, max(0, start - 100), start) is not None)


def resolve_hit(
    hit: Hit,
    item: int,
    item_text_lower: str,
    evidence: Evidence,
    entities: Mapping[str, EntityRecord],
    text: str = "",
) -> Accepted | None:
    """The one entity `hit` stands for, or None when case, usage or evidence rules it out.

    `text` is the view the hit was found in, for the ordinary-word check of dictionary-word aliases. One-
    and two-letter aliases (`CA`, `Go`) take evidence from their own item only: a document about the
    Cluster Autoscaler still says "root CA".
    """
    if text and license_use(text, hit.start, hit.end):
        return None
    options: list[tuple[tuple[int, int, int, int, str, float], str, float]] = []
    usage = None
    # A name that is one entity's own label, unambiguous, is not another's ambiguous alias unless that
    # one's context words say so: `CoreOS` is CoreOS in "Red Hat's CoreOS acquisition", though Red Hat
    # lists it as a name; `Docker` is Docker, Inc. in "Docker the company".
    labelled = {e.slug for e in hit.entries if not e.ambiguous and e.slug in entities
                and entities[e.slug].label.casefold() == hit.surface.casefold() and case_ok(e, hit.surface)}
    for entry in hit.entries:
        if entry.slug not in entities:
            continue
        entity = entities[entry.slug]
        # A team by its everyday name ("the release team") links by the team rule alone, not by context words.
        team = (not case_ok(entry, hit.surface) and hit.surface.lower() == entry.text.lower()
                and team_here(hit, item, evidence, entity, entities, text))
        if not (team or case_ok(entry, hit.surface) or (
                hit.surface.lower() == entry.text.lower() and (beside_chinese(text, hit.start, hit.end)
                                                               or _BUMPED_TO.match(text, hit.end)))):
            continue
        if (labelled and entry.slug not in labelled and entry.ambiguous
                and not any(_has_word(item_text_lower, w) for w in _context_words(entity))):
            continue
        if entry.word and text and not _BUMPED_TO.match(text, hit.end):
            usage = common_usage(text, hit.start, hit.end) if usage is None else usage
            if usage:
                continue
        # Evidence from its own item only: one- and two-letter aliases, and dictionary words written in
        # lower case (`boss`, `dep`: a linked crosbymichael/boss does not make every "my boss" the tool).
        short = entry.text.isascii() and (len(entry.text) <= 2 or (entry.word and hit.surface.islower()))
        ambiguous = needs_evidence(entry)
        in_item = not team and (evidence.for_entity(entry.slug, item, item_text_lower, local=True)
                   or named_here(hit, entry, text) or led_here(hit, entry, entity, text)
                   or owning_here(hit, entry, entity, text) or definite_acronym(hit, entry, entity, text)
                   or news_subject(hit, entry, entity, text, entities)
                   or hosted_here(hit, entry, entity, text, item, evidence)
                   or component_of_linked_project(hit, entry, entity, text, item, evidence)
                   or (published_here(hit, entry, entity, text)
                       and not evidence.other_publisher(item, entry.slug)))
        in_document = team or (not in_item and not short and (
            entry.slug in evidence.in_document
            or component_here(hit, entry, entity, text, evidence, entities.get(entity.part_of or ""))))
        if in_document and ambiguous and evidence.short_form_of_other(hit.surface, entry.slug):
            in_document = False
        # The weakest evidence: a version number after the name says "software", not which one.
        by_version = (ambiguous and not (in_item or in_document)
                      and versioned(hit, entry, entity, text))
        if ambiguous and not (in_item or in_document or by_version):
            continue
        if ambiguous:
            confidence = CONFIDENCE_AMBIGUOUS
        else:
            confidence = CONFIDENCE_EXACT if hit.surface == entry.text else CONFIDENCE_FOLDED_CASE
        # Evidence in the item beats everything; a name that needs none beats a reading supported only
        # elsewhere in the document (`Heptio` is Heptio, though VMware, which bought it, is named further on),
        # and being written elsewhere too adds nothing to it: "Docker confirmed layoffs, the CEO said" is
        # Docker, Inc. by its context words, though the post says "docker images" further on.
        if in_item:
            strength = 0
        elif in_document:
            strength = 2 if ambiguous else 1
        elif by_version:
            strength = 3
        else:
            strength = 1
        rank = (
            strength,
            1 if (entity.source or "").startswith(GENERATED_SOURCES) else 0,
            1 if ambiguous else 0,
            TYPE_PREFERENCE.get(entity.type, 9),
            entry.slug,
            -confidence,
        )
        options.append((rank, entry.slug, confidence))
    if not options:
        return None
    _rank, slug, confidence = min(options)
    return Accepted(hit.start, hit.end, slug, confidence)


def leftmost_longest(accepted: list[Accepted]) -> list[Accepted]:
    """Non-overlapping hits, preferring the one that starts first, then the longest."""
    out: list[Accepted] = []
    last_end = -1
    for acc in sorted(accepted, key=lambda a: (a.start, -(a.end - a.start))):
        if acc.start >= last_end:
            out.append(acc)
            last_end = acc.end
    return out


# What a command line in code runs: software, not a language or a company (`bash -c`, `npm install`).
PROGRAM_TYPES = frozenset({"Project", "Product"})


def command_program(hit: Hit, entities: Mapping[str, EntityRecord]) -> Accepted | None:
    """The program of a command line in code (`docker ps`, `kind create cluster`): a lower-case name that
    is otherwise a word needs no other evidence there, when one piece of software has it."""
    if not hit.surface.islower():
        return None
    programs = {e.slug for e in hit.entries
                if e.text == hit.surface and e.slug in entities and entities[e.slug].type in PROGRAM_TYPES}
    if len(programs) != 1:
        return None
    return Accepted(hit.start, hit.end, programs.pop(), CONFIDENCE_AMBIGUOUS)
