"""Typed store configuration, read from the environment, failing fast.

Every error names the setting at fault, so a person can fix it without reading code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from graph.errors import ConfigError

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
EMBEDDED = "arcadedb-embedded"
NEO4J = "neo4j"
_DB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,62}$")
_HEAP = re.compile(r"^\d+[mMgG]$")


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a port number, got {raw!r}") from None
    if not 0 <= value <= 65535:
        raise ConfigError(f"{name} must be between 0 and 65535, got {value}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


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
        """Read ``DEFENSORES_*`` settings; ``overrides`` (from flags) win over the environment.

        Override keys are the setting names without the prefix, lower case
        (``data_dir``, ``neo4j_uri``, …).
        """
        source = dict(os.environ if env is None else env)
        for key, value in overrides.items():
            if value is not None:
                source[f"DEFENSORES_{key.upper()}"] = value
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
        raw = source.get("DEFENSORES_REEXTRACT", "").strip().lower()
        if raw in ("", "0", "false", "no", "off"):
            on = False
        elif raw in ("1", "true", "yes", "on"):
            on = True
        else:
            raise ConfigError(f"DEFENSORES_REEXTRACT must be 1 or 0 (true/false), got {raw!r}")
        since = source.get("DEFENSORES_REEXTRACT_SINCE", "").strip() or None
        if since is not None and not _EXTRACTOR_VERSION.match(since):
            raise ConfigError(
                "DEFENSORES_REEXTRACT_SINCE must be an extractor version such as 0.1 or "
                f"defensores-nlp/0.1, got {since!r}"
            )
        return cls(on_start=on or since is not None, since=since)
