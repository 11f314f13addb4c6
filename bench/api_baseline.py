#!/usr/bin/python3
"""The FastAPI baseline of medallion's REST API (issue 9).

What: a FastAPI app written the way the original proof of concept's API was
written -- FastAPI + uvicorn with one worker, the DataStax driver
(python3-cassandra), the CQL statements prepared once at startup and
executed on every request from plain `def` handlers (FastAPI runs them on
its thread pool) -- declaring exactly the routes and parameters of
`medallion serve`:

  GET /health                                    200 {"detail": "Healthy"}
  GET /ready                                     200 {"detail": "Ready"},
                                                 503 {"detail": "<why>"} when CQL fails
  GET /models/completed-sessions/{player_id}     player_id: str, max_length 64
  GET /models/started_sessions/{country}/{hours} country: str, max_length 64
                                                 hours: int, 1 <= hours <= 24
                                                 limit: int = 100, 1..1000 (query)
                                                 page_token: str | None, max_length 256

completed-sessions answers {"items": [...], "count": N}: the player's 20
sessions with the greatest end_ts among those with end_ts >= now - 365 days
(ts = end_ts). started_sessions answers {"items": [...], "count": N,
"next_page_token": str | null}: the sessions of that country with
now - hours*3600 s <= start_ts <= now, newest first, ties by session_id
ascending (ts = start_ts), at most `limit` of them. Items are
{"player_id", "session_id", "country", "ts"}; ts is the naive UTC datetime
the driver returns, rendered by FastAPI as datetime.isoformat().

Paging: when more items remain after a page, next_page_token is the
base64url text, without '=' padding, of "<start_ts in ms since the epoch>:
<session_id>" of the page's last item; a request carrying it answers the
items strictly after that position in the same window. A page_token that is
not base64url (alphabet A-Z a-z 0-9 - _, length % 4 != 1) of UTF-8 text
"<1 to 15 ASCII digits, at most 253402300799999>:<non-empty session id>"
answers 422 {"detail": [{"loc": ["query", "page_token"], "msg": "invalid
page token", "type": "value_error.page_token"}]} (after FastAPI's own
validation, which reports first).

"Now" is the environment's MEDALLION_NOW (or --now): an ISO-8601 instant,
default 2016-11-07T00:00:00Z, or "clock" for the wall clock at each request.

Why: it is two things at once. bench/api measures `medallion serve` against
it on the same data in the same run (the issue's ">= 20x the baseline"), and
tests/api/fastapi_compat_test.py uses it as the reference for status codes
and JSON bodies (FastAPI 0.92 + pydantic 1.10 + Starlette 0.26 + uvicorn
0.17 as Debian bookworm ships them).

Run with Debian's interpreter, which has python3-fastapi, python3-uvicorn and
python3-cassandra (scripts/install-deps installs them):

  /usr/bin/python3 bench/api_baseline.py --cql-host 127.0.0.1 --cql-port 9042 --port 8001

It serves until SIGINT/SIGTERM. --cql-user/--cql-password when the CQL
server wants a login.
"""

import argparse
import base64
import binascii
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from typing import Optional

import uvicorn
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster
from fastapi import FastAPI, HTTPException, Path, Query

KEYSPACE = "session_events"
COMPLETED_TABLE = KEYSPACE + ".completed_sessions_by_player"
STARTED_TABLE = KEYSPACE + ".started_sessions_by_country_hour"
RETENTION = timedelta(days=365)
COMPLETED_LIMIT = 20
EPOCH = datetime(1970, 1, 1)
MAX_TOKEN_MS = 253402300799999  # 9999-12-31T23:59:59.999, datetime's last millisecond
TOKEN_TEXT = re.compile(r"([0-9]{1,15}):(.+)", re.DOTALL)
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
DEFAULT_NOW = "2016-11-07T00:00:00Z"


def parse_now(text):
    """None for "clock", else the instant as a naive UTC datetime."""
    if text == "clock":
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


class Cql:
    """One driver session and the statements, prepared once."""

    def __init__(self, host, port, user, password):
        auth = PlainTextAuthProvider(user, password) if user else None
        self.cluster = Cluster([host], port=port, protocol_version=4, auth_provider=auth)
        self.session = self.cluster.connect()
        prepare = self.session.prepare
        self.completed = prepare(
            "SELECT end_ts, session_id, country FROM " + COMPLETED_TABLE +
            " WHERE player_id = ? AND end_ts >= ? LIMIT " + str(COMPLETED_LIMIT))
        columns = "SELECT start_ts, session_id, player_id FROM " + STARTED_TABLE
        # One hour partition: the whole window part, the part strictly
        # older than a page position, and the position's own start_ts.
        self.started_window = prepare(
            columns + " WHERE country = ? AND hour = ? AND start_ts >= ? AND start_ts <= ? LIMIT ?")
        self.started_before = prepare(
            columns + " WHERE country = ? AND hour = ? AND start_ts >= ? AND start_ts < ? LIMIT ?")
        self.started_tie = prepare(
            columns + " WHERE country = ? AND hour = ? AND start_ts = ? AND session_id > ? LIMIT ?")
        self.ready = prepare("SELECT release_version FROM system.local")


