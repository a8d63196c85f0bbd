"""Score the linker against the gold set (tests/gold/*.yaml): document-level micro precision, recall, F1.

A post's prediction is the set of entities the linker mentions in it, restricted to the scored types
(projects, organizations, products, specifications, proposals); gold is the set an analyst wrote down
(`entities` + `proposals`; `a|b` accepts either), and `optional` entities count neither way.
Usage: python -m kg.link.evaluate [GOLD_DIR] [--corpus DIR] [--split NAME] [--ontology DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SPLITS = (
    "dev", "held-out", "unseen", "final", "final-2", "final-3", "final-4", "final-5", "final-6", "final-7",
    "final-8", "final-9", "final-10", "final-11", "final-12", "final-13", "final-14", "final-15", "final-16",
    "final-17", "final-18", "final-19", "final-20", "final-21", "final-22", "final-23", "final-24",
    "final-25", "final-26", "final-27", "final-28", "final-29", "final-30", "final-31", "final-32",
    "final-33", "final-34", "final-35", "final-36", "final-37", "final-38", "final-39", "final-40",
    "final-41", "final-42", "final-43", "final-44", "final-45", "final-46", "final-47", "final-48",
    "final-49", "final-50", "final-51", "final-52", "final-53", "final-54", "final-55", "final-56",
    "final-57", "final-58", "final-59", "final-60", "final-61", "final-62", "final-63",
    "final-64", "final-65", "final-66", "final-67", "final-68", "final-69", "final-70", "final-71",
    "final-72", "final-73", "final-74", "final-75", "final-76", "final-77", "final-78", "final-79",
    "final-80", "final-81", "final-82", "final-83", "final-84", "final-85", "final-86", "final-87",
    "final-88", "final-89", "final-90", "final-91", "final-92", "final-93", "final-94", "final-95",
    "final-96", "final-97", "final-98", "final-99", "final-100", "final-101", "final-102",
)
SCORED_TYPES = frozenset({"Project", "Organization", "Product", "Specification", "Proposal"})
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = ROOT / "tests" / "gold"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass
class PostScore:
    name: str
    split: str
    true_positives: int
    gold: int
    predicted: int
    missed: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)
    unknown_gold: list[str] = field(default_factory=list)  # gold slugs the entity base does not define


@dataclass
class Score:
    posts: list[PostScore]

    @property
    def true_positives(self) -> int:
        return sum(p.true_positives for p in self.posts)

    @property
    def precision(self) -> float:
        predicted = sum(p.true_positives + len(p.false_hits) for p in self.posts)
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        gold = sum(p.gold for p in self.posts)
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "posts": len(self.posts),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "errors": {
                p.name: {"missed": p.missed, "false_hits": p.false_hits, "unknown_gold": p.unknown_gold}
                for p in self.posts
                if p.missed or p.false_hits or p.unknown_gold
            },
        }


def load_gold(folder: Path) -> list[dict[str, Any]]:
    posts = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["name"] = path.stem
        posts.append(data)
    return posts


def score_post(gold: dict[str, Any], predicted: set[str], types: dict[str, str]) -> PostScore:
    """Score one post; a gold entity whose type in the base is not scored (a Concept) counts as optional."""
    groups = [str(k).split("|") for k in (gold.get("entities") or {})]
    optional = {str(o) for o in (gold.get("optional") or [])}
    unscored = [g for g in groups if all(s in types and types[s] not in SCORED_TYPES for s in g)]
    optional |= {slug for group in unscored for slug in group}
    groups = [g for g in groups if g not in unscored]
    groups += [[str(p).lower()] for p in (gold.get("proposals") or [])]  # GitHub names ignore case
    allowed = {slug for group in groups for slug in group} | optional
    hits = [group for group in groups if any(slug in predicted for slug in group)]
    missed = ["|".join(group) for group in groups if group not in hits]
    false_hits = sorted(slug for slug in predicted if slug not in allowed)
    unknown = sorted("|".join(g) for g in groups if not any("#" in slug or slug in types for slug in g))
    return PostScore(gold["name"], gold.get("split", "dev"), len(hits), len(groups), len(predicted),
                     missed, false_hits, unknown)


def predicted_slugs(linked: Any, types: dict[str, str]) -> set[str]:
    minted = {e.slug: e.type for e in linked.new_entities}
    return {m.entity for m in linked.mentions
            if (minted.get(m.entity) or types.get(m.entity)) in SCORED_TYPES}


def evaluate(
    gold_dir: Path = DEFAULT_GOLD,
    corpus: Path = DEFAULT_CORPUS,
    splits: Iterable[str] | None = None,
    linker: Any = None,
) -> Score:
    from kg.ingest import parse_post, read_bytes
    from kg.link import Linker
    from kg.pipeline import content_hash

    linker = linker or Linker.load()
    types = {slug: e.type for slug, e in linker.base.entities.items()}
    wanted = set(splits) if splits else None
    posts = []
    for gold in load_gold(gold_dir):
        if wanted is not None and gold.get("split", "dev") not in wanted:
            continue
        path = str(corpus / gold["post"])
        raw = read_bytes(path)
        linked = linker.link(parse_post(path, raw, content_hash(raw), strict_dates=False))
        posts.append(score_post(gold, predicted_slugs(linked, types), types))
    return Score(posts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.link.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", default=str(DEFAULT_GOLD))
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--split", action="append", choices=list(SPLITS))
    parser.add_argument("--ontology", help="the ontology/ folder (default: the repository's)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from kg.link import Linker

    linker = Linker.load(Path(args.ontology) if args.ontology else None)
    score = evaluate(Path(args.gold), Path(args.corpus), args.split, linker)
    if args.json:
        print(json.dumps(score.as_dict(), ensure_ascii=False, indent=1))
        return 0
    for post in score.posts:
        print(f"{post.name:<28} {post.split:<8} gold {post.gold:>3}  hits {post.true_positives:>3}  "
              f"false {len(post.false_hits):>3}")
        if post.missed:
            print(f"    missed: {', '.join(post.missed)}")
        if post.false_hits:
            print(f"    false:  {', '.join(post.false_hits)}")
        if post.unknown_gold:
            print(f"    not in the entity base: {', '.join(post.unknown_gold)}")
    for split in SPLITS:
        part = Score([p for p in score.posts if p.split == split])
        if part.posts:
            print(f"{split:<9} posts {len(part.posts):>2}  P {part.precision:.3f}  R {part.recall:.3f}  "
                  f"F1 {part.f1:.3f}")
    print(f"{'all':<9} posts {len(score.posts):>2}  P {score.precision:.3f}  R {score.recall:.3f}  "
          f"F1 {score.f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
