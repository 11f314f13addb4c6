"""Issue 8's acceptance: the pipeline end to end against the independent
oracle (pipeline_oracle.py), on a clean and a --dirty 0.01 data set (20,000
events each, now = 2016-11-07T00:00:00Z), and on a dirty one whose "now" is
a year after the middle of the data (the serving tables' retention).

Per data set (ids [clean] / [dirty] / [retention]):
  - test_oracle_vs_truth          the oracle's counts equal `medallion gen --truth`
  - test_oracle_vs_decoder_lines  its rejected lines equal the decoder's
                                  (`medallion inspect-source --show-rejects`)
  - then one `medallion cql-server --no-auth --port 0` and one
    `medallion up --no-serve --now NOW` into a temp lake;
    test_raw_table, test_quarantine, test_gold_table, test_insights,
    test_cql_* compare what they left with the oracle.
Plus unit tests of the oracle itself and hand-made edge lines against the
decoder.

Run: MEDALLION_BIN=build/src/cli/medallion \
       /usr/bin/python3 -m pytest -p no:cacheprovider tests/oracle
(CTest: pipeline_oracle, label integration). PIPELINE_ORACLE_KEEP=1 keeps
the temp directory (data sets, oracle output, lake, server log).
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "compat"))

import pipeline_oracle as oracle  # noqa: E402
from cql_server import CqlServer  # noqa: E402

NOW_TEXT = oracle.DEFAULT_NOW
NOW = oracle.parse_now(NOW_TEXT)
EVENTS = 20000
# name: (gen's flags, the pipeline's --now). "retention" puts now a year
# after the middle of the data, so that the serving tables must leave out
# the sessions older than 365 days.
DATASETS = {
    "clean": (["--seed", "7"], NOW_TEXT),
    "dirty": (["--seed", "11", "--dirty", "0.01"], NOW_TEXT),
    "retention": (["--seed", "13", "--dirty", "0.01"], "2017-11-17T12:00:00Z"),
}
GOLD = "use_case/uc_assignment/uc_delta_session_events"
RAW = "raw/assignment_data/r_session_events"
QUARANTINE = "raw/assignment_data/r_session_events_quarantine"
KEYSPACE = "session_events"
EPOCH = datetime.datetime(1970, 1, 1)
SHOW = 5  # differences shown per kind in a failure message

# ---------------------------------------------------------------- helpers --


def medallion_bin():
    path = os.environ.get("MEDALLION_BIN")
    if not path:
        pytest.fail("MEDALLION_BIN is not set: point it at the built medallion binary")
    return path


def run(args, cwd, timeout=120):
    """Runs medallion with args; returns stdout. Fails the test with the
    command, exit code and stderr's tail when it does not exit 0."""
    cmd = [medallion_bin()] + [str(a) for a in args]
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail("%s: no exit after %d s\nstderr: %s" % (" ".join(cmd), timeout,
                                                           (e.stderr or b"")[-4000:]))
    if p.returncode != 0:
        pytest.fail("%s: exit %d\nstdout: %s\nstderr: %s" % (
            " ".join(cmd), p.returncode, p.stdout.decode("utf-8", "replace")[-2000:],
            p.stderr.decode("utf-8", "replace")[-4000:]))
    return p.stdout.decode("utf-8")


def delta_cat(table, cwd, columns=()):
    args = ["delta", "cat", table]
    if columns:
        args += ["--columns"] + list(columns)
    return [json.loads(line) for line in run(args, cwd).splitlines() if line]


def micros_of_text(text):
    """A table's timestamp text ("...Z" or naive) as micros; None stays None."""
    if text is None:
        return None
    micros = oracle.parse_iso8601(text)
    assert micros is not None, "not an ISO-8601 timestamp: %r" % (text,)
    return micros


def ts_text(text):
    """A table's timestamp text in the oracle's form (naive UTC isoformat)."""
    return oracle.format_ts(micros_of_text(text))


