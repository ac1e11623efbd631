/*
 * facteur-seed: writes realistic test messages straight into a Maildir, for
 * the test bed (tests/servers/seed wraps it for a Dovecot user).
 *
 * Going around the server is the point: delivering 100,000 messages over
 * LMTP or IMAP APPEND takes minutes, writing the files takes seconds, and
 * Dovecot indexes them in one `doveadm force-resync`. Each message is built
 * in memory, written to tmp/ and renamed into cur/ under Dovecot's naming
 * (`<time>.M<usec>P<pid>Q<n>.<host>,S=<size>,W=<vsize>:2,<flags>`), with the
 * file's mtime set to the arrival time, which Dovecot reports as the
 * INTERNALDATE and uses, through the name's time prefix, to order new UIDs.
 *
 * The messages exercise what a mail client finds hard: RFC 2047 encoded
 * words (UTF-8 and ISO-8859-1, Q and B, folded over lines, the odd raw 8-bit
 * header), bodies in UTF-8 and ISO-8859-1 (8bit, quoted-printable, base64),
 * multipart/alternative, attachments whose names need RFC 2231 (with
 * continuations), forwarded message/rfc822 parts, threads (In-Reply-To and
 * References to earlier messages of the same run), mailing lists (List-Id),
 * dates over several years in several time zones, and \Seen, \Flagged,
 * \Answered and \Draft flags.
 *
 * Everything but the file names (pid, host) is a function of --seed and
 * --folder-name alone: one pseudo-random generator (splitmix64) drives every
 * choice, and the default period ends on a fixed date, not today.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "facteur/core.h"

/* The default end of the period: 2026-06-01T00:00:00Z, fixed for
 * determinism. */
#define SEED_DEFAULT_UNTIL 1780272000LL
#define SEED_MAX_LINE 76

enum seed_flavour {
	FLAVOUR_INBOX,    /* a bit of everything, to the owner */
	FLAVOUR_SENT,     /* from the owner */
	FLAVOUR_DRAFTS,   /* from the owner, \Draft */
	FLAVOUR_JUNK,     /* spam */
	FLAVOUR_LIST,     /* mailing-list traffic */
	FLAVOUR_INVOICES, /* invoices with PDF attachments */
};

struct person {
	const char *name; /* UTF-8 display name; "" for a bare address */
	const char *addr;
};

/*
 * What later messages of the run need to know about an earlier one to
 * reply to it. Subjects are kept without any "Re: ".
 */
struct seeded {
	int parent;    /* index of the message replied to, or -1 */
	int from, to;  /* indexes in people[], -1 for the owner */
	char *subject; /* owned; UTF-8 */
	long long date;
};

struct seed_opts {
	const char *maildir;
	const char *folder;
	unsigned long count;
	uint64_t seed;
	long long until;
	int years;
	int jobs;
	int quiet;
	struct person owner;
	enum seed_flavour flavour;
};

struct seed_run {
	struct seed_opts *o;
	uint64_t rng;
	uint64_t id_hash; /* of seed and folder, in Message-IDs */
	struct seeded *msgs;
	unsigned long nr;
	int job; /* this process's share: messages i with i % jobs == job */
	char host[64];
	long pid;
	unsigned long long bytes;
	struct strbuf msg;  /* the message being built */
	struct strbuf text; /* its plain text, UTF-8 */
	struct strbuf html; /* its HTML version */
	struct strbuf conv; /* charset conversions */
	struct strbuf enc;  /* parameter encodings */
	struct strbuf path, path2;
};

static const struct person people[] = {
	{ "Élodie Dubois", "elodie.dubois@exemple.fr" },
	{ "François Lefèbvre", "francois.lefebvre@laposte.example" },
	{ "Zoë Ångström", "zoe@exempel.example" },
	{ "Jürgen Groß", "juergen.gross@beispiel.example" },
	{ "Łukasz Wróbel", "lukasz@przyklad.example" },
	{ "Søren Kjærgaard", "soren@eksempel.example" },
	{ "José Núñez", "jose.nunez@ejemplo.example" },
	{ "Ana Conceição", "ana@exemplo.example" },
	{ "山田 太郎", "taro.yamada@rei.example" },
	{ "Дмитрий Иванов", "dmitri@primer.example" },
	{ "Ελένη Παπαδοπούλου", "eleni@paradeigma.example" },
	{ "Chloé Bérénice Étiennette de La Pérouse-Hénaff",
	    "chloe@exemple.fr" },
	{ "Bob Durand", "bob@example.test" },
	{ "Carol Lefèvre", "carol@example.test" },
	{ "Support Facteur", "support@example.test" },
	{ "John O'Reilly", "john.oreilly@example.com" },
	{ "Smith, Jane", "jane.smith@example.com" },
	{ "Renée \"Nénette\" Martin", "renee@exemple.fr" },
	{ "", "noreply@service.example" },
	{ "Ahmed Benali", "ahmed.benali@exemple.fr" },
};

static const char *const subjects[] = {
	"Réunion de l'équipe jeudi",
	"Compte rendu de la réunion du %j %s",
	"Déjeuner vendredi à midi ?",
	"Ça avance, le projet ?",
	"Vacances d'été : qui part quand ?",
	"Problème de connexion à l'intranet",
	"Votre commande n°%d a été expédiée",
	"Invitation : fête de fin d'année 🎉",
	"Relecture du chapitre %d",
	"Mise à jour de sécurité à installer avant %s",
	"Résumé hebdomadaire",
	("Proposition de modification du règlement intérieur concernant "
	 "l'accès au "
	 "parking souterrain et aux vélos électriques"),
	"Grüße aus München",
	"Pregunta sobre la reunión del lunes",
	"Встреча в понедельник",
	"会議の議事録 (%d)",
	"Πρόγραμμα συνεδρίου",
	"Weekly sync notes",
	"Budget %d: second draft",
	"Quick question",
	"Photos du week-end à Île-de-Ré",
	"Coût du déménagement — devis n°%d",
	"Œuvres complètes : épreuves à corriger",
	"Café ☕ ?",
	"Re: Re: Fwd: ancien fil très long",
	"Déclaration d'impôts %y",
	"Nouvelles de la crèche",
};

static const char *const months_fr[] = {
	"janvier",
	"février",
	"mars",
	"avril",
	"mai",
	"juin",
	"juillet",
	"août",
	"septembre",
	"octobre",
	"novembre",
	"décembre",
};

static const char *const spam_subjects[] = {
	"Félicitations !!! Vous avez gagné un iPhone",
	"Votre colis est en attente de livraison",
	"URGENT : vérifiez votre compte bancaire",
	"Rencontres célibataires près de chez vous",
	"Ⓦⓘⓝ ⓑⓘⓖ ⓝⓞⓦ",
	"Ganhe dinheiro rápido!!!",
	"Ваш выигрыш ждёт вас",
};

