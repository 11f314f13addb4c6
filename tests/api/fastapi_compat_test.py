"""Issue 9's compatibility test: `medallion serve` answers as the FastAPI app.

One embedded CQL node (`medallion cql-server --no-auth`, 127.0.0.1, port 0)
gets the serving keyspace (the DDL of src/pipeline/serving_tables.cc) and a
little data through the DataStax driver: players with more than 20
sessions, ties on end_ts and start_ts, rows on the retention and window
boundaries, rows after "now", odd player ids ("%ZZ", U+FFFD, NUL, "p\\n",
64 x 'é'), countries over 30 hours. Then two servers on that same node:

  candidate: $MEDALLION_BIN serve --cql 127.0.0.1:P --port Q --now 2016-11-07T00:00:00Z
  reference: /usr/bin/python3 bench/api_baseline.py --cql-host 127.0.0.1 --cql-port P --port R
             (FastAPI 0.92 + uvicorn, MEDALLION_NOW=2016-11-07T00:00:00Z)

and every request of the tables below goes to both over raw sockets (the
request-target byte for byte, Host: testserver, Connection: close). The
status codes must be equal; so must the JSON bodies (parsed), the
media type, and the Allow and Location header fields when present; HEAD
answers carry no body. Good requests are also checked against an oracle
computed from the inserted rows, so that the test fails when both servers
agree on a wrong answer, and the paging walks follow next_page_token to the
end on both servers.

Run (CTest: api_fastapi_compat, once MEDALLION_API_SERVE_READY is ON):
  MEDALLION_BIN=build/src/cli/medallion /usr/bin/python3 -m pytest -q -p no:cacheprovider \\
      tests/api/fastapi_compat_test.py
API_COMPAT_CANDIDATE=baseline runs a second baseline as the candidate (to
check the harness itself without `medallion serve`); API_COMPAT_KEEP=1 keeps
the temp directory with the server logs.
"""

import base64
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MEDALLION_SOURCE_DIR", os.path.join(HERE, "..", ".."))
BASELINE = os.path.join(SOURCE_DIR, "bench", "api_baseline.py")
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "compat"))

from cql_server import CqlServer  # noqa: E402

NOW_TEXT = "2016-11-07T00:00:00Z"
NOW = datetime(2016, 11, 7)
RETENTION = timedelta(days=365)
HOST = "testserver"
START_TIMEOUT = 60
REQUEST_TIMEOUT = 30

