#!/bin/bash
# `medallion refine` end to end on a small dirty generated file: land it,
# refine the newest landed file with --json and check the counts against
# the generator's truth, refine again (nothing added), --debug on a fresh
# lake, and the errors (an empty lake, bad usage).
set -euo pipefail

BIN="${MEDALLION_BIN:?MEDALLION_BIN must name the medallion binary}"
PY=/usr/bin/python3
TMP="$(mktemp -d "${TMPDIR:-/tmp}/medallion-refine-XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

fail() {
  echo "FAIL: $*" >&2
  for f in "$TMP/out" "$TMP/err"; do
    [[ -f "$f" ]] && { echo "--- $(basename "$f"):" >&2; cat "$f" >&2; }
  done
  exit 1
}

"$BIN" gen --out "$TMP/src.jsonl.bz2" --events 20000 --dirty 0.01 --truth "$TMP/truth.json" -q \
  || fail "gen failed"
"$BIN" land --source "$TMP/src.jsonl.bz2" --lake "$TMP/lake" --now 2016-12-02T10:00:00Z -q \
  || fail "land failed"

# First run: every line accounted for, one date entry per event date.
"$BIN" refine --lake "$TMP/lake" --threads 2 --json > "$TMP/out" 2> "$TMP/err" \
  || fail "refine exited $?"
"$PY" - "$TMP/out" "$TMP/truth.json" <<'PYEOF' || fail "first run's JSON"
import json, sys
r = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
assert r["source"].endswith("landingzone/assignment_data/2016-12-02/src.jsonl.bz2"), r["source"]
assert len(r["sha256"]) == 64
assert r["lines"] == t["lines"], (r["lines"], t["lines"])
for reason, n in t["rejected"].items():
    assert r["rejected"][reason] == n, (reason, r["rejected"][reason], n)
assert r["rejected"]["duplicate"] == t["injected"]["duplicate_lines"], r["rejected"]
rejected = sum(r["rejected"].values())
assert r["events"] + rejected == r["lines"], r
assert r["quarantined"] == rejected, r
assert len(r["dates"]) == t["dates"], (len(r["dates"]), t["dates"])
dates = [d["date"] for d in r["dates"]]
assert dates == sorted(dates) and len(set(dates)) == len(dates), dates
assert sum(d["events"] for d in r["dates"]) == r["events"]
assert r["inserted"] == r["events"] == sum(d["inserted"] for d in r["dates"])
versions = [d["version"] for d in r["dates"]]
assert versions == list(range(1, len(dates) + 1)), versions
PYEOF

# Second run: nothing inserted, nothing quarantined, no new version.
"$BIN" refine --lake "$TMP/lake" --json > "$TMP/out" 2> "$TMP/err" || fail "rerun exited $?"
"$PY" - "$TMP/out" <<'PYEOF' || fail "second run's JSON"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["inserted"] == 0 and r["quarantined"] == 0, r
assert {d["version"] for d in r["dates"]} == {len(r["dates"])}, r["dates"]
PYEOF

# --debug: dates [4, 7) only; the human output names each date.
"$BIN" refine --source "$TMP/src.jsonl.bz2" --lake "$TMP/debug-lake" --debug > "$TMP/out" \
  2> "$TMP/err" || fail "debug run exited $?"
[[ "$(grep -c '^2016-11-' "$TMP/out")" == 3 ]] || fail "--debug did not load 3 dates"
grep -q '^2016-11-06 ' "$TMP/out" || fail "--debug did not start at the fifth date"
grep -q '^3 of 31 dates loaded' "$TMP/out" || fail "no summary"

# An empty lake: exit 1, one line saying what to do.
set +e
"$BIN" refine --lake "$TMP/empty" > "$TMP/out" 2> "$TMP/err"
rc=$?
set -e
[[ $rc == 1 ]] || fail "empty lake: exit $rc"
grep -q 'no landed source under .*medallion land' "$TMP/err" || fail "empty lake: message"

set +e
"$BIN" refine --threads nope > "$TMP/out" 2> "$TMP/err"
rc=$?
set -e
[[ $rc == 2 ]] || fail "bad usage: exit $rc"
echo "refine_cli: ok"
