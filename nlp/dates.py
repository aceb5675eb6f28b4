"""Dates in Spanish and English complaints, normalised with their precision.

Absolute forms ("2 de marzo de 2024", "02/03/2024", "March 2nd, 2024", "marzo de 2023",
"a mediados de 2023") are parsed here; relative ones ("ayer", "el lunes", "last Tuesday")
are resolved against the complaint's reception date. Numeric dates are read day first,
as they are written in Peru.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from nlp.text import fold

MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,
}
WEEKDAYS = {
    "lunes": 0,
    "martes": 1,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sabado": 5,
    "domingo": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
RELATIVE = {
    "ayer": 1,
    "anteayer": 2,
    "antier": 2,
    "yesterday": 1,
    "hoy": 0,
    "today": 0,
    "esta manana": 0,
    "this morning": 0,
    "anoche": 1,
    "last night": 1,
    "the day before yesterday": 2,
}

_M = "|".join(sorted(MONTHS, key=len, reverse=True))
_Y = r"(?P<y>(?:19|20)\d\d)"
PATTERNS = [
    # 2 de marzo de 2024 / 2 de marzo del 2024 / 2 de marzo
    re.compile(
        rf"\b(?P<d>[0-3]?\d)(?:\s*(?:º|°|ro|er))?\s+de\s+(?P<m>{_M})\.?"
        rf"(?:\s*(?:de|del|,)?\s*{_Y})?\b"
    ),
    # March 2nd, 2024 / March 2 2024 / March 2
    re.compile(rf"\b(?P<m>{_M})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s*{_Y})?"),
    # 2 March 2024 / 2nd of March, 2024
    re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_M})\.?(?:,?\s*{_Y})?\b"),
    # 02/03/2024, 2-3-2024, 15.08.2023 (day first)
    re.compile(r"\b(?P<d>[0-3]?\d)[/.\-](?P<mn>[01]?\d)[/.\-](?P<y>(?:19|20)?\d\d)\b"),
    # 2024-03-02
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mn>[01]\d)-(?P<d>[0-3]\d)\b"),
    # marzo de 2023 / March 2023 / in March of 2023
    re.compile(rf"\b(?P<m>{_M})\.?\s+(?:de\s+|del\s+|of\s+)?{_Y}\b"),
    # a mediados de 2023 / a fines de 2022 / en 2021 / in mid-2023 / in 2021
    re.compile(
        rf"\b(?:a\s+)?(?:mediados|fines|finales|inicios|principios|comienzos)\s+"
        rf"(?:de|del)\s+{_Y}\b"
    ),
    re.compile(rf"\b(?:in\s+)?(?:mid|early|late)[\s\-]{_Y}\b"),
    # en enero / in January / a fines de febrero / desde marzo: a month of the latest year
    # not after the reference
    re.compile(
        rf"\b(?:en|in|durante|during|desde|since|a\s+(?:fines|finales|inicios|mediados)\s+de|"
        rf"(?:early|late|mid)(?:\s+|-))\s*(?:el\s+mes\s+de\s+)?(?P<m>{_M})\b(?!\s+\d)"
    ),
    re.compile(rf"\b(?:en|in|durante|during|desde|since)\s+(?:el\s+)?(?:año\s+)?{_Y}\b"),
]
_RELATIVE = re.compile(
    r"\b(?:el\s+pasado\s+|el\s+|del\s+|este\s+|last\s+|this\s+|past\s+|on\s+|ese\s+|"
    r"that\s+)"
    r"(?P<w>lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(?P<r>anteayer|antier|ayer|anoche|hoy|esta\s+ma[nñ]ana|the\s+day\s+before\s+yesterday|"
    r"yesterday|today|last\s+night|this\s+morning)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: str  # day | month | year


def _year(raw: str | None, ref: date, month: int, day: int | None) -> int:
    if raw is None:
        # no year: the latest such date not after the reference
        year = ref.year
        try:
            if date(year, month, day or 1) > ref:
                year -= 1
        except ValueError:
            pass
        return year
    y = int(raw)
    return y + 2000 if y < 100 else y


def _mention(m: re.Match[str], ref: date) -> DateMention | None:
    groups = m.groupdict()
    month = MONTHS.get(fold(groups["m"])) if groups.get("m") else None
    if groups.get("mn"):
        month = int(groups["mn"])
    day = int(groups["d"]) if groups.get("d") else None
    if month is None:
        if groups.get("y"):
            return DateMention(m.start(), m.end(), groups["y"], "year")
        return None
    if not 1 <= month <= 12:
        return None
    year = _year(groups.get("y"), ref, month, day)
    if day is None:
        return DateMention(m.start(), m.end(), f"{year:04d}-{month:02d}", "month")
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return DateMention(m.start(), m.end(), value.isoformat(), "day")


DATELINE_CHARS = 400
DATELINE_PREFIX = re.compile(
    r"\s*(?:[A-ZÁÉÍÓÚÑ][\w.'’-]*(?:\s+(?:de\s+|del\s+)?[A-ZÁÉÍÓÚÑ][\w.'’-]*){0,3}\s*,\s*)?"
    r"(?:(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)\s*,?\s*)?",
    re.IGNORECASE,
)
DATELINE_END = re.compile(r"\s*(?:$|\n|[.|]|[—–-]|\(|\s+-)")


def document_date(text: str) -> DateMention | None:
    """The date a piece carries at its top ("Lima, 5 de marzo de 2024.", "5 May 2019",
    "LIMA, Feb 27 -"): a day alone on its line or after a place, ending its line or
    followed by a full stop or a dash."""
    head = text[:DATELINE_CHARS]
    for m in find_dates(head, date(2000, 1, 1)):
        if m.precision != "day":
            continue
        line_start = head.rfind("\n", 0, m.start) + 1
        prefix = head[line_start : m.start]
        rest = head[m.end :]
        # a dateline: the date alone at the start of a line, or after a place and a
        # comma, ending its line or followed by a full stop or a dash
        if DATELINE_PREFIX.fullmatch(prefix) and DATELINE_END.match(rest):
            return m
    return None


def _has_year(s: str) -> bool:
    return bool(re.search(r"(?:19|20)\d\d|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}", s))


def reference_date(text: str, received: date | None) -> tuple[date, DateMention | None]:
    """The date relative expressions refer to: the piece's own date at its top when it is
    not after ``received`` (a report read days after it was published), else ``received``
    (else today). Also returns the dateline found, which dates the report, not its events."""
    found = document_date(text)
    dated = found is not None and _has_year(text[found.start : found.end])
    when = date.fromisoformat(found.value) if found and dated else None
    if when is not None and (received is None or when <= received):
        return when, found
    return received or date.today(), found


def _weekday_day(reference: date, weekday: int, day: int) -> date | None:
    """The latest date not after ``reference`` that falls on ``day`` of its month, on that
    weekday when one of the last few months agrees (else the latest such day)."""
    year, month = reference.year, reference.month
    candidates: list[date] = []
    for _ in range(12):
        try:
            when = date(year, month, day)
        except ValueError:
            when = None
        if when is not None and when <= reference:
            candidates.append(when)
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    for when in candidates:
        if when.weekday() == weekday:
            return when
    return candidates[0] if candidates else None


def find_dates(text: str, reference: date) -> list[DateMention]:
    """Every date expression in ``text``, non-overlapping, in order."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    lowered = text.lower()
    for pattern in PATTERNS:
        for m in pattern.finditer(lowered):
            if not free(m.start(), m.end()):
                continue
            mention = _mention(m, reference)
            if mention is not None:
                found.append(mention)
                taken.append((m.start(), m.end()))
    for m in _RELATIVE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.group("w") and re.match(r"\s*,?\s*\d", text[m.end() : m.end() + 4]):
            day = re.match(r"\s*,?\s*(\d{1,2})\b(?!\s*(?:de\s|del\s|[/.-]\d))", text[m.end() :])
            if day is None:
                continue  # "el pasado jueves 7 de marzo": the date that follows says it
            # "el pasado sábado 17": the latest such day of a month, not after the reference
            when_day = _weekday_day(reference, WEEKDAYS[fold(m.group("w"))], int(day.group(1)))
            if when_day is not None:
                end = m.end() + day.end()
                found.append(DateMention(m.start(), end, when_day.isoformat(), "day"))
                taken.append((m.start(), end))
            continue
        if m.group("r"):
            days = RELATIVE[" ".join(fold(m.group("r")).split())]
            when = reference - timedelta(days=days)
        else:
            weekday = WEEKDAYS[fold(m.group("w"))]
            back = (reference.weekday() - weekday) % 7 or 7
            when = reference - timedelta(days=back)
        found.append(DateMention(m.start(), m.end(), when.isoformat(), "day"))
        taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)
