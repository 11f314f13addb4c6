#!/usr/bin/env node
// duckdb_cat.mjs FILE [--limit N] [--columns a,b]
//
// The independent peer of `medallion parquet cat`: reads a Parquet file with
// DuckDB (@duckdb/node-api, one thread, binary_as_string=false,
// hive_partitioning=false) and prints one JSON line per row, rendered by the
// rules of shared/testdata/parquet/MANIFEST.json ("rendering_convention" and
// "digest"): keys in schema order, no whitespace, 64-bit integers beyond
// +-(2^53-1) as strings, FLOAT as the shortest binary32 digits, DOUBLE as
// JavaScript prints it, NaN/Infinity as strings, -0 as -0.0, DECIMAL as exact
// strings, binary as lower-case hex, dates and timestamps as ISO text, MAP as
// [[key, value], ...], STRUCT as an object.
//
// DuckDB's own column types decide most renderings. Where they are not enough
// (a DuckDB TIMESTAMP can be a Parquet timestamp_ntz, rendered without 'Z', or
// a legacy TIMESTAMP_MILLIS/MICROS or INT96, rendered with 'Z'; NANOS units
// print 9 digits) the Parquet schema from DuckDB's parquet_schema() decides:
// the Parquet leaves of a top-level column and the leaves of its DuckDB type
// correspond one to one, in depth-first order.
//
// --columns a,b keeps those top-level columns, in schema order (an unknown
// name is an error). --limit N prints the first N rows.
//
// Known limits (inherited from DuckDB 1.5.6): INT96 values whose
// nanos-of-day are negative (Spark's overflow artefact) come out as DuckDB
// decodes them, not as Spark does (see MANIFEST value_overrides). Untested,
// as no fixture has them: a UTC TIMESTAMP(NANOS) column, which DuckDB may read
// as TIMESTAMP WITH TIME ZONE (microseconds: the last 3 of 9 digits print as
// 000), and DECIMAL wider than 38 digits, which DuckDB reads as DOUBLE.
//
// Exit status: 0 on success, 1 with "duckdb_cat: ..." on stderr on any error
// (unreadable or malformed file, unknown column, bad arguments).
//
// @duckdb/node-api is installed outside the source tree by
// `scripts/install-peers DIR`; point MEDALLION_PEER_DIR at DIR (default:
// build/peer of this repository).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

async function loadDuckDB() {
  const dir = resolve(process.env.MEDALLION_PEER_DIR ??
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'peer'));
  let path;
  try {
    path = createRequire(join(dir, 'package.json')).resolve('@duckdb/node-api');
  } catch {
    process.stderr.write(`duckdb_cat: @duckdb/node-api is not installed in ${dir}: ` +
      'run scripts/install-peers DIR and set MEDALLION_PEER_DIR=DIR\n');
    process.exit(2);
  }
  return import(pathToFileURL(path).href);
}
const { DuckDBInstance, DuckDBTypeId } = await loadDuckDB();

const kUsage = 'usage: duckdb_cat.mjs FILE [--limit N] [--columns a,b]';

function fail(message) {
  process.stderr.write(`duckdb_cat: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { file: null, limit: null, columns: null };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value = null;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== null) return value;
      if (i + 1 >= argv.length) fail(`${arg} needs a value\n${kUsage}`);
      return argv[++i];
    };
    if (arg === '--limit') {
      const text = takeValue();
      if (!/^[0-9]+$/.test(text)) fail(`--limit needs a non-negative integer, got '${text}'`);
      args.limit = Number(text);
    } else if (arg === '--columns') {
      args.columns = takeValue().split(',').filter((c) => c.length > 0);
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${kUsage}\n`);
      process.exit(0);
    } else if (arg.startsWith('--')) {
      fail(`unknown option ${arg}\n${kUsage}`);
    } else if (args.file === null) {
      args.file = arg;
    } else {
      fail(`more than one FILE given\n${kUsage}`);
    }
  }
  if (args.file === null) fail(kUsage);
  return args;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const sqlIdent = (s) => `"${s.replaceAll('"', '""')}"`;

// ---------------------------------------------------------------------------
// Numbers

const kMaxSafe = 9007199254740991n;

function renderBigInt(v) {
  return v > kMaxSafe || v < -kMaxSafe ? `"${v}"` : v.toString();
}

function renderSpecialFloat(v) {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (v === 0 && Object.is(v, -0)) return '-0.0';
  return null;
}

// DOUBLE: ECMAScript's Number.prototype.toString is exactly the shortest
// round-trip digits in the convention's layout.
function renderDouble(v) {
  return renderSpecialFloat(v) ?? String(v);
}

