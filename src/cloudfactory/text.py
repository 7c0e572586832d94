"""Text rules for every record: folding for search, and what may be stored."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Letters that NFKD does not split into a base letter and an accent.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "þ": "th", "æ": "ae", "œ": "oe"}
)


def fold(text: str) -> str:
    """Lower case, accents stripped, spaces collapsed: "Müller  SA" -> "muller sa"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_EXTRA_FOLDS).split())


def counted(n: int, one: str, many: str = "") -> str:
    """ "1 customer", "1,284 customers": `n` and its noun, singular for 1."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def search_text(*fields: str) -> str:
    """A record's folded search column: its searchable fields, folded and joined."""
    return " ".join(fold(field) for field in fields if field)


class UnfitText(ValueError):
    """Text a record cannot keep. The message is a sentence for staff."""


# What stored text never holds: controls (Cc: NUL, escape, ...), invisible
# formatting (Cf: the bidi overrides and isolates U+202A-U+202E and
# U+2066-U+2069, zero-width U+200B-U+200F, the BOM U+FEFF, ...), line and
# paragraph separators (Zl, Zp) and lone surrogates (Cs, no UTF-8 form).
# "Invoice \u202egnp.exe" would show as "Invoice exe.png".
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# What text of several lines (a reason, an address) may hold besides.
LINE_BREAKS = frozenset("\n\r\t")
# The longest address SMTP carries, and so the email columns' length.
EMAIL_MAX_LENGTH = 254


def fit_text(
    value: str, *, what: str, max_length: int | None, lines: bool = False
) -> str:
    """`value` stripped, if a record can keep it as `what` ("The name"): at
    most `max_length` characters (None: any length), no control or invisible
    formatting character (line breaks and tabs allowed when `lines`).
    UnfitText with a sentence otherwise."""
    text = value.strip()
    if max_length is not None and len(text) > max_length:
        raise UnfitText(
            f"{what} is {len(text):,} characters long; at most {max_length:,} fit."
        )
    for char in text:
        if lines and char in LINE_BREAKS:
            continue
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            raise UnfitText(
                f"{what} holds an invisible or control character "
                f"(U+{ord(char):04X}); type it again without it."
            )
    return text


def fit_email(value: str, *, what: str = "The email address") -> str:
    """`value` stripped and in lower case, if it is a valid email address
    (Django's validate_email) that fits its column; UnfitText otherwise."""
    email = fit_text(value, what=what, max_length=EMAIL_MAX_LENGTH).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise UnfitText(f"{what} “{email}” is not a valid email address.") from None
    return email
