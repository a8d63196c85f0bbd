"""SPARQL over the graph: a read-only, abuse-safe endpoint (`kg serve`), local queries (`kg query`), push.

Nothing heavy is imported here; each submodule imports pyoxigraph where it needs it.
"""
