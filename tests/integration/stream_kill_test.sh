#!/usr/bin/env bash
# The sessions stream killed at random points and restarted, 20 times in a
# row, ends with the sessions table of a clean run: no lost or duplicated
# session, and no batch id committed twice.
#
# stream_kill_tool ($1) seeds a raw events table in 40 commits, then runs
# the stream (five files per micro-batch, a MERGE per batch) in two ways:
#   clean: one uninterrupted run into its own table and checkpoint;
#   killed: 20 rounds, each run SIGKILLs itself at a random step (offsets
#   written, data files written, commit temp written, commit published,
#   batch marked done) of a random batch; the last run drains the rest.
# Then the two tables must hold the same sessions, and the killed table's
# log must commit the same batch ids as the clean one's, each once, in order.
set -euo pipefail
tool=${1:?usage: stream_kill_test.sh STREAM_KILL_TOOL}
rounds=20
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed=${SEED:-$RANDOM}
fail() { echo "FAIL (SEED=$seed reproduces the data): $*"; exit 1; }
steps=(batch_start data_written temp_written published batch_done)

"$tool" seed "$tmp/raw" --sessions 3000 --commits 40 --seed "$seed" > /dev/null
"$tool" run "$tmp/raw" "$tmp/clean" "$tmp/clean-ckpt" --max-files 5 > "$tmp/clean.out"
"$tool" dump "$tmp/clean" > "$tmp/clean.rows"
[[ $(wc -l < "$tmp/clean.rows") -ge 2900 ]] || fail "the clean run wrote $(wc -l < "$tmp/clean.rows") sessions"

killed=0
for round in $(seq 1 $rounds); do
  step=${steps[$((RANDOM % ${#steps[@]}))]}
  k=$((RANDOM % 3 + 1))
  set +e
  ("$tool" run "$tmp/raw" "$tmp/killed" "$tmp/killed-ckpt" --max-files 5 \
     --crash-at "$step" --crash-after "$k" > "$tmp/out" 2>&1 & wait $!) 2> /dev/null
  code=$?
  set -e
  if [[ $code -eq 137 ]]; then
    killed=$((killed + 1))
  elif [[ $code -ne 0 ]]; then
    fail "round $round ($step of batch $k): exit $code: $(cat "$tmp/out")"
  fi
done
[[ $killed -ge 15 ]] || fail "only $killed of $rounds runs were killed: the stream drained too early"
"$tool" run "$tmp/raw" "$tmp/killed" "$tmp/killed-ckpt" --max-files 5 > "$tmp/last.out" ||
  fail "the final run failed: $(cat "$tmp/last.out")"
"$tool" dump "$tmp/killed" > "$tmp/killed.rows"
diff -q "$tmp/clean.rows" "$tmp/killed.rows" > /dev/null ||
  fail "the killed stream's table differs from the clean one: $(diff "$tmp/clean.rows" "$tmp/killed.rows" | head -5)"
"$tool" check-txn "$tmp/clean" > "$tmp/clean.txn" || fail "clean batch ids"
"$tool" check-txn "$tmp/killed" > "$tmp/killed.txn" || fail "killed batch ids"
[[ -s "$tmp/clean.txn" ]] || fail "the clean run committed no batch id"
diff -q "$tmp/clean.txn" "$tmp/killed.txn" > /dev/null ||
  fail "batch ids committed differ: $(diff "$tmp/clean.txn" "$tmp/killed.txn" | head -5)"
echo "ok: $killed kills, $(wc -l < "$tmp/clean.rows") sessions, $(wc -l < "$tmp/killed.txn") batches committed once each"
