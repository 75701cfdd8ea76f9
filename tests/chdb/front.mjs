// Test-only: ClickHouse's HTTP interface in front of chDB, the embedded current ClickHouse (26.x) that npm serves,
// so that ./test.sh can run the whole suite against a current engine on a machine where only Debian's 18.16 server
// installs. It speaks what the service's gateway uses: /ping; the statement in the `query` parameter or the body (a
// body after a `query` parameter is the data of an INSERT); `database`; any other parameter as a setting; results in
// the statement's FORMAT; errors as HTTP 500 with "Code: N. DB::Exception: ..." and X-ClickHouse-Exception-Code.
//
//   node front.mjs <data dir> <port> [password]
//
// chDB runs one session, so statements run one at a time, each in the database its request names.
import http from "node:http";
import zlib from "node:zlib";
import { Session } from "chdb";

const [dataDir, portText, password = ""] = process.argv.slice(2);
if (!dataDir || !portText) {
  console.error("usage: node front.mjs <data dir> <port> [password]");
  process.exit(2);
}

const session = new Session(dataDir);
// The parser's limit as the session starts; a request that sets its own has it restored afterwards.
const defaultMaxQuerySize = Number(session.query("SELECT getSetting('max_query_size')", "TSV").trim());
// What a ClickHouse server's HTTP interface answers by default; chDB's own defaults differ for JSON output.
const serverDefaults = { output_format_json_quote_64bit_integers: "1" };
// Parameters of the HTTP interface that are not settings.
const notSettings = new Set(["query", "database", "default_format", "user", "password", "query_id", "session_id",
  "session_timeout", "session_check", "compress", "decompress", "enable_http_compression", "wait_end_of_query",
  "buffer_size", "add_http_cors_header", "role"]);

let currentDatabase = "default";
let queue = Promise.resolve();
/** Runs statements one after another: a chDB session is one connection. */
function serialized(work) {
  const run = queue.then(work, work);
  queue = run.catch(() => {});
  return run;
}

/** A SETTINGS clause; numbers bare, anything else as a quoted string. */
function settingsClause(entries) {
  const literal = (v) => (/^-?\d+(\.\d+)?$/.test(v) ? v : `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`);
  return " SETTINGS " + entries.map(([k, v]) => `${k} = ${literal(v)}`).join(", ");
}

/** Puts the request's settings into the statement: before a trailing FORMAT clause, or at its end. */
function withSettings(sql, settings) {
  const verb = sql.trimStart().slice(0, 6).toUpperCase();
  if (verb === "INSERT") {
    // INSERT INTO t [(cols)] FORMAT F <data> / VALUES (...): settings go before FORMAT or VALUES; output settings mean
    // nothing to an insert.
    const entries = Object.entries(settings).filter(([k]) => !k.startsWith("output_format_"));
    if (entries.length === 0) return sql;
    const at = sql.search(/\s(FORMAT\s+\w+|VALUES\s*\()/i);
    return at < 0 ? sql + settingsClause(entries) : sql.slice(0, at) + settingsClause(entries) + sql.slice(at);
  }
  if (verb !== "SELECT" && !sql.trimStart().toUpperCase().startsWith("WITH")) return sql;
  const entries = Object.entries(settings);
  const match = /\sFORMAT\s+\w+\s*;?\s*$/i.exec(sql);
  return match ? sql.slice(0, match.index) + settingsClause(entries) + sql.slice(match.index) : sql + settingsClause(entries);
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let stream = request;
    if ((request.headers["content-encoding"] || "").includes("gzip")) stream = request.pipe(zlib.createGunzip());
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}

function fail(response, status, code, message) {
  response.writeHead(status, { "Content-Type": "text/plain; charset=UTF-8", "X-ClickHouse-Exception-Code": String(code) });
  response.end(`Code: ${code}. DB::Exception: ${message}\n`);
}

const server = http.createServer(async (request, response) => {
  const url = new URL(request.url, "http://front");
  if (url.pathname === "/ping") { response.end("Ok.\n"); return; }
  if (url.pathname !== "/") { fail(response, 404, 0, `no handler for ${url.pathname}`); return; }
  const key = request.headers["x-clickhouse-key"] ?? url.searchParams.get("password") ?? basicPassword(request) ?? "";
  if (password && key !== password) { fail(response, 401, 516, "default: Authentication failed: password is incorrect"); return; }

  let body;
  try { body = request.method === "POST" ? await readBody(request) : ""; }
  catch (e) { fail(response, 400, 27, `cannot read the request body: ${e.message}`); return; }
  const param = url.searchParams.get("query");
  let sql = param !== null ? (body.length > 0 ? `${param}\n${body}` : param) : body;
  if (!sql.trim()) { fail(response, 400, 62, "Empty query"); return; }
  const database = url.searchParams.get("database") ?? request.headers["x-clickhouse-database"] ?? "default";
  const settings = { ...serverDefaults };
  for (const [k, v] of url.searchParams) if (!notSettings.has(k) && !k.startsWith("param_")) settings[k] = v;
  const format = url.searchParams.get("default_format");
  if (format && !/\sFORMAT\s+\w+/i.test(sql) && /^\s*(SELECT|WITH|SHOW|DESCRIBE|EXISTS)/i.test(sql)) sql = `${sql} FORMAT ${format}`;
  sql = withSettings(sql, settings);

  try {
    const queued = Date.now();
    const result = await serialized(async () => {
      const started = Date.now();
      if (database !== currentDatabase) {
        await session.queryAsync(`USE \`${database.replace(/`/g, "")}\``);
        currentDatabase = database;
      }
      // A server applies the request's settings before it parses the statement; a SETTINGS clause comes too late for
      // the parser's own limit, so that one is set on the session around the statement.
      const querySize = settings.max_query_size;
      if (querySize) await session.queryAsync(`SET max_query_size = ${Number(querySize)}`);
      try { return await session.queryAsync(sql); }
      finally {
        if (querySize) await session.queryAsync(`SET max_query_size = ${defaultMaxQuerySize}`);
        // One statement at a time: a slow one holds up every other, so say which (a test waiting on inserts names it).
        const ran = Date.now() - started, waited = started - queued;
        if (ran > 3000 || waited > 5000) console.log(`slow statement: ran ${ran} ms after waiting ${waited} ms: ${sql.slice(0, 200).replace(/\s+/g, " ")}`);
      }
    });
    response.writeHead(200, { "Content-Type": "text/plain; charset=UTF-8", "X-ClickHouse-Server-Display-Name": "chdb-front" });
    response.end(Buffer.from(result.bytes()));
  } catch (e) {
    const text = String(e?.message ?? e).replace(/^Query failed: /, "");
    const code = Number(/Code: (\d+)/.exec(text)?.[1] ?? e?.clickhouseCode ?? 1000);
    // A USE of a database that does not exist leaves the session where it was.
    if (/UNKNOWN_DATABASE/.test(text)) currentDatabase = "";
    response.writeHead(500, { "Content-Type": "text/plain; charset=UTF-8", "X-ClickHouse-Exception-Code": String(code) });
    response.end(text.endsWith("\n") ? text : text + "\n");
  }
});

function basicPassword(request) {
  const header = request.headers.authorization;
  if (!header?.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  return decoded.slice(decoded.indexOf(":") + 1);
}

server.keepAliveTimeout = 10_000;
server.listen(Number(portText), "127.0.0.1", () => {
  const version = session.query("SELECT version()", "TSV").trim();
  console.log(`chdb front: ClickHouse ${version} on http://127.0.0.1:${portText} (data in ${dataDir})`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => { server.close(); session.cleanup?.(); process.exit(0); });
