from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ConfigError
from graph.store.config import Config, StoreConfig


def test_defaults_are_embedded_under_data() -> None:
    cfg = StoreConfig.from_env({})
    assert cfg.backend == "arcadedb-embedded"
    assert cfg.database == "defensores"
    assert cfg.data_dir == Path("./data").resolve()


def test_neo4j_uri_selects_neo4j_and_needs_a_password() -> None:
    with pytest.raises(ConfigError, match="DEFENSORES_NEO4J_PASSWORD is required"):
        StoreConfig.from_env({"DEFENSORES_NEO4J_URI": "neo4j+s://x.databases.neo4j.io"})
    cfg = StoreConfig.from_env(
        {
            "DEFENSORES_NEO4J_URI": "neo4j+s://x.databases.neo4j.io",
            "DEFENSORES_NEO4J_PASSWORD": "pw",
        }
    )
    assert cfg.backend == "neo4j"
    assert cfg.database == "neo4j"
    assert "pw" not in cfg.describe()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (
            {"DEFENSORES_NEO4J_URI": "http://x:7474", "DEFENSORES_NEO4J_PASSWORD": "p"},
            "DEFENSORES_NEO4J_URI",
        ),
        (
            {"DEFENSORES_NEO4J_URI": "bolt://u:secret@x", "DEFENSORES_NEO4J_PASSWORD": "p"},
            "DEFENSORES_NEO4J_URI",
        ),
        ({"DEFENSORES_NEO4J_DATABASE": "x; DROP"}, "DEFENSORES_NEO4J_DATABASE"),
        ({"DEFENSORES_STORE_BOLT_PORT": "seven"}, "DEFENSORES_STORE_BOLT_PORT"),
        ({"DEFENSORES_STORE_HTTP_PORT": "70000"}, "DEFENSORES_STORE_HTTP_PORT"),
        ({"DEFENSORES_STORE_HEAP": "lots"}, "DEFENSORES_STORE_HEAP"),
        ({"DEFENSORES_STORE_START_TIMEOUT": "-1"}, "DEFENSORES_STORE_START_TIMEOUT"),
        ({"DEFENSORES_STORE_RETRY_SECONDS": "0"}, "DEFENSORES_STORE_RETRY_SECONDS"),
        ({"DEFENSORES_PORT": "http"}, "DEFENSORES_PORT"),
        ({"DEFENSORES_PORT": "0"}, "DEFENSORES_PORT"),
        ({"DEFENSORES_IDE": "maybe"}, "DEFENSORES_IDE"),
        ({"DEFENSORES_REQUEST_TIMEOUT": "soon"}, "DEFENSORES_REQUEST_TIMEOUT"),
        ({"DEFENSORES_REQUEST_TIMEOUT": "0"}, "DEFENSORES_REQUEST_TIMEOUT"),
        ({"DEFENSORES_WORKERS": "0"}, "DEFENSORES_WORKERS"),
        ({"DEFENSORES_WORKERS": "two"}, "DEFENSORES_WORKERS"),
        ({"DEFENSORES_PATTERNS_MAX_STALE": "-5"}, "DEFENSORES_PATTERNS_MAX_STALE"),
        ({"DEFENSORES_PATTERNS_MAX_STALE": "soon"}, "DEFENSORES_PATTERNS_MAX_STALE"),
    ],
)
def test_bad_settings_fail_fast_naming_the_setting(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named) as info:
        Config.from_env(env)
    assert "secret" not in str(info.value)


def test_data_dir_must_be_a_directory(tmp_path: Path) -> None:
    afile = tmp_path / "f"
    afile.write_text("x")
    with pytest.raises(ConfigError, match="DEFENSORES_DATA_DIR"):
        StoreConfig.from_env({"DEFENSORES_DATA_DIR": str(afile)})


def test_flags_override_environment(tmp_path: Path) -> None:
    cfg = Config.from_env(
        {"DEFENSORES_PORT": "9000", "DEFENSORES_DATA_DIR": "/nowhere"},
        port="9100",
        data_dir=str(tmp_path),
    )
    assert cfg.port == 9100
    assert cfg.store.data_dir == tmp_path


def test_api_settings_are_read() -> None:
    config = Config.from_env(
        {"DEFENSORES_IDE": "1", "DEFENSORES_REQUEST_TIMEOUT": "2.5", "DEFENSORES_WORKERS": "3"}
    )
    assert (config.ide, config.request_timeout, config.workers) == (True, 2.5, 3)
    assert Config.from_env({}).ide is False  # the IDE (and introspection) is off by default
