"""Publication dates as authors write them: parsed by us (never by the YAML loader), validated, offset kept.

`2019-04-16T19:35:39+08:00` stays that string in `published_at`; its local date (2019-04-16) and its UTC
offset (480 minutes) are kept beside it, so a post is counted on the day its author published it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"[ \t]*(?:(?P<z>[Zz])|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2}))?"
)


@dataclass(frozen=True, slots=True)
class PostDate:
    published_at: str  # as written
    date: dt.date  # the local date at the author's offset
    utc_offset_minutes: int | None  # None when no offset was written

    @classmethod
    def from_value(cls, value: object) -> PostDate:
        """A front matter value (string, or a date/datetime from TOML) as a PostDate; ValueError says why."""
        if isinstance(value, dt.datetime):
            offset = value.utcoffset()
            minutes = int(offset.total_seconds() // 60) if offset is not None else None
            return cls(value.isoformat(), value.date(), minutes)
        if isinstance(value, dt.date):
            return cls(value.isoformat(), value, None)
        if not isinstance(value, str):
            raise ValueError(f"date {value!r} is not a date; write it as YYYY-MM-DD or an ISO 8601 timestamp")
        return parse_date(value)


def parse_date(text: str) -> PostDate:
    """Parse `YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z|±HH[:]MM]`; ValueError says why it is impossible."""
    written = text.strip()
    match = _ISO.fullmatch(written)
    if match is None:
        raise ValueError(f"date {written!r} is not a date; write it as YYYY-MM-DD or an ISO 8601 timestamp")
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        if match["H"] is not None:
            dt.time(int(match["H"]), int(match["M"]), int(match["S"] or 0))
    except ValueError as error:
        raise ValueError(f"date {written!r} is impossible ({error})") from None
    minutes: int | None = None
    if match["z"]:
        minutes = 0
    elif match["sign"]:
        hours, mins = int(match["oh"]), int(match["om"])
        if hours > 18 or mins > 59:
            raise ValueError(f"date {written!r} has an impossible UTC offset")
        minutes = (hours * 60 + mins) * (-1 if match["sign"] == "-" else 1)
    return PostDate(written, day, minutes)


_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:-|$)")


def date_from_file_name(stem: str) -> PostDate | None:
    """Jekyll's `YYYY-MM-DD-title` file names; an impossible date there raises ValueError."""
    match = _FILE_DATE.match(stem)
    if match is None:
        return None
    return parse_date(stem[: match.end(3)])
