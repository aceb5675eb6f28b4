"""The GraphQL-over-HTTP spec audits of ``graphql-http`` (npm) against a live server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from graph.store.bolt import Store
from graph.store.config import Config
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.paths import ROOT

pytestmark = pytest.mark.store

# MUST audits that collide with a deliberate hardening choice, and why. They are
# waived only with introspection off; with the IDE on (introspection on) all must pass.
WAIVED: dict[str, str] = {
    "28B9": "the audit sends its variables to `__type(name: $name)`, an introspection "
    "field, and introspection is off unless the IDE is enabled",
}


@pytest.fixture(scope="module", params=["ide-off", "ide-on"])
def audits(request: pytest.FixtureRequest, store_session: Store) -> list[dict[str, str]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; the audit needs Node.js (see README)")
    config = Config.from_env({"DEFENSORES_IDE": "1" if request.param == "ide-on" else "0"})
    auth = bearer(store_session)["Authorization"]
    env = {**os.environ, "AUDIT_AUTHORIZATION": auth}
    with serve(create_app(config, store_session)) as url:
        done = subprocess.run(
            [node, str(ROOT / "tests" / "js" / "audit.mjs"), f"{url}/graphql"],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    audits: list[dict[str, str]] = json.loads(done.stdout)
    return audits


def _waived(request: pytest.FixtureRequest) -> dict[str, str]:
    return WAIVED if "ide-off" in request.node.callspec.id else {}


def test_every_must_audit_passes(
    request: pytest.FixtureRequest, audits: list[dict[str, str]]
) -> None:
    musts = [a for a in audits if a["name"].startswith("MUST")]
    assert len(musts) >= 10
    waived = _waived(request)
    failed = [
        f"{a['id']} {a['name']}: {a['reason']}"
        for a in musts
        if a["status"] != "ok" and a["id"] not in waived
    ]
    assert failed == []


def test_the_waivers_are_still_needed(
    request: pytest.FixtureRequest, audits: list[dict[str, str]]
) -> None:
    by_id = {a["id"]: a for a in audits}
    stale = [i for i in _waived(request) if by_id.get(i, {}).get("status") == "ok"]
    assert stale == []
