#!/usr/bin/python3
"""An independent oracle of the medallion pipeline (issue 8's acceptance).

From a source file (JSON Lines, bzip2) it computes what the pipeline must
end with, written from SPEC.md and the decoder's contract only, never from
the C++ implementation:

  - every line classified: an event, or rejected with exactly one reason
    (formats/json/jsonl_decoder.h: truncated, not_json, missing_field,
    wrong_type, bad_timestamp, unknown_event; then "duplicate" for an
    accepted line whose (event, session_id) an earlier accepted line had);
  - the gold table uc_delta_session_events (one row per session, without
    the DL_* stamps);
  - the insights object of `medallion insights --json`;
  - the rows of the two serving tables (keyspace session_events) and the
    REST API's answers for a deterministic sample of players and
    countries, for a given "now".

Usage:
  /usr/bin/python3 tests/oracle/pipeline_oracle.py INPUT.jsonl.bz2 --out DIR
      [--now 2016-11-07T00:00:00Z]
writes DIR/expected.json and DIR/sessions.jsonl (one session per line,
sorted by session_id; timestamps as naive UTC ISO text, EVENT_DATE as
YYYY-MM-DD). Importable: tests/oracle/test_pipeline_oracle.py calls the
functions below.

Only the standard library (json, bz2, argparse, ...). Timestamps are kept
as integer microseconds since the epoch (UTC) throughout.

Lines the generator never writes where Python's json and the decoder part
ways (the contract does not settle them; the test pins down the cases it
does): numbers beyond double range (1e999: Python inf, decoder not_json),
lone surrogate escapes ("\\ud800": Python accepts, decoder not_json),
repeated keys (Python: the last wins, decoder: the first).
"""

import argparse
import bz2
import json
import os
import queue
import sys
import threading
from collections import Counter, defaultdict

# Decoder reasons in json::RejectReason order, then the refine's own.
DECODER_REASONS = ("not_json", "missing_field", "wrong_type", "bad_timestamp",
                   "unknown_event", "truncated")
DUPLICATE = "duplicate"
REASONS = DECODER_REASONS + (DUPLICATE,)

EVENTS = ("start", "end")
# The source schema's fields in schema order; country alone is nullable.
FIELDS = ("player_id", "country", "event", "session_id", "ts")

MICROS_PER_SECOND = 1_000_000
MICROS_PER_HOUR = 3600 * MICROS_PER_SECOND
MICROS_PER_DAY = 86400 * MICROS_PER_SECOND
RETENTION_MICROS = 365 * MICROS_PER_DAY
DEFAULT_NOW = "2016-11-07T00:00:00Z"
API_LIMIT = 20
SAMPLE_PLAYERS = 50
SAMPLE_COUNTRIES = 10
SAMPLE_HOURS = (1, 6, 24)

# ------------------------------------------------------------- civil time --


def is_leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def days_in_month(y, m):
    if m == 2:
        return 29 if is_leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z):
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


_DIGITS = frozenset("0123456789")


def _num(s, pos, n):
    """The value of exactly n ASCII digits at s[pos:pos+n], or None."""
    part = s[pos:pos + n]
    if len(part) != n or not part.isascii() or not part.isdigit():
        return None
    return int(part)


_date_cache = {}


def _parse_date_part(s):
    """Days of "YYYY-MM-DD" at the start of s, or None (memoized: a source
    has few distinct dates)."""
    key = s[:10]
    if key in _date_cache:
        return _date_cache[key]
    days = None
    if len(key) == 10 and key[4] == "-" and key[7] == "-":
        y, m, d = _num(key, 0, 4), _num(key, 5, 2), _num(key, 8, 2)
        if None not in (y, m, d) and 1 <= m <= 12 and 1 <= d <= days_in_month(y, m):
            days = days_from_civil(y, m, d)
    if len(_date_cache) < 100000:
        _date_cache[key] = days
    return days


