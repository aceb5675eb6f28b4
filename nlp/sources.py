"""Complaints from files: .txt files, folders of them, JSONL and CSV.

Each record either carries a text with its metadata or says, in one line, why it could
not be read; one bad record never stops the others.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("text", "received_at", "channel", "confidentiality", "source", "reported_at")
SUFFIXES = (".txt", ".jsonl", ".csv")


@dataclass(frozen=True)
class Record:
    origin: str  # file, or file:line
    text: str | None = None
    received_at: str | None = None
    channel: str | None = None
    confidentiality: str | None = None
    source: str | None = None
    reported_at: str | None = None  # when the report was made or published
    error: str | None = None


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte {exc.start})") from None


def _fields(origin: str, raw: dict[str, object]) -> Record:
    extra = {k: raw.get(k) for k in FIELDS[1:]}
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        return Record(origin, error="no text")
    for key, value in extra.items():
        if value is not None and not isinstance(value, str):
            return Record(origin, error=f"{key} must be a string")
    return Record(origin, text, **{k: (v or None) for k, v in extra.items()})  # type: ignore[arg-type]


def read(path: Path) -> Iterator[Record]:
    """Every record under ``path`` (a file or a folder, recursively, in name order)."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES):
            yield from read(child)
        return
    if not path.exists():
        yield Record(str(path), error="no such file")
        return
    try:
        content = _decode(path)
    except (OSError, ValueError) as exc:
        yield Record(str(path), error=str(exc))
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        for n, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError:
                yield Record(f"{path}:{n}", error="line is not JSON")
                continue
            if not isinstance(raw, dict):
                yield Record(f"{path}:{n}", error="line is not a JSON object")
                continue
            yield _fields(f"{path}:{n}", raw)
    elif suffix == ".csv":
        reader = csv.DictReader(io.StringIO(content))
        if reader.fieldnames is None or "text" not in reader.fieldnames:
            yield Record(str(path), error="CSV has no 'text' column")
            return
        for n, row in enumerate(reader, 2):
            if None in row or any(v is None for v in row.values()):
                yield Record(f"{path}:{n}", error="row has missing or extra columns")
                continue
            yield _fields(f"{path}:{n}", dict(row))
    else:
        yield _fields(str(path), {"text": content})
