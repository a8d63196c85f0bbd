"""How a rule shape reads one sentence: where the subject and object stand, topics carried from before.

Offsets are relative to the sentence's *masked* text (link targets, URLs and emphasis marks blanked to spaces,
so every offset still matches the source).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kg.models import EntityRecord
from kg.relations import guards
from kg.relations.constraints import allowed
from kg.relations.rules import MAX_SPAN, Rule, type_of

MASK = re.compile(r"\]\([^)\n]*\)|https?://[^\s)\]>，。]+|[\[\]*`_<>]")
# Clause and list boundaries: no relation crosses them (`Google to Acquire Looker | Google Cloud Blog`).
_CLAUSE = re.compile(r"[，,；;：:（）()！？!?—–|»·]|\s-\s")
_WORD = re.compile(r"\w")
_LIST_START = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s")
_PRONOUN = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:这是|这也是|这|它|其|该|此|一个|一款|是|this|it|the project|which)", re.IGNORECASE
)
_INSTRUMENT = re.compile(r"(?:通过|借助|利用|使用|用|via|using|through)\s*$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^\s*(?:项目中|项目|社区|公司|团队)?\s*(?:的|'s\b|’s\b)")
_ATTRIBUTIVE = re.compile(r"^\s*(?:\+[^的，,。]{0,40})?(?:体系|技术栈|技术|平台|框架|项目|架构|方案)?\s*的")
_PREPOSITIONS = "与和跟同"
_NOT_IN_HEAD = re.compile(r"[和与跟同，,、；;]|基于")  # 基于 X 的 API 网关 Y, not 基于 X 的服务和…基于 Y
TAIL_ONLY = re.compile(r"^[\s了:：]*$")

MAX_GAP = 40  # masked characters allowed between a cue and the entity it points at
MAX_WORDS_EN = 3  # words between an English cue and its entity ("acquires the popular X")
_WORDS_EN = re.compile(r"[A-Za-z0-9$][\w.$'’]*")
_ZH_PREPOSITION = re.compile("[在于对从把将给向用让和与跟同]")
_AGENT = {"acquires.en-noun": re.compile(r"^\s+by\s+$"), "replaces.en": re.compile(r"^\s+with\s+$")}
_TITLED_PREDICATES = ("releasedBy", "acquires")


@dataclass(frozen=True, slots=True)
class Placed:
    """A mention placed in its sentence: offsets relative to the masked sentence text."""

    start: int
    end: int
    entity: str


def carried_topic(index: int, masked: list[str], placed: list[list[Placed]]) -> str | None:
    """The entity a pronoun-led sentence is about: the previous sentence's, if that one is only a name."""
    if index == 0 or not _PRONOUN.match(masked[index]) or not placed[index - 1]:
        return None
    previous, names = masked[index - 1], placed[index - 1]
    rest = "".join(ch for i, ch in enumerate(previous) if not any(m.start <= i < m.end for m in names))
    return names[0].entity if len(_WORD.findall(rest)) <= 4 else None


def list_objects(
    index: int, match: re.Match[str], masked: list[str], placed: list[list[Placed]]
) -> list[str]:
    """A cue ending its sentence (`Google Cloud 正式发布了：`) points at the entries of the list below it."""
    found = []
    for later in range(index + 1, len(masked)):
        if _LIST_START.match(masked[later]) and placed[later]:
            first = placed[later][0]
            if len(_WORD.findall(masked[later][: first.start])) <= 2:
                found.append(first.entity)
    return found


