// The graphql-http server audit (GraphQL over HTTP conformance) against a live endpoint.
//
//   node tests/js/audit.mjs http://127.0.0.1:8000/graphql
//
// Prints one JSON array to stdout, one entry per audit, in graphql-http's order:
//   [{"id": "...", "name": "MUST ...", "status": "ok" | "notice" | "warn" | "error",
//     "reason": null | "..."}]
// ("reason" is graphql-http's explanation for a non-ok audit, null when ok). Exits 0
// whenever the audit ran, failures included (the caller judges them); 2 on bad usage,
// 1 when it could not run (graphql-http not installed, server unreachable, timeout).
//
// graphql-http is resolved from web/node_modules (`npm ci --prefix web`), whatever the
// working directory.
import { createRequire } from "node:module";

const REQUEST_TIMEOUT_MS = Number(process.env.AUDIT_REQUEST_TIMEOUT_MS ?? 10_000);

function fail(code, message) {
  process.stderr.write(`audit.mjs: ${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.length !== 1) {
  fail(2, "usage: node tests/js/audit.mjs URL  (a GraphQL endpoint over HTTP)");
}
let url;
try {
  url = new URL(args[0]);
} catch {
  fail(2, `not a URL: ${args[0]}`);
}
if (url.protocol !== "http:" && url.protocol !== "https:") {
  fail(2, `not an http(s) URL: ${args[0]}`);
}

let auditServer;
try {
  const require = createRequire(new URL("../../web/package.json", import.meta.url));
  ({ auditServer } = require("graphql-http"));
} catch (error) {
  fail(1, `graphql-http is not installed in web/ (run make install): ${error.message}`);
}

// Every request gets a deadline, so a hung server ends the run instead of blocking it,
// and the bearer token from the environment (never the command line, which others see).
const AUTHORIZATION = process.env.AUDIT_AUTHORIZATION;
const fetchWithTimeout = (input, init = {}) => {
  const headers = new Headers(init.headers);
  if (AUTHORIZATION) headers.set("Authorization", AUTHORIZATION);
  return fetch(input, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
};

let results;
try {
  results = await auditServer({ url: url.href, fetchFn: fetchWithTimeout });
} catch (error) {
  fail(1, `the audit could not run against ${url.href}: ${error?.cause?.message ?? error}`);
}

const report = results.map((result) => ({
  id: result.id,
  name: result.name,
  status: result.status,
  reason: result.status === "ok" ? null : String(result.reason),
}));
process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
