"""Issue 8's interop: the live data files of the lake's tables, read by
DuckDB (npm @duckdb/node-api, an independent Parquet reader), give the same
rows as `medallion delta cat`.

One `medallion up --no-serve` on a small generated source (5,000 events,
--dirty 0.01, so the quarantine has rows; `[stream] max_files_per_trigger =
2` so the gold table is merged in many batches and files it rewrote are
still on disk beside the live ones). Then per table (raw, gold and the
quarantine):
  - `medallion delta describe --json` gives the schema and the partition
    columns, `medallion delta files --json` the live files and their
    partition values (none may carry a deletion vector: DuckDB's
    read_parquet would not apply it);
  - tests/integration/pipeline_duckdb.mjs reads exactly those files with
    one read_parquet(), adding the partition columns from the Delta
    partition values (cast by DuckDB to the column's type), as Delta says;
  - the two give the same multiset of rows over every column of the schema,
    timestamps compared as instants (microseconds since the epoch), and
    DuckDB sees a Delta `timestamp` as TIMESTAMP WITH TIME ZONE (ours ends
    in Z) and a `timestamp_ntz` as TIMESTAMP.

Run: MEDALLION_BIN=build/src/cli/medallion MEDALLION_PEER_DIR=build/peer \\
       /usr/bin/python3 -m pytest -p no:cacheprovider tests/integration/pipeline_duckdb.py
(CTest: pipeline_duckdb, label peer; `scripts/install-peers build/peer`
first, which `make test` does). PIPELINE_DUCKDB_KEEP=1 keeps the temp
directory.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PEER_SCRIPT = os.path.join(HERE, "pipeline_duckdb.mjs")
TABLES = {
    "raw": "raw/assignment_data/r_session_events",
    "gold": "use_case/uc_assignment/uc_delta_session_events",
    "quarantine": "raw/assignment_data/r_session_events_quarantine",
}
# Delta primitive type -> the DuckDB type a partition value is cast to.
DUCKDB_TYPES = {
    "string": "VARCHAR", "date": "DATE", "timestamp": "TIMESTAMPTZ",
    "timestamp_ntz": "TIMESTAMP", "integer": "INTEGER", "long": "BIGINT",
    "short": "SMALLINT", "byte": "TINYINT", "boolean": "BOOLEAN",
    "double": "DOUBLE", "float": "FLOAT",
}
# How DuckDB must see a Delta timestamp column read from the files.
TIMESTAMP_TYPES = {"timestamp": "TIMESTAMP WITH TIME ZONE", "timestamp_ntz": "TIMESTAMP"}
SHOW = 5
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
TIMESTAMP_TEXT = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z?)$")


def medallion_bin():
    path = os.environ.get("MEDALLION_BIN")
    if not path:
        pytest.fail("MEDALLION_BIN is not set: point it at the built medallion binary")
    return path


def peer_dir():
    path = os.environ.get("MEDALLION_PEER_DIR")
    if not path:
        pytest.fail("MEDALLION_PEER_DIR is not set: point it at the directory "
                    "scripts/install-peers DIR installed the npm peers into")
    if not os.path.isdir(os.path.join(path, "node_modules", "@duckdb", "node-api")):
        pytest.fail("@duckdb/node-api is not installed in %s. Run: scripts/install-peers %s "
                    "(make test does this before ctest)" % (path, path))
    if shutil.which("node") is None:
        pytest.fail("node is not installed. Run: scripts/install-peers %s" % path)
    return os.path.abspath(path)


def run(cmd, cwd, timeout=120, env=None):
    """Runs cmd; returns its stdout, or fails the test with the command, the
    exit code and the output's tail."""
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail("%s: no exit after %d s" % (" ".join(cmd), timeout))
    if p.returncode != 0:
        pytest.fail("%s: exit %d\nstdout: %s\nstderr: %s" % (
            " ".join(cmd), p.returncode, p.stdout.decode("utf-8", "replace")[-2000:],
            p.stderr.decode("utf-8", "replace")[-4000:]))
    return p.stdout.decode("utf-8")


def medallion(args, cwd, timeout=120):
    return run([medallion_bin()] + [str(a) for a in args], cwd, timeout)


def micros_of_text(text):
    """Our timestamp text as (microseconds since the epoch, ends in Z)."""
    m = TIMESTAMP_TEXT.match(text)
    assert m, "not a timestamp in medallion's rendering: %r" % (text,)
    y, mo, d, h, mi, s, fraction, zone = m.groups()
    fraction = (fraction or "").ljust(9, "0")
    assert fraction[6:] == "000", "a timestamp finer than microseconds: %r" % (text,)
    days = datetime.date(int(y), int(mo), int(d)).toordinal() - EPOCH_ORDINAL
    seconds = days * 86400 + int(h) * 3600 + int(mi) * 60 + int(s)
    return seconds * 1_000_000 + int(fraction[:6]), zone == "Z"


