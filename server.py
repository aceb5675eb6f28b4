"""Defensores: the ASGI app, its wiring, and the ``defensores`` command line.

The app's lifespan owns the store: it opens it (starting the embedded ArcadeDB when no
Neo4j URI is set), runs the schema migrations, and closes it on shutdown.

Over 400 lines as one idea: the wiring of the app and the command line's argument
handling; what each command does lives in graph/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute

from graph.errors import ConfigError, DefensoresError, ModelError
from graph.store.bolt import Store
from graph.store.config import Config, as_settings
from graph.store.migrations import current_version, open_store
from graph.store.repository import status
from schema.logs import LOG_FORMAT, LogHygiene, log_config

if TYPE_CHECKING:
    from graph.intake.durable import BatchExtractor

log = logging.getLogger("defensores")


class InputError(ModelError):
    """A command's input cannot be used; the message says why."""


# --- the app -------------------------------------------------------------------------


async def healthz(request: Request) -> JSONResponse:
    store: Store = request.app.state.store
    try:
        version = await anyio.to_thread.run_sync(current_version, store)
    except DefensoresError:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok", "backend": store.backend, "schema_version": version})


def create_app(
    config: Config, store: Store | None = None, extractor: BatchExtractor | None = None
) -> Starlette:
    """The ASGI app. Its lifespan owns the store: it opens it and closes it on
    shutdown (a store handed over stays open: its owner closes it). ``extractor`` (a
    batch extractor) is loaded on the first submission when not given."""
    from graph.access.names import NameIndex
    from schema.app import Endpoint
    from schema.auditing import GroupCommit
    from schema.events import Broker
    from schema.services import Services

    ide_page = None
    if config.ide:  # its assets must be installed
        from web.ide import ide_page_handler

        ide_page = ide_page_handler()
    services = Services(extractor=extractor, patterns_max_stale=config.patterns_max_stale)
    endpoint = Endpoint(
        services, ide_page=ide_page, timeout=config.request_timeout, rate_limit=config.rate_limit
    )

    owned = store is None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal store
        if store is None:
            store = await anyio.to_thread.run_sync(open_store, config.store)
        app.state.store = store
        services.store = store
        services.broker = Broker()
        services.alert_broker = Broker()
        services.audit = GroupCommit(store)
        services.names = NameIndex(store)
        services.extract_lock = threading.Lock()
        log.info("store ready: %s", store.where)
        try:
            yield
        finally:
            if owned:
                await anyio.to_thread.run_sync(store.close)
                store = None

    from web.explore import explore_asset, explore_page

    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/explore", explore_page),
        Route("/explore/{name}", explore_asset),
        Route("/graphql", endpoint),
        WebSocketRoute("/graphql", endpoint),
    ]
    if ide_page is not None:
        from web.ide import ide_asset

        routes.append(Route("/ide/{name}", ide_asset))
    return Starlette(routes=routes, lifespan=lifespan)


