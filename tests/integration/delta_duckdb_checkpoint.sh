#!/usr/bin/env bash
# DuckDB reads the checkpoints and data files medallion writes: a table gets
# 12 appends (a checkpoint at version 10), then DuckDB (tests/peer/
# duckdb_cat.mjs) must read the checkpoint to exactly the rows `medallion
# parquet cat` reads, with one protocol, one metaData, one txn and ten add
# rows; and every data file of the table must read the same in both.
#   delta_duckdb_checkpoint.sh STRESS_TOOL PEER_DIR
set -euo pipefail
tool=$1
peer_dir=$2
source_dir=${MEDALLION_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${MEDALLION_BIN:?MEDALLION_BIN must name the medallion binary}

if [[ ! -d "$peer_dir/node_modules/@duckdb/node-api" ]]; then
  echo "FAIL: @duckdb/node-api is not installed in $peer_dir." >&2
  echo "      Run: scripts/install-peers $peer_dir   (make test does this before ctest)" >&2
  exit 1
fi
MEDALLION_PEER_DIR=$(cd "$peer_dir" && pwd)
export MEDALLION_PEER_DIR

work=$(mktemp -d "${TMPDIR:-/tmp}/medallion-delta-duckdb-XXXXXX")
trap 'rm -rf "$work"' EXIT
table="$work/t"
"$tool" create "$table"
"$tool" append "$table" --writer 0 --count 12

checkpoint="$table/_delta_log/00000000000000000010.checkpoint.parquet"
[[ -f "$checkpoint" ]] || { echo "FAIL: no checkpoint at version 10"; ls "$table/_delta_log"; exit 1; }
"$bin" parquet cat "$checkpoint" >"$work/ours.jsonl"
node "$source_dir/tests/peer/duckdb_cat.mjs" "$checkpoint" >"$work/duckdb.jsonl"
if ! cmp -s "$work/ours.jsonl" "$work/duckdb.jsonl"; then
  echo "FAIL: DuckDB reads the checkpoint differently:"
  diff <(cut -c1-300 "$work/ours.jsonl") <(cut -c1-300 "$work/duckdb.jsonl") | head -10
  exit 1
fi
count() { grep -c "\"$1\":{" "$work/duckdb.jsonl" || true; }
[[ $(count protocol) == 1 ]] || { echo "FAIL: $(count protocol) protocol rows"; exit 1; }
[[ $(count metaData) == 1 ]] || { echo "FAIL: $(count metaData) metaData rows"; exit 1; }
[[ $(count txn) == 1 ]] || { echo "FAIL: $(count txn) txn rows"; exit 1; }
[[ $(count add) == 10 ]] || { echo "FAIL: $(count add) add rows, expected 10"; exit 1; }

files=0
while IFS= read -r -d '' file; do
  "$bin" parquet cat "$file" >"$work/ours_data.jsonl"
  node "$source_dir/tests/peer/duckdb_cat.mjs" "$file" >"$work/duckdb_data.jsonl"
  cmp -s "$work/ours_data.jsonl" "$work/duckdb_data.jsonl" ||
    { echo "FAIL: DuckDB reads data file $file differently"; exit 1; }
  files=$((files + 1))
done < <(find "$table" -name '*.parquet' -not -path '*/_delta_log/*' -print0)
[[ $files == 12 ]] || { echo "FAIL: $files data files, expected 12"; exit 1; }
echo "PASS: DuckDB reads our checkpoint and all $files data files as medallion does"
