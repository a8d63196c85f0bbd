"""The notebook API: one object over a built store that answers analysts' questions as DataFrames and graphs.

>>> from kg import KnowledgeGraph
>>> g = KnowledgeGraph.open(path)  # a built kg.db: a file path or an SQLAlchemy URL
>>> g.entity("谷歌")["label"]  # by slug, English or Chinese label, or alias
'Google'
>>> g.relations("Cloud Run")[["subject", "predicate", "object"]].values.tolist()[:2]
[['google-cloud-run', 'releasedBy', 'google'], ['google-cloud-run', 'basedOn', 'knative']]
>>> g.top(period="2019-Q2", limit=3)[["entity", "mentions"]].values.tolist()
[['envoy', 3], ['knative', 2], ['google-cloud-run', 2]]
>>> g.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/cnkg/ontology#Mention> }")["n"].tolist()
[18]
>>> g.query("items-mentioning", entity="Traffic Director")["surface"].tolist()
['Traffic Director']
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from kg.errors import KgError
from kg.models import Alias, Candidate, CandidateMention, Document, Entity, Item, Mention, Relation

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    import pyoxigraph
    import rdflib

    from kg.explore import Explorer
    from kg.store import Store


class UnknownEntity(KgError):
    """A name that is no slug, label or alias of any entity in the store."""


class KnowledgeGraph:
    """A built knowledge graph: the SQL store, with RDF / SPARQL and NetworkX views made on demand."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._sparql_store: pyoxigraph.Store | None = None

    @classmethod
    def open(cls, location: str = "build/kg.db") -> KnowledgeGraph:
        """Open a store by file path (`build/kg.db`) or SQLAlchemy URL (`postgresql://...`)."""
        from pathlib import Path

        from kg.store import Store

        if "://" not in location and not Path(location).is_file():
            raise KgError(f"no knowledge graph at {location}; build one with `kg build PATH... --out DIR`")
        return cls(Store(location))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.store.url!r})"

    # ----------------------------------------------------------------- entities

    def entity(self, name: str) -> pd.Series:
        """The entity a slug, English or Chinese label or alias names (case-insensitive), as a Series."""
        import pandas as pd

        slug = self.resolve(name)
        with self.store.engine.connect() as conn:
            row = conn.execute(select(Entity).where(Entity.slug == slug)).mappings().one()
            aliases = [r[0] for r in conn.execute(select(Alias.text).where(Alias.entity_slug == slug))]
        data = dict(row)
        data["aliases"] = sorted(set(aliases))
        return pd.Series(data, name=slug)

    def resolve(self, name: str) -> str:
        """The slug of the entity `name` refers to; UnknownEntity (with a suggestion) when none."""
        text = name.strip()
        lowered = text.lower()
        with self.store.engine.connect() as conn:
            for stmt in (
                select(Entity.slug).where(Entity.slug == text),
                select(Entity.slug).where(or_(func.lower(Entity.label) == lowered, Entity.label_zh == text)),
                select(Alias.entity_slug).where(func.lower(Alias.text) == lowered).order_by(Alias.ambiguous),
            ):
                found = conn.execute(stmt.limit(1)).scalar()
                if found is not None:
                    return str(found)
            labels = [r[0] for r in conn.execute(select(Entity.label))]
        close = difflib.get_close_matches(text, labels, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; `kg stats` shows what the store holds"
        raise UnknownEntity(f"no entity named {name!r} in {self.store.url}{hint}")

    def candidates(self, min_count: int = 1, limit: int | None = None) -> pd.DataFrame:
        """Unknown names waiting for review, most mentioned first, with evidence: key, label, kind, url,
        status, mentions, documents, and up to three samples each of surfaces (as written), items
        (`issue#item`) and contexts (the text around the name).

        >>> g.candidates()[["key", "mentions", "surfaces", "items"]].values.tolist()
        [['runc', 1, ['runc'], ['weekly-2#1']], ['serverless', 1, ['Serverless'], ['cnw-1#0']]]
        """
        import pandas as pd

        mentions = func.count(CandidateMention.id).label("mentions")
        stmt = (
            select(Candidate.id, Candidate.key, Candidate.label, Candidate.kind, Candidate.url,
                   Candidate.status, mentions, func.count(func.distinct(Item.document_id)).label("documents"))
            .join(CandidateMention, CandidateMention.candidate_id == Candidate.id, isouter=True)
            .join(Item, Item.id == CandidateMention.item_id, isouter=True)
            .group_by(Candidate.id)
            .having(mentions >= min_count)
            .order_by(mentions.desc(), Candidate.key)
            .limit(limit)
        )  # fmt: skip
        evidence = (
            select(CandidateMention.candidate_id, CandidateMention.surface, Document.slug, Item.position,
                   Item.text, CandidateMention.char_start - Item.char_start)
            .join(Item, Item.id == CandidateMention.item_id)
            .join(Document, Document.id == Item.document_id)
            .order_by(CandidateMention.candidate_id, Document.slug, CandidateMention.char_start)
        )  # fmt: skip
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
            samples: dict[int, list[tuple[str, str, str]]] = {}
            for cid, surface, doc, position, text, at in conn.execute(evidence):
                kept = samples.setdefault(cid, [])
                if len(kept) < _SAMPLES:
                    kept.append((surface, f"{doc}#{position}", _context(text, at)))
        records = [
            (key, label, kind, url, status, count, documents,
             list(dict.fromkeys(s for s, _, _ in samples.get(cid, []))),
             [i for _, i, _ in samples.get(cid, [])], [c for _, _, c in samples.get(cid, [])])
            for cid, key, label, kind, url, status, count, documents in rows
        ]  # fmt: skip
        columns = ["key", "label", "kind", "url", "status", "mentions", "documents", "surfaces", "items",
                   "contexts"]  # fmt: skip
        return pd.DataFrame(records, columns=columns)

    def stats(self) -> dict[str, int]:
        """Row counts of the store (documents, items, mentions, entities, relations...)."""
        return self.store.stats()

    # ----------------------------------------------------------------- evidence

    def mentions(self, entity: str) -> pd.DataFrame:
        """Every mention of an entity: date, issue, series, item, surface, start, end, sentence, method."""
        import pandas as pd

        slug = self.resolve(entity)
        stmt = (
            select(Document.published_date, Document.slug, Document.series, Item.position, Mention.surface,
                   Mention.char_start, Mention.char_end, Mention.sentence_start, Mention.sentence_end,
                   Mention.method, Mention.confidence, Document.source)
            .join(Item, Item.id == Mention.item_id)
            .join(Document, Document.id == Item.document_id)
            .where(Mention.entity_slug == slug)
            .order_by(Document.published_date, Document.slug, Mention.char_start)
        )  # fmt: skip
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        records = [
            (date, doc, series, position, surface, start, end, source[s_start:s_end], method, confidence)
            for date, doc, series, position, surface, start, end, s_start, s_end, method, confidence, source
            in rows
        ]  # fmt: skip
        columns = ["date", "issue", "series", "item", "surface", "start", "end", "sentence", "method",
                   "confidence"]  # fmt: skip
        return pd.DataFrame(records, columns=columns)

    def co_mentions(self, entity: str, limit: int = 20) -> pd.DataFrame:
        """Entities named in the same items as `entity`: entity, label, type, items (most shared first).
        Titles are left out: a post's title lists the topics of the whole issue."""
        import pandas as pd

        slug = self.resolve(entity)
        items = (
            select(Mention.item_id).join(Item, Item.id == Mention.item_id)
            .where(Mention.entity_slug == slug, Item.kind != "title").distinct().scalar_subquery()
        )  # fmt: skip
        stmt = (
            select(Mention.entity_slug, Entity.label, Entity.type,
                   func.count(func.distinct(Mention.item_id)).label("items"))
            .join(Entity, Entity.slug == Mention.entity_slug)
            .where(Mention.item_id.in_(items), Mention.entity_slug != slug)
            .group_by(Mention.entity_slug, Entity.label, Entity.type)
            .order_by(func.count(func.distinct(Mention.item_id)).desc(), Mention.entity_slug)
            .limit(limit)
        )  # fmt: skip
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return pd.DataFrame(rows, columns=["entity", "label", "type", "items"])

    def relations(self, entity: str | None = None, predicate: str | None = None) -> pd.DataFrame:
        """Typed relations with evidence (all, or those with `entity` on either side): subject, predicate,
        object, date, issue, item, sentence, cue, method, confidence."""
        import pandas as pd

        stmt = (
            select(Relation.subject_slug, Relation.predicate, Relation.object_slug, Document.published_date,
                   Document.slug, Item.position, Relation.sentence_start, Relation.sentence_end, Relation.cue,
                   Relation.method, Relation.confidence, Document.source)
            .join(Item, Item.id == Relation.item_id)
            .join(Document, Document.id == Item.document_id)
            .order_by(Document.published_date, Document.slug, Item.position, Relation.sentence_start,
                      Relation.subject_slug, Relation.predicate, Relation.object_slug)
        )  # fmt: skip
        if entity is not None:
            slug = self.resolve(entity)
            stmt = stmt.where(or_(Relation.subject_slug == slug, Relation.object_slug == slug))
        if predicate is not None:
            stmt = stmt.where(Relation.predicate == predicate)
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        records = [
            (s, p, o, date, doc, position, source[a:b], cue, method, confidence)
            for s, p, o, date, doc, position, a, b, cue, method, confidence, source in rows
        ]
        columns = ["subject", "predicate", "object", "date", "issue", "item", "sentence", "cue", "method",
                   "confidence"]  # fmt: skip
        return pd.DataFrame(records, columns=columns)

    # ----------------------------------------------------------------- time

    def trends(
        self,
        entities: Sequence[str] | None = None,
        by: str = "month",
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        types: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Mentions per entity per period: period, entity, label, type, mentions, items, issues."""
        from kg.trends import counts

        slugs = [self.resolve(e) for e in entities] if entities else None
        return counts(self.store, by=by, since=_date(since), until=_date(until), entities=slugs, types=types)

    def top(self, period: str | None = None, type: str | None = None, limit: int = 20) -> pd.DataFrame:
        """The most mentioned entities in a period (`2019-Q2`, `2019-04`, `2019-W16`, `2019`; None: ever)."""
        from kg.trends import top

        return top(self.store, period=period, type=type, limit=limit)

    def rising(self, by: str = "month", period: str | None = None, min_support: int = 3, limit: int = 20,
               types: Sequence[str] | None = None) -> pd.DataFrame:  # fmt: skip
        """Entities growing most against the previous period (with at least `min_support` mentions), of
        some `types` only if given (`["Project", "Product"]`).

        >>> g.rising(by="month", min_support=1, types=["Project"])[["entity", "growth"]].values.tolist()
        [['envoy', 1.0], ['istio', 1.0]]
        """
        from kg.trends import movers

        return movers(self.store, by=by, period=period, min_support=min_support, types=types, limit=limit,
                      rising=True)  # fmt: skip

    def falling(self, by: str = "month", period: str | None = None, min_support: int = 3, limit: int = 20,
                types: Sequence[str] | None = None) -> pd.DataFrame:  # fmt: skip
        """Entities shrinking most against the previous period (with at least `min_support` mentions), of
        some `types` only if given.

        >>> g.falling(by="month", min_support=2, types=["Product"])["entity"].tolist()
        ['google-cloud-run']
        """
        from kg.trends import movers

        return movers(self.store, by=by, period=period, min_support=min_support, types=types, limit=limit,
                      rising=False)  # fmt: skip

    def first_last_seen(self, types: Sequence[str] | None = None) -> pd.DataFrame:
        from kg.trends import first_last_seen

        return first_last_seen(self.store, types=types)

    def time_slices(
        self,
        by: str = "month",
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        types: Sequence[str] | None = None,
        min_count: int = 1,
    ) -> dict[str, nx.Graph]:
        """One co-mention graph per period (`2019-04`, `2019-Q2`, `2019`...) with dated mentions, in order.

        >>> {period: graph.number_of_nodes() for period, graph in g.time_slices(by="month").items()}
        {'2019-04': 10, '2019-05': 6}
        """
        from kg.network import time_slices

        return time_slices(self.store, by=by, since=_date(since), until=_date(until), types=types,
                           min_count=min_count)  # fmt: skip

    def explorer(self, **filters: Any) -> Explorer:
        """The offline HTML explorer of this graph (shown inline in a notebook; `.save(path)` writes it).

        Filters are those of `kg explore`: since, until (dates or `YYYY-MM-DD`), types, entity (any name
        `resolve` knows) with depth, min_mentions, issues, show_issues, top, title.

        >>> g.explorer(types=["Project"]).stats.entities
        4
        """
        from kg.explore import Explorer

        for key in ("since", "until"):
            if key in filters:
                filters[key] = _date(filters[key])
        if filters.get("entity") is not None:
            filters["entity"] = self.resolve(filters["entity"])
        return Explorer.from_store(self.store, **filters)

    # ----------------------------------------------------------------- graphs

    def to_networkx(self, kind: str = "co_mention", **filters: Any) -> nx.Graph:
        """kind: co_mention (weighted Graph), relations (MultiDiGraph), org_project (bipartite Graph)."""
        from kg import network

        builders = {"co_mention": network.co_mention_graph, "relations": network.relation_graph,
                    "org_project": network.org_project_graph}  # fmt: skip
        if kind not in builders:
            raise KgError(f"unknown graph kind {kind!r}; use one of {', '.join(builders)}")
        return builders[kind](self.store, **filters)

    def to_rdf(self) -> rdflib.Dataset:
        """The graph as an rdflib Dataset (one named graph per issue); slow for the whole corpus."""
        from kg.rdf import to_rdflib

        return to_rdflib(self.store)

    def sparql(self, query: str, union_default_graph: bool = True) -> pd.DataFrame | bool | rdflib.Graph:
        """Run SPARQL over the whole graph in this process (pyoxigraph), as `kg serve` and `kg query` do.

        SELECT gives a DataFrame (columns = the query's variables; IRIs and literals as Python strings,
        numbers, booleans, dates); ASK gives a bool; CONSTRUCT and DESCRIBE give an rdflib Graph. The
        default graph is the union of the entity graph and every issue's named graph, like the server's
        default (`union_default_graph=False` is its `--no-union-default-graph`); updates and SERVICE are
        refused, as there.

        >>> g.sparql("ASK { ?s a <https://w3id.org/cnkg/ontology#Relation> }")
        True
        >>> len(g.sparql("DESCRIBE <https://w3id.org/cnkg/entity/knative>"))
        9
        """
        from kg.api_sparql import answer

        if self._sparql_store is None:
            from kg.rdf import oxigraph_store

            self._sparql_store = oxigraph_store(self.store)
        return answer(self._sparql_store, query, union_default_graph)

    def query(self, name: str, **bindings: Any) -> pd.DataFrame | bool | rdflib.Graph:
        """Run a named query of kg/queries (`kg query --name`), answered as `sparql()` answers.

        Bindings set the values of the query's `VALUES ?name { … }` line: an entity by any name `resolve`
        knows, or an IRI, number, date or string. `kg.sparql.named.load_all()` lists the queries.

        >>> from rdflib import URIRef
        >>> based_on = URIRef("https://w3id.org/cnkg/ontology#basedOn")
        >>> [str(o) for o in g.query("describe-entity", entity="Cloud Run").objects(None, based_on)]
        ['https://w3id.org/cnkg/entity/knative']
        """
        from kg.api_sparql import bind
        from kg.sparql import named

        text = named.get(name).query  # QueryError (a KgError) names the known queries
        return self.sparql(bind(text, bindings, self.resolve) if bindings else text)


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise KgError(f"cannot read date {value!r}; write YYYY-MM-DD") from error


_SAMPLES = 3


def _context(text: str, at: int, width: int = 60) -> str:
    start = max(at - width, 0)
    snippet = " ".join(text[start : at + width].split())
    return ("…" if start else "") + snippet + ("…" if at + width < len(text) else "")
