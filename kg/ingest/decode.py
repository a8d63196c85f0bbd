"""Bytes of a post to text, strictly: UTF-8 (BOM accepted), else GB18030, else the file is rejected.

Characters are never replaced: a post whose bytes do not decode cleanly is refused with the reason, so
every character offset later stored points at what the author wrote.
"""

from __future__ import annotations

import re

from kg.errors import RejectedFile

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# C0 controls other than tab, newline, vertical tab, form feed and carriage return, and DEL: never in text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# A stray control character in a real post (tgik 168 has one \x02 line) is kept as written; text made of
# them is binary. NUL is refused outright before this.
_MAX_CONTROL_SHARE = 0.001
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Share of non-ASCII characters that must be in GB2312 (common hanzi and punctuation) for a GB18030 reading
# to be believed: real Chinese text is nearly all GB2312, while Latin-1 text that happens to be valid GB18030
# (`Ångström` → `舗gstr鰉`) decodes to rare ideographs outside it.
_COMMON_SHARE = 0.9


def decode_post(path: str, raw: bytes) -> tuple[str, str]:
    """Return `(text, encoding)`; `encoding` is `utf-8`, `utf-8-sig` (BOM removed) or `gb18030`."""
    if raw.startswith(_UTF16_BOMS):
        raise RejectedFile(path, "UTF-16 text is not read; save the file as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise RejectedFile(
            path,
            f"binary file (NUL byte at byte {nul}); only markdown text is ingested",
            line=raw.count(b"\n", 0, nul) + 1,
        )
    if raw.startswith(UTF8_BOM):
        body, encoding = raw[len(UTF8_BOM) :], "utf-8-sig"
    else:
        body, encoding = raw, "utf-8"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        if encoding == "utf-8-sig":
            raise _not_text(path, body, utf8_error, "it starts with a UTF-8 BOM but is not UTF-8") from None
        text = _gb18030(path, body, utf8_error)
        encoding = "gb18030"
    controls = _CONTROL.findall(text)
    if len(controls) > _MAX_CONTROL_SHARE * len(text):
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start()) + 1 if first is not None else None
        raise RejectedFile(
            path,
            f"binary file ({len(controls)} control characters such as "
            f"U+{ord(controls[0]):04X}); only markdown text is ingested",
            line=line,
        )
    return text, encoding


def _gb18030(path: str, body: bytes, utf8_error: UnicodeDecodeError) -> str:
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        raise _not_text(path, body, utf8_error, "neither UTF-8 nor GB18030") from None
    non_ascii = _NON_ASCII.findall(text)
    common = sum(1 for ch in non_ascii if _in_gb2312(ch))
    if non_ascii and common / len(non_ascii) < _COMMON_SHARE:
        raise _not_text(
            path, body, utf8_error, "neither UTF-8 nor GB18030 (as GB18030 it reads as rare characters)"
        )
    return text


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _not_text(path: str, body: bytes, error: UnicodeDecodeError, what: str) -> RejectedFile:
    line = body.count(b"\n", 0, error.start) + 1
    bad = body[error.start : error.start + 4].hex(" ")
    return RejectedFile(
        path,
        f"encoding is {what}: invalid byte(s) {bad}; re-save the file as UTF-8 "
        "(characters are never replaced)",
        line=line,
    )
