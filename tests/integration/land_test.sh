#!/bin/bash
# Integration tests of `medallion land`: land_test.sh CASE
# Runs the built binary ($MEDALLION_BIN) against the fixture HTTP server
# (http_fixture.py, 127.0.0.1 only) and local files, in a fresh temp dir.
# Every server started here is killed on exit.
set -euo pipefail

CASE="${1:?usage: land_test.sh CASE}"
BIN="${MEDALLION_BIN:?MEDALLION_BIN must name the medallion binary}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3

TMP="$(mktemp -d "${TMPDIR:-/tmp}/medallion-land-XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  chmod -R u+w "$TMP" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
  echo "FAIL [$CASE]: $*" >&2
  for f in "$TMP/out" "$TMP/err"; do
    [[ -f "$f" ]] && { echo "--- $(basename "$f"):" >&2; cat "$f" >&2; }
  done
  exit 1
}

LAKE="$TMP/lake"
SRC_DIR="$TMP/src"
NAME=assignment_data.jsonl.bz2
NOW=2016-12-02T10:00:00Z
DAY_DIR="$LAKE/landingzone/assignment_data/2016-12-02"
mkdir -p "$SRC_DIR"
# Incompressible bytes, larger than one curl buffer and one write buffer.
head -c 700000 /dev/urandom > "$SRC_DIR/$NAME"
SRC_SHA="$(sha256sum "$SRC_DIR/$NAME" | cut -d' ' -f1)"

start_server() {
  "$PY" "$HERE/http_fixture.py" --root "$SRC_DIR" > "$TMP/port" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    [[ -s "$TMP/port" ]] && break
    sleep 0.1
  done
  PORT="$(head -n1 "$TMP/port")"
  [[ "$PORT" =~ ^[0-9]+$ ]] || fail "fixture server printed no port"
  BASE="http://127.0.0.1:$PORT"
}

# run ARGS...: runs medallion land, capturing stdout, stderr and the exit code.
run() {
  set +e
  "$BIN" land "$@" > "$TMP/out" 2> "$TMP/err"
  RC=$?
  set -e
}

expect_landed() {  # expect_landed PATH
  [[ "$RC" -eq 0 ]] || fail "exit code $RC, expected 0"
  [[ ! -s "$TMP/err" ]] || fail "unexpected stderr"
  cmp -s "$1" "$SRC_DIR/$NAME" || fail "$1 differs from the source"
  [[ -f "$1.manifest.json" ]] || fail "no manifest beside $1"
  [[ -z "$(find "$LAKE" -name '.*partial*')" ]] || fail "a partial file was left behind"
}

# manifest_field PATH KEY: prints the manifest's value for KEY ("<absent>" if none).
manifest_field() {
  "$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m.get(sys.argv[2], "<absent>"))' \
    "$1.manifest.json" "$2"
}

expect_manifest() {  # expect_manifest PATH SOURCE
  [[ "$(manifest_field "$1" sha256)" == "$SRC_SHA" ]] || fail "manifest sha256 is wrong"
  [[ "$(manifest_field "$1" size)" == "$(stat -c %s "$SRC_DIR/$NAME")" ]] || fail "manifest size is wrong"
  [[ "$(manifest_field "$1" source)" == "$2" ]] || fail "manifest source is $(manifest_field "$1" source)"
  [[ "$(manifest_field "$1" fetched_at)" == "$NOW" ]] || fail "manifest fetched_at is wrong"
  [[ "$(manifest_field "$1" load_date)" == "2016-12-02" ]] || fail "manifest load_date is wrong"
}

# expect_failure PATTERN: exit 1, one line on stderr matching PATTERN (an
# extended regex), nothing on stdout, nothing landed, nothing left behind.
expect_failure() {
  [[ "$RC" -eq 1 ]] || fail "exit code $RC, expected 1"
  [[ "$(wc -l < "$TMP/err")" -eq 1 ]] || fail "stderr is not exactly one line"
  grep -Eq -- "$1" "$TMP/err" || fail "stderr does not match: $1"
  [[ ! -s "$TMP/out" ]] || fail "unexpected stdout"
  if [[ -d "$LAKE" ]]; then
    local left
    left="$(find "$LAKE" -mindepth 1 \( -type f -o -type d -path '*/assignment_data/*' \))"
    [[ -z "$left" ]] || fail "left behind: $left"
  fi
}

SUMMARY_RE="^landed $DAY_DIR/$NAME \\([0-9.]+ (B|kB|MB|GB), sha256 ${SRC_SHA:0:12}…, [0-9]+\\.[0-9] s\\)$"