def micros_of_driver(value):
    """A timestamp the python driver returned (naive UTC datetime)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return (value - EPOCH) // datetime.timedelta(microseconds=1)


def driver_time(micros):
    return EPOCH + datetime.timedelta(microseconds=micros)


def diff_rows(got, want, what):
    """An assertion message listing rows missing, unexpected and duplicated
    (multisets), or None when got and want hold the same rows."""
    g, w = Counter(got), Counter(want)
    if g == w:
        return None
    missing = sorted((w - g).elements(), key=repr)
    extra = sorted((g - w).elements(), key=repr)
    return ("%s: %d rows, expected %d; %d missing, %d unexpected\n  missing e.g. %s\n"
            "  unexpected e.g. %s" % (what, len(got), len(want), len(missing), len(extra),
                                      missing[:SHOW], extra[:SHOW]))

# --------------------------------------------------------------- fixtures --


@pytest.fixture(scope="session")
def workdir():
    root = tempfile.mkdtemp(prefix="pipeline-oracle-",
                            dir=os.environ.get("MEDALLION_ORACLE_TMP") or None)
    yield root
    if os.environ.get("PIPELINE_ORACLE_KEEP"):
        print("kept", root)
    else:
        shutil.rmtree(root, ignore_errors=True)


class DataSet:
    def __init__(self, name, root):
        self.name = name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir)
        self.source = os.path.join(self.dir, "assignment_data.jsonl.bz2")
        self.truth_path = os.path.join(self.dir, "truth.json")
        self.gen_flags, self.now_text = DATASETS[name]
        self.now = oracle.parse_now(self.now_text)
        self.truth = None
        self.src = None       # oracle.Source
        self.expected = None  # expected.json's object
        self.sessions = None  # the oracle's gold rows (micros)


@pytest.fixture(scope="module", params=sorted(DATASETS))
def dataset(request, workdir):
    """A generated data set and the oracle's view of it (also written to
    <dir>/oracle/expected.json and sessions.jsonl for a look by hand)."""
    ds = DataSet(request.param, workdir)
    run(["gen", "--out", ds.source, "--events", EVENTS, "--truth", ds.truth_path]
        + ds.gen_flags, ds.dir)
    with open(ds.truth_path, encoding="utf-8") as f:
        ds.truth = json.load(f)
    ds.src = oracle.read_source(ds.source)
    ds.expected, ds.sessions = oracle.compute(ds.source, ds.now, ds.src)
    oracle.write_outputs(os.path.join(ds.dir, "oracle"), ds.expected, ds.sessions)
    return ds


class Pipeline:
    def __init__(self, lake, session, up_output):
        self.lake = lake
        self.session = session
        self.up_output = up_output

    def table(self, rel):
        return os.path.join(self.lake, rel)


@pytest.fixture(scope="module")
def pipeline(dataset):
    """cql-server (--no-auth, a free port) + `medallion up --no-serve` of the
    data set; yields a driver session on the server. The server is stopped
    (SIGTERM, then SIGKILL) whatever happens."""
    from cassandra.cluster import Cluster

    server = CqlServer(os.path.join(dataset.dir, "cql-data"),
                       os.path.join(dataset.dir, "cql-server.log"),
                       extra_args=["--no-auth"], binary=medallion_bin())
    server.start()
    cluster = None
    try:
        lake = os.path.join(dataset.dir, "lake")
        out = run(["up", "--source", dataset.source, "--lake", lake,
                   "--cql", "127.0.0.1:%d" % server.port, "--no-serve", "--now", dataset.now_text],
                  dataset.dir, timeout=300)
        cluster = Cluster(["127.0.0.1"], port=server.port, protocol_version=4)
        yield Pipeline(lake, cluster.connect(), out)
    finally:
        if cluster is not None:
            cluster.shutdown()
        code = server.stop()
        assert code == 0, "cql-server exited with %r after SIGTERM\n%s" % (code, server.log())

# ---------------------------------------------------- the oracle's checks --


def test_oracle_vs_truth(dataset):
    """The oracle's reading of the file agrees with what the generator says
    it wrote (counted from its plan, not by decoding)."""
    c, t = dataset.expected["counts"], dataset.truth
    assert c["lines"] == t["lines"]
    assert c["events"] == t["events"]
    assert {r: c["rejected"][r] for r in oracle.DECODER_REASONS} == t["rejected"]
    assert c["rejected"]["duplicate"] == t.get("injected", {}).get("duplicate_lines", 0)
    assert c["raw_events"] == sum(t["events"].values()) - c["rejected"]["duplicate"]
    assert c["sessions"] == t["sessions"]
    assert c["completed_with_start"] == t["completed_sessions"]
    assert c["completed_per_country"] == t["completed_per_country"]
    assert (c["players"], c["countries"], c["dates"]) == (t["players"], t["countries"], t["dates"])
    assert (c["min_ts"], c["max_ts"]) == (t["min_ts"], t["max_ts"])
    if dataset.name == "dirty":
        # Every defect kind is really there, so the comparisons above test
        # the oracle's classification of each.
        assert all(c["rejected"][r] > 0 for r in oracle.REASONS), c["rejected"]
        assert c["completed"] > c["completed_with_start"]  # end-only sessions exist


def decoder_rejects(path, cwd, lines):
    """{line: reason} of `inspect-source --show-rejects` (the refine's
    decoder), and its JSON summary."""
    cmd = [medallion_bin(), "inspect-source", "--json", "--show-rejects", str(max(lines, 1)), path]
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")[-4000:]
    rejects = {}
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        m = re.match(r"line (\d+): (\w+)", line)
        if m:
            rejects[int(m.group(1))] = m.group(2)
    return rejects, json.loads(p.stdout)


def test_oracle_vs_decoder_lines(dataset):
    """Line by line, the oracle rejects exactly the lines the decoder
    rejects, for the same reason."""
    got, summary = decoder_rejects(dataset.source, dataset.dir, dataset.src.lines)
    want = {line: reason for line, reason in dataset.src.rejects if reason != oracle.DUPLICATE}
    assert sum(summary["rejected"].values()) == len(got), "--show-rejects cut the list short"
    wrong = sorted(line for line in got.keys() | want.keys() if got.get(line) != want.get(line))
    assert not wrong, "%d lines differ, e.g. %s" % (
        len(wrong), [(line, "decoder", got.get(line), "oracle", want.get(line))
                     for line in wrong[:SHOW]])

# ------------------------------------------------------ the lake's tables --


def test_raw_table(dataset, pipeline):
    """r_session_events holds every accepted, non-duplicate line once."""
    got = [(r["UNIQUE_ID_ROW"], r["event"], r["session_id"], r["player_id"], r["country"],
            ts_text(r["ts"]), r["EVENT_DATE"])
           for r in delta_cat(pipeline.table(RAW), dataset.dir,
                              ["UNIQUE_ID_ROW", "event", "session_id", "player_id", "country",
                               "ts", "EVENT_DATE"])]
    want = [(kind + "-" + sid, kind, sid, player, country, oracle.format_ts(ts),
             oracle.format_date(oracle.date_of(ts)))
            for _line, player, country, kind, sid, ts in dataset.src.events]
    msg = diff_rows(got, want, "r_session_events")
    assert msg is None, msg


def test_quarantine(dataset, pipeline):
    """r_session_events_quarantine: per reason the oracle's counts, and the
    very lines."""
    rows = delta_cat(pipeline.table(QUARANTINE), dataset.dir, ["line_number", "reason"])
    counts = Counter(r["reason"] for r in rows)
    want = {r: n for r, n in dataset.expected["counts"]["rejected"].items() if n}
    assert dict(counts) == want
    msg = diff_rows([(r["line_number"], r["reason"]) for r in rows],
                    [tuple(x) for x in dataset.expected["rejects"]], "quarantine lines")
    assert msg is None, msg


GOLD_COLUMNS = {"country", "player_id", "session_id", "start_ts", "end_ts", "session_status",
                "DL_INSERT_TS", "DL_UPDATE_TS", "EVENT_DATE"}


def test_gold_table(dataset, pipeline):
    """uc_delta_session_events equals the oracle's sessions (DL_* aside)."""
    rows = delta_cat(pipeline.table(GOLD), dataset.dir)
    assert not rows or set(rows[0]) == GOLD_COLUMNS, sorted(rows[0])
    got = [(r["session_id"], r["player_id"], r["country"], ts_text(r["start_ts"]),
            ts_text(r["end_ts"]), r["session_status"], r["EVENT_DATE"]) for r in rows]
    want = [(s["session_id"], s["player_id"], s["country"], oracle.format_ts(s["start_ts"]),
             oracle.format_ts(s["end_ts"]), s["session_status"],
             oracle.format_date(s["EVENT_DATE"]))
            for s in dataset.sessions]
    msg = diff_rows(got, want, "uc_delta_session_events")
    assert msg is None, msg


