"""Pseudonym numbers: one per person, given in the transaction that creates it, unique."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.access import pseudonyms
from graph.rows import NodeRecord
from graph.store.bolt import Store
from graph.store.repository import load, upsert

pytestmark = pytest.mark.store


def numbers(store: Store) -> dict[str, int]:
    """Each person's number, counted from the counter's value when the test began (the
    counter survives ``delete_all_data``: numbers are never given twice)."""
    rows = store.read("MATCH (p:Person) RETURN p.id AS id, p.pseudonym_no AS no")
    return {str(r["id"]): r["no"] - BASE[0] if r["no"] else r["no"] for r in rows}


BASE = [0]


@pytest.fixture(autouse=True)
def base(store: Store) -> None:
    rows = store.read("MATCH (s:Sequence {id: $id}) RETURN s.value AS v", id=pseudonyms.SEQUENCE_ID)
    BASE[0] = int(rows[0]["v"])


def person(i: int | str) -> NodeRecord:
    return NodeRecord("Person", f"per_ps{i}", {"name": f"Nombre Inventado {i}"})


def test_every_person_gets_a_number_once_and_keeps_it(store: Store) -> None:
    upsert(store, [person(1), person(2), person(3)])
    first = numbers(store)
    assert sorted(first.values()) == [1, 2, 3]
    upsert(store, [person(2), person(4)])  # an update keeps the number; a new one is next
    after = numbers(store)
    assert {k: after[k] for k in first} == first and after["per_ps4"] == 4
    upsert(store, [NodeRecord("Organization", "org_ps", {"name": "X", "kind": "ngo"})])
    assert store.read("MATCH (o:Organization) RETURN o.pseudonym_no AS no") == [{"no": None}]
    assert pseudonyms.label(after["per_ps4"] + BASE[0]) == f"Persona {BASE[0] + 4}"


def test_concurrent_writers_never_share_a_number(store: Store) -> None:
    batches = [[person(f"{w}_{i}") for i in range(20)] for w in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda b: load(store, b, batch_size=5), batches))
    got = numbers(store)
    assert len(got) == 80 and None not in got.values()
    assert sorted(got.values()) == list(range(1, 81))


def test_persons_from_before_get_numbers(store: Store) -> None:
    upsert(store, [person(1)])
    store.write("CREATE (:Actor:Person {id: 'per_ps_old', name: 'Antiguo'})")
    assert pseudonyms.number_all(store) == 1
    assert numbers(store) == {"per_ps1": 1, "per_ps_old": 2}
    assert pseudonyms.number_all(store) == 0
