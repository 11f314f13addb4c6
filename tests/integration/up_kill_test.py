"""Issue 8's restart safety: `medallion up` SIGKILLed anywhere, then run
again with the same arguments, ends with the same final tables as an
uninterrupted run: nothing duplicated, nothing lost.

One generated source (20,000 events, --dirty 0.01) and one clean reference
run of `up` into fresh directories; its final state is dumped:
  - the gold table (`delta cat`, minus DL_INSERT_TS/DL_UPDATE_TS),
  - the raw table (minus DL_*; no UNIQUE_ID_ROW twice; the sum of the
    MERGE commits' numTargetRowsInserted equals its row count),
  - the quarantine table (minus DL_INSERT_TS),
  - both serving tables, read in full with the DataStax python driver
    (protocol v4) from `medallion cql-server --no-auth` started on the run's
    --cql-data after `up` ended.
Then ROUNDS rounds, each in fresh directories: start `up`, SIGKILL it after
a seeded random delay spread over the reference run's duration, run `up`
again to completion (exit 0), dump, compare with the reference exactly. The
delays follow the reference's step times (its summary line): the first
round very early (before refine), the last very late (the end of serving),
the others in turn inside refine, sessions and serving. Each round prints
its kill time and the step the kill interrupted.

The runs use `[stream] max_files_per_trigger = 4` so that both streams
commit several micro-batches: more places for a kill to land between two
commits of a step.

Every run works in its own directory with relative --lake/--cql-data, so
the quarantine's source_file (the landed path) is the same text in every
run.

Run: MEDALLION_BIN=build/src/cli/medallion \
       /usr/bin/python3 -m pytest -s -p no:cacheprovider tests/integration/up_kill_test.py
(CTest: up_kill, label kill). UP_KILL_SEED picks other kill times,
UP_KILL_ROUNDS another number of rounds, UP_KILL_KEEP=1 keeps the temp
directory.
"""

import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "compat"))

from cql_server import CqlServer  # noqa: E402

EVENTS = 20000
GEN_FLAGS = ["--seed", "5", "--dirty", "0.01"]
ROUNDS = int(os.environ.get("UP_KILL_ROUNDS", "8"))
KILL_SEED = int(os.environ.get("UP_KILL_SEED", "20161107"))
CONFIG = "[stream]\nmax_files_per_trigger = 4\n"
GOLD = "use_case/uc_assignment/uc_delta_session_events"
RAW = "raw/assignment_data/r_session_events"
QUARANTINE = "raw/assignment_data/r_session_events_quarantine"
KEYSPACE = "session_events"
SERVING_TABLES = ["completed_sessions_by_player", "started_sessions_by_country_hour"]
UP_TIMEOUT = 120
SHOW = 3  # differing rows shown per kind in a failure message


def medallion_bin():
    path = os.environ.get("MEDALLION_BIN")
    if not path:
        pytest.fail("MEDALLION_BIN is not set: point it at the built medallion binary")
    return path


def run(args, cwd, timeout=120):
    """Runs medallion with args in cwd; returns stdout, or fails the test
    with the command, exit code and the output's tail."""
    cmd = [medallion_bin()] + [str(a) for a in args]
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail("%s: no exit after %d s\nstderr: %s" % (
            " ".join(cmd), timeout, (e.stderr or b"")[-4000:].decode("utf-8", "replace")))
    if p.returncode != 0:
        pytest.fail("%s (in %s): exit %d\nstdout: %s\nstderr: %s" % (
            " ".join(cmd), cwd, p.returncode, p.stdout.decode("utf-8", "replace")[-2000:],
            p.stderr.decode("utf-8", "replace")[-4000:]))
    return p.stdout.decode("utf-8")