def test_insights(dataset, pipeline):
    """`medallion insights --json` prints exactly the oracle's object."""
    out = run(["insights", "--lake", pipeline.lake, "--json"], dataset.dir).strip()
    assert json.loads(out) == dataset.expected["insights"]
    assert out == json.dumps(dataset.expected["insights"], separators=(",", ":"))

# --------------------------------------------------------- serving tables --


def test_cql_completed_sessions_by_player(dataset, pipeline):
    """The API's query of a player's last 20 completed sessions, for the
    sampled players (one with the most, one with an end-only session, one
    unknown)."""
    stmt = pipeline.session.prepare(
        "SELECT player_id, session_id, country, end_ts FROM %s.completed_sessions_by_player "
        "WHERE player_id=? LIMIT 20" % KEYSPACE)
    wrong = []
    samples = dataset.expected["api"]["completed_sessions"]
    assert any(s["response"]["count"] == oracle.API_LIMIT for s in samples)
    for sample in samples:
        items = [{"player_id": r.player_id, "session_id": r.session_id, "country": r.country,
                  "ts": oracle.format_ts(micros_of_driver(r.end_ts))}
                 for r in pipeline.session.execute(stmt, [sample["player_id"]])]
        if items != sample["response"]["items"]:
            wrong.append((sample["player_id"], items[:3], sample["response"]["items"][:3]))
    assert not wrong, "%d of %d players differ (player, got, expected): %s" % (
        len(wrong), len(samples), wrong[:SHOW])


