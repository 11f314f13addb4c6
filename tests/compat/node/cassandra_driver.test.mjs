// The DataStax Node.js cassandra-driver (npm 4.10.0, installed by
// scripts/install-peers into MEDALLION_PEER_DIR) against `medallion
// cql-server`: issue 6's acceptance scenarios as far as the node driver
// allows. Typed values go through {prepare: true} (non-prepared parameters
// are typed by their JS value, a Number becoming a double).
//
//   MEDALLION_BIN=build/src/cli/medallion MEDALLION_PEER_DIR=build/peer \
//     node --test tests/compat/node/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const peerDir = resolve(process.env.MEDALLION_PEER_DIR ??
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'build', 'peer'));
if (!existsSync(join(peerDir, 'node_modules', 'cassandra-driver', 'package.json'))) {
  console.error(`cassandra-driver is not installed in ${peerDir}: ` +
    'run scripts/install-peers DIR and set MEDALLION_PEER_DIR=DIR');
  process.exit(1);
}
const require = createRequire(join(peerDir, 'package.json'));
const cassandra = require('cassandra-driver');
const { types, errors } = cassandra;
const { Long, Integer, BigDecimal, LocalDate, LocalTime, Uuid, TimeUuid, InetAddress } = types;

const bin = process.env.MEDALLION_BIN;
if (!bin) {
  console.error('MEDALLION_BIN is not set: point it at the built medallion binary');
  process.exit(1);
}

let server;
let root;
let port;
let client;

function startServer() {
  root = mkdtempSync(join(tmpdir(), 'cql-compat-node-'));
  const logFd = openSync(join(root, 'server.log'), 'a');
  server = spawn(bin, ['cql-server', '--data', join(root, 'data'), '--host', '127.0.0.1', '--port', '0'],
    { stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  return new Promise((resolvePort, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('cql-server printed no listening line in 60 s')), 60000);
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`cql-server exited (${code}) before listening: ${serverLog()}`)); });
    server.stdout.on('data', (chunk) => {
      if (port !== undefined) return;
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const m = /^cql-server: listening on ([0-9.]+):(\d+)\s*$/.exec(buf.slice(0, nl));
      if (!m) return reject(new Error(`unexpected first line ${JSON.stringify(buf.slice(0, nl))}`));
      port = Number(m[2]);
      resolvePort(port);
    });
  });
}

function serverLog() {
  try { return readFileSync(join(root, 'server.log'), 'utf8').slice(-4000); } catch { return ''; }
}

function stopServer() {
  return new Promise((done) => {
    if (!server || server.exitCode !== null || server.signalCode !== null) return done(server?.exitCode);
    const killer = setTimeout(() => server.kill('SIGKILL'), 10000);
    server.removeAllListeners('exit');
    server.on('exit', (code, signal) => { clearTimeout(killer); done(code ?? signal); });
    server.kill('SIGTERM');
  });
}

function newClient(options = {}) {
  return new cassandra.Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: 'datacenter1',
    credentials: { username: 'cassandra', password: 'cassandra' },
    ...options,
  });
}

before(async () => {
  await startServer();
  client = newClient();
  await client.connect();
  await client.execute("CREATE KEYSPACE IF NOT EXISTS nks WITH replication = " +
    "{'class': 'SimpleStrategy', 'replication_factor': 1}");
});

after(async () => {
  if (client) await client.shutdown();
  const code = await stopServer();
  if (!process.env.CQL_COMPAT_KEEP) rmSync(root, { recursive: true, force: true });
  assert.equal(code, 0, `cql-server exit after SIGTERM: ${code}`);
});

const P = { prepare: true };

test('connect negotiates v4 and reads system.local', async () => {
  const rs = await client.execute('SELECT cluster_name, release_version, data_center FROM system.local');
  assert.equal(rs.rows.length, 1);
  assert.ok(rs.rows[0].release_version);
  assert.equal(rs.rows[0].data_center, 'datacenter1');
  assert.equal(client.getState().getConnectedHosts().length, 1);
  assert.equal(client.controlConnection.protocolVersion, 4);
});

