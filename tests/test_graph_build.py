"""`kg build` end to end (what `make demo` runs): outputs, byte-identical rebuilds, a clean SHACL report."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg.rdf.shacl import validate_file, validate_store
from kg.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
CORPUS = ROOT.parent / "shared" / "corpus"
KG = [sys.executable, "-m", "kg.cli"]
OUTPUTS = ("kg.db", "graph.ttl", "graph.graphml", "explorer.html")


def _build(paths: list[str], out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, "build", *paths, "--out", str(out), "-q"], capture_output=True, text=True,
                          check=False, cwd=ROOT)  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    done = _build([str(SAMPLE)], out)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("files: ") and "rejected 0" in lines[0]
    assert lines[1:5] == [f"wrote {out / name}" for name in OUTPUTS]
    assert lines[5].startswith("time: ingest ")
    return out


def test_build_writes_the_store_the_turtle_and_the_graphml(demo: Path) -> None:
    with Store(f"sqlite:///{demo / 'kg.db'}") as store:
        counts = store.stats()
    assert counts["documents"] > 0 and counts["mentions"] > 0 and counts["relations"] > 0
    graph = nx.read_graphml(demo / "graph.graphml")
    assert graph.number_of_edges() > 0
    assert (
        (demo / "graph.ttl").read_text(encoding="utf-8").startswith("@prefix cnkg: <https://w3id.org/cnkg/")
    )


def test_the_demo_graph_validates_clean_from_the_store_and_from_the_file(demo: Path) -> None:
    with Store(f"sqlite:///{demo / 'kg.db'}") as store:
        report = validate_store(store)
    assert report.conforms, [str(v) for v in report.violations[:10]]
    from_file = validate_file(demo / "graph.ttl", sample=50)
    assert from_file.conforms, [str(v) for v in from_file.violations[:10]]


def test_a_second_build_in_a_fresh_folder_writes_identical_files(demo: Path, tmp_path: Path) -> None:
    again = _build([str(SAMPLE)], tmp_path)
    assert again.returncode == 0, again.stderr
    for name in ("graph.ttl", "graph.graphml", "explorer.html"):
        assert (tmp_path / name).read_bytes() == (demo / name).read_bytes(), name


def test_rebuilding_in_place_skips_unchanged_posts_and_keeps_the_outputs(demo: Path) -> None:
    before = (demo / "graph.ttl").read_bytes()
    again = _build([str(SAMPLE)], demo)
    assert again.returncode == 0, again.stderr
    assert re.match(
        r"files: (\d+) \(new 0, changed 0, unchanged \1, rejected 0\); items 0, mentions 0", again.stdout
    )
    assert [f"kept (nothing changed) {demo / name}" for name in OUTPUTS] == again.stdout.splitlines()[1:5]
    assert (demo / "graph.ttl").read_bytes() == before


def test_rebuilding_after_an_output_was_removed_writes_the_outputs_again(demo: Path) -> None:
    before = (demo / "explorer.html").read_bytes()
    (demo / "explorer.html").unlink()
    again = _build([str(SAMPLE)], demo)
    assert again.returncode == 0, again.stderr
    assert f"wrote {demo / 'explorer.html'}" in again.stdout.splitlines()
    assert (demo / "explorer.html").read_bytes() == before


def test_build_of_a_missing_path_fails_with_one_line(tmp_path: Path) -> None:
    done = _build([str(tmp_path / "nope")], tmp_path / "out")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
