"""Check a new curation file against the entity base before it lands in ontology/entities/.

Usage: python scripts/check_curation.py FILE.yaml [--corpus DIR]

The file is loaded together with the committed base in a private copy of the ontology, and the script
reports: load errors (file:line); every slug, label or alias whose normalised form is already a name of
another entity; every homepage, repository or domain another entity already claims (a narrower URL, such
as one repository under a claimed GitHub owner, is reported too and may be kept on purpose); every
unambiguous alias that is an English word or one or two letters; precision and recall on the gold splits
with the false hits its new slugs cause; and, with --corpus, how often each new entity links in the posts
of DIR, with sample contexts to read for wrong senses. `--seal SPLIT` leaves a gold split unscored, so that a
split annotated for a later blind measurement stays unseen while curators work. Exit status 1 on a load
error, else 0.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.errors import OntologyError  # noqa: E402
from kg.link.words import is_word  # noqa: E402
from kg.ontology.base import load_base  # noqa: E402
from kg.ontology.lookup import norm_name, split_url  # noqa: E402


def private_ontology(new_file: Path) -> Path:
    root = Path(tempfile.mkdtemp(prefix="cnkg-onto-"))
    for path in (ROOT / "ontology").iterdir():
        if path.name != "entities":
            os.symlink(path, root / path.name)
    (root / "entities").mkdir()
    for path in (ROOT / "ontology" / "entities").glob("*.yaml"):
        os.symlink(path, root / "entities" / path.name)
    shutil.copy(new_file, root / "entities" / f"zzz-{new_file.name}")
    return root


def collisions(new_file: Path) -> tuple[set[str], list[str]]:
    committed = load_base()
    names: dict[str, set[str]] = collections.defaultdict(set)
    for entity in committed.entities.values():
        for name in (entity.label, entity.label_zh or "", *(a.text for a in entity.aliases)):
            if name:
                names[norm_name(name) or name].add(entity.slug)
    new_slugs: set[str] = set()
    problems: list[str] = []
    for block in yaml.safe_load(new_file.read_text(encoding="utf-8")) or []:
        slug = block["slug"]
        if slug in committed.entities:
            continue  # extends an existing entity
        new_slugs.add(slug)
        urls = (block.get("homepage") or "", *(block.get("domains") or []), *(block.get("repository") or []))
        for url in urls:
            owner = committed.by_url(url) if url and split_url(url) else None
            if owner and owner != slug:
                problems.append(f"URL {slug}: {url} is already claimed by {owner!r}")
        ambiguous = set(block.get("ambiguous") or [])
        written = (block.get("label", ""), *(block.get("aliases") or []), *(block.get("former_names") or []))
        for name in written:
            key = norm_name(name) or name
            if key in names:
                problems.append(f"NAME {slug}: {name!r} is already a name of {sorted(names[key])}")
            if name not in ambiguous and (is_word(name) or len(name) <= 2):
                problems.append(f"WORD {slug}: {name!r} is an English word or 1-2 letters; mark it ambiguous")
    return new_slugs, problems


def corpus_hits(linker, corpus: Path, new_slugs: set[str]) -> dict[str, list[str]]:
    from kg.ingest import parse_post, read_bytes
    from kg.pipeline import content_hash

    hits: dict[str, list[str]] = collections.defaultdict(list)
    for path in sorted(corpus.rglob("*.md")):
        raw = read_bytes(str(path))
        try:
            document = parse_post(str(path), raw, content_hash(raw))
        except Exception:  # a post the ingester rejects has nothing to link
            continue
        text = raw.decode("utf-8", "replace")
        for mention in linker.link(document).mentions:
            if mention.entity in new_slugs:
                context = text[max(0, mention.start - 40): mention.end + 40].replace("\n", " ")
                hits[mention.entity].append(f"{path.relative_to(corpus)}: …{context}…")
    return hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--no-gold", action="store_true", help="skip scoring the gold splits")
    parser.add_argument("--corpus", type=Path, help="posts to link for sample contexts (../shared/corpus)")
    parser.add_argument("--seal", action="append", default=[], metavar="SPLIT",
                        help="a gold split to leave unscored (kept blind while curating); repeatable")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return 2
    root = private_ontology(args.file)
    try:
        load_base(root, use_cache=False)
    except OntologyError as exc:
        print(f"LOAD ERROR: {exc}")
        return 1
    new_slugs, problems = collisions(args.file)
    print("\n".join(problems))
    print(f"{len(new_slugs)} new entities, {len(problems)} problems")

    from kg.link import Linker
    from kg.link.evaluate import evaluate

    linker = Linker.load(root)
    if not args.no_gold:
        from kg.link.evaluate import SPLITS

        score = evaluate(linker=linker, splits=[s for s in SPLITS if s not in args.seal])
        print(f"gold: P {score.precision:.3f} R {score.recall:.3f}")
        for post in score.posts:
            caused = [slug for slug in post.false_hits if slug in new_slugs]
            if caused:
                print(f"  false hit in {post.name}: {caused}")
    if args.corpus:
        hits = corpus_hits(linker, args.corpus, new_slugs)
        for slug in sorted(hits, key=lambda s: -len(hits[s])):
            print(f"{slug}: {len(hits[slug])} mentions")
            for sample in hits[slug][:3]:
                print(f"    {sample}")
        print(f"{len(hits)} of {len(new_slugs)} new entities link in {args.corpus}")
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