const kFloatBuffer = new DataView(new ArrayBuffer(4));
const pow10Cache = [];
const pow10 = (n) => (pow10Cache[n] ??= 10n ** BigInt(n));

// FLOAT: the shortest decimal that rounds (to nearest, ties to even) back to
// the same binary32 value; among equally short ones the nearest to it (the
// digits std::to_chars(float) gives). Computed exactly with BigInt, then laid
// out by Number.prototype.toString: a decimal of at most 9 significant digits
// converts to the double nearest to it, which prints back with the same digits.
function renderFloat(v) {
  const special = renderSpecialFloat(v);
  if (special !== null) return special;
  if (v === 0) return '0';
  kFloatBuffer.setFloat32(0, Math.abs(v));
  const bits = kFloatBuffer.getUint32(0);
  const biased = bits >>> 23;
  const fraction = bits & 0x7fffff;
  // |v| = m * 2^e. In units of 2^shift (shift = e - 2) the value is 4m and its
  // rounding interval reaches 2 units up and 2 units down (1 unit down when m
  // is the smallest mantissa of a binade above the first: the gap below is
  // half as wide). The interval's ends belong to it when m is even.
  const m = BigInt(biased === 0 ? fraction : fraction | 0x800000);
  const shift = (biased === 0 ? -149 : biased - 150) - 2;
  const below = biased > 1 && fraction === 0 ? 1n : 2n;
  const inclusive = (m & 1n) === 0n;
  const decimalExponent = Math.floor(Math.log10(Math.abs(v)));
  for (let digits = 1; digits <= 9; digits++) {
    let best = null;
    for (let k = decimalExponent - 1; k <= decimalExponent + 1; k++) {
      // candidates d * 10^q, d with `digits` digits; everything is scaled by
      // 2^max(0,-shift) * 10^max(0,-q) to make it an integer.
      const q = k - digits + 1;
      const tenScale = q < 0 ? pow10(-q) : 1n;
      const twoScale = shift < 0 ? 1n << BigInt(-shift) : 1n;
      const unit = (shift >= 0 ? 1n << BigInt(shift) : 1n) * tenScale; // 2^shift
      const value = 4n * m * unit;
      const step = (q >= 0 ? pow10(q) : 1n) * twoScale; // 10^q
      const lo = value - below * unit;
      const hi = value + 2n * unit;
      const floor = value / step;
      for (const d of [floor, floor + 1n]) {
        if (d <= 0n || d.toString().length !== digits) continue;
        const x = d * step;
        if (inclusive ? x < lo || x > hi : x <= lo || x >= hi) continue;
        // distances compared across scales as fractions of `value`; a tie
        // (the value exactly halfway) goes to the even last digit
        const distance = x > value ? x - value : value - x;
        const order = best === null ? -1n : distance * best.value - best.distance * value;
        if (order < 0n || (order === 0n && (d & 1n) === 0n)) {
          best = { d, q, distance, value };
        }
      }
    }
    if (best !== null) {
      const text = String(Number(`${best.d}e${best.q}`));
      return v < 0 ? `-${text}` : text;
    }
  }
  return String(v); // unreachable: 9 significant digits identify every binary32 value
}

// ---------------------------------------------------------------------------
// Calendar

// Proleptic Gregorian civil date from days since 1970-01-01 (H. Hinnant's
// well-known algorithm, exact for any safe integer day count).
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

const pad = (n, width) => String(n).padStart(width, '0');

function renderYear(year) {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return (year < 0 ? '-' : '+') + pad(Math.abs(year), 4);
}

function dateText(days) {
  const [y, m, d] = civilFromDays(days);
  return `${renderYear(y)}-${pad(m, 2)}-${pad(d, 2)}`;
}

// ticks since the epoch at `perSecond` ticks per second, printed with
// `fractionDigits` digits (the ticks are scaled to that resolution).
function timestampText(ticks, perSecond, fractionDigits, zone) {
  const perDay = 86400n * perSecond;
  let days = ticks / perDay;
  let rest = ticks % perDay;
  if (rest < 0n) {
    rest += perDay;
    days -= 1n;
  }
  const seconds = rest / perSecond;
  const fraction = rest % perSecond;
  const target = 10n ** BigInt(fractionDigits);
  const scaledFraction = perSecond <= target ? fraction * (target / perSecond) : fraction / (perSecond / target);
  const s = Number(seconds);
  return `${dateText(Number(days))}T${timeOfDay(s)}.${pad(scaledFraction, fractionDigits)}${zone ? 'Z' : ''}`;
}

