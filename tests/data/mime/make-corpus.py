# make-corpus.py DIR: writes the messages of tests/data/mime (committed;
# this script documents how they were made and regenerates them
# byte for byte). Each NAME.eml has a golden rendering NAME.out, reviewed
# by hand, and optionally NAME.args (options for facteur show); run
# tests/mime/corpus.sh with FCT_UPDATE_GOLDEN=1 to write the .out files of
# new messages, then review them before committing.
import base64, quopri, os, sys
out = sys.argv[1]
M = {}
ARGS = {}

def hdr(subject, extra=b"", frm=b"Alice Martin <alice@example.test>", to=b"Bob <bob@example.test>",
        date=b"Tue, 24 Nov 2026 10:00:00 +0100"):
    if isinstance(subject, str): subject = subject.encode()
    h = b"From: " + frm + b"\nTo: " + to + b"\nDate: " + date + b"\nSubject: " + subject + b"\nMessage-ID: <" + str(len(M)).encode() + b"@example.test>\nMIME-Version: 1.0\n"
    return h + extra

def text(subject, body, ct=b"text/plain; charset=utf-8", cte=None, extra=b"", **kw):
    e = b"Content-Type: " + ct + b"\n"
    if cte: e += b"Content-Transfer-Encoding: " + cte + b"\n"
    return hdr(subject, extra + e, **kw) + b"\n" + body

def b64(data):
    s = base64.b64encode(data)
    return b"\n".join(s[i:i+76] for i in range(0, len(s), 76)) + b"\n"

def qp(data):
    return quopri.encodestring(data)

# Charsets
M["charset-ascii"] = text("Plain ASCII", b"Hello Bob,\n\nJust plain text.\n\nAlice\n", ct=b"text/plain; charset=us-ascii")
M["charset-utf8-qp"] = text("UTF-8 quoted-printable", qp("Bonjour, ça va ? Ünïcödé: ½ € ✓\nLigne très longue qui dépasse soixante-seize caractères et doit être coupée en QP.\n".encode()), cte=b"quoted-printable")
M["charset-latin1-is-cp1252"] = text("Latin-1 label on Windows bytes", qp("L\x92\xe9t\xe9 co\xfbte 10 \x80 \x93d\xe9j\xe0\x94 \x85\n".encode("latin1")), ct=b"text/plain; charset=ISO-8859-1", cte=b"quoted-printable")
M["charset-cp1252-base64"] = text("windows-1252 base64", b64("C\x92est l\x92\xe9t\xe9 \x96 50 \x80.\n".encode("latin1")), ct=b"text/plain; charset=windows-1252", cte=b"base64")
M["charset-koi8r"] = text("KOI8-R", "Привет, мир!\n".encode("koi8-r"), ct=b"text/plain; charset=koi8-r", cte=b"8bit")
M["charset-iso2022jp"] = text("ISO-2022-JP", "こんにちは、世界。\n日本語のメールです。\n".encode("iso-2022-jp"), ct=b"text/plain; charset=ISO-2022-JP", cte=b"7bit")
M["charset-shiftjis"] = text("Shift_JIS", b64("シフトJISの本文です。\n".encode("shift_jis")), ct=b"text/plain; charset=Shift_JIS", cte=b"base64")
M["charset-utf16"] = text("UTF-16", b64("UTF-16 body: é ü 中\n".encode("utf-16")), ct=b"text/plain; charset=utf-16", cte=b"base64")
M["charset-lying-utf8"] = text("Labelled UTF-8, really Latin-1", "Caf\xe9 cr\xe8me, d\xe9j\xe0 vu.\n".encode("latin1"), cte=b"8bit")
M["charset-lying-ascii"] = text("Labelled ASCII, really UTF-8", "Café crème, déjà vu.\n".encode(), ct=b"text/plain; charset=us-ascii", cte=b"8bit")
M["charset-utf8-bad-bytes"] = text("UTF-8 with two bad bytes", "Première ligne valide.\n".encode() + b"Deux octets faux: \xff et \xc3.\n" + "Fin é.\n".encode(), cte=b"8bit")
M["charset-unknown"] = text("Unknown charset label", "Texte en UTF-8 malgré l’étiquette.\n".encode(), ct=b"text/plain; charset=x-made-up-charset", cte=b"8bit")
M["charset-unlabelled-8bit"] = hdr("No Content-Type, 8-bit Latin-1") + b"\n" + "Gr\xfc\xdfe aus K\xf6ln.\n".encode("latin1")
M["charset-shiftjis-invalid"] = text("Shift_JIS with a broken sequence", "前".encode("shift_jis") + b"\x81\x20" + "後\n".encode("shift_jis"), ct=b"text/plain; charset=Shift_JIS", cte=b"8bit")
M["charset-gb18030"] = text("GB18030", "中文邮件，简体字。\n".encode("gb18030"), ct=b"text/plain; charset=gb2312", cte=b"8bit")
M["charset-big5"] = text("Big5", "繁體中文郵件。\n".encode("big5"), ct=b"text/plain; charset=big5", cte=b"8bit")