case "$CASE" in
  http)
    start_server
    run --source "$BASE/files/$NAME" --lake "$LAKE" --now "$NOW"
    expect_landed "$DAY_DIR/$NAME"
    expect_manifest "$DAY_DIR/$NAME" "$BASE/files/$NAME"
    [[ "$(manifest_field "$DAY_DIR/$NAME" http_status)" == 200 ]] || fail "http_status missing"
    [[ "$(manifest_field "$DAY_DIR/$NAME" last_modified)" =~ Z$ ]] || fail "last_modified missing"
    grep -Eq "$SUMMARY_RE" "$TMP/out" || fail "summary line does not match"
    [[ "$(wc -l < "$TMP/out")" -eq 1 ]] || fail "summary is not one line"
    ;;

  http_redirect_default_name)
    # A redirect is followed; a URL without a file name lands under the default name.
    start_server
    run --source "$BASE/redirect/$NAME" --lake "$LAKE" --now "$NOW"
    expect_landed "$DAY_DIR/$NAME"
    rm -rf "$LAKE"
    cp "$SRC_DIR/$NAME" "$SRC_DIR/other.bin"
    run --source "$BASE/bare/?file=other.bin" --lake "$LAKE" --now "$NOW"
    expect_landed "$DAY_DIR/$NAME"
    ;;

  file_url)
    run --source "file://$SRC_DIR/$NAME" --lake "$LAKE" --now "$NOW"
    expect_landed "$DAY_DIR/$NAME"
    expect_manifest "$DAY_DIR/$NAME" "file://$SRC_DIR/$NAME"
    [[ "$(manifest_field "$DAY_DIR/$NAME" http_status)" == "<absent>" ]] || fail "file:// has no HTTP status"
    ;;

  plain_path)
    # A relative path is recorded as an absolute one.
    cd "$TMP"
    run --source "src/$NAME" --lake lake --now "$NOW"
    [[ "$RC" -eq 0 ]] || fail "exit code $RC"
    grep -Eq "^landed lake/landingzone/assignment_data/2016-12-02/$NAME " "$TMP/out" || fail "summary"
    expect_landed "$DAY_DIR/$NAME"
    expect_manifest "$DAY_DIR/$NAME" "$SRC_DIR/$NAME"
    ;;

  json_and_quiet)
    run --source "$SRC_DIR/$NAME" --lake "$LAKE" --now "$NOW" --json
    expect_landed "$DAY_DIR/$NAME"
    [[ "$(wc -l < "$TMP/out")" -eq 1 ]] || fail "--json is not one line"
    "$PY" -c '
