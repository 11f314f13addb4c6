#!/usr/bin/env node
// pipeline_duckdb.mjs SPEC.json
//
// DuckDB's side of tests/integration/pipeline_duckdb_test.py: reads a Delta
// table's live data files, given as a list, with one read_parquet() and
// prints its rows, so that they can be compared with `medallion delta cat`.
//
// SPEC.json: {"files": [{"path": ABSOLUTE, "partitionValues": {COL: TEXT|null}}],
//             "partitionColumns": [[COL, DUCKDB_TYPE], ...]}
// The partition columns are not stored in the files (Delta keeps them in the
// log); DuckDB gets them from the spec, joined on the file name, and casts
// the partition-value text to the column's type itself.
//
// Output: a first line {"columns": [[NAME, DUCKDB_TYPE], ...]}, then one JSON
// array per row in that column order. Values are made comparable, not
// pretty: timestamps (any unit, with or without time zone) as the decimal
// text of microseconds since the epoch, 64-bit integers as decimal text,
// dates as YYYY-MM-DD, strings as JSON strings, NULL as null.
//
// DuckDB runs with one thread, hive_partitioning=false (the partition
// columns come from the Delta log, never from the path) and
// binary_as_string=false. @duckdb/node-api comes from MEDALLION_PEER_DIR
// (scripts/install-peers DIR). Errors exit 1 with "pipeline_duckdb: ...".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function fail(message) {
  process.stderr.write(`pipeline_duckdb: ${message}\n`);
  process.exit(1);
}

if (process.argv.length !== 3) fail('usage: pipeline_duckdb.mjs SPEC.json');
if (!process.env.MEDALLION_PEER_DIR) {
  fail('MEDALLION_PEER_DIR must name the directory of scripts/install-peers DIR');
}
const peerDir = resolve(process.env.MEDALLION_PEER_DIR);
let modulePath;
try {
  modulePath = createRequire(join(peerDir, 'package.json')).resolve('@duckdb/node-api');
} catch {
  fail(`@duckdb/node-api is not installed in ${peerDir}: run scripts/install-peers ${peerDir}`);
}
const { DuckDBInstance, DuckDBTypeId } = await import(pathToFileURL(modulePath).href);

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;
const sqlIdent = (s) => `"${String(s).replaceAll('"', '""')}"`;

const kPerDay = 86400000;
const pad = (n, width) => String(n).padStart(width, '0');
function dateText(days) {
  const d = new Date(days * kPerDay);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

function renderer(type) {
  switch (type.typeId) {
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (v) => v.micros.toString();
    case DuckDBTypeId.TIMESTAMP_MS:
      return (v) => (BigInt(v.millis) * 1000n).toString();
    case DuckDBTypeId.TIMESTAMP_S:
      return (v) => (BigInt(v.seconds) * 1000000n).toString();
    case DuckDBTypeId.TIMESTAMP_NS: {
      return (v) => {
        const nanos = BigInt(v.nanos);
        if (nanos % 1000n !== 0n) fail(`a TIMESTAMP_NS value ${nanos} is not whole microseconds`);
        return (nanos / 1000n).toString();
      };
    }
    case DuckDBTypeId.DATE:
      return (v) => dateText(v.days);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
      return (v) => BigInt(v).toString();
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return (v) => v;
    case DuckDBTypeId.VARCHAR:
      return (v) => String(v);
    default:
      fail(`no rendering for DuckDB type ${type.toString()}: extend pipeline_duckdb.mjs`);
  }
  return null;
}

async function main() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  if (spec.files.length === 0) fail('no files in the spec');

  const list = `[${spec.files.map((f) => sqlString(f.path)).join(', ')}]`;
  const source = `read_parquet(${list}, filename = true, hive_partitioning = false, ` +
    'binary_as_string = false, union_by_name = false)';
  let query = `SELECT * EXCLUDE (filename) FROM ${source}`;
  const partitions = spec.partitionColumns;
  if (partitions.length > 0) {
    const rows = spec.files.map((f) => `(${[f.path, ...partitions.map(([name]) => {
      const value = f.partitionValues[name];
      if (value === undefined) fail(`${f.path}: no partition value for ${name}`);
      return value;
    })].map((v) => (v === null ? 'NULL' : sqlString(v))).join(', ')})`);
    const columns = ['file', ...partitions.map(([name]) => name)];
    await connection.run(
      `CREATE TEMP TABLE parts(${columns.map((n) => `${sqlIdent(n)} VARCHAR`).join(', ')})`);
    await connection.run(`INSERT INTO parts VALUES ${rows.join(', ')}`);
    const casts = partitions.map(([name, type]) =>
      `CAST(p.${sqlIdent(name)} AS ${type}) AS ${sqlIdent(name)}`).join(', ');
    // An inner join would drop the rows of a file the spec failed to map;
    // the left join keeps them, with NULL partitions that fail the comparison.
    query = `SELECT t.* EXCLUDE (filename), ${casts} FROM ${source} t ` +
      'LEFT JOIN parts p ON t.filename = p."file"';
  }

  const result = await connection.stream(query);
  const names = result.columnNames();
  const types = result.columnTypes();
  const renderers = types.map(renderer);
  const out = [`${JSON.stringify({ columns: names.map((n, i) => [n, types[i].toString()]) })}\n`];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      out.push(`${JSON.stringify(row.map((v, c) => (v === null ? null : renderers[c](v))))}\n`);
    }
  }
  process.stdout.write(out.join(''));
}

main().catch((error) => fail(error.message.split('\n')[0]));
