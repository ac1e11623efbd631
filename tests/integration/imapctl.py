#!/usr/bin/env python3
"""Another IMAP client, for the integration tests: it changes a mailbox
behind facteur's back (flags, expunges, appends) and reports the server's
own view (UIDs and flags) to compare the cache against.

Usage: imapctl.py USER COMMAND FOLDER [ARGS...]
  dump FOLDER                 one line per message: UID TAB FLAGS, where
                              FLAGS are facteur's words (seen answered
                              flagged deleted draft) then keywords, sorted
  store FOLDER UIDS +|-FLAGS  e.g. store INBOX 1:5,9 +(\\Seen $Work)
  expunge FOLDER UIDS         mark deleted and UID EXPUNGE exactly those
  append FOLDER FILE [FLAGS]  append the message in FILE
  uidvalidity FOLDER          print the folder's UIDVALIDITY
  subjects FOLDER             one line per message: UID TAB Subject (raw)
  list PATTERN                folder names matching PATTERN (LIST), decoded
                              from modified UTF-7, sorted, one a line
  lsub PATTERN                the same for subscribed folders (LSUB)
  cat FOLDER UID              print the raw message (BODY.PEEK[])
  search FOLDER NAME VALUE    UIDs whose header NAME contains VALUE
The test bed is found through FCT_TB_DIR (env.sh values in the
environment): IMAPS on 127.0.0.1, the test CA, the users' passwords.
"""
import base64
import imaplib
import os
import re
import ssl
import sys

SYSTEM = [("\\Seen", "seen"), ("\\Answered", "answered"),
          ("\\Flagged", "flagged"), ("\\Deleted", "deleted"),
          ("\\Draft", "draft")]


def connect(user):
    ctx = ssl.create_default_context(cafile=os.environ["FCT_TB_CA"])
    m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["FCT_TB_IMAPS_PORT"]),
                          ssl_context=ctx)
    m.login(user + "@example.test", os.environ["FCT_TB_PASS_" + user])
    return m


def mutf7(name):
    """RFC 3501 5.1.3 modified UTF-7, written from the RFC for the tests."""
    out, run = [], []

    def flush():
        if run:
            data = "".join(run).encode("utf-16-be")
            b64 = base64.b64encode(data).decode().rstrip("=")
            out.append("&" + b64.replace("/", ",") + "-")
            run.clear()
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def unmutf7(name):
    """The inverse of mutf7, for names the server lists."""
    def run(m):
        b64 = m.group(1).replace(",", "/")
        if not b64:
            return "&"
        b64 += "=" * (-len(b64) % 4)
        return base64.b64decode(b64).decode("utf-16-be")
    return re.sub(r"&([A-Za-z0-9+,]*)-", run, name)


def names(m, cmd, pattern):
    typ, data = getattr(m, cmd)('""', quote(pattern))
    check(typ, data)
    out = []
    for item in data:
        if item is None:
            continue
        line = item.decode() if isinstance(item, bytes) else item[0].decode()
        q = re.search(r'"((?:[^"\\]|\\.)*)"$', line)
        raw = q.group(1) if q else line.rsplit(" ", 1)[-1]
        out.append(unmutf7(raw.replace('\\"', '"').replace("\\\\", "\\")))
    for name in sorted(out):
        print(name)


def quote(folder):
    folder = mutf7(folder)
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check(typ, data):
    if typ != "OK":
        sys.exit("imapctl: %s %r" % (typ, data))
    return data


def words(flags):
    out = [w for f, w in SYSTEM if f in flags]
    out += sorted(f for f in flags if not f.startswith("\\"))
    return " ".join(out)


def dump(m, folder):
    check(*m.select(quote(folder), readonly=True))
    typ, data = m.uid("FETCH", "1:*", "(UID FLAGS)")
    check(typ, data)
    rows = {}
    for item in data:
        if item is None:
            continue
        line = item.decode() if isinstance(item, bytes) else item[0].decode()
        uid = re.search(r"UID (\d+)", line)
        flags = re.search(r"FLAGS \(([^)]*)\)", line)
        if uid and flags:
            rows[int(uid.group(1))] = words(flags.group(1).split())
    for uid in sorted(rows):
        print("%d\t%s" % (uid, rows[uid]))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    user, cmd, folder = sys.argv[1:4]
    args = sys.argv[4:]
    m = connect(user)
    if cmd == "dump":
        dump(m, folder)
    elif cmd == "store":
        check(*m.select(quote(folder)))
        op = args[1][0] + "FLAGS.SILENT"
        check(*m.uid("STORE", args[0], op, args[1][1:]))
    elif cmd == "expunge":
        check(*m.select(quote(folder)))
        check(*m.uid("STORE", args[0], "+FLAGS.SILENT", "(\\Deleted)"))
        check(*m.uid("EXPUNGE", args[0]))
    elif cmd == "append":
        with open(args[0], "rb") as f:
            body = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        flags = args[1] if len(args) > 1 else None
        check(*m.append(quote(folder), flags, None, body))
    elif cmd == "subjects":
        check(*m.select(quote(folder), readonly=True))
        typ, data = m.uid("FETCH", "1:*",
                          "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        check(typ, data)
        for item in data:
            if not isinstance(item, tuple):
                continue
            uid = re.search(rb"UID (\d+)", item[0])
            subj = item[1].decode(errors="replace").strip()
            subj = re.sub(r"(?i)^subject:\s*", "", subj)
            subj = re.sub(r"\s+", " ", subj)
            if uid:
                print("%s\t%s" % (uid.group(1).decode(), subj))
    elif cmd in ("list", "lsub"):
        names(m, cmd, folder)
    elif cmd == "uidvalidity":
        typ, data = m.status(quote(folder), "(UIDVALIDITY)")
        check(typ, data)
        print(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1).decode())
    elif cmd == "search":
        check(*m.select(quote(folder), readonly=True))
        if args[1].isascii():
            typ, data = m.uid("SEARCH", "HEADER", args[0],
                              '"%s"' % args[1])
        else:
            m.literal = args[1].encode()
            typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "HEADER",
                              args[0])
        for uid in check(typ, data)[0].split():
            print(uid.decode())
    elif cmd == "cat":
        check(*m.select(quote(folder), readonly=True))
        typ, data = m.uid("FETCH", args[0], "(BODY.PEEK[])")
        check(typ, data)
        for item in data:
            if isinstance(item, tuple):
                sys.stdout.buffer.write(item[1])
                break
        else:
            sys.exit("imapctl: no message %s in %s" % (args[0], folder))
    else:
        sys.exit("imapctl: unknown command %r" % cmd)
    m.logout()


if __name__ == "__main__":
    main()
