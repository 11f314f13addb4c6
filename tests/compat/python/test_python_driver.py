"""The DataStax python driver (Debian python3-cassandra 3.25) against
`medallion cql-server`: issue 6's acceptance scenarios, one test each.

Run: MEDALLION_BIN=build/src/cli/medallion /usr/bin/python3 -m pytest tests/compat/python
"""

import datetime
import ipaddress
import math
import struct
import threading
import time
import uuid
from decimal import Decimal

import pytest

from cassandra import (AlreadyExists, AuthenticationFailed, InvalidRequest,
                       ProtocolVersion)
from cassandra.cluster import NoHostAvailable
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.murmur3 import murmur3
from cassandra.protocol import SyntaxException
from cassandra.query import (BatchStatement, BatchType, SimpleStatement,
                             dict_factory)
from cassandra.util import Date, Time, OrderedMapSerializedKey, SortedSet

from conftest import make_cluster


# ------------------------------------------------------------- helpers --

def norm(v):
    """A comparable form of a value the driver returned or a test wrote."""
    if v is None:
        return None
    if isinstance(v, float):
        return "NaN" if math.isnan(v) else v
    if isinstance(v, Date):
        return ("date", v.days_from_epoch)
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return ("ts", v)
    if isinstance(v, datetime.date):
        return ("date", Date(v).days_from_epoch)
    if isinstance(v, Time):
        return ("time", v.nanosecond_time)
    if isinstance(v, datetime.time):
        return ("time", Time(v).nanosecond_time)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    if isinstance(v, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(v)
    if isinstance(v, (set, frozenset, SortedSet)):
        return ("set", frozenset(norm(x) for x in v))
    if isinstance(v, (dict, OrderedMapSerializedKey)):
        return ("map", frozenset((norm(k), norm(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        return ("list", tuple(norm(x) for x in v))
    return v


def f32(x):
    """x rounded to binary32, as a float column stores it."""
    return struct.unpack(">f", struct.pack(">f", x))[0]


TS = datetime.datetime(2024, 2, 29, 23, 59, 58, 123000)
TIMEUUID = uuid.UUID("e1a2b3c4-1d2e-11ef-8a0b-0242ac120002")  # version 1

# (column name, CQL type, values to round-trip). Every value is written in
# its own row, prepared and inlined; None is written as a null.
TYPE_CASES = [
    ("a", "ascii", ["", "plain ascii", "quote ' and \\ backslash", "\x7f"]),
    ("tx", "text", ["", "héllo wörld", "日本語 \U0001F600", "it's"]),
    ("vc", "varchar", ["varchar value", "x" * 5000]),
    ("b", "boolean", [True, False]),
    ("ti", "tinyint", [0, 127, -128, -1]),
    ("si", "smallint", [0, 32767, -32768, 300]),
    ("i", "int", [0, 2147483647, -2147483648, 42]),
    ("bi", "bigint", [0, 9223372036854775807, -9223372036854775808, 1 << 40]),
    ("vi", "varint", [0, 127, 128, -128, -129, 10 ** 40, -(10 ** 40)]),
    ("f", "float", [0.0, 1.5, -0.25, f32(3.4028234663852886e38), f32(1e-45),
                    float("inf"), float("-inf"), float("nan")]),
    ("d", "double", [0.0, 1.0 / 3.0, -1e308, 5e-324, float("inf"), float("nan")]),
    ("dec", "decimal", [Decimal("0"), Decimal("1.50"), Decimal("-123456789.987654321"),
                        Decimal("1E+10"), Decimal("12345678901234567890.1234567890")]),
    ("ts", "timestamp", [TS, datetime.datetime(1970, 1, 1),
                         datetime.datetime(1900, 1, 1, 0, 0, 0, 1000)]),
    ("dt", "date", [datetime.date(2024, 2, 29), datetime.date(1970, 1, 1),
                    datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]),
    ("tm", "time", [datetime.time(0, 0), datetime.time(23, 59, 59, 999999),
                    datetime.time(12, 34, 56, 789)]),
    ("u", "uuid", [uuid.UUID("00000000-0000-0000-0000-000000000000"),
                   uuid.UUID("123e4567-e89b-42d3-a456-556642440000")]),
    ("tu", "timeuuid", [TIMEUUID]),
    ("ip", "inet", ["127.0.0.1", "0.0.0.0", "::1", "2001:db8::ff00:42:8329"]),
    ("bl", "blob", [b"", b"\x00\x01\xff", bytes(range(256))]),
    ("li", "list<int>", [[1, 2, 3], [-1, -1], [7]]),
    ("lt", "list<text>", [["a", "b", "a"], ["é", ""]]),
    ("st", "set<text>", [{"x", "y", "z"}, {""}]),
    ("sb", "set<bigint>", [{1, -5, 1 << 50}]),
    ("su", "set<uuid>", [{uuid.UUID("123e4567-e89b-42d3-a456-556642440000")}]),
    ("mp", "map<text, int>", [{"one": 1, "two": 2}, {"": -1}]),
    ("mi", "map<int, boolean>", [{1: True, -2: False}]),
    ("md", "map<date, timestamp>", [{datetime.date(2020, 1, 2): TS}]),
    ("ld", "list<double>", [[1.5, -2.25, float("inf")]]),
    ("ldec", "list<decimal>", [[Decimal("1.1"), Decimal("-0.001")]]),
    ("lb", "list<blob>", [[b"\x00", b"\xff\xfe"]]),
    ("si_", "set<inet>", [{"10.0.0.1", "::2"}]),
    ("lvi", "list<varint>", [[10 ** 30, -1]]),
    ("ltm", "list<time>", [[datetime.time(1, 2, 3)]]),
    ("mts", "map<timeuuid, smallint>", [{TIMEUUID: -3}]),
    ("ltiny", "list<tinyint>", [[1, -128]]),
]
TYPES_TABLE_COLUMNS = ", ".join("%s %s" % (name, typ) for name, typ, _ in TYPE_CASES)


@pytest.fixture(scope="module")
def types_table(session):
    session.execute("CREATE TABLE IF NOT EXISTS ks.types (k int PRIMARY KEY, %s)"
                    % TYPES_TABLE_COLUMNS)
    return "ks.types"


_next_key = [1000]
_key_lock = threading.Lock()


def fresh_key():
    with _key_lock:
        _next_key[0] += 1
        return _next_key[0]


def select_one(session, table, col, key):
    rows = list(session.execute("SELECT %s FROM %s WHERE k = %%s" % (col, table), (key,)))
    assert len(rows) == 1, "expected one row for k=%d, got %r" % (key, rows)
    return getattr(rows[0], col)


# ----------------------------------------------------------- scenarios --

def test_connect_default_negotiates_v4(server):
    cluster = make_cluster(server.port)
    try:
        s = cluster.connect()
        assert cluster.protocol_version == ProtocolVersion.V4
        row = s.execute("SELECT cluster_name, release_version, data_center FROM system.local").one()
        assert row.cluster_name and row.release_version and row.data_center
    finally:
        cluster.shutdown()


def test_schema_metadata(cluster, session):
    session.execute("CREATE TABLE ks.meta (pk1 int, pk2 text, ck1 text, ck2 bigint, v1 list<int>, "
                    "v2 map<text, uuid>, s int STATIC, PRIMARY KEY ((pk1, pk2), ck1, ck2)) "
                    "WITH CLUSTERING ORDER BY (ck1 ASC, ck2 DESC)")
    ks = cluster.metadata.keyspaces["ks"]
    assert "meta" in ks.tables, "tables seen: %r" % list(ks.tables)
    t = ks.tables["meta"]
    assert [c.name for c in t.partition_key] == ["pk1", "pk2"]
    assert [c.name for c in t.clustering_key] == ["ck1", "ck2"]
    assert [c.is_reversed for c in t.clustering_key] == [False, True]
    assert set(t.columns) == {"pk1", "pk2", "ck1", "ck2", "v1", "v2", "s"}
    assert t.columns["ck2"].cql_type == "bigint"
    assert t.columns["v1"].cql_type == "list<int>"
    assert t.columns["v2"].cql_type == "map<text, uuid>"
    assert t.columns["s"].is_static
    ddl = t.export_as_string()
    assert "CLUSTERING ORDER BY (ck1 ASC, ck2 DESC)" in ddl, ddl
    # The replication map made it too.
    assert ks.replication_strategy is not None
    assert "SimpleStrategy" in ks.replication_strategy.name


@pytest.mark.parametrize("col,typ,values", TYPE_CASES, ids=[c[0] + ":" + c[1] for c in TYPE_CASES])
def test_prepared_roundtrip(session, types_table, col, typ, values):
    ins = session.prepare("INSERT INTO %s (k, %s) VALUES (?, ?)" % (types_table, col))
    sel = session.prepare("SELECT %s FROM %s WHERE k = ?" % (col, types_table))
    for v in values + [None]:
        k = fresh_key()
        session.execute(ins, (k, v))
        rows = list(session.execute(sel, (k,)))
        assert len(rows) == 1, "k=%d: %r" % (k, rows)
        got = getattr(rows[0], col)
        assert norm(got) == norm(v), "%s %s: wrote %r, read %r" % (col, typ, v, got)


@pytest.mark.parametrize("col,typ,values", TYPE_CASES, ids=[c[0] + ":" + c[1] for c in TYPE_CASES])
def test_inlined_literal_roundtrip(session, types_table, col, typ, values):
    # Non-prepared: the driver inlines the values as CQL literals. A date
    # before year 1000 is left out: the driver formats it with strftime('%Y'),
    # which glibc does not pad ('1-01-01'), and Cassandra rejects that too.
    for v in values + [None]:
        if isinstance(v, datetime.date) and v.year < 1000:
            continue
        k = fresh_key()
        session.execute("INSERT INTO %s (k, %s) VALUES (%%s, %%s)" % (types_table, col), (k, v))
        got = select_one(session, types_table, col, k)
        assert norm(got) == norm(v), "%s %s: wrote %r, read %r" % (col, typ, v, got)


def test_all_types_in_one_row(session, types_table):
    cols = [c[0] for c in TYPE_CASES]
    vals = [c[2][0] for c in TYPE_CASES]
    k = fresh_key()
    ins = session.prepare("INSERT INTO %s (k, %s) VALUES (?, %s)"
                          % (types_table, ", ".join(cols), ", ".join("?" * len(cols))))
    session.execute(ins, [k] + vals)
    row = session.execute("SELECT * FROM %s WHERE k = %d" % (types_table, k)).one()
    for c, v in zip(cols, vals):
        assert norm(getattr(row, c)) == norm(v), c


def test_paging_10000_rows(session):
    session.execute("CREATE TABLE ks.paging (p int, c int, v text, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ks.paging (p, c, v) VALUES (?, ?, ?)")
    results = execute_concurrent_with_args(session, ins, [(0, c, "v%d" % c) for c in range(10000)],
                                           concurrency=64, raise_on_first_error=True)
    assert all(ok for ok, _ in results)
    # Single partition, prepared, fetch_size 100: every row once, in order.
    sel = session.prepare("SELECT c, v FROM ks.paging WHERE p = ?")
    sel.fetch_size = 100
    rs = session.execute(sel, (0,))
    assert rs.has_more_pages
    assert len(rs.current_rows) == 100
    got = [(r.c, r.v) for r in rs]
    assert got == [(c, "v%d" % c) for c in range(10000)]
    # Page by page through paging_state, non-prepared.
    st = SimpleStatement("SELECT c FROM ks.paging WHERE p = 0", fetch_size=100)
    pages, seen, state = 0, [], None
    while True:
        rs = session.execute(st, paging_state=state)
        seen.extend(r.c for r in rs.current_rows)
        pages += 1
        state = rs.paging_state
        if state is None:
            break
        assert pages <= 101
    assert seen == list(range(10000))
    assert pages in (100, 101)
    # Whole-table scan across partitions.
    more = [(p, c, "w") for p in range(1, 21) for c in range(50)]
    execute_concurrent_with_args(session, ins, more, concurrency=64, raise_on_first_error=True)
    st = SimpleStatement("SELECT p, c FROM ks.paging", fetch_size=100)
    allrows = [(r.p, r.c) for r in session.execute(st)]
    assert len(allrows) == 11000
    assert len(set(allrows)) == 11000


def test_clustering_order_and_slices(session):
    session.execute("CREATE TABLE ks.clu (p int, c int, v int, PRIMARY KEY (p, c)) "
                    "WITH CLUSTERING ORDER BY (c DESC)")
    ins = session.prepare("INSERT INTO ks.clu (p, c, v) VALUES (?, ?, ?)")
    for c in range(10):
        session.execute(ins, (1, c, c * 10))

    def cs(q, params=None):
        return [r.c for r in session.execute(q, params)]

    assert cs("SELECT c FROM ks.clu WHERE p = 1") == list(range(9, -1, -1))
    assert cs("SELECT c FROM ks.clu WHERE p = 1 AND c > 6") == [9, 8, 7]
    assert cs("SELECT c FROM ks.clu WHERE p = 1 AND c >= 6") == [9, 8, 7, 6]
    assert cs("SELECT c FROM ks.clu WHERE p = 1 AND c < 3") == [2, 1, 0]
    assert cs("SELECT c FROM ks.clu WHERE p = 1 AND c <= 3") == [3, 2, 1, 0]
    assert cs("SELECT c FROM ks.clu WHERE p = 1 AND c > 2 AND c <= 5") == [5, 4, 3]
    assert cs("SELECT c FROM ks.clu WHERE p = 1 ORDER BY c ASC") == list(range(10))
    assert cs("SELECT c FROM ks.clu WHERE p = 1 AND c > 6 ORDER BY c ASC") == [7, 8, 9]
    assert cs("SELECT c FROM ks.clu WHERE p = 1 AND c = 4") == [4]
    sel = session.prepare("SELECT c FROM ks.clu WHERE p = ? AND c >= ? AND c < ?")
    assert cs(sel, (1, 2, 5)) == [4, 3, 2]

    # Two clustering columns: prefix equality, then a slice on the second.
    session.execute("CREATE TABLE ks.clu2 (p int, a int, b text, v int, PRIMARY KEY (p, a, b)) "
                    "WITH CLUSTERING ORDER BY (a ASC, b DESC)")
    ins2 = session.prepare("INSERT INTO ks.clu2 (p, a, b, v) VALUES (?, ?, ?, ?)")
    for a in range(3):
        for b in "abcd":
            session.execute(ins2, (0, a, b, a))
    rows = [(r.a, r.b) for r in session.execute("SELECT a, b FROM ks.clu2 WHERE p = 0")]
    assert rows == [(a, b) for a in range(3) for b in "dcba"]
    rows = [(r.a, r.b) for r in session.execute("SELECT a, b FROM ks.clu2 WHERE p = 0 AND a = 1")]
    assert rows == [(1, b) for b in "dcba"]
    rows = [r.b for r in session.execute("SELECT b FROM ks.clu2 WHERE p = 0 AND a = 1 AND b > 'b'")]
    assert rows == ["d", "c"]
    rows = [(r.a, r.b) for r in session.execute(
        "SELECT a, b FROM ks.clu2 WHERE p = 0 ORDER BY a DESC, b ASC")]
    assert rows == [(a, b) for a in (2, 1, 0) for b in "abcd"]
    rows = [(r.a, r.b) for r in session.execute("SELECT a, b FROM ks.clu2 WHERE p = 0 AND a > 0")]
    assert rows == [(a, b) for a in (1, 2) for b in "dcba"]


def test_ttl_expiry_ttl_and_writetime(session):
    session.execute("CREATE TABLE ks.ttl (k int PRIMARY KEY, v text, w int)")
    session.execute("INSERT INTO ks.ttl (k, v) VALUES (1, 'short') USING TTL 1")
    session.execute("INSERT INTO ks.ttl (k, v, w) VALUES (2, 'long', 5) USING TTL 1000 AND TIMESTAMP 123456789")
    before_us = int(time.time() * 1e6)
    session.execute("INSERT INTO ks.ttl (k, v) VALUES (3, 'forever')")
    after_us = int(time.time() * 1e6)
    row = session.execute("SELECT ttl(v), writetime(v), ttl(w) FROM ks.ttl WHERE k = 2").one()
    vals = list(row)
    assert 990 <= vals[0] <= 1000, vals
    assert vals[1] == 123456789
    assert 990 <= vals[2] <= 1000
    row = session.execute("SELECT ttl(v), writetime(v) FROM ks.ttl WHERE k = 3").one()
    assert row[0] is None
    assert before_us - 5_000_000 <= row[1] <= after_us + 5_000_000, (before_us, row[1])
    # An UPDATE with its own TTL.
    session.execute("UPDATE ks.ttl USING TTL 500 SET w = 9 WHERE k = 3")
    row = session.execute("SELECT ttl(w), ttl(v) FROM ks.ttl WHERE k = 3").one()
    assert 490 <= row[0] <= 500 and row[1] is None
    time.sleep(2.2)
    assert list(session.execute("SELECT * FROM ks.ttl WHERE k = 1")) == []
    assert sorted(r.k for r in session.execute("SELECT k FROM ks.ttl")) == [2, 3]


def test_default_time_to_live(cluster, session):
    session.execute("CREATE TABLE ks.dttl (k int PRIMARY KEY, v text) WITH default_time_to_live = 1")
    session.execute("CREATE TABLE ks.dttl100 (k int PRIMARY KEY, v text) WITH default_time_to_live = 100")
    assert cluster.metadata.keyspaces["ks"].tables["dttl"].options.get("default_time_to_live") == 1
    session.execute("INSERT INTO ks.dttl (k, v) VALUES (1, 'a')")
    session.execute("INSERT INTO ks.dttl (k, v) VALUES (2, 'b') USING TTL 1000")
    session.execute("INSERT INTO ks.dttl100 (k, v) VALUES (1, 'a')")
    t = session.execute("SELECT ttl(v) FROM ks.dttl100 WHERE k = 1").one()[0]
    assert 90 <= t <= 100
    time.sleep(2.2)
    assert [r.k for r in session.execute("SELECT k FROM ks.dttl")] == [2]


def test_batches(session):
    session.execute("CREATE TABLE ks.batches (p int, c int, v text, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ks.batches (p, c, v) VALUES (?, ?, ?)")
    for btype in (BatchType.LOGGED, BatchType.UNLOGGED):
        p = 1 if btype == BatchType.LOGGED else 2
        b = BatchStatement(batch_type=btype)
        b.add(ins, (p, 1, "prep1"))
        b.add(ins, (p, 2, "prep2"))
        b.add(SimpleStatement("INSERT INTO ks.batches (p, c, v) VALUES (%s, %s, %s)"), (p, 3, "text3"))
        b.add("INSERT INTO ks.batches (p, c, v) VALUES (%d, 4, 'text4')" % p)
        b.add(SimpleStatement("UPDATE ks.batches SET v = 'upd' WHERE p = %s AND c = %s"), (p, 1))
        session.execute(b)
        rows = [(r.c, r.v) for r in session.execute("SELECT c, v FROM ks.batches WHERE p = %s", (p,))]
        assert rows == [(1, "upd"), (2, "prep2"), (3, "text3"), (4, "text4")], btype
    # A batch of CQL text, and one with a delete.
    session.execute("BEGIN BATCH INSERT INTO ks.batches (p, c, v) VALUES (3, 1, 'x'); "
                    "INSERT INTO ks.batches (p, c, v) VALUES (3, 2, 'y'); APPLY BATCH")
    session.execute("BEGIN UNLOGGED BATCH DELETE FROM ks.batches WHERE p = 3 AND c = 1; "
                    "INSERT INTO ks.batches (p, c, v) VALUES (3, 5, 'z') APPLY BATCH")
    rows = [(r.c, r.v) for r in session.execute("SELECT c, v FROM ks.batches WHERE p = 3")]
    assert rows == [(2, "y"), (5, "z")]


def test_delete_row_range_partition(session):
    session.execute("CREATE TABLE ks.del (p int, c int, v int, w int, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ks.del (p, c, v, w) VALUES (?, ?, ?, ?)")
    for p in range(3):
        for c in range(10):
            session.execute(ins, (p, c, c, c))

    def cs(p):
        return [r.c for r in session.execute("SELECT c FROM ks.del WHERE p = %s", (p,))]

    session.execute("DELETE FROM ks.del WHERE p = 0 AND c = 3")
    assert cs(0) == [0, 1, 2, 4, 5, 6, 7, 8, 9]
    session.execute("DELETE FROM ks.del WHERE p = 0 AND c >= 7")
    assert cs(0) == [0, 1, 2, 4, 5, 6]
    session.execute("DELETE FROM ks.del WHERE p = 0 AND c > 0 AND c < 3")
    assert cs(0) == [0, 4, 5, 6]
    session.execute("DELETE FROM ks.del WHERE p = 1")
    assert cs(1) == []
    assert cs(2) == list(range(10))
    session.execute("DELETE w FROM ks.del WHERE p = 2 AND c = 5")
    row = session.execute("SELECT v, w FROM ks.del WHERE p = 2 AND c = 5").one()
    assert row.v == 5 and row.w is None
    d = session.prepare("DELETE FROM ks.del WHERE p = ? AND c = ?")
    session.execute(d, (2, 9))
    assert cs(2) == list(range(9))
    # Re-insert after a partition delete.
    session.execute(ins, (1, 4, 4, 4))
    assert cs(1) == [4]


def test_token_range_scans(session):
    session.execute("CREATE TABLE ks.tok (p int, c int, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ks.tok (p, c) VALUES (?, ?)")
    execute_concurrent_with_args(session, ins, [(p, c) for p in range(300) for c in range(2)],
                                 concurrency=64, raise_on_first_error=True)
    # token() equals the driver's Murmur3 of the serialized key.
    rows = list(session.execute("SELECT p, token(p) FROM ks.tok"))
    assert len(rows) == 600
    for r in rows:
        assert r[1] == murmur3(struct.pack(">i", r.p)), r
    toks = [r[1] for r in rows]
    assert toks == sorted(toks), "a full scan is in token order"
    # Split the ring into 8 ranges: every row exactly once.
    lo, hi = -(1 << 63), (1 << 63) - 1
    bounds = [lo + i * ((hi - lo) // 8) for i in range(8)] + [hi]
    sel_first = session.prepare("SELECT p, c FROM ks.tok WHERE token(p) >= ? AND token(p) <= ?")
    sel = session.prepare("SELECT p, c FROM ks.tok WHERE token(p) > ? AND token(p) <= ?")
    seen = []
    for i in range(8):
        q = sel_first if i == 0 else sel
        seen.extend((r.p, r.c) for r in session.execute(q, (bounds[i], bounds[i + 1])))
    assert sorted(seen) == [(p, c) for p in range(300) for c in range(2)]
    # Non-prepared form with a paged scan of one range.
    st = SimpleStatement("SELECT p FROM ks.tok WHERE token(p) > %d" % bounds[4], fetch_size=7)
    n = sum(1 for _ in session.execute(st))
    assert n == sum(1 for t in toks if t > bounds[4])


def test_count(session):
    session.execute("CREATE TABLE ks.cnt (p int, c int, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ks.cnt (p, c) VALUES (?, ?)")
    execute_concurrent_with_args(session, ins, [(p, c) for p in range(10) for c in range(p)],
                                 concurrency=32, raise_on_first_error=True)
    assert session.execute("SELECT COUNT(*) FROM ks.cnt").one()[0] == 45
    assert session.execute("SELECT count(*) FROM ks.cnt WHERE p = 7").one()[0] == 7
    assert session.execute("SELECT COUNT(*) FROM ks.cnt WHERE p = 99").one()[0] == 0
    assert session.execute(SimpleStatement("SELECT COUNT(*) FROM ks.cnt", fetch_size=5)).one()[0] == 45


def test_limit_per_partition_limit_in(session):
    session.execute("CREATE TABLE ks.lim (p int, c int, v int, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ks.lim (p, c, v) VALUES (?, ?, ?)")
    for p in range(5):
        for c in range(6):
            session.execute(ins, (p, c, p * 100 + c))
    assert len(list(session.execute("SELECT * FROM ks.lim LIMIT 7"))) == 7
    assert [r.c for r in session.execute("SELECT c FROM ks.lim WHERE p = 2 LIMIT 3")] == [0, 1, 2]
    rows = list(session.execute("SELECT p, c FROM ks.lim PER PARTITION LIMIT 2"))
    assert len(rows) == 10
    assert sorted((r.p, r.c) for r in rows) == [(p, c) for p in range(5) for c in range(2)]
    rows = list(session.execute("SELECT p, c FROM ks.lim PER PARTITION LIMIT 2 LIMIT 3"))
    assert len(rows) == 3
    rows = list(session.execute("SELECT p, c FROM ks.lim WHERE p IN (1, 3, 42)"))
    assert sorted((r.p, r.c) for r in rows) == [(p, c) for p in (1, 3) for c in range(6)]
    rows = [r.c for r in session.execute("SELECT c FROM ks.lim WHERE p = 4 AND c IN (5, 1, 3)")]
    assert rows == [1, 3, 5]
    sel = session.prepare("SELECT p, c FROM ks.lim WHERE p IN ? AND c = ?")
    rows = sorted((r.p, r.c) for r in session.execute(sel, ([0, 2], 4)))
    assert rows == [(0, 4), (2, 4)]
    # Paging with LIMIT: the limit holds across pages.
    st = SimpleStatement("SELECT p, c FROM ks.lim LIMIT 17", fetch_size=5)
    assert len(list(session.execute(st))) == 17


def test_allow_filtering(session):
    session.execute("CREATE TABLE ks.filt (p int, c int, v int, t text, PRIMARY KEY (p, c))")
    ins = session.prepare("INSERT INTO ks.filt (p, c, v, t) VALUES (?, ?, ?, ?)")
    for p in range(4):
        for c in range(5):
            session.execute(ins, (p, c, (p + c) % 3, "t%d" % c))
    with pytest.raises(InvalidRequest):
        session.execute("SELECT * FROM ks.filt WHERE v = 1")
    rows = list(session.execute("SELECT p, c FROM ks.filt WHERE v = 1 ALLOW FILTERING"))
    assert sorted((r.p, r.c) for r in rows) == sorted(
        (p, c) for p in range(4) for c in range(5) if (p + c) % 3 == 1)
    rows = list(session.execute("SELECT p, c FROM ks.filt WHERE p = 2 AND t = 't3' ALLOW FILTERING"))
    assert [(r.p, r.c) for r in rows] == [(2, 3)]
    rows = list(session.execute("SELECT p, c FROM ks.filt WHERE c > 2 AND v = 0 ALLOW FILTERING"))
    assert sorted((r.p, r.c) for r in rows) == sorted(
        (p, c) for p in range(4) for c in range(3, 5) if (p + c) % 3 == 0)


def _still_works(session):
    assert session.execute("SELECT release_version FROM system.local").one() is not None


def test_error_syntax(session):
    with pytest.raises(SyntaxException):
        session.execute("SELEKT * FROM ks.nothing")
    _still_works(session)
    with pytest.raises(SyntaxException):
        session.execute("SELECT * FROM ks.types WHERE")
    _still_works(session)


def test_error_unknown_table(session):
    with pytest.raises(InvalidRequest):
        session.execute("SELECT * FROM ks.no_such_table")
    _still_works(session)
    with pytest.raises(InvalidRequest):
        session.prepare("INSERT INTO ks.no_such_table (k) VALUES (?)")
    _still_works(session)
    with pytest.raises(InvalidRequest):
        session.execute("SELECT * FROM no_such_keyspace.t")
    _still_works(session)


def test_error_wrong_type(session, types_table):
    with pytest.raises(InvalidRequest):
        session.execute("INSERT INTO ks.types (k, i) VALUES (1, 'not an int')")
    _still_works(session)
    with pytest.raises(InvalidRequest):
        session.execute("INSERT INTO ks.types (k, no_such_column) VALUES (1, 2)")
    _still_works(session)


def test_error_already_exists(session):
    session.execute("CREATE TABLE ks.dup (k int PRIMARY KEY)")
    with pytest.raises(AlreadyExists) as e:
        session.execute("CREATE TABLE ks.dup (k int PRIMARY KEY)")
    assert e.value.keyspace == "ks" and e.value.table == "dup"
    session.execute("CREATE TABLE IF NOT EXISTS ks.dup (k int PRIMARY KEY)")
    with pytest.raises(AlreadyExists):
        session.execute("CREATE KEYSPACE ks WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    _still_works(session)


def test_error_bad_credentials(server):
    for user, pw in (("cassandra", "wrong"), ("nobody", "cassandra")):
        c = make_cluster(server.port, user, pw)
        try:
            with pytest.raises(NoHostAvailable) as e:
                c.connect()
            errs = list(e.value.errors.values())
            assert errs and any(isinstance(x, AuthenticationFailed) for x in errs), errs
        finally:
            c.shutdown()


def test_use_keyspace(server, session):
    c = make_cluster(server.port)
    try:
        s = c.connect()
        s.execute("CREATE TABLE IF NOT EXISTS ks.usek (k int PRIMARY KEY, v text)")
        s.execute("USE ks")
        assert s.keyspace == "ks"
        s.execute("INSERT INTO usek (k, v) VALUES (1, 'one')")
        p = s.prepare("SELECT v FROM usek WHERE k = ?")
        assert s.execute(p, (1,)).one().v == "one"
        s2 = c.connect("ks")
        assert s2.execute("SELECT v FROM usek WHERE k = 1").one().v == "one"
        s2.row_factory = dict_factory
        assert s2.execute("SELECT k, v FROM usek").one() == {"k": 1, "v": "one"}
        with pytest.raises(InvalidRequest):
            s.execute("USE no_such_keyspace")
        assert s.execute("SELECT v FROM usek WHERE k = 1").one().v == "one"
    finally:
        c.shutdown()


def test_second_cluster_while_first_busy(server, session):
    session.execute("CREATE TABLE ks.busy (k int PRIMARY KEY, v text)")
    ins = session.prepare("INSERT INTO ks.busy (k, v) VALUES (?, ?)")
    futures = [session.execute_async(ins, (k, "v%d" % k)) for k in range(3000)]
    c2 = make_cluster(server.port)
    try:
        s2 = c2.connect()
        assert s2.execute("SELECT release_version FROM system.local").one() is not None
        s2.execute("INSERT INTO ks.busy (k, v) VALUES (-1, 'second')")
        assert "busy" in c2.metadata.keyspaces["ks"].tables
        for f in futures:
            f.result()
        assert s2.execute("SELECT COUNT(*) FROM ks.busy").one()[0] == 3001
        assert session.execute("SELECT v FROM ks.busy WHERE k = -1").one().v == "second"
    finally:
        c2.shutdown()


def test_token_map_and_routing(cluster, session, types_table):
    # system.local's tokens + partitioner give the driver a token map, so
    # token-aware routing finds the one host for any key.
    tm = cluster.metadata.token_map
    assert tm is not None, "no token map (system.local tokens/partitioner?)"
    assert cluster.metadata.partitioner.endswith("Murmur3Partitioner")
    replicas = cluster.metadata.get_replicas("ks", struct.pack(">i", 1))
    assert len(replicas) == 1 and replicas[0].is_up
    # A prepared statement knows its routing key (partition key indices).
    p = session.prepare("SELECT * FROM ks.types WHERE k = ?")
    assert p.routing_key_indexes == [0]
