"""The ingest stage: post files in, DocumentRecords (metadata, items, links with exact spans) out.

    discover(paths)             -> sorted post files        (kg.ingest.files)
    read_bytes(path)            -> bytes, size-limited      (kg.ingest.files)
    parse_post(path, raw, hash) -> DocumentRecord           (kg.ingest.post: decode → front matter →
                                                             blocks → items + links → metadata)
Every rule lives in the module docstring of the step that applies it.
"""

from __future__ import annotations

from kg.ingest.files import MAX_BYTES, discover, read_bytes
from kg.ingest.post import parse_post

__all__ = ["MAX_BYTES", "discover", "parse_post", "read_bytes"]
