"""The linker as a spaCy pipeline: a CJK-aware tokenizer and the `cnkg_entity_ruler` component.

spaCy is the framework (`spacy.blank("xx")` + our own parts; no downloaded model). The tokenizer makes every
CJK character a token and every Latin run one token, so a name glued to Chinese (`基于Knative体系`) sits on
token boundaries. The component's recognition carries entity ids: it runs the linker's alias, URL and rule
stages on `doc.text` and puts the mentions on `doc.spans["cnkg"]` (label = class, kb_id = entity slug) and
the non-overlapping ones on `doc.ents`. Bulk linking (`kg extract`, `kg ingest`) calls the same linker
directly on documents, skipping Doc construction, which is where spaCy's time would go.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.link.adhoc import document_from_text

# A token: one CJK character, a run of Latin letters and digits, or one other character.
_TOKEN = re.compile(
    r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]"
    r"|[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"
    r"|[^\s]",
)
_LINKERS: dict[int, Any] = {}


class CjkLatinTokenizer:
    """Whitespace-aware tokens; CJK characters one by one, Latin runs whole, punctuation alone."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        matches = list(_TOKEN.finditer(text))
        leading = matches[0].start() if matches else len(text)
        if leading:  # spaCy keeps leading whitespace as a token of its own
            words.append(text[:leading])
            spaces.append(False)
        for index, match in enumerate(matches):
            nxt = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            gap = text[match.end() : nxt]
            words.append(match.group())
            if gap == " ":
                spaces.append(True)
            else:
                spaces.append(False)
                if gap:
                    words.append(gap)
                    spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


class EntityRuler:
    """spaCy component: mentions found by the cnkg linker as spans with kb_id = entity slug."""

    def __init__(self, nlp: Language, name: str, spans_key: str, linker_id: int) -> None:
        self.name = name
        self.spans_key = spans_key
        self.linker = _LINKERS[linker_id]

    def __call__(self, doc: Doc) -> Doc:
        linked = self.linker.link(document_from_text(doc.text, "<doc>"))
        types = {e.slug: e.type for e in linked.new_entities}
        spans: list[Span] = []
        for mention in linked.mentions:
            entity = self.linker.base.entities.get(mention.entity)
            label = entity.type if entity is not None else types.get(mention.entity, "Entity")
            span = doc.char_span(mention.start, mention.end, label=label, kb_id=mention.entity,
                                 alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        doc.ents = filter_spans(spans)
        return doc


@Language.factory("cnkg_entity_ruler", default_config={"spans_key": "cnkg", "linker_id": 0})
def make_entity_ruler(nlp: Language, name: str, spans_key: str, linker_id: int) -> EntityRuler:
    return EntityRuler(nlp, name, spans_key, linker_id)


def make_nlp(linker: Any) -> Language:
    """`spacy.blank("xx")` with the CJK/Latin tokenizer and the entity ruler bound to `linker`."""
    import spacy

    _LINKERS[id(linker)] = linker
    nlp = spacy.blank("xx")
    nlp.tokenizer = CjkLatinTokenizer(nlp.vocab)
    nlp.add_pipe("cnkg_entity_ruler", config={"linker_id": id(linker)})
    return nlp
