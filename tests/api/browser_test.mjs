#!/usr/bin/env node
// browser_test.mjs — issue 9's browser test: Swagger UI at /docs, in Debian's
// headless Chromium driven by playwright-core, against a real `medallion
// serve`.
//
//   MEDALLION_BIN=build/src/cli/medallion MEDALLION_PEER_DIR=build/peer \
//     node tests/api/browser_test.mjs [ARTIFACT_DIR]
//
// 1. Starts `medallion cql-server --port 0 --no-auth` on a temp --data dir
//    (first stdout line `cql-server: listening on HOST:PORT`), creates the
//    serving tables with the DDL of src/pipeline/serving_tables.cc through
//    the Node.js cassandra-driver, and inserts a few completed sessions: three
//    of one player inside the one-year window before --now, one of the same
//    player outside it, one of another player.
// 2. Starts `medallion serve --cql 127.0.0.1:P --port 0 --now
//    2016-11-07T00:00:00Z` and reads its port from the line `serve: the REST
//    API on http://HOST:PORT ...`.
// 3. Opens http://HOST:PORT/docs in Chromium (/usr/bin/chromium, or
//    MEDALLION_CHROMIUM) with a fresh user-data dir and the flags a machine
//    without network needs, waits for the operations, and checks in the DOM
//    that every operation of /openapi.json (and at least the seven the API
//    has: the two /models queries, /health, /ready, /metrics, /openapi.json,
//    /docs) renders once with its method, path and summary, as do the title,
//    the version and every schema. Saves a full-page screenshot
//    (browser_docs.png) in ARTIFACT_DIR and prints its path.
// 4. Expands GET /models/completed-sessions/{player_id}, clicks "Try it
//    out", fills player_id, clicks "Execute", and checks what Swagger UI
//    renders: the request URL, code 200, and a body that is exactly
//    {"items": [the three sessions, newest first], "count": 3}, equal to the
//    body the browser received. Saves browser_try_it_out.png.
// Throughout: every console error, page error, failed request, HTTP status
// >= 400 and request to another origin than the server is a failure (the
// page must work offline, from the server alone).
//
// ARTIFACT_DIR: the argument, else MEDALLION_ARTIFACT_DIR, else the working
// directory (CTest runs this in <build>/tests/api). On a failure a screenshot
// browser_failure.png is saved there too, when a page was open.
// playwright-core and cassandra-driver come from `scripts/install-peers DIR`;
// point MEDALLION_PEER_DIR at DIR (default: build/peer of this repository).
// Every wait is bounded; every process started here is stopped in the end
// (SIGTERM, then SIGKILL after 10 s) and the temp dir removed. Prints
// "browser_test: ok (timings)" and exits 0, or "browser_test: FAIL: ..." with
// the servers' log tails and exits 1.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync,
  createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';

const kNow = '2016-11-07T00:00:00Z';
const kPlayer = 'browser-test-player-42';
const kOtherPlayer = 'browser-test-player-43';
// Completed sessions (completed_sessions_by_player). The window is
// [now - 365 days, now] = [2015-11-08T00:00:00Z, 2016-11-07T00:00:00Z].
const kRows = [
  // player, session_id, country, start_ts, end_ts
  [kPlayer, 'session-b', 'PT', '2016-10-01T11:00:00.000Z', '2016-10-01T12:00:00.000Z'],
  [kPlayer, 'session-a', 'PT', '2016-11-06T23:01:02.000Z', '2016-11-06T23:59:59.345Z'],
  [kPlayer, 'session-c', 'ES', '2015-11-10T08:00:00.000Z', '2015-11-10T08:30:00.000Z'],
  [kPlayer, 'session-too-old', 'PT', '2015-11-01T10:00:00.000Z', '2015-11-01T11:00:00.000Z'],
  [kOtherPlayer, 'session-other', 'PT', '2016-11-06T10:00:00.000Z', '2016-11-06T11:00:00.000Z'],
];
// What the API answers for kPlayer: newest end_ts first, ts = end_ts as
// pydantic renders a naive UTC datetime (microseconds when not 0).
const kExpectedBody = {
  items: [
    { player_id: kPlayer, session_id: 'session-a', country: 'PT', ts: '2016-11-06T23:59:59.345000' },
    { player_id: kPlayer, session_id: 'session-b', country: 'PT', ts: '2016-10-01T12:00:00' },
    { player_id: kPlayer, session_id: 'session-c', country: 'ES', ts: '2015-11-10T08:30:00' },
  ],
  count: 3,
};
// The operations the API has (src/api/api_service.h); /openapi.json may add
// more, which must render too.
const kRequiredOperations = [
  'GET /models/completed-sessions/{player_id}',
  'GET /models/started_sessions/{country}/{hours}',
  'GET /health',
  'GET /ready',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
];
// Flags for a machine whose network is closed: without them Chromium keeps
// trying to reach Google's services and hangs on those connections.
const kChromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-proxy-server',
];