static const char *const paragraphs[] = {
	"Comme convenu lors de notre dernier échange, je vous envoie le "
	"document mis à jour. N'hésitez pas à me faire part de vos remarques "
	"avant la fin de la semaine, afin que nous puissions avancer "
	"sereinement.",
	"La réunion aura lieu dans la salle « Lumière » au deuxième étage. "
	"Pensez à apporter vos notes ; le café sera servi à partir de 9 h 30.",
	"Je suis désolé pour le retard : le prestataire n'a livré les pièces "
	"qu'hier soir. Tout devrait être prêt d'ici à mercredi prochain.",
	"Voici le récapitulatif des dépenses du trimestre. Le total dépasse "
	"légèrement le budget prévu, principalement à cause des frais de "
	"déplacement à Genève et à Bruxelles.",
	"Pourriez-vous vérifier que la facture a bien été réglée ? Le service "
	"comptable me relance à ce sujet depuis deux semaines déjà.",
	"Merci encore pour votre accueil chaleureux. Les enfants ont adoré la "
	"promenade au bord du lac, malgré la pluie de l'après-midi.",
	"Ich hoffe, es geht Ihnen gut. Anbei finden Sie die überarbeitete "
	"Fassung des Vertrags; bitte prüfen Sie insbesondere die Änderungen in "
	"Paragraph 4.",
	"Thanks for the quick turnaround. I had a look at the figures and they "
	"match what we discussed on Tuesday, so I think we are good to go.",
	"Could you send me the slides from yesterday's presentation? I would "
	"like to reuse a couple of charts for the quarterly review.",
	"Le cœur du problème, c'est l'œuvre elle-même : l'éditeur veut réduire "
	"le texte de 20 %, ce qui coûterait environ 1 500 € de mise en page.",
	"Nos “meilleures” idées viennent souvent des pauses café… Je propose "
	"donc qu'on en prenne une vraie demain 😉",
	"Мы получили ваше письмо и ответим в ближайшее время. Спасибо за "
	"терпение.",
	"お世話になっております。資料を添付いたしましたので、ご確認のほど"
	"よろしくお願いいたします。",
	"Hola a todos: la reunión del lunes se traslada al martes a la misma "
	"hora. ¡Gracias por vuestra comprensión!",
	"Le serveur de fichiers sera indisponible samedi de 8 h à 12 h pour "
	"maintenance. Enregistrez vos travaux en cours avant vendredi soir.",
};

/* Name, List-Id and posting address of the mailing lists. */
static const char *const list_names[][3] = {
	{ "Debian developers' discussions", "debian-devel.lists.debian.org",
	    "debian-devel@lists.debian.org" },
	{ "Utilisateurs francophones de Debian",
	    "debian-user-french.lists.debian.org",
	    "debian-user-french@lists.debian.org" },
	{ "Association des Amis du Vélo", "velo.lists.exemple.org",
	    "velo@lists.exemple.org" },
	{ "", "annonces.lists.example.org", "annonces@lists.example.org" },
};

static const char *const attachment_names[] = {
	"Compte-rendu réunion.pdf",
	"facture_été_2024.pdf",
	"photo été.png",
	"données.csv",
	"Lebenslauf_Müller.pdf",
	"報告書.pdf",
	"plan-d'accès.png",
	("Rapport annuel détaillé de l'association des usagers du réseau — "
	 "version définitive.pdf"),
	"budget.csv",
	"notes.txt",
	"Présentation ÉTÉ (copie) (2).odt",
};

static const char *const day_names[] = {
	"Sun",
	"Mon",
	"Tue",
	"Wed",
	"Thu",
	"Fri",
	"Sat",
};
static const char *const month_names[] = {
	"Jan",
	"Feb",
	"Mar",
	"Apr",
	"May",
	"Jun",
	"Jul",
	"Aug",
	"Sep",
	"Oct",
	"Nov",
	"Dec",
};
static const int tz_offsets[] = { 60, 120, 0, -300, 540, 60, 120, 330, -420 };

/* ---- pseudo-random choices (splitmix64: tiny, fast, portable) ---- */

static uint64_t
rng_next(struct seed_run *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n); n > 0. The modulo bias is irrelevant here. */
static unsigned
rnd(struct seed_run *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

/* True with probability permille / 1000. */
static int
chance(struct seed_run *r, unsigned permille)
{
	return rnd(r, 1000) < permille;
}

static uint64_t
hash_str(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* ---- character sets ---- */

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Length of the UTF-8 sequence that starts with byte c (1 for stray bytes). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * Converts UTF-8 s to ISO-8859-1 in out. Returns -1 (out undefined) when a
 * character has no ISO-8859-1 form, as "œ", "€" or any Cyrillic letter.
 */
static int
to_latin1(const char *s, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_reset(out);
	while (*p != '\0') {
		if (*p < 0x80) {
			strbuf_addch(out, *p++);
		} else if ((*p == 0xc2 || *p == 0xc3) &&
		    (p[1] & 0xc0) == 0x80) {
			strbuf_addch(out, ((p[0] & 0x03) << 6) | (p[1] & 0x3f));
			p += 2;
		} else {
			return -1;
		}
	}
	return 0;
}

/* ---- encoders ---- */

/* Appends c and byte b in upper-case hex ("=E9", "%C3"), without printf:
 * the encoders call this for every non-ASCII byte. */
static void
add_hex_escape(struct strbuf *sb, char c, unsigned char b)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = { c, hex[b >> 4], hex[b & 15] };

	strbuf_add(sb, e, 3);
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends base64 of data; with wrap, in lines of 76 characters. */
static void
add_base64(struct strbuf *sb, const unsigned char *data, size_t len, int wrap)
{
	size_t i, col = 0;
	char q[4];

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;

		if (n > 1)
			v |= (uint32_t)data[i + 1] << 8;
		if (n > 2)
			v |= data[i + 2];
		q[0] = b64_alphabet[(v >> 18) & 63];
		q[1] = b64_alphabet[(v >> 12) & 63];
		q[2] = n > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
		q[3] = n > 2 ? b64_alphabet[v & 63] : '=';
		strbuf_add(sb, q, 4);
		col += 4;
		if (wrap && col >= SEED_MAX_LINE) {
			strbuf_addch(sb, '\n');
			col = 0;
		}
	}
	if (wrap && col > 0)
		strbuf_addch(sb, '\n');
}

/* Characters that a Q encoded word may carry as themselves anywhere,
 * phrases included (RFC 2047 section 5). */
static int
q_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!*+-/", c) != NULL;
}

static size_t
encoded_len(const unsigned char *s, size_t n, int b64)
{
	size_t i, len = 0;

	if (b64)
		return (n + 2) / 3 * 4;
	for (i = 0; i < n; i++)
		len += q_plain(s[i]) || s[i] == ' ' ? 1 : 3;
	return len;
}

static void
add_one_word(struct strbuf *sb, const char *cs, const unsigned char *s,
    size_t n, int b64)
{
	size_t i;

	strbuf_addf(sb, "=?%s?%c?", cs, b64 ? 'B' : 'Q');
	if (b64) {
		add_base64(sb, s, n, 0);
	} else {
		for (i = 0; i < n; i++) {
			if (s[i] == ' ')
				strbuf_addch(sb, '_');
			else if (q_plain(s[i]))
				strbuf_addch(sb, s[i]);
			else
				add_hex_escape(sb, '=', s[i]);
		}
	}
	strbuf_addstr(sb, "?=");
}

