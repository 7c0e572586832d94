"""Folding text for search: one rule for every record and every query."""

import unicodedata

# Letters that NFKD does not split into a base letter and an accent.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "þ": "th", "æ": "ae", "œ": "oe"}
)


def fold(text: str) -> str:
    """Lower case, accents stripped, spaces collapsed: "Müller  SA" -> "muller sa"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_EXTRA_FOLDS).split())


def search_text(*fields: str) -> str:
    """A record's folded search column: its searchable fields, folded and joined."""
    return " ".join(fold(field) for field in fields if field)
