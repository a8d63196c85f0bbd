"""What the words around a cue say about it: asking, wishing or denying, and which names stand next to it.

These checks read the *masked* sentence text (offsets unchanged). They keep the rules' false claims out:
a question or wish states nothing (`SOFARPC 是通过 MOSN 转发协议？`, `我想替换成 protobuf`), a denied cue
neither (`wanted to acquire Docker ... opted not to`), and a name is the subject or object of a cue only when
nothing but connecting words stands between them — not when it merely qualifies another noun
(`a routing tool for Kubernetes built on Envoy`, `Mirantis Acquires Kubernetes Assets from Kontena`).
"""

from __future__ import annotations

import re

# ----------------------------------------------------------------- asking, wishing, denying

_ASKING_END = re.compile(r"[?？][\s\"'”’)）]*$")
_ZH_ASKING = re.compile(
    r"请问|请教|是否|能否|可否|有没有|能不能|可不可以|怎么|怎样|如何|为什么|为何|吗|我想|想要|希望|打算|有无"
)


def asks(clause: str) -> bool:
    """A question or wish: the clause ends with a question mark or asks in Chinese (请问, 能否, …吗)."""
    return _ASKING_END.search(clause) is not None or _ZH_ASKING.search(clause) is not None


# 不同 (different), 不少 (many), 不断 (on and on), 不仅 (not only)...: no denial.
_ZH_DENIAL = re.compile(r"不(?![同少断仅只但久错管过])|没有?|未(?!来)|无法|非")
_EN_DENIAL = re.compile(
    r"\b(?:not|never|no longer|without|instead of|rather than|wanted|wants|tried|trying|tries|would|could|"
    r"might|rumou?red|whether|if|denies|denied|failed)\b|n[’']t\b",
    re.IGNORECASE,
)


def denied(before_cue: str, zh: bool) -> bool:
    """The words just before a cue deny or only wish it (不使用, wanted to acquire, did not join)."""
    if zh:
        return _ZH_DENIAL.search(before_cue.replace(" ", "")[-4:]) is not None
    return _EN_DENIAL.search(" ".join(before_cue.split()[-3:])) is not None


# ----------------------------------------------------------------- English: what stands between name and cue


def _set(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


# Words that join a subject to its cue (`has been acquired by`, `now integrates`, `'s $34B acquisition`).
_CONNECTORS = _set(
    "is are was were be been being has have had will can now also still already currently just",
    "officially finally formally natively reportedly recently today quietly publicly soon then fully newly",
    "to plans plan planning set agreed agrees in talks getting got it itself announces announced confirms",
    "confirmed completes completed closes closed finalizes finalized applies applied landmark proposed",
    "planned pending billion million deal",
)
_RELATIVE = frozenset({"that", "which", "who"})
_NUMBER = re.compile(r"^(?:v?\d[\w.+/-]*|\$[\d.,]+\w*|\d+%|#\d+)$", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^()]*\)|（[^（）]*）")
_TOKEN = re.compile(r"[^\s\"“”'‘’]+")
# `X is a(n)/the <few words> [that|which] <cue>`: X is the subject of a cue that follows its description.
_DESCRIBED = re.compile(r"^\s*(?:is|was|are)\s+(?:an?|the)\s+(?:[^\s,;:]+\s+){0,4}?(?:(?:that|which)\s+)?$")
PREPOSITIONS = _set(
    "for to with through into onto in on of from at by about as via than like over under after before",
    "without within across among using",
)


def _words(text: str) -> list[str]:
    text = _PARENTHESES.sub(" ", text).replace("'s ", " ").replace("’s ", " ")
    return [w.strip(".,!:").lower() for w in _TOKEN.findall(text) if w.strip(".,!:")]


def subject_gap_ok(gap: str, at_start: bool) -> bool:
    """Whether only connecting words stand between an English subject and its cue.

    A subject opening the sentence may carry up to two lower-case nouns of its own (`Kubernetes automation
    relies on`, `kubectl top uses`), not with a relative pronoun (`Kubernetes admission webhook that uses`).
    """
    if gap[:1] in "-/":  # `Kubernetes-focused platform based on`: the name is part of a longer word
        return False
    nouns = 0
    words = _words(gap)
    for word in words:
        if word in _CONNECTORS or _NUMBER.match(word):
            continue
        if word in _RELATIVE or word in PREPOSITIONS or not word.isalpha() or not word.islower():
            return False
        nouns += 1
    return not nouns or (at_start and nouns <= 2 and not _RELATIVE & set(words))


def chained_gap(gap: str) -> bool:
    """Beside `vs`: one word of the name at most (`Anchore Engine vs`), also along a chain (`Helm vs
    Ksonnet vs Metaparticle vs Skaffold` compares Ksonnet with Skaffold), never a phrase (`IPv4 vs IPv6`)."""
    words = _words(gap)
    links = sum(1 for w in words if w in ("vs", "vs.", "versus"))
    other = [w for w in words if w not in ("vs", "vs.", "versus")]
    return len(other) <= 1 + links and not any(w in PREPOSITIONS or w in _RELATIVE for w in other)


def described_gap(gap: str) -> bool:
    """`Cluster-API is a declarative API built on top of`: the gap is the subject's own description."""
    return _DESCRIBED.match(_PARENTHESES.sub(" ", gap)) is not None


# `Same with Red Hat being bought by IBM`, `nervous about Nvidia acquiring Arm`: these still lead a subject.
_LEADING = frozenset({"with", "about", "like", "than", "after", "before", "as"})


def after_preposition(before: str) -> bool:
    """The name ends a prepositional phrase (`a routing tool for Kubernetes`, `the browser and Node.js`)."""
    words = _words(before)[-4:]
    return any(word in PREPOSITIONS and word not in _LEADING for word in words)


