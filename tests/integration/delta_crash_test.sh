#!/usr/bin/env bash
# Writers killed mid-commit (SIGKILL, no cleanup) never leave a partial
# commit, and an idempotent writer restarted over the same range commits
# each row exactly once. 20 rounds: writer R appends 30 one-row commits with
# delta_stress_tool ($1) and kills itself at a random step (data_written,
# temp_written, published) of a random K-th append; `medallion delta
# describe` must then load; the writer is re-run over the full range and must
# commit exactly what the killed run did not. At the end every (writer, seq)
# is in the table once, and `delta vacuum --retain-hours 0` deletes exactly
# the orphan data files of the runs killed before publishing, and no live one.
set -euo pipefail
: "${MEDALLION_BIN:?}"
tool=${1:?usage: delta_crash_test.sh DELTA_STRESS_TOOL}
rounds=20
count=30
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
m() { "$MEDALLION_BIN" "$@"; }
data_files() { find "$t" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l; }
t="$tmp/table"
steps=(data_written temp_written published)

"$tool" create "$t" > /dev/null
orphans=0
temps=0
for round in $(seq 1 $rounds); do
  step=${steps[$((RANDOM % 3))]}
  k=$((RANDOM % count + 1))
  set +e
  # Waited for in a subshell whose stderr is dropped: bash's "Killed" report.
  ("$tool" append "$t" --writer "$round" --count $count --crash-at "$step" --crash-after "$k" \
    > "$tmp/out" 2>&1 & wait $!) 2> /dev/null
  code=$?
  set -e
  [[ $code -eq 137 ]] || fail "round $round ($step at $k): exit $code, not SIGKILL: $(cat "$tmp/out")"
  m delta describe --json "$t" > "$tmp/describe" 2> "$tmp/err" ||
    fail "round $round ($step at $k): the table does not load: $(cat "$tmp/err")"
  # Commits the killed run made: K-1 before the K-th, plus the K-th when it
  # died after publishing.
  done_before=$((k - 1))
  [[ $step == published ]] && done_before=$k
  [[ $step != published ]] && orphans=$((orphans + 1))
  [[ $step == temp_written ]] && temps=$((temps + 1))
  /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
txns = {t["appId"]: t["version"] for t in d["txns"]}
done = int(sys.argv[3])
got = txns.get("writer-" + sys.argv[2])
assert (got is None and done == 0) or got == done - 1, (txns, done)' "$tmp/describe" "$round" "$done_before" ||
    fail "round $round ($step at $k): txn after the crash"
  "$tool" append "$t" --writer "$round" --count $count > "$tmp/out" 2>&1 ||
    fail "round $round: the re-run failed: $(cat "$tmp/out")"
  want="writer $round: committed $((count - done_before)), skipped $done_before"
  [[ $(cat "$tmp/out") == "$want" ]] || fail "round $round ($step at $k): '$(cat "$tmp/out")', not '$want'"
  m delta describe "$t" > /dev/null || fail "round $round: the table does not load after the re-run"
done

total=$((rounds * count))
m delta describe --json "$t" > "$tmp/describe"
m delta cat "$t" > "$tmp/rows"
/usr/bin/python3 - "$tmp" $rounds $count <<'PY' || fail "table contents"
import json, sys
tmp, rounds, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = json.load(open(f"{tmp}/describe"))
assert d["version"] == rounds * count and d["numFiles"] == rounds * count, d
rows = [json.loads(l) for l in open(f"{tmp}/rows")]
keys = sorted((r["writer"], r["seq"]) for r in rows)
assert keys == sorted((w, s) for w in range(1, rounds + 1) for s in range(count)), (len(rows), keys[:10])
PY

# Vacuum: the killed runs' uncommitted data files go, the live ones stay.
before=$(data_files)
[[ $(find "$t/_delta_log" -name '*.tmp' | wc -l) -eq $temps ]] || fail "not $temps commit temp files"
[[ $before -eq $((total + orphans)) ]] || fail "$before data files on disk, not $total live + $orphans orphans"
m delta vacuum --retain-hours 0 --no-retention-check "$t" > "$tmp/vacuum" ||
  fail "vacuum: $(cat "$tmp/vacuum")"
after=$(data_files)
[[ $after -eq $total ]] || fail "$after data files after vacuum, not $total: $(tail -1 "$tmp/vacuum")"
[[ -z $(find "$t/_delta_log" -name '*.tmp') ]] || fail "vacuum left commit temp files: $(find "$t/_delta_log" -name '*.tmp')"
m delta files --json "$t" | /usr/bin/python3 -c '
import json, os, sys, urllib.parse
root = sys.argv[1]
files = json.load(sys.stdin)
missing = [f["path"] for f in files if not os.path.isfile(os.path.join(root, urllib.parse.unquote(f["path"])))]
assert len(files) == int(sys.argv[2]) and not missing, missing[:5]' "$t" $total || fail "live files after vacuum"
[[ $(m delta cat "$t" | sort -u | wc -l) -eq $total ]] || fail "rows after vacuum"
echo "delta crash: ok ($rounds rounds, $orphans orphan files vacuumed)"