def test_cql_started_sessions_by_country_hour(dataset, pipeline):
    """The API's query of a country's sessions started in the last N hours:
    the N+1 hour partitions, newest first, with start_ts bounds; the
    partitions' clustering order must already give the API's order."""
    stmt = pipeline.session.prepare(
        "SELECT player_id, session_id, country, start_ts FROM %s.started_sessions_by_country_hour "
        "WHERE country=? AND hour=? AND start_ts>=? AND start_ts<=?" % KEYSPACE)
    wrong = []
    samples = dataset.expected["api"]["started_sessions"]
    if dataset.now_text == NOW_TEXT:  # the data set's first week: windows hold sessions
        assert any(s["response"]["count"] > 0 for s in samples)
    for sample in samples:
        now = dataset.now
        lo = now - sample["hours"] * oracle.MICROS_PER_HOUR
        hour = oracle.hour_of(now)
        items = []
        while hour >= oracle.hour_of(lo):
            bounds = [sample["country"], driver_time(hour), driver_time(lo), driver_time(now)]
            for r in pipeline.session.execute(stmt, bounds):
                items.append({"player_id": r.player_id, "session_id": r.session_id,
                              "country": r.country,
                              "ts": oracle.format_ts(micros_of_driver(r.start_ts))})
            hour -= oracle.MICROS_PER_HOUR
        if items != sample["response"]["items"]:
            wrong.append((sample["country"], sample["hours"], items, sample["response"]["items"]))
    assert not wrong, "%d of %d (country, hours) differ (got, expected): %s" % (
        len(wrong), len(samples), wrong[:SHOW])


def scan(session, query):
    from cassandra.query import SimpleStatement
    return list(session.execute(SimpleStatement(query, fetch_size=5000)))


@pytest.mark.parametrize("table", ["completed_sessions_by_player",
                                   "started_sessions_by_country_hour"])
