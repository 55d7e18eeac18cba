"""Words compared as people type them: whatever their case, accents, spaces and punctuation."""

import unicodedata


def letters_and_digits(words: str) -> str:
    """'Médico o médica de planta' → 'medicoomedicadeplanta'."""
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.casefold() if c.isalnum())