# --- the command line ----------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="defensores", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="data dir (DEFENSORES_DATA_DIR, default ./data)")
    parser.add_argument("--neo4j-uri", help="Neo4j 5 URI (DEFENSORES_NEO4J_URI)")
    parser.add_argument("--database", help="database name (DEFENSORES_NEO4J_DATABASE)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", help="bind address (DEFENSORES_HOST, default 127.0.0.1)")
    serve.add_argument("--port", help="port (DEFENSORES_PORT, default 8000)")
    sch = sub.add_parser("schema", help="print the GraphQL schema (SDL)")
    sch.add_argument("--out", help="write it to this file instead")
    db = sub.add_parser("db", help="the graph store")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("status", help="print backend, counts and schema version as JSON")
    db_sub.add_parser("migrate", help="apply schema migrations")
    ex = sub.add_parser("extract", help="print the extraction of one text as JSON (no database)")
    ex.add_argument("file", nargs="?", default="-", help="a text file, or - for stdin")
    ex.add_argument("--received", help="reception date for relative dates (YYYY-MM-DD)")
    ev = sub.add_parser("evaluate", help="score the pipeline and the bare model on the gold set")
    ev.add_argument(
        "--set",
        choices=["gold", "reporting"],
        default="gold",
        dest="gold_set",
        help="gold: the invented complaints; reporting: the real-style articles (issue 16)",
    )
    ev.add_argument("--gold", help="the set's folder (default tests/data/gold or …/reporting)")
    ev.add_argument("--json", action="store_true", help="print the full report as JSON")
    ev.add_argument(
        "--split",
        choices=["all", "dev", "test"],
        default="all",
        help="dev: the documents rules were tuned on; test: the held-out quarter",
    )
    aud = sub.add_parser("audit", help="the audit log")
    aud_sub = aud.add_subparsers(dest="audit_action", required=True)
    aud_ver = aud_sub.add_parser(
        "verify", help="check the hash chain; name the first broken record"
    )
    aud_ver.add_argument(
        "--anchor", help="also check every signed head in this file (audit anchor --to)"
    )
    aud_ver.add_argument("--key", help="the anchor key (DEFENSORES_ANCHOR_KEY)")
    aud_anc = aud_sub.add_parser(
        "anchor", help="append the chain's head, signed with a key kept outside the store"
    )
    aud_anc.add_argument(
        "--key",
        help="the key file, made 0600 on first use (DEFENSORES_ANCHOR_KEY, default "
        "~/.config/defensores/anchor.key)",
    )
    aud_anc.add_argument(
        "--to",
        help="the append-only anchor file (DEFENSORES_ANCHOR_FILE, default "
        "~/.local/state/defensores/audit-anchors.jsonl)",
    )
    tok = sub.add_parser("token", help="API bearer tokens")
    tok_sub = tok.add_subparsers(dest="tokens_action", required=True)
    tok_new = tok_sub.add_parser("create", help="create a token; its last line is the token")
    tok_new.add_argument("--role", required=True, help="intake|trainer|analyst|prosecutor|admin")
    tok_new.add_argument("--name", required=True, help="who holds it (unique among active)")
    tok_sub.add_parser("list", help="every token as JSON lines (never the token itself)")
    tok_rev = tok_sub.add_parser("revoke", help="revoke a token by id or active name")
    tok_rev.add_argument("key", help="the token's id (tok_…) or name")
    ing = sub.add_parser("ingest", help="store and extract complaints from files")
    ing.add_argument("paths", nargs="+", help=".txt files, folders, .jsonl or .csv")
    ing.add_argument(
        "--confidentiality",
        default="restricted",
        help="default when a record says none (public|restricted|sealed)",
    )
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.add_argument(
        "--no-alerts",
        action="store_true",
        help="do not re-assess risk or raise alerts (alerta temprana) after extraction",
    )
    ras = sub.add_parser(
        "reassess",
        help="re-assess risk and raise alerts for stored complaints (those an ingest missed)",
    )
    ras.add_argument("complaint_ids", nargs="*", help="complaint ids (cmp_…)")
    ras.add_argument(
        "--summary",
        help="an ingest's JSON summary: the complaints its after_intake lists as missed",
    )
    exp = sub.add_parser("export", help="the graph (or a window of it) for Gephi, Neo4j, FtM…")
    exp.add_argument("--format", required=True, help="graphml|gexf|csv|json|ftm")
    exp.add_argument("--out", required=True, help="a file (csv: a folder for its four files)")
    exp.add_argument(
        "--as-role",
        default="prosecutor",
        help="export what this role may see (trainer: pseudonyms, no sealed complaints)",
    )
    exp.add_argument("--region", help="only incidents in this UBIGEO prefix, and around them")
    exp.add_argument("--from", dest="date_from", help="only incidents from this date")
    exp.add_argument("--to", dest="date_to", help="only incidents up to this date")
    exp.add_argument(
        "--source-url", help="base URL of complaints, for FtM's sourceUrl (e.g. the explorer)"
    )
    bak = sub.add_parser("backup", help="write every node and relationship to a file")
    bak.add_argument("out", help="the backup file to write (gzipped JSON lines)")
    res = sub.add_parser("restore", help="restore a backup into an empty store")
    res.add_argument("file", help="a file written by defensores backup")
    dos = sub.add_parser("dossier", help="a prosecutor's case dossier as one HTML file")
    dos.add_argument("case_id", help="the case's id (cas_…)")
    dos.add_argument("--out", required=True, help="the HTML file to write")
    dos.add_argument("--pdf", help="also write it as PDF to this file")
    rx = sub.add_parser(
        "reextract",
        help="re-extract stored complaints with the current pipeline, reviews kept",
    )
    rx.add_argument(
        "--since",
        help="only complaints extracted by this extractor version or an older one "
        "(e.g. 0.1); default: every one another version extracted",
    )
    n4j = sub.add_parser(
        "neo4j",
        help="run a local Neo4j 5 Community server to try the project on Neo4j (not for "
        "production); needs Java 17 and Maven",
    )
    n4j.add_argument(
        "--port", dest="bolt_port", type=int, default=7687, help="Bolt port on 127.0.0.1 (7687)"
    )
    n4j.add_argument("--heap", default="1g", help="the JVM's heap (1g)")
    pack = sub.add_parser("training-pack", help="pseudonymised case studies for training")
    pack.add_argument("--out", required=True, help="the folder to write")
    pack.add_argument("--region", help="only land disputes in this UBIGEO prefix")
    return parser


