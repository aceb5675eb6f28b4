"""Extraction of actors, places, dates and incidents from complaint text (spaCy)."""
