"""One post's bytes to a DocumentRecord: decode, front matter, blocks, items, metadata (pure but for one
read: an undated companion file takes the date of the main post beside it, see `kg.ingest.meta`)."""

from __future__ import annotations

from kg.errors import RejectedFile
from kg.ingest.blocks import Block, plain_text, scan_blocks
from kg.ingest.decode import decode_post
from kg.ingest.frontmatter import front_title_span, split_front_matter
from kg.ingest.items import build_items
from kg.ingest.meta import issue_number, names, published, series_and_slug, tags, title_of
from kg.models import DocumentRecord


def parse_post(path: str, raw: bytes, content_hash: str, strict_dates: bool = True) -> DocumentRecord:
    """Parse one post; a file that cannot be read as a post raises RejectedFile (file, line, reason).

    Without `strict_dates` (linking only: `kg extract`, the scorer) a date that is no date does not reject
    the post: it is passed over for the next source and kept in `metadata["date_problems"]`."""
    text, encoding = decode_post(path, raw)
    front = split_front_matter(path, text)
    scan = scan_blocks(text, front.body_start)
    body_line = text.count("\n", 0, front.body_start) + 1
    title_block = _title_block(text, scan.blocks, front.data.get("title"))
    heading = plain_text(text[title_block.start : title_block.end]) if title_block is not None else None
    title = title_of(front.data, heading)
    meta = [b for b in scan.blocks if b.kind == "meta" and b.meta is not None]
    recorded = [(b.meta[1], body_line + b.first_line) for b in meta if b.meta and b.meta[0] == "recorded"]
    passed_over: list[RejectedFile] | None = None if strict_dates else []
    date, date_source = published(path, front, recorded, passed_over)
    series, slug = series_and_slug(path, front.data)
    authors = names(
        [front.data.get("author"), front.data.get("authors")]
        + [b.meta[1] for b in meta if b.meta and b.meta[0] == "authors"]
    )
    editors = names(
        [front.data.get("editor"), front.data.get("editors")]
        + [b.meta[1] for b in meta if b.meta and b.meta[0] == "editors"]
    )
    videos = [b.meta[1] for b in meta if b.meta and b.meta[0] == "video"]
    title_span = front_title_span(text, front) if title_block is None else (title_block.start,
                                                                            title_block.end)
    items = build_items(text, scan.blocks, scan.refs, scan.excluded, title_block, title_span)
    return DocumentRecord(
        path=path,
        slug=slug,
        series=series,
        title=title,
        issue_number=issue_number(title, path),
        published_at=date.published_at if date else None,
        published_date=date.date if date else None,
        utc_offset_minutes=date.utc_offset_minutes if date else None,
        authors=authors,
        editors=editors,
        tags=tags(front.data),
        content_hash=content_hash,
        encoding=encoding,
        source=text,
        items=items,
        metadata={
            "front_matter": front.format,
            "date_source": date_source,
            **({"date_problems": [str(problem) for problem in passed_over]} if passed_over else {}),
            "videos": videos,
            "body_start": front.body_start,
        },
    )


def _title_block(text: str, blocks: list[Block], front_title: object) -> Block | None:
    """A leading H1 is the post's title (not a section) when front matter has no title or the same one."""
    first = next((b for b in blocks if b.kind != "meta"), None)
    if first is None or first.kind != "heading" or first.level != 1:
        return None
    heading = plain_text(text[first.start : first.end])
    if front_title is None or str(front_title).strip() in ("", heading):
        return first
    return None