import json, sys
m = json.loads(open(sys.argv[1]).read())
assert m["sha256"] == sys.argv[2], m
assert m["path"] == sys.argv[3], m
assert m["already_landed"] is False, m
assert m["fetched_at"] == "2016-12-02T10:00:00Z", m
' "$TMP/out" "$SRC_SHA" "$DAY_DIR/$NAME" || fail "--json output is wrong"
    run --source "$SRC_DIR/$NAME" --lake "$LAKE" --quiet
    [[ "$RC" -eq 0 && ! -s "$TMP/out" && ! -s "$TMP/err" ]] || fail "--quiet printed something"
    ;;

  reland)
    # The same bytes again — same day or another, by path or by URL — copy nothing.
    start_server
    run --source "$SRC_DIR/$NAME" --lake "$LAKE" --now "$NOW"
    expect_landed "$DAY_DIR/$NAME"
    before="$(stat -c %Y.%i "$DAY_DIR/$NAME" "$DAY_DIR/$NAME.manifest.json")"
    run --source "$BASE/files/$NAME" --lake "$LAKE" --now "$NOW"
    [[ "$RC" -eq 0 ]] || fail "same-day re-land: exit code $RC"
    grep -Eq "^already landed: $DAY_DIR/$NAME \\(sha256 ${SRC_SHA:0:12}…\\)$" "$TMP/out" \
      || fail "same-day re-land: no 'already landed' line"
    run --source "$BASE/files/$NAME" --lake "$LAKE" --now 2016-12-05T08:00:00Z
    [[ "$RC" -eq 0 ]] || fail "next-day re-land: exit code $RC"
    grep -Eq "^already landed: $DAY_DIR/$NAME " "$TMP/out" || fail "next-day re-land: no 'already landed'"
    [[ ! -e "$LAKE/landingzone/assignment_data/2016-12-05" ]] || fail "re-land created a date directory"
    [[ "$(find "$LAKE" -type f | wc -l)" -eq 2 ]] || fail "expected one file and one manifest"
    [[ "$(stat -c %Y.%i "$DAY_DIR/$NAME" "$DAY_DIR/$NAME.manifest.json")" == "$before" ]] \
      || fail "the landed file or manifest was rewritten"
    [[ -z "$(find "$LAKE" -name '.*partial*')" ]] || fail "a partial file was left behind"
    ;;

  changed_source_same_day)
    # Different bytes under the same name and day are refused, never overwritten.
    run --source "$SRC_DIR/$NAME" --lake "$LAKE" --now "$NOW"
    expect_landed "$DAY_DIR/$NAME"
    mkdir "$TMP/v2" && head -c 1000 /dev/urandom > "$TMP/v2/$NAME"
    run --source "$TMP/v2/$NAME" --lake "$LAKE" --now "$NOW"
    [[ "$RC" -eq 1 ]] || fail "exit code $RC, expected 1"
    [[ "$(wc -l < "$TMP/err")" -eq 1 ]] || fail "stderr is not one line"
    grep -q "a different file is already landed as $DAY_DIR/$NAME" "$TMP/err" || fail "message"
    cmp -s "$DAY_DIR/$NAME" "$SRC_DIR/$NAME" || fail "the landed file was overwritten"
    [[ -z "$(find "$LAKE" -name '.*partial*')" ]] || fail "a partial file was left behind"
    ;;

  http_404)
    start_server
    run --source "$BASE/missing/$NAME" --lake "$LAKE" --now "$NOW"
    expect_failure "^medallion: land: HTTP 404 Not Found fetching $BASE/missing/$NAME: check the source URL$"
    ;;

  http_500)
    start_server
    run --source "$BASE/status/500" --lake "$LAKE" --now "$NOW"
    expect_failure "^medallion: land: HTTP 500 Internal Server Error fetching $BASE/status/500: "
    ;;

  connection_refused)
    # A port that was free a moment ago: bound, then closed.
    PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    run --source "http://127.0.0.1:$PORT/$NAME" --lake "$LAKE" --now "$NOW" --timeout 5
    expect_failure "^medallion: land: cannot connect fetching http://127.0.0.1:$PORT/$NAME \\(.*\\): "
    ;;

  truncated)
    # The server announces more bytes than it sends, then closes.
    start_server
    run --source "$BASE/truncated/$NAME" --lake "$LAKE" --now "$NOW"
    expect_failure "^medallion: land: transfer truncated fetching $BASE/truncated/$NAME \\(received 700000 of 701000 bytes\\): "
    ;;

  stalled)
    # The server sends half, then nothing: --timeout bounds the wait.
    start_server
    started=$SECONDS
    run --source "$BASE/stall/$NAME" --lake "$LAKE" --now "$NOW" --timeout 1
    expect_failure "^medallion: land: transfer stalled or timed out fetching $BASE/stall/$NAME "
    (( SECONDS - started < 20 )) || fail "took $((SECONDS - started)) s to give up"
    ;;

  interrupted)
    # SIGTERM mid-transfer: the partial file is removed, nothing is landed.
    start_server
    set +e
    "$BIN" land --source "$BASE/stall/$NAME" --lake "$LAKE" --now "$NOW" --timeout 60 \
      > "$TMP/out" 2> "$TMP/err" &
    LAND_PID=$!
    for _ in $(seq 100); do
      [[ -n "$(find "$LAKE" -name '.*partial*' 2>/dev/null)" ]] && break
      sleep 0.1
    done
    [[ -n "$(find "$LAKE" -name '.*partial*' 2>/dev/null)" ]] || fail "no partial file appeared"
    kill -TERM "$LAND_PID"
    wait "$LAND_PID"
    RC=$?
    set -e
    expect_failure "^medallion: land: interrupted fetching $BASE/stall/$NAME: nothing was landed"
    ;;

  unwritable_lake)
    # Root ignores permission bits, so the lake goes under a regular file,
    # which stops everyone; without root, a read-only directory is tried too.
    start_server
    echo "not a directory" > "$TMP/plain"
    LAKE="$TMP/plain/lake"
    run --source "$BASE/files/$NAME" --lake "$LAKE" --now "$NOW"
    expect_failure "^medallion: io: cannot create directory $LAKE/.*not a directory"
    if [[ "$(id -u)" -ne 0 ]]; then
      mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
      LAKE="$TMP/ro/lake"
      run --source "$BASE/files/$NAME" --lake "$LAKE" --now "$NOW"
      expect_failure "^medallion: io: cannot create directory $LAKE.*\\(Permission denied\\)"
    fi
    ;;

  missing_file)
    run --source "$TMP/nope/$NAME" --lake "$LAKE" --now "$NOW"
    expect_failure "^medallion: land: source file not found \\($TMP/nope/$NAME\\): check the path$"
    [[ ! -e "$LAKE" ]] || fail "the lake was created for nothing"
    ;;

  missing_file_url)
    run --source "file://$TMP/nope/$NAME" --lake "$LAKE" --now "$NOW"
    expect_failure "^medallion: land: cannot read file://$TMP/nope/$NAME \\(.*\\): check that the file exists"
    ;;

  unsupported_scheme)
    run --source "ftp://127.0.0.1/$NAME" --lake "$LAKE"
    expect_failure "^medallion: land: unsupported source ftp://127.0.0.1/$NAME \\(scheme 'ftp'\\): "
    ;;

  bad_usage)
    run --source "$SRC_DIR/$NAME" --lake "$LAKE" --now yesterday
    [[ "$RC" -eq 2 ]] || fail "--now yesterday: exit code $RC, expected 2"
    run --lake "$LAKE"
    [[ "$RC" -eq 2 ]] || fail "no --source: exit code $RC, expected 2"
    [[ ! -e "$LAKE" ]] || fail "the lake was created for nothing"
    ;;

  *)
    fail "unknown case"
    ;;
esac
echo "ok [$CASE]"
