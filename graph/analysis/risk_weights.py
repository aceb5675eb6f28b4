"""Risk weights: ``risk.toml`` (every weight, threshold and word list, with their meaning)
read and checked into ``Weights``, the configuration ``graph.analysis.risk`` scores with."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import ConfigError
from graph.model import ALERT_LEVELS, INCIDENT_TYPES
from nlp.text import fold

WEIGHTS_FILE = Path(__file__).with_name("risk.toml")
FACTORS = (
    "prior_incidents",
    "escalation",
    "violent_perpetrators",
    "violent_dispute",
    "hotspot",
    "woman_defender",
    "indigenous_leader",
    "protection_gap",
    "protection_implemented",
)
# How each factor is shown to users (Spanish terms the mechanism uses).


@dataclass(frozen=True)
class Weights:
    levels: Mapping[str, float]  # medium, high, extreme: where each starts
    severity: Mapping[str, int]
    factors: Mapping[str, Mapping[str, float]]
    violent_types: frozenset[str]
    leader_roles: frozenset[str]
    urgent_types: frozenset[str]
    death_words: tuple[str, ...]

    def weight(self, factor: str) -> float:
        return float(self.factors[factor]["weight"])

    def level(self, score: float) -> str:
        level = "low"
        for name in ALERT_LEVELS[1:]:
            if score >= self.levels[name]:
                level = name
        return level


def _keys(where: str, table: Mapping[str, Any], expected: Sequence[str]) -> None:
    missing = [k for k in expected if k not in table]
    unknown = [k for k in table if k not in expected]
    if missing or unknown:
        raise ConfigError(
            f"{where}: missing {', '.join(missing) or 'nothing'}; "
            f"unknown {', '.join(unknown) or 'nothing'}"
        )


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """Read and check a weights file; a missing or unknown key is a ``ConfigError``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"risk weights {path}: {exc}") from None
    _keys(str(path), raw, ("levels", "severity", "factors", "words"))
    _keys(f"{path} [levels]", raw["levels"], ALERT_LEVELS[1:])
    _keys(f"{path} [severity]", raw["severity"], INCIDENT_TYPES)
    _keys(f"{path} [factors]", raw["factors"], FACTORS)
    for name in FACTORS:
        if "weight" not in raw["factors"][name]:
            raise ConfigError(f"{path} [factors.{name}]: missing weight")
    bounds = [raw["levels"][n] for n in ALERT_LEVELS[1:]]
    if bounds != sorted(bounds):
        raise ConfigError(f"{path} [levels]: medium <= high <= extreme")
    words = raw["words"]
    _keys(
        f"{path} [words]",
        words,
        ("violent_types", "leader_roles", "urgent_types", "death_words"),
    )
    return Weights(
        levels={k: float(v) for k, v in raw["levels"].items()},
        severity={k: int(v) for k, v in raw["severity"].items()},
        factors={k: {n: float(x) for n, x in v.items()} for k, v in raw["factors"].items()},
        violent_types=frozenset(words["violent_types"]),
        leader_roles=frozenset(fold(w) for w in words["leader_roles"]),
        urgent_types=frozenset(words["urgent_types"]),
        death_words=tuple(fold(w) for w in words["death_words"]),
    )


_DEFAULT: list[Weights] = []


def default_weights() -> Weights:
    """The project's weights file, read once."""
    if not _DEFAULT:
        _DEFAULT.append(load_weights())
    return _DEFAULT[0]
