"""The explorer page (``/explore``): static files from ``web/explore`` and Cytoscape.js
from ``web/node_modules`` (installed by ``make install``; nothing from a CDN).

The page shell and its assets are open, like the IDE's: they hold no data. Everything
the page shows comes from ``/graphql`` with the token the user pastes (kept in
``sessionStorage``), so it shows what the token's role may see, pseudonyms included.
The page runs under a strict Content-Security-Policy: scripts and styles from this
origin only, no inline script or style, requests to this origin only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

WEB: Final = Path(__file__).resolve().parent
PAGE: Final = WEB / "explore" / "index.html"
ASSETS: Final[dict[str, Path]] = {
    "explore.js": WEB / "explore" / "explore.js",
    "explore.css": WEB / "explore" / "explore.css",
    "cytoscape.min.js": WEB / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js",
}
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_MEDIA_TYPES: Final = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
MISSING: Final = "the explorer's assets are missing; run make install"


async def explore_page(request: Request) -> Response:
    if not ASSETS["cytoscape.min.js"].is_file():
        return PlainTextResponse(MISSING, status_code=503, headers=PAGE_HEADERS)
    return FileResponse(PAGE, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


async def explore_asset(request: Request) -> Response:
    """An asset on the allow-list; 404 for any other name."""
    path = ASSETS.get(str(request.path_params.get("name")))
    if path is None or not path.is_file():
        return PlainTextResponse("not found", 404, headers={"X-Content-Type-Options": "nosniff"})
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
    return FileResponse(path, media_type=_MEDIA_TYPES[path.suffix], headers=headers)
