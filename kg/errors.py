"""Small named exceptions: every user-facing failure is a KgError whose message says what to do."""

from __future__ import annotations


class KgError(Exception):
    """Root of every error cnkg reports to a user (the CLI prints it without a traceback)."""


class RejectedFile(KgError):
    """A file that cannot be read as a post; the message names the file, the line where known, the reason."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class StoreError(KgError):
    """The database cannot be opened or written."""


class OntologyError(KgError):
    """An ontology file is malformed; the message names the file and the line."""


class QueryError(KgError):
    """A SPARQL query is malformed, refused or too expensive."""
