"""Text helpers that keep character offsets: cleaning never changes a text's length."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TAG = re.compile(r"<[^<>\n]{0,200}>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Words and names recur (the same police unit in every other complaint): the folded forms
# of short strings are kept. Longer ones (sentences) are folded afresh, so the cache holds
# at most CACHED entries of at most SHORT characters.
SHORT = 64
CACHED = 65_536


def strip_marks(text: str) -> str:
    """Accents off, case and spaces kept: NFKD, combining marks dropped. The one accent
    folding of the project (``fold`` adds case and spaces; a character at a time it keeps
    offsets)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(text: str) -> str:
    return " ".join(strip_marks(text).casefold().split())


_fold_short = lru_cache(maxsize=CACHED)(_fold)


def fold(text: str) -> str:
    """Lower case, accents stripped, spaces collapsed.

    ``"Córdova  GRÁNDEZ"`` → ``"cordova grandez"``
    """
    return _fold_short(text) if len(text) <= SHORT else _fold(text)


_BLOCK = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|table|section|article)\b", re.IGNORECASE)


def _blank_tag(m: re.Match[str]) -> str:
    """A block tag ends a line (a paragraph is a sentence boundary); others are spaces."""
    tag = m.group()
    return ("\n" + " " * (len(tag) - 1)) if _BLOCK.match(tag) else " " * len(tag)


def blank_markup(text: str) -> str:
    """HTML tags, character entities and control characters become spaces, length kept.

    Offsets into the result are offsets into the original text, so every span the
    pipeline reports points at the complaint as it was received.
    """
    text = _TAG.sub(_blank_tag, text)
    text = _ENTITY.sub(lambda m: " " * len(m.group()), text)
    return _CONTROL.sub(" ", text)


def phonetic(text: str) -> str:
    """A spelling-tolerant key for names: ``Grández``/``Grandes``, ``Córdova``/``Córdoba``,
    ``Kakataibo``/``Cacataibo`` share one."""
    return _phonetic_short(text) if len(text) <= SHORT else _phonetic(text)


def _phonetic(text: str) -> str:
    s = fold(text)
    for a, b in (
        ("qu", "k"),
        ("c", "k"),
        ("z", "s"),
        ("v", "b"),
        ("y", "i"),
        ("ll", "i"),
        ("h", ""),
        ("w", "u"),
        ("gu", "g"),
    ):
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", s)


_phonetic_short = lru_cache(maxsize=CACHED)(_phonetic)