test('table metadata', async () => {
  await client.execute('CREATE TABLE nks.meta (pk1 int, pk2 text, ck1 text, ck2 bigint, v1 list<int>, ' +
    'v2 map<text, uuid>, PRIMARY KEY ((pk1, pk2), ck1, ck2)) WITH CLUSTERING ORDER BY (ck1 ASC, ck2 DESC)');
  const t = await client.metadata.getTable('nks', 'meta');
  assert.ok(t, 'getTable returned nothing');
  assert.deepEqual(t.partitionKeys.map((c) => c.name), ['pk1', 'pk2']);
  assert.deepEqual(t.clusteringKeys.map((c) => c.name), ['ck1', 'ck2']);
  assert.deepEqual(t.clusteringOrder, ['ASC', 'DESC']);
  assert.deepEqual(t.columns.map((c) => c.name).sort(), ['ck1', 'ck2', 'pk1', 'pk2', 'v1', 'v2']);
  assert.equal(t.columnsByName.ck2.type.code, types.dataTypes.bigint);
  assert.equal(t.columnsByName.v1.type.code, types.dataTypes.list);
  const ks = client.metadata.keyspaces.nks;
  assert.ok(ks, 'keyspace nks in metadata');
  assert.match(ks.strategy, /SimpleStrategy/);
});

const TIMEUUID = TimeUuid.fromString('e1a2b3c4-1d2e-11ef-8a0b-0242ac120002');
const CASES = [
  ['a', 'ascii', ['', 'plain ascii']],
  ['tx', 'text', ['', 'héllo 日本語 \u{1F600}']],
  ['b', 'boolean', [true, false]],
  ['ti', 'tinyint', [0, 127, -128]],
  ['si', 'smallint', [32767, -32768]],
  ['i', 'int', [0, 2147483647, -2147483648]],
  ['bi', 'bigint', [Long.fromString('9223372036854775807'), Long.fromString('-9223372036854775808'), Long.fromNumber(5)]],
  ['vi', 'varint', [Integer.fromString('100000000000000000000000000000000000000000'), Integer.fromNumber(-129), Integer.fromNumber(0)]],
  ['f', 'float', [1.5, -0.25, 0]],
  ['d', 'double', [1 / 3, -1e308, Infinity]],
  ['dec', 'decimal', [BigDecimal.fromString('1.50'), BigDecimal.fromString('-123456789.987654321')]],
  ['ts', 'timestamp', [new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)), new Date(0)]],
  ['dt', 'date', [LocalDate.fromString('2024-02-29'), LocalDate.fromString('1970-01-01')]],
  ['tm', 'time', [LocalTime.fromString('23:59:59.999999999'), LocalTime.fromString('00:00:00')]],
  ['u', 'uuid', [Uuid.fromString('123e4567-e89b-42d3-a456-556642440000')]],
  ['tu', 'timeuuid', [TIMEUUID]],
  ['ip', 'inet', [InetAddress.fromString('127.0.0.1'), InetAddress.fromString('2001:db8::ff00:42:8329')]],
  ['bl', 'blob', [Buffer.from([0, 1, 255]), Buffer.alloc(0)]],
  ['li', 'list<int>', [[1, 2, 3]]],
  ['st', 'set<text>', [['x', 'y']]],
  ['mp', 'map<text, bigint>', [{ one: Long.fromNumber(1), two: Long.fromNumber(-2) }]],
  ['md', 'map<text, date>', [{ d: LocalDate.fromString('2020-01-02') }]],
];

function norm(v) {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `ts:${v.getTime()}`;
  if (Buffer.isBuffer(v)) return `blob:${v.toString('hex')}`;
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v;
  if (typeof v === 'object' && v.constructor === Object) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  }
  return `${v.constructor?.name}:${v.toString()}`;
}

