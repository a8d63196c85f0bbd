"""The named analyst queries: one `.rq` file each in kg/queries/, described by its leading comments.

A file starts with `# title: …` and `# description: …` lines (more `# description:` lines continue the
text); the name is the file name without `.rq`. `kg query --name`, the query page and `/queries` all read
them from here.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.errors import QueryError

QUERIES_DIR = Path(__file__).resolve().parents[1] / "queries"


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    title: str
    description: str
    query: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def parse(name: str, text: str, where: str = "") -> NamedQuery:
    """Read the header of one named query; a file without a title is a mistake worth naming."""
    title, description = "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        if key.strip().lower() == "title":
            title = value.strip()
        elif key.strip().lower() == "description":
            description.append(value.strip())
    if not title:
        raise QueryError(f"{where or name}:1: a named query starts with a '# title: …' line")
    return NamedQuery(name, title, " ".join(description), text)


def load_all(folder: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query of the folder, by name."""
    return [
        parse(path.stem, path.read_text(encoding="utf-8"), str(path)) for path in sorted(folder.glob("*.rq"))
    ]


def get(name: str, folder: Path = QUERIES_DIR) -> NamedQuery:
    path = folder / f"{name}.rq"
    if "/" in name or not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.rq"))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise QueryError(f"unknown named query '{name}'; {hint}known: {', '.join(known)} (in {folder})")
    return parse(name, path.read_text(encoding="utf-8"), str(path))
