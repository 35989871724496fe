"""Verification codes: random, typeable, forgiving of the usual typos."""

import secrets

# Crockford's base32: no I, L, O or U, so that a typed code is hard to get wrong.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 bits
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})


def verification_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def verification_code_normalize(text: str) -> str | None:
    """`abcd efgh-ijkl-mnop` as people type it, into the stored `ABCD-EFGH-1JK1-MN0P` form;
    None when it cannot be a code."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_TYPO)
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))
