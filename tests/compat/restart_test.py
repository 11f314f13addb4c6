#!/usr/bin/env python3
"""Kill-and-restart test of `medallion cql-server` with the python driver.

Each round: start the server on the same --data dir, check that everything
acknowledged before is still there with its exact values and that the
schema survived (tables, clustering order, a dropped table staying dropped),
write a batch of rows (prepared, concurrent via execute_async) and wait for
every acknowledgement, then keep writing (new keys and overwrites) and
SIGKILL the server mid-stream. A write acknowledged before the kill must
survive; one not acknowledged may or may not. In the first round a second
server on the same --data dir must fail with a clear error; at the end a
statement prepared before a clean restart (same port) must still work.

  MEDALLION_BIN=build/src/cli/medallion /usr/bin/python3 tests/compat/restart_test.py [--rounds N]
Exit status 0 when every check passed.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cql_server import CqlServer, medallion_bin  # noqa: E402

from cassandra.auth import PlainTextAuthProvider  # noqa: E402
from cassandra.cluster import Cluster  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402


def log(msg):
    print("restart_test: " + msg, flush=True)


def connect(port):
    cluster = Cluster(["127.0.0.1"], port=port, connect_timeout=10,
                      auth_provider=PlainTextAuthProvider("cassandra", "cassandra"))
    return cluster, cluster.connect()


def value_for(key, round_no, rng):
    blob = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 200)))
    return ("r%d-k%d-%s" % (round_no, key, "x" * rng.randrange(0, 50)), blob)


class Ledger:
    """What was acknowledged (must survive) and what was sent unacknowledged
    (may survive), per key (k int, c int)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}
        self.maybe = {}

    def sent(self, key, value):
        with self.lock:
            self.maybe.setdefault(key, []).append(value)

    def ack(self, key, value):
        with self.lock:
            self.acked[key] = value
            vals = self.maybe.get(key, [])
            if value in vals:
                vals.remove(value)


def write_rows(session, stmt, ledger, items, concurrency=64, stop=None):
    """Writes (key, value) items with at most `concurrency` in flight; records
    acknowledgements. Returns the number acknowledged and failed."""
    sem = threading.Semaphore(concurrency)
    counts = {"ok": 0, "err": 0}
    outstanding = []
    done_all = threading.Event()
    pending = [0]
    plock = threading.Lock()

    def finish():
        with plock:
            pending[0] -= 1
            if pending[0] == 0 and finished_sending[0]:
                done_all.set()
        sem.release()

    def on_ok(_, key, value):
        ledger.ack(key, value)
        counts["ok"] += 1
        finish()

    def on_err(exc, key, value):
        counts["err"] += 1
        finish()

    finished_sending = [False]
    for key, value in items:
        if stop is not None and stop.is_set():
            break
        sem.acquire()
        with plock:
            pending[0] += 1
        ledger.sent(key, value)
        try:
            f = session.execute_async(stmt, (key[0], key[1], value[0], value[1]))
        except Exception:  # the session is gone (after the kill)
            counts["err"] += 1
            finish()
            continue
        f.add_callbacks(on_ok, on_err, callback_args=(key, value), errback_args=(key, value))
        outstanding.append(f)
    with plock:
        finished_sending[0] = True
        if pending[0] == 0:
            done_all.set()
    done_all.wait(120)
    return counts["ok"], counts["err"]


