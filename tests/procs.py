"""Programs the tests run as separate processes: ``python -m tests.procs NAME DATA_DIR``."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from graph.config import StoreConfig
from graph.intake import ComplaintIn, Extraction, process, receive
from graph.store import Store
from server import open_store


def _open(data_dir: str) -> Store:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    return open_store(StoreConfig.from_env(env, data_dir=data_dir))


def crash_during_extraction(data_dir: str, text: str) -> None:
    """Receive a complaint, then die (SIGKILL) in the middle of extracting it."""
    store = _open(data_dir)
    received = receive(store, ComplaintIn(text=text, channel="web"))
    print(received.id, flush=True)

    def dying_extractor(cid: str, body: str, received: str) -> Extraction:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    process(store, received.id, dying_extractor)


def hold(data_dir: str) -> None:
    """Attach to the store, print the JVM and keeper pids, and wait to be killed."""
    from graph.embedded import EmbeddedStore

    client = EmbeddedStore(Path(data_dir), "defensores")
    endpoint = client.attach()
    print(endpoint.jvm_pid, endpoint.keeper_pid, flush=True)
    while True:
        time.sleep(1)


def main() -> None:
    name, data_dir, *rest = sys.argv[1:]
    if name == "crash-during-extraction":
        crash_during_extraction(data_dir, rest[0])
    elif name == "hold":
        hold(data_dir)
    else:
        raise SystemExit(f"unknown program {name}")


if __name__ == "__main__":
    main()
