"""Fixtures of the python-driver compatibility suite: one cql-server for the
whole run (temp --data dir, --port 0, default PasswordAuthenticator), and a
default Cluster/Session connected to it with keyspace `ks` created."""

import os
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from cql_server import CqlServer  # noqa: E402

from cassandra.auth import PlainTextAuthProvider  # noqa: E402
from cassandra.cluster import Cluster  # noqa: E402


def make_cluster(port, user="cassandra", password="cassandra", **kwargs):
    return Cluster(["127.0.0.1"], port=port,
                   auth_provider=PlainTextAuthProvider(user, password), **kwargs)


@pytest.fixture(scope="session")
def server():
    root = tempfile.mkdtemp(prefix="cql-compat-py-")
    srv = CqlServer(os.path.join(root, "data"), os.path.join(root, "server.log"))
    srv.start()
    yield srv
    code = srv.stop()
    if os.environ.get("CQL_COMPAT_KEEP"):
        print("kept", root)
    else:
        shutil.rmtree(root, ignore_errors=True)
    assert code == 0, "cql-server exited with %r after SIGTERM\n%s" % (code, srv.log())


@pytest.fixture(scope="session")
def cluster(server):
    c = make_cluster(server.port)
    yield c
    c.shutdown()


@pytest.fixture(scope="session")
def session(cluster):
    s = cluster.connect()
    s.execute("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = "
              "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    return s


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, append the server log's tail to the report."""
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and "server" in getattr(item, "fixturenames", ()):
        srv = item.funcargs.get("server") if hasattr(item, "funcargs") else None
        if srv is not None:
            rep.sections.append(("cql-server log (tail)", srv.log()[-4000:]))