def test_cql_table_contents(dataset, pipeline, table):
    """Both serving tables hold exactly the oracle's rows: COUNT(*) and a
    full scan."""
    if table == "completed_sessions_by_player":
        want = oracle.completed_rows(dataset.sessions, dataset.now)
        rows = scan(pipeline.session, "SELECT player_id, end_ts, session_id, country, start_ts "
                    "FROM %s.%s" % (KEYSPACE, table))
        got = [(r.player_id, micros_of_driver(r.end_ts), r.session_id, r.country,
                micros_of_driver(r.start_ts)) for r in rows]
    else:
        want = oracle.started_rows(dataset.sessions, dataset.now)
        rows = scan(pipeline.session, "SELECT country, hour, start_ts, session_id, player_id "
                    "FROM %s.%s" % (KEYSPACE, table))
        got = [(r.country, micros_of_driver(r.hour), micros_of_driver(r.start_ts), r.session_id,
                r.player_id) for r in rows]
    assert len(want) == dataset.expected["counts"][table]
    if dataset.name == "retention":  # the cut really falls inside the data
        assert 0 < len(want) < sum(1 for s in dataset.sessions if s["session_status"] == 1)
    count = pipeline.session.execute("SELECT COUNT(*) FROM %s.%s" % (KEYSPACE, table)).one()[0]
    assert count == len(want)
    msg = diff_rows(got, want, table)
    assert msg is None, msg

# ---------------------------------------------- the oracle's own edge cases --


def test_parse_iso8601_forms():
    p = oracle.parse_iso8601
    base = p("2016-11-18T12:48:05")
    assert base == 1479473285 * 1_000_000
    assert p("2016-11-18 12:48:05") == base
    assert p("2016-11-18T12:48:05Z") == p("2016-11-18T12:48:05z") == base
    assert p("2016-11-18T13:48:05+01:00") == p("2016-11-18T13:48:05+0100") == base
    assert p("2016-11-18T11:18:05-01:30") == base
    assert p("2016-11-18T12:48:05.5") == base + 500000
    assert p("2016-11-18T12:48:05.123456000") == base + 123456
    assert p("1969-12-31T23:59:59.999999") == -1
    assert p("2016-02-29T00:00:00") is not None
    for bad in ["2016-11-18T12:48", "2016-11-18T24:00:00", "2016-11-18T12:60:00",
                "2016-11-18T12:48:60", "2015-02-29T00:00:00", "2016-11-31T00:00:00",
                "2016-13-01T00:00:00", "2016-11-18T12:48:05.", "2016-11-18T12:48:05.1234567",
                "2016-11-18T12:48:05.0000000000", "2016-11-18T12:48:05+24:00",
                "2016-11-18T12:48:05+01:60", "2016-11-18T12:48:05+01", "2016-11-18t12:48:05",
                " 2016-11-18T12:48:05", "2016-11-18T12:48:05 ", "\uff12016-11-18T12:48:05",
                "18/11/2016 12:48:05", "", "yesterday", "2016-11-18T12:48:05+01:00Z"]:
        assert p(bad) is None, bad


def test_format_ts_is_python_isoformat():
    for dt in [datetime.datetime(2016, 11, 18, 12, 48, 5),
               datetime.datetime(2016, 11, 18, 12, 48, 5, 120),
               datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)]:
        assert oracle.format_ts(micros_of_driver(dt)) == dt.isoformat()


def ev(kind, session, ts, player="p", country="FI"):
    return (0, player, country if kind == "start" else None, kind, session,
            oracle.parse_iso8601(ts))


def test_sessionize_rules():
    rows = {r["session_id"]: r for r in oracle.sessionize([
        ev("end", "a", "2016-11-03T01:00:00"), ev("start", "a", "2016-11-02T23:00:00"),
        ev("end", "b", "2016-11-04T00:30:00", player="q"),
        ev("start", "c", "2016-11-05T10:00:00", country="Code"),
        ev("start", "d", "2016-11-06T10:00:00"), ev("end", "d", "2016-11-06T09:00:00"),
    ])}
    assert rows["a"]["session_status"] == 1 and rows["a"]["country"] == "FI"
    assert oracle.format_date(rows["a"]["EVENT_DATE"]) == "2016-11-02"  # the start's date
    assert rows["b"]["country"] is None and rows["b"]["start_ts"] is None
    assert rows["b"]["player_id"] == "q" and rows["b"]["session_status"] == 1
    assert oracle.format_date(rows["b"]["EVENT_DATE"]) == "2016-11-04"  # the end's date
    assert rows["c"]["session_status"] == 0 and rows["c"]["end_ts"] is None
    assert rows["d"]["end_ts"] < rows["d"]["start_ts"] and rows["d"]["session_status"] == 1


