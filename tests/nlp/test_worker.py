"""The NLP in a process of its own: the same results, and it survives and ends cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date

import psutil
import pytest

from nlp.pipeline import Extractor
from nlp.worker import ExtractorCrashed, ExtractorProcess

pytestmark = pytest.mark.slow

TEXTS = [
    (
        "El 14 de enero de 2024 el vigilante comunal Wilmer Odicio Estrella, de la Comunidad "
        "Nativa Santa Rosa de Alto Yanayacu, fue amenazado de muerte por Jhon Córdova "
        "Panduro en Puerto Inca, Huánuco.",
        date(2024, 2, 1),
    ),
    (
        "On 3 May 2023 officers of the National Police evicted 20 families of the Comunidad "
        "Nativa Nuevo Paraíso in Tahuanía district, Ucayali.",
        None,
    ),
    ("Ceci n'est pas une plainte en espagnol ni en anglais, mais en français.", None),
]


@pytest.fixture(scope="module")
def worker() -> Iterator[ExtractorProcess]:
    with ExtractorProcess() as nlp:
        yield nlp


def test_results_are_those_of_the_pipeline_here(worker: ExtractorProcess) -> None:
    here = list(Extractor().extract_many(TEXTS, batch_size=2))
    there = worker.extract_many(TEXTS, batch_size=2)
    assert there == here
    assert [r.language for r in there] == ["es", "en", "fr"]
    assert there[0].incidents and there[0].incidents[0].type == "threat"
    assert worker.pid != os.getpid()


def test_a_killed_process_is_replaced_and_the_batch_extracted(worker: ExtractorProcess) -> None:
    first = worker.pid
    os.kill(first, signal.SIGKILL)
    psutil.Process(first).wait(10)
    results = worker.extract_many(TEXTS[:1])
    assert results[0].incidents[0].type == "threat"
    assert worker.pid != first


def test_a_process_that_cannot_start_says_so() -> None:
    nlp = ExtractorProcess(languages=("xx",))  # no pipeline for it: the child fails
    with pytest.raises(ExtractorCrashed, match="did not start"):
        nlp.extract_many(TEXTS[:1])
    nlp.close()


def test_the_process_ends_with_its_parent() -> None:
    script = (
        "from nlp.worker import ExtractorProcess\n"
        "nlp = ExtractorProcess(languages=('es',)).start()\n"
        "print(nlp.pid, flush=True)\n"
        "import time; time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = psutil.Process(int(parent.stdout.readline()))
        assert child.is_running()
        parent.kill()  # no chance to clean up
        parent.wait(10)
        child.wait(15)  # raises TimeoutExpired if it outlives its parent
        assert not child.is_running()
    finally:
        if parent.poll() is None:
            parent.kill()