# Headers
M["header-2047-split-b"] = text("=?utf-8?b?UsM=?= =?utf-8?b?qXVuaW9uIGRl?= =?utf-8?b?IGTDqWNl?=\n =?utf-8?b?bWJyZQ==?=", b"Body.\n")
M["header-2047-split-q"] = text("=?UTF-8?Q?Caf=C3?= =?UTF-8?Q?=A9_cr=C3=A8me?=", b"Body.\n")
M["header-2047-mixed"] = text("=?iso-8859-1?q?Ol=E9?= =?koi8-r?b?8NLJ18XU?= plain =?utf-8?q?=E2=9C=93?=", b"Body.\n")
M["header-8bit-utf8"] = text("Raw UTF-8 subject: éèà ✓".encode(), b"Body.\n", frm="José Núñez <jose@example.test>".encode())
M["header-8bit-body-charset"] = text("Тема письма".encode("koi8-r"), "Тело письма.\n".encode("koi8-r"), ct=b"text/plain; charset=koi8-r", cte=b"8bit", frm="Иван <ivan@example.test>".encode("koi8-r"))
M["header-8bit-cp1252"] = text("R\xe9sum\xe9 \x93de la r\xe9union\x94".encode("latin1"), b"Body.\n", ct=b"text/plain; charset=us-ascii")
M["header-2047-latin1-c1"] = text("=?iso-8859-1?q?=93Guillemets=94_et_=80?=", b"Body.\n")
M["header-addresses"] = text("Addresses", b"Body.\n", frm=b"=?utf-8?q?Ren=C3=A9e_Dupont?= <renee@example.test>",
    to=b"\"Martin, Paul\" <paul@example.test>, plain@example.test, =?iso-8859-1?q?J=F6rg?= <jorg@example.test>",
    extra=b"Cc: Team: one@example.test, two@example.test;\n")
M["header-date-zone"] = text("Date in another zone", b"The date is shown in TZ.\n", date=b"Wed, 25 Nov 2026 23:30:00 -0800")
M["header-date-bad"] = text("Unparseable date", b"Body.\n", date=b"sometime next week")
M["header-missing"] = b"From: someone@example.test\n\nNo To, no Date, no Subject.\n"
M["header-folded"] = text("This subject is folded\n over three lines because it is\n\tvery long indeed", b"Body.\n")
M["header-all"] = text("All headers", b"Body.\n", extra=b"X-Mailer: =?utf-8?q?Test_=C3=A9?=\nReceived: from a by b;\n Tue, 24 Nov 2026 09:00:00 +0000\n")
ARGS["header-all"] = "--headers all"
M["header-repeated-subject"] = hdr("First subject") + b"Subject: Second subject\n\nBody.\n"

