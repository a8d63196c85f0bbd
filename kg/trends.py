"""Mentions over time as pandas DataFrames: counts per entity and period, rising and falling, first/last seen.

Everything here reads the store (read-only) and returns DataFrames; only mentions in dated issues count.
Periods are labelled `2019-W16` (ISO week), `2019-04` (month), `2019-Q2` (quarter) or `2019` (year).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from kg.errors import KgError
from kg.models import ENTITY_TYPES, Document, Entity, Item, Mention

if TYPE_CHECKING:
    import pandas as pd

    from kg.store import Store

PERIODS = ("week", "month", "quarter", "year")


class TrendError(KgError):
    """A period, type or entity a trend question names is not one the store knows."""


def check_types(types: Sequence[str] | None) -> list[str] | None:
    if not types:
        return None
    unknown = [t for t in types if t not in ENTITY_TYPES]
    if unknown:
        raise TrendError(f"unknown entity type {unknown[0]!r}; use one of {', '.join(ENTITY_TYPES)}")
    return list(types)


def mention_frame(
    store: Store,
    since: dt.date | None = None,
    until: dt.date | None = None,
    types: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per mention in a dated issue: entity, type, label, item, document, series, date, surface,
    method."""
    import pandas as pd

    stmt = (
        select(
            Mention.entity_slug.label("entity"),
            Entity.type,
            Entity.label,
            Mention.item_id.label("item"),
            Document.slug.label("document"),
            Document.series,
            Document.published_date.label("date"),
            Mention.surface,
            Mention.method,
        )
        .join(Item, Item.id == Mention.item_id)
        .join(Document, Document.id == Item.document_id)
        .join(Entity, Entity.slug == Mention.entity_slug)
        .where(Document.published_date.is_not(None))
    )
    if since is not None:
        stmt = stmt.where(Document.published_date >= since)
    if until is not None:
        stmt = stmt.where(Document.published_date <= until)
    wanted = check_types(types)
    if wanted:
        stmt = stmt.where(Entity.type.in_(wanted))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    columns = ["entity", "type", "label", "item", "document", "series", "date", "surface", "method"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def period_labels(dates: pd.Series, by: str) -> pd.Series:
    """`2019-04-16` -> `2019-W16` / `2019-04` / `2019-Q2` / `2019`."""
    if by not in PERIODS:
        raise TrendError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")
    if dates.empty:
        return dates.astype("object")
    if by == "week":
        iso = dates.dt.isocalendar()
        return iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)
    if by == "month":
        return dates.dt.strftime("%Y-%m")
    if by == "quarter":
        return dates.dt.year.astype(str) + "-Q" + dates.dt.quarter.astype(str)
    return dates.dt.year.astype(str)


