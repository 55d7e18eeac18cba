"""Reading the Spanish catalogues and the messages extracted from the code the same way in every catalogue test: a
plural message gives both its forms, its singular paired with the Spanish form for one, its plural with the form for
many."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po


def spanish(po: Path) -> dict[str, str]:
    with po.open("rb") as source:
        entries = [m for m in read_po(source) if m.id]
    pairs = [zip(m.id, (m.string[0], m.string[-1]), strict=True) if m.pluralizable else [(m.id, m.string)]
             for m in entries]
    return {message: translation for pair in pairs for message, translation in pair}


def forms(extracted) -> set[str]:
    """Each message babel's `extract_from_dir` found, both forms of a plural one."""
    return {form for _, _, message, _, _ in extracted
            for form in ((message,) if isinstance(message, str) else message) if form}