/*
 * Appends text (in the charset cs already) as RFC 2047 encoded words, each
 * at most 75 characters, folding so that lines stay within 76 columns;
 * *col is the current column and is updated. A UTF-8 character is never cut
 * between two words, as RFC 2047 requires.
 */
static void
add_encoded_words(struct strbuf *sb, size_t *col, const char *text,
    const char *cs, int b64)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text), start = 0, pos = 0, clen;
	size_t overhead = strlen(cs) + 7; /* =?cs?X?...?= */
	int utf8 = strcmp(cs, "UTF-8") == 0;

	while (start < len) {
		size_t room = *col < SEED_MAX_LINE ? SEED_MAX_LINE - *col : 0;

		if (room > 75)
			room = 75;
		/* Too little room left on this line for a useful word. */
		if (room < overhead + 12) {
			strbuf_addstr(sb, "\n ");
			*col = 1;
			continue;
		}
		pos = start;
		while (pos < len) {
			clen = utf8 ? utf8_len(s[pos]) : 1;
			if (pos + clen > len)
				clen = len - pos;
			if (overhead +
				encoded_len(s + start, pos + clen - start,
				    b64) >
			    room)
				break;
			pos += clen;
		}
		if (pos == start) /* cannot happen with room >= overhead + 12 */
			pos = start + 1;
		add_one_word(sb, cs, s + start, pos - start, b64);
		*col += overhead + encoded_len(s + start, pos - start, b64);
		start = pos;
		if (start < len) {
			strbuf_addstr(sb, "\n ");
			*col = 1;
		}
	}
}

/* Appends plain ASCII text, folding at spaces before column 76. */
static void
add_folded_ascii(struct strbuf *sb, size_t *col, const char *text)
{
	const char *p = text, *sp;
	size_t n;

	while (*p != '\0') {
		sp = strchr(p + 1, ' ');
		n = sp != NULL ? (size_t)(sp - p) : strlen(p);
		if (*col + n > SEED_MAX_LINE && *col > 1 && *p == ' ') {
			strbuf_addstr(sb, "\n");
			*col = 0;
		}
		strbuf_add(sb, p, n);
		*col += n;
		p += n;
	}
}

/*
 * Appends UTF-8 text as a header's unstructured value, picking an encoding
 * the way real mailers vary: plain when ASCII; otherwise UTF-8 or, when it
 * fits, ISO-8859-1, in B or Q; now and then raw 8-bit UTF-8, which RFC 5322
 * forbids and many mailers send anyway.
 */
static void
add_header_text(struct seed_run *r, size_t *col, const char *text)
{
	struct strbuf *sb = &r->msg;
	unsigned pick = rnd(r, 100);

	if (is_ascii(text)) {
		add_folded_ascii(sb, col, text);
	} else if (pick < 2) {
		strbuf_addstr(sb, text);
		*col += strlen(text);
	} else if (pick < 25 && to_latin1(text, &r->conv) == 0) {
		add_encoded_words(sb, col, r->conv.buf, "ISO-8859-1", pick < 8);
	} else {
		add_encoded_words(sb, col, text, "UTF-8", pick < 60);
	}
}

/* Appends one mailbox: an encoded or quoted display name and <addr>. */
static void
add_mailbox(struct seed_run *r, size_t *col, const struct person *p)
{
	struct strbuf *sb = &r->msg;
	const char *c;

	if (*p->name == '\0') {
		strbuf_addstr(sb, p->addr);
		*col += strlen(p->addr);
		return;
	}
	if (!is_ascii(p->name)) {
		add_header_text(r, col, p->name);
	} else if (strpbrk(p->name, "()<>[]:;@\\,.\"'") != NULL) {
		strbuf_addch(sb, '"');
		for (c = p->name; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_addch(sb, '\\');
			strbuf_addch(sb, *c);
		}
		strbuf_addch(sb, '"');
		*col += strlen(p->name) + 2;
	} else {
		strbuf_addstr(sb, p->name);
		*col += strlen(p->name);
	}
	if (*col + strlen(p->addr) + 3 > SEED_MAX_LINE) {
		strbuf_addstr(sb, "\n");
		*col = 0;
	}
	strbuf_addf(sb, " <%s>", p->addr);
	*col += strlen(p->addr) + 3;
}

static const struct person *
person(struct seed_run *r, int i)
{
	return i < 0 ? &r->o->owner : &people[i];
}

/* Quoted-printable of data (any charset), lines within 76 columns. */
static void
add_qp(struct strbuf *sb, const unsigned char *s, size_t len)
{
	size_t i, col = 0, w;
	int enc;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			strbuf_addch(sb, '\n');
			col = 0;
			continue;
		}
		/* Trailing white space would be stripped in transit. */
		enc = s[i] == '=' || s[i] > 126 ||
		    (s[i] < 32 && s[i] != '\t') ||
		    ((s[i] == ' ' || s[i] == '\t') &&
			(i + 1 == len || s[i + 1] == '\n'));
		w = enc ? 3 : 1;
		if (col + w > SEED_MAX_LINE - 1) {
			strbuf_addstr(sb, "=\n");
			col = 0;
		}
		if (enc)
			add_hex_escape(sb, '=', s[i]);
		else
			strbuf_addch(sb, s[i]);
		col += w;
	}
}

/* Appends text wrapped at 72 characters (counted in code points). */
static void
add_wrapped(struct strbuf *sb, const char *text, const char *prefix)
{
	const char *p = text, *word_end;
	size_t col = 0, chars, i;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		word_end = p;
		chars = 0;
		while (*word_end != '\0' && *word_end != ' ') {
			word_end += utf8_len((unsigned char)*word_end);
			chars++;
		}
		if (col > 0 && col + 1 + chars > 72) {
			strbuf_addch(sb, '\n');
			col = 0;
		}
		if (col == 0) {
			strbuf_addstr(sb, prefix);
			col = strlen(prefix);
		} else {
			strbuf_addch(sb, ' ');
			col++;
		}
		for (i = 0; p + i < word_end && p[i] != '\0'; i++)
			strbuf_addch(sb, p[i]);
		col += chars;
		p = word_end;
	}
	strbuf_addch(sb, '\n');
}

/* ---- message parts ---- */

