"""Anchoring the audit log: a head signed with a key kept outside the store catches a
chain that was rewritten and rehashed with the store's own credentials."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.access import audit
from graph.errors import ConfigError
from graph.store.bolt import Store
from tests.paths import ROOT
from tests.worlds import audit_entry as entry

pytestmark = pytest.mark.store


def grow(store: Store, upto: int) -> None:
    for i in range(audit.verify(store).records + 1, upto + 1):
        assert audit.append(store, entry(i)) == i


def rehash_from(store: Store, seq: int, who: str = "nobody") -> None:
    """What someone holding ``store.secret`` can do: rewrite record ``seq`` and rehash
    it and every record after it, and the head, so each link fits again."""
    chained = list(audit.records(store))
    prev = chained[seq - 2]["hash"] if seq > 1 else audit.GENESIS
    for record in chained[seq - 1 :]:
        forged = {**record, "prev": prev}
        if forged["seq"] == seq:
            forged["who"] = who
        forged["hash"] = prev = audit.record_hash(forged)
        store.write(
            "MATCH (r:AuditRecord {seq: $seq}) SET r.who = $who, r.prev = $prev, r.hash = $hash",
            seq=forged["seq"],
            who=forged["who"],
            prev=forged["prev"],
            hash=forged["hash"],
        )
    store.write("MATCH (h:AuditHead) SET h.hash = $hash", hash=prev)


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", "audit", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(store_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The child's environment, with a home of its own (the key's default place)."""
    home = tmp_path / "home"
    home.mkdir()
    out = {k: v for k, v in store_env.items() if not k.startswith("XDG_")}
    return out | {"HOME": str(home)}


def test_a_rehashed_chain_passes_verify_but_not_the_anchors(
    store: Store, env: dict[str, str], tmp_path: Path
) -> None:
    anchors = tmp_path / "elsewhere" / "anchors.jsonl"
    grow(store, 2)
    first = cli(env, "anchor", "--to", str(anchors))
    assert first.returncode == 0, first.stderr
    key = Path(env["HOME"]) / ".config" / "defensores" / "anchor.key"
    assert key.stat().st_mode & 0o777 == 0o600  # made on first use, for its owner only
    line = json.loads(first.stdout)
    assert (line["seq"], line["hash"]) == (2, audit.verify(store).head)
    grow(store, 5)
    second = cli(env, "anchor", "--to", str(anchors))
    assert second.returncode == 0, second.stderr
    written = anchors.read_text().splitlines()
    assert written == [first.stdout.strip(), second.stdout.strip()]  # appended, one a line
    whole = cli(env, "verify", "--anchor", str(anchors))
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert json.loads(whole.stdout) == {
        "ok": True,
        "records": 5,
        "anchors": 2,
        "line": None,
        "first_broken": None,
        "reason": None,
    }

    rehash_from(store, 4)
    plain = cli(env, "verify")
    assert plain.returncode == 0 and json.loads(plain.stdout)["ok"]  # fooled
    caught = cli(env, "verify", "--anchor", str(anchors))
    assert caught.returncode == 1
    verdict = json.loads(caught.stdout)
    assert (verdict["ok"], verdict["line"], verdict["first_broken"]) == (False, 2, 5)
    assert verdict["reason"].startswith("record 5 is not the one anchored on line 2")
    assert verdict["reason"].endswith("the chain was rewritten in records 3..5")


def test_a_chain_rewritten_before_the_first_anchor_and_a_cut_chain_are_named(
    store: Store, tmp_path: Path
) -> None:
    key = bytes(range(32))
    grow(store, 4)
    lines = [(1, audit.anchor_line(key, 4, str(audit.verify(store).head)))]
    assert audit.verify_anchors(store, lines, key).ok
    rehash_from(store, 1)
    verdict = audit.verify_anchors(store, lines, key)
    assert (verdict.ok, verdict.first_broken) == (False, 4)
    assert "rewritten in records 1..4" in str(verdict.reason)

    store.write("MATCH (r:AuditRecord) WHERE r.seq > 2 DELETE r")
    store.write(
        "MATCH (h:AuditHead) SET h.seq = 2, h.hash = $hash",
        hash=next(r["hash"] for r in audit.records(store) if r["seq"] == 2),
    )
    assert audit.verify(store).ok  # the cut is consistent
    cut = audit.verify_anchors(store, lines, key)
    assert not cut.ok and cut.reason is not None
    assert cut.reason.startswith("record 4, anchored on line 1") and "cut" in cut.reason


