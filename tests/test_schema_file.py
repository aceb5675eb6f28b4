"""``schema.graphql`` is the exported SDL: the file and the code must not drift."""

from __future__ import annotations

from pathlib import Path

from schema.app import sdl

ROOT = Path(__file__).resolve().parent.parent


def test_schema_graphql_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), (
        "schema.graphql is out of date: run `defensores schema --out schema.graphql` and commit it"
    )


def test_the_schema_names_the_root_fields_the_users_were_promised() -> None:
    text = sdl()
    for field in (
        "node(",
        "actor(",
        "actors(",
        "incidents(",
        "complaints(",
        "landDisputes(",
        "cases(",
        "places(",
        "search(",
        "connections(",
        "neighbourhood(",
        "timeline(",
        "submitComplaint(",
        "submitComplaints(",
        "complaintEvents",
    ):
        assert f"  {field}" in text, field