static void
add_date(struct strbuf *sb, long long t, int tz_minutes)
{
	time_t local = (time_t)(t + tz_minutes * 60);
	struct tm tm;
	int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;

	gmtime_r(&local, &tm);
	strbuf_addf(sb, "%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
	    day_names[tm.tm_wday], tm.tm_mday, month_names[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    tz_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

static const char *
domain_of(const char *addr)
{
	const char *at = strchr(addr, '@');

	return at != NULL ? at + 1 : "localhost";
}

static void
add_msgid(struct seed_run *r, struct strbuf *sb, unsigned long i)
{
	uint64_t h = r->id_hash ^ (i * 0x9e3779b97f4a7c15ULL);

	strbuf_addf(sb, "<%016" PRIx64 ".%lu@%s>", h, i,
	    domain_of(person(r, r->msgs[i].from)->addr));
}

/* Builds the plain text of message i, UTF-8, in r->text. */
static void
make_text(struct seed_run *r, unsigned long i)
{
	struct seeded *m = &r->msgs[i];
	const struct person *to = person(r, m->to);
	const struct person *from = person(r, m->from);
	struct strbuf *sb = &r->text;
	unsigned n = 1 + rnd(r, 4), k;
	const char *first;

	strbuf_reset(sb);
	first = *to->name != '\0' ? to->name : "à tous";
	strbuf_addf(sb, "%s %s,\n\n", chance(r, 500) ? "Bonjour" : "Hello",
	    first);
	for (k = 0; k < n; k++) {
		add_wrapped(sb, paragraphs[rnd(r, FCT_ARRAY_LEN(paragraphs))],
		    "");
		strbuf_addch(sb, '\n');
	}
	if (m->parent >= 0) {
		struct seeded *p = &r->msgs[m->parent];

		strbuf_addstr(sb, "Le ");
		add_date(sb, p->date, 60);
		strbuf_addf(sb, ", %s a écrit :\n",
		    *to->name != '\0' ? to->name : to->addr);
		add_wrapped(sb, paragraphs[rnd(r, FCT_ARRAY_LEN(paragraphs))],
		    "> ");
	}
	strbuf_addf(sb, "\nCordialement,\n-- \n%s\n",
	    *from->name != '\0' ? from->name : from->addr);
}

/*
 * Appends a text part's headers and body for UTF-8 text, choosing a charset
 * and transfer encoding: 8bit and quoted-printable in UTF-8 or ISO-8859-1,
 * now and then base64, 7bit when ASCII.
 */
static void
add_text_part(struct seed_run *r, const char *subtype, const char *text)
{
	struct strbuf *sb = &r->msg;
	const char *cs = "UTF-8", *data = text;
	unsigned pick = rnd(r, 100);

	if (is_ascii(text)) {
		strbuf_addf(sb,
		    "Content-Type: text/%s; charset=us-ascii\n"
		    "Content-Transfer-Encoding: 7bit\n\n%s",
		    subtype, text);
		return;
	}
	if (pick < 35 && to_latin1(text, &r->conv) == 0) {
		cs = "ISO-8859-1";
		data = r->conv.buf;
	}
	if (pick % 3 == 0) /* the quoted form: legal, and common */
		strbuf_addf(sb, "Content-Type: text/%s; charset=\"%s\"\n",
		    subtype, cs);
	else
		strbuf_addf(sb, "Content-Type: text/%s; charset=%s\n", subtype,
		    cs);
	if (pick >= 90) {
		strbuf_addstr(sb, "Content-Transfer-Encoding: base64\n\n");
		add_base64(sb, (const unsigned char *)data, strlen(data), 1);
	} else if (pick % 2 == 0) {
		strbuf_addstr(sb,
		    "Content-Transfer-Encoding: quoted-printable\n\n");
		add_qp(sb, (const unsigned char *)data, strlen(data));
	} else {
		strbuf_addf(sb, "Content-Transfer-Encoding: 8bit\n\n%s", data);
	}
}

static void
add_html_escaped(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			strbuf_addstr(sb, "&amp;");
			break;
		case '<':
			strbuf_addstr(sb, "&lt;");
			break;
		case '>':
			strbuf_addstr(sb, "&gt;");
			break;
		case '"':
			strbuf_addstr(sb, "&quot;");
			break;
		default:
			strbuf_addch(sb, s[i]);
			break;
		}
	}
}

/* The HTML version of text (blank lines separate paragraphs) in r->html. */
static void
make_html(struct seed_run *r, const char *text)
{
	struct strbuf *sb = &r->html;
	const char *p = text, *nl;

	strbuf_reset(sb);
	strbuf_addstr(sb,
	    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
	    "<body style=\"font-family: sans-serif\">\n<p>");
	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		add_html_escaped(sb, p, (size_t)(nl - p));
		if (*nl == '\0')
			break;
		if (nl[1] == '\n') {
			strbuf_addstr(sb, "</p>\n<p>");
			nl++;
		} else if (nl[1] != '\0') {
			strbuf_addstr(sb, "<br>\n");
		}
		p = nl + 1;
	}
	strbuf_addstr(sb, "</p>\n</body></html>\n");
}

static void
add_html_part(struct seed_run *r)
{
	strbuf_addstr(&r->msg,
	    "Content-Type: text/html; charset=UTF-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n");
	add_qp(&r->msg, (const unsigned char *)r->html.buf, r->html.len);
}

static void
new_boundary(struct seed_run *r, char *buf, size_t size)
{
	/* "=_" cannot occur in quoted-printable or base64 text. */
	snprintf(buf, size, "=_fct_%08x%08x", (unsigned)rng_next(r),
	    (unsigned)rng_next(r));
}

/* RFC 2231 attr-char: what a parameter value may hold unencoded. */
static int
attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

/*
 * Appends parameter param with value (already in charset cs) in RFC 2231
 * form: param*=cs''%XX... when short, else split into param*0*, param*1*...
 * continuations of at most 48 characters. A cut may fall inside a UTF-8
 * character: RFC 2231 decodes after joining, and clients must cope.
 */
static void
add_param_2231(struct seed_run *r, const char *param, const char *value,
    const char *cs)
{
	struct strbuf *enc = &r->enc;
	const unsigned char *p;
	size_t pos = 0, cut;
	int n = 0;

	strbuf_reset(enc);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (attr_char(*p))
			strbuf_addch(enc, *p);
		else
			add_hex_escape(enc, '%', *p);
	}
	if (strlen(param) + strlen(cs) + enc->len + 5 <= SEED_MAX_LINE - 2) {
		strbuf_addf(&r->msg, ";\n\t%s*=%s''%s", param, cs, enc->buf);
		return;
	}
	while (pos < enc->len) {
		cut = pos + 48 < enc->len ? pos + 48 : enc->len;
		/* Never split a %XX triplet. */
		if (cut < enc->len && enc->buf[cut - 1] == '%')
			cut -= 1;
		else if (cut < enc->len && enc->buf[cut - 2] == '%')
			cut -= 2;
		strbuf_addf(&r->msg, ";\n\t%s*%d*=%s%s%.*s", param, n,
		    n == 0 ? cs : "", n == 0 ? "''" : "", (int)(cut - pos),
		    enc->buf + pos);
		pos = cut;
		n++;
	}
}

/* Appends ;param="value" for an ASCII value, quoting as needed. */
static void
add_param_quoted(struct strbuf *sb, const char *param, const char *value)
{
	strbuf_addf(sb, ";\n\t%s=\"", param);
	for (; *value != '\0'; value++) {
		if (*value == '"' || *value == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *value);
	}
	strbuf_addch(sb, '"');
}

/*
 * Appends a file name parameter in one of the forms found in the wild:
 * RFC 2231 in UTF-8 or ISO-8859-1, or (for Content-Type's name only) an
 * RFC 2047 encoded word inside a quoted string, which no RFC allows and
 * most mailers send.
 */
static void
add_name_param(struct seed_run *r, const char *param, const char *name,
    int allow_2047)
{
	unsigned pick = rnd(r, 100);
	size_t col = 0;

	if (is_ascii(name)) {
		add_param_quoted(&r->msg, param, name);
	} else if (allow_2047 && pick < 40) {
		strbuf_addf(&r->msg, ";\n\t%s=\"", param);
		col = 8 + strlen(param);
		add_encoded_words(&r->msg, &col, name, "UTF-8", pick < 20);
		strbuf_addch(&r->msg, '"');
	} else if (pick >= 80 && to_latin1(name, &r->conv) == 0) {
		add_param_2231(r, param, r->conv.buf, "ISO-8859-1");
	} else {
		add_param_2231(r, param, name, "UTF-8");
	}
}

