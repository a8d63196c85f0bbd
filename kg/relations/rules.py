"""The relation rules in one table: cue patterns, their shapes and types, and what the rules know of types.

See kg.relations for how a shape reads a sentence. A rule's method is `rule:<name>`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.models import EntityRecord

PREDICATES = (
    "basedOn", "usesOrIntegrates", "competesWith", "replaces", "reuses",
    "releasedBy", "acquires", "donatedTo", "joins",
)  # fmt: skip

TECH = frozenset({"Project", "Product", "Specification", "Release"})
ORG = frozenset({"Organization"})


@dataclass(frozen=True, slots=True)
class Rule:
    name: str  # the method is `rule:<name>`
    predicate: str
    shape: str  # SvO | OvS | S[O]v | O[S]v | v[S]O
    cue: re.Pattern[str]
    confidence: float
    subject_types: frozenset[str] = TECH
    object_types: frozenset[str] = TECH
    zh: bool = False
    attributive: bool = False  # 基于 X 的 Y reads as "Y based on X"
    adjacent: bool = False  # a weak cue (使用, 通过, vs): subject and object stand right next to it
    takes: frozenset[str] = frozenset()  # prepositions allowed between an English cue and its object
    nominal: bool = (
        False  # `the IBM acquisition of`: the subject qualifies a noun, prepositions may precede it
    )


def _zh(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _en(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)


# Link targets are blanked, so spans are bounded loosely here and by their visible length in `_in_span`.
_SPAN = r"(?P<span>[^。；;！？!?\n与跟同]{1,200}?)"  # never across another 与
_NOT_BY = r"(?!\s+by\b)"  # "acquired by" is the passive rule's
MAX_SPAN = 48  # visible characters between 与 and its cue (对标, 结合...)
ANY = TECH | ORG

# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("basedOn.zh", "basedOn", "SvO", _zh(r"基于|基於|构建于|构建在|建立在|建立于|建构于"), 0.9, zh=True,
         attributive=True),
    Rule("basedOn.en", "basedOn", "SvO",
         _en(r"based on|built (?:on top of|on|upon)|runs on top of|powered by|a fork of|forked from"), 0.85),
    Rule("usesOrIntegrates.zh-span", "usesOrIntegrates", "S[O]v",
         _zh(rf"[与和跟同]{_SPAN}(?:相结合|结合|集成|整合|对接|进行通讯|进行通信|通讯|通信|交互|配合使用)"),
         0.8, zh=True),
    Rule("usesOrIntegrates.zh", "usesOrIntegrates", "SvO",
         _zh(r"(?:集成|整合)(?![在到进入])了?|结合了?|使用了?|采用了?|利用了?|借助|接入了?|通过"), 0.7,
         zh=True, adjacent=True),
    Rule("usesOrIntegrates.zh-into", "usesOrIntegrates", "OvS", _zh(r"(?:集成|整合)(?:在|到|进)"), 0.7,
         zh=True),  # Mixer 的能力是集成在 MOSN 内部的: MOSN integrates Mixer
    Rule("usesOrIntegrates.en", "usesOrIntegrates", "SvO",
         _en(r"uses|is using|now uses|leverages|integrates(?: with)?|is integrated with|integration with|"
             r"works with|adopts|adopted|relies on"), 0.75, takes=frozenset({"with"})),
    Rule("competesWith.zh-span", "competesWith", "S[O]v",
         _zh(rf"[与和跟同]{_SPAN}(?:对标|类似|相似|相近|竞争|媲美)"), 0.85, ANY, ANY, zh=True),
    Rule("competesWith.zh", "competesWith", "SvO",
         _zh(r"对标|类似于|相似于|媲美|竞品"), 0.8, ANY, ANY, zh=True),
    Rule("competesWith.en", "competesWith", "SvO",
         _en(r"competes with|competing with|competitor (?:to|of)|rival (?:to|of)|similar to|"
             r"comparable (?:to|with)|(?:an )?alternative to|takes on"), 0.75, ANY, ANY),
    Rule("competesWith.en-vs", "competesWith", "SvO", _en(r"vs\.?|versus"), 0.75, ANY, ANY, adjacent=True),
    Rule("replaces.zh", "replaces", "SvO",
         _zh(r"(?<!被)(?:取代|替代|替换|代替)(?![为成])了?"), 0.85, zh=True),
    Rule("replaces.zh-passive", "replaces", "OvS", _zh(r"(?:被)?(?:替换|替代)[为成]"), 0.8, zh=True),
    Rule("replaces.zh-bei", "replaces", "O[S]v", _zh(rf"被{_SPAN}(?:取代|替代|替换|代替)"), 0.85, zh=True),
    Rule("replaces.en", "replaces", "SvO",
         _en(rf"(?:replaces|replaced|replacing|to replace|supersedes|superseded|successor (?:to|of))"
             rf"{_NOT_BY}"),
         0.8),
    Rule("replaces.en-passive", "replaces", "OvS",
         _en(r"(?:is |was |being )?(?:replaced|superseded) by|in favou?r of|deprecated for"), 0.8),
    Rule("reuses.zh", "reuses", "SvO", _zh(r"复用了?|重用了?"), 0.85, zh=True),
    Rule("reuses.en", "reuses", "SvO", _en(r"reuses|reused|re-uses|reusing"), 0.8),
    Rule("releasedBy.zh", "releasedBy", "OvS",
         _zh(r"(?<!的)(?:(?:正式)?(?:发布|推出|上线)了?|宣布开源|正式开源|开源了)(?!的)"), 0.8, TECH, ORG,
         zh=True),
    Rule("releasedBy.zh-passive", "releasedBy", "S[O]v",
         _zh(rf"由{_SPAN}(?:正式)?(?:发布|推出|开源|开发|研发|打造)"), 0.85, TECH, ORG, zh=True),
    Rule("releasedBy.en", "releasedBy", "OvS",
         _en(r"(?:releases|released|launches|launched|announces|announced|introduces|introduced|unveils|unveiled|"
             rf"open[- ]sources|open[- ]sourced|debuts|debuted){_NOT_BY}"), 0.75, TECH, ORG),
    Rule("releasedBy.en-passive", "releasedBy", "SvO",
         _en(r"(?:released|launched|announced|introduced|unveiled|open[- ]sourced|developed|created|built|"
             r"made) by"), 0.85, TECH, ORG),
    Rule("acquires.zh", "acquires", "SvO", _zh(r"收购了?|并购了?"), 0.9, ORG, ANY, zh=True),
    Rule("acquires.zh-passive", "acquires", "O[S]v",
         _zh(rf"被{_SPAN}(?:收购|并购)"), 0.9, ORG, ANY, zh=True),
    Rule("acquires.en", "acquires", "SvO",
         _en(rf"(?:acquires|acquired|acquiring|to acquire|buys|bought|snaps up){_NOT_BY}"), 0.85, ORG, ANY),
    Rule("acquires.en-noun", "acquires", "SvO", _en(r"acquisition of|takeover of|purchase of"), 0.85,
         ORG, ANY, nominal=True),
    Rule("acquires.en-passive", "acquires", "OvS", _en(r"(?:acquired|bought) by|sold to"), 0.9, ORG, ANY),
    Rule("donatedTo.zh", "donatedTo", "SvO",
         _zh(r"捐献给|捐赠给|捐给|贡献给|移交给|捐献到|捐赠到|捐献至|捐赠至"), 0.9, TECH, ORG, zh=True),
    Rule("donatedTo.en", "donatedTo", "SvO",
         _en(r"(?:was |is |been |being )?donated to|donates to|contributed to"), 0.85, TECH, ORG),
    Rule("donatedTo.en-span", "donatedTo", "v[S]O",
         _en(r"donat(?:es|ed|ing)\s+(?P<span>[^.;!?\n]{1,60}?)\s+to"), 0.9, TECH, ORG),
    Rule("joins.zh", "joins", "SvO", _zh(r"正式加入|加入了?|进入了?|成为"), 0.8, ANY, ORG, zh=True),
    Rule("joins.en", "joins", "SvO",
         _en(r"joins|joined|joining|to join|(?:is |was |been )?accepted (?:in)?to|admitted (?:in)?to|enters|"
             r"moves? into"), 0.8, ANY, ORG),
    Rule("joins.en-passive", "joins", "OvS", _en(r"accepts|welcomes|admits"), 0.75, ANY, ORG),
)
# fmt: on

# Words without which no rule can fire (lower case): one Aho-Corasick pass skips most items and sentences;
# the rules' own patterns, with spans and lookarounds, are far slower to run over everything.
_CUE_WORDS = (
    "基于", "基於", "构建", "建立", "建构", "结合", "集成", "整合", "对接", "通讯", "通信", "交互", "配合",
    "使用", "采用", "利用", "借助", "接入", "通过", "对标", "类似", "相似", "相近", "竞争", "媲美", "竞品",
    "取代", "替代", "替换", "代替", "复用", "重用", "发布", "推出", "上线", "开源", "开发", "研发", "打造",
    "收购", "并购", "捐献", "捐赠", "捐给", "贡献给", "移交给", "加入", "进入", "成为", "based on",
    "built on", "built upon", "runs on", "powered by", "fork", "uses", "is using", "leverages", "integrat",
    "works with", "adopt", "relies on", "compet", "rival", "similar to", "comparable", "alternative",
    "takes on", "vs", "versus", "replac", "supersed", "successor", "in favor", "in favour",
    "deprecated for", "reus", "re-us", "release", "launch", "announc", "introduc", "unveil", "open-sourc",
    "open sourc", "debut", "developed by", "created by", "built by", "made by", "acquir", "buys", "bought",
    "acquisition", "snaps up", "sold to", "donat", "contributed to", "join", "accept", "admitted", "enters",
    "move into", "moves into", "welcomes", "admits",
)  # fmt: skip
CJK = re.compile("[\u4e00-\u9fff]")


@functools.cache
def _cue_automaton() -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in _CUE_WORDS:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def has_cue(text: str) -> bool:
    return next(_cue_automaton().iter(text.lower()), None) is not None


def type_of(slug: str, entities: Mapping[str, EntityRecord]) -> str | None:
    """The entity's class; entities minted while linking are known by their slug's shape."""
    record = entities.get(slug)
    if record is not None:
        return record.type
    if "#" in slug:
        return "Proposal"
    if slug.startswith("cve-"):
        return "Vulnerability"
    if "@" in slug:
        return "Release"
    return None


_FOUNDATIONS = ("foundation", "cncf", "cloud-foundry", "apache", "eclipse", "openinfra")


def is_foundation(slug: str, entities: Mapping[str, EntityRecord]) -> bool:
    record = entities.get(slug)
    if record is None:
        return False
    kind = str(record.data.get("kind") or record.category or "").lower()
    names = f"{slug} {record.label}".lower()
    return kind == "foundation" or any(word in names for word in _FOUNDATIONS)


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None
