"""An ingest killed with SIGKILL mid-run leaves a consistent SQLite file; two ingests at once both succeed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from kg.ingest import parse_post

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_POST = ROOT / "data" / "sample" / "cloud-native-weekly-zh" / "sample-02" / "index.md"
KG = Path(sys.executable).parent / "kg"


def make_posts(folder: Path, count: int, repeat: int) -> list[Path]:
    """`count` different posts, each the sample's body `repeat` times with a numbered variation."""
    text = SAMPLE_POST.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    paths = []
    for n in range(count):
        sub = folder / f"p{n // 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        copies = "\n".join(body.replace("Knative", f"Knative {n}.{k}") for k in range(repeat))
        path = sub / f"post-{n:04d}.md"
        path.write_text(f"{head}\n---\n{copies}", encoding="utf-8")
        paths.append(path)
    return paths


def start_ingest(db: Path, *folders: Path) -> subprocess.Popen[str]:
    args = [str(KG), "ingest", *map(str, folders), "--no-link", "--quiet", "--db", f"sqlite:///{db}"]
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def count_documents(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM document").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def summary(stdout: str) -> dict[str, int]:
    return {
        key: int(value)
        for key, value in re.findall(r"(new|changed|unchanged|duplicate|rejected) (\d+)", stdout)
    }


def assert_consistent(db: Path) -> int:
    """Integrity holds and every stored document has exactly the items and links its file parses to."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        docs = conn.execute(
            "SELECT d.id, p.path FROM document d JOIN documentpath p ON p.document_id = d.id"
        ).fetchall()
        assert conn.execute("SELECT count(*) FROM document").fetchone()[0] == len(docs)
        for doc_id, path in docs:
            raw = Path(path).read_bytes()
            parsed = parse_post(path, raw, hashlib.sha256(raw).hexdigest())
            stored_items = conn.execute(
                "SELECT count(*) FROM item WHERE document_id = ?", (doc_id,)
            ).fetchone()[0]
            stored_links = conn.execute(
                "SELECT count(*) FROM link l JOIN item i ON i.id = l.item_id WHERE i.document_id = ?",
                (doc_id,),
            ).fetchone()[0]
            assert (stored_items, stored_links) == (
                len(parsed.items),
                sum(len(i.links) for i in parsed.items),
            )
    return len(docs)


def test_kill_9_mid_ingest_leaves_a_consistent_database_and_the_rerun_completes(tmp_path: Path) -> None:
    total = 240
    make_posts(tmp_path / "posts", total, repeat=12)
    db = tmp_path / "kg.db"
    proc = start_ingest(db, tmp_path / "posts")
    try:
        deadline = time.monotonic() + 120
        while count_documents(db) < 10 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, f"ingest ended before it could be killed: {proc.communicate()}"
        os.kill(proc.pid, signal.SIGKILL)  # kill -9 of the ingest itself, as a user would
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # and its parse workers, which never write
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    stored = assert_consistent(db)
    assert 10 <= stored < total

    rerun = subprocess.run(
        [str(KG), "ingest", str(tmp_path / "posts"), "--no-link", "--quiet", "--db", f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (rerun.returncode, rerun.stderr) == (0, "")
    assert summary(rerun.stdout) == {
        "new": total - stored,
        "changed": 0,
        "unchanged": stored,
        "duplicate": 0,
        "rejected": 0,
    }
    assert assert_consistent(db) == total


def test_two_ingests_into_one_sqlite_file_at_once_both_succeed(tmp_path: Path) -> None:
    total = 240
    make_posts(tmp_path / "posts", total, repeat=2)  # p00: posts 0-99, p01: 100-199, p02: 200-239
    db = tmp_path / "kg.db"
    posts = tmp_path / "posts"
    first = start_ingest(db, posts / "p00", posts / "p01")
    second = start_ingest(db, posts / "p01", posts / "p02")  # p01 is wanted by both at once
    results = [proc.communicate(timeout=600) for proc in (first, second)]
    assert [(p.returncode, err) for p, (_, err) in zip((first, second), results, strict=True)] == [
        (0, ""),
        (0, ""),
    ]
    a, b = (summary(out) for out, _ in results)
    assert a["new"] + a["unchanged"] == 200 and b["new"] + b["unchanged"] == 140
    assert a["new"] >= 100 and b["new"] >= 40 and a["new"] + b["new"] == total  # each post written once
    assert assert_consistent(db) == total
