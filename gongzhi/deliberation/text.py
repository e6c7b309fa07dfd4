"""Normalising Chinese statements and finding near-identical ones (no Django)."""

from __future__ import annotations

import unicodedata

SIMILAR = 0.8


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, no punctuation, symbols or whitespace."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard index of the character bigrams of two normalised texts."""
    if a == b:
        return 1.0
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def most_similar(text: str, candidates: list[tuple[int, str]]) -> tuple[int, float] | None:
    """(id, similarity) of the closest candidate at or above ``SIMILAR``, else None."""
    best: tuple[int, float] | None = None
    grams = bigrams(text)
    for pk, other in candidates:
        if other == text:
            return pk, 1.0
        og = bigrams(other)
        if not grams or not og:
            continue
        s = len(grams & og) / len(grams | og)
        if s >= SIMILAR and (best is None or s > best[1]):
            best = (pk, s)
    return best
