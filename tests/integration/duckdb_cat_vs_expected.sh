#!/usr/bin/env bash
# Validates the DuckDB peer (tests/peer/duckdb_cat.mjs) against the expected
# outputs of ../shared/testdata/parquet: for every file of MANIFEST.json the
# peer's rows must equal expected/<file>.jsonl byte for byte (all rows, or the
# first rows plus the SHA-256 digest of all rows for sampled files), and the
# files whose expected outcome is an error must make it fail cleanly. Values
# listed in a file's "value_overrides" (where the expected output deliberately
# differs from DuckDB) are accepted in DuckDB's form.
#   duckdb_cat_vs_expected.sh PEER_DIR
# PEER_DIR is where scripts/install-peers installed @duckdb/node-api.
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: duckdb_cat_vs_expected.sh PEER_DIR" >&2
  exit 2
fi
peer_dir=$1
source_dir=${MEDALLION_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
testdata=${MEDALLION_PARQUET_TESTDATA:-$source_dir/../shared/testdata/parquet}

if [[ ! -d "$peer_dir/node_modules/@duckdb/node-api" ]]; then
  echo "FAIL: @duckdb/node-api is not installed in $peer_dir." >&2
  echo "      Run: scripts/install-peers $peer_dir   (make test does this before ctest)" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "FAIL: node is not installed. Run: scripts/install-peers $peer_dir" >&2
  exit 1
fi
if [[ ! -f "$testdata/MANIFEST.json" ]]; then
  echo "FAIL: no $testdata/MANIFEST.json (shared/ must sit beside the repository)" >&2
  exit 1
fi

MEDALLION_PEER_DIR=$(cd "$peer_dir" && pwd)
export MEDALLION_PEER_DIR
exec /usr/bin/python3 - "$source_dir/tests/peer/duckdb_cat.mjs" "$testdata" <<'PY'
import hashlib, json, os, subprocess, sys, tempfile

script, testdata = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(testdata, "MANIFEST.json")))

def cat(path, *args):
    return subprocess.run(["node", script, path, *args], capture_output=True, timeout=240)

def apply_overrides(lines, overrides, name, notes):
    for o in overrides or []:
        row, col = o["row"], o["column"]
        ours = '"%s":%s' % (col, json.dumps(o["duckdb_value"]))
        theirs = '"%s":%s' % (col, json.dumps(o["value"]))
        if row < len(lines) and lines[row].count(ours) == 1:
            lines[row] = lines[row].replace(ours, theirs)
            notes.append(f"{name}: row {row} column {col}: accepted DuckDB's {o['duckdb_value']} "
                         f"for the expected {o['value']} (value_overrides)")

failures, notes, passed = [], [], 0
for entry in manifest["files"]:
    path = os.path.join(testdata, entry["file"])
    name = os.path.basename(path)
    expected_lines = open(os.path.join(testdata, entry["expected"]), "rb").read().decode("utf-8").split("\n")
    assert expected_lines[-1] == "", f"{name}: expected file does not end with a newline"
    expected_lines.pop()
    header = json.loads(expected_lines[0])
    run = cat(path)
    if header["rows"] == "none":
        if run.returncode == 0 or run.stdout:
            failures.append(f"{name}: expected an error, got exit {run.returncode} and {len(run.stdout)} bytes")
        else:
            passed += 1
        continue
    if run.returncode != 0:
        failures.append(f"{name}: exit {run.returncode}: {run.stderr.decode(errors='replace').strip()}")
        continue
    lines = run.stdout.decode("utf-8").split("\n")
    if lines[-1] != "":
        failures.append(f"{name}: output does not end with a newline")
        continue
    lines.pop()
    apply_overrides(lines, header.get("value_overrides"), name, notes)
    rows = expected_lines[1:1 + header["row_lines"]]
    problems = []
    if header["rows"] == "all" and len(lines) != len(rows):
        problems.append(f"{len(lines)} rows, expected {len(rows)}")
    for i, (got, want) in enumerate(zip(lines, rows)):
        if got != want:
            problems.append(f"row {i} differs:\n      got  {got[:400]}\n      want {want[:400]}")
            break
    digest = hashlib.sha256("".join(l + "\n" for l in lines).encode("utf-8")).hexdigest()
    if len(lines) != header["num_rows"]:
        problems.append(f"{len(lines)} rows, the footer says {header['num_rows']}")
    if digest != header["rows_sha256"]:
        problems.append(f"SHA-256 of all rows {digest}, expected {header['rows_sha256']}")
    if problems:
        failures.append(f"{name}: " + "; ".join(problems))
    else:
        passed += 1

# --columns (kept in schema order) and --limit against the same expected rows.
entry = "alltypes_plain.parquet"
run = cat(os.path.join(testdata, "files", entry), "--columns", "string_col,id", "--limit", "3")
want = []
for line in open(os.path.join(testdata, "expected", entry + ".jsonl"), encoding="utf-8").read().split("\n")[1:4]:
    row = json.loads(line)
    want.append(json.dumps({"id": row["id"], "string_col": row["string_col"]}, separators=(",", ":")))
got = run.stdout.decode().split("\n")[:-1]
if run.returncode != 0 or got != want:
    failures.append(f"--columns/--limit on {entry}: got {got!r} (exit {run.returncode}), want {want!r}")
else:
    passed += 1
run = cat(os.path.join(testdata, "files", entry), "--columns", "no_such_column")
if run.returncode == 0 or b"no_such_column" not in run.stderr:
    failures.append(f"--columns with an unknown name: exit {run.returncode}, stderr {run.stderr!r}")
