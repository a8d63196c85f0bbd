"""Front matter of a post (YAML `---`, TOML `+++`, JSON `{...}`) split from its body and parsed safely.

YAML is read with a loader that keeps YAML 1.1 surprises out (`no`, `on`, `yes` stay strings, dates stay
strings for `kg.ingest.dates` to parse, `010` is not octal eight, `1:20` is not eighty), refuses tags other
than the plain ones, and refuses alias bombs by counting aliases and the size of the expanded document.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from kg.errors import RejectedFile

MAX_ALIASES = 50
MAX_FRONT_MATTER = 100_000  # characters; real front matter is a few hundred
MAX_EXPANDED_NODES = 10_000

_YAML_OPEN = re.compile(r"---[ \t]*\r?\n")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*\r?\n")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)
_TOML_LINE = re.compile(r"line (\d+)")
# JSON front matter, but not a `{{< shortcode >}}` that a Hugo post may start with.
_JSON_OPEN = re.compile(r"\{[ \t]*(?:\"|\}|\r?\n)")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Parsed front matter: its keys, its format, where the body starts and the text it was read from."""

    data: dict[str, Any]
    format: str  # yaml | toml | json | none
    body_start: int  # offset of the first body character in the decoded text
    text: str  # the front matter source between the fences (for key line numbers)
    first_line: int  # line number (1-based) in the file of the first line of `text`

    def line_of(self, key: str) -> int | None:
        """The file line on which `key` is set, for messages about its value."""
        pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[:=]", re.MULTILINE)
        match = pattern.search(self.text)
        if match is None:
            return None
        return self.first_line + self.text.count("\n", 0, match.start())


NO_FRONT_MATTER = FrontMatter({}, "none", 0, "", 1)

# `title: '116: Licenses'`, `title = "..."`, `"title": "...",`: the value's span on its own line.
_TITLE_LINE = re.compile(
    r"^[ \t]*[\"']?title[\"']?[ \t]*[:=][ \t]*"
    r"(?:\"(?P<dq>[^\"\n]*)\"|'(?P<sq>(?:[^'\n]|'')*)'|(?P<plain>[^\"'|>\s][^\n]*?))[ \t]*,?[ \t]*\r?$",
    re.MULTILINE,
)


def front_title_span(text: str, front: FrontMatter) -> tuple[int, int] | None:
    """Where the front matter's title is written in `text` (a one-line value), for the title item."""
    if front.format == "none" or not str(front.data.get("title") or "").strip():
        return None
    title = str(front.data["title"]).strip()
    for match in _TITLE_LINE.finditer(text, 0, front.body_start):
        group = next(g for g in ("dq", "sq", "plain") if match.group(g) is not None)
        written = match.group(group).replace("''", "'") if group == "sq" else match.group(group)
        if written.strip() == title:  # the top-level title, not a nested `title:` of another key
            return _stripped(text, *match.span(group))
    return None


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    return (start, end) if start < end else None


def split_front_matter(path: str, text: str) -> FrontMatter:
    """Find and parse the front matter at the top of `text`; a post without any gets `NO_FRONT_MATTER`."""
    if _YAML_OPEN.match(text):
        return _fenced(path, text, _YAML_OPEN, _YAML_CLOSE, "yaml", "---", _load_yaml)
    if _TOML_OPEN.match(text):
        return _fenced(path, text, _TOML_OPEN, _TOML_CLOSE, "toml", "+++", _load_toml)
    if _JSON_OPEN.match(text):
        return _json(path, text)
    return NO_FRONT_MATTER