def _backup(args: argparse.Namespace, config: Config) -> int:
    from graph.store import backup

    with open_store(config.store) as store:
        if args.command == "backup":
            done = backup.backup(store, Path(args.out))
        else:
            done = backup.restore(store, Path(args.file))
    print(json.dumps(done, sort_keys=True))
    return 0


def _dossier(args: argparse.Namespace, config: Config) -> int:
    from graph.access.policy import PROSECUTOR
    from graph.documents import dossier

    with open_store(config.store) as store:
        found = dossier.gather(store, args.case_id, PROSECUTOR)
    dossier.write(found, Path(args.out), Path(args.pdf) if args.pdf else None)
    summary = {"case": args.case_id, "incidents": len(found.incidents),
               "complaints": len(found.complaints), "file": args.out, "pdf": args.pdf}  # fmt: skip
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _training_pack(args: argparse.Namespace, config: Config) -> int:
    from graph.documents import training

    with open_store(config.store) as store:
        pack = training.build(store, args.region)
    written = pack.write(Path(args.out))
    print(json.dumps({"documents": len(pack.documents), "files": len(written), "out": args.out}))
    return 0


def _export(args: argparse.Namespace, config: Config) -> int:
    from graph.access.policy import viewer_for
    from graph.documents import export
    from graph.model import ROLES

    if args.as_role not in ROLES:
        raise ConfigError(f"--as-role must be one of {', '.join(ROLES)}; got {args.as_role!r}")
    if args.format not in export.FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(export.FORMATS)}")
    window = export.Window(args.region, args.date_from, args.date_to)
    with open_store(config.store) as store:
        found = export.gather(store, viewer_for(args.as_role), window)
        files = export.render(found, args.format, source_base=args.source_url)
    written = export.write(files, args.format, Path(args.out))
    summary = {"format": args.format, "as_role": args.as_role, **export.counts(found)}
    print(json.dumps({**summary, "files": written}, ensure_ascii=False))
    return 0


def _flags(args: argparse.Namespace) -> dict[str, str | None]:
    """The settings the command line gives, by name (``graph.store.config.as_settings``)."""
    return {
        "data_dir": args.data_dir,
        "neo4j_uri": args.neo4j_uri,
        "neo4j_database": args.database,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
    }


def _config(args: argparse.Namespace) -> Config:
    return Config.from_env(None, **_flags(args))


