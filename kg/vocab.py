"""Our own RDF terms as a closed rdflib vocabulary: `CNKG.basedOn` works, `CNKG.basedon` raises at once.

Kept in sync with ontology/cnkg.ttl by tests/test_rdf_schema.py; reused vocabularies come from rdflib itself.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from kg.ids import ONTOLOGY


class CNKG(DefinedNamespace):
    """Classes and properties of https://w3id.org/cnkg/ontology# (see ontology/cnkg.ttl for their meaning)."""

    _NS = Namespace(ONTOLOGY)
    _fail = True

    # entities
    Entity: URIRef
    Project: URIRef
    Organization: URIRef
    Vendor: URIRef
    Foundation: URIRef
    Community: URIRef
    Product: URIRef
    Specification: URIRef
    Proposal: URIRef
    Release: URIRef
    Vulnerability: URIRef
    Concept: URIRef
    Hosting: URIRef
    # newsletters and evidence
    NewsletterIssue: URIRef
    Item: URIRef
    Mention: URIRef
    Relation: URIRef
    # structure of the ecosystem
    developedBy: URIRef
    partOf: URIRef
    releaseOf: URIRef
    hostedBy: URIRef
    qualifiedHosting: URIRef
    host: URIRef
    maturity: URIRef
    acceptedDate: URIRef
    incubatingDate: URIRef
    graduatedDate: URIRef
    archivedDate: URIRef
    category: URIRef
    subcategory: URIRef
    # typed relations found in text (kg.relations.PREDICATES)
    basedOn: URIRef
    usesOrIntegrates: URIRef
    competesWith: URIRef
    replaces: URIRef
    reuses: URIRef
    releasedBy: URIRef
    acquires: URIRef
    donatedTo: URIRef
    joins: URIRef
    # provenance and text
    inSentence: URIRef
    method: URIRef
    confidence: URIRef
    cue: URIRef
    section: URIRef
    kind: URIRef
    sourcePath: URIRef


NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