def verify(session, cluster, ledger, failures):
    rows = {}
    st = SimpleStatement("SELECT k, c, v, b FROM rk.t", fetch_size=1000)
    for r in session.execute(st):
        key = (r.k, r.c)
        if key in rows:
            failures.append("row %r returned twice by a full scan" % (key,))
        rows[key] = (r.v, bytes(r.b) if r.b is not None else b"")
    missing = wrong = 0
    with ledger.lock:
        for key, value in ledger.acked.items():
            got = rows.get(key)
            if got is None:
                missing += 1
                if missing <= 5:
                    failures.append("acknowledged row %r is missing after restart" % (key,))
            elif got != value and got not in ledger.maybe.get(key, []):
                wrong += 1
                if wrong <= 5:
                    failures.append("row %r: acknowledged %r, read %r" % (key, value, got))
        extra = 0
        for key, got in rows.items():
            if key not in ledger.acked and got not in ledger.maybe.get(key, []):
                extra += 1
                if extra <= 5:
                    failures.append("row %r=%r was never written" % (key, got))
        # What survived is now the state to compare with.
        for key, got in rows.items():
            ledger.acked[key] = got
        ledger.maybe.clear()
    if missing or wrong:
        failures.append("%d acknowledged rows missing, %d with wrong values (of %d)"
                        % (missing, wrong, len(ledger.acked)))
    count = session.execute("SELECT COUNT(*) FROM rk.t").one()[0]
    if count != len(rows):
        failures.append("COUNT(*) = %d but a full scan returned %d rows" % (count, len(rows)))
    # A single-partition read in clustering order (DESC).
    some = next(iter(rows), None)
    if some is not None:
        cs = [r.c for r in session.execute("SELECT c FROM rk.t WHERE k = %s", (some[0],))]
        if cs != sorted(cs, reverse=True):
            failures.append("partition %d not in DESC clustering order: %r" % (some[0], cs[:10]))
    # Schema.
    ks = cluster.metadata.keyspaces.get("rk")
    if ks is None:
        failures.append("keyspace rk is gone after restart")
        return len(rows)
    if set(ks.tables) != {"t", "t2"}:
        failures.append("tables after restart: %r (want t, t2; 'gone' was dropped)" % sorted(ks.tables))
    t = ks.tables.get("t")
    if t is not None:
        if [c.name for c in t.clustering_key] != ["c"] or not t.clustering_key[0].is_reversed:
            failures.append("rk.t lost its clustering order: %s" % t.export_as_string())
    t2 = ks.tables.get("t2")
    if t2 is not None and [c.name for c in t2.partition_key] != ["a", "b"]:
        failures.append("rk.t2 partition key: %r" % [c.name for c in t2.partition_key])
    return len(rows)