class Sentence:
    """One sentence's masked text and mentions, and how each rule shape reads them."""

    def __init__(
        self,
        text: str,
        mentions: list[Placed],
        carried: str | None,
        entities: Mapping[str, EntityRecord],
        raw: str | None = None,
    ) -> None:
        self.text = text
        self.raw = text if raw is None else raw  # the unmasked sentence, for where links end
        self.mentions = mentions
        self.carried = carried
        self.entities = entities
        self.clauses = [0, *(m.end() for m in _CLAUSE.finditer(text)), len(text) + 1]
        self.topic = self._topic()

    def _topic(self) -> str | None:
        """The entity the sentence opens with, unless a preposition or a following noun makes it a modifier
        (`我在 K8s 下面部署…`, `Kubernetes tooling firm, Deis, …`)."""
        if not self.mentions:
            return None
        first = self.mentions[0]
        before = self.text[: first.start]
        if len(_WORD.findall(before)) > 2 or _ZH_PREPOSITION.search(before):
            return None
        if guards.MODIFIER_EN.match(self.text[first.end :]) or guards.after_preposition(before):
            return None
        return first.entity

    def apply(
        self, rule: Rule, match: re.Match[str], listed: list[str] | None
    ) -> list[tuple[str, str, float]]:
        clause = self.text[
            self._clause_start(match.start()) : self._clause_end(max(match.start(), match.end() - 1))
        ]
        if rule.predicate != "competesWith" and guards.asks(clause):
            return []  # `SOFARPC 是通过 MOSN 转发协议？`, `Is OpenShift a Fork of Kubernetes?`; not `X vs Y?`
        if guards.denied(self.text[self._clause_start(match.start()) : match.start()], rule.zh):
            return []
        shape = rule.shape
        if shape in ("S[O]v", "O[S]v", "v[S]O"):
            opened, inside = self._in_span(match, rule)
            outside = self._before(opened, rule) if shape != "v[S]O" else self._after(match.end(), rule)
            if outside is None or not inside:
                return []
            if shape == "S[O]v":
                pairs = [(outside[0], o, outside[1]) for o in inside]
            else:  # O[S]v and v[S]O: the span holds subjects
                pairs = [(s, outside[0], outside[1]) for s in inside]
        else:
            before = self._before(match.start(), rule)
            after = [(e, 0.85, -1) for e in listed] if listed else [self._after(match.end(), rule)]
            pairs = []
            for item in after:
                if item is None:
                    continue
                if "\x00" in item[0]:  # 基于 X 的 Y: the head noun Y is the subject, whatever precedes
                    head, obj = item[0].split("\x00")
                    pairs.append((head, obj, item[1]))
                    continue
                agent = self._agent(rule, item[2])
                if agent is not None:  # acquisition of X by Y · replaces X with Y: Y is the subject
                    pairs.append((agent, item[0], item[1]))
                elif before is not None:
                    subject, obj = (before[0], item[0]) if shape == "SvO" else (item[0], before[0])
                    pairs.append((subject, obj, before[1] * item[1]))
        return [p for p in (allowed(rule, s, o, c, self.entities) for s, o, c in pairs) if p is not None]

    def _clause_start(self, position: int) -> int:
        return self.clauses[bisect.bisect_right(self.clauses, position) - 1]

    def _clause_end(self, position: int) -> int:
        return self.clauses[bisect.bisect_right(self.clauses, position)]

    def _agent(self, rule: Rule, end: int) -> str | None:
        pattern = _AGENT.get(rule.name)
        if pattern is None or end < 0:
            return None
        for m in self.mentions:
            if m.start >= end and pattern.match(self.text[end : m.start]):
                return m.entity
        return None

    def _before(self, position: int, rule: Rule) -> tuple[str, float] | None:
        """The entity the cue looks back to: nearest in its clause, else the topic, else the carried topic.

        English asks more of the nearest name: only connecting words between it and the cue, and no
        preposition before it; failing that, an earlier name the words between describe (`X is a Y that`).
        A weak cue (使用, 通过, vs) takes only a name right before it, or the topic when it opens its clause.
        """
        floor = self._clause_start(position)
        english = not rule.zh
        nearest_failed = False
        for m in reversed(self.mentions):
            if m.end > position or m.start < floor:
                continue
            gap = self.text[m.end : position]
            if len(gap.replace(" ", "")) > MAX_GAP:
                break  # too far back to be what the cue is about
            # 通过 xDS 与 Envoy 通讯: the means (xDS) is not the one that communicates.
            if rule.predicate == "usesOrIntegrates" and _INSTRUMENT.search(
                self.text[max(floor, m.start - 4) : m.start]
            ):
                continue
            if english:
                if guards.described_gap(gap) or (not nearest_failed and self._english_subject(m, gap, rule)):
                    return m.entity, 1.0
                nearest_failed = True
                continue
            if rule.adjacent and not guards.zh_subject_gap_ok(self.text[floor : m.start], gap):
                return None
            return m.entity, 1.0
        if nearest_failed:
            return None
        if rule.adjacent and not (rule.zh and guards.zh_subject_gap_ok("", self.text[floor:position])):
            return None  # a weak cue takes the topic only when it opens its clause (`，通过 xDS 协议与…`)
        in_parentheses = self.text.rfind("（", 0, position) > self.text.rfind(
            "）", 0, position
        ) or self.text.rfind("(", 0, position) > self.text.rfind(")", 0, position)
        if in_parentheses:
            return None
        if self.topic and self.mentions[0].end <= position:
            return self.topic, 0.85
        if self.carried:  # a pronoun-led sentence: every clause without its own subject is about the topic
            return self.carried, 0.75
        return None

    def _english_subject(self, m: Placed, gap: str, rule: Rule) -> bool:
        before = self.text[self._clause_start(m.start) : m.start]
        if not rule.nominal and guards.after_preposition(before):
            return False  # `a routing tool for Kubernetes built on Envoy`
        if rule.adjacent:
            return guards.chained_gap(gap)
        at_start = len(_WORDS_EN.findall(self.text[: m.start])) <= 2 or not before.strip()
        return guards.subject_gap_ok(gap, at_start)

    def _after(self, position: int, rule: Rule) -> tuple[str, float, int] | None:
        """The entity the cue points forward to, with where its name ends."""
        ceiling = self.clauses[bisect.bisect_right(self.clauses, position)]
        start = position
        for m in self.mentions:
            if m.start < start:
                continue
            if m.start >= ceiling or m.start - start > MAX_GAP:
                return None
            after = self.text[m.end :]
            if rule.attributive and _ATTRIBUTIVE.match(after):
                return self._attributive_head(m)
            gap = self.text[start : m.start]
            if rule.zh:
                if rule.adjacent and (len(gap.replace(" ", "")) > 2 or "的" in gap):
                    return None  # `使用的话可以参考 RheaKV`, `通过 gateway 调 dubbo`
                if rule.predicate == "basedOn" and not guards.zh_basis(after):
                    return None  # 基于 X as an adverb: `可基于 Istio 1.1.4 跑通 bookinfo`
                if rule.predicate == "joins" and guards.ZH_NOT_MEMBERSHIP.match(after):
                    return None  # `进入 CNCF 云原生全景图`
                return m.entity, 1.0, m.end
            words = len(_WORDS_EN.findall(gap))
            too_far = not guards.chained_gap(gap) if rule.adjacent else words > MAX_WORDS_EN
            if too_far or not guards.object_gap_ok(gap, rule.takes):
                return None  # `announced it is going to kill its OpenStack`, `Announces GUI For Jenkins X`
            modifier = (
                guards.MODIFIER_EN.match(after)
                or guards.MODIFIER_EN_2.match(after)
                or (
                    rule.predicate in _TITLED_PREDICATES
                    and type_of(m.entity, self.entities) != "Release"
                    and self.raw[m.end : m.end + 1] != "]"  # the name ends a link's text: nothing follows it
                    and guards.titled(after)
                )
            )
            if modifier:
                owner = guards.OWNER_NOUN.match(after)
                if rule.predicate == "acquires" and owner:  # `Linux Distributor Red Hat`: the company follows
                    start = m.end + owner.end()
                    continue
                return None  # `a Kubernetes-focused platform`, `Kubernetes Assets`, `Linux XPS 13`
            return m.entity, 1.0, m.end
        return None

    def _attributive_head(self, m: Placed) -> tuple[str, float, int] | None:
        """基于 X 的 Y: Y is what is based on X; returned as `Y\x00X` so `apply` reads Y as the subject."""
        of = self.text.find("的", m.end)
        for head in self.mentions:
            between = self.text[of + 1 : head.start]
            if head.start > of and len(between.replace(" ", "")) <= 10 and not _NOT_IN_HEAD.search(between):
                if guards.ZH_GENERIC_HEAD.match(self.text[head.end :]):
                    return None  # `基于 Occlum 的 SGX 应用`: an application, not SGX
                return f"{head.entity}\x00{m.entity}", 1.0, head.end
        return None

    def _in_span(self, match: re.Match[str], rule: Rule) -> tuple[int, list[str]]:
        """Where the 与 (和, 跟, 同) phrase opens, and the entities it names.

        It opens at the last 与/和/跟/同 before the cue that does not merely join two names (与 A 和 B 结合),
        so an earlier 和 (注册发现和元数据管理，…应该和 MOSN 类似) does not pull in more than MOSN. A comma
        inside the phrase only separates names (跟 A，B 类似), never clauses.
        """
        start, end = match.span("span")
        opened = start - 1  # 由 X, 被 X, donates X to: the span is all of it
        preps = [i for i in range(start - 1, end) if self.text[i] in _PREPOSITIONS]
        if self.text[opened] not in _PREPOSITIONS:
            preps = []
        for i in reversed(preps):
            opened = i
            if i == preps[0] or not self._joins_names(i):
                break
        if len(self.text[opened + 1 : end].replace(" ", "")) > MAX_SPAN:
            return opened, []
        inside = [m for m in self.mentions if opened < m.start and m.end <= end]
        if not self._only_names_before_commas(opened + 1, end, inside):
            return opened, []
        kept = []
        for i, m in enumerate(inside):
            if _POSSESSIVE.match(self.text[m.end : end]):
                continue  # Google Cloud 的 MIG, Istio 项目中的 Pilot: the possessor is not what is compared
            if i + 1 < len(inside) and not self.text[m.end : inside[i + 1].start].strip():
                continue  # Microsoft Azure ACI: the first name only qualifies the second
            if not rule.zh and guards.MODIFIER_EN.match(self.text[m.end : end]):
                continue  # `donates a key open-source Kubernetes tool to`
            kept.append(m.entity)
        return opened, kept

    def _only_names_before_commas(self, start: int, end: int, inside: list[Placed]) -> bool:
        last = max(self.text.rfind("，", start, end), self.text.rfind(",", start, end))
        if last < 0:
            return True
        rest = "".join(
            ch
            for i, ch in enumerate(self.text[start:last], start)
            if not any(m.start <= i < m.end for m in inside)
        )
        return not re.sub(r"[\s，,、和与及]", "", rest)

    def _joins_names(self, at: int) -> bool:
        """Whether the character at `at` stands between two names (A 和 B), joining them."""
        before = any(m.end <= at and not self.text[m.end : at].strip() for m in self.mentions)
        after = any(m.start > at and not self.text[at + 1 : m.start].strip() for m in self.mentions)
        return before and after