def to_ms(value):
    return (value - EPOCH) // timedelta(milliseconds=1)


def encode_token(start_ts, session_id):
    text = "%d:%s" % (to_ms(start_ts), session_id)
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=").decode("ascii")


def decode_token(token):
    """(start_ts, session_id) or None when the token is not one of ours."""
    if not BASE64URL.fullmatch(token) or len(token) % 4 == 1:
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    m = TOKEN_TEXT.fullmatch(text)
    if not m or int(m.group(1)) > MAX_TOKEN_MS:
        return None
    return EPOCH + timedelta(milliseconds=int(m.group(1))), m.group(2)


def invalid_page_token():
    return HTTPException(status_code=422, detail=[{
        "loc": ["query", "page_token"], "msg": "invalid page token",
        "type": "value_error.page_token"}])


def create_app(cql, fixed_now):
    app = FastAPI(title="medallion baseline")

    def now():
        return fixed_now if fixed_now is not None else datetime.utcnow()

    @app.get("/health")
    def health():
        return {"detail": "Healthy"}

    @app.get("/ready")
    def ready():
        try:
            cql.session.execute(cql.ready)
        except Exception as e:  # noqa: BLE001 -- any driver failure means "not ready"
            raise HTTPException(status_code=503, detail="CQL unavailable: %s" % e)
        return {"detail": "Ready"}

    @app.get("/models/completed-sessions/{player_id}")
    def completed(player_id: str = Path(..., max_length=64)):
        rows = cql.session.execute(cql.completed, (player_id, now() - RETENTION))
        items = [{"player_id": player_id, "session_id": r.session_id, "country": r.country,
                  "ts": r.end_ts} for r in rows]
        return {"items": items, "count": len(items)}

    @app.get("/models/started_sessions/{country}/{hours}")
    def started(country: str = Path(..., max_length=64),
                hours: int = Path(..., ge=1, le=24),
                limit: int = Query(100, ge=1, le=1000),
                page_token: Optional[str] = Query(None, max_length=256)):
        after = None
        if page_token is not None:
            after = decode_token(page_token)
            if after is None:
                raise invalid_page_token()
        hi = now()
        lo = hi - timedelta(hours=hours)
        want = limit + 1  # one more tells whether another page remains
        rows = []
        hour = hi.replace(minute=0, second=0, microsecond=0)
        last_hour = lo.replace(minute=0, second=0, microsecond=0)
        while hour >= last_hour and len(rows) < want:
            if after is None or after[0] > hi:
                rows += cql.session.execute(cql.started_window,
                                            (country, hour, lo, hi, want - len(rows)))
            elif after[0] >= hour:  # the position is in this partition or a newer one
                if after[0] < hour + timedelta(hours=1) and after[0] >= lo:
                    rows += cql.session.execute(cql.started_tie,
                                                (country, hour, after[0], after[1],
                                                 want - len(rows)))
                if len(rows) < want:
                    rows += cql.session.execute(cql.started_before,
                                                (country, hour, lo, after[0], want - len(rows)))
            hour -= timedelta(hours=1)
        page = rows[:limit]
        items = [{"player_id": r.player_id, "session_id": r.session_id, "country": country,
                  "ts": r.start_ts} for r in page]
        token = encode_token(page[-1].start_ts, page[-1].session_id) if len(rows) > limit else None
        return {"items": items, "count": len(items), "next_page_token": token}

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cql-host", default="127.0.0.1")
    parser.add_argument("--cql-port", type=int, default=9042)
    parser.add_argument("--cql-user", default="")
    parser.add_argument("--cql-password", default="")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--now", default=os.environ.get("MEDALLION_NOW", DEFAULT_NOW),
                        help='an ISO-8601 instant or "clock" (default $MEDALLION_NOW, else %s)'
                        % DEFAULT_NOW)
    args = parser.parse_args()
    try:
        fixed_now = parse_now(args.now)
    except ValueError:
        parser.error("--now: %r is neither an ISO-8601 instant nor \"clock\"" % args.now)
    cql = Cql(args.cql_host, args.cql_port, args.cql_user, args.cql_password)
    try:
        uvicorn.run(create_app(cql, fixed_now), host="127.0.0.1", port=args.port, workers=1,
                    log_level="warning")
    finally:
        cql.cluster.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
