#!/usr/bin/env node
// DuckDB's side of medallion's Parquet benchmark: DuckDB 1.5.6
// (@duckdb/node-api), one thread, in memory.
//
//   duckdb_parquet_bench.mjs ROWS OUT_DIR [--repeat N]
//     Generates ROWS rows of r_session_events (below) into an in-memory table
//     (not timed), then times
//       write:  COPY t TO 'OUT_DIR/duckdb.parquet' (FORMAT parquet, COMPRESSION snappy)
//       read:   SELECT count(*), sum(hash(COLUMNS(*))) FROM read_parquet('OUT_DIR/duckdb.parquet')
//       read2:  SELECT count(*), sum(hash(COLUMNS(c -> c IN ('player_id', 'ts')))) FROM read_parquet(...)
//     and prints {"rows":R,"write_s":W,"read_s":F,"read2_s":P,"file_bytes":B}.
//     The sum of per-column hashes forces DuckDB to decode every value of
//     every (resp. both) column(s) while the result stays one row.
//
//   duckdb_parquet_bench.mjs --read FILE [--columns a,b] [--repeat N]
//     Times the same two reads of any Parquet file (e.g. the one medallion
//     wrote); read2 projects --columns (default: player_id,ts when the file
//     has both, else its first two columns). Prints the same object with
//     "write_s":null.
//
// Every time is the fastest of N runs (default 3), in seconds.
//
// r_session_events, as generated (SPEC.md "Zones and tables"; column order as
// there; row i = 0 .. ROWS-1, in that order; two rows per session):
//   h(x)  = splitmix64 output for seed x, all arithmetic mod 2^64:
//           z = x + 0x9E3779B97F4A7C15; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//           z = (z ^ (z >> 27)) * 0x94D049BB133111EB; h = z ^ (z >> 31)
//   hex16(x) = x as 16 lower-case hex digits, zero-padded
//   s = i / 2 (session number), start row when i is even, end row when odd
//   p = h(7<<40 | s) % 19615                                  (player number)
//   c = p % 246                                               (country number)
//   start = 1478044800 + h(5<<40 | s) % 2592000               (epoch seconds, 2016-11-02 .. +30 days)
//   end   = start + 60 + h(6<<40 | s) % 14400
//   t     = start for a start row, end for an end row
//   country        VARCHAR      chr(65 + c % 26) || chr(65 + c / 26) on start rows, NULL on end rows
//   event          VARCHAR      'start' | 'end'
//   player_id      VARCHAR      hex16(h(3<<40 | p)) || hex16(h(4<<40 | p))            (32 hex digits)
//   session_id     VARCHAR      H = hex16(h(1<<40 | s)) || hex16(h(2<<40 | s)), dashed 8-4-4-4-12
//   ts             TIMESTAMPTZ  t seconds after the epoch (Parquet INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS))
//   DL_INSERT_TS   TIMESTAMPTZ  1704067200 + (t / 86400 - 17107) seconds  (2024-01-01 + one second per event day)
//   DL_UPDATE_TS   TIMESTAMPTZ  same as DL_INSERT_TS
//   EVENT_DATE     DATE         t / 86400 days after 1970-01-01 (Parquet INT32 DATE)
//   UNIQUE_ID_ROW  VARCHAR      event || '-' || session_id
// (x<<40 | y is x * 2^40 + y; / is integer division.) DuckDB writes every
// column OPTIONAL, strings as BYTE_ARRAY UTF8, row groups of 122,880 rows.
import { statSync, rmSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const kUsage = 'usage: duckdb_parquet_bench.mjs ROWS OUT_DIR [--repeat N]\n' +
               '       duckdb_parquet_bench.mjs --read FILE [--columns a,b] [--repeat N]';

function fail(message) {
  process.stderr.write(`duckdb_parquet_bench: ${message}\n`);
  process.exit(1);
}

// @duckdb/node-api lives outside the source tree (scripts/install-peers DIR;
// MEDALLION_PEER_DIR=DIR, default build/peer of this repository).
async function loadDuckDB() {
  const dir = resolve(process.env.MEDALLION_PEER_DIR ??
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'peer'));
  let path;
  try {
    path = createRequire(join(dir, 'package.json')).resolve('@duckdb/node-api');
  } catch {
    process.stderr.write(`duckdb_parquet_bench: @duckdb/node-api is not installed in ${dir}: ` +
      'run scripts/install-peers DIR and set MEDALLION_PEER_DIR=DIR\n');
    process.exit(2);
  }
  return import(pathToFileURL(path).href);
}

