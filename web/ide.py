"""The GraphiQL IDE, served from the project's own npm assets (``web/node_modules``).

Nothing is loaded from a CDN: the page pulls React, ReactDOM and GraphiQL from an
allow-list of files installed by ``npm ci --prefix web`` (``make install``), plus a small
bootstrap script, ``ide.js``, generated here. Because the bootstrap is a served file
rather than an inline ``<script>``, ``IDE_CSP`` keeps ``script-src 'self'`` without
``'unsafe-inline'`` or ``'unsafe-eval'``.

Wiring, in the server::

    if missing := missing_assets():
        ...  # refuse to enable the IDE: MISSING_ASSETS_MESSAGE
    Route("/graphql/ide/{name}", ide_asset)
    # and on GET of the endpoint, an HTMLResponse of ide_html("/graphql", "/graphql/ide")
    # with the header Content-Security-Policy: IDE_CSP
"""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from graph.errors import ConfigError

WEB: Final = Path(__file__).resolve().parent
NODE_MODULES: Final = WEB / "node_modules"

# Public asset name -> installed file. Only these names are ever served (plus ide.js).
IDE_ASSETS: Final[dict[str, Path]] = {
    "react.production.min.js": NODE_MODULES / "react" / "umd" / "react.production.min.js",
    "react-dom.production.min.js": NODE_MODULES
    / "react-dom"
    / "umd"
    / "react-dom.production.min.js",
    "graphiql.min.js": NODE_MODULES / "graphiql" / "graphiql.min.js",
    "graphiql.min.css": NODE_MODULES / "graphiql" / "graphiql.min.css",
}

# The generated bootstrap script, served under this name next to IDE_ASSETS.
BOOTSTRAP_NAME: Final = "ide.js"

MISSING_ASSETS_MESSAGE: Final = "the IDE assets are missing; run make install"

# Scripts are 'self' only: no 'unsafe-inline', no 'unsafe-eval'. Styles need
# 'unsafe-inline': GraphiQL's dialogs (Radix, react-remove-scroll) inject a <style>
# element whose text varies, so no hash fits. Fonts and icons in graphiql.min.css are
# data: URLs. Checked in Chromium by tests/web/test_ide.py.
IDE_CSP: Final = (
    "default-src 'none'; "
    "script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "base-uri 'none'; "
    "form-action 'none'; "
    "frame-ancestors 'none'"
)

DEFAULT_QUERY: Final = """\
# Defensores: API GraphQL de ataques a personas
# defensoras de derechos humanos en el Perú, con
# la evidencia de cada hecho. Ctrl+Enter ejecuta
# la consulta; el esquema está en Docs.
#
# Defensores: GraphQL API of attacks on human
# rights defenders in Peru, with the evidence
# behind every fact. Ctrl+Enter runs a query;
# the schema is under Docs.

"""

_CACHE_HEADERS: Final = {
    "Cache-Control": "public, max-age=86400",
    "X-Content-Type-Options": "nosniff",
}
_MEDIA_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


def _local_path(value: str, what: str) -> str:
    """``value`` if it is an absolute path on this origin (``/...``), else ValueError."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValueError(f"{what} must be a path on this server starting with '/': {value!r}")
    return value


DEFAULT_HEADERS = '{"Authorization": "Bearer PASTE-YOUR-TOKEN-HERE"}'


def ide_js() -> str:
    """The bootstrap script: renders GraphiQL into ``#graphiql``, whose ``data-endpoint``
    names the GraphQL endpoint (plain HTTP POST of JSON; no subscriptions)."""
    return f"""\
"use strict";
(function () {{
  var root = document.getElementById("graphiql");
  // Layout through the CSSOM, so the page itself has no inline style.
  document.body.style.margin = "0";
  root.style.height = "100vh";
  var fetcher = GraphiQL.createFetcher({{
    url: root.dataset.endpoint,
    enableIncrementalDelivery: false
  }});
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {{
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      // every operation needs a token: paste it in the Headers tab (never saved)
      defaultHeaders: {json.dumps(DEFAULT_HEADERS)},
      shouldPersistHeaders: false,
      defaultQuery: {json.dumps(DEFAULT_QUERY)}
    }})
  );
}})();
"""


def ide_html(endpoint: str, assets_prefix: str) -> str:
    """The IDE page for the GraphQL ``endpoint``, loading its assets from ``assets_prefix``
    (both paths on this server, e.g. ``"/graphql"`` and ``"/graphql/ide"``)."""
    endpoint = _local_path(endpoint, "endpoint")
    prefix = _local_path(assets_prefix, "assets_prefix").rstrip("/")

    def url(name: str) -> str:
        return html.escape(f"{prefix}/{name}")

    return f"""\
<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Defensores — GraphiQL</title>
<link rel="stylesheet" href="{url("graphiql.min.css")}">
</head>
<body>
<div id="graphiql" data-endpoint="{html.escape(endpoint)}">Cargando… / Loading…</div>
<script src="{url("react.production.min.js")}"></script>
<script src="{url("react-dom.production.min.js")}"></script>
<script src="{url("graphiql.min.js")}"></script>
<script src="{url(BOOTSTRAP_NAME)}"></script>
</body>
</html>
"""


def missing_assets() -> list[str]:
    """Names in ``IDE_ASSETS`` whose files are absent (``npm ci --prefix web`` not run)."""
    return [name for name, path in IDE_ASSETS.items() if not path.is_file()]


async def ide_asset(request: Request) -> Response:
    """Serve ``request.path_params["name"]`` if it is on the allow-list; 404 otherwise."""
    name = request.path_params.get("name")
    if name == BOOTSTRAP_NAME:
        return Response(ide_js(), media_type=_MEDIA_TYPES[".js"], headers=_CACHE_HEADERS)
    path = IDE_ASSETS.get(name) if isinstance(name, str) else None
    if path is None or not path.is_file():
        return PlainTextResponse(
            "not found", status_code=404, headers={"X-Content-Type-Options": "nosniff"}
        )
    return FileResponse(path, media_type=_MEDIA_TYPES[path.suffix], headers=_CACHE_HEADERS)


def ide_page_handler() -> Callable[[Request], Awaitable[HTMLResponse]]:
    """The IDE page's handler (``DEFENSORES_IDE``); its assets must be installed."""
    missing = missing_assets()
    if missing:
        raise ConfigError(
            f"DEFENSORES_IDE is on but the IDE assets are missing ({', '.join(missing)}); "
            "run make install"
        )
    page = ide_html("/graphql", "/ide/")

    async def ide_page(request: Request) -> HTMLResponse:
        return HTMLResponse(
            page,
            headers={
                "Content-Security-Policy": IDE_CSP,
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "no-referrer",
            },
        )

    return ide_page
