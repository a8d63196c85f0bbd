"""Ingest pieces one at a time: decoding, front matter, dates, series/slug/issue, discovery and reading."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import yaml

from kg.errors import KgError, RejectedFile
from kg.ingest import MAX_BYTES, discover, parse_post, read_bytes
from kg.ingest.dates import parse_date
from kg.ingest.decode import decode_post
from kg.ingest.frontmatter import split_front_matter
from kg.ingest.meta import issue_number, series_and_slug

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def parse(path: str, text: str | bytes) -> object:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_post(path, raw, hashlib.sha256(raw).hexdigest())


# --------------------------------------------------------------------------- decoding


def test_bom_is_removed_and_offsets_count_from_after_it() -> None:
    text, encoding = decode_post("p.md", b"\xef\xbb\xbf- [Knative](https://knative.dev)\n")
    assert (text, encoding) == ("- [Knative](https://knative.dev)\n", "utf-8-sig")
    doc = parse("p.md", b"\xef\xbb\xbf- [Knative](https://knative.dev)\n")
    assert doc.items[0].start == 2 and doc.items[0].links[0].start == 2  # type: ignore[attr-defined]


def test_gb18030_is_decoded_strictly() -> None:
    raw = "## 业界要闻\n\n- 阿里云发布 Knative 托管服务\n".encode("gb18030")
    text, encoding = decode_post("p.md", raw)
    assert encoding == "gb18030" and text == "## 业界要闻\n\n- 阿里云发布 Knative 托管服务\n"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b"caf\xe9 au lait\n",
            "p.md:1: encoding is neither UTF-8 nor GB18030: invalid byte(s) e9 20 61 75; "
            "re-save the file as UTF-8 (characters are never replaced)",
        ),
        (
            b"ok\n\x89PNG\r\n\x1a\n\x00\x00",
            "p.md:4: binary file (NUL byte at byte 11); only markdown text is ingested",
        ),
        (b"\xff\xfeh\x00i\x00", "p.md: UTF-16 text is not read; save the file as UTF-8"),
        (
            b"\xef\xbb\xbfcaf\xe9\n",
            "p.md:1: encoding is it starts with a UTF-8 BOM but is not UTF-8: invalid "
            "byte(s) e9 0a; re-save the file as UTF-8 (characters are never replaced)",
        ),
        (
            bytes(range(1, 9)) * 20,
            "p.md:1: binary file (160 control characters such as U+0001); only markdown text is ingested",
        ),
    ],
)
def test_undecodable_bytes_are_rejected_with_the_reason(raw: bytes, message: str) -> None:
    with pytest.raises(RejectedFile) as caught:
        decode_post("p.md", raw)
    assert str(caught.value) == message


def test_latin1_that_happens_to_be_valid_gb18030_is_still_rejected() -> None:
    raw = "Ångström naïve Köln".encode("latin-1")
    assert raw.decode("gb18030") == "舗gstr鰉 na飗e K鰈n"  # valid GB18030, but rare ideographs
    with pytest.raises(RejectedFile, match="as GB18030 it reads as rare characters"):
        decode_post("p.md", raw)


def test_a_stray_control_character_in_a_long_post_is_kept() -> None:
    text = "x" * 2000 + "\n\x02\n"
    assert decode_post("p.md", text.encode())[0] == text


# --------------------------------------------------------------------------- front matter


def test_yaml_1_1_surprises_stay_strings() -> None:
    front = split_front_matter(
        "p.md",
        "---\ntags: [no, on, yes, off]\nslug: 010\nt: 1:20\nv: 1.10\n"
        "draft: false\nweight: 3\ndate: 2019-04-16T19:35:39+08:00\n---\nbody\n",
    )
    assert front.data == {
        "tags": ["no", "on", "yes", "off"],
        "slug": "010",
        "t": "1:20",
        "v": "1.10",
        "draft": False,
        "weight": 3,
        "date": "2019-04-16T19:35:39+08:00",
    }
    assert front.body_start == len(
        "---\ntags: [no, on, yes, off]\nslug: 010\nt: 1:20\nv: 1.10\n"
        "draft: false\nweight: 3\ndate: 2019-04-16T19:35:39+08:00\n---\n"
    )


def test_the_pure_python_loader_keeps_the_same_rules() -> None:
    # Over 50 `*` in a string make the alias count uncertain, so the exact pure-Python loader is used.
    stars = " ".join(["*x"] * 60)
    front = split_front_matter("p.md", f"---\ntags: [no, on]\nslug: 010\ndraft: true\nnote: '{stars}'\n---\n")
    assert front.data == {"tags": ["no", "on"], "slug": "010", "draft": True, "note": stars}


def test_toml_and_json_front_matter_are_parsed() -> None:
    toml = split_front_matter("p.md", '+++\ntitle = "T"\ndate = 2019-04-16T19:35:39+08:00\n+++\nbody')
    assert toml.format == "toml" and toml.data["title"] == "T" and toml.body_start == 53
    assert toml.data["date"] == dt.datetime(
        2019, 4, 16, 19, 35, 39, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    doc = parse("p.md", '{\n  "title": "J",\n  "date": "2019-04-16",\n  "tags": ["a"]\n}\n\n- item\n')
    assert (doc.title, doc.published_at, doc.tags, doc.items[1].text) == ("J", "2019-04-16", ("a",), "item")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "---\ntitle: x\n\nbody\n",
            "p.md:1: front matter opened with '---' is never closed; add a '---' line after it",
        ),
        (
            "+++\ntitle = 'x'\n",
            "p.md:1: front matter opened with '+++' is never closed; add a '+++' line after it",
        ),
        ("---\n- a\n- b\n---\n", "p.md:1: front matter is a list, not a mapping of keys to values"),
        ("---\njust words\n---\n", "p.md:1: front matter is a string, not a mapping of keys to values"),
        (
            "---\ntitle: x\nbad: [1, 2\n---\n",
            "p.md:4: YAML front matter does not parse: "
            + (
                "did not find expected ',' or ']'"
                if yaml.__with_libyaml__
                # libyaml words it so
                else "expected ',' or ']', but got '<stream end>'"
            ),
        ),
        (
            "---\ntitle: x\nrun: !!python/object/apply:os.system ['true']\n---\n",
            "p.md:3: YAML front matter does not parse: unsafe or unknown YAML tag: could not determine a "
            "constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        (
            "---\nx: !custom 1\n---\n",
            "p.md:2: YAML front matter does not parse: unsafe or unknown YAML tag: "
            "could not determine a constructor for the tag '!custom'",
        ),
        (
            "---\na: &a [x, *a]\n---\n",
            "p.md:2: YAML front matter refused: an alias refers to itself (recursive structure)",
        ),
        (
            '+++\ntitle = "x"\ntitle = "y"\n+++\n',
            "p.md:3: TOML front matter does not parse: Cannot overwrite a value",
        ),
        ('{\n  "title": "x",\n  "date": \n}\n', "p.md:4: JSON front matter does not parse: Expecting value"),
    ],
)
def test_bad_front_matter_is_rejected_with_its_line(text: str, message: str) -> None:
    with pytest.raises(RejectedFile) as caught:
        split_front_matter("p.md", text)
    assert str(caught.value) == message


def billion_laughs(levels: int = 9) -> str:
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        prev, name = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join([*lines, "---", "body", ""])


def test_alias_bomb_is_refused_before_it_expands() -> None:
    with pytest.raises(RejectedFile) as caught:
        split_front_matter("p.md", billion_laughs())
    assert str(caught.value) == "p.md:8: YAML front matter refused: more than 50 aliases (alias bomb?)"


def test_few_aliases_that_expand_hugely_are_refused() -> None:
    text = "---\n" + 'a: &a ["' + '","'.join(["x"] * 200) + '"]\n'
    text += (
        "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abc", "bcd", strict=True)
        )
        + "---\n"
    )
    with pytest.raises(
        RejectedFile, match=r"p.md:4: YAML front matter refused: it expands to more than 10,000"
    ):
        split_front_matter("p.md", text)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("written", "date", "offset"),
    [
        ("2019-04-16T19:35:39+08:00", dt.date(2019, 4, 16), 480),
        ("2019-04-22 22:00:00 -0000", dt.date(2019, 4, 22), 0),
        ("2017-02-05T07:57:00Z", dt.date(2017, 2, 5), 0),
        ("2021-01-10", dt.date(2021, 1, 10), None),
        ("2020-05-08T17:00:00-05:30", dt.date(2020, 5, 8), -330),
        ("2019-4-6", dt.date(2019, 4, 6), None),
    ],
)
def test_dates_keep_what_was_written_and_the_local_day(
    written: str, date: dt.date, offset: int | None
) -> None:
    parsed = parse_date(written)
    assert (parsed.published_at, parsed.date, parsed.utc_offset_minutes) == (written, date, offset)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "---\ntitle: x\ndate: 2019-02-30\n---\n",
            "p.md:3: date '2019-02-30' is impossible (day is out of range for month)",
        ),
        (
            "---\ndate: 2019-04-16T25:00:00Z\n---\n",
            "p.md:2: date '2019-04-16T25:00:00Z' is impossible (hour must be in 0..23)",
        ),
        (
            "---\ndate: April 5, 2019\n---\n",
            "p.md:2: date 'April 5, 2019' is not a date; write it as YYYY-MM-DD or an ISO 8601 timestamp",
        ),
        (
            "# Ep\n\n- Recording date: 2019-13-01\n",
            "p.md:3: date '2019-13-01' is impossible (month must be in 1..12)",
        ),
    ],
)
def test_impossible_dates_reject_the_file_with_the_line(text: str, message: str) -> None:
    with pytest.raises(RejectedFile) as caught:
        parse("p.md", text)
    assert str(caught.value) == message


def test_impossible_date_in_a_jekyll_file_name_is_rejected() -> None:
    with pytest.raises(RejectedFile) as caught:
        parse("lwkd/2019-02-30-update.md", "---\ntitle: x\n---\n")
    assert str(caught.value) == (
        "lwkd/2019-02-30-update.md: file name date '2019-02-30' is impossible (day is out of range for month)"
    )


def test_for_linking_only_a_date_that_is_no_date_is_passed_over_and_reported() -> None:
    raw = b"---\ntitle: x\ndate: 2022-02-29 07:10:00 -0000\n---\nText\n"
    doc = parse_post("lwkd/2022-02-27-update.md", raw, "h", strict_dates=False)
    assert (doc.published_date, doc.metadata["date_source"]) == (dt.date(2022, 2, 27), "file name")
    assert doc.metadata["date_problems"] == [
        "lwkd/2022-02-27-update.md:3: date '2022-02-29 07:10:00 -0000' is impossible (day is out of range "
        "for month)"]
    undated = parse_post("p.md", b"---\ndate: April 5, 2019\n---\nText\n", "h", strict_dates=False)
    assert undated.published_date is None and len(undated.items) == 1


def test_date_falls_back_to_file_name_then_body_line_then_unknown() -> None:
    assert parse("/x/lwkd/2018-01-14-update.md", "---\ntitle: x\n---\n").published_at == "2018-01-14"  # type: ignore[attr-defined]
    tgik = parse("/x/tgik/009/README.md", "# Finishing\n\n- Hosted by @jbeda\n- Recording date: 2017-09-15\n")
    assert (tgik.published_date, tgik.metadata["date_source"], [it.kind for it in tgik.items]) == (  # type: ignore[attr-defined]
        dt.date(2017, 9, 15),
        "body",
        ["title"],
    )
    undated = parse("/x/tgik/128/README.md", "# Ep\n\nno date here\n")
    assert (undated.published_date, undated.metadata["date_source"]) == (None, "unknown")  # type: ignore[attr-defined]


def test_companion_notes_take_the_date_of_the_newsletter_beside_them(tmp_path: Path) -> None:
    folder = tmp_path / "devopsish" / "219"
    folder.mkdir(parents=True)
    (folder / "newsletter.md").write_text("---\ndate: '2021-05-23'\ntitle: x\n---\n", encoding="utf-8")
    notes = folder / "notes.md"
    notes.write_text("## Notes\n\n[Go cheatsheet](https://devhints.io/go)\n", encoding="utf-8")
    doc = parse(str(notes), notes.read_text(encoding="utf-8"))
    assert (doc.published_at, doc.metadata["date_source"], doc.issue_number) == (  # type: ignore[attr-defined]
        "2021-05-23",
        "main post",
        219,
    )


# --------------------------------------------------------------------------- series, slug, issue number


@pytest.mark.parametrize(
    ("path", "front", "series", "slug"),
    [
        ("/c/lwkd/2018-01-14-update.md", {}, "lwkd", "lwkd/2018-01-14-update"),
        ("/c/devopsish/200/newsletter.md", {}, "devopsish", "devopsish/200/newsletter"),
        ("/c/devopsish/009/index.md", {}, "devopsish", "devopsish/009"),
        ("/c/tgik/150/README.md", {}, "tgik", "tgik/150"),
        (
            "/c/cloud-native-weekly-zh/cloud-native-weekly-01/index.md",
            {},
            "cloud-native-weekly-zh",
            "cloud-native-weekly-zh/cloud-native-weekly-01",
        ),
        (
            "/c/sofa-weekly/sofa-weekly/20221028/index.md",
            {},
            "sofa-weekly",
            "sofa-weekly/sofa-weekly/20221028",
        ),
        ("/blog/content/post/my-post.md", {"series": "Kube Notes"}, "kube-notes", "kube-notes/my-post"),
        ("/blog/content/post/my-post/index.md", {}, "post", "post/my-post"),
        ("/blog/_posts/2020-01-01-hello.md", {}, "_posts", "_posts/2020-01-01-hello"),
    ],
)
def test_series_and_slug(path: str, front: dict[str, str], series: str, slug: str) -> None:
    assert series_and_slug(path, front) == (series, slug)


@pytest.mark.parametrize(
    ("title", "path", "number"),
    [
        ("云原生生态周报（Cloud Native Weekly）第1期", "/c/x/index.md", 1),
        ("DevOps'ish 200: Solarwinds plot thickens", "/c/devopsish/200/newsletter.md", 200),
        ("'009: Week of 1486270800'".strip("'"), "/c/devopsish/009/index.md", 9),
        ("Issue 123: things", "/c/x.md", 123),
        ("Weekly #45", "/c/x.md", 45),
        ("SOFA Weekly | SOFAChannel#30 直播预告", "/c/sofa-weekly/s/index.md", None),
        ('Episode 150 : "Production Kubernetes"', "/c/tgik/150/README.md", 150),
        ("Networking and Services", "/c/tgik/012/README.md", 12),
        ("DevOps'ish Solarwinds supply chain compromise Index", "/c/devopsish/solarwinds/index.md", None),
        (None, "/c/sofa-weekly/sofa-weekly/20221028/index.md", None),
    ],
)
def test_issue_number(title: str | None, path: str, number: int | None) -> None:
    assert issue_number(title, path) == number


def test_leading_h1_is_the_title_not_a_section() -> None:
    doc = parse("/c/tgik/001/README.md", "# Episode 1 : Kubernetes\n\n## Notes\n\n- item\n")
    assert (doc.title, doc.items[1].section_path) == ("Episode 1 : Kubernetes", ("Notes",))  # type: ignore[attr-defined]
    titled = parse("/c/x.md", "---\ntitle: Other\n---\n# 业界要闻\n\n- item\n")
    assert (titled.title, titled.items[1].section_path) == ("Other", ("业界要闻",))  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- discovery and reading


def test_discover_walks_folders_sorted_and_skips_collection_readmes(tmp_path: Path) -> None:
    for rel in (
        "README.md",
        "tgik/150/README.md",
        "tgik/007/README.md",
        "lwkd/2019-01-06-update.md",
        "lwkd/_index.md",
        "lwkd/notes.txt",
        "lwkd/.draft.md",
        ".git/x.md",
        "b/POST.Markdown",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x\n", encoding="utf-8")
    found = discover([str(tmp_path)])
    assert found == [
        str(tmp_path / rel)
        for rel in (
            "b/POST.Markdown",
            "lwkd/2019-01-06-update.md",
            "tgik/007/README.md",
            "tgik/150/README.md",
        )
    ]
    assert discover([str(tmp_path / "README.md"), str(tmp_path / "lwkd/notes.txt")]) == [
        str(tmp_path / "README.md"),
        str(tmp_path / "lwkd/notes.txt"),
    ]  # named files are always read


def test_discover_names_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(KgError) as caught:
        discover([str(tmp_path), str(tmp_path / "nope")])
    assert (
        str(caught.value)
        == f"{tmp_path / 'nope'}: no such file or folder; give post files or folders of posts"
    )


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus beside the repo")
def test_discover_on_the_corpus_skips_its_readme_but_keeps_tgik_episodes() -> None:
    found = discover([str(CORPUS)])
    assert len(found) == 1220
    assert str(CORPUS / "README.md") not in found
    assert str(CORPUS / "tgik" / "150" / "README.md") in found


def test_read_bytes_refuses_absurd_sizes_and_unreadable_paths(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(RejectedFile) as caught:
        read_bytes(str(big))
    assert str(caught.value) == f"{big}: file is 5.0 MB; posts over 5 MB are not read (is it really a post?)"
    with pytest.raises(RejectedFile) as caught:
        read_bytes(str(tmp_path))
    assert str(caught.value) == f"{tmp_path}: cannot read the file: Is a directory"
    (tmp_path / "ok.md").write_bytes(b"a" * MAX_BYTES)
    assert len(read_bytes(str(tmp_path / "ok.md"))) == MAX_BYTES


# --------------------------------------------------------------------------- the title item


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("---\ntitle: '116: Let''s Encrypt, Hashicorp in Wired'\ndate: 2019-01-01\n---\nBody text.\n",
         "116: Let''s Encrypt, Hashicorp in Wired"),
        ('---\nlayout: post\ntitle: "SOFA Weekly | MOSN v1.3.0 版本发布"\n---\nBody text.\n',
         "SOFA Weekly | MOSN v1.3.0 版本发布"),
        ("---\ntitle: Week Ending April 21, 2019\n---\nBody text.\n", "Week Ending April 21, 2019"),
        ('+++\ntitle = "Knative in TOML"\n+++\nBody text.\n', "Knative in TOML"),
        ('{\n  "title": "Istio in JSON",\n  "date": "2019-04-01"\n}\nBody text.\n', "Istio in JSON"),
        ("# Episode 152 : Cluster Testing With Sonobuoy\n\nBody text.\n",
         "Episode 152 : Cluster Testing With Sonobuoy"),
    ],
    ids=["yaml-single-quoted", "yaml-double-quoted", "yaml-plain", "toml", "json", "leading-h1"],
)
def test_the_title_is_the_first_item_with_its_exact_span(source: str, title: str) -> None:
    doc = parse("p.md", source)
    first = doc.items[0]  # type: ignore[attr-defined]
    assert (first.kind, first.position, first.section_path) == ("title", 0, ())
    assert first.text == title == source[first.start:first.end]
    assert doc.items[1].text == "Body text."  # type: ignore[attr-defined]


def test_a_title_nested_under_another_key_or_written_over_lines_is_no_item() -> None:
    nested = "---\nimages:\n  - title: A picture\ntitle: >\n  Folded\n  title\n---\nBody text.\n"
    doc = parse("p.md", nested)
    assert [it.kind for it in doc.items] == ["paragraph"]  # type: ignore[attr-defined]