static const char *
mime_type_of(const char *name)
{
	const char *ext = strrchr(name, '.');

	if (ext == NULL)
		return "application/octet-stream";
	if (strcmp(ext, ".pdf") == 0)
		return "application/pdf";
	if (strcmp(ext, ".png") == 0)
		return "image/png";
	if (strcmp(ext, ".csv") == 0)
		return "text/csv";
	if (strcmp(ext, ".txt") == 0)
		return "text/plain";
	if (strcmp(ext, ".odt") == 0)
		return "application/vnd.oasis.opendocument.text";
	return "application/octet-stream";
}

/* Appends one attachment part (headers and body) named name. */
static void
add_attachment(struct seed_run *r, const char *name)
{
	const char *type = mime_type_of(name);
	size_t size, k;

	strbuf_addf(&r->msg, "Content-Type: %s", type);
	if (strncmp(type, "text/", 5) == 0)
		strbuf_addstr(&r->msg, "; charset=UTF-8");
	if (rnd(r, 3) != 0)
		add_name_param(r, "name", name, 1);
	strbuf_addstr(&r->msg, "\nContent-Disposition: attachment");
	add_name_param(r, "filename", name, 0);
	strbuf_addch(&r->msg, '\n');

	if (strncmp(type, "text/", 5) == 0) {
		/* A small table, in UTF-8, quoted-printable. */
		strbuf_reset(&r->text);
		strbuf_addstr(&r->text, "Date;Libellé;Montant (€)\n");
		for (k = 0, size = 5 + rnd(r, 40); k < size; k++)
			strbuf_addf(&r->text,
			    "2024-%02u-%02u;Dépense n°%u;%u,%02u\n",
			    1 + rnd(r, 12), 1 + rnd(r, 28), rnd(r, 1000),
			    rnd(r, 5000), rnd(r, 100));
		strbuf_addstr(&r->msg,
		    "Content-Transfer-Encoding: quoted-printable\n\n");
		add_qp(&r->msg, (const unsigned char *)r->text.buf,
		    r->text.len);
		return;
	}
	/* Binary: a plausible magic number, then noise. A few are big. */
	size = chance(r, 2) ? 100000 + rnd(r, 150000) : 400 + rnd(r, 5600);
	strbuf_reset(&r->conv);
	if (strcmp(type, "application/pdf") == 0)
		strbuf_addstr(&r->conv, "%PDF-1.4\n");
	else if (strcmp(type, "image/png") == 0)
		strbuf_add(&r->conv, "\x89PNG\r\n\x1a\n", 8);
	else
		strbuf_add(&r->conv, "PK\x03\x04", 4);
	strbuf_grow(&r->conv, size);
	while (r->conv.len < size) {
		uint64_t v = rng_next(r);

		strbuf_add(&r->conv, &v, sizeof(v));
	}
	strbuf_addstr(&r->msg, "Content-Transfer-Encoding: base64\n\n");
	add_base64(&r->msg, (const unsigned char *)r->conv.buf, r->conv.len, 1);
}

/*
 * Expands "%d" (a number), "%j" (a day of the month), "%y" (a year) and "%s"
 * (a month) in a subject template (never a printf format). Each takes one
 * number from the generator, so that the rest of the run stays the same.
 */
