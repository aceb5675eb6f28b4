"""Who is who across documents: the keys under which entities are the same.

Two mentions in different complaints are one actor when their keys are equal: the key
forgives accents, case and the usual spelling variants of Peruvian names (Grández/
Grandes, Córdova/Córdoba, Cacataibo/Kakataibo) but not a missing name part, so a surname
alone does not merge with a full name here; that is a decision for a person to review.
"""

from __future__ import annotations

from nlp.places import FEATURE_LEVELS
from nlp.result import Entity
from nlp.text import fold, phonetic


def identity_key(e: Entity) -> str:
    """The cross-document identity of an entity (type included)."""
    if e.type == "place":
        if e.ubigeo and e.level in FEATURE_LEVELS:  # a river, a town: in that unit, not it
            return f"place:{e.ubigeo}:{fold(e.canonical)}"
        return f"place:{e.ubigeo}" if e.ubigeo else f"place:{fold(e.canonical)}"
    return f"{e.type}:{phonetic(e.canonical)}"
