"""Reading the Spanish catalogues and the messages extracted from the code the same way in every catalogue test: a
plural message gives both its forms, its singular paired with the Spanish form for one, its plural with the form for
many."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from web.adapters.rendering import in_context


def spanish(po: Path) -> dict[str, str]:
    """Each message (one in context keyed as `in_context` keys it) with its translation."""
    with po.open("rb") as source:
        entries = [m for m in read_po(source) if m.id]
    pairs = [zip(m.id, (m.string[0], m.string[-1]), strict=True) if m.pluralizable else [(m.id, m.string)]
             for m in entries]
    return {in_context(m.context, message) if m.context else message: translation
            for m, pair in zip(entries, pairs, strict=True) for message, translation in pair}


def forms(extracted) -> set[str]:
    """Each message babel's `extract_from_dir` found, both forms of a plural one, one in context keyed as
    `in_context` keys it."""
    return {in_context(context, form) if context else form for _, _, message, _, context in extracted
            for form in ((message,) if isinstance(message, str) else message) if form}