def test_api_answers_order_limit_and_window():
    events = [ev("start", "s%02d" % i, "2016-11-06T%02d:00:00" % (i % 24))
              for i in range(30)] + [
        ev("end", "s%02d" % i, "2016-11-06T23:00:00" if i < 25 else "2016-11-06T23:30:00")
        for i in range(30)]
    sessions = oracle.sessionize(events)
    by_player = oracle.group_by(oracle.completed_rows(sessions, NOW), 0)
    answer = oracle.completed_answer(by_player, "p")
    assert answer["count"] == 20
    assert [i["session_id"] for i in answer["items"]][:7] == [
        "s25", "s26", "s27", "s28", "s29", "s00", "s01"]
    assert answer["items"][0]["ts"] == "2016-11-06T23:30:00"
    by_country = oracle.group_by(oracle.started_rows(sessions, NOW), 0)
    one = oracle.started_answer(by_country, "FI", 1, NOW)
    assert [i["session_id"] for i in one["items"]] == ["s23"]  # 23:00 is within [23:00, 00:00]
    six = oracle.started_answer(by_country, "FI", 6, NOW)
    assert [i["ts"][11:13] for i in six["items"]] == ["23", "22", "21", "20", "19", "18"]
    assert oracle.started_answer(by_country, "DE", 24, NOW)["count"] == 0


def test_retention_drops_old_rows():
    sessions = oracle.sessionize([ev("start", "old", "2015-11-07T00:00:00"),
                                  ev("end", "old", "2015-11-07T00:00:01"),
                                  ev("start", "new", "2015-11-08T00:00:00"),
                                  ev("end", "new", "2015-11-08T00:00:00")])
    assert [r[2] for r in oracle.completed_rows(sessions, NOW)] == ["new"]
    assert [r[3] for r in oracle.started_rows(sessions, NOW)] == ["new"]

# Hand-made lines the generator does not write, classified by the oracle and
# by the decoder: (id, line, oracle's reason or None for an event).
GOOD = '{"player_id": "p1", "country": "FI", "event": "start", "session_id": "%s", "ts": "%s"}'
END = '{"player_id": "p1", "event": "end", "session_id": "%s", "ts": "2016-11-18T13:00:00"%s}'
EDGE_LINES = [
    ("ts_space", GOOD % ("a1", "2016-11-18 12:48:05"), None),
    ("ts_micros", GOOD % ("a2", "2016-11-18T12:48:05.123456"), None),
    ("ts_nanos_zero", GOOD % ("a3", "2016-11-18T12:48:05.123456000"), None),
    ("ts_nanos", GOOD % ("a4", "2016-11-18T12:48:05.1234567"), "bad_timestamp"),
    ("ts_offset", GOOD % ("a5", "2016-11-18T12:48:05-0130"), None),
    ("ts_offset_24", GOOD % ("a6", "2016-11-18T12:48:05+24:00"), "bad_timestamp"),
    ("ts_leap_second", GOOD % ("a7", "2016-12-31T23:59:60"), "bad_timestamp"),
    ("ts_no_leap_day", GOOD % ("a8", "2015-02-29T00:00:00"), "bad_timestamp"),
    ("ts_lower_t", GOOD % ("a9", "2016-11-18t12:48:05"), "bad_timestamp"),
    ("ts_year_0", GOOD % ("a10", "0000-01-01T00:00:00"), None),
    ("country_null", '{"player_id": "p1", "country": null, "event": "end", "session_id": "b1", '
                     '"ts": "2016-11-18T13:00:00"}', None),
    ("country_number", '{"player_id": "p1", "country": 5, "event": "end", "session_id": "b2", '
                       '"ts": "2016-11-18T13:00:00"}', "wrong_type"),
    ("wrong_type_before_missing", '{"player_id": "p1", "country": 5, "event": "end", '
                                  '"ts": "2016-11-18T13:00:00"}', "wrong_type"),
    ("missing_before_wrong_type", '{"country": 5, "event": "end", "session_id": "b3", '
                                  '"ts": "2016-11-18T13:00:00"}', "missing_field"),
    ("ts_bool", (END % ("b4", "")).replace('"2016-11-18T13:00:00"', "true"), "wrong_type"),
    ("extra_key", END % ("c1", ', "extra": [1, {"x": null}]'), None),
    ("crlf", END % ("c2", "") + "\r", None),
    ("blanks_around", "  " + END % ("c3", "") + "  ", None),
    ("trailing_garbage", END % ("c4", "") + " x", "not_json"),
    ("trailing_comma", END % ("c5", ","), "not_json"),
    ("nan", END % ("c6", ', "n": NaN'), "not_json"),
    ("leading_zero", END % ("c7", ', "n": 01'), "not_json"),
    ("escaped_text", END % ("c8", ', "x": "tab\\there \\u00e9"'), None),
    ("empty_object", "{}", "missing_field"),
    ("array", "[]", "not_json"),
    ("string", '"text"', "not_json"),
    ("empty", "", "not_json"),
    ("blank", "   ", "not_json"),
    ("duplicate_event", END % ("c8", ""), "duplicate"),
]
# Where the decoder's behaviour differs from its documented contract (the
# header's rule order), reported to the lead; strict, so a fix shows up.
RULE_ORDER = [
    ("unknown_event_before_bad_ts", '{"player_id": "p1", "event": "bogus", "session_id": "d1", '
                                    '"ts": "nope"}', "unknown_event"),
    ("missing_ts_before_unknown_event", '{"player_id": "p1", "event": "bogus", '
                                        '"session_id": "d1"}', "missing_field"),
]
# Last lines without "\n": (id, text, reason).
LAST_LINES = [
    ("truncated_object", '{"player_id": "p1", "ev', "truncated"),
    ("truncated_garbage", "garbage", "truncated"),
    ("complete_object", END % ("e1", ""), None),
    ("complete_bad_object", '{"player_id": "p1"}', "missing_field"),
    ("complete_array", "[1, 2]", "not_json"),
]