static char *
expand_subject(struct seed_run *r, const char *tmpl)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = tmpl; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'd') {
			strbuf_addf(&sb, "%u", 2 + rnd(r, 2000));
			p++;
		} else if (p[0] == '%' && p[1] == 'j') {
			strbuf_addf(&sb, "%u", 1 + rnd(r, 28));
			p++;
		} else if (p[0] == '%' && p[1] == 'y') {
			strbuf_addf(&sb, "%u", 2019 + rnd(r, 7));
			p++;
		} else if (p[0] == '%' && p[1] == 's') {
			strbuf_addstr(&sb, months_fr[rnd(r, 12)]);
			p++;
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* "Votre facture de <month> <year> est disponible", of the month of t. */
static char *
invoice_subject(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	return xasprintf("Votre facture du mois de %s %d est disponible",
	    months_fr[tm.tm_mon], tm.tm_year + 1900);
}

/* The kinds of traffic a message of the inbox flavour may be. */
enum seed_kind { KIND_PERSONAL, KIND_LIST, KIND_INVOICE, KIND_SPAM };

static const struct person invoice_sender = { "Énergie Verte — Service client",
	"factures@energie-verte.example" };
static const struct person spam_senders[] = {
	{ "Sécurité Bancaire", "securite@banque-en-ligne.example" },
	{ "Livraison Express", "suivi@colis-rapide.example" },
	{ "", "win@prizes.example" },
};

static enum seed_kind
pick_kind(struct seed_run *r)
{
	unsigned pick;

	switch (r->o->flavour) {
	case FLAVOUR_LIST:
		return KIND_LIST;
	case FLAVOUR_INVOICES:
		return KIND_INVOICE;
	case FLAVOUR_JUNK:
		return KIND_SPAM;
	case FLAVOUR_INBOX:
		pick = rnd(r, 100);
		if (pick < 15)
			return KIND_LIST;
		if (pick < 20)
			return KIND_INVOICE;
		if (pick < 22)
			return KIND_SPAM;
		return KIND_PERSONAL;
	default:
		return KIND_PERSONAL;
	}
}

/* Appends "References:" with up to ten ancestors, the root kept first. */
static void
add_references(struct seed_run *r, unsigned long i)
{
	int chain[64], n = 0, k;
	int p = r->msgs[i].parent;

	while (p >= 0 && n < 64) {
		chain[n++] = p;
		p = r->msgs[p].parent;
	}
	strbuf_addstr(&r->msg, "References:");
	for (k = n - 1; k >= 0; k--) {
		if (k != n - 1 && k >= 9)
			continue;
		strbuf_addstr(&r->msg, k == n - 1 ? " " : "\n ");
		add_msgid(r, &r->msg, (unsigned long)chain[k]);
	}
	strbuf_addch(&r->msg, '\n');
}

/* Appends the body: one of the layouts real mail has. */
static void
add_body(struct seed_run *r, unsigned long i, enum seed_kind kind)
{
	char b1[40], b2[40];
	unsigned layout = rnd(r, 100), natt, k;
	int mixed, alternative;

	make_text(r, i);
	if (kind == KIND_LIST)
		strbuf_addstr(&r->text,
		    "\n_______________________________________________\n"
		    "Pour vous désabonner, écrivez à la liste avec « "
		    "unsubscribe ».\n");
	if (kind == KIND_SPAM) {
		/* HTML only, as spam tends to be. */
		make_html(r, r->text.buf);
		add_html_part(r);
		return;
	}
	mixed = kind == KIND_INVOICE || layout >= 85;
	alternative = layout >= 55 && layout < 95;
	if (layout >= 98 && kind != KIND_INVOICE) {
		/* A forwarded message, as message/rfc822. */
		size_t col = 9;

		new_boundary(r, b1, sizeof(b1));
		strbuf_addf(&r->msg,
		    "Content-Type: multipart/mixed;\n\tboundary=\"%s\"\n\n"
		    "This is a multi-part message in MIME format.\n\n--%s\n",
		    b1, b1);
		add_text_part(r, "plain", r->text.buf);
		strbuf_addf(&r->msg,
		    "\n--%s\nContent-Type: message/rfc822\n"
		    "Content-Disposition: inline\n"
		    "Content-Transfer-Encoding: 8bit\n\nDate: ",
		    b1);
		add_date(&r->msg,
		    r->msgs[i].date - 86400 * (1 + (long long)rnd(r, 300)), 60);
		strbuf_addstr(&r->msg, "\nFrom: ");
		col = 6;
		add_mailbox(r, &col, &people[rnd(r, FCT_ARRAY_LEN(people))]);
		strbuf_addstr(&r->msg, "\nSubject: ");
		col = 9;
		add_header_text(r, &col,
		    subjects[rnd(r, FCT_ARRAY_LEN(subjects))]);
		strbuf_addf(&r->msg,
		    "\nMessage-ID: <fwd.%016" PRIx64 "@exemple.fr>\n"
		    "MIME-Version: 1.0\n",
		    rng_next(r));
		strbuf_reset(&r->text);
		add_wrapped(&r->text,
		    paragraphs[rnd(r, FCT_ARRAY_LEN(paragraphs))], "");
		add_text_part(r, "plain", r->text.buf);
		strbuf_addf(&r->msg, "\n--%s--\n", b1);
		return;
	}
	if (!mixed && !alternative) {
		if (layout < 3) {
			make_html(r, r->text.buf);
			add_html_part(r);
		} else {
			add_text_part(r, "plain", r->text.buf);
		}
		return;
	}
	if (mixed) {
		new_boundary(r, b1, sizeof(b1));
		strbuf_addf(&r->msg,
		    "Content-Type: multipart/mixed;\n\tboundary=\"%s\"\n\n"
		    "This is a multi-part message in MIME format.\n\n--%s\n",
		    b1, b1);
	}
	if (alternative) {
		make_html(r, r->text.buf);
		new_boundary(r, b2, sizeof(b2));
		strbuf_addf(&r->msg,
		    "Content-Type: "
		    "multipart/alternative;\n\tboundary=\"%s\"\n\n"
		    "--%s\n",
		    b2, b2);
		add_text_part(r, "plain", r->text.buf);
		strbuf_addf(&r->msg, "\n--%s\n", b2);
		add_html_part(r);
		strbuf_addf(&r->msg, "\n--%s--\n", b2);
	} else {
		add_text_part(r, "plain", r->text.buf);
	}
	if (!mixed)
		return;
	natt = kind == KIND_INVOICE ? 1 : 1 + rnd(r, 3);
	for (k = 0; k < natt; k++) {
		strbuf_addf(&r->msg, "\n--%s\n", b1);
		if (kind == KIND_INVOICE)
			add_attachment(r,
			    rnd(r, 2) ? "facture_été_2024.pdf"
				      : "Facture n°2024-117.pdf");
		else
			add_attachment(r,
			    attachment_names[rnd(r,
				FCT_ARRAY_LEN(attachment_names))]);
	}
	strbuf_addf(&r->msg, "\n--%s--\n", b1);
}

/*
 * Builds message i (arrival time t) in r->msg and its Maildir flags in
 * flags (at least 8 bytes), in the order Maildir wants them (ASCII).
 */
static void
build_message(struct seed_run *r, unsigned long i, long long t, char *flags)
{
	struct seeded *m = &r->msgs[i];
	const struct seed_opts *o = r->o;
	enum seed_kind kind = pick_kind(r);
	int from_owner =
	    o->flavour == FLAVOUR_SENT || o->flavour == FLAVOUR_DRAFTS;
	const struct person *from, *to;
	const char *list_name = NULL, *list_addr = NULL, *list_post = NULL;
	size_t col;
	unsigned k, ncc;
	int seen, recent = i * 20 >= o->count * 19; /* the last 5% */
	char *fl = flags;

	m->parent = -1;
	m->date = t - 5 - (long long)rnd(r, 900);
	/* A reply to one of the last 40 messages, now and then. */
	if (i > 0 && kind != KIND_SPAM && kind != KIND_INVOICE &&
	    chance(r, kind == KIND_LIST ? 500 : 250)) {
		unsigned back = 1 + rnd(r, i < 40 ? (unsigned)i : 40);

		m->parent = (int)(i - back);
		m->subject = xstrdup(r->msgs[m->parent].subject);
	}
	if (kind == KIND_LIST) {
		k = rnd(r, FCT_ARRAY_LEN(list_names));
		if (m->parent < 0 || chance(r, 300))
			k = (unsigned)(i % FCT_ARRAY_LEN(list_names));
		list_name = list_names[k][0];
		list_addr = list_names[k][1];
		list_post = list_names[k][2];
	}
	if (m->subject == NULL) {
		if (kind == KIND_SPAM)
			m->subject = xstrdup(
			    spam_subjects[rnd(r, FCT_ARRAY_LEN(spam_subjects))]);
		else if (kind == KIND_INVOICE)
			m->subject = invoice_subject(m->date);
		else
			m->subject = expand_subject(r,
			    subjects[rnd(r, FCT_ARRAY_LEN(subjects))]);
	}
	m->from = from_owner ? -1 : (int)rnd(r, FCT_ARRAY_LEN(people));
	m->to = from_owner ? (int)rnd(r, FCT_ARRAY_LEN(people)) : -1;
	from = kind == KIND_INVOICE ? &invoice_sender
	    : kind == KIND_SPAM
	    ? &spam_senders[rnd(r, FCT_ARRAY_LEN(spam_senders))]
	    : person(r, m->from);
	to = person(r, m->to);

	strbuf_reset(&r->msg);
	if (!from_owner) {
		strbuf_addf(&r->msg, "Return-Path: <%s>\nDelivered-To: %s\n",
		    from->addr, o->owner.addr);
		strbuf_addf(&r->msg,
		    "Received: from mx.%s (mx.%s [192.0.2.%u])\n"
		    "\tby mail.example.test (Postfix) with ESMTPS id %08X\n"
		    "\tfor <%s>; ",
		    domain_of(from->addr), domain_of(from->addr),
		    1 + rnd(r, 254), (unsigned)rng_next(r), o->owner.addr);
		add_date(&r->msg, t, 0);
		strbuf_addch(&r->msg, '\n');
	}
	strbuf_addstr(&r->msg, "Date: ");
	add_date(&r->msg, m->date,
	    tz_offsets[rnd(r, FCT_ARRAY_LEN(tz_offsets))]);
	strbuf_addstr(&r->msg, "\nFrom: ");
	col = 6;
	add_mailbox(r, &col, from);
	if (o->flavour != FLAVOUR_DRAFTS || chance(r, 700)) {
		strbuf_addstr(&r->msg, "\nTo: ");
		col = 4;
		if (list_addr != NULL) {
			struct person list = { list_name, list_post };

			add_mailbox(r, &col, &list);
		} else {
			add_mailbox(r, &col, to);
		}
	}
	ncc = kind == KIND_PERSONAL && chance(r, 200) ? 1 + rnd(r, 3) : 0;
	for (k = 0; k < ncc; k++) {
		strbuf_addstr(&r->msg, k == 0 ? "\nCc: " : ",\n ");
		col = k == 0 ? 4 : 1;
		add_mailbox(r, &col, &people[rnd(r, FCT_ARRAY_LEN(people))]);
	}
	strbuf_addstr(&r->msg, "\nSubject: ");
	col = 9;
	if (m->parent >= 0) {
		strbuf_addstr(&r->msg, "Re: ");
		col += 4;
	}
	add_header_text(r, &col, m->subject);
	strbuf_addstr(&r->msg, "\nMessage-ID: ");
	add_msgid(r, &r->msg, i);
	strbuf_addch(&r->msg, '\n');
	if (m->parent >= 0) {
		strbuf_addstr(&r->msg, "In-Reply-To: ");
		add_msgid(r, &r->msg, (unsigned long)m->parent);
		strbuf_addch(&r->msg, '\n');
		add_references(r, i);
	}
	if (list_addr != NULL) {
		strbuf_addstr(&r->msg, "List-Id: ");
		col = 9;
		if (*list_name != '\0') {
			add_header_text(r, &col, list_name);
			strbuf_addch(&r->msg, ' ');
		}
		strbuf_addf(&r->msg,
		    "<%s>\nList-Post: <mailto:%s>\n"
		    "List-Unsubscribe: <mailto:%s?subject=unsubscribe>\n"
		    "Precedence: list\n",
		    list_addr, list_post, list_post);
	}
	if (kind == KIND_SPAM)
		strbuf_addstr(&r->msg,
		    "X-Spam-Flag: YES\nX-Spam-Status: Yes, score=12.3\n");
	if (chance(r, 300))
		strbuf_addstr(&r->msg,
		    rnd(r, 2) ? "User-Agent: Mutt/2.2.9 (2022-11-12)\n"
			      : "X-Mailer: Apple Mail (2.3731)\n");
	strbuf_addstr(&r->msg, "MIME-Version: 1.0\n");
	add_body(r, i, kind);

	/* Flags, in ASCII order: D F R S. */
	switch (o->flavour) {
	case FLAVOUR_DRAFTS:
		*fl++ = 'D';
		seen = chance(r, 500);
		break;
	case FLAVOUR_SENT:
		seen = 1;
		break;
	case FLAVOUR_JUNK:
		seen = chance(r, 300);
		break;
	default:
		seen = chance(r, recent ? 400 : 970);
		break;
	}
	if (chance(r, 30))
		*fl++ = 'F';
	if (seen && !from_owner && kind == KIND_PERSONAL && chance(r, 150))
		*fl++ = 'R';
	if (seen)
		*fl++ = 'S';
	*fl = '\0';
}

/* Writes r->msg as a new message in the Maildir: tmp/, then cur/. */
static int
store_message(struct seed_run *r, unsigned long i, long long t, unsigned usec,
    const char *flags, struct fct_error *err)
{
	const char *p = r->msg.buf, *end = r->msg.buf + r->msg.len;
	size_t lines = 0, off = 0;
	struct timespec ts[2];
	ssize_t n;
	int fd;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	strbuf_reset(&r->path);
	strbuf_addf(&r->path, "%s/tmp/%lld.M%uP%ldQ%lu.%s", r->o->maildir, t,
	    usec, r->pid, i + 1, r->host);
	fd = open(r->path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fct_error_set(err, "cannot create '%s': %s", r->path.buf,
		    strerror(errno));
	while (off < r->msg.len) {
		n = write(fd, r->msg.buf + off, r->msg.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fct_error_set(err, "cannot write '%s': %s", r->path.buf,
			    n < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(r->path.buf);
			return -1;
		}
		off += (size_t)n;
	}
	/* The arrival time: Dovecot's INTERNALDATE for Maildir. */
	ts[0].tv_sec = ts[1].tv_sec = (time_t)t;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (futimens(fd, ts) < 0 || close(fd) < 0) {
		fct_error_set(err, "cannot finish '%s': %s", r->path.buf,
		    strerror(errno));
		unlink(r->path.buf);
		return -1;
	}
	strbuf_reset(&r->path2);
	strbuf_addf(&r->path2, "%s/cur/%s,S=%zu,W=%zu:2,%s", r->o->maildir,
	    strrchr(r->path.buf, '/') + 1, r->msg.len, r->msg.len + lines,
	    flags);
	if (rename(r->path.buf, r->path2.buf) < 0) {
		fct_error_set(err, "cannot move '%s' into cur/: %s",
		    r->path.buf, strerror(errno));
		unlink(r->path.buf);
		return -1;
	}
	return 0;
}

/*
 * Builds every message in order and stores those of this job's share.
 * Arrival times rise through the period, one jittered slot each.
 */
static int
seed_all(struct seed_run *r, struct fct_error *err)
{
	const struct seed_opts *o = r->o;
	long long span = (long long)o->years * 31557600LL;
	long long start = o->until - span, t;
	long long slot = o->count > 0 ? span / (long long)o->count : 0;
	unsigned long i;
	unsigned usec;
	char flags[8];

	if (slot > 4000000000LL)
		slot = 4000000000LL;
	for (i = 0; i < o->count; i++) {
		t = start + span * (long long)i / (long long)o->count +
		    (slot > 1 ? (long long)rnd(r, (unsigned)slot) : 0);
		build_message(r, i, t, flags);
		usec = rnd(r, 1000000);
		if ((int)(i % (unsigned long)o->jobs) == r->job &&
		    store_message(r, i, t, usec, flags, err) < 0)
			return -1;
		r->bytes += r->msg.len;
		r->nr = i + 1;
	}
	return 0;
}

static int
make_maildir(const char *dir, struct fct_error *err)
{
	static const char *const subdirs[] = { "", "/cur", "/new", "/tmp" };
	size_t k;
	char *path;

	for (k = 0; k < FCT_ARRAY_LEN(subdirs); k++) {
		path = xasprintf("%s%s", dir, subdirs[k]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			fct_error_set(err, "cannot create '%s': %s", path,
			    strerror(errno));
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

static enum seed_flavour
flavour_of(const char *folder)
{
	char *low = xstrdup(folder), *c;
	enum seed_flavour f = FLAVOUR_INBOX;

	for (c = low; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (strstr(low, "sent") != NULL || strstr(low, "envoy") != NULL)
		f = FLAVOUR_SENT;
	else if (strstr(low, "draft") != NULL ||
	    strstr(low, "brouillon") != NULL)
		f = FLAVOUR_DRAFTS;
	else if (strstr(low, "junk") != NULL || strstr(low, "spam") != NULL)
		f = FLAVOUR_JUNK;
	else if (strstr(low, "list") != NULL)
		f = FLAVOUR_LIST;
	else if (strstr(low, "factur") != NULL ||
	    strstr(low, "invoice") != NULL)
		f = FLAVOUR_INVOICES;
	free(low);
	return f;
}

/* Parses "Display Name <addr>" or a bare address into p (pointers into s). */
static int
parse_owner(char *s, struct person *p)
{
	char *lt = strchr(s, '<'), *gt, *e;

	if (lt == NULL) {
		p->name = "";
		p->addr = s;
		return strchr(s, '@') != NULL ? 0 : -1;
	}
	gt = strchr(lt, '>');
	if (gt == NULL)
		return -1;
	*gt = '\0';
	p->addr = lt + 1;
	for (e = lt; e > s && e[-1] == ' '; e--)
		;
	*e = '\0';
	p->name = s;
	return strchr(p->addr, '@') != NULL ? 0 : -1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: facteur-seed --maildir DIR --count N [--seed S] "
	    "[--folder-name NAME]\n"
	    "                    [--owner 'Name <addr>'] [--until EPOCH|now] "
	    "[--years Y]\n"
	    "                    [--jobs J] [--quiet]\n"
	    "Writes N realistic messages into the Maildir DIR (created if "
	    "missing), for\n"
	    "Dovecot to index with `doveadm force-resync`. NAME picks the kind "
	    "of mail\n"
	    "(Sent, Drafts, Junk, Listes/..., Factures, anything else: an "
	    "inbox).\n"
	    "Messages arrive over Y years (default 6) ending at EPOCH "
	    "(default\n"
	    "2026-06-01); the output depends only on S, NAME and these "
	    "options. J\n"
	    "processes share the writing (default: one per CPU, at most 4).\n");
}

static int
parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return *s == '\0' || *end != '\0' || errno != 0 || *out > max ||
		*s == '-'
	    ? -1
	    : 0;
}

static int
parse_args(int argc, char **argv, struct seed_opts *o)
{
	static const struct option longopts[] = {
		{ "maildir", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "folder-name", required_argument, NULL, 'f' },
		{ "owner", required_argument, NULL, 'o' },
		{ "until", required_argument, NULL, 'u' },
		{ "years", required_argument, NULL, 'y' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c, have_count = 0;

	while ((c = getopt_long(argc, argv, "m:n:s:f:o:u:y:j:qh", longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'm':
			o->maildir = optarg;
			break;
		case 'n':
			if (parse_number(optarg, 100000000, &v) < 0)
				goto bad;
			o->count = (unsigned long)v;
			have_count = 1;
			break;
		case 's':
			if (parse_number(optarg, UINT64_MAX, &v) < 0)
				goto bad;
			o->seed = v;
			break;
		case 'f':
			o->folder = optarg;
			break;
		case 'o':
			if (parse_owner(optarg, &o->owner) < 0) {
				fprintf(stderr,
				    "facteur-seed: bad --owner '%s'\n", optarg);
				return -1;
			}
			break;
		case 'u':
			if (strcmp(optarg, "now") == 0)
				o->until = (long long)time(NULL);
			else if (parse_number(optarg, 4000000000ULL, &v) < 0)
				goto bad;
			else
				o->until = (long long)v;
			break;
		case 'y':
			if (parse_number(optarg, 50, &v) < 0 || v == 0)
				goto bad;
			o->years = (int)v;
			break;
		case 'j':
			if (parse_number(optarg, 64, &v) < 0 || v == 0)
				goto bad;
			o->jobs = (int)v;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || o->maildir == NULL || !have_count) {
		usage(stderr);
		return -1;
	}
	o->flavour = flavour_of(o->folder);
	return 0;
bad:
	fprintf(stderr, "facteur-seed: bad value '%s' for option '%s'\n",
	    optarg, argv[optind - 1]);
	return -1;
}

int
main(int argc, char **argv)
{
	struct seed_opts o = {
		.folder = "INBOX",
		.seed = 1,
		.until = SEED_DEFAULT_UNTIL,
		.years = 6,
		.owner = { "Alice Martin", "alice@example.test" },
	};
	struct seed_run r = { .o = &o };
	struct fct_error err = FCT_ERROR_INIT;
	struct timespec t0, t1;
	pid_t children[64];
	int k, nchildren = 0;
	unsigned long i;
	char *c;
	double secs;
	int ret = 1;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	strbuf_init(&r.msg, 1 << 16);
	strbuf_init(&r.text, 0);
	strbuf_init(&r.html, 0);
	strbuf_init(&r.conv, 0);
	strbuf_init(&r.enc, 0);
	strbuf_init(&r.path, 0);
	strbuf_init(&r.path2, 0);
	r.rng = o.seed * 0x2545f4914f6cdd1dULL + 1;
	r.id_hash = hash_str(hash_str(0xcbf29ce484222325ULL ^ o.seed, o.folder),
	    o.owner.addr);
	r.pid = (long)getpid();
	if (gethostname(r.host, sizeof(r.host)) < 0 || r.host[0] == '\0')
		strcpy(r.host, "localhost");
	r.host[sizeof(r.host) - 1] = '\0';
	/* '/' and ':' would break the Maildir name; Dovecot escapes them too. */
	for (c = r.host; *c != '\0'; c++)
		if (*c == '/' || *c == ':' || *c == ',')
			*c = '_';
	if (make_maildir(o.maildir, &err) < 0)
		goto out;
	r.msgs = o.count > 0 ? xcalloc(o.count, sizeof(*r.msgs)) : NULL;

	if (o.jobs == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		o.jobs = cpus < 1 ? 1 : cpus > 4 ? 4 : (int)cpus;
	}
	if (o.count < 1000)
		o.jobs = 1;
	/*
	 * Creating the files is the kernel's work and dominates, so several
	 * processes share it. Each one generates every message, keeping the
	 * pseudo-random sequence (and so the output) the same, and stores
	 * its share; this one is job 0.
	 */
	for (k = 1; k < o.jobs; k++) {
		pid_t pid = fork();

		if (pid < 0) {
			fct_error_set(&err, "cannot fork: %s", strerror(errno));
			goto out;
		}
		if (pid == 0) {
			r.job = k;
			r.pid = (long)getpid();
			o.quiet = 1;
			break;
		}
		children[nchildren++] = pid;
	}
	if (seed_all(&r, &err) < 0)
		goto out;
	if (r.job != 0)
		_exit(0);
	ret = 0;
	while (nchildren > 0) {
		int status;

		if (waitpid(children[--nchildren], &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fct_error_set(&err, "a writing process failed");
			ret = 1;
		}
	}
	if (ret != 0)
		goto out;
out:
	if (ret != 0)
		fprintf(stderr, "facteur-seed: %s\n", fct_error_msg(&err));
	if (r.job != 0)
		_exit(1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!o.quiet)
		printf("facteur-seed: wrote %lu messages (%.1f MB) into '%s' "
		       "in %.2f s (%d jobs)\n",
		    r.nr, (double)r.bytes / 1e6, o.maildir, secs, o.jobs);
	for (i = 0; i < o.count && r.msgs != NULL; i++)
		free(r.msgs[i].subject);
	free(r.msgs);
	strbuf_release(&r.msg);
	strbuf_release(&r.text);
	strbuf_release(&r.html);
	strbuf_release(&r.conv);
	strbuf_release(&r.enc);
	strbuf_release(&r.path);
	strbuf_release(&r.path2);
	fct_error_release(&err);
	return ret;
}
