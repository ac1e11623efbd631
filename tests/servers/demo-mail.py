#!/usr/bin/env python3
"""Delivers the demo's showcase messages over LMTP to the running test bed.

populate-demo fills the mailboxes in bulk with generated mail; these few
messages are written by hand to show what facteur does with real-world
mail: French accents in headers and bodies, an HTML-only newsletter, an
attachment whose name needs RFC 2231, a three-message thread, a mailing
list (List-Id) that the demo's rules file files away, and a customer's
mail to the shared support@ mailbox. The MIME encoding (RFC 2047 words,
quoted-printable, base64, RFC 2231) is the email package's. Dates are
minutes before now, so that these messages top INBOX.

Usage: demo-mail.py LMTP_PORT DOMAIN    (stdlib only)
"""

import email.utils
import smtplib
import sys
import time
from email.message import EmailMessage
from email.policy import SMTP

# A minimal one-page PDF ("Devis"), enough for a viewer to open.
PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]
/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 58 >> stream
BT /F1 24 Tf 72 760 Td (Devis 2026-117 : 4 380,00 EUR) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""

NEWSLETTER_HTML = """\
<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>La Lettre du Vélo — novembre</title>
<style>body { font-family: sans-serif }</style>
</head><body>
<table width="600" align="center"><tr><td>
<h1>La Lettre du Vélo</h1>
<p><em>Novembre 2026 — n°42</em></p>
<h2>Au programme ce mois-ci</h2>
<ul>
<li><strong>Samedi 5 décembre</strong> : atelier « Réparer sa crevaison »,
de 10&nbsp;h à 12&nbsp;h, au local de la rue des Écoles.</li>
<li><strong>Dimanche 13 décembre</strong> : sortie des lumières de Noël
(25&nbsp;km, allure tranquille, gilet réfléchissant obligatoire).</li>
<li>La bourse aux vélos revient en mars : pensez à trier votre garage.</li>
</ul>
<h2>Le conseil du mois</h2>
<p>En hiver, vérifiez la pression de vos pneus chaque semaine :
un pneu sous-gonflé s&rsquo;use deux fois plus vite et crève plus
souvent.</p>
<table border="1" cellpadding="4">
<tr><th>Pneu</th><th>Pression conseillée</th></tr>
<tr><td>Route 25&nbsp;mm</td><td>6 à 7 bar</td></tr>
<tr><td>Ville 40&nbsp;mm</td><td>3,5 à 4,5 bar</td></tr>
</table>
<p><a href="https://velo-club.example/agenda">Tout l&rsquo;agenda sur le
site</a> &middot; <a href="https://velo-club.example/desinscription">Se
désinscrire</a></p>
<img src="https://velo-club.example/pixel.gif" width="1" height="1" alt="">
</td></tr></table>
</body></html>
"""


def message(frm, to, subject, ago, body, **headers):
    m = EmailMessage(policy=SMTP)
    m["From"] = frm
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = email.utils.formatdate(time.time() - ago * 60, localtime=True)
    for name, value in headers.items():
        m[name.replace("_", "-")] = value
    if "Message-ID" not in m:
        m["Message-ID"] = email.utils.make_msgid(domain="demo.example.test")
    m.set_content(body)
    return m


