"""Progress bars for long runs (rich), off when asked or when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def file_progress(disable: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """Yield an `on_file(path, number, total)` callback that drives one progress bar on stderr."""
    if disable or not sys.stderr.isatty():
        yield lambda _path, _number, _total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("ingest", total=None)

        def on_file(path: str, number: int, total: int) -> None:
            progress.update(task, completed=number - 1, total=total, description=path[-40:])

        yield on_file
