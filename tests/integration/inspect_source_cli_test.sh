#!/usr/bin/env bash
# inspect-source at the CLI: formats by magic, exit codes, one-line errors.
set -euo pipefail
: "${MEDALLION_BIN:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

printf '%s\n' \
  '{"player_id": "0a2d12a1a7e145de8bae44c0c6e06629", "country": "FI", "event": "start", "session_id": "4a0c43c9-c43a-42ff-ba55-67563dfa35d4", "ts": "2016-11-18T12:48:05"}' \
  '{"player_id": "0a2d12a1a7e145de8bae44c0c6e06629", "event": "end", "session_id": "4a0c43c9-c43a-42ff-ba55-67563dfa35d4", "ts": "2016-11-19T13:49:05.250000"}' \
  'garbage' > "$tmp/s.jsonl"
expected='{"lines":3,"events":{"start":1,"end":1},"rejected":{"not_json":1,"missing_field":0,"wrong_type":0,"bad_timestamp":0,"unknown_event":0,"truncated":0},"min_ts":"2016-11-18T12:48:05","max_ts":"2016-11-19T13:49:05.250000","dates":2}'

bzip2 -k "$tmp/s.jsonl"; gzip -k "$tmp/s.jsonl"; zstd -q -k "$tmp/s.jsonl"
for f in s.jsonl s.jsonl.bz2 s.jsonl.gz s.jsonl.zst; do
  got=$("$MEDALLION_BIN" inspect-source --json "$tmp/$f")
  [[ "$got" == "$expected" ]] || fail "$f: got $got"
done

# Human output is an aligned table.
"$MEDALLION_BIN" inspect-source "$tmp/s.jsonl.bz2" | grep -Eq '^lines +3$' || fail "table output"

# Missing file: exit 1, one line on stderr.
set +e
"$MEDALLION_BIN" inspect-source "$tmp/nope.bz2" >"$tmp/out" 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "missing file exit $rc"
[[ $(wc -l < "$tmp/err") -eq 1 ]] || fail "missing file: stderr is not one line: $(cat "$tmp/err")"
grep -q "nope.bz2" "$tmp/err" || fail "error does not name the file"

# Corrupt bzip2: exit 1 with the decoder's error.
head -c 200 "$tmp/s.jsonl.bz2" > "$tmp/bad.bz2"; printf 'XXXXXXXX' >> "$tmp/bad.bz2"
set +e
"$MEDALLION_BIN" inspect-source "$tmp/bad.bz2" >"$tmp/out" 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "corrupt file exit $rc"
grep -q "bzip2" "$tmp/err" || fail "corrupt file error: $(cat "$tmp/err")"

# Usage errors exit 2.
set +e
"$MEDALLION_BIN" inspect-source >/dev/null 2>&1; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "no FILE exit $rc"
"$MEDALLION_BIN" inspect-source --help >/dev/null || fail "--help"
echo "ok"