const kServerStartMs = 60_000;
const kStopGraceMs = 10_000;
const kBrowserLaunchMs = 90_000;
const kPageMs = 60_000;

class TestFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new TestFailure(message);
}

// A promise that rejects with `what` after ms.
function bounded(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TestFailure(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- setup: peers, paths ---------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url));
const peerDir = resolve(process.env.MEDALLION_PEER_DIR ?? join(here, '..', '..', 'build', 'peer'));
const peerRequire = createRequire(join(peerDir, 'package.json'));
function loadPeer(name) {
  try {
    return peerRequire(name);
  } catch (e) {
    console.error(`browser_test: FAIL: ${name} is not installed in ${peerDir} (${e.code ?? e.message}): ` +
      'run scripts/install-peers DIR and set MEDALLION_PEER_DIR=DIR');
    process.exit(1);
  }
}
const { chromium } = loadPeer('playwright-core');
const cassandra = loadPeer('cassandra-driver');

const bin = process.env.MEDALLION_BIN;
if (!bin || !existsSync(bin)) {
  console.error(`browser_test: FAIL: MEDALLION_BIN ${bin ? `(${bin}) does not exist` : 'is not set'}: ` +
    'point it at the built medallion binary');
  process.exit(1);
}
const chromiumPath = process.env.MEDALLION_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`browser_test: FAIL: no Chromium at ${chromiumPath}: run scripts/install-deps ` +
    "(Debian's chromium), or point MEDALLION_CHROMIUM at one");
  process.exit(1);
}
const artifactDir = resolve(process.argv[2] ?? process.env.MEDALLION_ARTIFACT_DIR ?? process.cwd());
mkdirSync(artifactDir, { recursive: true });

// The servers must not pick up settings meant for another run.
const childEnv = Object.fromEntries(Object.entries(process.env).filter(
  ([k]) => !/^MEDALLION_(API_|CQL_|NOW$|LAKE$)/.test(k)));

// SIGINT/SIGTERM/SIGHUP (Ctrl-C, CTest's timeout): stop what was started;
// the main path then ends with the failure. Should it hang, exit anyway.
let interrupted = null;
let cleaning = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = signal;
    console.error(`browser_test: interrupted by ${signal}; stopping what it started`);
    cleaning ??= cleanup();
    bounded(cleaning, 60_000, 'cleanup').catch(() => {})
      .finally(() => setTimeout(() => process.exit(1), 30_000));
  });
}
function checkNotInterrupted(step) {
  check(interrupted === null, `interrupted by ${interrupted} (${step})`);
}

const root = mkdtempSync(join(tmpdir(), 'medallion-browser-'));

// --- processes ---------------------------------------------------------------

const children = new Set();  // Server objects still running

class Server {
  // Starts `bin args` in root with stdout piped; resolves the first stdout
  // line matching `ready` (its match) within kServerStartMs. Everything else
  // goes to <root>/<name>.log.
  constructor(name, args, ready) {
    this.name = name;
    this.args = args;
    this.ready = ready;
    this.logPath = join(root, `${name}.log`);
    this.exit = null;  // {code, signal} once exited
  }