def test_an_anchor_line_not_signed_with_the_key_is_refused(
    store: Store, env: dict[str, str], tmp_path: Path
) -> None:
    grow(store, 3)
    anchors = tmp_path / "anchors.jsonl"
    key_file = tmp_path / "keys" / "anchor.key"
    made = cli(env, "anchor", "--key", str(key_file), "--to", str(anchors))
    assert made.returncode == 0, made.stderr
    good = anchors.read_text().strip()
    key = audit.anchor_key(key_file, Path(env["DEFENSORES_DATA_DIR"]))

    def forged(change: dict[str, Any]) -> str:
        return audit.canonical({**json.loads(good), **change})

    rehash_from(store, 2)  # and the attacker writes an anchor of their own for it
    head = str(audit.verify(store).head)
    cases = {
        forged({"hash": head}): "anchor line 2 has a bad signature (the line was altered)",
        audit.anchor_line(b"x" * 32, 3, head): "anchor line 2 was signed with another key",
        "not json": "anchor line 2 is not JSON",
        '{"seq": 3}': "anchor line 2 is not an anchor",
    }
    first = next(r["hash"] for r in audit.records(store) if r["seq"] == 1)  # not rewritten
    for bad, reason in cases.items():
        lines = [(1, audit.anchor_line(key, 1, first)), (2, bad)]
        verdict = audit.verify_anchors(store, lines, key)
        assert (verdict.ok, verdict.line, verdict.reason) == (False, 2, reason)
    # the same through the command line: a signed line for the forged head is refused
    audit.append_anchor(anchors, forged({"hash": head}))
    refused = cli(env, "verify", "--anchor", str(anchors), "--key", str(key_file))
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["reason"] == (
        "record 3 is not the one anchored on line 1 ("
        + json.loads(good)["at"]
        + "): the chain was rewritten in records 1..3"
    )


def test_the_key_and_the_anchors_stay_outside_the_store_and_private(
    store: Store, env: dict[str, str], tmp_path: Path
) -> None:
    data_dir = Path(env["DEFENSORES_DATA_DIR"])
    with pytest.raises(ConfigError, match="inside the store's data dir"):
        audit.anchor_key(data_dir / "anchor.key", data_dir, create=True)
    assert not (data_dir / "anchor.key").exists()
    open_key = tmp_path / "open.key"
    open_key.write_text("ab" * 32 + "\n")
    os.chmod(open_key, 0o644)
    with pytest.raises(ConfigError, match="may be read by others"):
        audit.anchor_key(open_key, data_dir)
    with pytest.raises(ConfigError, match="does not exist"):
        audit.anchor_key(tmp_path / "none.key", data_dir)  # verify never makes one
    inside = cli(env, "anchor", "--key", str(open_key), "--to", str(data_dir / "a.jsonl"))
    assert inside.returncode == 2
    assert "may be read by others" in inside.stderr
    os.chmod(open_key, 0o600)
    inside = cli(env, "anchor", "--key", str(open_key), "--to", str(data_dir / "a.jsonl"))
    assert inside.returncode == 2
    assert "the anchor file" in inside.stderr and "inside the store's data dir" in inside.stderr
    assert not (data_dir / "a.jsonl").exists()


def test_a_broken_chain_is_not_anchored(store: Store, tmp_path: Path) -> None:
    grow(store, 3)
    store.write("MATCH (r:AuditRecord {seq: 2}) SET r.who = 'someone else'")
    to = tmp_path / "anchors.jsonl"
    verdict, line = audit.anchor(store, bytes(32), to)
    assert line is None and verdict.first_broken == 2 and not to.exists()