DDL = [
    "CREATE KEYSPACE IF NOT EXISTS session_events WITH replication = "
    "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    "CREATE TABLE IF NOT EXISTS session_events.completed_sessions_by_player (player_id text, "
    "end_ts timestamp, session_id text, country text, start_ts timestamp, "
    "PRIMARY KEY ((player_id), end_ts, session_id)) "
    "WITH CLUSTERING ORDER BY (end_ts DESC, session_id ASC)",
    "CREATE TABLE IF NOT EXISTS session_events.started_sessions_by_country_hour (country text, "
    "hour timestamp, start_ts timestamp, session_id text, player_id text, "
    "PRIMARY KEY ((country, hour), start_ts, session_id)) "
    "WITH CLUSTERING ORDER BY (start_ts DESC, session_id ASC)",
]

ODD_PLAYERS = ["jörg", "a b", "a+b", "%ZZ", "\ufffd", "\x00", "p\n", "x" * 64, "é" * 64, "..",
               "a;b", "a?b", "a#b", "\U0001F600" * 64, "\x01\x1f\x7f\u2028\"\\"]
ODD_COUNTRIES = ["ÅX", "a b", "%ZZ"]


# --- data -----------------------------------------------------------------

def ms(n):
    return timedelta(milliseconds=n)


def hour_of(ts):
    return ts.replace(minute=0, second=0, microsecond=0)


def make_data():
    """(completed rows, started rows): lists of dicts, deterministic."""
    rng = random.Random(20161107)
    completed = []

    def add_completed(player, end_ts, session_id, country="US"):
        completed.append({"player_id": player, "end_ts": end_ts, "session_id": session_id,
                          "country": country, "start_ts": end_ts - timedelta(minutes=30)})

    for i in range(30):  # more than 20 inside the window, some outside
        add_completed("p-many", NOW - timedelta(days=i * 13) - ms(rng.choice([0, 345, 999])),
                      "s%02d" % i, rng.choice(["US", "FI", "DE"]))
    add_completed("p-many", NOW - timedelta(days=2), "s-tie-b")  # ties on end_ts
    add_completed("p-many", NOW - timedelta(days=2), "s-tie-a")
    add_completed("p-edge", NOW - RETENTION, "s-in")  # exactly on the boundary: in
    add_completed("p-edge", NOW - RETENTION - ms(1), "s-out")
    add_completed("p-edge", NOW + timedelta(hours=5), "s-future")  # no upper bound
    add_completed("p-edge", NOW - timedelta(days=3) + ms(7), "s-ms")
    for i in range(25):  # 25 sessions, one end_ts: the 20 smallest ids
        add_completed("p-ties", NOW - timedelta(hours=1), "t%02d" % (24 - i))
    add_completed("p-few", NOW - timedelta(days=1, milliseconds=1), "f1", "FI")
    add_completed("p-few", NOW - timedelta(days=40), "f2", "FI")
    add_completed("p-old", NOW - timedelta(days=400), "o1")
    for n, player in enumerate(ODD_PLAYERS):
        add_completed(player, NOW - timedelta(days=n + 1, milliseconds=n * 111), "odd%d" % n,
                      "\x02é")

    started = []

    def add_started(country, start_ts, session_id, player="p-x"):
        started.append({"country": country, "hour": hour_of(start_ts), "start_ts": start_ts,
                        "session_id": session_id, "player_id": player})

    for i in range(300):  # dense, 30 hours back to 2 hours ahead, ties in threes
        base = NOW - ms(rng.randrange(-2 * 3600 * 1000, 30 * 3600 * 1000))
        for k in range(1 if i % 10 else 3):
            add_started("US", base, "u%03d-%d" % (i, k), "p%d" % (i % 17))
    for h in range(1, 25):  # the window's edges for every hours value
        add_started("US", NOW - timedelta(hours=h), "edge-%02d-in" % h)
        add_started("US", NOW - timedelta(hours=h) - ms(1), "edge-%02d-out" % h)
    add_started("US", NOW, "now-in")
    add_started("US", NOW + ms(1), "now-out")
    for i in range(5):
        add_started("FI", NOW - timedelta(minutes=37 * i + 1), "fi%d" % i, "p-few")
    for n, country in enumerate(ODD_COUNTRIES):
        add_started(country, NOW - timedelta(minutes=n + 5), "odd%d" % n, "\x01ö")
    return completed, started


def load(port, completed, started):
    from cassandra.cluster import Cluster

    cluster = Cluster(["127.0.0.1"], port=port, protocol_version=4)
    try:
        session = cluster.connect()
        for statement in DDL:
            session.execute(statement)
        insert_completed = session.prepare(
            "INSERT INTO session_events.completed_sessions_by_player "
            "(player_id, end_ts, session_id, country, start_ts) VALUES (?, ?, ?, ?, ?)")
        insert_started = session.prepare(
            "INSERT INTO session_events.started_sessions_by_country_hour "
            "(country, hour, start_ts, session_id, player_id) VALUES (?, ?, ?, ?, ?)")
        for r in completed:
            session.execute(insert_completed, (r["player_id"], r["end_ts"], r["session_id"],
                                               r["country"], r["start_ts"]))
        for r in started:
            session.execute(insert_started, (r["country"], r["hour"], r["start_ts"],
                                             r["session_id"], r["player_id"]))
    finally:
        cluster.shutdown()


# --- the oracle -----------------------------------------------------------

def iso(ts):
    return ts.isoformat()


def expected_completed(completed, player):
    rows = [r for r in completed if r["player_id"] == player and r["end_ts"] >= NOW - RETENTION]
    rows.sort(key=lambda r: r["session_id"])
    rows.sort(key=lambda r: r["end_ts"], reverse=True)
    items = [{"player_id": player, "session_id": r["session_id"], "country": r["country"],
              "ts": iso(r["end_ts"])} for r in rows[:20]]
    return {"items": items, "count": len(items)}


def expected_started_all(started, country, hours):
    """Every item of the window, in order."""
    lo = NOW - timedelta(hours=hours)
    rows = [r for r in started if r["country"] == country and lo <= r["start_ts"] <= NOW]
    rows.sort(key=lambda r: r["session_id"])
    rows.sort(key=lambda r: r["start_ts"], reverse=True)
    return [{"player_id": r["player_id"], "session_id": r["session_id"], "country": country,
             "ts": iso(r["start_ts"])} for r in rows]


def token_for(item):
    ts = datetime.fromisoformat(item["ts"])
    text = "%d:%s" % ((ts - datetime(1970, 1, 1)) // ms(1), item["session_id"])
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


# --- processes ------------------------------------------------------------

def medallion_bin():
    path = os.environ.get("MEDALLION_BIN")
    if not path:
        pytest.fail("MEDALLION_BIN is not set: point it at the built medallion binary")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HttpServer:
    """A server process answering HTTP on 127.0.0.1:port; stdout and stderr
    go to a log file."""

    def __init__(self, name, command, port, log_path, env=None):
        self.name = name
        self.command = command
        self.port = port
        self.log_path = log_path
        self.env = env
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s before answering /health\n%s" % (
                    self.name, self.proc.returncode, self.log()))
            try:
                status, _, _ = request(self.port, "GET", "/health", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("%s: no 200 from /health within %d s\n%s" % (
            self.name, START_TIMEOUT, self.log()))

    def stop(self, grace=10):
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-8000:].decode("utf-8", "replace")
        except OSError:
            return ""


