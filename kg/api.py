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

    def candidates(self) -> pd.DataFrame:
        """Unknown names waiting for review: key, label, kind, url, status, mentions (most first)."""
        import pandas as pd

        stmt = (
            select(Candidate.key, Candidate.label, Candidate.kind, Candidate.url, Candidate.status,
                   func.count(CandidateMention.id).label("mentions"))
            .join(CandidateMention, CandidateMention.candidate_id == Candidate.id, isouter=True)
            .group_by(Candidate.id)
            .order_by(func.count(CandidateMention.id).desc(), Candidate.key)
        )  # fmt: skip
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return pd.DataFrame(rows, columns=["key", "label", "kind", "url", "status", "mentions"])

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
        columns = [
            "date",
            "issue",
            "series",
            "item",
            "surface",
            "start",
            "end",
            "sentence",
            "method",
            "confidence",
        ]
        return pd.DataFrame(records, columns=columns)

    def co_mentions(self, entity: str, limit: int = 20) -> pd.DataFrame:
        """Entities named in the same items as `entity`: entity, label, type, items (most shared first)."""
        import pandas as pd

        slug = self.resolve(entity)
        items = select(Mention.item_id).where(Mention.entity_slug == slug).distinct().scalar_subquery()
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

    def rising(self, by: str = "month", period: str | None = None, min_support: int = 3,
               limit: int = 20) -> pd.DataFrame:  # fmt: skip
        """Entities growing most against the previous period (with at least `min_support` mentions)."""
        from kg.trends import movers

        return movers(self.store, by=by, period=period, min_support=min_support, limit=limit, rising=True)

    def falling(self, by: str = "month", period: str | None = None, min_support: int = 3,
                limit: int = 20) -> pd.DataFrame:  # fmt: skip
        """Entities shrinking most against the previous period (with at least `min_support` mentions)."""
        from kg.trends import movers

        return movers(self.store, by=by, period=period, min_support=min_support, limit=limit, rising=False)

    def first_last_seen(self, types: Sequence[str] | None = None) -> pd.DataFrame:
        from kg.trends import first_last_seen

        return first_last_seen(self.store, types=types)

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

    def sparql(self, query: str) -> pd.DataFrame:
        """Run a SPARQL SELECT over the whole graph (pyoxigraph, in process; the union of all graphs is the
        default graph). Columns are the query's variables; IRIs and literals become Python strings/numbers."""
        import pandas as pd
        import pyoxigraph

        if self._sparql_store is None:
            from kg.rdf import oxigraph_store

            self._sparql_store = oxigraph_store(self.store)
        try:
            result = self._sparql_store.query(query, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise KgError(f"SPARQL syntax error: {error}") from error
        if not isinstance(result, pyoxigraph.QuerySolutions):
            raise KgError("sparql() answers SELECT queries; use to_rdf() for CONSTRUCT and DESCRIBE")
        names = [v.value for v in result.variables]
        rows = [[_python(solution[name]) for name in names] for solution in result]
        return pd.DataFrame(rows, columns=names)


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise KgError(f"cannot read date {value!r}; write YYYY-MM-DD") from error


def _python(term: Any) -> Any:
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in ("integer", "long", "int", "nonNegativeInteger"):
            return int(term.value)
        if datatype in ("decimal", "double", "float"):
            return float(term.value)
        if datatype == "boolean":
            return term.value == "true"
        if datatype == "date":
            return dt.date.fromisoformat(term.value)
        return term.value
    return term.value
