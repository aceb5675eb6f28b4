"""Search statements: recall by folded name, full-text index, name keys and pseudonym
(``graph.reads.search`` scores what they find)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from graph.access.policy import Viewer
from graph.cypher.labels import checked_label, conjunction
from graph.cypher.listing import listing
from graph.cypher.schema import fulltext_name
from graph.cypher.visibility import pseudonym_expr, pseudonymised, visible_nodes
from graph.model import MODEL, Rel

_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/\s])')


def text_index(label: str) -> str | None:
    """The full-text index over ``label``'s names, if the model asks for one."""
    kinds = [k for k in MODEL.nodes if k.key_label == label and k.text_indexed]
    return fulltext_name(label) if kinds else None


def fulltext_contains(terms: Sequence[str]) -> str:
    """A Lucene query (for a ``keyword``-analysed index) matching the values that
    contain any of ``terms``, each term's special characters escaped."""
    return " OR ".join("*" + _LUCENE_SPECIAL.sub(r"\\\1", t) + "*" for t in terms)


def search_candidates(label: str, terms: int, viewer: Viewer, fulltext: bool = False) -> str:
    """Nodes whose folded name (or file number) holds any of ``$t0…``: search's recall.
    Persons ``viewer`` sees under pseudonyms are not searched by name.

    With ``fulltext`` (Neo4j), labels with a full-text index are looked up in it with
    ``$text`` (``fulltext_contains`` of the same terms), which finds the same nodes as the
    scan with ``CONTAINS`` without reading every name."""
    spec = listing(label)
    index = text_index(label) if fulltext else None
    target = "toLower(n.file_number)" if label == "Case" else "n.name_norm"
    alias = (
        " OR any(a IN coalesce(n.aliases_norm, []) WHERE "
        + " OR ".join(f"a CONTAINS $t{i}" for i in range(terms))
        + ")"
        if label == "Actor"
        else ""
    )
    hits = " OR ".join(f"{target} CONTAINS $t{i}" for i in range(terms))
    hidden = pseudonymised(viewer, "n")
    always = conjunction(
        [*spec.always, *visible_nodes(viewer, "n"), *([f"NOT {hidden}"] if hidden else [])]
    )
    found = (
        f"CALL db.index.fulltext.queryNodes('{index}', $text) YIELD node AS n "
        f"WITH n WHERE n:{checked_label(label)} AND {always} "
        if index
        else f"MATCH (n:{checked_label(label)}) WHERE {always} AND ({hits}{alias}) "
    )
    return (
        f"{found}"
        f"RETURN n.id AS id, labels(n) AS labels, coalesce(n.name, n.file_number) AS name, "
        f"{'n.aliases' if label == 'Actor' else '[]'} AS aliases, "
        f"{'n.office' if label == 'Case' else 'null'} AS extra LIMIT $limit"
    )


def search_screened(label: str, viewer: Viewer) -> str:
    """The screened nodes of ``label`` (``$ids``, ``graph.access.names``) that ``viewer`` may
    see: search scores them by what the viewer is shown of them, and only by that."""
    spec = listing(label)
    always = conjunction([*spec.always, *visible_nodes(viewer, "n")])
    return (
        f"MATCH (n:{checked_label(label)}) WHERE n.id IN $ids AND {always} "
        "RETURN n.id AS id, labels(n) AS labels, null AS name, [] AS aliases, null AS extra "
        "LIMIT $limit"
    )


def search_by_name_keys(viewer: Viewer) -> str:
    hidden = pseudonymised(viewer, "n")
    conds = ["n.merged_into IS NULL", *visible_nodes(viewer, "n")]
    return (
        f"UNWIND $keys AS key MATCH (k:NameKey {{id: key}})<-[:{Rel.HAS_NAME_KEY}]-(n:Actor) "
        f"WHERE {conjunction([*conds, *([f'NOT {hidden}'] if hidden else [])])} "
        "RETURN DISTINCT n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases, "
        "null AS extra LIMIT $limit"
    )


def search_pseudonym(viewer: Viewer) -> str | None:
    """The person shown as "Persona $no" to ``viewer`` (None: the viewer sees none)."""
    hidden = pseudonymised(viewer, "n")
    if hidden is None:
        return None
    conds = ["n.pseudonym_no = $no", hidden, "n.merged_into IS NULL", *visible_nodes(viewer, "n")]
    return (
        f"MATCH (n:Person) WHERE {conjunction(conds)} "
        f"RETURN n.id AS id, labels(n) AS labels, {pseudonym_expr('n')} AS name, [] AS aliases, "
        "null AS extra LIMIT $limit"
    )