# Bodies
M["body-base64"] = text("Base64 text", b64("Line one\nLine two é\n".encode()), cte=b"base64")
M["body-qp-soft"] = text("QP soft breaks", b"A line that was cut by a soft line br=\neak, and =3D signs, and trailing=20\nspaces.\n", cte=b"quoted-printable")
M["body-flowed"] = text("Flowed", b"This is a paragraph that the sender's client wrapped at a short \nwidth, and that facteur joins again before wrapping it at its own \nwidth, which is seventy-eight columns by default. \nIt ends here.\n\nA second paragraph, \nshort.\n", ct=b"text/plain; charset=utf-8; format=flowed")
M["body-flowed-delsp"] = text("Flowed DelSp", b"Japanese-style text with DelSp: abc \ndef \nghi.\n", ct=b"text/plain; charset=utf-8; format=flowed; delsp=yes")
M["body-flowed-quotes"] = text("Flowed quotes", b"Reply on top. \nStill the same line.\n\n> Quoted paragraph that was \n> flowed by the sender.\n>> Deeper quote, \n>> also flowed.\n> Back to one.\n\nEnd.\n", ct=b"text/plain; charset=utf-8; format=flowed")
M["body-flowed-stuffed"] = text("Flowed space-stuffed", b" From the start, a stuffed line.\n  Two spaces: one kept.\n>not stuffed quote\n", ct=b"text/plain; format=flowed")
M["body-flowed-signature"] = text("Flowed signature", b"Text that flows \ninto this.\n-- \nAlice \nSignature line\n", ct=b"text/plain; charset=utf-8; format=flowed")
M["body-quotes-plain"] = text("Plain quotes", b"On Monday Bob wrote:\n> First level\n> > Second level, spaced\n>> Second level, tight\n>>> Third\nNot quoted.\n")
M["body-long-lines"] = text("Long lines", b"A very long line of plain text that is not format=flowed and therefore is left exactly as the sender wrote it, however long it is.\n")
M["body-crlf"] = text("CRLF line endings", b"Line one\r\nLine two\r\n\r\nLast\r\n").replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n")
M["body-tabs"] = text("Tabs", b"a\tb\tc\n12345678\tx\n\tindented\nname:\tvalue\n")
M["body-wide"] = text("Wide and combining", "中文字符 and 日本語 ✓ 🎉\ne\u0301 (e + combining acute)\n".encode())
M["body-empty"] = hdr("Empty body") + b"\n"
M["body-nul"] = text("NUL bytes", b"before\x00after\nnext line\n", cte=b"8bit")
M["body-urls"] = text("URLs in text", b"See https://example.test/a?b=c, and (http://example.test/x).\nNot a link: example.test.\n")

# HTML
def html(subject, body, charset=b"utf-8", **kw):
    return text(subject, body, ct=b"text/html; charset=" + charset, **kw)
M["html-only"] = html("HTML only", b"<html><head><title>T</title></head><body><p>First paragraph with <b>bold</b> and\n<i>italic</i> text.</p><p>Second<br>with a break.</p><div>A div</div><div>Another div</div></body></html>\n")
M["html-links"] = html("HTML links", b"<p>Read <a href=\"https://example.test/news\">the news</a> or <a href=\"mailto:x@example.test\">write</a>. <a href=\"https://example.test/same\">https://example.test/same</a> <a href=\"#top\">top</a></p>")
M["html-lists"] = html("HTML lists", b"<ul><li>One</li><li>Two<ul><li>Two a</li><li>Two b</li></ul></li><li>Three</li></ul><ol><li>First</li><li>Second</li></ol><p>After.</p>")
M["html-table"] = html("HTML table", b"<table><tr><th>Name</th><th>Qty</th></tr><tr><td>Apples</td><td>3</td></tr><tr><td>Pears</td><td>12</td></tr></table>")
M["html-blockquote"] = html("HTML blockquote", b"<p>My answer.</p><blockquote><p>Your question, quoted.</p><blockquote>An older one.</blockquote></blockquote><p>Bye.</p>")
M["html-script-style"] = html("HTML with script and style", b"<html><head><style>p{color:red}</style><script>alert('x')</script></head><body><!-- a comment --><p>Visible.</p><script>document.write('hidden')</script><noscript>no</noscript></body></html>")
M["html-meta-charset"] = html("HTML meta lies", qp("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9 \x93r\xe9el\x94</p></body></html>".encode("latin1")), charset=b"windows-1252", cte=b"quoted-printable")
M["html-pre"] = html("HTML pre", b"<p>Code:</p><pre>int main(void)\n{\n    return 0;\n}</pre><p>Done.</p>")
M["html-malformed"] = html("Malformed HTML", b"<p>Unclosed <b>bold <i>and italic<p>Next para<div>div <span>span</div> &amp; &lt;tag&gt; &eacute;&nbsp;x &#8364;")
M["html-long-paragraph"] = html("HTML wrapping", b"<p>" + b"Words that go on and on, " * 8 + b"end.</p>")
M["html-images"] = html("HTML images", b"<p>Logo: <img src=\"cid:logo\" alt=\"ACME logo\"> and <img src=\"x.png\"> end.</p>")

