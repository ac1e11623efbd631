#!/usr/bin/env python3
"""A tiny OAuth2 token issuer's tokeninfo endpoint, for Dovecot's oauth2
passdb in the test bed (stdlib only).

GET /tokeninfo?access_token=TOKEN answers 200 with {"email": ...,
"expires_in": seconds} when TOKEN is listed in the tokens file and not
expired, else 401 {"error": "invalid_token"}. The file is read at every
request, one token a line: "TOKEN EMAIL EXPIRES" (EXPIRES in Unix
seconds), so tests add tokens (current or already expired) by appending
lines. Each answer is logged to --log as "VALID token" / "INVALID token".
"""
import argparse
import http.server
import json
import os
import time
import urllib.parse


def lookup(path, token):
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[0] == token:
                    return parts[1], int(parts[2])
    except OSError:
        pass
    return None, 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--pidfile", required=True)
    args = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            token = query.get("access_token", [""])[0]
            if not token and self.headers.get("Authorization", "").startswith("Bearer "):
                token = self.headers["Authorization"][7:]
            email, expires = lookup(args.tokens, token)
            left = expires - int(time.time())
            if email is not None and left > 0:
                code, body = 200, {"email": email, "expires_in": left}
                verdict = "VALID"
            else:
                code, body = 401, {"error": "invalid_token"}
                verdict = "INVALID"
            with open(args.log, "a", encoding="utf-8") as f:
                f.write("%s %s\n" % (verdict, token))
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    with open(args.pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(args.pidfile + ".tmp", args.pidfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
