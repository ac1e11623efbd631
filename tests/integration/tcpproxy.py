#!/usr/bin/env python3
"""A TCP proxy that an integration test can break, to fake network faults
between facteur and the test bed without touching the shared servers.

Usage: tcpproxy.py PORTFILE TARGET_HOST TARGET_PORT

Listens on 127.0.0.1 on a free port, writes the port number to PORTFILE
once listening, and relays every connection to TARGET byte for byte (TLS
passes through untouched). Signals change what it does:
  SIGUSR1  cut: close every connection and stop listening, so that new
           connections are refused
  SIGUSR2  restore: listen again on the same port, relay again
  SIGHUP   freeze: keep every connection open but relay nothing more,
           as a network that silently died
  SIGTERM  exit
With TCPPROXY_RATE=N in the environment, it relays at most about N bytes
a second (a slow link, so that a test can catch a transfer in the middle).
Each change and each connection is logged on stderr, one line each.
"""
import os
import selectors
import signal
import socket
import sys
import time

pending = []  # signals received, handled by the loop


def log(msg):
    sys.stderr.write("tcpproxy: %s\n" % msg)
    sys.stderr.flush()


def on_signal(signum, frame):
    pending.append(signum)


class Proxy:
    def __init__(self, target):
        self.target = target
        self.sel = selectors.DefaultSelector()
        self.listener = None
        self.port = 0
        self.pairs = {}  # socket -> its peer
        self.frozen = False
        self.rate = int(os.environ.get("TCPPROXY_RATE", "0"))

    def listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(16)
        s.setblocking(False)
        self.port = s.getsockname()[1]
        self.listener = s
        self.sel.register(s, selectors.EVENT_READ)

    def unlisten(self):
        if self.listener is not None:
            self.sel.unregister(self.listener)
            self.listener.close()
            self.listener = None

    def accept(self):
        client, _ = self.listener.accept()
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError as e:
            log("cannot reach the target: %s" % e)
            client.close()
            return
        for s in (client, server):
            s.setblocking(False)
        self.pairs[client] = server
        self.pairs[server] = client
        if not self.frozen:
            self.sel.register(client, selectors.EVENT_READ)
            self.sel.register(server, selectors.EVENT_READ)
        log("connection %d" % (len(self.pairs) // 2))

    def close_pair(self, s):
        peer = self.pairs.pop(s, None)
        for x in (s, peer):
            if x is None:
                continue
            self.pairs.pop(x, None)
            try:
                self.sel.unregister(x)
            except (KeyError, ValueError):
                pass
            x.close()

    def relay(self, s):
        try:
            data = s.recv(max(self.rate // 20, 1) if self.rate else 65536)
        except OSError:
            data = b""
        if not data:
            self.close_pair(s)
            return
        try:
            self.pairs[s].sendall(data)
        except (OSError, KeyError):
            self.close_pair(s)
        if self.rate:
            time.sleep(len(data) / self.rate)

    def cut(self):
        self.unlisten()
        for s in list(self.pairs):
            self.close_pair(s)
        log("cut")

    def freeze(self):
        self.frozen = True
        for s in self.pairs:
            try:
                self.sel.unregister(s)
            except (KeyError, ValueError):
                pass
        log("frozen")

    def restore(self):
        if self.frozen:
            self.frozen = False
            for s in self.pairs:
                self.sel.register(s, selectors.EVENT_READ)
        if self.listener is None:
            self.listen()
        log("restored")

    def run(self):
        while True:
            for key, _ in self.sel.select(timeout=0.1):
                if key.fileobj is self.listener:
                    self.accept()
                elif key.fileobj in self.pairs:
                    self.relay(key.fileobj)
            while pending:
                sig = pending.pop(0)
                if sig == signal.SIGUSR1:
                    self.cut()
                elif sig == signal.SIGUSR2:
                    self.restore()
                elif sig == signal.SIGHUP:
                    self.freeze()
                elif sig == signal.SIGTERM:
                    log("exit")
                    return


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    portfile, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP,
                signal.SIGTERM):
        signal.signal(sig, on_signal)
    proxy = Proxy((host, port))
    proxy.listen()
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % proxy.port)
    os.rename(tmp, portfile)
    log("listening on %d" % proxy.port)
    proxy.run()


if __name__ == "__main__":
    main()