# Alternative
ALT = b"Content-Type: multipart/alternative; boundary=\"alt\"\n"
alt_body = (b"\n--alt\nContent-Type: text/plain; charset=utf-8\n\nThe plain version.\n"
            b"--alt\nContent-Type: text/html; charset=utf-8\n\n<p>The <b>HTML</b> version.</p>\n--alt--\n")
M["alt-plain-preferred"] = hdr("Alternative", ALT) + alt_body
M["alt-html-preferred"] = hdr("Alternative, --html", ALT) + alt_body
ARGS["alt-html-preferred"] = "--html"
M["alt-html-only-related"] = hdr("Alternative with related HTML", ALT) + (b"\n--alt\nContent-Type: multipart/related; boundary=\"rel\"\n\n"
    b"--rel\nContent-Type: text/html; charset=utf-8\n\n<p>HTML with an <img src=\"cid:i\" alt=\"image\"></p>\n"
    b"--rel\nContent-Type: image/png\nContent-ID: <i>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--rel--\n--alt--\n")
M["alt-reverse-order"] = hdr("Alternative, HTML first", ALT) + (b"\n--alt\nContent-Type: text/html\n\n<p>HTML first</p>\n"
    b"--alt\nContent-Type: text/plain\n\nPlain second.\n--alt--\n")

# Structure
MIX = b"Content-Type: multipart/mixed; boundary=\"mix\"\n"
inner = text("Inner message", b"Inner body.\n", frm=b"Carol <carol@example.test>", date=b"Mon, 23 Nov 2026 08:00:00 +0000")
M["rfc822-forward"] = hdr("Fwd: Inner message", MIX) + (b"\n--mix\nContent-Type: text/plain\n\nHere is the message.\n"
    b"--mix\nContent-Type: message/rfc822\n\n" + inner + b"--mix--\n")
inner2 = hdr("Middle", MIX, frm=b"Dan <dan@example.test>") + (b"\n--mix\nContent-Type: text/plain\n\nMiddle body.\n--mix\nContent-Type: message/rfc822\n\n" + inner + b"--mix--\n")
M["rfc822-nested"] = hdr("Fwd: Fwd", b"Content-Type: multipart/mixed; boundary=\"outer\"\n") + (b"\n--outer\nContent-Type: text/plain\n\nTop.\n--outer\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n" + inner2 + b"\n--outer--\n")
M["rfc2231-continuations"] = hdr("RFC 2231 names", MIX) + (b"\n--mix\nContent-Type: text/plain\n\nSee attached.\n"
    b"--mix\nContent-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*=iso-8859-1'fr'R%E9sum%E9%20de%20la%20;\n filename*1*=r%E9union;\n filename*2=\".pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
    b"--mix\nContent-Type: text/csv; name*=utf-8''donn%C3%A9es.csv\nContent-Disposition: attachment\n\na,b\n1,2\n--mix--\n")
