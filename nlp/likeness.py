"""How alike two actors' names are: the keys they are filed under and the review score.

Pure functions, no store: ``graph.intake.resolution`` files actors under these keys and raises a
``POSSIBLY_SAME_AS`` candidate from this score; ``nlp.evaluate`` replays the same decision
on a gold set without a database.
"""

from __future__ import annotations

import itertools

from rapidfuzz import fuzz

from nlp.lexicon.names import (
    LIKENESS_STOP,
)
from nlp.text import fold, phonetic

REVIEW_FLOOR = 80.0
CONTEXT_BONUS = 10.0


def _words(name: str) -> list[str]:
    words = [phonetic(w) for w in fold(name).replace(".", " ").split()]
    return [w for w in words if len(w) > 3 and w not in LIKENESS_STOP]


def name_keys(name: str) -> list[str]:
    """The index keys an actor's name is written under.

    A name of several words is filed under each pair of neighbouring words
    (``p:grandes mori``) and under each word (``w:grandes``); a one-word name under that
    word alone (``s:grandes``). Look-ups (``query_keys``) then stay selective: full names
    meet full names on a pair, and only one-word names reach the crowded word keys.
    """
    words = _words(name)
    if len(words) == 1:
        return [f"s:{words[0]}"]
    pairs = {f"p:{a} {b}" for a, b in itertools.pairwise(words)}
    return sorted(pairs | {f"w:{w}" for w in words})


def query_keys(name: str) -> list[str]:
    """The keys under which actors that may share ``name``'s identity are filed."""
    words = _words(name)
    if len(words) == 1:
        return [f"w:{words[0]}", f"s:{words[0]}"]
    pairs = {f"p:{a} {b}" for a, b in itertools.pairwise(words)}
    return sorted(pairs | {f"s:{w}" for w in words})


def found_by(name: str, other: str) -> bool:
    """Whether a look-up of ``name`` reaches an actor filed under ``other``."""
    return bool(set(query_keys(name)) & set(name_keys(other)))


def similarity(a: str, b: str) -> float:
    """0..100: how alike two names are, spelling variants forgiven."""
    pa, pb = phonetic(a), phonetic(b)
    wa, wb = pa.split(), pb.split()
    if len(wa) > 1 and len(wb) > 1 and fuzz.ratio(wa[0], wb[0]) < 80:
        return 0.0  # two given names: siblings share surnames, not identities
    whole = fuzz.token_sort_ratio(pa, pb)
    # a surname alone ("Grández") against a full name: the words it has, a little less sure
    subset = fuzz.token_set_ratio(pa, pb) * 0.9
    return float(max(whole, subset))


def review(score: float, shared: int) -> tuple[float, str] | None:
    """The candidate's score and reason from the names' ``similarity`` and the number of
    contexts (community, organisation, dispute) the two share; None under the floor."""
    reasons = [f"names alike ({score:.0f})"]
    if shared and score < REVIEW_FLOOR:  # context decides only where the names leave it open
        score = min(100.0, score + CONTEXT_BONUS)
        reasons.append(f"{shared} shared community or organisation")
    return (score, "; ".join(reasons)) if score >= REVIEW_FLOOR else None


def review_candidate(a: str, b: str, shared: int = 0) -> tuple[float, str] | None:
    """What ``graph.intake.resolution`` decides for two actors of one kind under different nodes."""
    if not (found_by(a, b) or found_by(b, a)):
        return None
    return review(similarity(a, b), shared)
