"""Invented complaints at scale, and the graph their ingest should give.

    .venv/bin/python bench/generate.py --complaints 100000 --seed 1 \\
        --out complaints.jsonl --facts graph.jsonl

The same ``--complaints`` and ``--seed`` give byte-identical files. Every person is
invented (a first name from the NLP's gazetteer and two surnames); companies and
criminal groups are invented too; places are real districts, provinces and regions of
the UBIGEO gazetteer; state bodies are the real ones of the organisations gazetteer.

The world behind the complaints: communities (nativas in Amazonian regions, campesinas
in Andean ones) in a district, each in one or two land disputes with a driver (mining,
logging, palm oil, coca, land trafficking, …) against a company or a criminal group
whose staff carry out most attacks. Disputes are drawn from a Zipf-like law, and the
companies behind them too, so a few of them recur in many complaints (and the police in
every eviction). Most complaints tell one act against a community's defender; some
defenders suffer an escalating sequence (harassment or stigmatisation → threat →
assault or attempted killing → killing), one complaint per step, in date order. About
70 % are in Spanish, the rest in English, over every incident type of the model.

Outputs:

* ``--out``: one complaint per line, as ``defensores ingest`` reads them (``text``,
  ``received_at``, ``channel``, ``confidentiality``, ``source``);
* ``--facts``: the graph a perfect extraction would write, ready for
  ``graph.store.repository.load`` (``read_records`` reads it back): per complaint, its
  ``Complaint`` node (status ``extracted``, the id the intake gives), the nodes not given
  before, and its facts with their evidence, as ``graph.intake.extraction.to_extraction`` builds
  them from the true ``DocResult`` (``MENTIONS``, ``REPORTS``, ``VICTIM_OF``, …, the name
  index, the places' ``PART_OF``). The counts go to stderr.

Unlike a real ingest, the graph has no review candidates (``POSSIBLY_SAME_AS``), no
risk levels or alerts, and none of the NLP's mistakes; like it, no cases or protection
measures (extraction makes none).

From Python: ``complaints(n, seed)`` yields ``Generated`` complaints (text, metadata and
the true ``DocResult``), ``graph(n, seed)`` yields node and fact records, ``records``
turns one complaint into its records and ``Distinct`` keeps only what is new.
``simple_pairs`` is the small generator ``bench/ingest.py`` has always used.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any, TextIO

from graph.intake.durable import ComplaintIn, complaint_id, text_sha256
from graph.intake.extraction import to_extraction
from graph.rows import Evidence, FactRecord, NodeRecord, fact_id
from nlp.gazetteers import load as load_gazetteer
from nlp.pipeline import VERSION
from nlp.result import Dispute, DocResult, Entity, Incident, Relation
from nlp.result import Evidence as Span
from nlp.text import fold, phonetic

Record = NodeRecord | FactRecord


def _words(text: str, sep: str | None = None) -> list[str]:
    """The words of a vocabulary line (names with spaces: another ``sep``)."""
    return text.split(sep)


# --- the simple generator of bench/ingest.py (kept as it was: same texts) --------------

FIRST = _words(
    "Teodoro Rosa Marleni Elías Luz Abner Delia Gil Edwin Julio Hernán Segundo Nelly Wilmer "
    "Carmen Raúl"
)
SURNAMES = _words(
    "Huamán Grández Shuna Tapullima Ccahuana Quinchori Hualinga Untsui Saldaña Mahua Estrella "
    "Pacaya Rengifo Sinti Pezo Tello Vásquez Mori Quispe Condori"
)
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
MONTHS_ES = _words(
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
)
MONTHS_EN = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]


def simple_pairs(n: int, seed: int = 5) -> list[tuple[str, str]]:
    """(text, received_at) pairs from a few templates; every text distinct."""
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


# --- vocabulary of the world -------------------------------------------------------------

# Given names of nlp/gazetteer/first_names.txt, by the gender they are usually given to.
FEMALE = _words(
    "Adela Adriana Agustina Aida Albina Alejandra Alicia Amalia Ana Andrea Ángela Angélica "
    "Antonia Aurora Beatriz Berta Blanca Candelaria Carla Carmen Carolina Catalina Cecilia "
    "Celia Claudia Consuelo Cristina Daniela Delia Diana Dina Dora Edith Elena Eliana Elisa "
    "Elizabeth Elsa Elvira Emilia Esperanza Estela Ester Eva Flor Francisca Gabriela Gladys "
    "Gloria Hermelinda Hilda Inés Irma Isabel Josefina Juana Julia Juliana Justina Karina "
    "Katia Leonor Liliana Lorena Lucía Luisa Luz Magdalena Marcela Margarita María Maribel "
    "Marina Marleni Marlene Marta Matilde Mercedes Milagros Miriam Mónica Nancy Natalia Nelly "
    "Nilda Noemí Norma Olga Pamela Patricia Paulina Pilar Rebeca Rocío Rosa Rosario Rosalía "
    "Ruth Sandra Silvia Sofía Susana Teresa Valeria Vanessa Verónica Vilma Violeta Virginia "
    "Yaneth Yolanda Zoila"
)
MALE = _words(
    "Abel Abelardo Abner Abraham Adán Adolfo Agustín Alberto Alcides Alejandro Alfonso "
    "Alfredo Alipio Amado Américo Anacleto Andrés Ángel Aníbal Antonio Apolinar Aquilino "
    "Armando Arnaldo Arturo Augusto Aurelio Basilio Benigno Benjamín Bruno Carlos Celestino "
    "César Cirilo Clemente Cristóbal Daniel Dante David Diego Dionisio Domingo Edgar "
    "Edilberto Edson Eduardo Edwin Efraín Elías Elmer Emilio Enrique Ernesto Esteban Eulogio "
    "Eusebio Evaristo Fabián Fausto Federico Felipe Félix Fermín Fernando Fidel Florencio "
    "Francisco Freddy Gabriel Genaro Gerardo Germán Gilberto Gonzalo Gregorio Guillermo "
    "Gustavo Héctor Hernán Hilario Hugo Humberto Ignacio Isaac Isaías Ismael Iván Jaime "
    "Javier Joaquín Jorge José Juan Julián Julio Justo Leoncio Lorenzo Lucas Lucio Luis "
    "Manuel Marcelino Marcial Marco Marcos Mariano Mario Martín Mateo Mauricio Máximo Miguel "
    "Moisés Nelson Néstor Nicanor Nicolás Octavio Omar Orlando Óscar Oswaldo Pablo Pascual "
    "Pedro Percy Policarpo Porfirio Rafael Ramiro Ramón Raúl Reynaldo Ricardo Roberto "
    "Rodolfo Rodrigo Rogelio Rolando Román Rubén Salomón Samuel Santiago Saúl Sebastián "
    "Segundo Serafín Sergio Simón Teodoro Teófilo Tomás Ulises Valentín Víctor Walter Wilder "
    "Wilfredo Wilmer Wilson Zenón"
)
# Surnames common in Peru: Spanish, Andean and Amazonian.
SURNAMES_ALL = tuple(
    dict.fromkeys(
        SURNAMES
        + _words(
            "Aguilar Ahuanari Amasifuén Antun Apaza Arirama Bikut Cachique Camaiteri Campos "
            "Canaquiri Casancho Castillo Castro Ccapa Ccori Chambi Champi Chávez Chimanca "
            "Chiricente Choque Chumbe Chumpi Chura Coaquira Córdova Cruz Curitima Cusi Cutipa "
            "Díaz Espinoza Fasabi Flores García Gómez Guerrero Gutiérrez Huanca Huaraca "
            "Huarcaya Huaymacari Huertas Huillca Ikam Inuma Jempekit Jiménez Kinin Layme "
            "Limachi Lomas Lozano Mamani Manihuari Marín Medina Meléndez Mendoza Mishari "
            "Morales Mozombite Murayari Navarro Núñez Odicio Ortiz Panduro Pari Paredes Pérez "
            "Poma Puma Ramírez Ramos Reyes Ríos Rivera Rojas Romero Ruiz Saboya Sajami "
            "Salazar Sanancino Sangama Sánchez Sejekam Shimbo Shimpukat Shingari Silva Soto "
            "Taipe Tananta Ticona Torres Tsamajain Tuesta Tupa Upiachihua Ushiñahua Valdivia "
            "Vargas Vega Vela Wajai Yaicate Yauri Yupanqui Zapata Zegarra"
        )
    )
)
NICKNAMES = (
    "el Chato",
    "el Cholo",
    "el Loco",
    "el Zorro",
    "el Flaco",
    "el Tigre",
    "el Puma",
    "el Mudo",
    "el Viejo",
    "el Colorado",
    "el Cuervo",
    "el Tuerto",
)

SAINTS = (
    "Santa Rosa",
    "San José",
    "San Francisco",
    "Santa Clara",
    "San Juan",
    "Santa Teresa",
    "San Martín",
    "Santa Ana",
    "San Pedro",
    "Santa Isabel",
    "San Antonio",
    "Santa Elena",
)
NATIVE_BASES = _words(
    "Yanayacu, Callería, Pisqui, Sheshea, Tamaya, Abujao, Utiquinía, Shambo, Mashansho, "
    "Cushabatay, Huipoca, Shebonya, Sungaroyacu, Unipacuyacu, Yamino, Mencoriari, Anapati, "
    "Cutivireni, Tsoroja, Oventeni, Chicosa, Shimpiyacu, Shapajilla, Chambira, Cuninico, "
    "Saramurillo, Jerusalén, Wawas, Nazareth, Yutupis, Shaime, Tuutin, Cangaza, Mamayaque, "
    "Urakusa, Chapis, Kusu Kagkas, Wawaim, Galilea, Sawawo, Inuya, Mapuya, Sepahua, Breu, "
    "Italia, Tipishca, Pucacuro, Huaycurillo, Bufeo Pozo, Samaria, Alianza, Paraíso, Yarina, "
    "Tushmo, Panaillo, Pueblo Libre, Ahuaypa, Esperanza, Shiringal, Sinchi Roca, Puerto Azul",
    sep=", ",
)
ANDEAN_BASES = _words(
    "Pumamarca, Ccollpa, Chuñuhuire, Tres Cruces, Huayllay, Ccarhuayo, Sallani, Kunturkanki, "
    "Chaupimayo, Fuerabamba, Huancuire, Chicñahui, Pamputa, Choaquere, Tiaparo, Queuñapampa, "
    "Urinsaya, Anansaya, Llallimayo, Pichigua, Qquehuincha, Ccasccabamba, Huaylla, Patahuasi, "
    "Ayahuay, Totora, Chilloroya, Huisa, Ccollana, Huarca, Pacpaco, Antaquilla, "
    "Chalhuahuacho, Mara, Huanacopampa, Yanque, Sumaq Tika, Pucará, Churubamba, Lucmapampa, "
    "Colquemarca, Quishuará, Mollebamba, Ranracancha, Huancaray, Chacabamba, Collpacucho, "
    "Soraya, Tambobamba, Uchucarcco, Cconchaccollo, Pampahuasi",
    sep=", ",
)
PREFIXES = ("", "Nuevo ", "Nueva ", "Alto ", "Bajo ", "Puerto ", "Unión ", "Villa ")
ANDEAN_PREFIXES = ("", "San Juan de ", "Santa Ana de ", "Alto ", "Bajo ", "Virgen de ")

# Regions (UBIGEO) where each kind of community lies, with weights.
NATIVE_REGIONS = {
    "16": 4,
    "25": 4,
    "10": 3,
    "17": 3,
    "22": 3,
    "01": 3,
    "12": 2,
    "19": 2,
    "08": 1,
    "05": 1,
}
ANDEAN_REGIONS = {
    "08": 4,
    "03": 4,
    "21": 4,
    "06": 3,
    "02": 3,
    "05": 3,
    "09": 2,
    "12": 2,
    "19": 2,
    "20": 2,
    "13": 1,
    "04": 1,
    "18": 1,
    "15": 1,
    "11": 1,
}
AMAZON_PEOPLES = _words(
    "Asháninka Shipibo-Konibo Awajún Kakataibo Wampís Kukama Matsigenka Yine Yanesha "
    "Achuar Urarina Harakbut Kandozi Shawi Quechua"
)
DRIVERS_BY_KIND = {
    "native": {
        "logging": 25,
        "land_trafficking": 18,
        "mining": 15,
        "palm_oil": 12,
        "coca": 12,
        "oil_gas": 10,
        "agribusiness": 5,
        "infrastructure": 3,
    },
    "campesina": {
        "mining": 50,
        "land_trafficking": 12,
        "infrastructure": 10,
        "agribusiness": 8,
        "oil_gas": 5,
        "logging": 5,
    },
}
# Companies by driver: a trade word and a legal form; criminal groups for the others.
SECTORS = {
    "mining": (("Minera", "Compañía Minera"), ("S.A.C.", "S.A.", "S.R.L.")),
    "logging": (("Maderera", "Forestal", "Maderas"), ("E.I.R.L.", "S.A.C.")),
    "palm_oil": (("Agroindustrial", "Palmas", "Palmicultora"), ("S.A.C.", "S.A.")),
    "oil_gas": (("Petrolera", "Hidrocarburos"), ("S.A.", "S.A.C.")),
    "agribusiness": (("Agroexportadora", "Agrícola"), ("S.A.C.", "S.A.")),
    "infrastructure": (("Constructora", "Consorcio Vial"), ("S.A.C.", "S.A.")),
}
CRIMINAL_DRIVERS = ("coca", "land_trafficking")
# Coined words, so that no generated company is named like a registered one ("Minera
# Cerro Verde" would be): the companies here are invented, and commit invented abuses.
NAME_A = _words(
    "Quelvar Turmanta Sivaray Plenor Calduro Miranto Yuvessa Corvandi Telsuma Arquivo "
    "Ventulca Maroquén Silvandra Pontesur Qalmira Durvessa Olvante Carintia"
)
NAME_B = _words(
    "Azul|Verde|Dorado|Alto|Andino|Grande|del Sur|del Norte|Nuevo|Real|Sagrado|Escondido|"
    "Oriental|Amazónico|Blanco|Imperial|Claro|Sereno",
    sep="|",
)
GANG_A = _words("Topos Injertos Malditos Pulpos Lobos Cuervos Halcones Escorpiones Gallinazos")
GANG_B = _words(
    "del Huallaga|del Pachitea|de la Frontera|del Aguaytía|del Ene|del Monzón|de la Selva|"
    "del Ucayali|del Marañón|de Tambopata|del Pichis|del Palcazú",
    sep="|",
)
POLICE = (
    ("Policía Nacional del Perú", 6),
    ("Dirección Nacional de Operaciones Especiales", 2),
)
COCA_POLICE = "Dirección Antidrogas de la PNP"

# Roles: key → (Spanish female, Spanish male, English).
DEFENDER_ROLES = {
    "president": ("presidenta", "presidente", "president"),
    "vice": ("vicepresidenta", "vicepresidente", "vice-president"),
    "leader": ("lideresa", "dirigente", "leader"),
    "defender": ("defensora", "defensor", "defender"),
    "apu": ("apu", "apu", "chief"),
    "monitor": ("monitora ambiental", "monitor ambiental", "environmental monitor"),
    "ranger": ("guardaparque", "guardaparque", "park ranger"),
}
STAFF_ROLES = {
    "security": ("jefa de seguridad", "jefe de seguridad", "head of security"),
    "worker": ("trabajadora", "trabajador", "worker"),
    "manager": ("gerente", "gerente", "manager"),
    "foreman": ("capataz", "capataz", "foreman"),
}
GANG_ROLES = {"member": ("integrante", "integrante", "member")}

DRIVER_PHRASES = {
    "es": {
        "mining": ("la minería ilegal", "una concesión minera"),
        "logging": ("la tala ilegal", "la extracción ilegal de madera"),
        "palm_oil": ("la expansión de la palma aceitera", "las plantaciones de palma"),
        "coca": ("los cultivos ilícitos de coca", "el narcotráfico"),
        "land_trafficking": ("el tráfico de tierras", "la invasión de sus tierras"),
        "oil_gas": ("los derrames de petróleo", "la explotación de hidrocarburos"),
        "agribusiness": ("los monocultivos agroindustriales", "la expansión agroindustrial"),
        "infrastructure": ("la construcción de una carretera", "una hidroeléctrica"),
    },
    "en": {
        "mining": ("illegal gold mining", "a mining concession"),
        "logging": ("illegal logging", "timber extraction"),
        "palm_oil": ("oil palm plantations", "palm oil expansion"),
        "coca": ("coca crops and drug trafficking", "drug trafficking"),
        "land_trafficking": ("land trafficking", "the invasion of its land by settlers"),
        "oil_gas": ("oil spills", "an oil pipeline"),
        "agribusiness": ("agribusiness plantations", "a cacao monoculture"),
        "infrastructure": ("a highway project", "a dam project"),
    },
}
CONTEXT = {
    "es": (
        "La {c} se opone desde hace años {a_drv} en su territorio.",
        "Los hechos se dan en el marco del conflicto entre la {c} y {co} por {drv}.",
    ),
    "en": (
        "The {c} has opposed {drv} on its territory for years.",
        "These events are part of the conflict between the {c} and {co} over {drv}.",
    ),
}
FOOTER = {"es": "Código de registro: {ref}.", "en": "Registry code: {ref}."}

# --- templates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Act:
    """An incident a template tells: its type, sentence, and the slots in each role."""

    type: str
    sentence: int = 0
    victims: tuple[str, ...] = ("v",)
    perps: tuple[str, ...] = ("p",)
    witnesses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    sentences: tuple[str, ...]
    acts: tuple[Act, ...]
    # (person slot, group slot): "X, presidenta de la Comunidad Y" in one sentence
    links: tuple[tuple[str, str], ...] = (("v", "c"), ("p", "co"))
    state: str | None = None  # "police" or "prosecutor": who {o} is
    female: bool = False  # the victim is a woman


def _t(lang: str, kind: str, *variants: Template) -> tuple[tuple[str, str], tuple[Template, ...]]:
    return (lang, kind), variants


def tpl(*sentences: str, acts: Sequence[Act], **kw: Any) -> Template:
    return Template(tuple(sentences), tuple(acts), **kw)


_VC = (("v", "c"),)
TEMPLATES: dict[tuple[str, str], tuple[Template, ...]] = dict(
    [
        _t(
            "es",
            "threat",
            tpl(
                "{D}, {v}, {rv} de la {c}, fue amenazad{a} de muerte por {p}, {rp} de {co}, "
                "en {pl}.",
                acts=[Act("threat")],
            ),
            tpl(
                "{D}, {p}, {rp} de {co}, amenazó a {v}, {rv} de la {c}, con matar{lo} si no "
                "abandonaba sus tierras en {pl}.",
                acts=[Act("threat")],
            ),
            tpl(
                "{D}, {v}, {rv} de la {c}, fue amenazad{a} por {p}, {rp} de {co}, en presencia "
                "de {w}, en {pl}.",
                acts=[Act("threat", witnesses=("w",))],
            ),
        ),
        _t(
            "en",
            "threat",
            tpl(
                "{D}, {v}, {rv} of the {c}, was threatened with death by {p}, {rp} of {co}, "
                "in {pl}.",
                acts=[Act("threat")],
            ),
            tpl(
                "{p}, {rp} of {co}, threatened to kill {v}, {rv} of the {c}, {d} in {pl}.",
                acts=[Act("threat")],
            ),
            tpl(
                "{D}, {v}, {rv} of the {c}, was threatened by {p}, {rp} of {co}, in front of "
                "{w}, in {pl}.",
                acts=[Act("threat", witnesses=("w",))],
            ),
        ),
        _t(
            "es",
            "harassment",
            tpl(
                "{D}, hombres al servicio de {co} empezaron a hostigar a {v}, {rv} de la {c}, "
                "frente a su vivienda en {pl}.",
                acts=[Act("harassment", perps=("co",))],
                links=_VC,
            ),
            tpl(
                "{D}, {p}, {rp} de {co}, empezó a hostigar a {v}, {rv} de la {c}, en {pl}.",
                acts=[Act("harassment")],
            ),
        ),
        _t(
            "en",
            "harassment",
            tpl(
                "{D}, men working for {co} began to harass {v}, {rv} of the {c}, outside {pos} "
                "home in {pl}.",
                acts=[Act("harassment", perps=("co",))],
                links=_VC,
            ),
            tpl(
                "{D}, {p}, {rp} of {co}, started to harass {v}, {rv} of the {c}, in {pl}.",
                acts=[Act("harassment")],
            ),
        ),
        _t(
            "es",
            "stigmatisation",
            tpl(
                "{D}, {p}, {rp} de {co}, calificó de terrorista a {v}, {rv} de la {c}, en una "
                "radio de {pl}.",
                acts=[Act("stigmatisation")],
            ),
            tpl(
                "{D}, {co} difundió mensajes que tildan de terrucos a {v}, {rv} de la {c}, y "
                "a los comuneros de {pl}.",
                acts=[Act("stigmatisation", perps=("co",))],
                links=_VC,
            ),
        ),
        _t(
            "en",
            "stigmatisation",
            tpl(
                "{D}, {p}, {rp} of {co}, branded {v}, {rv} of the {c}, a terrorist on a local "
                "radio station in {pl}.",
                acts=[Act("stigmatisation")],
            ),
            tpl(
                "{D}, {co} published posts that smear {v}, {rv} of the {c}, as an enemy of "
                "development in {pl}.",
                acts=[Act("stigmatisation", perps=("co",))],
                links=_VC,
            ),
        ),
        _t(
            "es",
            "surveillance",
            tpl(
                "{D}, hombres que trabajan para {co} vigilaron la casa de {v}, {rv} de la {c}, "
                "y tomaron fotografías de su familia en {pl}.",
                acts=[Act("surveillance", perps=("co",))],
                links=_VC,
            ),
            tpl(
                "{D}, {v}, {rv} de la {c}, fue seguid{a} durante días por {p}, {rp} de {co}, "
                "en {pl}.",
                acts=[Act("surveillance")],
            ),
        ),
        _t(
            "en",
            "surveillance",
            tpl(
                "{D}, men working for {co} watched the house of {v}, {rv} of the {c}, and "
                "photographed {pos} family in {pl}.",
                acts=[Act("surveillance", perps=("co",))],
                links=_VC,
            ),
            tpl(
                "{D}, {v}, {rv} of the {c}, was followed for days by {p}, {rp} of {co}, in {pl}.",
                acts=[Act("surveillance")],
            ),
        ),
        _t(
            "es",
            "criminalisation",
            tpl(
                "{D}, la {o} abrió una investigación contra {v}, {rv} de la {c}, por el delito "
                "de usurpación, a pedido de {co}.",
                "Los hechos que se le imputan habrían ocurrido en {pl}.",
                acts=[Act("criminalisation", perps=("o", "co"))],
                links=_VC,
                state="prosecutor",
            ),
            tpl(
                "{D}, {v}, {rv} de la {c}, fue denunciad{a} penalmente por {co} por los "
                "delitos de usurpación y daños en {pl}.",
                acts=[Act("criminalisation", perps=("co",))],
                links=_VC,
            ),
        ),
        _t(
            "en",
            "criminalisation",
            tpl(
                "{D}, the {o} opened a criminal investigation against {v}, {rv} of the {c}, "
                "for usurpation at the request of {co}, in {pl}.",
                acts=[Act("criminalisation", perps=("o", "co"))],
                links=_VC,
                state="prosecutor",
            ),
            tpl(
                "{D}, {v}, {rv} of the {c}, was charged with usurpation after {co} filed a "
                "complaint against {obj} in {pl}.",
                acts=[Act("criminalisation", perps=("co",))],
                links=_VC,
            ),
        ),
        _t(
            "es",
            "assault",
            tpl(
                "{D}, {v}, {rv} de la {c}, fue golpead{a} por {p}, {rp} de {co}, en {pl}.",
                acts=[Act("assault")],
            ),
            tpl(
                "{D}, efectivos de la {o} agredieron a {v}, {rv} de la {c}, durante una "
                "protesta pacífica en {pl}.",
                acts=[Act("assault", perps=("o",))],
                links=_VC,
                state="police",
            ),
        ),
        _t(
            "en",
            "assault",
            tpl(
                "{D}, {v}, {rv} of the {c}, was beaten by {p}, {rp} of {co}, in {pl}.",
                acts=[Act("assault")],
            ),
            tpl(
                "{D}, officers of the {o} attacked {v}, {rv} of the {c}, during a peaceful "
                "protest in {pl}.",
                acts=[Act("assault", perps=("o",))],
                links=_VC,
                state="police",
            ),
        ),
        _t(
            "es",
            "attempted_killing",
            tpl(
                "{D}, {p}, {rp} de {co}, disparó contra {v}, {rv} de la {c}, en {pl}.",
                acts=[Act("attempted_killing")],
            ),
            tpl(
                "{D}, {v}, {rv} de la {c}, sobrevivió a un atentado: {p}, {rp} de {co}, le "
                "disparó en {pl}.",
                acts=[Act("attempted_killing")],
            ),
        ),
        _t(
            "en",
            "attempted_killing",
            tpl(
                "{D}, {p}, {rp} of {co}, shot at {v}, {rv} of the {c}, in {pl}.",
                acts=[Act("attempted_killing")],
            ),
            tpl(
                "{D}, {v}, {rv} of the {c}, survived an attempt on {pos} life when gunmen "
                "fired at {obj} in {pl}.",
                acts=[Act("attempted_killing", perps=())],
                links=_VC,
            ),
        ),
        _t(
            "es",
            "killing",
            tpl(
                "{D}, {v}, {rv} de la {c}, fue asesinad{a} por sicarios en {pl}.",
                acts=[Act("killing", perps=())],
                links=_VC,
            ),
            tpl(
                "{D}, {v}, {rv} de la {c}, fue asesinad{a} a balazos por {p}, {rp} de {co}, "
                "en {pl}.",
                acts=[Act("killing")],
            ),
        ),
        _t(
            "en",
            "killing",
            tpl(
                "{D}, {v}, {rv} of the {c}, was shot dead by hitmen in {pl}.",
                acts=[Act("killing", perps=())],
                links=_VC,
            ),
            tpl(
                "{D}, {v}, {rv} of the {c}, was murdered by {p}, {rp} of {co}, in {pl}.",
                acts=[Act("killing")],
            ),
        ),
        _t(
            "es",
            "disappearance",
            tpl(
                "{D}, {v}, {rv} de la {c}, desapareció en {pl} tras ser amenazad{a} por {p}, "
                "{rp} de {co}.",
                acts=[Act("disappearance", perps=()), Act("threat")],
            ),
            tpl(
                "{D}, {v}, {rv} de la {c}, salió de su casa en {pl} y desde entonces su "
                "paradero es desconocido.",
                acts=[Act("disappearance", perps=())],
                links=_VC,
            ),
        ),
        _t(
            "en",
            "disappearance",
            tpl(
                "{D}, {v}, {rv} of the {c}, disappeared in {pl} after being threatened by {p}, "
                "{rp} of {co}.",
                acts=[Act("disappearance", perps=()), Act("threat")],
            ),
            tpl(
                "{D}, {v}, {rv} of the {c}, left {pos} home in {pl}; {pos} whereabouts remain "
                "unknown.",
                acts=[Act("disappearance", perps=())],
                links=_VC,
            ),
        ),
        _t(
            "es",
            "sexual_violence",
            tpl(
                "{D}, {v}, {rv} de la {c}, fue víctima de violencia sexual por parte de {p}, "
                "{rp} de {co}, en {pl}.",
                acts=[Act("sexual_violence")],
                female=True,
            ),
            tpl(
                "{D}, {p}, {rp} de {co}, abusó sexualmente de {v}, {rv} de la {c}, en {pl}.",
                acts=[Act("sexual_violence")],
                female=True,
            ),
        ),
        _t(
            "en",
            "sexual_violence",
            tpl(
                "{D}, {v}, {rv} of the {c}, was raped by {p}, {rp} of {co}, in {pl}.",
                acts=[Act("sexual_violence")],
                female=True,
            ),
            tpl(
                "{D}, {p}, {rp} of {co}, sexually assaulted {v}, {rv} of the {c}, in {pl}.",
                acts=[Act("sexual_violence")],
                female=True,
            ),
        ),
        _t(
            "es",
            "eviction",
            tpl(
                "{D}, efectivos de la {o} desalojaron a las familias de la {c} en {pl}, a "
                "pedido de {co}.",
                "{v}, {rv} de la {c}, fue golpead{a} por los policías.",
                acts=[
                    Act("eviction", victims=("c",), perps=("o", "co")),
                    Act("assault", sentence=1, perps=("o",)),
                ],
                links=_VC,
                state="police",
            ),
            tpl(
                "{D}, trabajadores de {co} y efectivos de la {o} destruyeron las viviendas de "
                "la {c} y desalojaron a sus familias en {pl}.",
                acts=[
                    Act("property_damage", victims=("c",), perps=("co", "o")),
                    Act("eviction", victims=("c",), perps=("co", "o")),
                ],
                links=(),
                state="police",
            ),
        ),
        _t(
            "en",
            "eviction",
            tpl(
                "{D}, officers of the {o} evicted the families of the {c} in {pl} at the "
                "request of {co}.",
                "{v}, {rv} of the {c}, was beaten by the police.",
                acts=[
                    Act("eviction", victims=("c",), perps=("o", "co")),
                    Act("assault", sentence=1, perps=("o",)),
                ],
                links=_VC,
                state="police",
            ),
            tpl(
                "{D}, workers of {co} and officers of the {o} destroyed the houses of the {c} "
                "and evicted its families in {pl}.",
                acts=[
                    Act("property_damage", victims=("c",), perps=("co", "o")),
                    Act("eviction", victims=("c",), perps=("co", "o")),
                ],
                links=(),
                state="police",
            ),
        ),
        _t(
            "es",
            "property_damage",
            tpl(
                "{D}, hombres al servicio de {co} quemaron las chacras y la casa comunal de la "
                "{c} en {pl}.",
                acts=[Act("property_damage", victims=("c",), perps=("co",))],
                links=(),
            ),
            tpl(
                "{D}, {p}, {rp} de {co}, destruyó el local comunal de la {c} en {pl}, en "
                "presencia de {w}.",
                acts=[Act("property_damage", victims=("c",), witnesses=("w",))],
                links=(("p", "co"),),
            ),
        ),
        _t(
            "en",
            "property_damage",
            tpl(
                "{D}, men working for {co} burned the crops and the communal house of the {c} "
                "in {pl}.",
                acts=[Act("property_damage", victims=("c",), perps=("co",))],
                links=(),
            ),
            tpl(
                "{D}, {p}, {rp} of {co}, destroyed the communal hall of the {c} in {pl}, in "
                "front of {w}.",
                acts=[Act("property_damage", victims=("c",), witnesses=("w",))],
                links=(("p", "co"),),
            ),
        ),
        _t(
            "es",
            "other",
            tpl(
                "{D}, efectivos de la {o} se negaron a recibir la denuncia de {v}, {rv} de la "
                "{c}, contra {co} en {pl}.",
                acts=[Act("other", perps=("o",))],
                links=_VC,
                state="police",
            ),
            tpl(
                "{D}, trabajadores de {co} impidieron el paso de {v}, {rv} de la {c}, a las "
                "tierras comunales en {pl}.",
                acts=[Act("other", perps=("co",))],
                links=_VC,
            ),
        ),
        _t(
            "en",
            "other",
            tpl(
                "{D}, officers of the {o} refused to register the complaint of {v}, {rv} of "
                "the {c}, against {co} in {pl}.",
                acts=[Act("other", perps=("o",))],
                links=_VC,
                state="police",
            ),
            tpl(
                "{D}, workers of {co} blocked the access of {v}, {rv} of the {c}, to the "
                "communal lands in {pl}.",
                acts=[Act("other", perps=("co",))],
                links=_VC,
            ),
        ),
    ]
)
# Single complaints: how often each kind of act is told (eviction templates also tell
# an assault or property damage).
TYPE_WEIGHTS = {
    "threat": 22,
    "criminalisation": 12,
    "harassment": 10,
    "assault": 9,
    "stigmatisation": 8,
    "eviction": 7,
    "property_damage": 7,
    "surveillance": 6,
    "attempted_killing": 4,
    "killing": 4,
    "other": 4,
    "disappearance": 2,
    "sexual_violence": 2,
}
FRESH_VICTIM = {"killing", "disappearance"}  # a defender not named in any other episode
SEQUENCE_SHARE = 0.04  # of episodes: an escalating sequence against one defender
FIRST_DAY, LAST_DAY = date(2018, 1, 1), date(2025, 12, 31)
CHANNELS = {
    "web": 30,
    "partner_ngo": 20,
    "email": 15,
    "in_person": 15,
    "phone": 10,
    "letter": 5,
    "import": 5,
}
CONFIDENTIALITY = {"restricted": 65, "public": 25, "sealed": 10}


# --- the world ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """A person, organisation, community or place, as the NLP would name it."""

    type: str  # person | organization | community | place | cue (a dispute's words)
    name: str  # canonical
    kind: str | None = None
    gender: str | None = None
    defender: bool = False
    people: str | None = None
    ubigeo: str | None = None
    level: str | None = None
    english: str | None = None  # how English texts name it, when not by ``name``
    nick: str | None = None
    role: str | None = None  # a key of DEFENDER_ROLES, STAFF_ROLES or GANG_ROLES

    @property
    def key(self) -> str:
        return _key(self.type, self.name, self.ubigeo)


@cache
def _key(kind: str, name: str, ubigeo: str | None) -> str:
    """An entity's key within a document, as the NLP gives it."""
    return f"place:{ubigeo}" if kind == "place" else f"{kind}:{fold(name)}"