else:
    passed += 1

# Types the shared fixtures do not cover (64-bit integers beyond 2^53, -0,
# NaN, infinities, extreme floats, years outside 0000..9999, TIME, UUID,
# TIMESTAMP_NS, timestamp_ntz vs UTC, control characters): a file written by
# DuckDB itself, rendered by hand from the convention's rules.
edge_sql = r"""COPY (SELECT * FROM (VALUES
 (1, -1::TINYINT, 18446744073709551615::UBIGINT, 9007199254740993::BIGINT, -9007199254740991::BIGINT,
  '-0.0'::FLOAT, '-0.0'::DOUBLE, -0.0000000005::DECIMAL(38,10), DATE '0001-01-01' - 366, DATE '0001-01-01' - 367,
  TIMESTAMP '2020-01-02 03:04:05.123456', TIMESTAMPTZ '1969-12-31 23:59:59.999999+00',
  TIMESTAMP_NS '2020-01-02 03:04:05.123456789', TIMESTAMP_MS '2020-01-02 03:04:05.123',
  TIME '12:34:56.789012', '0a0b0c0d-0000-4000-8000-00000000ffff'::UUID, '\x00\xFFa'::BLOB,
  chr(1) || chr(9) || '"/\' || chr(233) || chr(8232) || chr(127),
  [1, NULL, 3], MAP {'k': NULL, 'j': 2}, {'a': NULL, 'b': [NULL]}, 1.5e-7::FLOAT, 1e21::DOUBLE, 7::DECIMAL(4,0)),
 (2, 127::TINYINT, 0::UBIGINT, -9223372036854775807::BIGINT - 1, 9007199254740991::BIGINT,
  'NaN'::FLOAT, '-inf'::DOUBLE, 12345.6789012345::DECIMAL(38,10), DATE '9999-12-31' + 1, DATE '1970-01-01',
  TIMESTAMP '0001-01-01 00:00:00', TIMESTAMPTZ '2016-11-02 00:00:00+00',
  TIMESTAMP_NS '1677-09-22 00:00:00.000000001', TIMESTAMP_MS '1900-01-01 00:00:00.001',
  TIME '00:00:00', NULL, ''::BLOB, '', [], MAP {}, NULL, 3.4028235e38::FLOAT, 5e-324::DOUBLE, -7::DECIMAL(4,0))
) t(id, i8, u64, big, safe, f, d, dec, dt, dt2, ts, tstz, tsns, tsms, tm, u, bl, s, l, m, st, f2, d2, dec0))
TO '{path}' (FORMAT parquet)"""
edge_want = [
    '{"id":1,"i8":-1,"u64":"18446744073709551615","big":"9007199254740993","safe":-9007199254740991,'
    '"f":-0.0,"d":-0.0,"dec":"-0.0000000005","dt":"0000-01-01","dt2":"-0001-12-31",'
    '"ts":"2020-01-02T03:04:05.123456","tstz":"1969-12-31T23:59:59.999999Z",'
    '"tsns":"2020-01-02T03:04:05.123456789","tsms":"2020-01-02T03:04:05.123000","tm":"12:34:56.789012",'
    '"u":"0a0b0c0d-0000-4000-8000-00000000ffff","bl":"00ff61","s":"\\u0001\\t\\"/\\\\\u00e9\u2028\x7f",'
    '"l":[1,null,3],"m":[["k",null],["j",2]],"st":{"a":null,"b":[null]},"f2":1.5e-7,"d2":1e+21,"dec0":"7"}',
    '{"id":2,"i8":127,"u64":0,"big":"-9223372036854775808","safe":9007199254740991,'
    '"f":"NaN","d":"-Infinity","dec":"12345.6789012345","dt":"+10000-01-01","dt2":"1970-01-01",'
    '"ts":"0001-01-01T00:00:00.000000","tstz":"2016-11-02T00:00:00.000000Z",'
    '"tsns":"1677-09-22T00:00:00.000000001","tsms":"1900-01-01T00:00:00.001000","tm":"00:00:00.000000",'
    '"u":null,"bl":"","s":"","l":[],"m":[],"st":null,"f2":3.4028235e+38,"d2":5e-324,"dec0":"-7"}',
]
with tempfile.TemporaryDirectory() as tmp:
    edge = os.path.join(tmp, "edge.parquet")
    writer = subprocess.run(["node", "--input-type=module", "-e", """
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const path = createRequire(join(process.env.MEDALLION_PEER_DIR, 'package.json')).resolve('@duckdb/node-api');
const { DuckDBInstance } = await import(pathToFileURL(path).href);
const connection = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
await connection.run(process.argv[1]);
""", edge_sql.replace("{path}", edge)], capture_output=True, timeout=120)
    run = cat(edge)
    got = run.stdout.decode("utf-8").split("\n")[:-1]
    if writer.returncode != 0 or run.returncode != 0 or got != edge_want:
        failures.append(f"edge-case file: writer {writer.stderr!r}, exit {run.returncode} {run.stderr!r}\n"
                        + "".join(f"      got  {g}\n      want {w}\n" for g, w in zip(got, edge_want) if g != w))
    else:
        passed += 1

for n in notes:
    print("note:", n)
for f in failures:
    print("FAIL:", f)
print(f"duckdb_cat: {passed} checks agree with the expected files, {len(failures)} do not")
sys.exit(1 if failures else 0)
PY
