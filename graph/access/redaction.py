"""Redaction: natural persons' names in free text replaced by their pseudonyms.

A complaint's text, the quotes of evidence and incident summaries name people. For a
viewer who sees some persons as "Persona N" (``graph.access.policy``), every mention of them is
replaced, in three passes over the original text (offsets never drift, since each pass
marks intervals of the original and the text is rebuilt once):

1. the mention spans extraction recorded (``MENTIONS`` evidence), when the text is the
   complaint itself;
2. each person's name and aliases (every surface form extraction saw, across all
   complaints), accents and case ignored, as whole words;
3. each single word of those names (four letters or more, not a particle such as "de"),
   where the text writes it as a name (capitalised or all caps): "Estrella" alone, or a
   surname with a typo-free spelling the aliases lack.

A form or word two persons share becomes ``[persona]``: neither pseudonym may be
guessed from the other. What extraction never recognised as a person cannot be
redacted; the README says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.text import strip_marks

PLACEHOLDER = "[persona]"
PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "el", "y", "san", "santa", "da", "do", "dos", "di"}
    | {"van", "von", "the", "of", "and", "jr", "sr"}
)
MIN_FORM = 3
MIN_PART = 4


@dataclass(frozen=True)
class Subject:
    """A person to redact: the pseudonym to show and what the text may call them."""

    label: str
    names: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()


def _fold_char(ch: str) -> str:
    low = strip_marks(ch).casefold()
    return low if len(low) == 1 else ch.lower()[:1] or " "


def fold_keep_length(text: str) -> str:
    """``fold`` without collapsing spaces: one character out for each character in."""
    return "".join(_fold_char(c) for c in text)


def _words(form: str) -> list[str]:
    return re.findall(r"\w+", fold_keep_length(form))


def _trie(forms: Iterable[str]) -> str:
    """One regex for many forms, as a trie: each position tries one branch per next
    character instead of every form (thousands of names stay fast). A space in a form
    matches any run of non-word characters ("Quispe, Rosa" / "Quispe  Rosa")."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for form in forms:
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        branches = [
            (r"\W+" if ch == " " else re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a form ends here: the longer ones are optional
            body = f"(?:{body})?"
        return body

    return build(root)


def _pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    alts = sorted({f for f in forms if f})
    if not alts:
        return None
    return re.compile(rf"(?<!\w)(?:{_trie(alts)})(?!\w)")


def _table(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """form → label; a form of two different labels → the placeholder."""
    out: dict[str, str] = {}
    for form, label in pairs:
        out[form] = label if out.get(form, label) == label else PLACEHOLDER
    return out


class Redactor:
    """Redacts the mentions of a set of persons; build one per set, use it many times."""

    def __init__(self, subjects: Sequence[Subject]) -> None:
        self.subjects = list(subjects)
        forms = []
        parts = []
        for s in self.subjects:
            for name in s.names:
                words = _words(name)
                if not words:
                    continue
                form = " ".join(words)
                if len(form) >= MIN_FORM:
                    forms.append((form, s.label))
                parts += [(w, s.label) for w in words if len(w) >= MIN_PART and w not in PARTICLES]
        self._forms = _table(forms)
        self._parts = _table(parts)
        self._form_re = _pattern(self._forms)
        self._part_re = _pattern(self._parts)

    def __bool__(self) -> bool:
        return bool(self.subjects)

    def redact(self, text: str, *, spans: bool = False) -> str:
        """``text`` with every mention replaced; ``spans`` when it is the complaint the
        subjects' spans point into."""
        if not self.subjects or not text:
            return text
        marks: list[tuple[int, int, str]] = []
        taken = bytearray(len(text))

        def mark(start: int, end: int, label: str) -> None:
            start, end = max(start, 0), min(end, len(text))
            if start < end and not any(taken[start:end]):
                marks.append((start, end, label))
                taken[start:end] = b"\x01" * (end - start)

        if spans:
            for s in self.subjects:
                for start, end in s.spans:
                    mark(start, end, s.label)
        folded = fold_keep_length(text)
        if self._form_re is not None:
            for m in self._form_re.finditer(folded):
                mark(m.start(), m.end(), self._forms[" ".join(re.findall(r"\w+", m.group()))])
        if self._part_re is not None:
            for m in self._part_re.finditer(folded):
                if text[m.start()].isupper():  # written as a name
                    mark(m.start(), m.end(), self._parts[m.group()])
        out, at = [], 0
        for start, end, label in sorted(marks):
            out += [text[at:start], label]
            at = end
        out.append(text[at:])
        return "".join(out)
