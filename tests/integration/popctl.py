#!/usr/bin/env python3
"""The test bed's POP3 and LMTP side, for the POP3 integration tests: a
second client that tells what the server holds, and a delivery agent.

Usage (after tb_require, which exports the bed's FCT_TB_* variables):
  popctl.py count USER            messages in USER's maildrop (STAT)
  popctl.py msgids USER           the Message-ID of each, one a line (TOP n 0)
  popctl.py deliver USER FILE     delivers FILE to USER over LMTP

Stdlib only (poplib, smtplib, ssl).
"""
import email.parser
import os
import poplib
import smtplib
import ssl
import sys


def env(name):
    return os.environ["FCT_TB_" + name]


def connect(user):
    ctx = ssl.create_default_context(cafile=env("CA"))
    p = poplib.POP3_SSL("127.0.0.1", int(env("POP3S_PORT")), context=ctx,
                        timeout=30)
    p.user(user + "@" + env("DOMAIN"))
    p.pass_(env("PASS_" + user))
    return p


def main(argv):
    cmd, user = argv[1], argv[2]
    if cmd == "deliver":
        with open(argv[3], "rb") as f:
            data = f.read()
        with smtplib.LMTP("127.0.0.1", int(env("LMTP_PORT"))) as l:
            l.sendmail("sender@example.test", [user + "@" + env("DOMAIN")],
                       data)
        return 0
    p = connect(user)
    try:
        count, _ = p.stat()
        if cmd == "count":
            print(count)
        elif cmd == "msgids":
            parser = email.parser.BytesHeaderParser()
            for i in range(1, count + 1):
                _, lines, _ = p.top(i, 0)
                msg = parser.parsebytes(b"\r\n".join(lines))
                print((msg.get("Message-ID") or "").strip().strip("<>"))
        else:
            sys.stderr.write("popctl: unknown command %r\n" % cmd)
            return 2
    finally:
        p.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