_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|W(\d{2})|(\d{2})))?$")


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """`2019-Q2` -> ("quarter", 2019-04-01, 2019-06-30); also `2019`, `2019-04`, `2019-W16`."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise TrendError(f"cannot read period {text!r}; write 2019, 2019-Q2, 2019-04 or 2019-W16")
    year = int(match.group(1))
    quarter, week, month = match.group(2), match.group(3), match.group(4)
    try:
        if quarter:
            first = dt.date(year, 3 * int(quarter) - 2, 1)
            return "quarter", first, _month_end(year, 3 * int(quarter))
        if week:
            first = dt.date.fromisocalendar(year, int(week), 1)
            return "week", first, first + dt.timedelta(days=6)
        if month:
            return "month", dt.date(year, int(month), 1), _month_end(year, int(month))
    except ValueError as error:
        raise TrendError(f"cannot read period {text!r}: {error}") from error
    return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def counts(
    store: Store,
    by: str = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
    entities: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mentions per entity per period: period, entity, label, type, mentions, items, issues (sorted)."""
    frame = mention_frame(store, since, until, types)
    if entities:
        frame = frame[frame["entity"].isin(list(entities))]
    frame = frame.assign(period=period_labels(frame["date"], by))
    grouped = frame.groupby(["period", "entity", "label", "type"], as_index=False).agg(
        mentions=("item", "size"), items=("item", "nunique"), issues=("document", "nunique")
    )
    return grouped.sort_values(["period", "mentions", "entity"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def top(
    store: Store,
    period: str | None = None,
    type: str | None = None,
    limit: int = 20,
) -> pd.DataFrame:
    """The most mentioned entities in a period (all time when None): rank, entity, label, type, mentions,
    items, issues."""
    since = until = None
    if period:
        _by, since, until = parse_period(period)
    frame = mention_frame(store, since, until, [type] if type else None)
    grouped = frame.groupby(["entity", "label", "type"], as_index=False).agg(
        mentions=("item", "size"), items=("item", "nunique"), issues=("document", "nunique")
    )
    grouped = grouped.sort_values(["mentions", "items", "entity"], ascending=[False, False, True]).head(limit)
    grouped.insert(0, "rank", range(1, len(grouped) + 1))
    return grouped.reset_index(drop=True)


def movers(
    store: Store,
    by: str = "month",
    period: str | None = None,
    min_support: int = 3,
    types: Sequence[str] | None = None,
    limit: int = 20,
    rising: bool = True,
) -> pd.DataFrame:
    """Entities rising (or falling) in `period` against the period before it (default: the latest period).

    growth = (mentions - previous) / max(previous, 1); only entities with at least `min_support` mentions in
    the busier of the two periods are ranked, so one mention more of a rare name is no trend.
    """
    table = counts(store, by=by, types=types)
    if table.empty:
        return table.assign(previous=[], growth=[])
    # The periods of the whole store, not of the types asked for: a type nobody named last month fell.
    periods = store_periods(store, by)
    current = period or periods[-1]
    if current not in periods:
        raise TrendError(
            f"no dated mentions in period {current!r}; the store has {periods[0]} to {periods[-1]}"
        )
    index = periods.index(current)
    previous = periods[index - 1] if index > 0 else None
    now = table[table["period"] == current].set_index("entity")
    before = table[table["period"] == previous].set_index("entity") if previous else now.iloc[0:0]
    import pandas as pd

    keys = now.index.union(before.index)
    names = pd.concat([now[["label", "type"]], before[["label", "type"]]])
    merged = names[~names.index.duplicated()].reindex(keys)
    merged["mentions"] = now["mentions"].reindex(keys).fillna(0).astype(int)
    merged["previous"] = before["mentions"].reindex(keys).fillna(0).astype(int)
    merged = merged[merged[["mentions", "previous"]].max(axis=1) >= min_support]
    merged["growth"] = (merged["mentions"] - merged["previous"]) / merged["previous"].clip(lower=1)
    merged = merged[merged["growth"] > 0] if rising else merged[merged["growth"] < 0]
    merged["period"] = current
    merged["previous_period"] = previous
    merged = merged.reset_index(names="entity")
    order = [not rising, not rising, True]
    merged = merged.sort_values(["growth", "mentions", "entity"], ascending=order).head(limit)
    columns = ["period", "previous_period", "entity", "label", "type", "mentions", "previous", "growth"]
    return merged[columns].reset_index(drop=True)


def store_periods(store: Store, by: str = "month") -> list[str]:
    """The periods that have a dated issue, in order."""
    import pandas as pd

    with store.engine.connect() as conn:
        stmt = select(Document.published_date).where(Document.published_date.is_not(None)).distinct()
        dates = pd.Series(pd.to_datetime([row[0] for row in conn.execute(stmt)]))
    return sorted(period_labels(dates, by).unique())


def first_last_seen(store: Store, types: Sequence[str] | None = None) -> pd.DataFrame:
    """Per entity: first_seen, last_seen (dates of issues), mentions, issues; most mentioned first."""
    frame = mention_frame(store, types=types)
    grouped = frame.groupby(["entity", "label", "type"], as_index=False).agg(
        first_seen=("date", "min"), last_seen=("date", "max"), mentions=("item", "size"),
        issues=("document", "nunique"),
    )  # fmt: skip
    return grouped.sort_values(["mentions", "entity"], ascending=[False, True]).reset_index(drop=True)
