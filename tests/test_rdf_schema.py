"""Schema and shapes: kg.vocab in sync with cnkg.ttl, exported terms declared, SHACL catching faults."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from test_graph_data import build_fixture_store

from kg.ids import ONTOLOGY
from kg.rdf import SCHEMA_PATH, SHAPES_PATH, export
from kg.rdf.shacl import validate_file, validate_store
from kg.relations import PREDICATES
from kg.vocab import CNKG

KG = [sys.executable, "-m", "kg.cli"]


def _declared() -> set[str]:
    schema = rdflib.Graph().parse(SCHEMA_PATH, format="turtle")
    return {str(s)[len(ONTOLOGY) :] for s in schema.subjects() if str(s).startswith(ONTOLOGY)}


def test_vocab_and_schema_declare_the_same_terms() -> None:
    assert set(CNKG.__annotations__) == _declared()


def test_closed_vocabulary_fails_on_a_typo() -> None:
    assert str(CNKG.basedOn) == ONTOLOGY + "basedOn"
    with pytest.raises(AttributeError):
        _ = CNKG.basedon


def test_every_relation_predicate_is_a_schema_property() -> None:
    schema = rdflib.Graph().parse(SCHEMA_PATH, format="turtle")
    for predicate in PREDICATES:
        assert (rdflib.URIRef(ONTOLOGY + predicate), rdflib.RDF.type, rdflib.OWL.ObjectProperty) in schema


def test_export_uses_only_declared_terms_of_our_namespace(tmp_path: Path) -> None:
    with build_fixture_store(tmp_path / "kg.db") as store:
        export(store, tmp_path / "g.nt", "ntriples")
    used = set(
        re.findall(re.escape(ONTOLOGY) + r"([A-Za-z]+)>", (tmp_path / "g.nt").read_text(encoding="utf-8"))
    )
    assert used and used <= _declared()


def test_shapes_cover_every_class_we_write() -> None:
    shapes = rdflib.Graph().parse(SHAPES_PATH, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = {str(o) for o in shapes.objects(None, sh.targetClass)}
    for local in (
        "Project",
        "Organization",
        "Product",
        "Specification",
        "Proposal",
        "Release",
        "Vulnerability",
        "Concept",
        "Hosting",
        "NewsletterIssue",
        "Item",
        "Mention",
        "Relation",
    ):
        assert ONTOLOGY + local in targets


def test_fixture_graph_conforms_in_full_and_sampled(tmp_path: Path) -> None:
    with build_fixture_store(tmp_path / "kg.db") as store:
        full = validate_store(store)
        sampled = validate_store(store, sample=2)
    assert full.conforms, [str(v) for v in full.violations]
    assert full.subjects_checked > sampled.subjects_checked > 0
    assert sampled.conforms


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    with build_fixture_store(tmp_path / "kg.db") as store:
        export(store, tmp_path / "good.nt", "ntriples")
    text = (tmp_path / "good.nt").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.nt"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    return bad


def test_a_mention_whose_surface_is_not_at_its_offsets_is_a_violation(tmp_path: Path) -> None:
    bad = _broken(tmp_path, 'nif-core#anchorOf> "Knative" .', 'nif-core#anchorOf> "Knativ" .')
    report = validate_file(bad)
    assert [v.message for v in report.violations] == [
        "the mention's surface is not the source between its offsets"
    ]
    assert "/mention/" in report.violations[0].focus


def test_an_entity_without_english_label_is_a_violation(tmp_path: Path) -> None:
    bad = _broken(tmp_path, '"Knative"@en', '"Knative"@de')
    messages = {v.message for v in validate_file(bad).violations}
    assert "an entity needs an English prefLabel" in messages


def test_a_relation_to_a_non_entity_is_a_violation(tmp_path: Path) -> None:
    bad = _broken(
        tmp_path,
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <https://w3id.org/cnkg/entity/knative>",
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <https://example.org/not-an-entity>",
    )
    report = validate_file(bad)
    paths = {(v.path, v.message) for v in report.violations}
    assert (
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#object",
        "Value does not have class cnkg:Entity",
    ) in paths
    assert any(v.message == "a relation assertion whose triple is not asserted in the same issue" for v in
               report.violations)  # fmt: skip


def test_cli_validate_exit_codes(tmp_path: Path) -> None:
    bad = _broken(tmp_path, 'nif-core#anchorOf> "Knative" .', 'nif-core#anchorOf> "Knativ" .')
    good = subprocess.run([*KG, "validate", "--db", f"sqlite:///{tmp_path / 'kg.db'}", "--workers", "1"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.fullmatch(r"[\d,]+ triples, all [\d,]+ subjects: conforms \(\d+\.\ds\)\n", good.stdout)
    failed = subprocess.run([*KG, "validate", "--graph", str(bad), "--workers", "1"],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert failed.returncode == 1
    first = failed.stdout.splitlines()[0]
    assert first.startswith("violation: https://w3id.org/cnkg/issue/")
    assert first.endswith(": the mention's surface is not the source between its offsets")
    assert failed.stdout.splitlines()[-1].endswith(")") and "1 violations" in failed.stdout