def parse_iso8601(s):
    """Microseconds since the epoch of the ISO-8601 text util::parse_iso8601
    accepts, else None:
        YYYY-MM-DD('T'|' ')hh:mm:ss[.f{1,9}][Z|z|(+|-)hh:mm|(+|-)hhmm]
    zone-less text is UTC; digits past the sixth fraction digit must be 0;
    hh <= 23, mm <= 59, ss <= 59 (no leap seconds); offsets up to 23:59."""
    if not isinstance(s, str) or len(s) < 19 or not s.isascii():
        return None
    days = _parse_date_part(s)
    if days is None or s[10] not in "T " or s[13] != ":" or s[16] != ":":
        return None
    hms = s[11:13] + s[14:16] + s[17:19]
    if not hms.isdigit():
        return None
    hh, mm, ss = int(hms[0:2]), int(hms[2:4]), int(hms[4:6])
    if hh > 23 or mm > 59 or ss > 59:
        return None
    pos, n, micros = 19, len(s), 0
    if pos < n and s[pos] == ".":
        pos += 1
        start = pos
        while pos < n and s[pos] in _DIGITS:
            pos += 1
        digits = s[start:pos]
        if not digits or len(digits) > 9 or digits[6:].strip("0"):
            return None
        micros = int(digits[:6].ljust(6, "0"))
    offset = 0
    if pos < n:
        c = s[pos]
        if c in "Zz":
            pos += 1
        elif c in "+-":
            oh = _num(s, pos + 1, 2)
            mpos = pos + 3
            if mpos < n and s[mpos] == ":":
                mpos += 1
            om = _num(s, mpos, 2)
            if oh is None or om is None or oh > 23 or om > 59:
                return None
            offset = (oh * 3600 + om * 60) * (-1 if c == "-" else 1)
            pos = mpos + 2
        else:
            return None
    if pos != n:
        return None
    seconds = days * 86400 + hh * 3600 + mm * 60 + ss - offset
    return seconds * MICROS_PER_SECOND + micros


def _year_text(y):
    return "%04d" % y if 0 <= y <= 9999 else "%+05d" % y


def format_date(days):
    y, m, d = civil_from_days(days)
    return "%s-%02d-%02d" % (_year_text(y), m, d)


