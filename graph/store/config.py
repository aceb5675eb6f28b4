"""Typed configuration of the store and the service, read from the environment, failing fast.

Every error names the setting at fault, so a person can fix it without reading code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from graph.errors import ConfigError

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
EMBEDDED = "arcadedb-embedded"
NEO4J = "neo4j"
_DB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,62}$")
_HEAP = re.compile(r"^\d+[mMgG]$")


def _port(env: Mapping[str, str], name: str, default: int, *, lowest: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a port number, got {raw!r}") from None
    if not lowest <= value <= 65535:
        raise ConfigError(f"{name} must be between {lowest} and 65535, got {value}")
    return value


def _seconds(
    env: Mapping[str, str],
    name: str,
    default: float,
    *,
    most: float | None = None,
    zero: bool = False,
) -> float:
    """Positive seconds (``zero``: or 0); with ``most``, within 0..most."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        if most is None:
            raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
        value = -1.0
    if most is not None:
        low_ok = value >= 0 if zero else value > 0
        if not low_ok or not value <= most:
            raise ConfigError(f"{name} must be seconds within 0..{most:g}, got {raw!r}")
    elif value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be 1 or 0 (true/false), got {raw!r}")


def as_settings(overrides: Mapping[str, str | None]) -> dict[str, str]:
    """``overrides`` (from flags) as the ``DEFENSORES_*`` settings they stand for: their
    keys are the setting names without the prefix, lower case (``data_dir``, ``neo4j_uri``,
    ``port``, …); a flag not given (None) is no setting."""
    return {f"DEFENSORES_{k.upper()}": v for k, v in overrides.items() if v is not None}


def _overridden(
    env: Mapping[str, str] | None, overrides: Mapping[str, str | None]
) -> dict[str, str]:
    """The environment with ``overrides`` (from flags) applied (``as_settings``)."""
    return {**(os.environ if env is None else env), **as_settings(overrides)}


@dataclass(frozen=True)
class StoreConfig:
    """Where the graph lives: a Neo4j 5 server, or the embedded ArcadeDB under ``data_dir``.

    ``bolt_port``/``http_port`` of 0 mean "any free port" for the embedded store.
    """

    uri: str | None
    user: str
    password: str | None
    database: str
    data_dir: Path
    bolt_port: int = 0
    http_port: int = 0
    heap: str | None = None
    start_timeout: float = 90.0
    arcadedb_home: Path | None = None
    # How long the driver retries a statement while the store is unreachable before the
    # caller gets a StoreUnavailable (the API answers 503): short, so users are not kept
    # waiting; the embedded store is joined again in the background meanwhile.
    retry_time: float = 15.0
    # How long a batch job (``ingest``) waits for a store that stopped answering to answer
    # again (following the embedded store to its new ports) before it gives up on a call.
    # The API does not wait: it answers 503 at once.
    wait_time: float = 120.0

    @property
    def backend(self) -> str:
        return NEO4J if self.uri else EMBEDDED

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: str | None) -> StoreConfig:
        """Read ``DEFENSORES_*`` settings; ``overrides`` (from flags) win over the environment."""
        source = _overridden(env, overrides)
        uri = source.get("DEFENSORES_NEO4J_URI", "").strip() or None
        password = source.get("DEFENSORES_NEO4J_PASSWORD") or None
        user = source.get("DEFENSORES_NEO4J_USER", "").strip() or "neo4j"
        if uri is not None:
            parts = urlsplit(uri)
            if parts.scheme not in NEO4J_SCHEMES:
                raise ConfigError(
                    "DEFENSORES_NEO4J_URI must start with one of "
                    + ", ".join(f"{s}://" for s in NEO4J_SCHEMES)
                )
            if not parts.hostname:
                raise ConfigError("DEFENSORES_NEO4J_URI names no host")
            if parts.password or parts.username:
                raise ConfigError(
                    "DEFENSORES_NEO4J_URI must not carry credentials; "
                    "use DEFENSORES_NEO4J_USER and DEFENSORES_NEO4J_PASSWORD"
                )
            if password is None:
                raise ConfigError("DEFENSORES_NEO4J_PASSWORD is required with DEFENSORES_NEO4J_URI")
        default_db = "neo4j" if uri else "defensores"
        database = source.get("DEFENSORES_NEO4J_DATABASE", "").strip() or default_db
        if not _DB_NAME.match(database):
            raise ConfigError(
                f"DEFENSORES_NEO4J_DATABASE must be a plain name (letters, digits, _ . -), "
                f"got {database!r}"
            )
        data_dir = Path(source.get("DEFENSORES_DATA_DIR", "").strip() or "./data")
        if data_dir.exists() and not data_dir.is_dir():
            raise ConfigError(f"DEFENSORES_DATA_DIR is not a directory: {data_dir}")
        heap = source.get("DEFENSORES_STORE_HEAP", "").strip() or None
        if heap is not None and not _HEAP.match(heap):
            raise ConfigError(f"DEFENSORES_STORE_HEAP must look like 2g or 512m, got {heap!r}")
        home_raw = source.get("DEFENSORES_ARCADEDB_HOME", "").strip()
        return cls(
            uri=uri,
            user=user if uri else "root",
            password=password if uri else None,
            database=database,
            data_dir=data_dir.resolve(),
            bolt_port=_port(source, "DEFENSORES_STORE_BOLT_PORT", 0),
            http_port=_port(source, "DEFENSORES_STORE_HTTP_PORT", 0),
            heap=heap,
            start_timeout=_seconds(source, "DEFENSORES_STORE_START_TIMEOUT", 90.0),
            arcadedb_home=Path(home_raw).resolve() if home_raw else None,
            retry_time=_seconds(source, "DEFENSORES_STORE_RETRY_SECONDS", 15.0),
            wait_time=_seconds(source, "DEFENSORES_STORE_WAIT_SECONDS", 120.0),
        )

    def describe(self) -> str:
        """Where the store is, without secrets."""
        if self.uri:
            return f"{self.uri} (database {self.database})"
        return f"embedded ArcadeDB in {self.data_dir} (database {self.database})"