def _fenced(
    path: str, text: str, opener: re.Pattern[str], closer: re.Pattern[str], fmt: str, fence: str, load: Any
) -> FrontMatter:
    start = opener.match(text).end()  # type: ignore[union-attr]
    close = closer.search(text, start)
    if close is None:
        raise RejectedFile(
            path, f"front matter opened with '{fence}' is never closed; add a '{fence}' line after it", line=1
        )
    inner = text[start : close.start()]
    if len(inner) > MAX_FRONT_MATTER:
        raise RejectedFile(
            path,
            f"front matter is {len(inner):,} characters; over {MAX_FRONT_MATTER:,} it is "
            "not read (is the closing fence missing?)",
            line=1,
        )
    body_start = close.end()
    if text.startswith("\r\n", body_start):
        body_start += 2
    elif text.startswith("\n", body_start):
        body_start += 1
    data = load(path, inner)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RejectedFile(path, f"front matter is a {_kind(data)}, not a mapping of keys to values", line=1)
    return FrontMatter({str(k): v for k, v in data.items()}, fmt, body_start, inner, 2)


def _json(path: str, text: str) -> FrontMatter:
    try:
        data, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as error:
        reason = f"JSON front matter does not parse: {error.msg}"
        raise RejectedFile(path, reason, line=error.lineno) from None
    if not isinstance(data, dict):  # cannot happen for text starting with '{', kept for clarity
        raise RejectedFile(path, f"front matter is a {_kind(data)}, not a mapping", line=1)
    newline = re.compile(r"[ \t]*\r?\n?").match(text, end)
    return FrontMatter(
        {str(k): v for k, v in data.items()}, "json", newline.end() if newline else end, text[:end], 1
    )


def _load_toml(path: str, inner: str) -> Any:
    try:
        return tomllib.loads(inner)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE.search(str(error))
        line = int(match.group(1)) + 1 if match else 1
        reason = str(error).split(" (at ", 1)[0]
        raise RejectedFile(path, f"TOML front matter does not parse: {reason}", line=line) from None


# --------------------------------------------------------------------------- YAML

_DROPPED = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}


_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _firsts in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
):
    for _first in _firsts:
        _RESOLVERS.setdefault(_first, []).append((_tag, re.compile(_pattern)))

# Every alias is `*` followed by its name, so this over-counts (it also sees `*` inside strings) but never
# under-counts: front matter under the limit by this count may use libyaml, which cannot count for us.
_ALIAS_LIKE = re.compile(r"\*[^\s,\[\]{}]")
_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CSafeLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """The same rules on libyaml, about fifteen times faster than the pure-Python loader."""

        yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = _RESOLVERS

    _FastLoader = _CSafeLoader


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like plain scalars: only true/false are booleans, only decimals are ints."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = _RESOLVERS

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(_Refusal(f"more than {MAX_ALIASES} aliases (alias bomb?)", mark.line))
        return super().compose_node(parent, index)


@dataclass(frozen=True, slots=True)
class _Refusal:
    reason: str
    line: int  # 0-based within the front matter


def _load_yaml(path: str, inner: str) -> Any:
    few_aliases = len(_ALIAS_LIKE.findall(inner)) <= MAX_ALIASES
    loader = _FastLoader(inner) if _FastLoader is not None and few_aliases else _SafeLoader(inner)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else 1
        reason = (error.problem or error.context or "invalid YAML").strip()
        if isinstance(error, yaml.constructor.ConstructorError) and "tag" in reason:
            reason = f"unsafe or unknown YAML tag: {reason}"
        raise RejectedFile(path, f"YAML front matter does not parse: {reason}", line=line) from None
    except yaml.YAMLError as error:
        refusal = error.args[0] if error.args else None
        if isinstance(refusal, _Refusal):
            raise RejectedFile(
                path, f"YAML front matter refused: {refusal.reason}", line=refusal.line + 2
            ) from None
        raise RejectedFile(path, f"YAML front matter does not parse: {error}", line=1) from None
    except RecursionError:
        raise RejectedFile(path, "YAML front matter refused: nested too deeply", line=1) from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    """Refuse documents whose aliases would expand into more than MAX_EXPANDED_NODES values, or loop."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise yaml.YAMLError(
                _Refusal("an alias refers to itself (recursive structure)", node.start_mark.line)
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise yaml.YAMLError(
                _Refusal(
                    f"it expands to more than {MAX_EXPANDED_NODES:,} values (alias bomb?)",
                    node.start_mark.line,
                )
            )
        sizes[key] = total
        return total

    size(root)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return type(value).__name__
