#!/bin/sh
# `medallion gen` from the command line: exit codes, a valid .bz2 with the
# asked number of lines, the same bytes whatever the thread count, no
# temporary file left behind, and a truth file that `medallion inspect-source`
# agrees with on a dirty file.
set -eu
: "${MEDALLION_BIN:?set MEDALLION_BIN to the medallion binary}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$MEDALLION_BIN" gen --help >/dev/null || fail "gen --help did not exit 0"

expect_exit() {
  want=$1; shift
  set +e
  "$@" >"$dir/out.txt" 2>"$dir/err.txt"
  got=$?
  set -e
  [ "$got" -eq "$want" ] || fail "$* exited $got, wanted $want: $(cat "$dir/err.txt")"
}
expect_exit 2 "$MEDALLION_BIN" gen --out "$dir/x.bz2" --no-such-flag
expect_exit 2 "$MEDALLION_BIN" gen --events 10
expect_exit 2 "$MEDALLION_BIN" gen --out "$dir/x.bz2" --dirty 0.5
expect_exit 1 "$MEDALLION_BIN" gen --out "$dir/no/such/dir/x.bz2" --events 10
[ "$(wc -l <"$dir/err.txt")" -eq 1 ] || fail "error is not one line: $(cat "$dir/err.txt")"
grep -q '^medallion: ' "$dir/err.txt" || fail "error lacks the medallion: prefix"

"$MEDALLION_BIN" gen --out "$dir/a.jsonl.bz2" --events 20000 --truth "$dir/a.json" --threads 2 \
  >"$dir/summary.txt"
grep -q 'gen: wrote .*20000 lines' "$dir/summary.txt" || fail "no summary: $(cat "$dir/summary.txt")"
bzip2 -t "$dir/a.jsonl.bz2" || fail "bzip2 -t rejects the output"
lines=$(bzip2 -dc "$dir/a.jsonl.bz2" | wc -l)
[ "$lines" -eq 20000 ] || fail "wanted 20000 lines, got $lines"
grep -q '"lines": 20000,' "$dir/a.json" || fail "truth lacks lines: $(head -3 "$dir/a.json")"
leftover=$(ls -A "$dir" | grep -v -e '^a\.jsonl\.bz2$' -e '^a\.json$' -e '^out\.txt$' \
  -e '^err\.txt$' -e '^summary\.txt$' || true)
[ -z "$leftover" ] || fail "temporary files left: $leftover"

"$MEDALLION_BIN" gen --out "$dir/b.jsonl.bz2" --events 20000 --threads 1 --quiet >"$dir/out.txt"
[ ! -s "$dir/out.txt" ] || fail "--quiet printed: $(cat "$dir/out.txt")"
cmp -s "$dir/a.jsonl.bz2" "$dir/b.jsonl.bz2" || fail "thread count changed the bytes"

"$MEDALLION_BIN" gen --out "$dir/d.jsonl.bz2" --events 20001 --dirty 0.05 --truth "$dir/d.json" \
  --quiet
bzip2 -t "$dir/d.jsonl.bz2" || fail "bzip2 -t rejects the dirty output"
if command -v python3 >/dev/null 2>&1; then
  "$MEDALLION_BIN" inspect-source "$dir/d.jsonl.bz2" --json >"$dir/inspect.json"
  python3 - "$dir/d.json" "$dir/inspect.json" <<'PY' || fail "inspect-source disagrees with the truth"
import json, sys
truth = json.load(open(sys.argv[1]))
seen = json.load(open(sys.argv[2]))
for key in ("lines", "events", "rejected", "min_ts", "max_ts", "dates"):
    if truth[key] != seen[key]:
        sys.exit(f"{key}: truth {truth[key]} inspect-source {seen[key]}")
assert all(n > 0 for n in truth["rejected"].values()), truth["rejected"]
assert truth["lines"] == truth["events"]["start"] + truth["events"]["end"] + sum(truth["rejected"].values())
PY
fi
echo "gen_cli_test: ok"
