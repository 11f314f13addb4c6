#!/usr/bin/env bash
# Files medallion writes, read by DuckDB: random schemas and rows (nested,
# nulls, extremes; random codecs, page and row group sizes) written by
# ParquetWriter must read back in DuckDB (tests/peer/duckdb_cat.mjs, rendered
# by the same rules) to exactly the values written.
#   parquet_duckdb_roundtrip.sh GENERATOR PEER_DIR [COUNT]
set -euo pipefail
generator=$1
peer_dir=$2
count=${3:-40}
source_dir=${MEDALLION_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

if [[ ! -d "$peer_dir/node_modules/@duckdb/node-api" ]]; then
  echo "FAIL: @duckdb/node-api is not installed in $peer_dir." >&2
  echo "      Run: scripts/install-peers $peer_dir   (make test does this before ctest)" >&2
  exit 1
fi
MEDALLION_PEER_DIR=$(cd "$peer_dir" && pwd)
export MEDALLION_PEER_DIR

work=$(mktemp -d "${TMPDIR:-/tmp}/medallion-duckdb-rt-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$generator" "$work" "$count"

failed=0
for ((i = 0; i < count; i++)); do
  file="$work/random_$i.parquet"
  if ! node "$source_dir/tests/peer/duckdb_cat.mjs" "$file" >"$work/duckdb_$i.jsonl" 2>"$work/err_$i"; then
    echo "FAIL random_$i.parquet: DuckDB could not read it: $(head -c 600 "$work/err_$i")"
    failed=$((failed + 1))
    continue
  fi
  if ! cmp -s "$work/random_$i.jsonl" "$work/duckdb_$i.jsonl"; then
    echo "FAIL random_$i.parquet: DuckDB reads other values; first difference:"
    diff <(cut -c1-300 "$work/random_$i.jsonl") <(cut -c1-300 "$work/duckdb_$i.jsonl") | head -6
    failed=$((failed + 1))
  fi
done
if ((failed > 0)); then
  echo "$failed of $count files differ"
  exit 1
fi
echo "all $count files read back identically in DuckDB"