M["attach-2047-name"] = hdr("Encoded-word file name", MIX) + (b"\n--mix\nContent-Type: text/plain\n\nBody.\n"
    b"--mix\nContent-Type: application/octet-stream; name=\"=?utf-8?q?fichier_=C3=A9t=C3=A9.bin?=\"\nContent-Disposition: attachment; filename=\"=?utf-8?q?fichier_=C3=A9t=C3=A9.bin?=\"\nContent-Transfer-Encoding: base64\n\nAAECAwQF\n--mix--\n")
M["attach-several"] = hdr("Several attachments", MIX) + (b"\n--mix\nContent-Type: text/plain\n\nThree files.\n"
    b"--mix\nContent-Type: image/png; name=a.png\nContent-Transfer-Encoding: base64\n\n" + b64(bytes(range(256)) * 8) +
    b"--mix\nContent-Type: application/zip\nContent-Transfer-Encoding: base64\n\n" + b64(b"PK" + bytes(2000)) +
    b"--mix\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n\nattached notes\n--mix--\n")
M["attach-inline-text"] = hdr("Inline text part with a name", MIX) + (b"\n--mix\nContent-Type: text/plain\n\nPatch below.\n"
    b"--mix\nContent-Type: text/x-diff; name=fix.diff\nContent-Disposition: inline; filename=fix.diff\n\n--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n--mix--\n")
M["attach-traversal"] = hdr("Hostile file names", MIX) + (b"\n--mix\nContent-Type: text/plain\n\nBody.\n"
    b"--mix\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"../../evil.sh\"\n\nrm -rf\n"
    b"--mix\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"/etc/passwd\"\n\nroot\n"
    b"--mix\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"..\"\n\ndots\n"
    b"--mix\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe\n\nbidi\n"
    b"--mix\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"notes.txt\"\n\nfirst\n"
    b"--mix\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"notes.txt\"\n\nsecond\n--mix--\n")
M["signed-pgp"] = hdr("Signed", b"Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"sig\"\n") + (
    b"\n--sig\nContent-Type: text/plain; charset=utf-8\n\nSigned text.\n--sig\nContent-Type: application/pgp-signature; name=signature.asc\n\n-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n--sig--\n")
M["encrypted-pgp"] = hdr("Encrypted", b"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\n") + (
    b"\n--enc\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--enc\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n--enc--\n")
M["signed-smime"] = hdr("S/MIME signed", b"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"sm\"\n") + (
    b"\n--sm\nContent-Type: multipart/alternative; boundary=\"a2\"\n\n--a2\nContent-Type: text/plain\n\nS/MIME text.\n--a2\nContent-Type: text/html\n\n<p>S/MIME html</p>\n--a2--\n"
    b"--sm\nContent-Type: application/pkcs7-signature; name=smime.p7s\nContent-Transfer-Encoding: base64\n\nMIIB\n--sm--\n")
M["mixed-two-texts"] = hdr("Two text parts", MIX) + b"\n--mix\nContent-Type: text/plain\n\nFirst part.\n--mix\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nSecond part, =E9t=E9.\n--mix--\n"
def nest(n):
    m = b"Content-Type: text/plain\n\nDeepest.\n"
    for i in range(n):
        m = b"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n" % (i, i) + m + b"\n--b%d--\n" % i
    return m
M["nested-10"] = hdr("Ten levels") + nest(10)
M["nested-40"] = hdr("Forty levels (more than shown)") + nest(40)

