#!/usr/bin/env bash
# Optimistic concurrency across processes: 4 delta_stress_tool ($1) writers
# append 50 one-row commits each to one table at the same time. Afterwards
# the log must hold exactly versions 0..200 (no version lost or written
# twice), and `medallion delta` must read 200 live files holding 200 rows,
# every (writer, seq) exactly once, and each writer's txn at 49.
set -euo pipefail
: "${MEDALLION_BIN:?}"
tool=${1:?usage: delta_concurrency_test.sh DELTA_STRESS_TOOL}
writers=4
count=50
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
t="$tmp/table"

"$tool" create "$t" > /dev/null
for w in $(seq 1 $writers); do
  "$tool" append "$t" --writer "$w" --count $count > "$tmp/writer-$w.out" 2>&1 &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || fail "writer $((i + 1)) failed: $(cat "$tmp/writer-$((i + 1)).out")"
done
pids=()
for w in $(seq 1 $writers); do
  grep -qx "writer $w: committed $count, skipped 0" "$tmp/writer-$w.out" ||
    fail "writer $w: $(cat "$tmp/writer-$w.out")"
done

total=$((writers * count))
# Commit files: exactly 00000000000000000000.json .. <total>.json, no temp
# files left behind.
ls "$t/_delta_log" | grep -E '^[0-9]{20}\.json$' | sort > "$tmp/commits"
for v in $(seq 0 $total); do printf '%020d.json\n' "$v"; done > "$tmp/expected"
cmp -s "$tmp/commits" "$tmp/expected" || fail "commit files: $(diff "$tmp/commits" "$tmp/expected" | head -5)"
[[ -z $(ls -A "$t/_delta_log" | grep -E '\.tmp$' || true) ]] || fail "temp files left in _delta_log"

"$MEDALLION_BIN" delta describe --json "$t" > "$tmp/describe"
"$MEDALLION_BIN" delta history --json "$t" > "$tmp/history"
"$MEDALLION_BIN" delta cat "$t" > "$tmp/rows"
/usr/bin/python3 - "$tmp" $writers $count <<'PY' || fail "table contents"
import json, sys
tmp, writers, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
total = writers * count
d = json.load(open(f"{tmp}/describe"))
assert d["version"] == total, d["version"]
assert d["numFiles"] == total, d["numFiles"]
assert {t["appId"]: t["version"] for t in d["txns"]} == {f"writer-{w}": count - 1 for w in range(1, writers + 1)}, d["txns"]
h = json.load(open(f"{tmp}/history"))
assert sorted(e["version"] for e in h) == list(range(total + 1)), [e["version"] for e in h]
assert sum(1 for e in h if e["operation"] == "WRITE") == total, [e["operation"] for e in h]
rows = [json.loads(l) for l in open(f"{tmp}/rows")]
assert len(rows) == total, len(rows)
keys = sorted((r["writer"], r["seq"]) for r in rows)
assert keys == sorted((w, s) for w in range(1, writers + 1) for s in range(count)), keys[:10]
assert all(r["payload"] == f"w{r['writer']}-s{r['seq']}" for r in rows)
PY
echo "delta concurrency: ok ($writers writers x $count commits)"