  start() {
    checkNotInterrupted(`starting ${this.name}`);
    const logFd = openSync(this.logPath, 'a');
    this.proc = spawn(bin, this.args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', logFd] });
    closeSync(logFd);
    children.add(this);
    this.exited = new Promise((done) => {
      const exited = (code, signal) => {
        this.exit ??= { code, signal };
        children.delete(this);
        done(this.exit);
      };
      this.proc.on('exit', exited);
      // A binary that cannot be run: 'error' without 'exit'.
      this.proc.on('error', (e) => exited(`${e.code ?? e.message} (cannot run ${bin})`, null));
    });
    const log = createWriteStream(this.logPath, { flags: 'a' });
    return bounded(new Promise((resolveMatch, reject) => {
      let buffer = '';
      let match = null;
      this.proc.stdout.on('data', (chunk) => {
        log.write(chunk);
        if (match) return;
        buffer += chunk.toString();
        let nl;
        while (!match && (nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          match = this.ready.exec(line);
          if (match) resolveMatch(match);
        }
      });
      this.exited.then(({ code, signal }) => {
        if (!match) {
          reject(new TestFailure(`${this.name} exited (${code ?? signal}) before it was ready:\n` +
            this.logTail()));
        }
      });
    }), kServerStartMs, `${this.name} did not print its listening line (${this.ready})`);
  }

  // Whether it is still running; a failure naming its exit otherwise.
  checkRunning() {
    check(this.exit === null, `${this.name} exited (${this.exit?.code ?? this.exit?.signal}) ` +
      `during the test:\n${this.logTail()}`);
  }

  // SIGTERM, then SIGKILL after kStopGraceMs. Returns a problem or null.
  async stop() {
    if (this.exit !== null) return null;
    this.proc.kill('SIGTERM');
    const graceful = await Promise.race([this.exited, sleep(kStopGraceMs).then(() => null)]);
    if (graceful) {
      return graceful.code === 0 ? null
        : `${this.name} exited with ${graceful.code ?? graceful.signal} on SIGTERM:\n${this.logTail()}`;
    }
    this.proc.kill('SIGKILL');
    await Promise.race([this.exited, sleep(kStopGraceMs)]);
    return `${this.name} did not stop within ${kStopGraceMs / 1000} s of SIGTERM (killed)`;
  }

  logTail() {
    try {
      const text = readFileSync(this.logPath, 'utf8');
      return `--- ${this.name} log (${this.logPath}) ---\n${text.slice(-4000)}`;
    } catch {
      return `--- ${this.name}: no log ---`;
    }
  }
}

// Last resort when node exits without the cleanup (an uncaught error).
process.on('exit', () => {
  for (const server of children) server.proc.kill('SIGKILL');
});

// --- the test ----------------------------------------------------------------

const timings = {};
async function timed(name, fn) {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = (performance.now() - t0) / 1000;
  }
}

let cqlServer = null;
let apiServer = null;
let client = null;
let context = null;
let page = null;
const pageProblems = [];
const pageWarnings = [];

async function createServingData(cqlPort) {
  client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${cqlPort}`],
    localDataCenter: 'datacenter1',
    socketOptions: { connectTimeout: 20_000, readTimeout: 30_000 },
    pooling: { warmup: true },
  });
  await bounded(client.connect(), 60_000, `cassandra-driver connecting to 127.0.0.1:${cqlPort}`);
  // src/pipeline/serving_tables.cc serving_schema_statements().
  const ddl = [
    "CREATE KEYSPACE IF NOT EXISTS session_events WITH replication = " +
      "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    'CREATE TABLE IF NOT EXISTS session_events.completed_sessions_by_player (player_id text, ' +
      'end_ts timestamp, session_id text, country text, start_ts timestamp, ' +
      'PRIMARY KEY ((player_id), end_ts, session_id)) ' +
      'WITH CLUSTERING ORDER BY (end_ts DESC, session_id ASC)',
    'CREATE TABLE IF NOT EXISTS session_events.started_sessions_by_country_hour (country text, ' +
      'hour timestamp, start_ts timestamp, session_id text, player_id text, ' +
      'PRIMARY KEY ((country, hour), start_ts, session_id)) ' +
      'WITH CLUSTERING ORDER BY (start_ts DESC, session_id ASC)',
  ];
  for (const statement of ddl) {
    await bounded(client.execute(statement), 60_000, `CQL: ${statement.slice(0, 60)}...`);
  }
  const insert = 'INSERT INTO session_events.completed_sessions_by_player ' +
    '(player_id, end_ts, session_id, country, start_ts) VALUES (?, ?, ?, ?, ?)';
  for (const [player, session, country, start, end] of kRows) {
    await bounded(client.execute(insert, [player, new Date(end), session, country, new Date(start)],
      { prepare: true }), 30_000, `CQL insert of ${session}`);
  }
  await bounded(client.shutdown(), 15_000, 'cassandra-driver shutdown');
  client = null;
}

// The operations of /openapi.json: [{key: 'GET /path', method, path, summary}].
async function documentedOperations(base) {
  const response = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(30_000) });
  check(response.status === 200, `GET /openapi.json answered ${response.status}`);
  const doc = await response.json();
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']) {
      if (item[method]) {
        operations.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path,
          summary: item[method].summary ?? '' });
      }
    }
  }
  const keys = new Set(operations.map((o) => o.key));
  const missing = kRequiredOperations.filter((k) => !keys.has(k));
  check(missing.length === 0, `/openapi.json lacks the operations ${missing.join(', ')}`);
  return { doc, operations };
}

function watchPage(p, origin) {
  p.on('console', (message) => {
    const where = message.location()?.url ? ` (${message.location().url})` : '';
    if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}${where}`);
    else if (message.type() === 'warning') pageWarnings.push(`console warning: ${message.text()}${where}`);
  });
  p.on('pageerror', (error) => pageProblems.push(`page error: ${error.stack ?? error.message}`));
  p.on('crash', () => pageProblems.push('the page crashed'));
  p.on('request', (request) => {
    if (new URL(request.url()).origin !== origin && !request.url().startsWith('data:')) {
      pageProblems.push(`request to another origin: ${request.method()} ${request.url()} ` +
        '(/docs must load everything from the server)');
    }
  });
  p.on('requestfailed', (request) => {
    pageProblems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  p.on('response', (response) => {
    if (response.status() >= 400) {
      pageProblems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
}

function checkPage(step) {
  check(pageProblems.length === 0, `${step}: the page had problems:\n  ${pageProblems.join('\n  ')}`);
}

async function checkDocsRender(base, doc, operations) {
  await bounded(page.goto(`${base}/docs`, { waitUntil: 'load' }), kPageMs, `loading ${base}/docs`);
  check(await page.title() === 'medallion - Swagger UI', `the page title is "${await page.title()}"`);
  // Swagger UI fetches /openapi.json, then renders; a document it cannot
  // load or parse shows in .errors-wrapper / .loading-container instead.
  try {
    await page.waitForFunction((n) => document.querySelectorAll('#swagger-ui .opblock').length >= n ||
      document.querySelector('#swagger-ui .errors-wrapper, #swagger-ui .info .error'),
    operations.length, { timeout: kPageMs, polling: 100 });
  } catch (e) {
    const count = await page.locator('#swagger-ui .opblock').count().catch(() => '?');
    throw new TestFailure(`the operations did not render within ${kPageMs / 1000} s ` +
      `(${count} of ${operations.length} there): ${e.message.split('\n')[0]}`);
  }
  const errors = await page.locator('#swagger-ui .errors-wrapper').allInnerTexts();
  check(errors.length === 0, `Swagger UI shows errors: ${errors.join(' | ')}`);

  const rendered = await page.evaluate(() => [...document.querySelectorAll('#swagger-ui .opblock')].map((e) => ({
    method: e.querySelector('.opblock-summary-method')?.textContent.trim(),
    path: e.querySelector('.opblock-summary-path')?.getAttribute('data-path'),
    pathText: e.querySelector('.opblock-summary-path')?.textContent.replace(/\u200b/g, '').trim(),
    summary: e.querySelector('.opblock-summary-description')?.textContent.trim() ?? '',
    visible: e.getBoundingClientRect().height > 0,
  })));
  const problems = [];
  for (const op of operations) {
    const found = rendered.filter((r) => r.method === op.method && r.path === op.path);
    if (found.length !== 1) {
      problems.push(`${op.key} renders ${found.length} times`);
      continue;
    }
    const [r] = found;
    if (r.pathText !== op.path) problems.push(`${op.key} shows the path "${r.pathText}"`);
    if (r.summary !== op.summary) problems.push(`${op.key} shows the summary "${r.summary}", not "${op.summary}"`);
    if (!r.visible) problems.push(`${op.key} is not visible`);
  }
  const keys = new Set(operations.map((o) => o.key));
  for (const r of rendered) {
    if (!keys.has(`${r.method} ${r.path}`)) problems.push(`an operation not in /openapi.json renders: ${r.method} ${r.path}`);
  }
  // The header: title and version; the schemas section: every schema.
  const title = (await page.locator('#swagger-ui .info .title').first().innerText()).replace(/\s+/g, ' ');
  if (!title.includes(doc.info.title)) problems.push(`the title shows "${title}", not "${doc.info.title}"`);
  if (!title.includes(doc.info.version)) problems.push(`the title shows "${title}" without version ${doc.info.version}`);
  // OpenAPI 3.1 schemas render as JSON Schema 2020-12 articles (3.0's as
  // .model-container).
  const schemaNames = new Set(await page.locator(
    '#swagger-ui section.models article[data-json-schema-level="0"] > .json-schema-2020-12-head ' +
    '.json-schema-2020-12__title, #swagger-ui section.models .model-container .model-title')
    .allInnerTexts().then((t) => t.map((s) => s.trim())));
  for (const name of Object.keys(doc.components?.schemas ?? {})) {
    if (!schemaNames.has(name)) problems.push(`the schema ${name} is not listed`);
  }
  check(problems.length === 0, `/docs does not render as /openapi.json says:\n  ${problems.join('\n  ')}`);
  return rendered.length;
}

async function tryCompletedSessions(base) {
  const op = page.locator('#swagger-ui .opblock').filter({
    has: page.locator('.opblock-summary-path[data-path="/models/completed-sessions/{player_id}"]'),
  });
  await op.locator('.opblock-summary').first().click();
  const tryOut = op.locator('button.try-out__btn');
  await tryOut.waitFor({ timeout: kPageMs });
  check((await tryOut.innerText()).trim() === 'Try it out', `the button says "${await tryOut.innerText()}"`);
  await tryOut.click();
  const input = op.locator('tr[data-param-name="player_id"] input');
  await input.waitFor({ timeout: kPageMs });
  await input.fill(kPlayer);
  const execute = op.locator('button.execute');
  const url = `${base}/models/completed-sessions/${kPlayer}`;
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === url, { timeout: kPageMs }),
    execute.click(),
  ]);
  const networkStatus = response.status();
  const networkBody = await response.text();

  const row = op.locator('.live-responses-table tbody tr.response').first();
  await row.waitFor({ timeout: kPageMs });
  const requestUrl = (await op.locator('.request-url pre').first().innerText()).trim();
  check(requestUrl === url, `Swagger UI shows the request URL ${requestUrl}, not ${url}`);
  const code = (await row.locator('.response-col_status').innerText()).trim();
  const bodyText = await row.locator('.response-col_description .highlight-code pre').first().textContent();
  check(networkStatus === 200, `GET ${url} answered ${networkStatus}: ${networkBody}`);
  check(code === '200', `Swagger UI shows the code "${code}", not 200; body: ${bodyText}`);
  let body;
  try {
    body = JSON.parse(bodyText);
  } catch (e) {
    throw new TestFailure(`the response body Swagger UI shows is not JSON (${e.message}): ${bodyText}`);
  }
  check(isDeepStrictEqual(body, JSON.parse(networkBody)),
    `Swagger UI shows ${JSON.stringify(body)}, but the server sent ${networkBody}`);
  check(isDeepStrictEqual(body, kExpectedBody),
    `the completed sessions of ${kPlayer} are ${JSON.stringify(body)}, expected ${JSON.stringify(kExpectedBody)}`);
  return body.count;
}

async function run() {
  cqlServer = new Server('cql-server', ['cql-server', '--data', join(root, 'cql'), '--host', '127.0.0.1',
    '--port', '0', '--no-auth'], /^cql-server: listening on ([0-9.]+):(\d+)\s*$/);
  const cqlPort = Number((await timed('cql_server_start', () => cqlServer.start()))[2]);
  await timed('serving_data', () => createServingData(cqlPort));

  apiServer = new Server('serve', ['serve', '--cql', `127.0.0.1:${cqlPort}`, '--host', '127.0.0.1',
    '--port', '0', '--now', kNow], /^serve: the REST API on http:\/\/([0-9.]+):(\d+) /);
  const [, host, port] = await timed('serve_start', () => apiServer.start());
  const base = `http://${host}:${port}`;
  const { doc, operations } = await documentedOperations(base);

  await timed('browser_launch', async () => {
    checkNotInterrupted('launching Chromium');
    context = await bounded(chromium.launchPersistentContext(join(root, 'chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: kChromiumArgs,
      timeout: kBrowserLaunchMs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      viewport: { width: 1280, height: 900 },
    }), kBrowserLaunchMs + 5_000, `launching ${chromiumPath}`);
    context.setDefaultTimeout(kPageMs);
    context.setDefaultNavigationTimeout(kPageMs);
    page = context.pages()[0] ?? await context.newPage();
    watchPage(page, new URL(base).origin);
    checkNotInterrupted('Chromium launched');
  });

  const renderedCount = await timed('docs_render', () => checkDocsRender(base, doc, operations));
  const screenshot = join(artifactDir, 'browser_docs.png');
  await timed('screenshot', () => page.screenshot({ path: screenshot, fullPage: true, timeout: kPageMs }));
  console.log(`browser_test: screenshot of /docs: ${screenshot}`);
  checkPage('loading /docs');

  const count = await timed('try_it_out', () => tryCompletedSessions(base));
  const tryScreenshot = join(artifactDir, 'browser_try_it_out.png');
  await page.screenshot({ path: tryScreenshot, fullPage: true, timeout: kPageMs });
  console.log(`browser_test: screenshot after "Try it out": ${tryScreenshot}`);
  // Late console errors (a render after the response) count too.
  await sleep(250);
  checkPage('"Try it out" on completed-sessions');
  apiServer.checkRunning();
  cqlServer.checkRunning();
  return `${renderedCount} operations rendered; completed-sessions: 200 with ${count} items`;
}

async function cleanup() {
  const problems = [];
  if (context) {
    try {
      await bounded(context.close(), 20_000, 'closing Chromium');
    } catch (e) {
      problems.push(e.message);  // playwright kills it when node exits
    }
    context = null;
  }
  if (client) {
    await bounded(client.shutdown(), 10_000, 'cassandra-driver shutdown').catch(() => {});
    client = null;
  }
  // The API first: it holds CQL connections.
  for (const server of [apiServer, cqlServer]) {
    if (server) {
      const problem = await server.stop();
      if (problem) problems.push(problem);
    }
  }
  try {
    rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (e) {
    problems.push(`cannot remove ${root}: ${e.message}`);
  }
  return problems;
}

const t0 = performance.now();
let failure = null;
let summary = '';
try {
  summary = await run();
} catch (e) {
  failure = interrupted ? `interrupted by ${interrupted}`
    : e instanceof TestFailure ? e.message : (e.stack ?? String(e));
  if (pageProblems.length && !failure.includes(pageProblems[0])) {
    failure += `\nthe page's problems so far:\n  ${pageProblems.join('\n  ')}`;
  }
  if (page && !interrupted) {
    const shot = join(artifactDir, 'browser_failure.png');
    await page.screenshot({ path: shot, fullPage: true, timeout: 20_000 })
      .then(() => { failure += `\nscreenshot at the failure: ${shot}`; }, () => {});
  }
  for (const server of interrupted ? [] : [cqlServer, apiServer]) {
    if (server && !failure.includes(server.logPath)) failure += `\n${server.logTail()}`;
  }
}
// After an interruption, once more: whatever started after the signal's
// cleanup (a browser that was still launching) stops here.
if (cleaning) await cleaning;
const cleanupProblems = await timed('cleanup', cleanup);
timings.total = (performance.now() - t0) / 1000;
for (const warning of pageWarnings) console.log(`browser_test: note: ${warning}`);
const times = Object.entries(timings).map(([k, v]) => `${k}=${v.toFixed(2)}s`).join(' ');
if (failure === null && cleanupProblems.length) failure = `stopping: ${cleanupProblems.join('; ')}`;
else if (cleanupProblems.length) failure += `\nwhile stopping: ${cleanupProblems.join('; ')}`;
if (failure !== null) {
  console.error(`browser_test: FAIL: ${failure}`);
  console.error(`browser_test: timings: ${times}`);
  process.exit(1);
}
console.log(`browser_test: ok (${summary}; ${times})`);
process.exit(0);
