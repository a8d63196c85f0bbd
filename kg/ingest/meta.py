"""Document metadata: series, slug, title, issue number, publication date, authors, editors and tags.

Series: the first folder on the path named like one of the five known series (../shared/corpus/README.md),
else front matter `series`, else the folder holding the post (for `index.md`/`README.md`, the folder above).
Slug: series + the post's path below the series folder without extension, `index`/`README` dropped
(`lwkd/2018-01-14-update`, `devopsish/200/newsletter`, `tgik/150`); stable across runs and machines.
Date, first found wins: front matter `date` (or `publishDate`), the Jekyll file name `YYYY-MM-DD-...`, a
`Recording date:` line, the date of the main post beside a companion file (devopsish `notes.md` takes
`newsletter.md`'s); else unknown. An impossible date anywhere rejects the file, unless the caller only
wants the text linked (`kg extract`): then that date is passed over for the next source and reported.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from kg.errors import KgError, RejectedFile
from kg.ingest.blocks import plain_text
from kg.ingest.dates import PostDate, date_from_file_name, parse_date
from kg.ingest.frontmatter import FrontMatter

KNOWN_SERIES = ("cloud-native-weekly-zh", "sofa-weekly", "lwkd", "devopsish", "tgik")
INDEX_STEMS = ("index", "readme", "_index")
# The main post of a folder, whose date an undated companion file (notes.md, events.md) takes.
MAIN_POSTS = ("newsletter.md", "index.md", "README.md")
DATE_KEYS = ("date", "publishDate", "published", "pubDate")
MAX_SIBLING_BYTES = 5 * 1024 * 1024

_ISSUE_PATTERNS = (
    re.compile(r"第\s*(\d{1,5})\s*期"),
    re.compile(r"DevOps['’]ish\s+#?(\d{1,5})\b", re.IGNORECASE),
    re.compile(r"\b(?:Issue|Episode|Ep\.|No\.)\s*#?\s*(\d{1,5})\b", re.IGNORECASE),
    re.compile(r"^\s*(\d{1,5})\s*[:：]"),
    re.compile(r"(?:^|\s)#(\d{1,5})\b"),
)
_NAME_SPLIT = re.compile(r"[,，、;；]|\s+(?:and|with guest|with|&)\s+", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BODY_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_MAX_NAME = 40


def series_and_slug(path: str, front: Mapping[str, Any]) -> tuple[str, str]:
    parts = PurePath(path).parts
    stem = PurePath(path).stem
    is_index = stem.lower() in INDEX_STEMS
    for at, part in enumerate(parts[:-1]):
        if part in KNOWN_SERIES:
            below = [*parts[at + 1 : -1]] + ([] if is_index else [stem])
            return part, "/".join([part, *below]) if below else part
    declared = front.get("series")
    if isinstance(declared, list) and declared:
        declared = declared[0]
    if isinstance(declared, str) and declared.strip():
        series = "-".join(declared.strip().lower().split())
    else:
        holder = parts[-3] if is_index and len(parts) >= 3 else parts[-2] if len(parts) >= 2 else "posts"
        series = holder
    identity = parts[-2] if is_index and len(parts) >= 2 else stem
    return series, f"{series}/{identity}"


def title_of(front: Mapping[str, Any], heading: str | None) -> str | None:
    title = front.get("title")
    if title is not None and str(title).strip():
        return str(title).strip()
    return heading or None


def issue_number(title: str | None, path: str) -> int | None:
    for pattern in _ISSUE_PATTERNS:
        match = pattern.search(title or "")
        if match is not None:
            return int(match.group(1))
    folder = PurePath(path).parent.name
    return int(folder) if folder.isdigit() and len(folder) <= 5 else None


def published(
    path: str, front: FrontMatter, recorded: Iterable[tuple[str, int]],
    passed_over: list[RejectedFile] | None = None,
) -> tuple[PostDate | None, str]:
    """(date, where it came from); `recorded` holds (value, file line) of `Recording date:` lines. A date
    that is no date rejects the file, or, given a `passed_over` list, goes on it and the next source
    is tried."""

    def bad(error: RejectedFile) -> None:
        if passed_over is None:
            raise error
        passed_over.append(error)

    for key in DATE_KEYS:
        value = front.data.get(key)
        if value is None or value == "":
            continue
        try:
            return PostDate.from_value(value), "front matter"
        except ValueError as error:
            bad(RejectedFile(path, str(error), line=front.line_of(key)))
    from_name = None
    try:
        from_name = date_from_file_name(PurePath(path).stem)
    except ValueError as error:
        bad(RejectedFile(path, f"file name {error}"))
    if from_name is not None:
        return from_name, "file name"
    for value, line in recorded:
        match = _BODY_DATE.match(value)
        if match is None:
            continue
        try:
            return parse_date(match.group()), "body"
        except ValueError as error:
            bad(RejectedFile(path, str(error), line=line))
    sibling = _sibling_date(path)
    if sibling is not None:
        return sibling, "main post"
    return None, "unknown"


def _sibling_date(path: str) -> PostDate | None:
    """The date of the folder's main post, for an undated companion file such as devopsish notes.md.

    This is the one read parse_post does besides its own bytes; a changed main post does not re-date an
    unchanged companion until the companion itself changes.
    """
    folder, name = os.path.split(path)
    if name in MAIN_POSTS:
        return None
    for main in MAIN_POSTS:
        candidate = os.path.join(folder, main)
        try:
            stat = os.stat(candidate)
        except OSError:
            continue
        return _front_matter_date(candidate, stat.st_mtime_ns, stat.st_size)
    return None


@functools.lru_cache(maxsize=256)
def _front_matter_date(path: str, _mtime_ns: int, size: int) -> PostDate | None:
    from kg.ingest.decode import decode_post
    from kg.ingest.frontmatter import split_front_matter

    if size > MAX_SIBLING_BYTES:
        return None
    try:
        with open(path, "rb") as handle:
            text, _ = decode_post(path, handle.read())
        front = split_front_matter(path, text)
        value = next((front.data[k] for k in DATE_KEYS if front.data.get(k) not in (None, "")), None)
        return PostDate.from_value(value) if value is not None else None
    except (OSError, KgError, ValueError):
        return None


def names(values: Iterable[object]) -> tuple[str, ...]:
    """Person names from front matter values and body lines, split, cleaned and de-duplicated."""
    found: list[str] = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, list | tuple):
            found.extend(names(value))
            continue
        if isinstance(value, dict):
            value = value.get("name", "")
        for part in _NAME_SPLIT.split(plain_text(str(value)).split("。")[0]):
            part = part.strip().strip("[]").strip()
            pieces = part.split() if _CJK.search(part) and not re.search(r"[A-Za-z]", part) else [part]
            found.extend(p for p in pieces if p and len(p) <= _MAX_NAME)
    return _unique(found)


def tags(front: Mapping[str, Any]) -> tuple[str, ...]:
    values: list[str] = []
    for key in ("tags", "categories", "keywords"):
        value = front.get(key)
        items = value if isinstance(value, list) else [value] if value is not None else []
        values.extend(str(v).strip() for v in items if v is not None and str(v).strip())
    return _unique(values)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return tuple(out)
