#!/usr/bin/env bash
# `medallion parquet schema|meta|cat` at the CLI, on fixtures written by
# others (../shared/testdata/parquet): rows equal the expected files, the
# schema JSON equals the expected header's, --limit/--columns, and corrupt
# files exit 1 with one line naming the file.
set -euo pipefail
: "${MEDALLION_BIN:?}" "${MEDALLION_SOURCE_DIR:?}"
data="$MEDALLION_SOURCE_DIR/../shared/testdata/parquet"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# cat: every row of a nested file, byte for byte.
for f in nested_maps.snappy.parquet alltypes_plain.parquet delta_golden__parquet-all-types.parquet; do
  "$MEDALLION_BIN" parquet cat "$data/files/$f" > "$tmp/rows"
  tail -n +2 "$data/expected/$f.jsonl" > "$tmp/expected"
  cmp -s "$tmp/rows" "$tmp/expected" || fail "cat $f differs: $(diff "$tmp/rows" "$tmp/expected" | head -3)"
done

# --limit and --columns (in the order asked).
got=$("$MEDALLION_BIN" parquet cat --limit 2 --columns string_col,id "$data/files/alltypes_plain.parquet")
[[ "$got" == $'{"string_col":"30","id":4}\n{"string_col":"31","id":5}' ]] || fail "limit/columns: $got"
[[ -z $("$MEDALLION_BIN" parquet cat --limit 0 "$data/files/alltypes_plain.parquet") ]] || fail "limit 0"

# schema --json equals the expected header's schema tree.
/usr/bin/python3 - "$MEDALLION_BIN" "$data" <<'PY' || fail "schema --json"
import json, subprocess, sys
bin, data = sys.argv[1], sys.argv[2]
for f in ["nested_lists.snappy.parquet", "delta_golden__parquet-all-types.parquet", "int32_decimal.parquet"]:
    got = json.loads(subprocess.check_output([bin, "parquet", "schema", "--json", f"{data}/files/{f}"]))
    want = json.loads(open(f"{data}/expected/{f}.jsonl").readline())["schema"]
    if got != want:
        print(f, json.dumps(got)[:300], json.dumps(want)[:300])
        sys.exit(1)
PY

# schema (text) and meta (table and JSON).
"$MEDALLION_BIN" parquet schema "$data/files/nested_maps.snappy.parquet" | grep -q "optional group a (MAP) {" || fail "schema text"
"$MEDALLION_BIN" parquet meta "$data/files/alltypes_plain.parquet" | grep -Eq "^rows +8$" || fail "meta text"
"$MEDALLION_BIN" parquet meta --json "$data/files/int32_decimal.parquet" |
  /usr/bin/python3 -c 'import json,sys; m=json.load(sys.stdin); c=m["row_groups"][0]["columns"][0]; assert m["num_rows"]==24 and c["min"]=="1.00" and c["max"]=="24.00", c' ||
  fail "meta --json"

# Corrupt files: exit 1, one line on stderr naming the file, nothing on stdout.
for f in PARQUET-1481.parquet ARROW-RS-GH-6229-DICTHEADER.parquet datapage_v1-corrupt-checksum.parquet; do
  set +e
  "$MEDALLION_BIN" parquet cat "$data/files/$f" > "$tmp/out" 2> "$tmp/err"
  code=$?
  set -e
  [[ $code -eq 1 ]] || fail "$f: exit $code"
  [[ $(wc -l < "$tmp/err") -eq 1 ]] || fail "$f: stderr is not one line: $(cat "$tmp/err")"
  grep -q "$f" "$tmp/err" || fail "$f: the error does not name the file"
done
"$MEDALLION_BIN" parquet cat --no-verify-checksums "$data/files/datapage_v1-corrupt-checksum.parquet" > /dev/null ||
  fail "--no-verify-checksums"

# Bad usage: exit 2.
set +e
"$MEDALLION_BIN" parquet cat > /dev/null 2>&1; [[ $? -eq 2 ]] || fail "missing FILE is not exit 2"
set -e
echo "parquet CLI: ok"