_EXTRACTOR_VERSION = re.compile(r"^([A-Za-z0-9_.-]+/)?\d+(\.\d+)*$")


@dataclass(frozen=True)
class ReextractConfig:
    """Whether the server re-extracts stored complaints when it starts (``graph.intake.reextract``).

    ``DEFENSORES_REEXTRACT=1`` re-extracts every complaint another extractor version
    extracted; ``DEFENSORES_REEXTRACT_SINCE=0.1`` (which turns it on by itself) only
    those extracted by that version or an older one.
    """

    on_start: bool = False
    since: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReextractConfig:
        source = os.environ if env is None else env
        on = _flag(source, "DEFENSORES_REEXTRACT")
        since = source.get("DEFENSORES_REEXTRACT_SINCE", "").strip() or None
        if since is not None and not _EXTRACTOR_VERSION.match(since):
            raise ConfigError(
                "DEFENSORES_REEXTRACT_SINCE must be an extractor version such as 0.1 or "
                f"defensores-nlp/0.1, got {since!r}"
            )
        return cls(on_start=on or since is not None, since=since)


@dataclass(frozen=True)
class Config:
    """Everything the service reads from the environment (and flags)."""

    store: StoreConfig
    host: str = "127.0.0.1"
    port: int = 8000
    ide: bool = False
    request_timeout: float = 30.0
    workers: int = 1
    rate_limit: int = 600  # requests per minute per token
    patterns_max_stale: float = 0.0  # seconds; see graph.analysis.projections
    # re-extract stored complaints on start (graph.intake.reextract)
    reextract: ReextractConfig = field(default_factory=ReextractConfig)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: str | None) -> Config:
        """Read ``DEFENSORES_*`` settings; ``overrides`` (from flags) win over the environment."""
        source = _overridden(env, overrides)
        port = _port(source, "DEFENSORES_PORT", 8000, lowest=1)
        ide = _flag(source, "DEFENSORES_IDE")
        timeout = _seconds(source, "DEFENSORES_REQUEST_TIMEOUT", 30.0, most=600)
        raw_workers = source.get("DEFENSORES_WORKERS", "").strip() or "1"
        if not raw_workers.isdigit() or not 1 <= int(raw_workers) <= 32:
            raise ConfigError(f"DEFENSORES_WORKERS must be 1 to 32 processes, got {raw_workers!r}")
        raw_rate = source.get("DEFENSORES_RATE_LIMIT", "").strip() or "600"
        if not raw_rate.isdigit() or not 1 <= int(raw_rate) <= 1_000_000:
            raise ConfigError(
                f"DEFENSORES_RATE_LIMIT must be requests per minute per token, 1 to 1000000, "
                f"got {raw_rate!r}"
            )
        stale = _seconds(source, "DEFENSORES_PATTERNS_MAX_STALE", 0.0, most=3600, zero=True)
        return cls(
            store=StoreConfig.from_env(source),
            host=source.get("DEFENSORES_HOST", "").strip() or "127.0.0.1",
            port=port,
            ide=ide,
            request_timeout=timeout,
            workers=int(raw_workers),
            rate_limit=int(raw_rate),
            patterns_max_stale=stale,
            reextract=ReextractConfig.from_env(source),
        )
