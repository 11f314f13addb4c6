#!/usr/bin/env bash
# `medallion delta describe|history|files|cat` on a golden table written by
# Spark (../shared/testdata/delta/golden/snapshot-data2-deleted: 5 commits,
# 10 rows at version 0, 20 at the latest), time travel, --where, and the
# error paths (exit 1 with one line on stderr; exit 2 on bad usage); then
# checkpoint, vacuum and optimize on a table written by delta_stress_tool ($1).
set -euo pipefail
: "${MEDALLION_BIN:?}" "${MEDALLION_SOURCE_DIR:?}"
tool=${1:?usage: delta_cli_test.sh DELTA_STRESS_TOOL}
golden="$MEDALLION_SOURCE_DIR/../shared/testdata/delta/golden"
t="$golden/snapshot-data2-deleted"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
py() { /usr/bin/python3 -c "$@"; }
m() { "$MEDALLION_BIN" "$@"; }

# describe: text and JSON, latest and --version 0.
m delta describe "$t" > "$tmp/out"
grep -Eq '^version +4$' "$tmp/out" || fail "describe version: $(cat "$tmp/out")"
grep -Eq '^files +3$' "$tmp/out" || fail "describe files"
grep -Eq '^  col1: integer$' "$tmp/out" || fail "describe schema col1"
grep -Eq '^  col2: string$' "$tmp/out" || fail "describe schema col2"
grep -Eq '^id +93351cf1-c931-4326-88f0-d10e29e71b21$' "$tmp/out" || fail "describe id"
m delta describe --json "$t" | py '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 4 and d["numFiles"] == 3 and d["sizeInBytes"] == 687 + 348 + 705, d
assert d["protocol"] == {"minReaderVersion": 1, "minWriterVersion": 2}, d["protocol"]
assert [f["name"] for f in d["schema"]["fields"]] == ["col1", "col2"], d["schema"]
assert d["partitionColumns"] == [] and d["txns"] == [], d' || fail "describe --json"
m delta describe --json --version 0 "$t" | py '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 0 and d["numFiles"] == 2 and d["sizeInBytes"] == 1300, d' ||
  fail "describe --json --version 0"

# history: newest first, one line per commit, operations from commitInfo.
m delta history "$t" > "$tmp/out"
[[ $(wc -l < "$tmp/out") -eq 5 ]] || fail "history lines: $(cat "$tmp/out")"
[[ $(head -1 "$tmp/out" | awk '{print $1, $3}') == "4 DELETE" ]] || fail "history head: $(head -1 "$tmp/out")"
[[ $(tail -1 "$tmp/out" | awk '{print $1, $3}') == "0 WRITE" ]] || fail "history tail"
grep -q "mode=Overwrite" "$tmp/out" || fail "history parameters"
[[ $(m delta history --limit 2 "$t" | wc -l) -eq 2 ]] || fail "history --limit"
m delta history --json --time-source commit-info "$t" | py '
import json, sys
h = json.load(sys.stdin)
assert [e["version"] for e in h] == [4, 3, 2, 1, 0], h
assert h[0]["operation"] == "DELETE" and h[0]["timestamp"] == 1603723974057, h[0]
assert h[0]["time"] == "2020-10-26T14:52:54.057Z", h[0]
assert h[0]["commitInfo"]["readVersion"] == 3, h[0]' || fail "history --json"

# files: the live files with their sizes.
m delta files --json "$t" | py '
import json, sys
f = json.load(sys.stdin)
assert sorted(x["size"] for x in f) == [348, 687, 705], f
assert all(x["partitionValues"] == {} and x["deletedRows"] is None for x in f), f' ||
  fail "files --json"
[[ $(m delta files --version 0 "$t" | tail -n +2 | wc -l) -eq 2 ]] || fail "files --version 0"

# cat: row counts by version and by time (commitInfo times), --limit,
# --columns, --where.
[[ $(m delta cat "$t" | wc -l) -eq 20 ]] || fail "cat latest is not 20 rows"
[[ $(m delta cat --version 0 "$t" | wc -l) -eq 10 ]] || fail "cat --version 0 is not 10 rows"
[[ $(m delta cat --version 2 "$t" | wc -l) -eq 10 ]] || fail "cat --version 2"
[[ $(m delta cat --time-source commit-info --timestamp 2020-10-26T14:52:50Z "$t" | wc -l) -eq 20 ]] ||
  fail "cat --timestamp (version 1)"
[[ $(m delta cat --time-source commit-info --timestamp 2020-10-26T14:52:48Z "$t" | wc -l) -eq 10 ]] ||
  fail "cat --timestamp (version 0)"
m delta cat "$t" | py '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert sorted((r["col1"], r["col2"]) for r in rows) == sorted((i, f"data-3-{i}") for i in range(20)), rows
assert all(list(r) == ["col1", "col2"] for r in rows), rows' || fail "cat rows"
m delta cat --version 0 "$t" | py '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert sorted((r["col1"], r["col2"]) for r in rows) == sorted((i, f"data-0-{i}") for i in range(10)), rows' ||
  fail "cat --version 0 rows"
