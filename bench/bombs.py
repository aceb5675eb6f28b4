"""Bomb benchmark: how fast the API refuses documents built to freeze it, and what
``/healthz`` and an ordinary query feel meanwhile.

Starts ``defensores serve`` on a fresh embedded store (a few complaints' worth of
graph is enough: a refused bomb reads nothing) and, with an intake token, sends

* ``fragments``: the issue's document, each of 22 fragments spreading the next twice;
* ``fan-out``: 12 levels of 3 distinct fragments, each spreading the next level;
* ``deep-list``: nested connections with page sizes in the thousands;
* ``aliases``: 30 aliases of a costly listing;
* ``many-fragments``: 400 fragments spread side by side (graphql-core's overlap rule
  compares every pair: a second of CPU before the cap on fragments);

each ``--requests`` times, one at a time. The baseline, in the same run and the same
server, is ``{ noSuchField }``, the smallest document refused: the ratio is a bomb's
p50 over the baseline's p50 (goal: a bomb is refused about as fast as that; the smallest
executed query, ``{ __typename }``, is shown too: it also writes its audit record).
Then ``/healthz`` and a small listing are timed alone and again while 4 clients send
bombs back to back: the ratio (loaded/idle p50) says how much the bombs slow everyone
else.

    .venv/bin/python bench/bombs.py                 # 50 requests each
    .venv/bin/python bench/bombs.py --requests 200
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
from serving import free_port, fresh_store, start_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.access import tokens
from tests.bombs import (
    ALIAS_BOMB,
    DEEP_LIST,
    fan_out_bomb,
    fragment_bomb,
    slow_to_validate,
)

BOMBS = {
    "fragments": fragment_bomb(22),
    "fan-out": fan_out_bomb(),
    "deep-list": DEEP_LIST,
    "aliases": ALIAS_BOMB,
    "many-fragments": slow_to_validate(400),
}
BASELINE = "{ noSuchField }"  # the smallest refused document: parsed, refused, not run
EXECUTED = "{ __typename }"  # the smallest executed one (it writes an audit record)
LISTING = "{ actors(first: 5) { nodes { id name } } }"


def timed(client: httpx.Client, url: str, query: str, n: int) -> tuple[list[float], set[str]]:
    """Seconds per request, and the first error message of each answer (what refused it)."""
    took: list[float] = []
    said: set[str] = set()
    for _ in range(n):
        started = time.perf_counter()
        r = client.post(url, json={"query": query})
        took.append(time.perf_counter() - started)
        errors = r.json().get("errors") or []
        said.add(errors[0]["message"][:70] if errors else f"{r.status_code} ok")
    return took, said


def healthz(client: httpx.Client, base: str, n: int) -> list[float]:
    took = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(f"{base}/healthz")
        took.append(time.perf_counter() - started)
    return took


def p50(xs: list[float]) -> float:
    return statistics.median(xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="per document")
    args = parser.parse_args()
    n = args.requests
    with fresh_store() as fresh:
        token, _ = tokens.create(fresh.store, "intake", "bench-bombs")
        reader, _ = tokens.create(fresh.store, "analyst", "bench-reader")
        port = free_port()
        server = start_server(fresh.data_dir, port, 1)
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/graphql"
        auth = {"Authorization": f"Bearer {token}"}
        try:
            with httpx.Client(headers=auth, timeout=120) as client:
                timed(client, url, BASELINE, 5)  # warm up
                base_took, _ = timed(client, url, BASELINE, n)
                print(f"baseline {BASELINE}: p50 {p50(base_took) * 1000:.1f} ms")
                print(
                    f"{'document':16} {'bytes':>6} {'p50 ms':>8} {'max ms':>8} {'ratio':>6}  answer"
                )
                for name, doc in BOMBS.items():
                    took, said = timed(client, url, doc, n)
                    print(
                        f"{name:16} {len(doc):6} {p50(took) * 1000:8.1f} {max(took) * 1000:8.1f} "
                        f"{p50(took) / p50(base_took):6.2f}  {' | '.join(sorted(said))}"
                    )
            with httpx.Client(headers={"Authorization": f"Bearer {reader}"}, timeout=120) as quiet:
                idle_health = healthz(quiet, base, n)
                idle_list, _ = timed(quiet, url, LISTING, n)
                stop = threading.Event()

                def bomber() -> None:
                    with httpx.Client(headers=auth, timeout=120) as c:
                        while not stop.is_set():
                            for doc in BOMBS.values():
                                c.post(url, json={"query": doc})

                threads = [threading.Thread(target=bomber) for _ in range(4)]
                for t in threads:
                    t.start()
                time.sleep(1)
                loaded_health = healthz(quiet, base, n)
                loaded_list, _ = timed(quiet, url, LISTING, n)
                stop.set()
                for t in threads:
                    t.join()
            for what, idle, loaded in (
                ("/healthz", idle_health, loaded_health),
                ("a 5-actor listing", idle_list, loaded_list),
            ):
                print(
                    f"{what} p50: idle {p50(idle) * 1000:.1f} ms, under 4 bombing clients "
                    f"{p50(loaded) * 1000:.1f} ms (max {max(loaded) * 1000:.1f} ms): "
                    f"ratio {p50(loaded) / p50(idle):.2f}"
                )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
