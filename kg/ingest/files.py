"""Finding post files under the paths a user gives, and reading their bytes with a size limit.

Folder rule: recursive, `*.md` / `*.markdown` (any case), hidden folders and files skipped, sorted. A
`README.md` in a folder that also has sub-folders describes that collection (the corpus's own README is a
table of series) and is not a post, so it is skipped; a `README.md` in a leaf folder (tgik's
`episodes/NNN/README.md`) is a post. Hugo's `_index.md` section pages are skipped too. A file named
explicitly on the command line is always read, whatever its name.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from kg.errors import KgError, RejectedFile

MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".md", ".markdown")
_COLLECTION_PAGES = ("readme.md", "readme.markdown")
_SECTION_PAGES = ("_index.md", "_index.markdown")


def discover(paths: Sequence[str]) -> list[str]:
    """Absolute paths of the post files under `paths`, sorted; a path that does not exist is a KgError."""
    found: set[str] = set()
    for given in paths:
        path = os.path.abspath(given)
        if os.path.isfile(path):
            found.add(path)
        elif os.path.isdir(path):
            found.update(_walk(path))
        else:
            raise KgError(f"{given}: no such file or folder; give post files or folders of posts")
    return sorted(found)


def _walk(root: str) -> list[str]:
    posts: list[str] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in files:
            lower = name.lower()
            if name.startswith(".") or not lower.endswith(SUFFIXES) or lower in _SECTION_PAGES:
                continue
            if lower in _COLLECTION_PAGES and subfolders:
                continue
            posts.append(os.path.join(folder, name))
    return posts


def read_bytes(path: str) -> bytes:
    """The file's bytes; RejectedFile when it is unreadable or larger than MAX_BYTES."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise RejectedFile(
                    path,
                    f"file is {size / 1024 / 1024:.1f} MB; posts over "
                    f"{MAX_BYTES // 1024 // 1024} MB are not read (is it really a post?)",
                )
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise RejectedFile(path, f"cannot read the file: {error.strerror or error}") from None
    if len(raw) > MAX_BYTES:
        raise RejectedFile(path, f"file grew over {MAX_BYTES // 1024 // 1024} MB while being read")
    return raw
