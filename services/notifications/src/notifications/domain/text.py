"""Text from other services' events, made safe before it is kept or put in a message: a display name, a title or a
place is one line without control characters, of bounded length; a bio keeps its line breaks and nothing else.

Profiles and events refuse such input at their APIs, but a message already on a topic, or a producer that lets one
through, must not break an email header (a CR/LF in a partner's name), an `.ics` line or a database row (a NUL)."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = ("Cc", "Cf", "Cs", "Zl", "Zp")
_KEPT_FORMAT = {"\u200d"}  # the zero-width joiner, inside emoji sequences


def _printable(character: str) -> bool:
    return unicodedata.category(character) not in _CONTROL or character in _KEPT_FORMAT


# Runs of spaces become one; a no-break space (as in "6:00 PM") stays what it is.
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


def one_line(value: str | None, limit: int = 200) -> str | None:
    """Every control character, line or paragraph break becomes a space; runs of spaces one; cut at `limit`."""
    if value is None:
        return None
    # Printable ASCII (most names, titles and subjects) has no control character to look for one by one.
    kept = value if value.isascii() and value.isprintable() else "".join(c if _printable(c) else " " for c in value)
    text = _SPACES.sub(" ", kept).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def paragraphs(value: str | None, limit: int = 2000) -> str | None:
    """Line breaks kept (as LF, at most one blank line in a row); every other control character removed."""
    if value is None:
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c if c == "\n" or _printable(c) else " " for c in text)
    text = "\n".join(re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")


def is_address(value: str | None) -> bool:
    """An email address we can write in a header as it is: local@domain, nothing around it."""
    return value is not None and len(value) <= 254 and _ADDRESS.fullmatch(value) is not None
