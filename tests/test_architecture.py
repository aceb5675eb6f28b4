"""The floor plan ARCHITECTURE.md draws, held in place: packages by concern, modules of a
readable size, imports that go one way, and the tests laid out like the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]

from tests.paths import ROOT

PACKAGES = ("graph", "schema", "nlp", "web")
MAX_LINES = 600  # no module over this, whatever it holds
ONE_IDEA = 400  # over this, the docstring says why the module is one idea
GRAPH_TOP = 8  # modules directly in graph/ (the vocabulary and the few shared pieces)
# graph/ may use these pure text functions of nlp/ anywhere: the keys it stores and
# searches by must be computed exactly as the extractor computes them.
NLP_SHARED = frozenset({"nlp.text", "nlp.likeness"})
NLP_ADAPTER = "graph.intake.extraction"  # the one module that turns results into rows


def modules() -> dict[str, Path]:
    """Every module of the application, by dotted name (packages by their __init__)."""
    found = {"server": ROOT / "server.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.Module) -> list[ast.AST]:
    """Every node of a module but those under ``if TYPE_CHECKING:`` (never imported)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    return [n for n in ast.walk(tree) if id(n) not in skipped]


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The application modules ``name`` imports, at its top or inside a function."""
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in known else node.module)
    return {m for m in out if m in known and m != name}


def import_graph() -> nx.DiGraph:
    found = modules()
    g = nx.DiGraph()
    g.add_nodes_from(found)
    for name, path in found.items():
        g.add_edges_from((name, other) for other in imports(name, path, set(found)))
    return g


def test_no_import_cycles_lazy_or_not() -> None:
    g = import_graph()
    packages = {n for n, p in modules().items() if p.name == "__init__.py"}
    g.remove_nodes_from(packages)  # an __init__ holds a docstring, nothing to import
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert cycles == []


def test_graph_has_sub_packages_and_few_modules_at_its_top() -> None:
    top = sorted(p.name for p in (ROOT / "graph").glob("*.py") if p.name != "__init__.py")
    assert len(top) <= GRAPH_TOP, top
    subs = sorted(p.parent.name for p in (ROOT / "graph").glob("*/__init__.py"))
    assert {"store", "cypher", "intake", "access", "analysis", "documents"} <= set(subs)


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()
    }
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}
    unexplained = [
        n
        for n, s in sizes.items()
        if s > ONE_IDEA
        and "Over 400 lines as one idea"
        not in (ast.get_docstring(ast.parse(modules()[n].read_text(encoding="utf-8"))) or "")
    ]
    assert unexplained == [], "say in the docstring why it is one idea, or split it"


def test_graph_uses_nlp_only_through_the_adapter_and_its_pure_text_functions() -> None:
    g = import_graph()
    offenders = sorted(
        (a, b)
        for a, b in g.edges
        if a.startswith("graph.")
        and b.startswith("nlp")
        and b not in NLP_SHARED
        and a != NLP_ADAPTER
    )
    assert offenders == []
    # nlp hands over what it resolved (a place's unit, parents, coordinates): graph does
    # not look the gazetteer up again
    assert not [(a, b) for a, b in g.edges if a.startswith("graph.") and b == "nlp.gazetteers"]


def test_schema_leaves_the_pipeline_to_graph() -> None:
    """Resolvers stay thin: schema/ and web/ use nlp/ only for its pure text functions
    (folding a filter's text as stored names are folded); the app's extractor comes from
    graph's intake."""
    g = import_graph()
    offenders = sorted(
        (a, b)
        for a, b in g.edges
        if a.split(".")[0] in ("schema", "web") and b.startswith("nlp") and b not in NLP_SHARED
    )
    assert offenders == []


def test_tests_mirror_the_packages() -> None:
    """A test module lives beside its package's concern: tests/graph/<sub>/,
    tests/schema/, tests/nlp/ (only whole-system tests stay at the top)."""
    top = sorted(p.name for p in (ROOT / "tests").glob("test_*.py"))
    assert len(top) <= 5, top
    for package in ("graph", "schema", "nlp"):
        assert list((ROOT / "tests" / package).glob("test_*.py")), package
    for sub in ("store", "cypher", "intake", "access", "analysis", "documents"):
        assert list((ROOT / "tests" / "graph" / sub).glob("test_*.py")), sub


def test_the_architecture_page_names_every_graph_module_and_package() -> None:
    """ARCHITECTURE.md draws the tree as it is: every module of graph/ and web/, and
    every package, is on the map."""
    page = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [
        name
        for name, path in modules().items()
        if name.split(".")[0] in ("graph", "web") and name.rsplit(".", 1)[-1] not in page
    ]
    packages = [
        p.parent.name for package in PACKAGES for p in (ROOT / package).rglob("__init__.py")
    ]
    missing += [f"{p}/" for p in packages if f"{p}/" not in page]
    assert missing == []


def test_test_modules_share_helpers_not_each_other() -> None:
    """What several test modules use lives in conftest.py or a helper module of tests/
    (worlds, processes, crawler, auth, live, fakes, paths), never in another test."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.rsplit(".", 1)[-1].startswith("test_"):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def _code_strings(tree: ast.Module) -> list[tuple[int, str]]:
    """The string literals of a module that are code: not docstrings, not GraphQL
    descriptions (prose for API users), not the text parts around ``{...}`` fields."""
    prose: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            prose.add(id(body[0].value))
        if isinstance(node, ast.keyword) and node.arg == "description":
            prose |= {id(n) for n in ast.walk(node.value)}
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in prose
    ]


def test_relationship_types_are_written_out_only_in_the_model() -> None:
    """Code names a relationship type as ``Rel.X`` (graph/model.py), in Cypher too
    (``f"[:{Rel.VICTIM_OF}]"``): a type the model does not declare cannot be written."""
    from graph.model import MODEL

    types = sorted({r.type for r in MODEL.relationships})
    word = re.compile(r"(?<![A-Za-z_])(" + "|".join(types) + r")(?![A-Za-z_])")
    offenders = [
        f"{name}:{line} {text[:60]!r}"
        for name, path in modules().items()
        if name != "graph.model" and not name.startswith("nlp")
        for line, text in _code_strings(ast.parse(path.read_text(encoding="utf-8")))
        if word.search(text)
    ]
    assert offenders == []