@pytest.fixture
def edge_dir(workdir):
    """A fresh directory under the run's temp dir (pytest's own tmp_path
    would outlive the run)."""
    return tempfile.mkdtemp(prefix="edge-", dir=workdir)


def classify_with_decoder(edge_dir, lines, last=None):
    """Writes lines (+ an unterminated last one) to a plain JSON Lines file;
    returns (oracle's reasons, decoder's reasons), each a list per line with
    None for an event ("duplicate" is the oracle's alone)."""
    path = os.path.join(edge_dir, "edge.jsonl")
    body = "".join(line + "\n" for line in lines) + (last or "")
    with open(path, "wb") as f:
        f.write(body.encode("utf-8"))
    src = oracle.read_source(path)
    count = len(lines) + (1 if last else 0)
    assert src.lines == count
    mine = dict(src.rejects)
    theirs, _summary = decoder_rejects(path, edge_dir, count)
    return ([mine.get(i) for i in range(1, count + 1)],
            [theirs.get(i) for i in range(1, count + 1)])


def test_edge_lines_oracle_and_decoder(edge_dir):
    lines = [line for _id, line, _reason in EDGE_LINES]
    mine, theirs = classify_with_decoder(edge_dir, lines)
    assert mine == [reason for _id, _line, reason in EDGE_LINES]
    decoder_view = [None if r == oracle.DUPLICATE else r for r in mine]
    wrong = [(EDGE_LINES[i][0], theirs[i], decoder_view[i])
             for i in range(len(lines)) if theirs[i] != decoder_view[i]]
    assert not wrong, "(case, decoder, oracle): %s" % wrong


@pytest.mark.parametrize("case", LAST_LINES, ids=lambda c: c[0])
def test_last_line_oracle_and_decoder(edge_dir, case):
    _id, text, reason = case
    mine, theirs = classify_with_decoder(edge_dir, [GOOD % ("z", "2016-11-18T12:48:05")], text)
    assert mine == [None, reason]
    assert theirs == mine


@pytest.mark.parametrize("case", RULE_ORDER, ids=lambda c: c[0])
def test_rule_order_oracle_and_decoder(edge_dir, case):
    _id, line, reason = case
    mine, theirs = classify_with_decoder(edge_dir, [line])
    assert mine == [reason]
    assert theirs == mine
