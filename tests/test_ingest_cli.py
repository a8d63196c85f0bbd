"""`kg ingest` through the real CLI: bad input is one line per file, incremental runs, duplicates."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from kg.ingest import MAX_BYTES, parse_post

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
KG = Path(sys.executable).parent / "kg"

GOOD = (
    "---\ntitle: 云原生生态周报 第3期\ndate: 2019-04-30\n---\n"
    "## 业界要闻\n\n- [Knative](https://knative.dev) 发布 0.5\n"
)
BILLION_LAUGHS = (
    "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "---\nbody\n"
)

# file name -> bytes; the rejected ones with the exact line `kg ingest` prints for them.
ACCEPTED = {
    "good.md": GOOD.encode(),
    "gb18030.md": "---\ntitle: 国标编码\ndate: 2019-05-01\n---\n- 阿里云与蚂蚁金服的服务网格\n".encode(
        "gb18030"
    ),
    "bom.md": b"\xef\xbb\xbf" + "# 标题\n\n- [Istio](https://istio.io) 1.1.2\n".encode(),
    "toml.md": b'+++\ntitle = "TOML post"\ndate = 2019-04-16T19:35:39+08:00\ntags = ["a"]\n+++\n- item\n',
    "json.md": b'{\n  "title": "JSON post",\n  "date": "2019-04-16"\n}\n\n- item\n',
    "yaml11.md": b"---\ntitle: no\ntags: [no, on, yes]\n---\n- item\n",
}
REJECTED = {
    "binary.md": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "3: binary file (NUL byte at byte 8); only markdown text is ingested",
    ),
    "latin1.md": (
        b"caf\xe9 au lait\n",
        "1: encoding is neither UTF-8 nor GB18030: invalid byte(s) e9 20 61 75; "
        "re-save the file as UTF-8 (characters are never replaced)",
    ),
    "unterminated.md": (
        b"---\ntitle: x\n\n- item\n",
        "1: front matter opened with '---' is never closed; add a '---' line after it",
    ),
    "list_front.md": (
        b"---\n- a\n- b\n---\n- item\n",
        "1: front matter is a list, not a mapping of keys to values",
    ),
    "bad_toml.md": (b"+++\ntitle = x\n+++\n", "2: TOML front matter does not parse: Invalid value"),
    "bad_json.md": (
        b'{\n  "title": "x",\n}\n',
        "3: JSON front matter does not parse: Expecting property name enclosed in double quotes",
    ),
    "unsafe_tag.md": (
        b"---\nx: !!python/object/apply:os.system ['touch pwned']\n---\n",
        "2: YAML front matter does not parse: unsafe or unknown YAML tag: could not determine a "
        "constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    "alias_bomb.md": (
        BILLION_LAUGHS.encode(),
        "8: YAML front matter refused: more than 50 aliases (alias bomb?)",
    ),
    "huge.md": (
        b"- item\n" * (MAX_BYTES // 7 + 1),
        "file is 5.0 MB; posts over 5 MB are not read (is it really a post?)",
    ),
    "impossible_date.md": (
        b"---\ntitle: x\ndate: 2019-02-30\n---\n",
        "3: date '2019-02-30' is impossible (day is out of range for month)",
    ),
}


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KG), *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=600)


def ingest(db: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    return kg("ingest", *map(str, paths), "--no-link", "--quiet", "--db", f"sqlite:///{db}")


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    tables = ("document", "documentpath", "item", "link")
    return {t: rows(db, f"SELECT * FROM {t} ORDER BY 1") for t in tables}


def test_every_bad_input_is_one_line_and_the_rest_is_ingested(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for name, raw in ACCEPTED.items():
        (posts / name).write_bytes(raw)
    for name, (raw, _) in REJECTED.items():
        (posts / name).write_bytes(raw)
    db = tmp_path / "kg.db"

    result = ingest(db, posts)

    assert result.returncode == 1
    expected = sorted(
        f"rejected {posts / name}: {line}" if name == "huge.md" else f"rejected {posts / name}:{line}"
        for name, (_, line) in REJECTED.items()
    )
    assert sorted(result.stderr.splitlines()) == expected
    assert result.stdout == (
        "files: 16 (new 6, changed 0, unchanged 0, duplicate 0, relinked 0, rejected 10); "
        "items 12, mentions 0, candidates 0, relations 0\n"  # each post's title is an item too
    )
    stored = {
        Path(p).name: (enc, tags, title)
        for p, enc, tags, title in rows(db, "SELECT path, encoding, tags, title FROM document")
    }
    assert stored == {
        "bom.md": ("utf-8-sig", "[]", "标题"),
        "gb18030.md": ("gb18030", "[]", "国标编码"),
        "good.md": ("utf-8", "[]", "云原生生态周报 第3期"),
        "json.md": ("utf-8", "[]", "JSON post"),
        "toml.md": ("utf-8", '["a"]', "TOML post"),
        "yaml11.md": ("utf-8", '["no", "on", "yes"]', "no"),
    }
    [(source, start, end, text)] = rows(
        db,
        "SELECT d.source, i.char_start, i.char_end, i.text FROM item i "
        "JOIN document d ON d.id = i.document_id WHERE d.path LIKE '%bom.md' AND i.kind != 'title'",
    )
    assert source[start:end] == text == "[Istio](https://istio.io) 1.1.2"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_second_run_changes_nothing_then_a_changed_file_replaces_its_items(tmp_path: Path) -> None:
    posts = tmp_path / "sample"
    shutil.copytree(SAMPLE, posts)
    db = tmp_path / "kg.db"
    first = ingest(db, posts)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(
        "files: 6 (new 6, changed 0, unchanged 0, duplicate 0, relinked 0, rejected 0)"
    )
    before = snapshot(db)

    second = ingest(db, posts)
    assert (second.returncode, second.stderr) == (0, "")
    assert second.stdout == (
        "files: 6 (new 0, changed 0, unchanged 6, duplicate 0, relinked 0, rejected 0); "
        "items 0, mentions 0, candidates 0, relations 0\n"
    )
    assert snapshot(db) == before

    post = posts / "lwkd" / "2019-04-28-sample.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace(
            "* Autolinks such as",
            "* Cilium 1.5 [adds BPF templating](https://cilium.io/blog)\n* Autolinks such as",
        ),
        encoding="utf-8",
    )
    third = ingest(db, posts)
    assert third.returncode == 0, third.stderr
    assert third.stdout.startswith("files: 6 (new 0, changed 1, unchanged 5,")
    raw = post.read_bytes()
    expected = parse_post(str(post), raw, hashlib.sha256(raw).hexdigest())
    stored = rows(
        db,
        "SELECT i.position, i.kind, i.text, i.char_start, i.char_end FROM item i JOIN document d "
        f"ON d.id = i.document_id WHERE d.path = '{post}' ORDER BY i.position",
    )
    assert stored == [(i.position, i.kind, i.text, i.start, i.end) for i in expected.items]
    assert any("Cilium 1.5" in text for _, _, text, _, _ in stored)
    assert rows(db, "SELECT count(*) FROM document") == [(6,)]
    old_hash = next(row[2] for row in before["documentpath"] if row[0] == str(post))
    assert rows(db, f"SELECT count(*) FROM document WHERE content_hash = '{old_hash}'") == [(0,)]
    untouched = {row[1] for row in before["documentpath"] if row[0] != str(post)}
    after = snapshot(db)
    for table, key in (("document", 0), ("item", 1)):  # the other posts' rows are exactly as they were
        assert [r for r in after[table] if r[key] in untouched] == [
            r for r in before[table] if r[key] in untouched
        ]


def test_same_post_under_two_paths_is_stored_once(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    (posts / "a").mkdir(parents=True)
    (posts / "b").mkdir()
    (posts / "a" / "post.md").write_bytes(ACCEPTED["good.md"])
    (posts / "b" / "copy.md").write_bytes(ACCEPTED["good.md"])
    db = tmp_path / "kg.db"
    result = ingest(db, posts)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "files: 2 (new 1, changed 0, unchanged 0, duplicate 1, relinked 0, rejected 0)"
    )
    assert rows(db, "SELECT count(*) FROM document") == [(1,)]
    assert rows(db, "SELECT count(*) FROM item") == [(2,)]  # the title and the body
    assert sorted(p for (p,) in rows(db, "SELECT path FROM documentpath")) == [
        str(posts / "a" / "post.md"),
        str(posts / "b" / "copy.md"),
    ]
    again = ingest(db, posts)
    assert again.stdout.startswith("files: 2 (new 0, changed 0, unchanged 2,")
