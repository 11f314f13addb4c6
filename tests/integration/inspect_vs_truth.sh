#!/usr/bin/env bash
# Generates a source (clean, then dirty), decodes it with inspect-source and
# compares every count with the generator's truth file.
#   inspect_vs_truth.sh [EVENTS]     (no EVENTS: the default, full-size file)
set -euo pipefail
: "${MEDALLION_BIN:?}"
events_args=()
if [[ $# -ge 1 ]]; then events_args=(--events "$1"); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

compare() {  # compare INSPECT.json TRUTH.json EXPECT_CLEAN
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
inspect = json.load(open(sys.argv[1]))
truth = json.load(open(sys.argv[2]))
clean = sys.argv[3] == "clean"
errors = []
for key, value in inspect.items():
    if truth.get(key) != value:
        errors.append(f"{key}: inspect-source says {value!r}, the truth file says {truth.get(key)!r}")
if clean and any(inspect["rejected"].values()):
    errors.append(f"the clean file has rejects: {inspect['rejected']}")
if not clean:
    missing = [r for r, n in inspect["rejected"].items() if n == 0]
    if missing:
        errors.append(f"the dirty file has no rejects of: {missing}")
if inspect["lines"] != inspect["events"]["start"] + inspect["events"]["end"] + sum(inspect["rejected"].values()):
    errors.append("lines != events + rejects")
for e in errors:
    print("FAIL:", e)
print(json.dumps(inspect))
sys.exit(1 if errors else 0)
PY
}

"$MEDALLION_BIN" gen --quiet --out "$tmp/clean.jsonl.bz2" --truth "$tmp/clean.truth.json" "${events_args[@]}"
"$MEDALLION_BIN" inspect-source --json "$tmp/clean.jsonl.bz2" > "$tmp/clean.inspect.json"
compare "$tmp/clean.inspect.json" "$tmp/clean.truth.json" clean
if [[ ${#events_args[@]} -eq 0 ]]; then
  # The defaults reproduce the real file's known counts.
  /usr/bin/python3 - "$tmp/clean.inspect.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["lines"] == 1001169, s["lines"]
assert s["events"] == {"start": 500584, "end": 500585}, s["events"]
print("default file: 1,001,169 lines, 500,584 start, 500,585 end")
PY
fi

"$MEDALLION_BIN" gen --quiet --dirty 0.01 --seed 7 --out "$tmp/dirty.jsonl.bz2" --truth "$tmp/dirty.truth.json" "${events_args[@]}"
"$MEDALLION_BIN" inspect-source --json "$tmp/dirty.jsonl.bz2" > "$tmp/dirty.inspect.json"
compare "$tmp/dirty.inspect.json" "$tmp/dirty.truth.json" dirty
echo "inspect-source agrees with the generator's truth"