function parseArgs(argv) {
  const args = { positional: [], read: null, columns: null, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value\n${kUsage}`);
      return argv[++i];
    };
    if (arg === '--read') args.read = value();
    else if (arg === '--columns') args.columns = value().split(',').filter((c) => c.length > 0);
    else if (arg === '--repeat') args.repeat = Number(value());
    else if (arg.startsWith('--')) fail(`unknown option ${arg}\n${kUsage}`);
    else args.positional.push(arg);
  }
  if (!Number.isInteger(args.repeat) || args.repeat < 1) fail('--repeat needs a positive integer');
  if (args.read === null && args.positional.length !== 2) fail(kUsage);
  if (args.read !== null && args.positional.length !== 0) fail(kUsage);
  return args;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// splitmix64 in SQL (products in UHUGEINT, kept to 64 bits), one step per CTE
// stage so that every step is computed once per value.
const kMask64 = '18446744073709551615';
const kMacros = [
  `CREATE MACRO sm_add(x) AS ((x::UHUGEINT + 11400714819323198485) & ${kMask64})::UBIGINT`,
  `CREATE MACRO sm_mix(z, r, k) AS ((xor(z, z >> r)::UHUGEINT * k) & ${kMask64})::UBIGINT`,
  "CREATE MACRO hex16(x) AS lpad(lower(hex(x)), 16, '0')",
];

// SELECT id, h<key> = h(key<<40 | id) for each key, over range(count).
function hashesSql(count, keys) {
  const cols = (f) => keys.map((key) => f(key)).join(', ');
  return `
  WITH a AS (SELECT id, ${cols((key) => `sm_add(${BigInt(key) << 40n} + id) AS h${key}`)} FROM range(${count}) r(id)),
       b AS (SELECT id, ${cols((key) => `sm_mix(h${key}, 30, 13787848793156543929) AS h${key}`)} FROM a),
       c AS (SELECT id, ${cols((key) => `sm_mix(h${key}, 27, 10723151780598845931) AS h${key}`)} FROM b)
  SELECT id, ${cols((key) => `xor(h${key}, h${key} >> 31) AS h${key}`)} FROM c`;
}

function generateSql(rows) {
  return `
CREATE TABLE t AS
WITH sessions AS (${hashesSql(Math.ceil(rows / 2), [1, 2, 5, 6, 7])}
), players AS (${hashesSql(19615, [3, 4])}
), shaped AS (
  SELECT i, i % 2 = 0 AS is_start, p.id % 246 AS c,
         (1478044800 + s.h5 % 2592000 + CASE WHEN i % 2 = 0 THEN 0 ELSE 60 + s.h6 % 14400 END)::BIGINT AS t_s,
         hex16(p.h3) || hex16(p.h4) AS player_id,
         hex16(s.h1) || hex16(s.h2) AS session_hex
  FROM range(${rows}) r(i)
  JOIN sessions s ON s.id = i // 2
  JOIN players p ON p.id = s.h7 % 19615
), named AS (
  SELECT *, substr(session_hex, 1, 8) || '-' || substr(session_hex, 9, 4) || '-' || substr(session_hex, 13, 4) || '-' ||
            substr(session_hex, 17, 4) || '-' || substr(session_hex, 21, 12) AS session_id
  FROM shaped
)
SELECT
  CASE WHEN is_start THEN chr((65 + c % 26)::INTEGER) || chr((65 + c // 26)::INTEGER) END AS country,
  CASE WHEN is_start THEN 'start' ELSE 'end' END AS event,
  player_id,
  session_id,
  to_timestamp(t_s) AS ts,
  to_timestamp(1704067200 + (t_s // 86400 - 17107)) AS DL_INSERT_TS,
  to_timestamp(1704067200 + (t_s // 86400 - 17107)) AS DL_UPDATE_TS,
  (DATE '1970-01-01' + (t_s // 86400)::INTEGER)::DATE AS EVENT_DATE,
  (CASE WHEN is_start THEN 'start' ELSE 'end' END) || '-' || session_id AS UNIQUE_ID_ROW
FROM named
ORDER BY i`;
}

async function best(repeat, fn) {
  let min = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, (performance.now() - t0) / 1000);
  }
  return Number(min.toFixed(6));
}

async function timeReads(connection, file, columns, repeat) {
  const source = `read_parquet(${sqlString(file)}, hive_partitioning = false, binary_as_string = false)`;
  const names = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`))
    .getRowObjectsJS().map((row) => row.column_name);
  let projected = columns;
  if (projected === null) {
    projected = names.includes('player_id') && names.includes('ts') ? ['player_id', 'ts'] : names.slice(0, 2);
  }
  for (const c of projected) if (!names.includes(c)) fail(`${file}: no column '${c}'`);
  const fullSql = `SELECT count(*), sum(hash(COLUMNS(*))) FROM ${source}`;
  const projectedSql = `SELECT count(*), sum(hash(COLUMNS(c -> c IN (${projected.map(sqlString).join(', ')})))) FROM ${source}`;
  let rows = null;
  const read_s = await best(repeat, async () => {
    const reader = await connection.runAndReadAll(fullSql);
    rows = Number(reader.getRowsJS()[0][0]);
  });
  const read2_s = await best(repeat, () => connection.run(projectedSql));
  return { rows, read_s, read2_s };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { DuckDBInstance } = await loadDuckDB();
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  await connection.run('SET threads = 1');

  if (args.read !== null) {
    const { rows, read_s, read2_s } = await timeReads(connection, args.read, args.columns, args.repeat);
    process.stdout.write(`${JSON.stringify({ rows, write_s: null, read_s, read2_s,
      file_bytes: statSync(args.read).size })}\n`);
    return;
  }

  const [rowsText, outDir] = args.positional;
  if (!/^[0-9]+$/.test(rowsText)) fail(`ROWS must be a non-negative integer, got '${rowsText}'`);
  const rows = Number(rowsText);
  mkdirSync(outDir, { recursive: true });
  const file = resolve(outDir, 'duckdb.parquet');
  for (const sql of kMacros) await connection.run(sql);
  await connection.run(generateSql(rows));
  const write_s = await best(args.repeat, async () => {
    rmSync(file, { force: true });
    await connection.run(`COPY t TO ${sqlString(file)} (FORMAT parquet, COMPRESSION snappy)`);
  });
  const reads = await timeReads(connection, file, args.columns, args.repeat);
  if (reads.rows !== rows) fail(`read back ${reads.rows} rows, wrote ${rows}`);
  process.stdout.write(`${JSON.stringify({ rows, write_s, read_s: reads.read_s, read2_s: reads.read2_s,
    file_bytes: statSync(file).size })}\n`);
}

main().catch((error) => fail(error.message.split('\n')[0]));
