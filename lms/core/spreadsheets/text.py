"""The character checks every importer applies to a name or a text cell."""

import unicodedata


def has_control_characters(value: str, *, line_breaks_allowed: bool = True) -> bool:
    """Whether `value` holds a character no name or text cell may carry: a control character
    (NUL above all; tab and line breaks too unless `line_breaks_allowed`), or a lone
    surrogate."""
    allowed = "\t\n\r" if line_breaks_allowed else ""
    return any(unicodedata.category(char) in ("Cc", "Cs") and char not in allowed for char in value)


# Invisible characters that change how text reads: format characters ("Cf": the right-to-left
# override U+202E, the zero-width space U+200B, ...) and the line and paragraph separators.
INVISIBLE_CATEGORIES = ("Cf", "Zl", "Zp")


def invisible_character(value: str) -> str | None:
    """The first invisible or direction-changing character in `value` (see
    INVISIBLE_CATEGORIES), or None. A name printed on a certificate may carry none: U+202E
    shows "Ahmad\u202eignaS" as "AhmadSangi"."""
    return next(
        (char for char in value if unicodedata.category(char) in INVISIBLE_CATEGORIES), None
    )
