"""Backup and restore round-trip every node, relationship and property: counts and the
checksum of the whole graph are equal before and after; the audit chain still verifies;
bad files and non-empty stores are refused with nothing written."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from graph.access import audit, tokens
from graph.errors import ConflictError, ModelError
from graph.store import backup
from graph.store.bolt import Store
from graph.store.repository import counts, delete_all_data, upsert
from tests.processes import run
from tests.worlds import case_world

pytestmark = pytest.mark.store


def filled(store: Store) -> None:
    delete_all_data(store, confirm=store.database)
    upsert(store, *case_world())
    tokens.create(store, "analyst", "Backup Tester")
    for i in range(3):
        audit.append(store, audit.Entry("tester", "analyst", f"op{i}", "query", "0" * 64,
                                        persons=("per_rosa",)))  # fmt: skip


def test_a_backup_restores_the_same_graph(store: Store, tmp_path: Path) -> None:
    filled(store)
    before, before_counts = backup.checksum(store), counts(store)
    header = backup.backup(store, tmp_path / "all.jsonl.gz")
    assert header["checksum"] == before[0] and header["nodes"] == before[1]["nodes"]
    delete_all_data(store, confirm=store.database)
    assert counts(store)["relationships"] == 0
    done = backup.restore(store, tmp_path / "all.jsonl.gz")
    assert backup.checksum(store) == before and done["checksum"] == before[0]
    assert counts(store) == before_counts
    assert audit.verify(store).ok
    assert tokens.authenticate is not None and len(tokens.listing(store)) == 1
    # a second restore into a store that now holds data is refused, nothing written
    with pytest.raises(ConflictError, match="empty store"):
        backup.restore(store, tmp_path / "all.jsonl.gz")
    assert backup.checksum(store) == before


def test_a_checksum_sees_a_changed_property(store: Store) -> None:
    filled(store)
    first, _ = backup.checksum(store)
    store.write("MATCH (p:Person {id: 'per_rosa'}) SET p.defender = false")
    assert backup.checksum(store)[0] != first


def test_bad_backups_are_refused_before_anything_is_written(store: Store, tmp_path: Path) -> None:
    delete_all_data(store, confirm=store.database)
    (tmp_path / "plain.txt").write_text("hello")
    with pytest.raises(ModelError, match="not a Defensores backup"):
        backup.restore(store, tmp_path / "plain.txt")
    header = {"format": backup.FORMAT, "version": 1, "schema_version": 999, "checksum": "x"}
    with gzip.open(tmp_path / "old.gz", "wt") as f:
        f.write(json.dumps(header) + "\n")
    with pytest.raises(ModelError, match="schema version 999"):
        backup.restore(store, tmp_path / "old.gz")
    from graph.store.migrations import current_version

    header["schema_version"] = current_version(store)
    with gzip.open(tmp_path / "evil.gz", "wt") as f:
        f.write(json.dumps(header) + "\n")
        f.write(json.dumps({"n": ["Person"], "p": {"id": "per_x", "name": "A"}}) + "\n")
        f.write(json.dumps({"n": ["Admin`) DETACH DELETE n //"], "p": {"id": "x"}}) + "\n")
    with pytest.raises(ModelError, match="line 3"):
        backup.restore(store, tmp_path / "evil.gz")
    assert counts(store)["by_label"]["Person"] == 0


def test_the_command_line_round_trip(
    store: Store, store_env: dict[str, str], tmp_path: Path
) -> None:
    filled(store)
    before = backup.checksum(store)
    out = tmp_path / "cli.jsonl.gz"
    done = run(["backup", str(out)], store_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["checksum"] == before[0]
    refused = run(["restore", str(out)], store_env)
    assert refused.returncode == 2 and "empty store" in refused.stderr
    delete_all_data(store, confirm=store.database)
    done = run(["restore", str(out)], store_env)
    assert done.returncode == 0, done.stderr
    assert backup.checksum(store) == before