def object_gap_ok(gap: str, allowed: frozenset[str]) -> bool:
    """No preposition, relative pronoun or `that` between a cue and its object (`Announces GUI For Jenkins X`,
    `announced that Docker Desktop will`, `Announces Move to Google Cloud`), except those the cue takes."""
    return not any((w in PREPOSITIONS or w in _RELATIVE) and w not in allowed for w in _words(gap))


# An English name that only modifies what follows is not the entity the cue is about.
MODIFIER_EN = re.compile(
    r"^(?:-[A-Za-z]|/[a-z]|['’]s\b|\s+(?:containers?|platforms?|graduation|services?|suite|support|"
    r"integrations?|operators?|plugins?|providers?|distributions?|tutorials?|editions?|features?|engine|pro|"
    r"cloud|partners?|partnership|certification|certified|based|native|focused|powered|compatible|security|"
    r"instances?|competitors?|rivals?|space|clusters?|tools?|tooling|executives?|versions?|users?|teams?|"
    r"customers?|developers?|community|ecosystem|firms?|startups?|assets|companies|company|distributors?|"
    r"creators?|makers?|vendors?|owners?|parent|controllers?|webhooks?|admission|drivers?|laptops?|"
    r"magazine|blog|landscape|ambassadors?|survey|report|webinar|meetups?|conference|events?|programs?|"
    r"conformance|apps?|applications?|ui|gui|dashboard|sdk|api|cli|images?|nodes?|manifests?|files?|"
    r"formats?|templates?|syntax)\b)",
    re.IGNORECASE,
)
# `launches EC2 computing instances`: one descriptive word, then what the name qualifies.
MODIFIER_EN_2 = re.compile(r"^\s+[a-z][\w-]*\s+(?:instances?|clusters?|nodes?|images?|drivers?)\b")
# After these the modifier is the next name's business: `Linux Distributor Red Hat`, `Linux creator Kinvolk`.
OWNER_NOUN = re.compile(
    r"^\s+(?:firms?|startups?|company|distributor|creator|maker|vendor|provider|developer|owner|parent)\b\s*",
    re.IGNORECASE,
)
# Headlines: a name followed by another capitalised word is part of a longer title (`Linux XPS 13`,
# `Azure Static Web Pages`, `Kubernetes AI Conformance program`), also after `and X` (`iPhone and iPad
# Updates`).
_TITLE_WORD = (
    r"(?!(?:To|For|With|As|In|On|At|By|Of|And|Or|From|Into|The|A|An|Is|Are|Was|Now|Via|Vs|Versus|After|Over|"
    r"Across|Amid|Than|Under|Within|Without|Beyond|Gets|Goes|Has|Will|Can|Hits|Becomes|Joins|Moves|Launches|"
    r"Releases|Announces|Acquires|Buys|Unveils|Introduces|Adds|Brings|Makes|Takes|Reaches|Raises|Arrives|Lands|"
    r"Debuts|Expands|Adopts|Supports|Comes|Turns)\b)"
    r"[A-Z][\w.]*"
)
_TITLED = re.compile(rf"^(?:\s+(?:and|&|or)\s+\S+)?\s+{_TITLE_WORD}")


def titled(after_name: str) -> bool:
    return _TITLED.match(after_name) is not None


# ----------------------------------------------------------------- Chinese

# Between a subject and a weak cue (使用, 通过, 集成): only adverbs (`MOSN 可以集成`, `Kubernetes 即将使用`).
_ZH_ADVERBS = re.compile(
    r"^(?:也|已|已经|还|可|可以|能|能够|会|将|将会|就|都|直接|正式|目前|现在|即将|默认|主要|同时|开始|全面|率先|"
    r"首次|进一步|深度|原生|支持|则|仍|再|又)*$"
)
_ZH_PLACE = re.compile(r"^(?:中|里|内|上)")


def zh_subject_gap_ok(before_name: str, gap: str) -> bool:
    """`Kubernetes 即将使用`, or the place phrase `在 Istio 中使用 MOSN` (Istio uses MOSN)."""
    squeezed = gap.replace(" ", "")
    if _ZH_ADVERBS.match(squeezed):
        return True
    return (
        before_name.rstrip().endswith("在") and _ZH_PLACE.match(squeezed) is not None and len(squeezed) <= 3
    )


# 基于 X as an adverb (`可基于 Istio 1.1.4 跑通 bookinfo`, `基于 MOSN 在 Service Mesh 场景下的落地实践`)
# says how something is done, not what it is built on; these continuations make it say what it is built on.
_ZH_BASIS = re.compile(
    r"^\s*(?:[\w.]*\d[\w.]*\s*)?(?:(?:这个|这一|这款|之上|上面|上|之下)|构建|开发|实现|打造|部署|搭建|运行|设计|编写|"
    r"为底座|为基础|作为|完成|改造|研发|的|[，,。；;：:）)]|$)"
)


def zh_basis(after_object: str) -> bool:
    return _ZH_BASIS.match(after_object) is not None


# Entering CNCF's landscape or speaking at its conference is no membership.
ZH_NOT_MEMBERSHIP = re.compile(
    r"^\s*(?:的)?\s*(?:云原生)?(?:全景图|景观|大会|会议|年度|官方|博客|报告|调查|白皮书|大使|技术委员会|TOC)"
)
# Generic nouns after the head of 基于 X 的 Y: `基于 Occlum 的 SGX 应用` is an application, not SGX.
ZH_GENERIC_HEAD = re.compile(
    r"^\s*(?:应用|服务|程序|方案|平台|系统|框架|集群|环境|实现|架构|能力|组件|插件|工具|镜像)"
)