def format_ts(micros):
    """Naive UTC ISO text as Python's datetime.isoformat() writes it:
    "YYYY-MM-DDTHH:MM:SS", plus ".ffffff" only when the micros are not 0."""
    if micros is None:
        return None
    days, rest = divmod(micros, MICROS_PER_DAY)
    secs, frac = divmod(rest, MICROS_PER_SECOND)
    text = "%sT%02d:%02d:%02d" % (format_date(days), secs // 3600, secs // 60 % 60, secs % 60)
    return text + (".%06d" % frac if frac else "")


def date_of(micros):
    return micros // MICROS_PER_DAY


def parse_now(text):
    micros = parse_iso8601(text)
    if micros is None:
        raise ValueError("oracle: --now %r is not ISO-8601: use e.g. %s" % (text, DEFAULT_NOW))
    return micros

# ------------------------------------------------------------------ lines --


def _reject_constant(name):
    # Strict JSON has no NaN / Infinity; Python's json would accept them.
    raise ValueError("not JSON: " + name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _decode_object(raw):
    """The line as a dict, or None when it is not one JSON object."""
    try:
        value = _DECODER.decode(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _is_json(raw):
    """Whether raw is one complete JSON value of any type."""
    try:
        _DECODER.decode(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


def _field_reason(obj):
    """missing_field / wrong_type of the first offending field in schema
    order, or None when every field is fine."""
    for field in FIELDS:
        v = obj.get(field)
        if v is None:
            if field != "country":
                return "missing_field"
        elif type(v) is not str:
            return "wrong_type"
    return None


def classify_line(raw, last_unterminated=False):
    """(reason, None) for a rejected line, else (None, (player_id, country,
    event, session_id, ts_micros)). raw: the line's bytes without "\n"."""
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    obj = _decode_object(raw)
    if obj is None:
        # An unterminated last line is truncated unless it is complete JSON
        # (of another type than an object: not_json like any other line).
        truncated = last_unterminated and not _is_json(raw)
        return ("truncated" if truncated else "not_json"), None
    get = obj.get
    player_id, country, event = get("player_id"), get("country"), get("event")
    session_id, ts_text = get("session_id"), get("ts")
    if (type(player_id) is not str or type(event) is not str or type(session_id) is not str
            or type(ts_text) is not str or (country is not None and type(country) is not str)):
        return _field_reason(obj), None
    # Value checks in schema order: event comes before ts.
    if event not in EVENTS:
        return "unknown_event", None
    ts = parse_iso8601(ts_text)
    if ts is None:
        return "bad_timestamp", None
    return None, (player_id, country, event, session_id, ts)


def _read_chunks(path, out, stop, chunk_bytes=1 << 22):
    """Puts the file's decompressed bytes on queue out in chunks, then None
    (or the exception that stopped it), until stop is set. Runs on its own
    thread: bz2 lets go of the GIL while it decompresses, so that overlaps
    the line decoding."""
    try:
        opener = bz2.open if path.endswith(".bz2") else open
        with opener(path, "rb") as f:
            while not stop.is_set():
                chunk = f.read(chunk_bytes)
                if not chunk:
                    break
                out.put(chunk)
        out.put(None)
    except BaseException as e:  # handed to the reading thread
        out.put(e)


def iter_lines(path):
    """(line_number, bytes without "\n", unterminated) of a bzip2 (or, by
    its name, plain) JSON Lines file. A final piece without "\n" is a line
    only when it is not empty."""
    chunks = queue.Queue(maxsize=8)
    stop = threading.Event()
    reader = threading.Thread(target=_read_chunks, args=(path, chunks, stop), daemon=True)
    reader.start()
    try:
        number = 0
        rest = b""
        while True:
            chunk = chunks.get()
            if chunk is None:
                break
            if isinstance(chunk, BaseException):
                raise chunk
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                number += 1
                yield number, line, False
        if rest:
            yield number + 1, rest, True
    finally:
        # A consumer that stops early must not leave the reader blocked on
        # a full queue with the file open.
        stop.set()
        while reader.is_alive():
            try:
                chunks.get(timeout=0.1)
            except queue.Empty:
                pass
        reader.join()


class Source:
    """What a source file holds, line by line."""

    def __init__(self):
        self.lines = 0
        self.events = []        # (line, player_id, country, event, session_id, ts), no duplicates
        self.rejects = []       # (line, reason), in line order
        self.accepted = Counter()  # event type -> decoder-accepted lines (duplicates too)
        self.players = set()    # among decoder-accepted lines
        self.countries = set()
        self.dates = set()
        self.min_ts = None
        self.max_ts = None


def read_source(path):
    src = Source()
    seen = set()
    events, rejects, accepted = src.events, src.rejects, src.accepted
    players, countries, dates = src.players, src.countries, src.dates
    lo = hi = None
    number = 0
    for number, raw, unterminated in iter_lines(path):
        reason, event = classify_line(raw, unterminated)
        if reason is not None:
            rejects.append((number, reason))
            continue
        player_id, country, kind, session_id, ts = event
        accepted[kind] += 1
        players.add(player_id)
        if country is not None:
            countries.add(country)
        dates.add(ts // MICROS_PER_DAY)
        if lo is None or ts < lo:
            lo = ts
        if hi is None or ts > hi:
            hi = ts
        key = (kind, session_id)
        if key in seen:
            rejects.append((number, DUPLICATE))
            continue
        seen.add(key)
        events.append((number, player_id, country, kind, session_id, ts))
    src.lines, src.min_ts, src.max_ts = number, lo, hi
    return src

# --------------------------------------------------------------- sessions --


def sessionize(events):
    """The gold table's rows (without DL_* stamps), sorted by session_id.

    Per session: player_id from its events (the start's when there is one),
    country from its start (None without), start_ts the earliest start,
    end_ts the latest end, session_status 1 when an end exists, EVENT_DATE
    the date of start_ts, or of end_ts when there is no start."""
    starts = {}  # session_id -> (ts, player_id, country) of its earliest start
    ends = {}    # session_id -> (ts, player_id) of its latest end
    for _line, player_id, country, kind, session_id, ts in events:
        if kind == "start":
            old = starts.get(session_id)
            if old is None or ts < old[0]:
                starts[session_id] = (ts, player_id, country)
        else:
            old = ends.get(session_id)
            if old is None or ts > old[0]:
                ends[session_id] = (ts, player_id)
    rows = []
    for session_id in sorted(starts.keys() | ends.keys()):
        start = starts.get(session_id)
        end = ends.get(session_id)
        start_ts = start[0] if start else None
        end_ts = end[0] if end else None
        rows.append({
            "country": start[2] if start else None,
            "player_id": start[1] if start else end[1],
            "session_id": session_id,
            "start_ts": start_ts,
            "end_ts": end_ts,
            "session_status": 1 if end else 0,
            "EVENT_DATE": (start_ts if start else end_ts) // MICROS_PER_DAY,
        })
    return rows


def session_json(row):
    """One sessions.jsonl object: timestamps and the date as text."""
    out = dict(row)
    out["start_ts"] = format_ts(row["start_ts"])
    out["end_ts"] = format_ts(row["end_ts"])
    out["EVENT_DATE"] = format_date(row["EVENT_DATE"])
    return out

# --------------------------------------------------------------- insights --


def _top(counter, key_name, n=10):
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8")))
    return [{key_name: k, "count": c} for k, c in ranked[:n]]


def completed_per_country(sessions):
    return Counter(s["country"] for s in sessions
                   if s["session_status"] == 1 and s["country"] is not None)


def insights(sessions):
    """SPEC.md "Insights" over the gold rows (src/insights/insights.h's
    definitions): completed = session_status 1; per country only non-null
    countries; 2016 starts by calendar year UTC; ties by key ascending."""
    per_player = Counter(s["player_id"] for s in sessions if s["session_status"] == 1)
    y2016 = (days_from_civil(2016, 1, 1) * MICROS_PER_DAY,
             days_from_civil(2017, 1, 1) * MICROS_PER_DAY)
    started = Counter(s["country"] for s in sessions
                      if s["country"] is not None and s["start_ts"] is not None
                      and y2016[0] <= s["start_ts"] < y2016[1])
    top = _top(started, "country", 1)
    return {
        "sessions": len(sessions),
        "completed_per_country": _top(completed_per_country(sessions), "country"),
        "completed_per_player": _top(per_player, "player_id"),
        "top_country_started_2016": top[0]["country"] if top else None,
    }

# ---------------------------------------------------------------- serving --


def completed_rows(sessions, now):
    """completed_sessions_by_player: (player_id, end_ts, session_id,
    country, start_ts) of each session with an end inside the retention."""
    floor = now - RETENTION_MICROS
    return [(s["player_id"], s["end_ts"], s["session_id"], s["country"], s["start_ts"])
            for s in sessions if s["session_status"] == 1 and s["end_ts"] >= floor]


def hour_of(micros):
    return micros - micros % MICROS_PER_HOUR


def started_rows(sessions, now):
    """started_sessions_by_country_hour: (country, hour, start_ts,
    session_id, player_id) of each session with a start and a country
    inside the retention."""
    floor = now - RETENTION_MICROS
    return [(s["country"], hour_of(s["start_ts"]), s["start_ts"], s["session_id"], s["player_id"])
            for s in sessions
            if s["start_ts"] is not None and s["country"] is not None and s["start_ts"] >= floor]


def _item(player_id, session_id, country, ts):
    return {"player_id": player_id, "session_id": session_id, "country": country,
            "ts": format_ts(ts)}


def group_by(rows, column):
    """{value of rows' column: [rows]}: the partitions of a serving table."""
    groups = defaultdict(list)
    for r in rows:
        groups[r[column]].append(r)
    return groups


def completed_answer(by_player, player_id):
    """GET /models/completed-sessions/{player_id}: newest end first, ties
    session_id ascending, at most 20. by_player: group_by(completed_rows, 0)."""
    mine = sorted(by_player.get(player_id, ()), key=lambda r: (-r[1], r[2]))
    items = [_item(r[0], r[2], r[3], r[1]) for r in mine[:API_LIMIT]]
    return {"items": items, "count": len(items)}


def started_answer(by_country, country, hours, now):
    """GET /models/started_sessions/{country}/{hours}: all rows with
    now - hours*3600 s <= start_ts <= now, newest first, ties session_id
    ascending (the API pages them; this is the whole list). by_country:
    group_by(started_rows, 0)."""
    lo = now - hours * MICROS_PER_HOUR
    mine = sorted((r for r in by_country.get(country, ()) if lo <= r[2] <= now),
                  key=lambda r: (-r[2], r[3]))
    items = [_item(r[4], r[3], r[0], r[2]) for r in mine]
    return {"items": items, "count": len(items)}


def _every_kth(values, n):
    """n values spread evenly over the sorted list values (all when fewer)."""
    if n <= 0:
        return []
    if len(values) <= n:
        return list(values)
    step = len(values) / n
    return [values[int(i * step)] for i in range(n)]


def sample_players(rows, sessions, n=SAMPLE_PLAYERS):
    """Sorted player ids of the gold table, every k-th, plus the player with
    the most completed rows, one with an end-only session (country null) and
    an id no session has."""
    players = sorted({s["player_id"] for s in sessions})
    picked = set()
    per_player = Counter(r[0] for r in rows)
    if per_player:
        picked.add(min(per_player.items(), key=lambda kv: (-kv[1], kv[0]))[0])
    orphans = sorted(s["player_id"] for s in sessions if s["start_ts"] is None)
    if orphans:
        picked.add(orphans[0])
    missing = "0" * 32
    if missing not in players:
        picked.add(missing)
    rest = [p for p in players if p not in picked]
    picked.update(_every_kth(rest, max(0, n - len(picked))))
    return sorted(picked)


def sample_countries(rows, now, n=SAMPLE_COUNTRIES, top_2016=None):
    """Sorted countries: the one with the most starts in the last 24 hours,
    the top one of 2016, the junk values "(.uk)" and "Code" when present,
    every k-th of the rest up to n, plus a country no session has."""
    countries = sorted({r[0] for r in rows})
    lo = now - 24 * MICROS_PER_HOUR
    recent = Counter(r[0] for r in rows if lo <= r[2] <= now)
    picked = set()
    if recent:
        picked.add(min(recent.items(), key=lambda kv: (-kv[1], kv[0]))[0])
    if top_2016 in countries:
        picked.add(top_2016)
    for junk in ("(.uk)", "Code"):
        if junk in countries:
            picked.add(junk)
    rest = [c for c in countries if c not in picked]
    picked.update(_every_kth(rest, max(0, n - len(picked))))
    if "ZZ" not in countries:
        picked.add("ZZ")
    return sorted(picked)

# -------------------------------------------------------------- the whole --


def compute(path, now=None, src=None):
    """(expected, sessions): everything the oracle knows about the source at
    path, for instant now (micros; default 2016-11-07T00:00:00Z). src: the
    file's read_source() when the caller has it already."""
    if now is None:
        now = parse_now(DEFAULT_NOW)
    if src is None:
        src = read_source(path)
    sessions = sessionize(src.events)
    ins = insights(sessions)
    completed = completed_rows(sessions, now)
    started = started_rows(sessions, now)
    rejected = Counter(reason for _line, reason in src.rejects)
    players = sample_players(completed, sessions)
    countries = sample_countries(started, now, top_2016=ins["top_country_started_2016"])
    by_player = group_by(completed, 0)
    by_country = group_by(started, 0)
    expected = {
        "input": os.path.abspath(path),
        "now": format_ts(now) + "Z",
        "counts": {
            "lines": src.lines,
            "events": {k: src.accepted[k] for k in EVENTS},
            "raw_events": len(src.events),
            "rejected": {r: rejected[r] for r in REASONS},
            "sessions": len(sessions),
            "completed": sum(s["session_status"] for s in sessions),
            "completed_with_start": sum(1 for s in sessions
                                        if s["session_status"] == 1 and s["start_ts"] is not None),
            "players": len(src.players),
            "countries": len(src.countries),
            "dates": len(src.dates),
            "min_ts": format_ts(src.min_ts),
            "max_ts": format_ts(src.max_ts),
            "completed_per_country": dict(sorted(completed_per_country(sessions).items())),
            "completed_sessions_by_player": len(completed),
            "started_sessions_by_country_hour": len(started),
        },
        "insights": ins,
        "api": {
            "completed_sessions": [
                {"player_id": p, "response": completed_answer(by_player, p)} for p in players],
            "started_sessions": [
                {"country": c, "hours": h, "response": started_answer(by_country, c, h, now)}
                for c in countries for h in SAMPLE_HOURS],
        },
        "rejects": [[line, reason] for line, reason in src.rejects],
    }
    return expected, sessions


def write_outputs(out_dir, expected, sessions):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(os.path.join(out_dir, "sessions.jsonl"), "w", encoding="utf-8") as f:
        for s in sessions:
            f.write(encode(session_json(s)))
            f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="the source file (.jsonl.bz2, or plain .jsonl)")
    ap.add_argument("--out", required=True, help="directory for expected.json and sessions.jsonl")
    ap.add_argument("--now", default=DEFAULT_NOW, help="the serving instant (default %(default)s)")
    args = ap.parse_args(argv)
    try:
        now = parse_now(args.now)
    except ValueError as e:
        ap.error(str(e))
    try:
        expected, sessions = compute(args.input, now)
        write_outputs(args.out, expected, sessions)
    except (OSError, EOFError) as e:  # unreadable input, corrupt bzip2, unwritable --out
        print("oracle: %s (%s): check the path and that it is JSON Lines (.bz2)"
              % (e, args.input), file=sys.stderr)
        return 1
    c = expected["counts"]
    print("oracle: %d lines, %d events, %d rejected, %d sessions, %d completed -> %s"
          % (c["lines"], c["raw_events"], sum(c["rejected"].values()), c["sessions"],
             c["completed"], args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
