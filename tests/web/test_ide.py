"""The GraphiQL IDE served from the project's npm assets (no store, no network)."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from strawberry.asgi import GraphQL

from tests.paths import ROOT
from web.ide import (
    BOOTSTRAP_NAME,
    IDE_ASSETS,
    IDE_CSP,
    NODE_MODULES,
    ide_asset,
    ide_html,
    ide_js,
    missing_assets,
)

CHROMIUM = shutil.which("chromium")


def test_allow_listed_assets_are_installed() -> None:
    assert missing_assets() == [], "the IDE assets are missing; run make install"
    for path in IDE_ASSETS.values():
        assert path.resolve().is_relative_to(NODE_MODULES)
        assert path.stat().st_size > 1000


def test_page_loads_only_local_assets() -> None:
    page = ide_html("/graphql", "/graphql/ide/")
    assert "<title>Defensores — GraphiQL</title>" in page
    loads = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"', page)
    expected = {f"/graphql/ide/{name}" for name in [*IDE_ASSETS, BOOTSTRAP_NAME]}
    assert set(loads) - {"data:,"} == expected
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"https?:", ide_js())  # nor does the bootstrap
    assert 'data-endpoint="/graphql"' in page
    # no inline script: script-src stays 'self'
    scripts = ["react.production.min.js", "react-dom.production.min.js", "graphiql.min.js"]
    assert re.findall(r"<script\b[^>]*>", page) == [
        f'<script src="/graphql/ide/{name}">' for name in [*scripts, BOOTSTRAP_NAME]
    ]
    for bad in ["https://cdn.example/x", "//cdn.example/x", "ide", ""]:
        with pytest.raises(ValueError, match="must be a path on this server"):
            ide_html("/graphql", bad)
        with pytest.raises(ValueError, match="must be a path on this server"):
            ide_html(bad, "/ide")


@pytest.fixture(params=["{name}", "{name:path}"])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The endpoint behind the usual route, and behind one that lets slashes through
    (so the allow-list itself, not only the router, is what refuses a traversal)."""
    app = Starlette(routes=[Route(f"/ide/{request.param}", ide_asset)])
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("graphiql.min.js", "text/javascript; charset=utf-8"),
        ("graphiql.min.css", "text/css; charset=utf-8"),
        ("react.production.min.js", "text/javascript; charset=utf-8"),
        ("react-dom.production.min.js", "text/javascript; charset=utf-8"),
        (BOOTSTRAP_NAME, "text/javascript; charset=utf-8"),
    ],
)
def test_asset_endpoint_serves_allowed_assets(
    client: TestClient, name: str, media_type: str
) -> None:
    response = client.get(f"/ide/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["x-content-type-options"] == "nosniff"
    if name == BOOTSTRAP_NAME:
        assert response.text == ide_js()
    else:
        assert response.content == IDE_ASSETS[name].read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/ide/../pyproject.toml",
        "/ide/%2e%2e/pyproject.toml",
        "/ide/%2e%2e%2fpyproject.toml",
        "/ide/..%2f..%2fpyproject.toml",
        "/ide/graphiql%2fgraphiql.min.js",
        "/ide/graphiql.js",  # in node_modules, but not on the allow-list
        "/ide/graphiql.min.js.map",
        "/ide/unknown.js",
        "/ide/",
    ],
)
def test_asset_endpoint_refuses_anything_else(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"[project]" not in response.content


def test_asset_endpoint_refuses_traversal_names_directly() -> None:
    """The endpoint itself, whatever route feeds it."""
    import asyncio

    for name in ["../pyproject.toml", str(ROOT / "pyproject.toml"), "", "GRAPHIQL.MIN.JS"]:
        request = Request({"type": "http", "method": "GET", "path_params": {"name": name}})
        assert asyncio.run(ide_asset(request)).status_code == 404


@strawberry.type
class HelloQuery:
    @strawberry.field
    def hello(self) -> str | None:
        return "hola"


async def _ide_page(request: Request) -> HTMLResponse:
    return HTMLResponse(
        ide_html("/graphql", "/graphql/ide"), headers={"Content-Security-Policy": IDE_CSP}
    )


@pytest.fixture
def ide_server() -> Iterator[str]:
    """A real uvicorn on 127.0.0.1 (a free port) serving the IDE and a tiny schema."""
    app = Starlette(
        routes=[
            Route("/graphql", _ide_page, methods=["GET"]),
            Route("/graphql/ide/{name}", ide_asset),
            Route("/graphql", GraphQL(strawberry.Schema(HelloQuery)), methods=["POST"]),
        ]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install -y chromium); "
    "the browser check of the IDE needs it",
)
def test_ide_renders_in_chromium_under_csp(ide_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import ConsoleMessage, expect, sync_playwright
    from playwright.sync_api import Request as BrowserRequest

    assert CHROMIUM is not None
    requested: list[str] = []
    errors: list[str] = []

    def on_request(request: BrowserRequest) -> None:
        requested.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--disable-background-networking"]
        )
        try:
            page = browser.new_page()
            page.on("request", on_request)
            page.on("console", on_console)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.add_init_script(
                "window.__cspViolations = [];"
                "document.addEventListener('securitypolicyviolation', e =>"
                " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            response = page.goto(f"{ide_server}/graphql")
            assert response is not None and response.status == 200
            assert response.headers["content-security-policy"] == IDE_CSP
            expect(page.locator(".graphiql-container")).to_be_visible(timeout=30_000)
            expect(page.locator(".graphiql-query-editor")).to_contain_text("Defensores")
            # a dialog injects a <style> element: what style-src 'unsafe-inline' is for
            page.get_by_label("Open settings dialog").click()
            expect(page.get_by_role("dialog")).to_be_visible()
            page.keyboard.press("Escape")
            expect(page.get_by_role("dialog")).to_have_count(0)
            # a query goes through the fetcher (connect-src 'self')
            page.locator(".graphiql-query-editor .CodeMirror").click()
            page.keyboard.press("Control+End")
            page.keyboard.type("{ hello }")
            page.keyboard.press("Control+Enter")
            expect(page.locator(".result-window")).to_contain_text('"hola"', timeout=15_000)
            page.screenshot(path=str(tmp_path / "graphiql.png"))
            violations = page.evaluate("window.__cspViolations")
        finally:
            browser.close()

    assert violations == []
    assert [e for e in errors if re.search(r"Content Security Policy|CSP", e)] == []
    assert requested, "the browser made no request"
    remote = [
        url
        for url in requested
        if urlsplit(url).scheme != "data" and urlsplit(url).hostname != "127.0.0.1"
    ]
    assert remote == []
    assert (tmp_path / "graphiql.png").stat().st_size > 0
