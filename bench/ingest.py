"""Ingest benchmark: end-to-end intake against the bare NLP, in the same run.

Generates N invented complaints (default 2,000; about 70 % Spanish), then

* **bare NLP**: the same spaCy pipelines (with the project's components) over the same
  texts through ``nlp.pipe`` — the ceiling;
* **ingest**: ``receive`` (stored first, status ``received``), then batched extraction
  and one transaction of facts per complaint, into a fresh embedded store.

Prints docs/s for both, the ratio (goal: ingest ≥ 0.75 of the bare NLP rate) and peak
memory of this process and of the store's JVM.

    .venv/bin/python bench/ingest.py              # 2,000 complaints
    .venv/bin/python bench/ingest.py --n 200      # a quick run
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psutil

from graph.config import StoreConfig
from graph.embedded import Paths, read_state
from graph.extraction import NlpBatchExtractor
from graph.intake import ComplaintIn, receive_many, resume_batches
from graph.repository import counts
from nlp.pipeline import Extractor, detect_language
from server import open_store

FIRST = [
    "Teodoro",
    "Rosa",
    "Marleni",
    "Elías",
    "Luz",
    "Abner",
    "Delia",
    "Gil",
    "Edwin",
    "Julio",
    "Hernán",
    "Segundo",
    "Nelly",
    "Wilmer",
    "Carmen",
    "Raúl",
]
SURNAMES = [
    "Huamán",
    "Grández",
    "Shuna",
    "Tapullima",
    "Ccahuana",
    "Quinchori",
    "Hualinga",
    "Untsui",
    "Saldaña",
    "Mahua",
    "Estrella",
    "Pacaya",
    "Rengifo",
    "Sinti",
    "Pezo",
    "Tello",
    "Vásquez",
    "Mori",
    "Quispe",
    "Condori",
]
COMMUNITIES = [
    "Comunidad Nativa Santa Rosa de Alto Yanayacu",
    "Comunidad Nativa Nuevo Paraíso",
    "comunidad campesina de Tres Cruces de Oro",
    "CN Nueva Esperanza de Callería",
    "Comunidad Nativa Wawas Entsa",
    "comunidad campesina de Pumamarca Alta",
]
PLACES = [
    "Puerto Inca, Huánuco",
    "el distrito de Yuyapichis, provincia de Puerto Inca",
    "Nueva Requena, Ucayali",
    "Tahuanía, Atalaya",
    "Livitaca, Chumbivilcas, Cusco",
    "El Cenepa, Amazonas",
    "Tocache, San Martín",
    "Pucallpa",
]
COMPANIES = [
    "Agroindustrial Palmeras del Oriente S.A.C.",
    "Minera Cordillera Azul S.A.C.",
    "Maderera Río Pisqui E.I.R.L.",
    "Forestal Lupuna Verde E.I.R.L.",
]
ES = [
    "El {d} {v}, defensora de la {c}, fue amenazada de muerte por {p} en {l}.",
    "El {d}, efectivos de la PNP desalojaron a las familias de la {c} en {l}. "
    "El apu {v} fue golpeado por los policías.",
    "Denunciamos que {p}, alias 'el Chato', disparó contra {v}, dirigente de la {c}, el {d} "
    "en {l}, por un conflicto de tierras con {co}.",
    "La Fiscalía Provincial Penal de Puerto Inca denunció penalmente a {v} por el delito de "
    "usurpación el {d}, tras una denuncia de {co}.",
    "Desde el {d} trabajadores de {co} vigilan la casa de {v}, presidenta de la {c}, y la "
    "llaman terrorista en la radio de {l}.",
    "El {d} {v}, guardaparque de la {c}, fue asesinado por sicarios en {l}. La comunidad "
    "denuncia la tala ilegal de {co}.",
]
EN = [
    "On {d} {v}, a defender of the {c}, was threatened by {p} in {l}.",
    "{v}, leader of the {c}, was shot dead by hitmen on {d} in {l}, over a land dispute with {co}.",
    "Police officers evicted families of the {c} on {d}; {v} was beaten and detained.",
]
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def generate(n: int, seed: int = 5) -> list[tuple[str, str]]:
    """(text, received_at) pairs; every text distinct."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for i in range(n):
        when = date(2022, 1, 1) + timedelta(days=rng.randrange(900))
        english = rng.random() < 0.3
        tpl = rng.choice(EN if english else ES)
        d = (
            when.strftime("%B %d, %Y")
            if english
            else f"{when.day} de {MONTHS_ES[when.month - 1]} de {when.year}"
        )
        person = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        perp = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
        text = tpl.format(
            d=d,
            v=person,
            p=perp,
            c=rng.choice(COMMUNITIES),
            l=rng.choice(PLACES),
            co=rng.choice(COMPANIES),
        )
        text += f" (Registro {i + 1}.)"
        received = when + timedelta(days=rng.randrange(1, 20))
        out.append((text, f"{received.isoformat()}T12:00:00Z"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    items = generate(args.n)
    langs = [detect_language(t) for t, _ in items]
    print(f"{len(items)} complaints: {langs.count('es')} es, {langs.count('en')} en")
    extractor = Extractor()
    extractor.extract_many([(t, None) for t, _ in items[:64]], batch_size=args.batch)  # load

    start = time.perf_counter()
    for _ in extractor.extract_many(
        [(t, date.fromisoformat(r[:10])) for t, r in items], batch_size=args.batch
    ):
        pass
    bare_s = time.perf_counter() - start

    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    with tempfile.TemporaryDirectory(prefix="defensores-bench-") as tmp:
        config = StoreConfig.from_env(env, data_dir=tmp)
        with open_store(config) as store:
            start = time.perf_counter()
            batch = [ComplaintIn(text=t, received_at=r, channel="import") for t, r in items]
            for i in range(0, len(batch), 100):
                receive_many(store, batch[i : i + 100])
            stored_s = time.perf_counter() - start
            status = resume_batches(
                store, NlpBatchExtractor(extractor, args.batch), batch_size=args.batch
            )
            ingest_s = time.perf_counter() - start
            total = counts(store)
            state = read_state(Paths(Path(tmp).resolve()))
            jvm_mb = psutil.Process(state.jvm_pid).memory_info().rss / 2**20 if state else 0.0
    extracted = sum(s == "extracted" for s in status.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(items)
    print(f"\n{'path':<28}{'seconds':>9}{'docs/s':>9}")
    print(f"{'bare nlp.pipe':<28}{bare_s:>9.1f}{n / bare_s:>9.1f}")
    print(f"{'ingest (store + extract)':<28}{ingest_s:>9.1f}{n / ingest_s:>9.1f}")
    print(f"  of which receive (stored): {stored_s:.1f}s")
    print(f"ratio ingest/bare rate: {bare_s / ingest_s:.2f}  (goal >= 0.75)")
    print(
        f"extracted {extracted}/{n}; graph: {total['nodes']} nodes, "
        f"{total['relationships']} relationships"
    )
    print(f"peak memory: this process {peak_mb:.0f} MB; store JVM at the end {jvm_mb:.0f} MB")


if __name__ == "__main__":
    main()
