"""Programs the tests run as separate processes: ``python -m tests.procs NAME ARGS…``.

``crash-during-extraction TEXT`` opens the store its environment names (``store_env``);
``hold DATA_DIR`` attaches to the embedded store of that data dir."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from graph.intake.durable import ComplaintIn, Extraction, process, receive
from graph.store.config import StoreConfig
from graph.store.migrations import open_store


def crash_during_extraction(text: str) -> None:
    """Receive a complaint, then die (SIGKILL) in the middle of extracting it."""
    store = open_store(StoreConfig.from_env())
    received = receive(store, ComplaintIn(text=text, channel="web"))
    print(received.id, flush=True)

    def dying_extractor(cid: str, body: str, received: str) -> Extraction:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    process(store, received.id, dying_extractor)


def hold(data_dir: str) -> None:
    """Attach to the store, print the JVM and keeper pids, and wait to be killed."""
    from graph.store.embedded import EmbeddedStore

    client = EmbeddedStore(Path(data_dir), "defensores")
    endpoint = client.attach()
    print(endpoint.jvm_pid, endpoint.keeper_pid, flush=True)
    while True:
        time.sleep(1)


def main() -> None:
    name, arg = sys.argv[1:3]
    if name == "crash-during-extraction":
        crash_during_extraction(arg)
    elif name == "hold":
        hold(arg)
    else:
        raise SystemExit(f"unknown program {name}")


if __name__ == "__main__":
    main()