class Run:
    """One run directory: the config, the lake and the CQL data, all
    relative to it."""

    def __init__(self, root, name, source):
        self.name = name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir)
        with open(os.path.join(self.dir, "medallion.toml"), "w", encoding="utf-8") as f:
            f.write(CONFIG)
        self.args = ["up", "--source", source, "--lake", "lake", "--cql-data", "cql",
                     "--cql-port", "0", "--no-serve", "--config", "medallion.toml"]

    def up(self):
        """`up` to completion; returns its stdout and its wall time."""
        start = time.monotonic()
        out = run(self.args, self.dir, timeout=UP_TIMEOUT)
        return out, time.monotonic() - start

    def up_killed(self, after, delay):
        """Starts `up`, waits until it reports step `after` done (None: from
        the start), then `delay` seconds more, and SIGKILLs it. Returns
        (None when it was killed, else its exit code; seconds from the start
        to the kill; the step the kill interrupted)."""
        with open(os.path.join(self.dir, "killed-up.stderr"), "wb") as err:
            proc = subprocess.Popen([medallion_bin()] + self.args, cwd=self.dir,
                                    stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
        start = time.monotonic()
        out = b""
        done = []
        deadline = None if after is not None else start + delay
        code = None
        while code is None:
            wait = UP_TIMEOUT if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([proc.stdout], [], [], wait)
            if not ready:
                if deadline is not None and time.monotonic() >= deadline:
                    break
                proc.kill()
                proc.wait()
                pytest.fail("%s: `up` printed nothing for %d s" % (self.name, UP_TIMEOUT))
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:  # it exited before the kill
                code = proc.wait()
                break
            out += chunk
            done = [line.split()[1] for line in out.decode("utf-8", "replace").splitlines()
                    if line.startswith("up: ") and len(line.split()) > 1]
            if deadline is None and after in done:
                deadline = time.monotonic() + delay
        killed_at = time.monotonic() - start
        if code is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        with open(os.path.join(self.dir, "killed-up.stdout"), "wb") as f:
            f.write(out)
        done = [step for step in done if step in STEPS]
        step = STEPS[STEPS.index(done[-1]) + 1] if done and done[-1] != STEPS[-1] else (
            "cql" if not done else "the summary")
        return code, killed_at, step

    def table(self, rel):
        return os.path.join("lake", rel)


def delta_cat(r, rel):
    return [json.loads(line) for line in run(["delta", "cat", r.table(rel)], r.dir).splitlines()
            if line]


def canonical(rows, drop):
    """Rows as sorted JSON texts without the columns in drop."""
    return sorted(json.dumps({k: v for k, v in row.items() if k not in drop}, sort_keys=True)
                  for row in rows)


def serving_rows(r):
    """Both serving tables read in full through a cql-server on the run's
    CQL data: {table: sorted row texts}."""
    from cassandra.cluster import Cluster
    from cassandra.query import SimpleStatement

    server = CqlServer(os.path.join(r.dir, "cql"), os.path.join(r.dir, "cql-server.log"),
                       extra_args=["--no-auth"], binary=medallion_bin())
    server.start()
    cluster = None
    out = {}
    try:
        cluster = Cluster(["127.0.0.1"], port=server.port, protocol_version=4)
        session = cluster.connect()
        for table in SERVING_TABLES:
            rows = session.execute(SimpleStatement("SELECT * FROM %s.%s" % (KEYSPACE, table),
                                                   fetch_size=5000))
            out[table] = sorted(repr(tuple(row)) for row in rows)
    finally:
        if cluster is not None:
            cluster.shutdown()
        code = server.stop()
    assert code == 0, "%s: cql-server exited with %r after SIGTERM\n%s" % (r.name, code,
                                                                           server.log())
    return out


def raw_inserted_by_history(r):
    """Sum of numTargetRowsInserted over raw's commits, and the operations
    that are neither CREATE TABLE nor MERGE."""
    history = json.loads(run(["delta", "history", "--json", r.table(RAW)], r.dir))
    inserted = 0
    other = []
    for commit in history:
        op = commit["operation"]
        metrics = (commit.get("commitInfo") or {}).get("operationMetrics") or {}
        if op == "MERGE":
            inserted += int(metrics.get("numTargetRowsInserted", 0))
        elif op != "CREATE TABLE":
            other.append((commit["version"], op))
    return inserted, other


def dump(r):
    """The run's final state: {part: sorted row texts}, plus the checks that
    need no reference (no raw row twice, history agrees with the rows)."""
    raw = delta_cat(r, RAW)
    ids = Counter(row["UNIQUE_ID_ROW"] for row in raw)
    twice = [i for i, n in ids.items() if n > 1]
    assert not twice, "%s: %d UNIQUE_ID_ROWs in r_session_events more than once, e.g. %s" % (
        r.name, len(twice), twice[:SHOW])
    inserted, other = raw_inserted_by_history(r)
    assert not other, "%s: r_session_events has commits other than MERGE: %s" % (r.name, other)
    assert inserted == len(raw), (
        "%s: r_session_events' MERGE commits inserted %d rows, the table holds %d: a date was "
        "inserted twice or a commit's metrics are wrong" % (r.name, inserted, len(raw)))
    state = {
        "gold": canonical(delta_cat(r, GOLD), {"DL_INSERT_TS", "DL_UPDATE_TS"}),
        "raw": canonical(raw, {"DL_INSERT_TS", "DL_UPDATE_TS"}),
        "quarantine": canonical(delta_cat(r, QUARANTINE), {"DL_INSERT_TS"}),
    }
    state.update(serving_rows(r))
    return state


def first_difference(got, want):
    """A few lines on how two sorted row lists differ."""
    g, w = Counter(got), Counter(want)
    missing = sorted((w - g).elements())
    extra = sorted((g - w).elements())
    lines = ["%d rows, expected %d; %d missing, %d unexpected (or duplicated)" % (
        len(got), len(want), len(missing), len(extra))]
    lines += ["  missing    %s" % row[:400] for row in missing[:SHOW]]
    lines += ["  unexpected %s" % row[:400] for row in extra[:SHOW]]
    return "\n".join(lines)


STEPS = ["cql", "init", "land", "refine", "sessions", "serving"]


def step_times(up_output):
    """{step: seconds} from the reference's summary line "up: done in T s
    (cql a s, init b s, ...)"."""
    summary = [line for line in up_output.splitlines() if line.startswith("up: done in ")]
    assert summary, "no summary line in the reference's output:\n%s" % up_output
    text = summary[-1]
    times = {}
    for part in text[text.index("(") + 1:text.rindex(")")].split(","):
        step, seconds, _unit = part.split()
        times[step] = float(seconds)
    assert list(times) == STEPS, "unexpected steps in %r" % text
    return times


def kill_plan(times, duration):
    """ROUNDS kills as (the step whose end `up` reports before the wait
    starts, or None for the start; the wait): the first very early (from the
    start into land), the last very late (the second half of serving), and
    between them, in turn, one inside refine, sessions and serving (10% to
    90% of the reference's time for the step). Waiting for the previous
    step's line keeps the plan on target when a run is slower or faster than
    the reference (the machine is shared)."""
    rng = random.Random(KILL_SEED)
    early = duration - sum(times[s] for s in STEPS[STEPS.index("land") + 1:])
    plan = [(None, rng.uniform(0.0, early))]
    middle = ["refine", "sessions", "serving"]
    for i in range(max(0, ROUNDS - 2)):
        step = middle[i % len(middle)]
        plan.append((STEPS[STEPS.index(step) - 1], rng.uniform(0.1, 0.9) * times[step]))
    if ROUNDS > 1:
        plan.append(("sessions", rng.uniform(0.5, 0.95) * times["serving"]))
    return plan[:ROUNDS]

# --------------------------------------------------------------- fixtures --


@pytest.fixture(scope="module")
def workdir():
    root = tempfile.mkdtemp(prefix="up-kill-", dir=os.environ.get("MEDALLION_TEST_TMP") or None)
    yield root
    if os.environ.get("UP_KILL_KEEP"):
        print("kept", root)
    else:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def source(workdir):
    path = os.path.join(workdir, "assignment_data.jsonl.bz2")
    run(["gen", "--out", path, "--events", EVENTS] + GEN_FLAGS, workdir)
    return path


@pytest.fixture(scope="module")
def reference(workdir, source):
    """The clean run: (its dumped state, its wall time, the kill plan)."""
    r = Run(workdir, "reference", source)
    out, duration = r.up()
    plan = kill_plan(step_times(out), duration)
    state = dump(r)
    print("\nup_kill: reference run %.2f s; gold %d, raw %d, quarantine %d rows; %s" % (
        duration, len(state["gold"]), len(state["raw"]), len(state["quarantine"]),
        ", ".join("%s %d" % (t, len(state[t])) for t in SERVING_TABLES)))
    print("up_kill: kill seed %d, kills %s" % (
        KILL_SEED, ", ".join("%.3f s after %s" % (delay, after or "the start")
                             for after, delay in plan)))
    return state, duration, plan

# ------------------------------------------------------------------ tests --


def test_reference_is_not_empty(reference):
    """Every dumped part holds rows: otherwise the comparisons below prove
    nothing."""
    state, _duration, _plan = reference
    empty = [part for part, rows in state.items() if not rows]
    assert not empty, "the reference run left these empty: %s" % empty


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_kill_and_rerun_matches_reference(workdir, source, reference, round_no):
    state, duration, plan = reference
    after, delay = plan[round_no]
    r = Run(workdir, "round-%d" % round_no, source)
    code, killed_at, step = r.up_killed(after, delay)
    what = ("round %d (SIGKILL %.3f s after the start, %.3f s after %s; the reference took "
            "%.2f s; %s)" % (round_no, killed_at, delay, after or "the start", duration,
                             "killed in step %s" % step if code is None
                             else "it had already exited %d" % code))
    print("\nup_kill: %s" % what)
    try:
        _out, rerun = r.up()
        got = dump(r)
    except (AssertionError, pytest.fail.Exception) as e:
        pytest.fail("%s: %s" % (what, e), pytrace=False)
    print("up_kill: round %d: the rerun took %.2f s; final tables equal the reference: %s" % (
        round_no, rerun, got == state))
    wrong = [part for part in state if got[part] != state[part]]
    assert not wrong, "%s: differs from the reference in %s\n%s" % (
        what, ", ".join(wrong),
        "\n".join("%s: %s" % (part, first_difference(got[part], state[part])) for part in wrong))
