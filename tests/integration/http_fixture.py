#!/usr/bin/python3
"""A small HTTP server for landing tests (Python standard library only).

    /usr/bin/python3 http_fixture.py --root DIR

Listens on 127.0.0.1 at a free port and prints the port as the first line
of stdout. Routes (NAME is a file in DIR):

    /files/NAME          the file, with Content-Length and Last-Modified
    /redirect/NAME       302 to /files/NAME
    /bare/?file=NAME     the file, at a URL whose path has no file name
    /truncated/NAME      announces the size + 1000 bytes, sends the file, closes
    /stall/NAME          announces the size, sends half, then goes silent
    /status/CODE         an error page with that status (e.g. 500, 403)
    anything else        404 Not Found

Runs until killed (SIGTERM).
"""

import argparse
import email.utils
import http.server
import os
import sys
import time
import urllib.parse


def make_handler(root):
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "medallion-fixture/1"

        def log_message(self, fmt, *args):  # keep test output quiet
            pass

        def read_file(self, name):
            if "/" in name or name in ("", ".", ".."):
                return None
            path = os.path.join(root, name)
            if not os.path.isfile(path):
                return None
            with open(path, "rb") as f:
                return f.read(), os.path.getmtime(path)

        def send_body_headers(self, status, length, mtime=None, content_type="application/octet-stream"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(length))
            if mtime is not None:
                self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
            self.end_headers()

        def not_found(self):
            body = b"no such thing here\n"
            self.send_body_headers(404, len(body), content_type="text/plain")
            self.wfile.write(body)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            parts = url.path.split("/", 2)  # "", route, rest
            route = parts[1] if len(parts) > 1 else ""
            rest = parts[2] if len(parts) > 2 else ""
            if route == "status" and rest.isdigit():
                body = b"error page\n"
                self.send_body_headers(int(rest), len(body), content_type="text/plain")
                self.wfile.write(body)
                return
            if route == "redirect":
                self.send_response(302)
                self.send_header("Location", "/files/" + rest)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route == "bare":
                rest = urllib.parse.parse_qs(url.query).get("file", [""])[0]
            found = self.read_file(rest)
            if found is None:
                self.not_found()
                return
            data, mtime = found
            if route in ("files", "bare"):
                self.send_body_headers(200, len(data), mtime)
                self.wfile.write(data)
            elif route == "truncated":
                self.send_body_headers(200, len(data) + 1000, mtime)
                self.wfile.write(data)
                self.wfile.flush()
                self.close_connection = True
            elif route == "stall":
                self.send_body_headers(200, len(data), mtime)
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                time.sleep(3600)  # until the client gives up or the test kills us
            else:
                self.not_found()

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="directory of the files to serve")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(os.path.abspath(args.root)))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
