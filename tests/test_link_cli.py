"""`kg extract`, `kg ingest` (linking on) and `kg candidates` through the real CLI, on real corpus posts."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
WEEKLY = "cloud-native-weekly-zh/cloud-native-weekly-01/index.md"
LWKD = "lwkd/2019-07-14-update.md"
BAD_DATE = "lwkd/2022-02-27-update.md"  # front matter date 2022-02-29: ingest rejects it, extract links it
KEYS = {"doc", "item", "entity", "label", "type", "surface", "start", "end", "method"}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


def kg(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd,
                          check=False)


def rows(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_extract_prints_one_json_object_per_mention_with_exact_spans() -> None:
    weekly = f"../shared/corpus/{WEEKLY}"
    result = kg("extract", weekly, f"../shared/corpus/{LWKD}", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    found = rows(result.stdout)
    assert {r["doc"] for r in found} == {weekly, f"../shared/corpus/{LWKD}"}
    sources = {r["doc"]: (ROOT / r["doc"]).read_text(encoding="utf-8") for r in found}
    for row in found:
        assert set(row) == KEYS | ({"url"} if row["type"] == "Proposal" else set())
        assert row["entity"].startswith("https://w3id.org/cnkg/entity/")
        assert row["method"] in ("alias", "url", "rule")
        assert sources[row["doc"]][row["start"] : row["end"]] == row["surface"]
        assert row["item"].split("#")[0] in ("cloud-native-weekly-zh/cloud-native-weekly-01",
                                             "lwkd/2019-07-14-update")
    weekly_rows = [r for r in found if r["doc"] == weekly]
    glued = next(r for r in weekly_rows if r["surface"] == "gVisor")
    assert glued["entity"].endswith("/gvisor")
    assert glued["label"] == "gVisor"
    pr = next(r for r in found if r["entity"].endswith("/kubernetes/kubernetes%2380037"))
    assert pr == {
        "doc": f"../shared/corpus/{LWKD}",
        "item": pr["item"],
        "entity": "https://w3id.org/cnkg/entity/kubernetes/kubernetes%2380037",
        "label": "Remove support for etcd2 from cluster/images/etcd image",
        "type": "Proposal",
        "surface": "#80037: Remove support for etcd2 from cluster/images/etcd image",
        "start": pr["start"],
        "end": pr["end"],
        "method": "url",
        "url": "https://github.com/kubernetes/kubernetes/pull/80037",
    }
    keps = {r["entity"].rsplit("/", 1)[1] for r in weekly_rows if r["type"] == "Proposal"}
    assert keps == {f"enhancements%23{n}" for n in (830, 887, 900, 906, 909)}


def test_extract_marked_shows_each_post_with_its_linked_spans_and_loses_no_character() -> None:
    import re

    result = kg("extract", f"../shared/corpus/{LWKD}", f"../shared/corpus/{WEEKLY}", "--format", "marked",
                "--candidates")
    assert result.returncode == 0, result.stderr
    parts = re.split(r"^===== (.+)\n", result.stdout, flags=re.M)[1:]
    posts = dict(zip(parts[::2], parts[1::2], strict=True))
    assert set(posts) == {f"../shared/corpus/{LWKD}", f"../shared/corpus/{WEEKLY}"}
    lwkd, weekly = posts[f"../shared/corpus/{LWKD}"], posts[f"../shared/corpus/{WEEKLY}"]
    pr = "#80037: Remove support for etcd2 from cluster/images/etcd image"
    assert f"⟦{pr}⟧{{kubernetes/kubernetes#80037}}" in lwkd
    assert "⟦gVisor⟧{gvisor}" in weekly
    assert "⟪WeavNet⟫{name:weavnet}" in weekly  # a candidate, marked apart from links
    for path, text in ((LWKD, lwkd), (WEEKLY, weekly)):
        unmarked = re.sub(r"[⟦⟪]|[⟧⟫]\{[^}\n]*\}", "", text)
        assert unmarked == (CORPUS / path).read_text(encoding="utf-8") + "\n"
    wrong = kg("extract", f"../shared/corpus/{LWKD}", "--format", "xml")
    assert wrong.returncode != 0 and "unknown format 'xml'; use jsonl or marked" in wrong.stderr


def test_extract_links_a_post_whose_date_is_no_date_and_warns() -> None:
    result = kg("extract", f"../shared/corpus/{BAD_DATE}", f"../shared/corpus/{WEEKLY}")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"warning ../shared/corpus/{BAD_DATE}:4: date '2022-02-29 07:10:00 -0000' is impossible (day is out "
        "of range for month); linked without that date"]
    docs = [r["doc"] for r in rows(result.stdout)]
    assert set(docs) == {f"../shared/corpus/{BAD_DATE}", f"../shared/corpus/{WEEKLY}"}
    assert docs.count(f"../shared/corpus/{BAD_DATE}") >= 10


def test_extract_reports_a_rejected_file_and_exits_1_after_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "unsafe.md"
    bad.write_text("---\nx: !!python/object/apply:os.system ['true']\n---\nKubernetes\n", encoding="utf-8")
    result = kg("extract", str(bad), f"../shared/corpus/{WEEKLY}")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"rejected {bad}:2: YAML front matter does not parse")
    assert rows(result.stdout)
    assert {r["doc"] for r in rows(result.stdout)} == {f"../shared/corpus/{WEEKLY}"}


def test_extract_candidates_carry_the_flag() -> None:
    result = kg("extract", f"../shared/corpus/{WEEKLY}", "--candidates")
    assert result.returncode == 0, result.stderr
    candidates = [r for r in rows(result.stdout) if r.get("candidate")]
    assert candidates
    assert all(r["candidate"] is True and "entity" not in r for r in candidates)
    keys = {"doc", "item", "candidate", "key", "label", "kind", "surface", "start", "end"}
    assert keys <= set(candidates[0])
    weav = next(r for r in candidates if r["key"] == "name:weavnet")  # a typo of Weave Net in the post
    assert (weav["kind"], weav["surface"]) == ("name", "WeavNet")


def test_ingest_links_into_sqlite_and_candidates_are_listed(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    result = kg("ingest", "-q", "--db", str(db), str(CORPUS / WEEKLY), str(CORPUS / LWKD))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        checked = 0
        for surface, start, end, source in conn.execute(
            "select m.surface, m.char_start, m.char_end, d.source from mention m "
            "join item i on i.id = m.item_id join document d on d.id = i.document_id"
        ):
            assert source[start:end] == surface
            checked += 1
        assert checked > 100
        part_of = conn.execute(
            "select type, part_of from entity where slug = 'kubernetes/kubernetes#80037'").fetchone()
        assert part_of == ("Proposal", "kubernetes")
        linked = {row[0] for row in conn.execute("select distinct entity_slug from mention")}
        assert {"kubernetes", "knative", "gvisor", "istio", "kubernetes/enhancements#900"} <= linked
    again = kg("ingest", "-q", "--db", str(db), str(CORPUS / WEEKLY), str(CORPUS / LWKD))
    assert "unchanged 2" in again.stdout
    listed = kg("candidates", "--db", str(db), "--min-count", "1", "--format", "json", "--limit", "0")
    assert listed.returncode == 0, listed.stderr
    candidates = json.loads(listed.stdout)
    assert candidates
    first = candidates[0]
    assert set(first) == {"key", "label", "kind", "url", "status", "mentions", "documents", "evidence"}
    assert first["mentions"] >= candidates[-1]["mentions"]
    assert all(e["surface"] and e["doc"] for c in candidates for e in c["evidence"])
    table = kg("candidates", "--db", str(db), "--min-count", "1")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split()[:3] == [str(first["mentions"]), str(first["documents"]),
                                                        first["key"]]  # the key `kg ontology promote` takes
