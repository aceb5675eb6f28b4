"""The explorer page driven in headless Chromium (Debian's, through Playwright): log in,
search, expand a node, read an edge's evidence, find paths, as a prosecutor and as a
trainer (who must see pseudonyms only). Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.paths import ROOT
from tests.worlds import PROTECTED, WITNESS, world
from web.explore import CSP

CHROMIUM = shutil.which("chromium")
ARTIFACTS = ROOT / "test-artifacts"
NAMES = (PROTECTED, WITNESS, "Lucho Tapia")
pytestmark = [
    pytest.mark.store,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Debian's chromium is not installed (apt-get install -y chromium)",
    ),
]


@pytest.fixture(scope="module")
def site(store_session: Store) -> Iterator[tuple[str, Store]]:
    delete_all_data(store_session, confirm=store_session.database)
    upsert(store_session, *world())
    with serve(create_app(Config.from_env({}), store_session)) as url:
        yield url, store_session


def test_the_page_shell_is_open_with_security_headers(site: tuple[str, Store]) -> None:
    url, _ = site
    r = httpx.get(f"{url}/explore")
    assert r.status_code == 200 and "Defensores" in r.text
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert httpx.get(f"{url}/explore/cytoscape.min.js").status_code == 200
    assert httpx.get(f"{url}/explore/../pyproject.toml").status_code == 404
    assert httpx.get(f"{url}/explore/index.html").status_code == 404


class Browser:
    """A page with its console errors, CSP violations and requests recorded."""

    def __init__(self, playwright: Any, url: str) -> None:
        self.errors: list[str] = []
        self.requested: list[str] = []
        assert CHROMIUM is not None
        self.browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--disable-background-networking"]
        )
        self.page = self.browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("request", lambda r: self.requested.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        self.page.goto(f"{url}/explore")

    def login(self, headers: dict[str, str]) -> None:
        from playwright.sync_api import expect

        self.page.fill("#token", headers["Authorization"].split()[1])
        self.page.click("#login-btn")
        expect(self.page.locator("#app")).to_be_visible()

    def clean(self) -> None:
        assert self.page.evaluate("window.__csp") == []
        assert self.errors == []
        remote = [u for u in self.requested if urlsplit(u).hostname not in ("127.0.0.1", None)]
        assert remote == [] and all(urlsplit(u).scheme in ("http", "data") for u in self.requested)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def test_a_prosecutor_searches_expands_reads_evidence_and_finds_paths(
    site: tuple[str, Store], playwright: Any
) -> None:
    from playwright.sync_api import expect

    url, store = site
    b = Browser(playwright, url)
    page = b.page
    try:
        b.login(bearer(store, "prosecutor"))
        page.fill("#q", "Lucho Tapia")
        page.click("#search-btn")
        hit = page.locator("#results button", has_text="Lucho Tapia").first
        try:
            hit.wait_for(timeout=60_000)  # a loaded machine: seconds, not a minute
        except Exception as exc:  # say what the page showed instead (seen once on Neo4j)
            shown = page.locator("#message").inner_text(), page.locator("#results").inner_text()
            raise AssertionError(f"no search hit; message and results shown: {shown!r}") from exc
        hit.click()
        expect(page.locator("#graph-info")).to_contain_text("nodos")
        expect(page.locator("#node-list")).to_contain_text("threat")
        expect(page.locator("#node-list")).to_contain_text("property_damage")
        # expand the threat: its victim appears
        page.locator("#node-list button", has_text="threat").first.click()
        expect(page.locator("#node-list")).to_contain_text(PROTECTED)
        expect(page.locator("#timeline")).to_have_count(1)
        # an edge's evidence
        page.locator("#edge-list button", has_text="VICTIM_OF").first.click()
        expect(page.locator("#evidence")).to_contain_text("La defensora " + PROTECTED)
        expect(page.locator("#evidence")).to_contain_text("cmp_pub")
        # filters: only threats, then only from a date after both incidents
        page.select_option("#f-type", "threat")
        page.click("#f-apply")
        expect(page.locator("#node-list")).not_to_contain_text("property_damage")
        expect(page.locator("#node-list")).to_contain_text("threat")
        page.select_option("#f-type", "")
        page.fill("#f-from", "2024-05-01")
        page.click("#f-apply")
        expect(page.locator("#node-list")).not_to_contain_text("threat")
        page.fill("#f-from", "")
        page.click("#f-apply")
        expect(page.locator("#node-list")).to_contain_text("property_damage")
        # paths between two actors
        page.fill("#p-from", "per_rosa")
        page.fill("#p-to", "per_mario")
        page.click("#p-run")
        expect(page.locator("#p-result")).to_contain_text("1 camino")
        expect(page.locator("#p-result")).to_contain_text(WITNESS)
        # hotspots and alerts answer (empty here) without an error
        page.click("#hotspots-btn")
        page.click("#alerts-btn")
        expect(page.locator("#message")).to_have_text("")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explore-prosecutor.png"))
        b.clean()
    finally:
        b.browser.close()


def test_a_trainer_sees_pseudonyms_only(site: tuple[str, Store], playwright: Any) -> None:
    from playwright.sync_api import expect

    url, store = site
    b = Browser(playwright, url)
    page = b.page
    try:
        b.login(bearer(store, "trainer"))
        page.fill("#q", "Lucho Tapia")
        page.click("#search-btn")
        expect(page.locator("#results")).to_contain_text("Sin resultados")
        # a trainer knows persons by pseudonym (from a case study): find one by it
        trainer = bearer(store, "trainer")
        r = httpx.post(
            f"{url}/graphql",
            headers=trainer,
            timeout=30,
            json={"query": '{ node(id: "per_lucho") { ... on Person { name } } }'},
        )
        pseudonym = r.json()["data"]["node"]["name"]
        assert re.fullmatch(r"Persona \d+", pseudonym)
        page.fill("#q", pseudonym)
        page.click("#search-btn")
        page.locator("#results button", has_text=pseudonym).click()
        expect(page.locator("#graph-info")).to_contain_text("nodos")
        expect(page.locator("#node-list")).to_contain_text("threat")
        page.fill("#p-from", "per_lucho")
        page.fill("#p-to", "per_mario")
        page.click("#p-run")
        expect(page.locator("#p-result")).to_contain_text("0 camino")
        page.locator("#node-list button", has_text="threat").first.click()
        expect(page.locator("#edge-list")).to_contain_text("VICTIM_OF")
        page.locator("#edge-list button", has_text="VICTIM_OF").first.click()
        expect(page.locator("#evidence blockquote").first).to_contain_text("La defensora Persona")
        page.click("#alerts-btn")
        expect(page.locator("#message")).to_contain_text("not allowed")
        body = page.locator("body").inner_text()
        assert re.search(r"Persona \d+", body)
        assert [n for n in NAMES if n in body] == []
        assert "cmp_sea" not in body  # the sealed complaint and its incident are not drawn
        assert "property_damage" not in page.locator("#node-list").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explore-trainer.png"))
        b.clean()
    finally:
        b.browser.close()
