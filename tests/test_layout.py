"""Architecture rules that code review alone would let slip."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def app_files(*dirs: str) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        files += sorted((ROOT / d).rglob("*.py"))
    return files


def test_only_graph_imports_the_driver() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*app_files("schema", "nlp"), ROOT / "server.py"]
        if "neo4j" in imported_modules(p)
    ]
    assert offenders == []


def test_nlp_knows_nothing_of_the_store_or_graphql() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in app_files("nlp")
        if imported_modules(p) & {"neo4j", "graph", "schema", "strawberry", "server"}
    ]
    assert offenders == []


def test_cypher_lives_in_graph() -> None:
    keywords = ("MATCH (", "MERGE (", "UNWIND $", "DETACH DELETE")
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*app_files("schema", "nlp"), ROOT / "server.py"]
        if any(k in p.read_text(encoding="utf-8") for k in keywords)
    ]
    assert offenders == []
