"""Hostile and mangled input: parse_post either rejects a file or returns exact spans, and stays linear."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from kg.errors import RejectedFile
from kg.ingest import parse_post
from kg.models import DocumentRecord

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "tests" / "fixtures" / "ingest").glob("*.md")) + sorted(
    (ROOT / "data" / "sample").rglob("*.md")
)
TOKENS = [
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "`",
    "```",
    "\n",
    "\n\n",
    "- ",
    "* ",
    "1. ",
    "> ",
    "## ",
    "---\n",
    "***",
    "\\",
    "![",
    "](",
    "https://x.io",
    "<!--",
    "-->",
    "\r\n",
    "\t",
    "    ",
    "本周作者：",
    "**",
    "|",
    "~~~",
    "+++\n",
    "{",
    "\ufeff",
    "&a ",
    "*a",
    "Recording date: 2019-02-30",
    "[x]: https://r.io\n",
]


def check(doc: DocumentRecord) -> None:
    previous_end = 0
    for position, item in enumerate(doc.items):
        assert item.position == position
        assert doc.source[item.start : item.end] == item.text
        assert item.text and item.text == item.text.strip()
        assert item.start >= previous_end  # items never overlap
        previous_end = item.end
        for link in item.links:
            assert item.start <= link.start <= link.anchor_start <= link.anchor_end <= link.end <= item.end
            assert doc.source[link.anchor_start : link.anchor_end] == link.anchor and link.url


def parse(raw: bytes) -> DocumentRecord | None:
    try:
        return parse_post("/fuzz/post.md", raw, hashlib.sha256(raw).hexdigest())
    except RejectedFile:
        return None


def test_mangled_posts_are_rejected_or_parsed_with_exact_spans() -> None:
    rng = random.Random(20190416)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    parsed = 0
    for _ in range(600):
        chars = list(rng.choice(texts))
        for _ in range(rng.randrange(1, 25)):
            at = rng.randrange(len(chars) + 1)
            if rng.random() < 0.6:
                chars[at:at] = rng.choice(TOKENS)
            else:
                del chars[at : at + rng.randrange(1, 12)]
        doc = parse("".join(chars).encode("utf-8"))
        if doc is not None:
            check(doc)
            parsed += 1
    assert parsed > 300  # most mangled posts are still posts


HOSTILE = {
    "brackets": "[" * 200_000,
    "half-links": "x](" * 100_000,
    "open-tags": "<a " * 100_000,
    "open-comments": "<!--" * 100_000,
    "tick-runs": "".join("`" * n + "x" for n in range(1, 600)),
    "nested-openers": "- " + "[a](" * 50_000,
    "schemes": "https://" * 50_000,
    "deep-quotes": "\n".join("> " * 50 + "- [x](y)" for _ in range(2_000)),
    "staircase-list": "\n".join(" " * n + "- item" for n in range(2_000)),
    "image-openers": "![" * 100_000,
    "half-images": "![a](" * 100_000,
    "bracket-heading": "# " + "[" * 100_000,
    "many-references": "\n".join(f"[l{i}]: https://x.io/{i}" for i in range(20_000))
    + "\n\n"
    + " ".join(f"[l{i}]" for i in range(20_000)),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_pathological_bodies_are_parsed_without_blowing_up(name: str) -> None:
    # Quadratic work on any of these takes minutes; linear work takes well under a second each.
    doc = parse(f"## Section\n\n{HOSTILE[name]}\n".encode())
    assert doc is not None
    check(doc)
    if name == "many-references":
        assert [len(item.links) for item in doc.items] == [20_000]