function timeOfDay(s) {
  return `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
}

function timeText(ticks, perSecond, fractionDigits) {
  const seconds = ticks / perSecond;
  const fraction = ticks % perSecond;
  const target = 10n ** BigInt(fractionDigits);
  const scaledFraction = perSecond <= target ? fraction * (target / perSecond) : fraction / (perSecond / target);
  return `${timeOfDay(Number(seconds))}.${pad(scaledFraction, fractionDigits)}`;
}

// ---------------------------------------------------------------------------
// Parquet schema (from DuckDB's parquet_schema())

async function readParquetSchema(connection, file) {
  const reader = await connection.runAndReadAll(
    `SELECT name, type, repetition_type, num_children, converted_type, logical_type
       FROM parquet_schema(${sqlString(file)})`);
  const rows = reader.getRowObjectsJS();
  let next = 0;
  const build = () => {
    if (next >= rows.length) throw new Error('parquet_schema() ended inside a group');
    const row = rows[next++];
    const node = {
      name: row.name,
      physical: row.type,
      repetition: row.repetition_type,
      converted: row.converted_type,
      logical: row.logical_type ?? '',
      children: [],
    };
    const count = row.num_children === null ? 0 : Number(row.num_children);
    for (let i = 0; i < count; i++) node.children.push(build());
    return node;
  };
  const root = build();
  return root.children;
}

function parquetLeaves(node, out = []) {
  if (node.children.length === 0) {
    if (node.physical !== null) out.push(node);
  } else {
    for (const child of node.children) parquetLeaves(child, out);
  }
  return out;
}

// What a TIMESTAMP-like leaf needs from the Parquet schema.
function timestampInfo(leaf) {
  if (leaf === null) return { zone: true, nanos: false };
  const logical = leaf.logical;
  const m = /TimestampType\(isAdjustedToUTC=([01])/.exec(logical);
  const nanos = /NANOS=NanoSeconds/.test(logical);
  if (m) return { zone: m[1] === '1', nanos };
  // legacy converted types TIMESTAMP_MILLIS/MICROS and INT96: UTC instants
  return { zone: true, nanos: false };
}

function timeInfo(leaf) {
  if (leaf === null) return { nanos: false };
  return { nanos: /NANOS=NanoSeconds/.test(leaf.logical) };
}

// ---------------------------------------------------------------------------
// Renderers: one compiled function per DuckDB type, value -> JSON text.

function makeRenderer(type, leaves, warnings, path) {
  const nextLeaf = () => {
    if (leaves === null) return null;
    if (leaves.length === 0) {
      warnings.push(`${path}: more DuckDB leaves than Parquet leaves; using DuckDB types alone`);
      return null;
    }
    return leaves.shift();
  };
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      nextLeaf();
      return (v) => (v ? 'true' : 'false');
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
      nextLeaf();
      return (v) => String(v);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      nextLeaf();
      return (v) => renderBigInt(BigInt(v));
    case DuckDBTypeId.FLOAT:
      nextLeaf();
      return renderFloat;
    case DuckDBTypeId.DOUBLE:
      nextLeaf();
      return renderDouble;
    case DuckDBTypeId.DECIMAL: {
      nextLeaf();
      const scale = type.scale;
      return (v) => {
        const negative = v.value < 0n;
        let digits = (negative ? -v.value : v.value).toString();
        if (scale > 0) {
          digits = digits.padStart(scale + 1, '0');
          digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
        }
        return `"${negative ? '-' : ''}${digits}"`;
      };
    }
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      nextLeaf();
      return (v) => JSON.stringify(String(v));
    case DuckDBTypeId.BLOB:
      nextLeaf();
      return (v) => `"${Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength).toString('hex')}"`;
    case DuckDBTypeId.UUID:
      nextLeaf();
      return (v) => `"${v.toString()}"`;
    case DuckDBTypeId.DATE:
      nextLeaf();
      return (v) => `"${dateText(v.days)}"`;
    case DuckDBTypeId.TIMESTAMP_TZ: {
      const info = timestampInfo(nextLeaf());
      return (v) => `"${timestampText(v.micros, 1000000n, info.nanos ? 9 : 6, true)}"`;
    }
    case DuckDBTypeId.TIMESTAMP: {
      const info = timestampInfo(nextLeaf());
      return (v) => `"${timestampText(v.micros, 1000000n, info.nanos ? 9 : 6, info.zone)}"`;
    }
    case DuckDBTypeId.TIMESTAMP_NS: {
      const info = timestampInfo(nextLeaf());
      return (v) => `"${timestampText(v.nanos, 1000000000n, 9, info.zone)}"`;
    }
    case DuckDBTypeId.TIMESTAMP_MS: {
      const info = timestampInfo(nextLeaf());
      return (v) => `"${timestampText(v.millis, 1000n, 6, info.zone)}"`;
    }
    case DuckDBTypeId.TIMESTAMP_S: {
      const info = timestampInfo(nextLeaf());
      return (v) => `"${timestampText(v.seconds, 1n, 6, info.zone)}"`;
    }
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ: {
      const info = timeInfo(nextLeaf());
      return (v) => `"${timeText(BigInt(v.micros), 1000000n, info.nanos ? 9 : 6)}"`;
    }
    case DuckDBTypeId.TIME_NS:
      nextLeaf();
      return (v) => `"${timeText(BigInt(v.nanos), 1000000000n, 9)}"`;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const item = makeRenderer(type.valueType, leaves, warnings, `${path}[]`);
      return (v) => `[${v.items.map((x) => (x === null ? 'null' : item(x))).join(',')}]`;
    }
    case DuckDBTypeId.STRUCT: {
      const names = type.entryNames;
      const parts = names.map((name, i) => ({
        name,
        key: `${JSON.stringify(name)}:`,
        render: makeRenderer(type.entryTypes[i], leaves, warnings, `${path}.${name}`),
      }));
      return (v) => {
        const out = [];
        for (const p of parts) {
          const x = v.entries[p.name];
          out.push(p.key + (x === null || x === undefined ? 'null' : p.render(x)));
        }
        return `{${out.join(',')}}`;
      };
    }
    case DuckDBTypeId.MAP: {
      const key = makeRenderer(type.keyType, leaves, warnings, `${path}.key`);
      const value = makeRenderer(type.valueType, leaves, warnings, `${path}.value`);
      return (v) => `[${v.entries.map((e) =>
        `[${e.key === null ? 'null' : key(e.key)},${e.value === null ? 'null' : value(e.value)}]`).join(',')}]`;
    }
    default:
      nextLeaf();
      warnings.push(`${path}: DuckDB type ${type.toString()} has no rule in the convention; printed as a string`);
      return (v) => JSON.stringify(String(v));
  }
}

// ---------------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));

async function main() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  await connection.run('SET threads = 1');

  const topLevel = await readParquetSchema(connection, args.file);
  const source = `read_parquet(${sqlString(args.file)}, hive_partitioning = false, binary_as_string = false)`;

  let selected = topLevel;
  if (args.columns !== null) {
    const wanted = new Set(args.columns);
    for (const name of wanted) {
      if (!topLevel.some((c) => c.name === name)) {
        fail(`${args.file}: no top-level column '${name}' (columns: ${topLevel.map((c) => c.name).join(', ')})`);
      }
    }
    selected = topLevel.filter((c) => wanted.has(c.name));
  }
  const selectList = args.columns === null ? '*' : selected.map((c) => sqlIdent(c.name)).join(', ');
  const limit = args.limit === null ? '' : ` LIMIT ${args.limit}`;
  const result = await connection.stream(`SELECT ${selectList} FROM ${source}${limit}`);

  const warnings = [];
  const columnCount = result.columnCount;
  const names = result.columnNames();
  const types = result.columnTypes();
  if (names.length !== selected.length) {
    warnings.push(`DuckDB returned ${names.length} columns, the Parquet schema has ${selected.length}; using DuckDB types alone`);
  }
  const renderers = [];
  for (let c = 0; c < columnCount; c++) {
    const node = names.length === selected.length && selected[c].name === names[c] ? selected[c] : null;
    const leaves = node === null ? null : parquetLeaves(node);
    renderers.push({
      key: `${JSON.stringify(names[c])}:`,
      render: makeRenderer(types[c], leaves, warnings, names[c]),
    });
    if (leaves !== null && leaves.length !== 0) {
      warnings.push(`${names[c]}: ${leaves.length} Parquet leaves left over; renderings may ignore the Parquet schema`);
    }
  }
  for (const w of warnings) process.stderr.write(`duckdb_cat: warning: ${w}\n`);

  const out = [];
  let outLength = 0;
  const flush = async () => {
    if (out.length === 0) return;
    const text = out.join('');
    out.length = 0;
    outLength = 0;
    if (!process.stdout.write(text)) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      const fields = new Array(columnCount);
      for (let c = 0; c < columnCount; c++) {
        const v = row[c];
        fields[c] = renderers[c].key + (v === null ? 'null' : renderers[c].render(v));
      }
      const line = `{${fields.join(',')}}\n`;
      out.push(line);
      outLength += line.length;
      if (outLength > 1 << 20) await flush();
    }
  }
  await flush();
}

process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  fail(error.message);
});

main().catch((error) => fail(`${args.file}: ${error.message.split('\n')[0]}`));
