#!/usr/bin/env python3
"""A fake IMAP (or SMTP) server for facteur's security tests (stdlib only).

Each instance plays one peer that a careful client must refuse to trust:
a TLS server whose certificate is self-signed, issued for another host name
or expired, or a plaintext server whose CAPABILITY (or, with --smtp, EHLO
reply) never offers STARTTLS. The client is expected to hang up before it
sends credentials, so this server accepts any LOGIN, AUTHENTICATE or SMTP
AUTH (answers OK) and records every such line in its log: a test proves the
client's good conduct by finding no CREDENTIALS line there, and its
presence by the CONNECT lines.

Log format, one event a line: "<unix time> <EVENT> <detail>", with EVENT one
of CONNECT, TLS-FAILED, CMD (the command name only), CREDENTIALS (the whole
line received, and any AUTHENTICATE continuation line), HELO (SMTP only:
the name the client gave in EHLO or HELO), CLOSE.

Each connection gets a thread; a TLS handshake happens in that thread so a
stalled client cannot block the others. The pid file is written once the
socket listens, so its presence means the port accepts connections.
"""

import argparse
import os
import signal
import socketserver
import ssl
import sys
import threading
import time

LOG_LOCK = threading.Lock()
LOG_FILE = None


def log(event, detail=""):
    line = "%d %s %s\n" % (int(time.time()), event, detail)
    with LOG_LOCK:
        LOG_FILE.write(line)
        LOG_FILE.flush()


class Handler(socketserver.StreamRequestHandler):
    # Bounds a silent client's hold on a thread.
    timeout = 60

    def setup(self):
        peer = "%s:%d" % self.client_address[:2]
        log("CONNECT", peer)
        ctx = self.server.tls
        if ctx is not None:
            self.request.settimeout(self.timeout)
            try:
                self.request = ctx.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                # The expected outcome when the client rejects the
                # certificate: it aborts the handshake.
                log("TLS-FAILED", "%s %s" % (peer, e))
                self.tls_failed = True
                self.request.close()
                return
        self.tls_failed = False
        super().setup()

    def finish(self):
        if not self.tls_failed:
            super().finish()

    def send(self, text):
        self.wfile.write(text.encode("utf-8") + b"\r\n")
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline(65536)
        if not line:
            return None
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def handle(self):
        if self.tls_failed:
            return
        try:
            self.session()
        except (OSError, ssl.SSLError) as e:
            log("CLOSE", "error %s" % e)
            return
        log("CLOSE", "")

    def session(self):
        if self.server.smtp:
            self.smtp_session()
            return
        caps = "IMAP4rev1 AUTH=PLAIN"
        self.send("* OK fake IMAP")
        while True:
            line = self.readline()
            if line is None:
                return
            parts = line.split(" ", 2)
            tag = parts[0] if parts[0] else "*"
            cmd = parts[1].upper() if len(parts) > 1 else ""
            if cmd in ("LOGIN", "AUTHENTICATE"):
                log("CREDENTIALS", line)
                if cmd == "AUTHENTICATE" and len(line.split(" ")) < 4:
                    # No initial response: ask for it, and log it too.
                    self.send("+ ")
                    more = self.readline()
                    if more is None:
                        return
                    log("CREDENTIALS", more)
                self.send("%s OK logged in" % tag)
                continue
            log("CMD", cmd)
            if cmd == "CAPABILITY":
                self.send("* CAPABILITY " + caps)
                self.send("%s OK CAPABILITY completed" % tag)
            elif cmd == "NOOP":
                self.send("%s OK NOOP completed" % tag)
            elif cmd == "LOGOUT":
                self.send("* BYE fake IMAP logging out")
                self.send("%s OK LOGOUT completed" % tag)
                return
            elif cmd == "STARTTLS":
                self.send("%s BAD STARTTLS not supported" % tag)
            else:
                self.send("%s NO fake IMAP does not do that" % tag)

    def smtp_session(self):
        # Offers AUTH but never STARTTLS: a client that logs in anyway
        # sends its password in the clear.
        self.send("220 fake.example.test ESMTP fake")
        while True:
            line = self.readline()
            if line is None:
                return
            parts = line.split(" ", 1)
            cmd = parts[0].upper()
            if cmd == "AUTH":
                log("CREDENTIALS", line)
                self.send("235 2.7.0 accepted")
                continue
            log("CMD", cmd)
            if cmd in ("EHLO", "HELO"):
                log("HELO", parts[1] if len(parts) > 1 else "")
                if cmd == "HELO":
                    self.send("250 fake.example.test")
                    continue
                self.send("250-fake.example.test")
                self.send("250-PIPELINING")
                self.send("250-SIZE 1000000")
                self.send("250 AUTH PLAIN LOGIN")
            elif cmd == "QUIT":
                self.send("221 2.0.0 bye")
                return
            elif cmd == "STARTTLS":
                self.send("502 5.5.1 STARTTLS not supported")
            else:
                self.send("502 5.5.2 fake SMTP does not do that")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 64


def main():
    global LOG_FILE
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--pidfile", required=True)
    p.add_argument("--cert", help="PEM certificate chain: serve implicit TLS")
    p.add_argument("--key", help="PEM private key of --cert")
    p.add_argument("--smtp", action="store_true",
                   help="play an SMTP server instead of IMAP")
    args = p.parse_args()

    LOG_FILE = open(args.log, "a", encoding="utf-8")
    tls = None
    if args.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
    server = Server(("127.0.0.1", args.port), Handler)
    server.tls = tls
    server.smtp = args.smtp

    # TERM from the stop script: exit at once; daemon threads die with us.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    tmp = args.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, args.pidfile)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
