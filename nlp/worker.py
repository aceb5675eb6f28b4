"""The NLP in a process of its own, so extraction never waits for the interpreter.

spaCy's pipelines hold Python's global interpreter lock for most of their work. A
process that also writes what they found (building records, packing them for the
driver, scoring review candidates) makes the two take turns: measured on this
machine, a second thread busy 15 % of the time slows ``nlp.pipe`` by 15 %, and 30 %
by 45 %. ``ExtractorProcess`` runs an ``Extractor`` in a child process (spawned, so it
inherits no threads, locks or connections) and hands back its plain results, with the
same ``extract_many`` as the ``Extractor``.

If the child dies (killed, out of memory), the batch is tried once more in a new one;
a second death is reported as ``ExtractorCrashed``. The child ends when its parent does.
As with any spawned process, the program's main module must guard its entry point
(``if __name__ == "__main__":``): the child imports it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date

from nlp.pipeline import Extractor
from nlp.result import DocResult

_extractor: Extractor | None = None  # in the child


class ExtractorCrashed(RuntimeError):
    """The NLP process did not start, or died while extracting a batch, twice."""


def _watch_parent(parent: int) -> None:  # pragma: no cover - runs in the child
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)  # the parent is gone: nobody will read what this process finds


def _start(parent: int, languages: tuple[str, ...]) -> None:  # pragma: no cover - child
    global _extractor
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _extractor = Extractor()
    for lang in languages:  # load the pipelines now, not in the first batch
        _extractor.pipeline(lang)


def _extract(items: list[tuple[str, date | None]], batch_size: int) -> list[DocResult]:
    assert _extractor is not None, "the NLP process was not started"  # pragma: no cover
    return list(_extractor.extract_many(items, batch_size=batch_size))  # pragma: no cover


class ExtractorProcess:
    """An ``Extractor`` in a child process: ``with ExtractorProcess() as nlp: ...``."""

    def __init__(self, languages: tuple[str, ...] = ("es", "en")) -> None:
        self.languages = languages
        self._pool: ProcessPoolExecutor | None = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(os.getpid(), self.languages),
            )
            try:
                self._pool.submit(int).result()  # wait until the models are loaded
            except BrokenProcessPool:
                self.close()
                raise ExtractorCrashed(
                    "the NLP process did not start (its error is printed above)"
                ) from None
        return self._pool

    def start(self) -> ExtractorProcess:
        self._started()
        return self

    @property
    def pid(self) -> int:
        """The child's process id (starting it if need be)."""
        return self._started().submit(os.getpid).result()

    def extract_many(
        self, items: Iterable[tuple[str, date | None]], batch_size: int = 32
    ) -> list[DocResult]:
        """``Extractor.extract_many`` in the child: results in input order."""
        batch = list(items)
        for attempt in (1, 2):
            pool = self._started()
            try:
                return pool.submit(_extract, batch, batch_size).result()
            except BrokenProcessPool:
                self.close()
                if attempt == 2:
                    raise ExtractorCrashed(
                        f"the NLP process died twice while extracting {len(batch)} texts"
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ExtractorProcess:
        return self  # the child starts with the first batch: an ingest may have none

    def __exit__(self, *exc: object) -> None:
        self.close()