@pytest.fixture(scope="module")
def lake():
    """A temp dir holding one finished `up`: yields the lake's path."""
    peer_dir()  # fail before any work when the peer is missing
    root = tempfile.mkdtemp(prefix="pipeline-duckdb-",
                            dir=os.environ.get("MEDALLION_TEST_TMP") or None)
    try:
        source = os.path.join(root, "assignment_data.jsonl.bz2")
        medallion(["gen", "--out", source, "--events", 5000, "--seed", 3, "--dirty", "0.01"],
                  root)
        with open(os.path.join(root, "medallion.toml"), "w", encoding="utf-8") as f:
            f.write("[stream]\nmax_files_per_trigger = 2\n")
        medallion(["up", "--source", source, "--lake", "lake", "--cql-data", "cql",
                   "--cql-port", "0", "--no-serve", "--config", "medallion.toml"], root,
                  timeout=300)
        yield os.path.join(root, "lake")
    finally:
        if os.environ.get("PIPELINE_DUCKDB_KEEP"):
            print("kept", root)
        else:
            shutil.rmtree(root, ignore_errors=True)


def duckdb_rows(table, files, partition_columns, work):
    """DuckDB's read of the files: ([(name, duckdb type)], [row lists])."""
    spec = {
        "files": [{"path": os.path.join(table, f["path"]),
                   "partitionValues": f["partitionValues"]} for f in files],
        "partitionColumns": partition_columns,
    }
    spec_path = os.path.join(work, "spec-%s.json" % os.path.basename(table))
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    env = dict(os.environ, MEDALLION_PEER_DIR=peer_dir())
    lines = run(["node", PEER_SCRIPT, spec_path], work, timeout=240, env=env).splitlines()
    header = json.loads(lines[0])
    return [tuple(c) for c in header["columns"]], [json.loads(line) for line in lines[1:]]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_duckdb_reads_live_files_as_delta_cat(lake, name):
    table = os.path.join(lake, TABLES[name])
    work = os.path.dirname(lake)
    describe = json.loads(medallion(["delta", "describe", "--json", table], work))
    fields = describe["schema"]["fields"]
    types = {f["name"]: f["type"] for f in fields}
    unknown = {n: t for n, t in types.items() if t not in DUCKDB_TYPES}
    assert not unknown, "%s: types this test does not compare: %s" % (name, unknown)
    partition_columns = [[c, DUCKDB_TYPES[types[c]]] for c in describe["partitionColumns"]]

    files = json.loads(medallion(["delta", "files", "--json", table], work))
    assert files, "%s: no live files" % name
    with_dv = [f["path"] for f in files if f.get("deletedRows")]
    assert not with_dv, "%s: files with deletion vectors, which read_parquet cannot apply: %s" % (
        name, with_dv[:SHOW])
    for f in files:
        assert os.path.isfile(os.path.join(table, f["path"])), "%s: no file %s" % (name, f["path"])
    if name == "gold":
        # Merged in many batches: rewritten files are still on disk, so
        # reading the directory instead of the live list would differ.
        on_disk = sum(1 for d, _subdirs, names in os.walk(table) if "_delta_log" not in d
                      for n in names if n.endswith(".parquet"))
        assert on_disk > len(files), "gold: %d parquet files on disk, %d live: no file was " \
            "rewritten, so the live list is not put to the test" % (on_disk, len(files))

    columns, duck = duckdb_rows(table, files, partition_columns, work)
    names = [c for c, _t in columns]
    assert sorted(names) == sorted(types), "%s: DuckDB's columns %s, the Delta schema's %s" % (
        name, names, sorted(types))
    for column, duck_type in columns:
        if types[column] in TIMESTAMP_TYPES:
            assert duck_type == TIMESTAMP_TYPES[types[column]], (
                "%s.%s: Delta type %s, DuckDB reads %s" % (name, column, types[column], duck_type))

    ours = [json.loads(line) for line in medallion(["delta", "cat", table], work).splitlines()
            if line]
    assert len(ours) == sum(f["numRecords"] for f in files), (
        "%s: delta cat gives %d rows, the live files' numRecords sum to %d" % (
            name, len(ours), sum(f["numRecords"] for f in files)))
    assert not ours or sorted(ours[0]) == sorted(types), "%s: delta cat's columns %s" % (
        name, sorted(ours[0]))

    def ours_value(column, value):
        if value is None:
            return None
        delta_type = types[column]
        if delta_type in TIMESTAMP_TYPES:
            micros, zoned = micros_of_text(value)
            assert zoned == (delta_type == "timestamp"), (
                "%s.%s (%s) rendered as %r" % (name, column, delta_type, value))
            return micros
        if delta_type == "long":
            return int(value)
        return value

    def duck_value(column, value):
        if value is None:
            return None
        if types[column] in TIMESTAMP_TYPES or types[column] == "long":
            return int(value)
        return value

    got = Counter(tuple(duck_value(c, row[i]) for i, c in enumerate(names)) for row in duck)
    want = Counter(tuple(ours_value(c, row[c]) for c in names) for row in ours)
    missing = sorted((want - got).elements(), key=repr)
    extra = sorted((got - want).elements(), key=repr)
    assert got == want, (
        "%s: DuckDB reads %d rows, delta cat %d; %d of ours missing from DuckDB's, %d of "
        "DuckDB's not in ours (columns %s; timestamps in microseconds)\n  ours only   %s\n"
        "  DuckDB only %s" % (name, sum(got.values()), sum(want.values()), len(missing),
                              len(extra), names, missing[:SHOW], extra[:SHOW]))