@dataclass
class Community:
    actor: Actor
    district: str  # UBIGEO
    defenders: list[Actor]
    others: list[Actor]  # members who are not defenders: witnesses


@dataclass
class Respondent:
    actor: Actor  # a company or a criminal group
    staff: list[Actor]


@dataclass
class Conflict:
    """A land dispute: one community, one driver, the company or group it faces."""

    community: Community
    driver: str
    respondent: Respondent
    perps: list[Actor]  # the respondent's staff active in this dispute


class Zipf:
    """Draws items with weight 1 / rank**s (ranks in the given order)."""

    def __init__(self, items: Sequence[Any], s: float) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(1 / (r + 1) ** s for r in range(len(self.items))))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _weighted(rng: random.Random, weights: Mapping[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class Names:
    """Invented persons with names not given before (up to spelling variants)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def person(self, gender: str, *, defender: bool = False, role: str | None = None) -> Actor:
        rng = self.rng
        while True:
            first = rng.choice(FEMALE if gender == "female" else MALE)
            name = f"{first} {rng.choice(SURNAMES_ALL)} {rng.choice(SURNAMES_ALL)}"
            key = phonetic(name)
            if key not in self.used:
                self.used.add(key)
                return Actor("person", name, gender=gender, defender=defender, role=role)


def _districts() -> dict[str, list[str]]:
    """District UBIGEO codes by region code."""
    out: dict[str, list[str]] = {}
    for code, place in sorted(load_gazetteer().places.items()):
        if place.level == "district":
            out.setdefault(code[:2], []).append(code)
    return out


def _community_names(rng: random.Random, kind: str) -> list[str]:
    """Every name of the kind, shuffled; no two alike up to spelling variants."""
    bases: Sequence[str] = NATIVE_BASES if kind == "native" else ANDEAN_BASES
    prefixes: Sequence[str] = PREFIXES if kind == "native" else ANDEAN_PREFIXES
    head = "Comunidad Nativa" if kind == "native" else "Comunidad Campesina"
    forms = [f"{p}{b}" for p in prefixes for b in bases]
    forms += [f"{s} de {alt}{b}" for s in SAINTS for alt in ("", "Alto ", "Bajo ") for b in bases]
    by_key = {phonetic(f"{head} {f}"): f"{head} {f}" for f in forms}
    names = sorted(by_key.values())
    rng.shuffle(names)
    return names


def _company_names(trades: Sequence[str], forms: Sequence[str]) -> list[str]:
    names = [f"{t} {a} {b}" for t in trades for a in NAME_A for b in NAME_B]
    return [f"{name} {forms[i % len(forms)]}" for i, name in enumerate(names)]


class World:
    """Communities, disputes, companies, criminal groups and the people in them."""

    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(f"{seed}:world")
        self.seed = seed
        self.names = Names(self.rng)
        self.places = load_gazetteer().places
        self.districts = _districts()
        self.companies = {
            sector: self._companies(trades, forms, max(2, n // 400))
            for sector, (trades, forms) in SECTORS.items()
        }
        self.gangs = self._gangs(max(2, n // 500))
        self.communities = self._communities(max(6, n // 25))
        conflicts = [c for community in self.communities for c in self._conflicts(community)]
        self.rng.shuffle(conflicts)
        self.conflicts = Zipf(conflicts, 0.7)
        self.prosecutors: dict[str, Actor] = {}

    def _staff(self, roles: Mapping[str, Any], count: int, nick: bool = False) -> list[Actor]:
        out = []
        for _ in range(count):
            gender = "female" if self.rng.random() < 0.15 else "male"
            person = self.names.person(gender, role=self.rng.choice(sorted(roles)))
            if nick:
                person = replace(person, nick=self.rng.choice(NICKNAMES))
            out.append(person)
        return out

    def _companies(self, trades: Sequence[str], forms: Sequence[str], count: int) -> Zipf:
        names = _company_names(trades, forms)
        self.rng.shuffle(names)
        pool = [
            Respondent(
                Actor("organization", name, kind="company"),
                self._staff(STAFF_ROLES, self.rng.randint(2, 5)),
            )
            for name in names[:count]
        ]
        return Zipf(pool, 1.1)

    def _gangs(self, count: int) -> Zipf:
        names = sorted(f"Los {a} {b}" for a in GANG_A for b in GANG_B)
        self.rng.shuffle(names)
        pool = [
            Respondent(
                Actor("organization", name, kind="criminal_group"),
                self._staff(GANG_ROLES, self.rng.randint(2, 4), nick=True),
            )
            for name in names[:count]
        ]
        return Zipf(pool, 1.0)

    def _communities(self, count: int) -> list[Community]:
        names = {k: _community_names(self.rng, k) for k in ("native", "campesina")}
        out = []
        for _ in range(min(count, len(names["native"]) + len(names["campesina"]))):
            kind = "native" if self.rng.random() < 0.55 else "campesina"
            if not names[kind]:
                kind = "campesina" if kind == "native" else "native"
            out.append(self._community(kind, names[kind].pop()))
        return out

    def _community(self, kind: str, name: str) -> Community:
        rng = self.rng
        region = _weighted(rng, NATIVE_REGIONS if kind == "native" else ANDEAN_REGIONS)
        district = rng.choice(self.districts[region])
        if kind == "native":
            people = rng.choice(AMAZON_PEOPLES)
            english = f"{name.removeprefix('Comunidad Nativa ')} Native Community"
        else:
            people = "Aymara" if region == "21" and rng.random() < 0.4 else "Quechua"
            english = f"{name.removeprefix('Comunidad Campesina ')} Peasant Community"
        actor = Actor("community", name, kind=kind, people=people, english=english)
        defenders = [self.defender(kind) for _ in range(rng.randint(2, 5))]
        others = [self.names.person(rng.choice(("female", "male"))) for _ in range(2)]
        return Community(actor, district, defenders, others)

    def defender(self, kind: str | None, gender: str | None = None) -> Actor:
        """A new defender of a community of ``kind``."""
        gender = gender or ("female" if self.rng.random() < 0.4 else "male")
        apu = kind == "native" and gender == "male"
        roles = [r for r in DEFENDER_ROLES if r != "apu" or apu]
        return self.names.person(gender, defender=True, role=self.rng.choice(roles))

    def _conflicts(self, community: Community) -> list[Conflict]:
        weights = DRIVERS_BY_KIND[community.actor.kind or "native"]
        drivers = {_weighted(self.rng, weights)}
        if self.rng.random() < 0.2:
            drivers.add(_weighted(self.rng, weights))
        out = []
        for driver in sorted(drivers):
            pool = self.gangs if driver in CRIMINAL_DRIVERS else self.companies[driver]
            respondent: Respondent = pool.draw(self.rng)
            count = min(len(respondent.staff), self.rng.randint(1, 3))
            out.append(
                Conflict(community, driver, respondent, self.rng.sample(respondent.staff, count))
            )
        return out

    def place(self, ubigeo: str) -> Actor:
        p = self.places[ubigeo]
        return Actor("place", p.name, ubigeo=p.ubigeo, level=p.level)

    def prosecutor(self, district: str) -> Actor:
        """The provincial prosecutor's office of the district's province."""
        province = self.places[district].parent or district[:4]
        if province not in self.prosecutors:
            name = f"Fiscalía Provincial Penal de {self.places[province].name}"
            self.prosecutors[province] = Actor("organization", name, kind="prosecutor_office")
        return self.prosecutors[province]


# --- episodes: which complaints are told ---------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One complaint to write: the act, against whom, when, within which dispute."""

    conflict: Conflict
    type: str
    victim: Actor
    when: date
    perp: Actor | None = None
    sequence: str | None = None
    step: int = 0


ESCALATIONS = (
    ("stigmatisation", "threat", "killing"),
    ("harassment", "threat", "attempted_killing", "killing"),
    ("surveillance", "stigmatisation", "threat", "assault", "killing"),
    ("harassment", "threat", "assault", "attempted_killing"),
    ("stigmatisation", "threat", "attempted_killing", "disappearance"),
)


def _day(rng: random.Random, first: date = FIRST_DAY, last: date = LAST_DAY) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def episode(world: World, rng: random.Random, room: int, number: int) -> list[Spec]:
    """The next complaints: one, or an escalating sequence of at most ``room``."""
    conflict: Conflict = world.conflicts.draw(rng)
    steps = rng.choice(ESCALATIONS)
    if len(steps) <= room and rng.random() < SEQUENCE_SHARE:
        return _sequence(world, rng, conflict, steps, f"seq{number + 1}")
    kind = _weighted(rng, TYPE_WEIGHTS)
    return [Spec(conflict, kind, _victim(world, rng, conflict, kind), _day(rng))]


def _victim(world: World, rng: random.Random, conflict: Conflict, kind: str) -> Actor:
    """Killed and disappeared defenders are named in no other episode."""
    community = conflict.community
    if kind in FRESH_VICTIM:
        return world.defender(community.actor.kind)
    pool = community.defenders
    if kind == "sexual_violence":
        pool = [d for d in pool if d.gender == "female"]
        if not pool:
            pool = [world.defender(community.actor.kind, "female")]
            community.defenders += pool
    weights = [1 / (r + 1) ** 0.8 for r in range(len(pool))]  # the first leaders, most often
    return rng.choices(pool, weights)[0]


def _sequence(
    world: World, rng: random.Random, conflict: Conflict, steps: Sequence[str], name: str
) -> list[Spec]:
    """One defender, one perpetrator, acts of rising severity in date order."""
    victim = world.defender(conflict.community.actor.kind)
    perp = rng.choice(conflict.perps)
    when = _day(rng, last=LAST_DAY - timedelta(days=150 * len(steps)))
    out = []
    for i, kind in enumerate(steps):
        out.append(Spec(conflict, kind, victim, when, perp, name, i + 1))
        when += timedelta(days=rng.randint(20, 150))
    return out


# --- writing a complaint -------------------------------------------------------------------

Pieces = list[tuple[str, Actor | None]]


@dataclass(frozen=True)
class Mention:
    slot: str
    actor: Actor
    start: int
    end: int
    sentence: int


@dataclass
class Text:
    """A text written sentence by sentence, remembering where each actor is named."""

    parts: list[str] = field(default_factory=list)
    size: int = 0
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.size += len(piece)

    def sentence(self, template: str, fill: Mapping[str, Pieces]) -> None:
        if self.size:
            self.add(" ")
        start, index = self.size, len(self.sentences)
        for literal, slot, _, _ in Formatter().parse(template):
            if literal.startswith(".") and self.parts and self.parts[-1].endswith("."):
                literal = literal[1:]  # "… S.A.C." ends the sentence too
            self.add(literal)
            for piece, actor in fill[slot] if slot is not None else ():
                begin = self.size
                self.add(piece)
                if actor is not None:
                    self.mentions.append(Mention(slot or "", actor, begin, self.size, index))
        self.sentences.append((start, self.size))

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Generated:
    """A generated complaint: what intake receives, and what a perfect NLP would find."""

    number: int
    text: str
    received_at: str
    channel: str
    confidentiality: str
    source: str | None
    language: str
    result: DocResult
    sequence: str | None = None
    step: int = 0

    @property
    def id(self) -> str:
        return complaint_id(self.text)

    def intake(self) -> dict[str, str]:
        """The JSON line ``defensores ingest`` reads."""
        row = {
            "text": self.text,
            "received_at": self.received_at,
            "channel": self.channel,
            "confidentiality": self.confidentiality,
            "source": self.source,
        }
        return {k: v for k, v in row.items() if v is not None}

    def complaint_in(self) -> ComplaintIn:
        return ComplaintIn(
            self.text, self.received_at, self.channel, self.confidentiality, self.source
        )


def _date_words(when: date, precision: str, lang: str) -> tuple[str, str]:
    """(sentence-initial, mid-sentence) forms of a date with its preposition."""
    if lang == "es":
        month = MONTHS_ES[when.month - 1]
        if precision == "day":
            bare = f"{when.day} de {month} de {when.year}"
            return f"El {bare}", f"el {bare}"
        return f"En {month} de {when.year}", f"en {month} de {when.year}"
    month = MONTHS_EN[when.month - 1]
    if precision == "day":
        bare = f"{month} {when.day}, {when.year}"
        return f"On {bare}", f"on {bare}"
    return f"In {month} {when.year}", f"in {month} {when.year}"


PLACE_FORMS = {
    "es": (
        "el distrito de {d}, provincia de {p}, región {r}",
        "el distrito de {d} ({r})",
        "{d}, provincia de {p}",
        "el distrito de {d}",
        "{d}",
    ),
    "en": (
        "{d} district, {p} province, {r} region",
        "the district of {d} in {r}",
        "{d} district, {r}",
        "{d} district",
        "{d}",
    ),
}


def _place_pieces(world: World, rng: random.Random, district: str, lang: str) -> Pieces:
    """Where it happened, as text: the district and maybe its province and region."""
    d = world.place(district)
    actors = {"d": d, "p": world.place(district[:4]), "r": world.place(district[:2])}
    out: Pieces = []
    for literal, slot, _, _ in Formatter().parse(rng.choice(PLACE_FORMS[lang])):
        out.append((literal, None))
        if slot is not None:
            out.append((actors[slot].name, actors[slot]))
    return [p for p in out if p[0]]


def _actor_pieces(actor: Actor, lang: str) -> Pieces:
    name = actor.english if lang == "en" and actor.english else actor.name
    pieces: Pieces = [(name, actor)]
    if actor.nick:
        pieces.append(
            (f" (alias «{actor.nick}»)" if lang == "es" else f' (alias "{actor.nick}")', None)
        )
    return pieces


def _role_word(actor: Actor, lang: str) -> str:
    female, male, english = {**DEFENDER_ROLES, **STAFF_ROLES, **GANG_ROLES}[actor.role or "member"]
    if lang == "en":
        return english
    return female if actor.gender == "female" else male


@dataclass(frozen=True)
class Cast:
    """Who fills each slot of a template, and the words of every slot."""

    actors: dict[str, Actor]
    fill: dict[str, Pieces]
    district: str
    date: str  # YYYY-MM-DD or YYYY-MM


def _state(world: World, rng: random.Random, spec: Spec, template: Template) -> Actor | None:
    if template.state == "prosecutor":
        return world.prosecutor(spec.conflict.community.district)
    if template.state != "police":
        return None
    if spec.conflict.driver == "coca" and rng.random() < 0.5:
        name = COCA_POLICE
    else:
        name = rng.choices([n for n, _ in POLICE], [w for _, w in POLICE])[0]
    english = "National Police of Peru" if name == POLICE[0][0] else None
    return Actor("organization", name, kind="police", english=english)


def _cast(world: World, rng: random.Random, spec: Spec, template: Template, lang: str) -> Cast:
    community = spec.conflict.community
    perp = spec.perp or rng.choice(spec.conflict.perps)
    actors = {
        "v": spec.victim,
        "c": community.actor,
        "co": spec.conflict.respondent.actor,
        "p": perp,
        "w": rng.choice(community.others),
    }
    state = _state(world, rng, spec, template)
    if state is not None:
        actors["o"] = state
    female = spec.victim.gender == "female"
    # some complaints give only the month; a sequence's steps keep their order by day
    precision = "day" if spec.sequence or rng.random() < 0.85 else "month"
    big, small = _date_words(spec.when, precision, lang)
    words = {
        "D": big,
        "d": small,
        "rv": _role_word(spec.victim, lang),
        "rp": _role_word(perp, lang),
        "a": "a" if female else "o",
        "lo": "la" if female else "lo",
        "pos": "her" if female else "his",
        "obj": "her" if female else "him",
    }
    fill: dict[str, Pieces] = {k: [(v, None)] for k, v in words.items()}
    fill.update({slot: _actor_pieces(actor, lang) for slot, actor in actors.items()})
    fill["pl"] = _place_pieces(world, rng, community.district, lang)
    day = spec.when.isoformat()
    return Cast(actors, fill, community.district, day if precision == "day" else day[:7])


def _span(text: str, sentence: tuple[int, int], start: int, end: int, conf: float) -> Span:
    s, e = sentence
    return Span(start, end, text[s:e], s, "rule", conf)


def _entities(written: Text, text: str) -> list[Entity]:
    out: dict[str, Entity] = {}
    for m in written.mentions:
        a = m.actor
        if a.type == "cue":
            continue
        if a.key not in out:
            out[a.key] = Entity(
                key=a.key,
                type=a.type,
                canonical=a.name,
                kind=a.kind,
                ubigeo=a.ubigeo,
                level=a.level,
                people=a.people,
                gender=a.gender,
                defender=a.defender,
                suspect=a.nick is not None,
            )
        sentence = written.sentences[m.sentence]
        out[a.key].mentions.append(_span(text, sentence, m.start, m.end, 0.85))
    return list(out.values())


def _incidents(template: Template, cast: Cast, written: Text, text: str) -> list[Incident]:
    out = []
    for act in template.acts:
        sentence = written.sentences[act.sentence]
        out.append(
            Incident(
                type=act.type,
                evidence=_span(text, sentence, *sentence, 0.8),
                date=cast.date,
                date_precision="day" if len(cast.date) == 10 else "month",
                place=f"place:{cast.district}",
                perpetrators=[cast.actors[s].key for s in act.perps],
                victims=[cast.actors[s].key for s in act.victims],
                witnesses=[cast.actors[s].key for s in act.witnesses],
            )
        )
    return out


def _relations(template: Template, cast: Cast, written: Text, text: str) -> list[Relation]:
    """Membership and employment, where one sentence names the person and the group."""
    out = []
    for person, group in template.links:
        for m in written.mentions:
            other = next(
                (o for o in written.mentions if o.slot == group and o.sentence == m.sentence),
                None,
            )
            if m.slot != person or other is None:
                continue
            actor = cast.actors[group]
            kind = "works_for" if actor.kind == "company" else "member_of"
            role = cast.fill["rv" if person == "v" else "rp"][0][0]
            span = (min(m.start, other.start), max(m.end, other.end))
            ev = _span(text, written.sentences[m.sentence], *span, 0.75)
            out.append(Relation(kind, cast.actors[person].key, actor.key, role, ev))
            break
    return out


def _disputes(spec: Spec, written: Text, text: str, incidents: list[Incident]) -> list[Dispute]:
    """The dispute the text names, with the parties the NLP would give it."""
    cue = next((m for m in written.mentions if m.actor.type == "cue"), None)
    if cue is None:
        return []
    named = {m.actor.key: m.actor for m in written.mentions}
    perps = {k for i in incidents for k in i.perpetrators}
    opponents = [
        a.key
        for a in named.values()
        if (a.type == "organization" and a.kind in {"company", "criminal_group"})
        or (a.type == "person" and a.key in perps)
    ]
    parties = [spec.conflict.community.actor.key, *opponents]
    ev = _span(text, written.sentences[cue.sentence], cue.start, cue.end, 0.6)
    return [Dispute(spec.conflict.driver, parties, ev)]


def _cue(rng: random.Random, cast: Cast, driver: str, lang: str) -> dict[str, Pieces]:
    """The words that name the dispute's driver (``a_drv``: after "a", contracted)."""
    phrase = rng.choice(DRIVER_PHRASES[lang][driver])
    cue = Actor("cue", phrase)
    bare = phrase.removeprefix("el ")
    after_a = [("al " if bare != phrase else "a ", None), (bare, cue)]
    return {**cast.fill, "drv": [(phrase, cue)], "a_drv": after_a}


def write(world: World, rng: random.Random, spec: Spec, number: int) -> Generated:
    """The text of one complaint and what a perfect extraction finds in it."""
    lang = "en" if rng.random() < 0.3 else "es"
    template: Template = rng.choice(TEMPLATES[(lang, spec.type)])
    cast = _cast(world, rng, spec, template, lang)
    written = Text()
    for sentence in template.sentences:
        written.sentence(sentence, cast.fill)
    if rng.random() < 0.9:  # the land dispute behind it, named
        written.sentence(rng.choice(CONTEXT[lang]), _cue(rng, cast, spec.conflict.driver, lang))
    written.sentence(FOOTER[lang], {"ref": [(f"G{world.seed}-{number + 1:06d}", None)]})
    text = written.text
    incidents = _incidents(template, cast, written, text)
    result = DocResult(
        language=lang,
        supported=True,
        entities=_entities(written, text),
        incidents=incidents,
        relations=_relations(template, cast, written, text),
        disputes=_disputes(spec, written, text, incidents),
    )
    return _complaint(rng, spec, number, text, result)


def _complaint(
    rng: random.Random, spec: Spec, number: int, text: str, result: DocResult
) -> Generated:
    received = spec.when + timedelta(days=rng.randint(1, 30))
    clock = f"{rng.randrange(7, 20):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    channel = _weighted(rng, CHANNELS)
    secrecy = "sealed" if spec.type == "sexual_violence" else _weighted(rng, CONFIDENTIALITY)
    region = load_gazetteer().places[spec.conflict.community.district[:2]].name
    source = {
        "partner_ngo": f"Organización aliada de {region}",
        "in_person": f"Oficina Defensorial de {region}",
        "letter": f"Oficina Defensorial de {region}",
    }.get(channel)
    at = f"{received.isoformat()}T{clock}Z"
    return Generated(
        number,
        text,
        at,
        channel,
        secrecy,
        source,
        result.language,
        result,
        spec.sequence,
        spec.step,
    )


def complaints(n: int, seed: int = 1) -> Iterator[Generated]:
    """``n`` invented complaints; the same ``n`` and ``seed`` give the same complaints."""
    world = World(n, seed)
    rng = random.Random(f"{seed}:stream")
    number = 0
    while number < n:
        for spec in episode(world, rng, n - number, number):
            yield write(world, rng, spec, number)
            number += 1


# --- the graph ----------------------------------------------------------------------------


def records(g: Generated) -> tuple[list[NodeRecord], list[FactRecord]]:
    """The complaint's node (as intake and a finished extraction leave it) and every
    node and fact ``to_extraction`` gives for its true extraction result."""
    cid = g.id
    extraction = to_extraction(cid, g.result)
    props: dict[str, Any] = {
        "text": g.text,
        "sha256": text_sha256(g.text),
        "received_at": g.received_at,
        "channel": g.channel,
        "confidentiality": g.confidentiality,
        "source": g.source,
        "status": "extracted",
        "attempts": 1,
        "extracted_at": g.received_at,
        "extractor": VERSION,
        "language": g.language,
    }
    complaint = NodeRecord("Complaint", cid, {k: v for k, v in props.items() if v is not None})
    return [complaint, *extraction.nodes], list(extraction.facts)


def _local(node_id: str) -> bool:
    """Ids of one complaint's own nodes (the complaint, its incidents): they never recur."""
    return node_id.startswith(("cmp_", "inc_"))


@dataclass
class Distinct:
    """Keeps the records a store does not have yet, and counts what it will hold.

    A node is kept the first time its id is seen (the generator gives an actor the same
    properties in every complaint). A fact without evidence is kept once; a fact with
    evidence always (each evidence adds to the edge).
    """

    seen_nodes: set[str] = field(default_factory=set)
    seen_facts: set[str] = field(default_factory=set)
    nodes: Counter[str] = field(default_factory=Counter)
    relationships: Counter[str] = field(default_factory=Counter)
    evidence: int = 0

    def complaint(
        self, nodes: Iterable[NodeRecord], facts: Iterable[FactRecord]
    ) -> tuple[list[NodeRecord], list[FactRecord]]:
        new_nodes = [n for n in nodes if self._new_node(n)]
        new_facts: list[FactRecord] = []
        mine: set[str] = set()
        for f in facts:
            fid = fact_id(f.type, f.start, f.end)
            seen = mine if _local(f.start) or _local(f.end) else self.seen_facts
            if fid not in seen:
                seen.add(fid)
                self.relationships[f.type] += 1
            elif f.evidence is None:
                continue
            self.evidence += f.evidence is not None
            new_facts.append(f)
        return new_nodes, new_facts

    def _new_node(self, node: NodeRecord) -> bool:
        if not _local(node.id):
            if node.id in self.seen_nodes:
                return False
            self.seen_nodes.add(node.id)
        self.nodes[node.kind] += 1
        return True


def graph(n: int, seed: int = 1, distinct: Distinct | None = None) -> Iterator[Record]:
    """The ground-truth graph of ``complaints(n, seed)``: per complaint, its new nodes
    then its facts (so a loader that writes in order finds every endpoint)."""
    distinct = distinct if distinct is not None else Distinct()
    for g in complaints(n, seed):
        nodes, facts = distinct.complaint(*records(g))
        yield from nodes
        yield from facts


def record_json(rec: Record) -> dict[str, Any]:
    """A record as one line of a ``--facts`` file."""
    if isinstance(rec, NodeRecord):
        return {"node": rec.kind, "id": rec.id, "props": dict(rec.props)}
    row: dict[str, Any] = {"fact": rec.type, "start": rec.start, "end": rec.end}
    if rec.props:
        row["props"] = dict(rec.props)
    if rec.evidence is not None:
        e = rec.evidence
        row["evidence"] = {
            "complaint_id": e.complaint_id,
            "quote": e.quote,
            "start": e.start,
            "end": e.end,
            "method": e.method,
            "confidence": e.confidence,
        }
    return row


def record_of(row: Mapping[str, Any]) -> Record:
    if "node" in row:
        return NodeRecord(row["node"], row["id"], row["props"])
    ev = row.get("evidence")
    evidence = Evidence(**ev) if ev else None
    return FactRecord(row["fact"], row["start"], row["end"], row.get("props", {}), evidence)


def read_records(path: Path) -> Iterator[Record]:
    """The records of a ``--facts`` file, in order."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield record_of(json.loads(line))


# --- command line -------------------------------------------------------------------------


def _line(row: Mapping[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def write_files(n: int, seed: int, out: TextIO | None, facts: TextIO | None) -> Distinct:
    distinct = Distinct()
    for g in complaints(n, seed):
        if out is not None:
            out.write(_line(g.intake()))
        if facts is not None:
            nodes, rels = distinct.complaint(*records(g))
            both: list[Record] = [*nodes, *rels]
            facts.writelines(_line(record_json(rec)) for rec in both)
    return distinct


def _open(path: Path | None) -> AbstractContextManager[TextIO | None]:
    return path.open("w", encoding="utf-8") if path is not None else nullcontext()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, required=True, help="how many")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="complaints, JSON lines (defensores ingest)")
    parser.add_argument("--facts", type=Path, help="the ground-truth graph, JSON lines")
    args = parser.parse_args(argv)
    if args.complaints < 1:
        parser.error("--complaints must be at least 1")
    started = time.perf_counter()
    with _open(args.out) as out, _open(args.facts) as facts:
        distinct = write_files(args.complaints, args.seed, out, facts)
    print(f"{args.complaints} complaints in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.facts is not None:
        nodes, rels = distinct.nodes, distinct.relationships
        print(f"nodes {sum(nodes.values())}: {dict(sorted(nodes.items()))}", file=sys.stderr)
        print(f"relationships {sum(rels.values())}: {dict(sorted(rels.items()))}", file=sys.stderr)
        print(f"evidence {distinct.evidence}", file=sys.stderr)


if __name__ == "__main__":
    main()