def _raise_on_sigterm() -> None:
    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def _serve(config: Config, flags: Mapping[str, str | None] | None = None) -> int:
    """Serve the app; ``flags``: the settings the command line gave (``_flags``)."""
    import uvicorn

    for handler in logging.getLogger().handlers:  # until uvicorn applies log_config()
        handler.addFilter(LogHygiene())
    # Open the store first, so a failure to start is one clear line, not a traceback.
    store = open_store(config.store)
    try:
        if config.reextract.on_start:  # before serving: the API then shows the new facts
            summary = reextract_store(store, config.reextract.since)
            log.info("re-extraction: %s", json.dumps(summary, ensure_ascii=False))
        workers = config.workers  # more than one: each process opens its own connection
        if workers > 1:  # and reads its settings from the environment: the flags' too
            os.environ.update(as_settings(flags or {}))
        uvicorn.run(
            "server:app_from_env" if workers > 1 else create_app(config, store),
            factory=workers > 1,
            workers=workers,
            host=config.host,
            port=config.port,
            log_level="info",
            log_config=log_config(),
            server_header=False,
        )
    finally:
        store.close()
    return 0


def _neo4j(args: argparse.Namespace, config: Config) -> int:
    """Run the local Neo4j in the foreground until Ctrl-C (or SIGTERM)."""
    from graph.store.local_neo4j import LocalNeo4j, neo4j_version

    folder = config.store.data_dir / "neo4j-local"
    print(f"starting Neo4j {neo4j_version()} (the first start fetches it with Maven)…")
    with LocalNeo4j.start(folder, port=args.bolt_port, heap=args.heap) as server:
        secret = folder / "neo4j.secret"
        print(
            f"Neo4j is running at {server.routing_uri} (data in {folder}).\n"
            "Point the project at it, in another shell:\n"
            f"  export DEFENSORES_NEO4J_URI={server.routing_uri}\n"
            f'  export DEFENSORES_NEO4J_PASSWORD="$(cat {secret})"\n'
            "Ctrl-C stops it.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.process.wait()
    return 0


def app_from_env() -> Starlette:
    """The app of a worker process (``DEFENSORES_WORKERS`` > 1), configured from the
    environment; its lifespan opens the store."""
    return create_app(Config.from_env())


def _db(args: argparse.Namespace, config: Config) -> int:
    with open_store(config.store) as store:
        if args.db_command == "status":
            print(json.dumps(status(store), indent=2, sort_keys=True))
        elif args.db_command == "migrate":
            print(json.dumps({"schema_version": current_version(store)}))
    return 0


def _audit(args: argparse.Namespace, config: Config) -> int:
    from dataclasses import asdict

    from graph.access import audit

    data_dir = config.store.data_dir
    key = Path(args.key) if args.key else None
    if args.audit_action == "anchor":
        signing = audit.anchoring(data_dir, key, Path(args.to) if args.to else None)
        with open_store(config.store) as store:
            chain, line = audit.anchor(store, *signing)
        if line is None:
            print(json.dumps(asdict(chain), sort_keys=True))
            print("defensores: the chain is broken; nothing anchored", file=sys.stderr)
            return 1
        print(line)
        return 0
    with open_store(config.store) as store:
        verdict = audit.check(store, data_dir, key, Path(args.anchor) if args.anchor else None)
    print(json.dumps(asdict(verdict), sort_keys=True))
    return 0 if verdict.ok else 1


def _token(args: argparse.Namespace, config: Config) -> int:
    from graph.access import tokens

    with open_store(config.store) as store:
        if args.tokens_action == "create":
            token, record = tokens.create(store, args.role, args.name)
            print(f"created token {record['id']} for {record['name']} ({record['role']}).")
            print("It is shown once and cannot be read back; keep it secret:")
            print(token)
        elif args.tokens_action == "list":
            for row in tokens.listing(store):
                print(json.dumps(row, ensure_ascii=False, sort_keys=True))
        else:
            revoked = tokens.revoke(store, args.key)
            print(json.dumps(revoked, ensure_ascii=False, sort_keys=True))
    return 0


def _extract(args: argparse.Namespace) -> int:
    from datetime import date

    from nlp.pipeline import Extractor

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            raw = Path(args.file).read_bytes()
            text = raw.decode("utf-8-sig")
        except OSError as exc:
            raise InputError(f"cannot read {args.file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InputError(f"{args.file} is not valid UTF-8 text") from None
    if not text.strip():
        raise InputError("the text is empty")
    received = None
    if args.received:
        try:
            received = date.fromisoformat(args.received)
        except ValueError:
            raise InputError(f"--received must be YYYY-MM-DD, got {args.received!r}") from None
    try:
        result = Extractor().extract(text, received)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    print(json.dumps(result.to_json(text), ensure_ascii=False, indent=2))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from schema.app import sdl

    text = sdl()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nlp.evaluate import SETS, run

    folder = Path(args.gold) if args.gold else SETS[args.gold_set]
    if not folder.is_dir():
        raise InputError(f"no gold set at {folder}")
    print(run(args.gold_set, folder, args.split, as_json=args.json))
    return 0


def reextract_store(store: Store, since: str | None = None) -> dict[str, Any]:
    """Re-extract the stored complaints due (``graph.intake.ingest.reextract_stored``);
    returns the summary."""
    from graph.intake.ingest import reextract_stored

    return reextract_stored(store, since).as_json()


def _reextract(args: argparse.Namespace, config: Config) -> int:
    from graph.intake.ingest import exit_code

    with open_store(config.store) as store:
        summary = reextract_store(store, args.since)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return exit_code(summary)


def _ingest(args: argparse.Namespace, config: Config) -> int:
    from graph.intake.extraction import batch_extractor
    from graph.intake.ingest import IngestOptions, arrivals, exit_code, ingest
    from nlp.sources import read

    show = sys.stderr.isatty() and not args.quiet

    def progress(done: int) -> None:
        print(f"\rextracting: {done} complaints", end="", file=sys.stderr, flush=True)

    records = (rec for path in args.paths for rec in read(Path(path)))
    options = IngestOptions(alerts=not args.no_alerts, progress=progress if show else None)
    # patient: a store that stops answering is waited for, and followed to its new
    # address, for up to DEFENSORES_STORE_WAIT_SECONDS per call before the run gives up
    with (
        open_store(config.store, wait=config.store.wait_time) as store,
        batch_extractor(own_process=True) as extractor,
    ):
        done = ingest(store, arrivals(records, args.confidentiality), extractor, options)
    if show and not done.not_stored:
        print(file=sys.stderr)
    summary = done.as_json()
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return exit_code(summary)


def _reassess(args: argparse.Namespace, config: Config) -> int:
    """The early warnings an ingest could not raise (exit 3), raised now."""
    from graph.intake.ingest import EXIT_ALERTS_MISSED, reassess

    ids = list(args.complaint_ids)
    if args.summary:
        try:
            summary = json.loads(Path(args.summary).read_text(encoding="utf-8"))
            ids += list(summary.get("after_intake", {}).get("complaints", []))
        except (OSError, ValueError, AttributeError) as exc:
            raise InputError(f"{args.summary}: not an ingest summary ({exc})") from exc
    if not ids:
        raise InputError("reassess: give complaint ids, or --summary with an ingest's summary")
    with open_store(config.store, wait=config.store.wait_time) as store:
        after = reassess(store, ids)
    report = {**after.report(), "alerts": after.created}
    print(json.dumps(report, indent=2))
    return 0 if after.ok else EXIT_ALERTS_MISSED


# the commands besides ``serve`` and ``db``: those that need no store, and those that do
WITHOUT_STORE: dict[str, Callable[[argparse.Namespace], int]] = {
    "extract": _extract,
    "evaluate": _evaluate,
    "schema": _schema,
}
WITH_STORE: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "ingest": _ingest,
    "token": _token,
    "audit": _audit,
    "export": _export,
    "backup": _backup,
    "restore": _backup,
    "dossier": _dossier,
    "training-pack": _training_pack,
    "reextract": _reextract,
    "reassess": _reassess,
    "neo4j": _neo4j,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    args = _parser().parse_args(argv)
    try:
        config = _config(args)
        if args.command == "serve":
            return _serve(config, _flags(args))
        _raise_on_sigterm()
        if args.command in WITHOUT_STORE:
            return WITHOUT_STORE[args.command](args)
        return WITH_STORE.get(args.command, _db)(args, config)
    except DefensoresError as exc:
        print(f"defensores: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
