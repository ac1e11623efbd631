#!/usr/bin/env python3
"""Where the time of one facteur run goes, from its IMAP protocol trace.

Usage: imap-phases.py COMMAND [ARGS...]     (e.g. facteur -c CONF sync t:F)

Runs COMMAND with FACTEUR_IMAP_TRACE naming a FIFO, and stamps each chunk
of the trace as it arrives (facteur flushes the trace after every chunk it
sends or receives). Prints one line of milliseconds, each phase from the
end of the previous one:

  total=.. connect=.. login=.. prelude=.. select=.. sync=.. logout=..

  connect  process start, configuration, cache open, TCP, TLS handshake and
           certificate check, up to the server's greeting
  login    CAPABILITY, the password command, LOGIN, up to its OK
  prelude  CAPABILITY, NAMESPACE, LIST, the folder list written to the
           cache, the job queue, ENABLE: up to the moment SELECT is sent
  select   the server's SELECT, or the STATUS that shows nothing changed
           (sent until its tagged answer)
  sync     the rest of the folder sync: changes fetched and applied, state
           committed, up to the moment LOGOUT is sent
  logout   LOGOUT, closing the cache, process exit

"Folder sync" in bench/sync.sh's table is select + sync. The stamps are
taken by this reader when a chunk arrives, so each can be late by the
reader's wake-up time (tens of microseconds on an idle machine, more on a
loaded one); the phases add up to total exactly.
"""
import os
import re
import subprocess
import sys
import tempfile
import time


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tmp = tempfile.mkdtemp(prefix="fct-phases.")
    fifo = os.path.join(tmp, "trace")
    os.mkfifo(fifo, 0o600)
    env = dict(os.environ, FACTEUR_IMAP_TRACE=fifo)
    chunks = []
    try:
        t0 = time.monotonic()
        proc = subprocess.Popen(sys.argv[1:], env=env,
                                stdout=subprocess.DEVNULL)
        # Blocks until facteur opens the trace, at the start of its session;
        # a run that fails before that would leave us here, hence the
        # timeout on the whole thing in bench/sync.sh.
        fd = os.open(fifo, os.O_RDONLY)
        while True:
            data = os.read(fd, 1 << 16)
            if not data:
                break
            chunks.append((time.monotonic(), data.decode("utf-8", "replace")))
        os.close(fd)
        status = proc.wait()
        t_end = time.monotonic()
    finally:
        os.unlink(fifo)
        os.rmdir(tmp)
    if status != 0:
        sys.exit("imap-phases: %s exited with %d" % (sys.argv[1], status))

    marks = {}
    select_tag = None
    after_login = False
    for t, text in chunks:
        if "greeting" not in marks and re.search(r"^S: \* (OK|PREAUTH)",
                                                 text, re.M):
            marks["greeting"] = t
        if "<credentials hidden>" in text:
            after_login = True
            continue
        if after_login and "logged_in" not in marks and \
                re.search(r"^(S: )?\d+ OK", text, re.M):
            marks["logged_in"] = t
        # A SELECT, or the STATUS that spares one when nothing changed.
        m = re.search(r"^C: (\S+) (?:SELECT|STATUS \S+ \(MESSAGES UIDNEXT)", text, re.M)
        if m and "select_sent" not in marks:
            select_tag = m.group(1)
            marks["select_sent"] = t
        if select_tag and "select_done" not in marks and \
                re.search(r"^(S: )?%s (OK|NO|BAD)" % re.escape(select_tag),
                          text, re.M):
            marks["select_done"] = t
        if "logout_sent" not in marks and re.search(r"^C: \S+ LOGOUT", text,
                                                    re.M):
            marks["logout_sent"] = t
    order = ["greeting", "logged_in", "select_sent", "select_done",
             "logout_sent"]
    missing = [k for k in order if k not in marks]
    if missing:
        sys.exit("imap-phases: not found in the trace: " + " ".join(missing))
    names = ["connect", "login", "prelude", "select", "sync", "logout"]
    stamps = [t0] + [marks[k] for k in order] + [t_end]
    out = ["total=%.1f" % ((t_end - t0) * 1e3)]
    for i, name in enumerate(names):
        out.append("%s=%.1f" % (name, (stamps[i + 1] - stamps[i]) * 1e3))
    print(" ".join(out))


if __name__ == "__main__":
    main()
