#!/usr/bin/python3
"""The python-driver baseline of bench_cql_client (bench/cql_client.cc).

Inserts --rows rows (k bigint, v text, ts timestamp) into a fresh table with
the DataStax driver's concurrent execution (cassandra.concurrent.
execute_concurrent_with_args, a prepared INSERT, --concurrency requests in
flight), the same workload as the C++ client's, and prints one line:

  python_driver: rows=<n> seconds=<s> rows_per_s=<r> errors=<e> concurrency=<c>

Run with Debian's interpreter (/usr/bin/python3), which has python3-cassandra.
Exit 0 when every row was written, 1 otherwise, 2 on bad usage.
"""

import argparse
import sys
import time

from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--table", default="bench.kv_python",
                        help="keyspace.table, dropped and created afresh")
    parser.add_argument("--value-bytes", type=int, default=48)
    args = parser.parse_args()
    if args.rows < 1 or args.concurrency < 1 or "." not in args.table:
        parser.error("--rows >= 1, --concurrency >= 1 and --table keyspace.table please")
    keyspace = args.table.split(".", 1)[0]

    auth = PlainTextAuthProvider(args.user, args.password) if args.user else None
    cluster = Cluster([args.host], port=args.port, auth_provider=auth, protocol_version=4,
                      schema_metadata_enabled=False, token_metadata_enabled=False)
    try:
        session = cluster.connect()
        session.execute("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}" % keyspace)
        session.execute("DROP TABLE IF EXISTS %s" % args.table)
        session.execute("CREATE TABLE %s (k bigint PRIMARY KEY, v text, ts timestamp)"
                        % args.table)
        insert = session.prepare("INSERT INTO %s (k, v, ts) VALUES (?, ?, ?)" % args.table)
        value = "v" * args.value_bytes
        now_ms = int(time.time() * 1000)
        params = ((k, value, now_ms + k) for k in range(args.rows))
        # The driver encodes a timestamp from a datetime or from int
        # milliseconds; ints keep the two clients' work alike.
        start = time.monotonic()
        results = execute_concurrent_with_args(session, insert, params,
                                               concurrency=args.concurrency,
                                               raise_on_first_error=False)
        seconds = time.monotonic() - start
        errors = [r for ok, r in results if not ok]
        rate = args.rows / seconds if seconds > 0 else 0.0
        print("python_driver: rows=%d seconds=%.3f rows_per_s=%.0f errors=%d concurrency=%d"
              % (args.rows, seconds, rate, len(errors), args.concurrency), flush=True)
        if errors:
            print("cql_client_python: %d inserts failed; the first: %s" % (len(errors), errors[0]),
                  file=sys.stderr)
            return 1
        return 0
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    sys.exit(main())
