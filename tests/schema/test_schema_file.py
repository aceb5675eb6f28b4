"""``schema.graphql`` is the exported SDL: the file and the code must not drift."""

from __future__ import annotations

from schema.app import sdl
from tests.paths import ROOT


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
