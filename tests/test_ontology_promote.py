"""`kg ontology promote`: a candidate in a real SQLite store becomes an entity of a curated file."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from kg.errors import OntologyError
from kg.models import CandidateRecord, DocumentRecord, ItemRecord, LinkedDocument
from kg.ontology import load_base
from kg.ontology.promote import promote
from kg.store import Store

REPO = Path(__file__).resolve().parents[1]
KG = REPO / ".venv" / "bin" / "kg"

BASE = """\
- slug: kubernetes
  type: Project
  label: Kubernetes
  repository: ["https://github.com/kubernetes/kubernetes"]
  source: cncf-landscape
"""


def make_store(tmp_path: Path) -> str:
    """A store holding one document whose item carries a name, a repository and a site candidate."""
    text = "- KataContainers and github.com/acme/widget are new, as is Garie"
    item = ItemRecord(position=0, section_path=(), kind="bullet", start=0, end=len(text), text=text)
    doc = DocumentRecord(
        path="post.md",
        slug="post",
        series="test",
        title="Post",
        issue_number=1,
        published_at=None,
        published_date=dt.date(2020, 1, 1),
        utc_offset_minutes=None,
        authors=(),
        editors=(),
        tags=(),
        content_hash="h1",
        encoding="utf-8",
        source=text,
        items=(item,),
    )
    candidates = (
        CandidateRecord(0, "name:katacontainers", "KataContainers", "name", "KataContainers", 2, 16),
        CandidateRecord(
            0,
            "repo:github.com/acme/widget",
            "acme/widget",
            "repository",
            "github.com/acme/widget",
            21,
            43,
            "https://github.com/acme/widget/tree/main",
        ),
        CandidateRecord(0, "site:garie.io", "Garie", "site", "Garie", 59, 64, "https://garie.io/"),
    )
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with Store(url) as store:
        store.save_document(LinkedDocument(document=doc, candidates=candidates), "v1")
    return url


@pytest.fixture
def ontology(tmp_path: Path) -> Path:
    folder = tmp_path / "ontology" / "entities"
    folder.mkdir(parents=True)
    (folder / "landscape-a.yaml").write_text(BASE, encoding="utf-8")
    return tmp_path / "ontology"


def test_promote_repository_round_trip(tmp_path: Path, ontology: Path) -> None:
    db = make_store(tmp_path)
    target = ontology / "entities" / "promoted.yaml"
    done = promote("repo:github.com/acme/widget", db=db, file=target)
    assert done.slug == "widget"
    assert target.read_text(encoding="utf-8").endswith(
        "- slug: widget\n  type: Project\n  label: widget\n"
        '  repository: ["https://github.com/acme/widget"]\n  source: promoted\n'
    )
    base = load_base(ontology, use_cache=False)
    assert base.entities["widget"].source == "promoted"
    assert base.by_repository("acme", "widget") == "widget"
    with Store(db) as store:
        assert store.candidate("repo:github.com/acme/widget") == {
            "key": "repo:github.com/acme/widget",
            "label": "acme/widget",
            "kind": "repository",
            "url": "https://github.com/acme/widget/tree/main",
            "status": "promoted",
            "mentions": 1,
        }
    with pytest.raises(OntologyError) as caught:
        promote("repo:github.com/acme/widget", db=db, file=target)
    assert str(caught.value) == "candidate 'repo:github.com/acme/widget' is already promoted"


def test_promote_name_with_slug_and_type_appends_a_second_block(tmp_path: Path, ontology: Path) -> None:
    db = make_store(tmp_path)
    target = ontology / "entities" / "promoted.yaml"
    promote("repo:github.com/acme/widget", db=db, file=target)
    promote("name:katacontainers", db=db, slug="kata-containers-x", kind="Product", file=target)
    text = target.read_text(encoding="utf-8")
    assert "source: promoted\n\n- slug: kata-containers-x\n  type: Product\n  label: KataContainers\n" in text
    assert set(load_base(ontology, use_cache=False).entities) == {"kubernetes", "widget", "kata-containers-x"}


def test_promote_site_keeps_its_home_page(tmp_path: Path, ontology: Path) -> None:
    db = make_store(tmp_path)
    target = ontology / "entities" / "promoted.yaml"
    done = promote("site:garie.io", db=db, kind="Product", file=target)
    assert done.block == {
        "slug": "garie", "type": "Product", "homepage": "https://garie.io/", "label": "Garie",
        "source": "promoted",
    }
    assert load_base(ontology, use_cache=False).by_host("garie.io") == "garie"


def test_promote_errors(tmp_path: Path, ontology: Path) -> None:
    db = make_store(tmp_path)
    target = ontology / "entities" / "promoted.yaml"
    with pytest.raises(OntologyError) as caught:
        promote("name:nothing", db=db, file=target)
    assert str(caught.value) == f"no candidate 'name:nothing' in {db}; list them with `kg candidates`"
    with pytest.raises(OntologyError) as caught:
        promote("name:katacontainers", db=db, slug="kubernetes", file=target)
    assert str(caught.value).startswith("slug 'kubernetes' is already taken by 'Kubernetes' (")
    assert str(caught.value).endswith("landscape-a.yaml:1); pass --slug with another slug")
    with pytest.raises(OntologyError, match=r"^unknown type 'Thing'; use one of Project, Organization"):
        promote("name:katacontainers", db=db, kind="Thing", file=target)
    with pytest.raises(OntologyError, match="generated files are rewritten by the importer"):
        promote("name:katacontainers", db=db, file=ontology / "entities" / "landscape-a.yaml")
    assert not target.exists()  # nothing was written by the failed attempts
    with Store(db) as store:
        assert store.candidate("name:katacontainers")["status"] == "new"


def test_promote_restores_the_file_when_the_result_does_not_load(tmp_path: Path, ontology: Path) -> None:
    db = make_store(tmp_path)
    target = ontology / "entities" / "curated-x.yaml"
    broken = "- slug: widget\n  type: Project\n  label: Widget\n  part_of: nowhere\n"
    target.write_text(broken, encoding="utf-8")
    with pytest.raises(OntologyError, match="unknown part_of 'nowhere'"):
        promote("name:katacontainers", db=db, file=target)
    assert target.read_text(encoding="utf-8") == broken
    with Store(db) as store:
        assert store.candidate("name:katacontainers")["status"] == "new"


def test_cli_promote(tmp_path: Path, ontology: Path) -> None:
    db = make_store(tmp_path)
    target = ontology / "entities" / "promoted.yaml"
    done = subprocess.run(
        [str(KG), "ontology", "promote", "name:katacontainers", "--db", db, "--file", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"promoted name:katacontainers as 'katacontainers' (Project) in {target}\n"
    done = subprocess.run(
        [str(KG), "ontology", "promote", "name:zzz", "--db", db, "--file", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"error: no candidate 'name:zzz' in {db}; list them with `kg candidates`\n"