def showcase(domain):
    alice = f"Alice Martin <alice@{domain}>"
    bob = f"Bob Durand <bob@{domain}>"
    carol = f"Carol Lefèvre <carol@{domain}>"
    out = []

    out.append(message(
        "Élodie Dubois <elodie.dubois@exemple.fr>", alice,
        "Bienvenue à l'équipe : déjeuner d'accueil jeudi à 12 h 30", 5,
        "Bonjour Alice,\n\n"
        "Toute l'équipe se réjouit de ton arrivée ! Nous t'invitons à un "
        "déjeuner d'accueil jeudi à 12 h 30 au « Café des Œillets », "
        "juste en face du bureau.\n\n"
        "Au menu : crêpes, galettes et, pour les plus gourmands, une "
        "île flottante. Préviens-moi si tu as un régime particulier "
        "(végétarien, sans gluten…).\n\n"
        "À jeudi,\nÉlodie\n"))

    news = message(
        "La Lettre du Vélo <lettre@velo-club.example>", alice,
        "🚲 La Lettre du Vélo — novembre : atelier crevaison et sortie de "
        "Noël", 15, "",
        List_Unsubscribe="<https://velo-club.example/desinscription>")
    news.set_content(NEWSLETTER_HTML, subtype="html")
    out.append(news)

    devis = message(
        "Menuiserie Lebœuf <contact@menuiserie-leboeuf.example>", alice,
        "Devis n°2026-117 pour la rénovation de votre cuisine", 30,
        "Madame Martin,\n\n"
        "Suite à notre visite de mardi, veuillez trouver ci-joint notre "
        "devis pour la rénovation de votre cuisine (plan de travail en "
        "chêne massif, façades laquées, pose comprise).\n\n"
        "Montant total : 4 380,00 € TTC, valable trois mois.\n\n"
        "Bien cordialement,\nMathéo Lebœuf\nMenuiserie Lebœuf\n")
    devis.add_attachment(PDF, maintype="application", subtype="pdf",
                         filename="Devis cuisine n°2026-117 (rénovation).pdf")
    out.append(devis)

    # A thread: Bob asks, Carol answers, Bob closes.
    first = email.utils.make_msgid(domain="example.test")
    second = email.utils.make_msgid(domain="example.test")
    out.append(message(
        bob, f"{alice}, {carol}", "Pique-nique samedi au parc ?", 180,
        "Salut à toutes les deux,\n\nS'il fait beau samedi, pique-nique au "
        "parc de la Tête d'Or vers midi ? J'apporte la quiche et les "
        "boissons.\n\nBob\n", Message_ID=first))
    out.append(message(
        carol, f"{bob}, {alice}", "Re: Pique-nique samedi au parc ?", 120,
        "Bonne idée ! Je m'occupe du dessert : une tarte aux pommes.\n\n"
        "> S'il fait beau samedi, pique-nique au parc de la Tête d'Or vers\n"
        "> midi ?\n\nCarol\n", Message_ID=second, In_Reply_To=first,
        References=first))
    out.append(message(
        bob, f"{alice}, {carol}", "Re: Pique-nique samedi au parc ?", 60,
        "Parfait. Alice, tu peux prendre la nappe et les verres ?\n\n"
        "> Je m'occupe du dessert : une tarte aux pommes.\n\nBob\n",
        In_Reply_To=second, References=f"{first} {second}"))

    # A mailing list: the demo's rules file moves it to Listes/facteur.
    lst = f"facteur-users.lists.{domain}"
    for ago, who, subj, text in (
            (90, "Jürgen Groß <juergen@beispiel.example>",
             "[facteur-users] Raccourcis pour classer le courrier",
             "Bonjour à tous,\n\nAprès une semaine d'utilisation : « s » "
             "puis Tab pour compléter le dossier, et « u » pour annuler. "
             "Indispensable !\n\nJürgen\n"),
            (45, "Ana Conceição <ana@exemplo.example>",
             "[facteur-users] Règles et listes de diffusion",
             "Bonsoir,\n\nAstuce : une règle « list: » range les listes "
             "dès leur arrivée, et « M » dans l'index en écrit une à partir "
             "du message affiché.\n\nAna\n")):
        out.append(message(
            who, f"facteur-users@lists.{domain}", subj, ago, text,
            List_Id=f"Utilisateurs de facteur <{lst}>",
            List_Post=f"<mailto:facteur-users@lists.{domain}>"))

    # To the shared support@ mailbox (alice sees it under Shared/).
    m = message(
        "Renée Fontaine <renee.fontaine@exemple.fr>",
        f"Support Facteur <support@{domain}>",
        "Commande n°4521 toujours pas reçue", 20,
        "Bonjour,\n\nJ'ai commandé le 12 novembre un carnet de timbres "
        "(commande n°4521) et je n'ai toujours rien reçu. Pouvez-vous me "
        "dire où en est l'envoi ?\n\nMerci d'avance,\nRenée Fontaine\n")
    out.append(m)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: demo-mail.py LMTP_PORT DOMAIN")
    port, domain = int(sys.argv[1]), sys.argv[2]
    msgs = showcase(domain)
    with smtplib.LMTP("127.0.0.1", port) as lmtp:
        for m in msgs:
            rcpts = [a for _, a in email.utils.getaddresses(
                m.get_all("To", []))]
            # Other domains (the list, support's customers) land in
            # alice's INBOX, as a list subscriber's copy would.
            rcpts = [a if a.endswith("@" + domain) and not a.startswith(
                "facteur-users") else f"alice@{domain}" for a in rcpts]
            _, sender = email.utils.parseaddr(m["From"])
            # One recipient a transaction: LMTP answers DATA once per
            # recipient, and smtplib reads one answer.
            for rcpt in sorted(set(rcpts)):
                lmtp.send_message(m, from_addr=sender, to_addrs=[rcpt])
    print(f"demo-mail: {len(msgs)} showcase messages delivered")


if __name__ == "__main__":
    main()
