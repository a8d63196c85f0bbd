"""The speed yardstick for linking: raw Aho-Corasick over the corpus with every CNCF landscape name.

This is the naive linker of issue 3 (case-insensitive landscape names on ASCII word boundaries) run as a
whole process: load landscape.yml, build a pyahocorasick automaton, read and scan every post. `kg extract`
is measured against it (benchmarks/bench_link.py). Run: `python benchmarks/baseline_ahocorasick.py [CORPUS]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import ahocorasick
import yaml

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def landscape_names(path: Path) -> list[str]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    names = []
    for category in data["landscape"]:
        for sub in category.get("subcategories") or ():
            for item in sub.get("items") or ():
                names.append(str(item["name"]))
    return names


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def scan(corpus: Path, names: list[str]) -> tuple[int, int, int]:
    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name.lower(), name)
    automaton.make_automaton()
    files = hits = size = 0
    for path in sorted(corpus.rglob("*.md")):
        if path.name == "README.md" and path.parent == corpus:
            continue
        text = path.read_text(encoding="utf-8", errors="replace").lower()
        files += 1
        size += len(text)
        for end, name in automaton.iter(text):
            start = end - len(name) + 1
            if start > 0 and _is_word(text[start - 1]):
                continue
            if end + 1 < len(text) and _is_word(text[end + 1]):
                continue
            hits += 1
    return files, size, hits


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    corpus = Path(args[0]) if args else SHARED / "corpus"
    started = time.perf_counter()
    names = landscape_names(SHARED / "ontology-src" / "landscape.yml")
    files, size, hits = scan(corpus, names)
    print(f"baseline: {len(names)} names, {files} files, {size} chars, {hits} hits, "
          f"{time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