[[ $(m delta cat --limit 3 "$t" | wc -l) -eq 3 ]] || fail "cat --limit"
[[ -z $(m delta cat --limit 0 "$t") ]] || fail "cat --limit 0"
got=$(m delta cat --columns col2 --where col1=5 "$t" | sort)
[[ $(echo "$got" | wc -l) -ge 1 ]] || fail "cat --where col1=5: nothing"
echo "$got" | py '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    assert list(r) == ["col2"] and r["col2"].endswith("-5"), r' || fail "cat --where/--columns: $got"
m delta cat --where "col1>=3" --where "col1<5" "$t" | py '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert rows and all(3 <= r["col1"] < 5 for r in rows), rows' || fail "cat --where range"
[[ -z $(m delta cat --where "col1>1000" "$t") ]] || fail "cat --where matching nothing"

# Failures: exit 1, one line on stderr naming the table, nothing on stdout.
expect_failure() {
  local want=$1; shift
  set +e
  m "$@" > "$tmp/out" 2> "$tmp/err"
  local code=$?
  set -e
  [[ $code -eq $want ]] || fail "$*: exit $code, not $want"
  [[ $(wc -l < "$tmp/err") -eq 1 ]] || fail "$*: stderr is not one line: $(cat "$tmp/err")"
  [[ ! -s "$tmp/out" ]] || fail "$*: wrote to stdout"
}
for cmd in describe history files cat checkpoint vacuum; do
  expect_failure 1 delta $cmd "$tmp/no-such-table"
  grep -q "$tmp/no-such-table" "$tmp/err" || fail "$cmd: the error does not name the table"
done
expect_failure 1 delta describe --version 99 "$t"
expect_failure 1 delta cat --timestamp 2001-01-01T00:00:00Z --time-source commit-info "$t"

# Bad usage: exit 2.
expect_failure 2 delta cat --where "nosuchcolumn=1" "$t"
expect_failure 2 delta cat --where "col1" "$t"
expect_failure 2 delta cat --where "col1=abc" "$t"
set +e
m delta > /dev/null 2>&1; [[ $? -eq 2 ]] || fail "delta without a subcommand is not exit 2"
m delta describe > /dev/null 2>&1; [[ $? -eq 2 ]] || fail "missing TABLE is not exit 2"
m delta cat --version 1 --timestamp 2020-10-26T14:52:50Z "$t" > /dev/null 2>&1
[[ $? -eq 2 ]] || fail "--version with --timestamp is not exit 2"
m delta cat --limit -1 "$t" > /dev/null 2>&1; [[ $? -eq 2 ]] || fail "--limit -1 is not exit 2"
m delta frobnicate "$t" > /dev/null 2>&1; [[ $? -eq 2 ]] || fail "unknown subcommand is not exit 2"
set -e
for cmd in describe history files cat checkpoint vacuum optimize; do
  m delta $cmd --help | grep -q "Usage: .*delta $cmd" || fail "$cmd --help"
done

# Maintenance on a table of 25 one-row commits.
w="$tmp/table"
"$tool" create "$w" > /dev/null
"$tool" append "$w" --writer 7 --count 25 > /dev/null
m delta checkpoint "$w" | grep -q "checkpoint of version 25" || fail "checkpoint"
[[ -f "$w/_delta_log/00000000000000000025.checkpoint.parquet" ]] || fail "no checkpoint file"
m delta describe --json "$w" | py '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 25 and d["numFiles"] == 25 and d["txns"][0]["appId"] == "writer-7", d' ||
  fail "describe after checkpoint"
m delta optimize --json "$w" | py '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == 26 and d["filesRemoved"] == 25 and d["filesAdded"] == 1, d' || fail "optimize"
m delta history "$w" | head -1 | grep -q OPTIMIZE || fail "history after optimize"
[[ $(m delta cat "$w" | sort -u | wc -l) -eq 25 ]] || fail "rows after optimize"
# The 25 replaced files are within the default retention: the retention check
# refuses --retain-hours 0 unless told, and a dry run deletes nothing.
expect_failure 1 delta vacuum --retain-hours 0 "$w"
m delta vacuum --json --dry-run --retain-hours 0 --no-retention-check "$w" | py '
import json, sys
d = json.load(sys.stdin)
assert d["dryRun"] and d["numFiles"] == 25, d' || fail "vacuum --dry-run"
[[ $(find "$w" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l) -eq 26 ]] || fail "dry run deleted"
m delta vacuum --retain-hours 0 --no-retention-check "$w" | tail -1 | grep -q "deleted 25 files" ||
  fail "vacuum"
[[ $(find "$w" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l) -eq 1 ]] || fail "after vacuum"
[[ $(m delta cat "$w" | wc -l) -eq 25 ]] || fail "rows after vacuum"
echo "delta CLI: ok"