test('prepared round trip of every type', async () => {
  await client.execute('CREATE TABLE nks.types (k int PRIMARY KEY, ' +
    CASES.map(([c, t]) => `${c} ${t}`).join(', ') + ')');
  let k = 0;
  const failures = [];
  for (const [col, typ, values] of CASES) {
    for (const v of [...values, null]) {
      k += 1;
      try {
        await client.execute(`INSERT INTO nks.types (k, ${col}) VALUES (?, ?)`, [k, v], P);
        const rs = await client.execute(`SELECT ${col} FROM nks.types WHERE k = ?`, [k], P);
        assert.equal(rs.rows.length, 1);
        const got = rs.rows[0][col];
        // Sets come back as arrays; compare as sorted.
        const a = norm(got); const b = norm(v);
        if (typ.startsWith('set') && a !== null && b !== null) assert.deepEqual([...a].sort(), [...b].sort());
        else assert.deepEqual(a, b);
      } catch (e) {
        failures.push(`${col} ${typ} ${JSON.stringify(norm(v))}: ${e.message}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('paging with fetchSize, pageState and eachRow', async () => {
  await client.execute('CREATE TABLE nks.paging (p int, c int, v text, PRIMARY KEY (p, c))');
  const q = 'INSERT INTO nks.paging (p, c, v) VALUES (?, ?, ?)';
  await cassandra.concurrent.executeConcurrent(client, q,
    Array.from({ length: 10000 }, (_, c) => [0, c, `v${c}`]), { concurrencyLevel: 64 });
  // Manual paging with pageState.
  const seen = [];
  let pageState;
  let pages = 0;
  do {
    const rs = await client.execute('SELECT c, v FROM nks.paging WHERE p = ?', [0], { prepare: true, fetchSize: 100, pageState });
    assert.ok(rs.rows.length <= 100);
    for (const r of rs.rows) seen.push(r.c);
    pageState = rs.pageState;
    pages += 1;
    assert.ok(pages <= 101);
  } while (pageState);
  assert.deepEqual(seen, Array.from({ length: 10000 }, (_, c) => c));
  // eachRow with autoPage.
  const rows = [];
  await new Promise((done, fail) => {
    client.eachRow('SELECT c FROM nks.paging WHERE p = 0', [], { fetchSize: 100, autoPage: true },
      (_, row) => rows.push(row.c), (err) => (err ? fail(err) : done()));
  });
  assert.deepEqual(rows, seen);
  // Async iteration (pages fetched on demand).
  let n = 0;
  const rs = await client.execute('SELECT c FROM nks.paging', [], { fetchSize: 333 });
  for await (const _row of rs) n += 1;  // eslint-disable-line no-unused-vars
  assert.equal(n, 10000);
});

test('clustering order and slices', async () => {
  await client.execute('CREATE TABLE nks.clu (p int, c int, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (c DESC)');
  for (let c = 0; c < 10; c++) await client.execute('INSERT INTO nks.clu (p, c) VALUES (?, ?)', [1, c], P);
  const cs = async (q, params = []) => (await client.execute(q, params, P)).rows.map((r) => r.c);
  assert.deepEqual(await cs('SELECT c FROM nks.clu WHERE p = 1'), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  assert.deepEqual(await cs('SELECT c FROM nks.clu WHERE p = ? AND c > ?', [1, 6]), [9, 8, 7]);
  assert.deepEqual(await cs('SELECT c FROM nks.clu WHERE p = ? AND c >= ? AND c < ?', [1, 2, 5]), [4, 3, 2]);
  assert.deepEqual(await cs('SELECT c FROM nks.clu WHERE p = ? AND c <= ? ORDER BY c ASC', [1, 3]), [0, 1, 2, 3]);
});

test('TTL expiry, ttl() and writetime()', async () => {
  await client.execute('CREATE TABLE nks.ttl (k int PRIMARY KEY, v text)');
  await client.execute('INSERT INTO nks.ttl (k, v) VALUES (?, ?) USING TTL 1', [1, 'short'], P);
  await client.execute('INSERT INTO nks.ttl (k, v) VALUES (?, ?) USING TTL 1000 AND TIMESTAMP 123456789', [2, 'long'], P);
  const r = (await client.execute('SELECT ttl(v), writetime(v) FROM nks.ttl WHERE k = ?', [2], P)).rows[0];
  const vals = r.values();
  assert.ok(vals[0] >= 990 && vals[0] <= 1000, `ttl ${vals[0]}`);
  assert.equal(vals[1].toString(), '123456789');
  await new Promise((d) => setTimeout(d, 2200));
  const ks = (await client.execute('SELECT k FROM nks.ttl')).rows.map((x) => x.k);
  assert.deepEqual(ks, [2]);
});

test('batches: logged and unlogged, prepared and text members', async () => {
  await client.execute('CREATE TABLE nks.batches (p int, c int, v text, PRIMARY KEY (p, c))');
  for (const logged of [true, false]) {
    const p = logged ? 1 : 2;
    await client.batch([
      { query: 'INSERT INTO nks.batches (p, c, v) VALUES (?, ?, ?)', params: [p, 1, 'one'] },
      { query: 'INSERT INTO nks.batches (p, c, v) VALUES (?, ?, ?)', params: [p, 2, 'two'] },
      { query: 'UPDATE nks.batches SET v = ? WHERE p = ? AND c = ?', params: ['uno', p, 1] },
    ], { prepare: true, logged });
    await client.batch([
      `INSERT INTO nks.batches (p, c, v) VALUES (${p}, 3, 'three')`,
      { query: `DELETE FROM nks.batches WHERE p = ${p} AND c = 2` },
    ], { logged });
    const rows = (await client.execute('SELECT c, v FROM nks.batches WHERE p = ?', [p], P)).rows.map((r) => [r.c, r.v]);
    assert.deepEqual(rows, [[1, 'uno'], [3, 'three']]);
  }
});

test('DELETE of a row, a range and a partition', async () => {
  await client.execute('CREATE TABLE nks.del (p int, c int, PRIMARY KEY (p, c))');
  for (let p = 0; p < 2; p++) for (let c = 0; c < 6; c++) await client.execute('INSERT INTO nks.del (p, c) VALUES (?, ?)', [p, c], P);
  const cs = async (p) => (await client.execute('SELECT c FROM nks.del WHERE p = ?', [p], P)).rows.map((r) => r.c);
  await client.execute('DELETE FROM nks.del WHERE p = ? AND c = ?', [0, 1], P);
  await client.execute('DELETE FROM nks.del WHERE p = ? AND c >= ?', [0, 4], P);
  assert.deepEqual(await cs(0), [0, 2, 3]);
  await client.execute('DELETE FROM nks.del WHERE p = ?', [1], P);
  assert.deepEqual(await cs(1), []);
});

test('token() range scans cover all rows exactly once', async () => {
  await client.execute('CREATE TABLE nks.tok (p int PRIMARY KEY)');
  await cassandra.concurrent.executeConcurrent(client, 'INSERT INTO nks.tok (p) VALUES (?)',
    Array.from({ length: 200 }, (_, p) => [p]));
  const min = Long.MIN_VALUE; const max = Long.MAX_VALUE;
  const mid = Long.ZERO;
  const a = await client.execute('SELECT p FROM nks.tok WHERE token(p) >= ? AND token(p) <= ?', [min, mid], P);
  const b = await client.execute('SELECT p FROM nks.tok WHERE token(p) > ? AND token(p) <= ?', [mid, max], P);
  const all = [...a.rows, ...b.rows].map((r) => r.p).sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: 200 }, (_, p) => p));
});

test('COUNT(*), LIMIT, PER PARTITION LIMIT, IN, ALLOW FILTERING', async () => {
  await client.execute('CREATE TABLE nks.q (p int, c int, v int, PRIMARY KEY (p, c))');
  for (let p = 0; p < 4; p++) for (let c = 0; c < 5; c++) await client.execute('INSERT INTO nks.q (p, c, v) VALUES (?, ?, ?)', [p, c, c % 2], P);
  const count = (await client.execute('SELECT COUNT(*) FROM nks.q')).rows[0].values()[0];
  assert.equal(count.toString(), '20');
  assert.equal((await client.execute('SELECT * FROM nks.q LIMIT 7')).rows.length, 7);
  assert.equal((await client.execute('SELECT * FROM nks.q PER PARTITION LIMIT 2')).rows.length, 8);
  const inRows = (await client.execute('SELECT p, c FROM nks.q WHERE p IN ?', [[1, 3]], P)).rows;
  assert.equal(inRows.length, 10);
  const f = (await client.execute('SELECT p, c FROM nks.q WHERE v = ? ALLOW FILTERING', [1], P)).rows;
  assert.equal(f.length, 8);
});

async function expectResponseError(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof errors.ResponseError, `expected ResponseError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.code, code, `code 0x${e.code?.toString(16)}: ${e.message}`);
    return true;
  });
  const rs = await client.execute('SELECT release_version FROM system.local');
  assert.equal(rs.rows.length, 1);
}

test('errors surface as ResponseError with the right code', async () => {
  const codes = types.responseErrorCodes;
  await expectResponseError(client.execute('SELEKT * FROM nks.q'), codes.syntaxError);
  await expectResponseError(client.execute('SELECT * FROM nks.no_such_table'), codes.invalid);
  await expectResponseError(client.execute("INSERT INTO nks.q (p, c, v) VALUES (1, 1, 'text')"), codes.invalid);
  await client.execute('CREATE TABLE IF NOT EXISTS nks.dup (k int PRIMARY KEY)');
  await expectResponseError(client.execute('CREATE TABLE nks.dup (k int PRIMARY KEY)'), codes.alreadyExists);
});

test('bad credentials give an AuthenticationError', async () => {
  const bad = newClient({ credentials: { username: 'cassandra', password: 'wrong' } });
  try {
    await assert.rejects(bad.connect(), (e) => {
      const inner = e instanceof errors.NoHostAvailableError ? Object.values(e.innerErrors ?? {}) : [e];
      assert.ok(inner.some((x) => x instanceof errors.AuthenticationError),
        `${e.constructor.name}: ${e.message}`);
      return true;
    });
  } finally {
    await bad.shutdown();
  }
});

test('keyspace option, then unqualified names', async () => {
  await client.execute('CREATE TABLE IF NOT EXISTS nks.usek (k int PRIMARY KEY, v text)');
  const c2 = newClient({ keyspace: 'nks' });
  try {
    await c2.connect();
    await c2.execute('INSERT INTO usek (k, v) VALUES (?, ?)', [1, 'one'], P);
    assert.equal((await c2.execute('SELECT v FROM usek WHERE k = ?', [1], P)).rows[0].v, 'one');
  } finally {
    await c2.shutdown();
  }
});

test('a second client while the first is busy', async () => {
  await client.execute('CREATE TABLE nks.busy (k int PRIMARY KEY, v text)');
  const pending = [];
  for (let k = 0; k < 2000; k++) pending.push(client.execute('INSERT INTO nks.busy (k, v) VALUES (?, ?)', [k, `v${k}`], P));
  const c2 = newClient();
  try {
    await c2.connect();
    await c2.execute('INSERT INTO nks.busy (k, v) VALUES (?, ?)', [-1, 'second'], P);
    await Promise.all(pending);
    const n = (await c2.execute('SELECT COUNT(*) FROM nks.busy')).rows[0].values()[0];
    assert.equal(n.toString(), '2001');
  } finally {
    await c2.shutdown();
  }
});
