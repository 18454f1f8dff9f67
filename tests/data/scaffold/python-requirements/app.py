"""Answers GET / on $PORT; --version prints the version. Standard library only."""

import http.server
import os
import sys

VERSION = "sample-requirements 1.0.0"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"{VERSION}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    if "--version" in sys.argv:
        print(VERSION)
    else:
        port = int(os.environ.get("PORT", "8000"))
        http.server.ThreadingHTTPServer(("", port), Handler).serve_forever()