def second_server_fails(data_dir, root, failures):
    log_path = os.path.join(root, "second.log")
    proc = subprocess.Popen([medallion_bin(), "cql-server", "--data", data_dir,
                             "--host", "127.0.0.1", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        failures.append("a second server on the same --data did not exit within 20 s (stdout %r)"
                        % out[:200])
        return
    with open(log_path, "wb") as f:
        f.write(out + b"\n--stderr--\n" + err)
    msg = err.decode("utf-8", "replace").strip()
    log("second server on the same --data: exit %d, stderr: %s" % (proc.returncode, msg[:300]))
    if proc.returncode == 0:
        failures.append("a second server on the same --data exited 0")
    if b"listening on" in out:
        failures.append("a second server on the same --data printed a listening line")
    if not msg:
        failures.append("a second server on the same --data failed without a message on stderr")


def reprepare_after_restart(server, cluster, session, data_dir, root, ledger, failures):
    """A statement prepared before a clean restart on the same port still
    works afterwards: the driver reconnects by itself and prepares it again
    (when the host comes back up, or on the server's Unprepared 0x2500)."""
    with ledger.lock:
        key, value = next(iter(ledger.acked.items()))
    sel = session.prepare("SELECT v, b FROM rk.t WHERE k = ? AND c = ?")
    session.execute(sel, key)
    port = server.port
    code = server.stop()
    if code != 0:
        failures.append("cql-server exited %r after SIGTERM" % code)
    again = CqlServer(data_dir, os.path.join(root, "server.log"), port=port)
    try:
        again.start()
    except RuntimeError as e:
        log("cannot restart on port %d (%s); skipping the re-prepare check" % (port, e))
        return
    server.proc, server.port, server._drain = again.proc, again.port, again._drain
    deadline = time.monotonic() + 40
    last = None
    while time.monotonic() < deadline:
        try:
            row = session.execute(sel, key).one()
            got = (row.v, bytes(row.b) if row.b is not None else b"")
            if got != value:
                failures.append("after a restart, the re-prepared SELECT read %r, want %r" % (got, value))
            log("a statement prepared before the restart works after it")
            return
        except Exception as e:  # reconnecting
            last = e
            time.sleep(0.5)
    failures.append("a statement prepared before a restart fails after it: %r" % (last,))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rng = random.Random(6)
    root = tempfile.mkdtemp(prefix="cql-compat-restart-")
    data_dir = os.path.join(root, "data")
    ledger = Ledger()
    failures = []
    next_c = 0
    server = None
    try:
        for rnd in range(args.rounds + 1):
            server = CqlServer(data_dir, os.path.join(root, "server.log"))
            port = server.start()
            log("round %d: server on port %d" % (rnd, port))
            cluster, session = connect(port)
            if rnd == 0:
                session.execute("CREATE KEYSPACE rk WITH replication = "
                                "{'class': 'SimpleStrategy', 'replication_factor': 1}")
                session.execute("CREATE TABLE rk.t (k int, c int, v text, b blob, PRIMARY KEY (k, c)) "
                                "WITH CLUSTERING ORDER BY (c DESC)")
                session.execute("CREATE TABLE rk.t2 (a int, b text, x int, PRIMARY KEY ((a, b)))")
                session.execute("CREATE TABLE rk.gone (k int PRIMARY KEY)")
                session.execute("DROP TABLE rk.gone")
                session.execute("INSERT INTO rk.t2 (a, b, x) VALUES (1, 'one', 1)")
                second_server_fails(data_dir, root, failures)
            else:
                n = verify(session, cluster, ledger, failures)
                log("round %d: %d rows verified after restart, %d failures so far"
                    % (rnd, n, len(failures)))
                row = session.execute("SELECT x FROM rk.t2 WHERE a = 1 AND b = 'one'").one()
                if row is None or row.x != 1:
                    failures.append("rk.t2 row lost: %r" % (row,))
            if rnd == args.rounds:
                reprepare_after_restart(server, cluster, session, data_dir, root, ledger, failures)
                cluster.shutdown()
                code = server.stop()
                if code != 0:
                    failures.append("cql-server exited %r after SIGTERM" % code)
                break
            stmt = session.prepare("INSERT INTO rk.t (k, c, v, b) VALUES (?, ?, ?, ?)")
            # Acknowledged batch: new keys, plus overwrites of older ones.
            count = args.rows if rnd == 0 else args.rows // 5
            items = []
            for _ in range(count):
                key = (next_c % 97, next_c)
                next_c += 1
                items.append((key, value_for(key[1], rnd, rng)))
            with ledger.lock:
                old = list(ledger.acked)[: count // 4]
            items += [(key, value_for(key[1], rnd, rng)) for key in old]
            ok, err = write_rows(session, stmt, ledger, items)
            log("round %d: %d writes acknowledged, %d failed" % (rnd, ok, err))
            if err:
                failures.append("round %d: %d writes failed while the server was up" % (rnd, err))
            # Then a stream of writes, killed part-way.
            stream_items = []
            for _ in range(200000):
                key = (next_c % 97, next_c)
                next_c += 1
                stream_items.append((key, value_for(key[1], rnd, rng)))
            result = {}
            stop = threading.Event()
            t = threading.Thread(target=lambda: result.update(
                zip(("ok", "err"), write_rows(session, stmt, ledger, stream_items, stop=stop))))
            t.start()
            time.sleep(0.3 + rng.random())
            server.kill()
            stop.set()
            t.join(180)
            log("round %d: SIGKILL mid-stream; %s acknowledged before it, %s failed"
                % (rnd, result.get("ok"), result.get("err")))
            cluster.shutdown()
        for f in failures:
            log("FAIL: " + f)
        if failures:
            log("server log tail:\n" + (server.log()[-3000:] if server else ""))
            return 1
        log("OK")
        return 0
    finally:
        if server is not None and server.running():
            server.kill()
        if args.keep or os.environ.get("CQL_COMPAT_KEEP"):
            log("kept " + root)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