def request(port, method, target, timeout=REQUEST_TIMEOUT):
    """One request over a fresh connection: (status, {lower-case name: value}, body)."""
    if isinstance(target, str):
        target = target.encode("latin-1")
    head = method.encode("ascii") + b" " + target + b" HTTP/1.1\r\nHost: " + HOST.encode() + \
        b"\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    raw_head, _, body = data.partition(b"\r\n\r\n")
    lines = raw_head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    if "content-length" in headers and method != "HEAD":
        body = body[:int(headers["content-length"])]
    return status, headers, body


# --- fixtures -------------------------------------------------------------

@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.fixture(scope="module")
def servers(data):
    """(candidate port, reference port), both serving the same CQL node."""
    tmp = tempfile.mkdtemp(prefix="api-compat-")
    started = []
    try:
        cql = CqlServer(os.path.join(tmp, "cql"), os.path.join(tmp, "cql-server.log"),
                        extra_args=["--no-auth"], binary=medallion_bin())
        cql.start()
        started.append(cql)
        load(cql.port, *data)

        env = dict(os.environ, MEDALLION_NOW=NOW_TEXT, PYTHONDONTWRITEBYTECODE="1")
        reference_port = free_port()
        reference = HttpServer(
            "api_baseline.py",
            ["/usr/bin/python3", BASELINE, "--cql-host", "127.0.0.1", "--cql-port",
             str(cql.port), "--port", str(reference_port)],
            reference_port, os.path.join(tmp, "baseline.log"), env)
        reference.start()
        started.append(reference)

        candidate_port = free_port()
        if os.environ.get("API_COMPAT_CANDIDATE") == "baseline":
            command = ["/usr/bin/python3", BASELINE, "--cql-host", "127.0.0.1", "--cql-port",
                       str(cql.port), "--port", str(candidate_port)]
        else:
            command = [medallion_bin(), "serve", "--cql", "127.0.0.1:%d" % cql.port,
                       "--port", str(candidate_port), "--now", NOW_TEXT]
        candidate = HttpServer("candidate", command, candidate_port,
                               os.path.join(tmp, "candidate.log"), env)
        candidate.start()
        started.append(candidate)
        yield candidate_port, reference_port
        for server in (candidate, reference):
            code = server.stop()
            assert code == 0, "%s: exit %r after SIGTERM (want 0)\n%s" % (
                server.name, code, server.log())
    finally:
        for server in reversed(started):
            server.stop()
        if os.environ.get("API_COMPAT_KEEP") == "1":
            print("api-compat: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# --- comparison -----------------------------------------------------------

def media_type(headers):
    return headers.get("content-type", "").split(";")[0].strip().lower()


def answer(port, method, target):
    """A comparable view of one answer: status, media type, Allow, Location and
    the body (parsed when JSON)."""
    status, headers, body = request(port, method, target)
    view = {"status": status, "media_type": media_type(headers)}
    for name in ("allow", "location"):
        if name in headers:
            view[name] = headers[name]
    if method == "HEAD":
        view["body"] = body
    elif view["media_type"] == "application/json":
        try:
            view["body"] = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            view["body"] = "unparsable JSON (%s): %r" % (e, body[:200])
    else:
        view["body"] = body
    return view


def compare(servers, method, target):
    candidate, reference = servers
    want = answer(reference, method, target)
    got = answer(candidate, method, target)
    assert got == want, "%s %r\n  medallion: %s\n  fastapi:   %s" % (
        method, target, show(got), show(want))
    return want


def show(view):
    text = json.dumps(view, ensure_ascii=False, default=repr)
    return text if len(text) < 1500 else text[:1500] + "..."


# --- the tables -----------------------------------------------------------

C = "/models/completed-sessions/"
S = "/models/started_sessions/"


def pct(text):
    """Percent-encodes every byte of text's UTF-8 (a path segment)."""
    return "".join("%%%02X" % b for b in text.encode("utf-8"))


KNOWN_PLAYERS = ["p-many", "p-edge", "p-ties", "p-few", "p-old", "nobody"] + ODD_PLAYERS
COUNTRIES = ["US", "FI", "DE"] + ODD_COUNTRIES

BAD_TARGETS = [
    # hours
    S + "US/0", S + "US/25", S + "US/-1", S + "US/abc", S + "US/1e3", S + "US/1.0", S + "US/5.5",
    S + "US/0x10", S + "US/_1", S + "US/1_", S + "US/1__0", S + "US/%20", S + "US/%",
    S + "US/%205%20", S + "US/+5", S + "US/%2B5", S + "US/05", S + "US/1_0", S + "US/%D9%A3",
    S + "US/1%D9%A3", S + "US/%EF%BC%95", S + "US/%095%0A", S + "US/5%0A", S + "US/%0A",
    S + "US/%1C5", S + "US/%E2%80%8B5", S + "US/%C2%A05", S + "US/%E3%80%805", S + "US/%C2%B2",
    S + "US/99999999999999999999999", S + "US/-99999999999999999999999",
    S + "US/9223372036854775808", S + "US/-9223372036854775809",
    S + "US/" + "9" * 4300, S + "US/" + "0" * 4299 + "1", S + "US/" + "0" * 4300 + "1",
    S + "US/" + "%20" * 4299 + "5", S + "US/" + "%20" * 4300 + "5", S + "US/" + "1" * 10240,
    S + "US/%00", S + "US/%FF", S + "US/%ZZ", S + "US/-0", S + "US/24", S + "US/1",
    # player ids
    C + "x" * 65, C + "a" * 10240, C + pct("é") * 65, C + pct("\U0001F600") * 65, C + "%FF" * 64,
    C + "%FF" * 65, C + "%ZZ", C + "%FF", C + "%00", C + "a%2Fb", C + "a%2F", C + "%2F",
    C + "p-many%0A", C + "p%0A", C + "%0A", C + "..", C + "%2E%2E", C + "%C0%AF", C + "%ED%A0%80",
    C + "%E2%82", C + "a%3Bb", C + "a%3Fb", C + "a%23b", C + "a+b", C + "a%2Bb", C + "a%20b",
    C + "p-many?limit=0&page_token=%ZZ",
    # countries
    S + "x" * 65 + "/5", S + "%ZZ/5", S + "%FF/5", S + "a%2Fb/5", S + "%C3%85X/5", S + "DE/5",
    S + "a%20b/24", S + "a+b/24",
    # query parameters
    S + "US/1?limit=0", S + "US/1?limit=1001", S + "US/1?limit=abc", S + "US/1?limit=",
    S + "US/1?limit", S + "US/1?limit=2&limit=3", S + "US/1?limit=abc&limit=3",
    S + "US/1?limit=3&limit=abc", S + "US/1?limit=+1", S + "US/1?limit=%2B1", S + "US/1?limit=1+",
    S + "US/1?limit=-1", S + "US/1?limit=99999999999999999999999", S + "US/1?limit=1000",
    S + "US/1?LIMIT=0", S + "US/1?limit+=0", S + "US/1?foo=bar&limit=1", S + "US/1?limit%3D0",
    S + "US/1?;limit=0", S + "US/1?limit=1;limit=0", S + "US/1?li%6Dit=2", S + "US/1?limit=%31",
    S + "US/1?limit=%", S + "US/1?limit=1%", S + "US/1?&&&limit=2&&", S + "US/1?=5",
    S + "US/1?limit=%D9%A3",
    # page tokens
    S + "US/24?page_token=", S + "US/24?page_token=%ZZ", S + "US/24?page_token=abc=",
    S + "US/24?page_token=+abc", S + "US/24?page_token=MTp4", S + "US/24?page_token=MTo",
    S + "US/24?page_token=OnNz", S + "US/24?page_token=LTE6eA", S + "US/24?page_token=MTrtoIA",
    S + "US/24?page_token=MjUzNDAyMzAwNzk5OTk5OngK&limit=3",
    S + "US/24?page_token=MjUzNDAyMzAwODAwMDAwOng",
    S + "US/24?page_token=" + "a" * 257, S + "US/24?page_token=" + "a" * 256,
    S + "US/24?page_token=%FF", S + "US/24?page_token=MTp4&page_token=%ZZ",
    S + "US/24?page_token=%ZZ&page_token=MTp4",
    # several errors at once; a bad token after a FastAPI error
    S + "x" * 65 + "/0?limit=0&page_token=" + "a" * 257, S + "US/0?page_token=%ZZ",
    S + "US/abc?limit=abc", S + "US/1?limit=0&page_token=%ZZ",
]

ROUTING = [
    ("GET", "/health"), ("GET", "/ready"), ("GET", "/health/"), ("GET", "/health//"),
    ("GET", "//health"), ("GET", "/Health"), ("GET", "/nope"), ("GET", "/"), ("GET", "//"), ("GET", "/%2F"),
    ("GET", "/health?x=1"), ("GET", "/%68ealth"), ("GET", "/health%0A"), ("GET", "/health%0A%0A"),
    ("GET", "/health%2F"), ("GET", "/health#frag"), ("GET", "/models/../health"),
    ("GET", "/models"), ("GET", "/models/"), ("GET", C), ("GET", C[:-1]), ("GET", C + "/"),
    ("GET", C + "p-many/"), ("GET", C + "p-many//"), ("GET", C + "p-many/x"),
    ("GET", C + "%20/"), ("GET", C + "%FF/"), ("GET", C + "p%0A/"), ("GET", C + "p-many/?a=b%20c"),
    ("GET", S + "US/5/"), ("GET", S + "US/abc/"), ("GET", S + "US/5%2F"), ("GET", S + "US/"),
    ("GET", S + "US"), ("GET", S + "/5"), ("GET", S + "US//5"), ("GET", S + "US/5/x"),
    ("GET", "/health/?q=%22"), ("GET", "/ready%0A"), ("GET", "/health%0A/"),
    ("POST", "/health"), ("PUT", "/health"), ("DELETE", "/ready"), ("OPTIONS", "/health"),
    ("PATCH", C + "p-many"), ("get", "/health"), ("POST", S + "US/0"), ("POST", "/health/"),
    ("POST", "/nope"), ("HEAD", "/health"), ("HEAD", C + "p-many"), ("HEAD", "/health/"),
    ("HEAD", "/nope"), ("HEAD", S + "US/0"),
]

# Request-targets h11 refuses (uvicorn: 400 before any routing): statuses only.
INVALID_TARGETS = [b"/health\x80", b"/models/completed-sessions/\xc3\xa9", b"/health?q=\xc3\xa9",
                   b"/health\x7f"]

PAGING = [("US", 24, None), ("US", 24, 7), ("US", 24, 1000), ("US", 3, 1), ("US", 1, 2),
          ("FI", 24, 1), ("FI", 2, 2), ("DE", 24, 5), ("ÅX", 24, 1)]


# --- the tests ------------------------------------------------------------

def test_completed_sessions(servers, data):
    completed, _ = data
    for player in KNOWN_PLAYERS:
        want = compare(servers, "GET", C + pct(player))
        assert want["status"] == 200
        assert want["body"] == expected_completed(completed, player), player
    # A guard on the data: some answers are full, some empty.
    assert expected_completed(completed, "p-many")["count"] == 20
    assert expected_completed(completed, "p-old")["count"] == 0


def test_started_sessions_every_hours(servers, data):
    _, started = data
    for country in COUNTRIES:
        for hours in range(1, 25):
            want = compare(servers, "GET", "%s%s/%d" % (S, pct(country), hours))
            assert want["status"] == 200
            items = expected_started_all(started, country, hours)
            assert want["body"]["items"] == items[:100], (country, hours)
            assert want["body"]["count"] == len(items[:100])
            token = token_for(items[99]) if len(items) > 100 else None
            assert want["body"]["next_page_token"] == token, (country, hours)
    assert len(expected_started_all(started, "US", 24)) > 100


@pytest.mark.parametrize("country,hours,limit", PAGING)
def test_paging_to_the_end(servers, data, country, hours, limit):
    _, started = data
    items = expected_started_all(started, country, hours)
    page_size = limit or 100
    base = "%s%s/%d" % (S, pct(country), hours)
    seen = []
    token = None
    for page in range(len(items) // page_size + 2):
        query = []
        if limit is not None:
            query.append("limit=%d" % limit)
        if token is not None:
            query.append("page_token=" + token)
        want = compare(servers, "GET", base + ("?" + "&".join(query) if query else ""))
        assert want["status"] == 200
        body = want["body"]
        assert body["items"] == items[len(seen):len(seen) + page_size], (page, token)
        seen += body["items"]
        token = body["next_page_token"]
        if token is None:
            break
    assert token is None, "next_page_token still set after %d pages" % page
    assert seen == items


def test_bad_inputs(servers):
    failures = []
    for target in BAD_TARGETS:
        try:
            compare(servers, "GET", target)
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "%d of %d differ:\n%s" % (len(failures), len(BAD_TARGETS),
                                                    "\n".join(failures))


def test_routing(servers):
    failures = []
    for method, target in ROUTING:
        try:
            compare(servers, method, target)
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "%d of %d differ:\n%s" % (len(failures), len(ROUTING),
                                                    "\n".join(failures))


def test_reference_facts(servers):
    """The FastAPI facts the tables rely on (so that a change of the
    reference shows here, not as a puzzling difference)."""
    _, reference = servers
    assert answer(reference, "GET", S + "US/0")["body"] == {"detail": [{
        "loc": ["path", "hours"], "msg": "ensure this value is greater than or equal to 1",
        "type": "value_error.number.not_ge", "ctx": {"limit_value": 1}}]}
    assert answer(reference, "GET", "/health/")["location"] == "http://testserver/health"
    assert answer(reference, "POST", "/health")["allow"] == "GET"
    assert answer(reference, "HEAD", "/health")["status"] == 405
    assert answer(reference, "GET", S + "US/1?page_token=%ZZ")["body"]["detail"][0]["type"] == \
        "value_error.page_token"


def test_invalid_request_targets(servers):
    candidate, reference = servers
    for target in INVALID_TARGETS:
        want = request(reference, "GET", target)[0]
        got = request(candidate, "GET", target)[0]
        assert got == want, "GET %r: medallion %d, fastapi %d" % (target, got, want)
