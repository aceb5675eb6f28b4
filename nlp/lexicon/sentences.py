"""Sentences by their words: the common words that tell Spanish from English, the words
that open a sentence, and the company abbreviations whose period does not end one."""

from __future__ import annotations

import re

LANGUAGE_STOP = {
    "es": {
        "de",
        "la",
        "que",
        "el",
        "en",
        "los",
        "del",
        "se",
        "las",
        "por",
        "un",
        "con",
        "una",
        "su",
        "para",
        "fue",
        "contra",
        "comunidad",
        "sus",
        "al",
    },
    "en": {
        "the",
        "of",
        "and",
        "to",
        "in",
        "was",
        "by",
        "his",
        "her",
        "were",
        "with",
        "on",
        "community",
        "they",
        "from",
        "that",
        "for",
        "has",
        "had",
    },
    # neighbours whose texts share Spanish's short words ("de", "en", "por"): their own
    # words keep a French or Portuguese complaint from being read as a Spanish one
    "fr": {"le", "les", "des", "est", "et", "une", "dans", "pour", "qui", "pas", "du", "au"},
    "pt": {"o", "os", "da", "do", "das", "dos", "foi", "uma", "na", "em", "ao", "pela"},
}


COMPANY_END = re.compile(r"(?:S\.A\.C|S\.A|E\.I\.R\.L|S\.R\.L|S\.A\.A|Inc|Ltd|Corp)\.")


SENTENCE_OPENERS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "en",
        "un",
        "una",
        "desde",
        "durante",
        "según",
        "segun",
        "ese",
        "esa",
        "este",
        "esta",
        "ayer",
        "hoy",
        "sin",
        "pero",
        "además",
        "ademas",
        "luego",
        "tras",
        "the",
        "on",
        "in",
        "a",
        "an",
        "this",
        "that",
        "since",
        "during",
        "according",
        "but",
        "after",
    ]
)