# Hostile
M["hostile-esc-subject"] = text(b"Hi \x1b[2J\x1b]0;owned\x07 \x1b]52;c;cm0gLXJmIH4=\x07 done", b"Body.\n")
M["hostile-esc-body"] = text("Escapes in body", b"Clear: \x1b[2J\nColour: \x1b[31mred\x1b[0m\nOSC 52: \x1b]52;c;ZWNobyBoaQ==\x07\nBell\x07 backspace\x08 DEL\x7f\nCR in middle\rhidden\n", cte=b"8bit")
M["hostile-esc-encoded"] = text("=?utf-8?b?G1szMW1yZWQbWzBt?=", b"The subject hides ESC in an encoded word.\n")
M["hostile-bidi"] = text("Bidi \u202eexe.txt\u202c and \u2067isolate\u2069".encode(), "Body with \u202Eoverride\u202C and \u2028line separator and \ufeffBOM.\n".encode())
M["hostile-c1"] = text("C1 \u009b31m", "C1 controls: \u009b2J \u0085 next \u0090.\n".encode())
M["hostile-html-esc"] = html("Escapes in HTML", b"<p>Text \x1b[31m red &#27;[1m and &#x202e;rtl</p>")

# Broken
M["broken-truncated"] = hdr("Truncated", MIX) + b"\n--mix\nContent-Type: text/plain\n\nThe text arrived.\n--mix\nContent-Type: application/pdf; name=cut.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQKJeLjz9MK\nMSAwIG9ia"
M["broken-truncated-header"] = b"From: cut@example.test\nSubject: Cut in the hea"
M["broken-boundaryless"] = hdr("Multipart without boundary", b"Content-Type: multipart/mixed\n") + b"\nThe sender forgot the boundary, the text must still show.\n"
M["broken-wrong-boundary"] = hdr("Boundary that never appears", b"Content-Type: multipart/mixed; boundary=\"nope\"\n") + b"\n--other\nContent-Type: text/plain\n\nText under the wrong boundary.\n--other--\n"
M["broken-base64"] = text("Bad base64", b"SGVsbG8g!!!d29y\nbGQ=garbage\n", cte=b"base64")
M["broken-no-blank-line"] = b"From: a@example.test\nSubject: No empty line before body\nThis line is not a header\nbut the body.\n"
M["broken-header-garbage"] = b"From: a@example.test\n:bad header\nSubject: Garbage header line above\n\nBody.\n"


# Encoded words whose payload GMime alone gets wrong (added later).
H2 = b"From: Alice Martin <alice@example.test>\nTo: Bob <bob@example.test>\nDate: Tue, 24 Nov 2026 10:00:00 +0100\nSubject: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nBody.\n"
M["header-2047-bad-utf8"] = H2 % b"=?utf-8?q?caf=E9_cr=C3=A8me?="
M["header-2047-lying-utf8"] = H2 % b"=?UTF-8?Q?Caf=E9_cr=E8me?="
M["header-2047-unknown-charset"] = H2 % b"=?x-unknown?q?na=C3=AFve?= and =?utf-8*fr?q?d=C3=A9j=C3=A0?="
M["header-2047-split-qb"] = H2 % b"=?utf-8?q?D=C3?= =?utf-8?b?qXTDqQ==?= fin"

# Inline PGP and one-part S/MIME (added later).
M["inline-pgp-signed"] = text("Inline PGP signed", b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSigned inline.\n-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n")
M["inline-pgp-encrypted"] = text("Inline PGP encrypted", b"\n-----BEGIN PGP MESSAGE-----\n\nhQEMA1\n-----END PGP MESSAGE-----\n")
M["smime-encrypted"] = hdr("S/MIME encrypted", b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=smime.p7m\n") + b"\nMIIBBgYJKoZIhvcNAQcDoIH4\n"
M["smime-opaque-signed"] = hdr("S/MIME opaque signed", b"Content-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\nContent-Transfer-Encoding: base64\n") + b"\nMIIBBgYJKoZIhvcNAQcCoIH4\n"

os.makedirs(out, exist_ok=True)
for k, v in M.items():
    with open(os.path.join(out, k + ".eml"), "wb") as f:
        f.write(v)
for k, v in ARGS.items():
    with open(os.path.join(out, k + ".args"), "w") as f:
        f.write(v + "\n")
print(len(M), "messages")
