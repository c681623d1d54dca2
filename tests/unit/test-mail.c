/* test-mail.c: message composition (header injection, encoded-words,
 * quoted-printable, MIME) and SMTP sending against a scripted in-process
 * server on 127.0.0.1 (no outside service needed). */
/* SPDX-License-Identifier: MIT */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "mail.h"
#include "t.h"

#define NITEMS(x) (sizeof(x) / sizeof((x)[0]))

static const struct pl_mail base = {
	.from_name = "Parley Support",
	.from_addr = "support@parley.example",
	.to_name = NULL,
	.to_addr = "jane@example.com",
	.subject = "Your ticket",
	.text = "Hello\n",
	.html = NULL,
	.message_id = NULL,
};

static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;

	while (i < n) {
		if (s[i] < 0x80)
			len = 1;
		else if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4;
		else
			return false;
		if (len > n - i)
			return false;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* Every line ends CRLF, no bare CR or LF, no line over 998 bytes. */
static bool
lines_ok(const char *m, size_t n)
{
	size_t i, col = 0;

	if (n < 2 || m[n - 2] != '\r' || m[n - 1] != '\n')
		return false;
	for (i = 0; i < n; i++) {
		if (m[i] == '\r') {
			if (i + 1 >= n || m[i + 1] != '\n')
				return false;
			i++;
			col = 0;
			continue;
		}
		if (m[i] == '\n' || m[i] == '\0' || ++col > 998)
			return false;
	}
	return true;
}

/* Offset of the blank line that ends the headers. */
static size_t
hdr_end(const char *m)
{
	const char *e = strstr(m, "\r\n\r\n");

	return e ? (size_t)(e - m) + 2 : 0;
}

/* True if a header line starts with name (case-insensitive). */
static bool
has_header(const char *m, const char *name)
{
	size_t end = hdr_end(m), i, n = strlen(name);

	for (i = 0; i < end; i = (size_t)(strstr(m + i, "\r\n") - m) + 2)
		if (strncasecmp(m + i, name, n) == 0)
			return true;
	return false;
}

/* The unfolded value of header name ("Subject"), or NULL. */
static const char *
header(struct pl_arena *a, const char *m, const char *name)
{
	struct pl_buf b;
	size_t        end = hdr_end(m), i, n = strlen(name), e;

	for (i = 0; i < end; i = (size_t)(strstr(m + i, "\r\n") - m) + 2) {
		if (strncmp(m + i, name, n) != 0 || m[i + n] != ':')
			continue;
		pl_buf_init(&b, a);
		i += n + 1;
		for (;;) {
			e = (size_t)(strstr(m + i, "\r\n") - m);
			pl_buf_add(&b, m + i, e - i);
			i = e + 2;
			if (m[i] != ' ' && m[i] != '\t')
				break;
		}
		return pl_buf_cstr(&b);
	}
	return NULL;
}

/*
 * Decode a header value of encoded-words and plain words; checks that each
 * word is at most 75 characters and holds whole UTF-8 characters.
 */
static const char *
ew_decode(struct pl_arena *a, const char *v, bool *ok)
{
	struct pl_buf  b;
	const char    *p = v, *q;
	char          *w;
	unsigned char *raw;
	size_t         n, rawn, i;
	bool           prev_ew = false, first = true;

	*ok = true;
	pl_buf_init(&b, a);
	while (*p == ' ')
		p++;
	while (*p != '\0') {
		q = strchr(p, ' ');
		n = q ? (size_t)(q - p) : strlen(p);
		if (n > 12 && strncmp(p, "=?UTF-8?B?", 10) == 0 &&
		    strncmp(p + n - 2, "?=", 2) == 0) {
			if (n > 75)
				*ok = false;
			w = pl_arena_strndup(a, p + 10, n - 12);
			for (i = 0; w[i] != '\0'; i++)
				w[i] = w[i] == '+'   ? '-'
				       : w[i] == '/' ? '_'
				                     : w[i];
			if (pl_b64url_decode(a, w, strlen(w), &raw, &rawn) !=
			        PL_OK ||
			    !utf8_valid(raw, rawn))
				*ok = false;
			else
				pl_buf_add(&b, raw, rawn);
			prev_ew = true;
		} else {
			if (!first && !prev_ew)
				pl_buf_putc(&b, ' ');
			pl_buf_add(&b, p, n);
			prev_ew = false;
		}
		first = false;
		p += n;
		while (*p == ' ')
			p++;
	}
	return pl_buf_cstr(&b);
}

/* Lines of the headers holding an encoded-word are at most 76 long. */
static bool
ew_lines_ok(const char *m)
{
	size_t      end = hdr_end(m), i, e;
	const char *hit;

	for (i = 0; i < end; i = e + 2) {
		e = (size_t)(strstr(m + i, "\r\n") - m);
		hit = strstr(m + i, "=?");
		if (hit != NULL && (size_t)(hit - m) < e && e - i > 76)
			return false;
	}
	return true;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode quoted-printable with hard breaks as "\n"; checks line lengths. */
static const char *
qp_decode(struct pl_arena *a, const char *s, bool *ok)
{
	struct pl_buf b;
	size_t        col = 0;

	*ok = true;
	pl_buf_init(&b, a);
	while (*s != '\0') {
		if (s[0] == '\r' && s[1] == '\n') {
			if (col > 76)
				*ok = false;
			pl_buf_putc(&b, '\n');
			s += 2;
			col = 0;
		} else if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			if (col + 1 > 76)
				*ok = false;
			s += 3;
			col = 0;
		} else if (s[0] == '=') {
			if (hexval(s[1]) < 0 || hexval(s[2]) < 0) {
				*ok = false;
				return NULL;
			}
			pl_buf_putc(
			    &b, (char)(hexval(s[1]) << 4 | hexval(s[2])));
			s += 3;
			col += 3;
		} else {
			/* White space before a hard break would be lost. */
			if ((*s == ' ' || *s == '\t') && s[1] == '\r')
				*ok = false;
			pl_buf_putc(&b, *s++);
			col++;
		}
	}
	return pl_buf_cstr(&b);
}

static const char *
compose(struct pl_arena *a, const struct pl_mail *m, enum pl_err *er)
{
	const char *out = NULL;
	size_t      n = 0;

	*er = pl_mail_compose(a, m, &out, &n);
	if (*er == PL_OK && (out == NULL || strlen(out) != n))
		return NULL;
	return out;
}

static void
test_basic(struct pl_arena *a)
{
	struct pl_mail m = base;
	const char    *out, *v;
	enum pl_err    er;

	out = compose(a, &m, &er);
	T_INT(er, PL_OK, "basic");
	if (out == NULL)
		return;
	T_OK(lines_ok(out, strlen(out)), "basic: CRLF lines");
	T_OK(strncmp(out, "Date: ", 6) == 0, "Date comes first");
	T_STR(header(a, out, "From"),
	    " Parley Support <support@parley.example>", "From");
	T_STR(header(a, out, "To"), " jane@example.com", "To");
	T_STR(header(a, out, "Subject"), " Your ticket", "Subject");
	T_STR(header(a, out, "MIME-Version"), " 1.0", "MIME-Version");
	T_STR(header(a, out, "Content-Type"), " text/plain; charset=UTF-8",
	    "Content-Type");
	T_STR(header(a, out, "Content-Transfer-Encoding"), " quoted-printable",
	    "Content-Transfer-Encoding");
	T_STR(out + hdr_end(out), "\r\nHello\r\n", "body");

	/* Date: Thu, 21 Nov 2024 06:17:00 +0000 */
	v = header(a, out, "Date");
	T_OK(v != NULL && strlen(v) == 32 && v[4] == ',' && v[5] == ' ' &&
	         v[8] == ' ' && v[12] == ' ' && v[17] == ' ' && v[20] == ':' &&
	         v[23] == ':' && strcmp(v + 26, " +0000") == 0 &&
	         strstr(
	             "SunMonTueWedThuFriSat", pl_arena_strndup(a, v + 1, 3)) &&
	         strstr("JanFebMarAprMayJunJulAugSepOctNovDec",
	             pl_arena_strndup(a, v + 9, 3)),
	    v ? v : "no Date");

	/* Message-ID: a token at the sender's domain. */
	v = header(a, out, "Message-ID");
	T_OK(v != NULL && strlen(v) == 1 + 1 + 43 + 16 && v[1] == '<' &&
	         strcmp(v + 45, "@parley.example>") == 0,
	    v ? v : "no Message-ID");
	out = compose(a, &m, &er);
	T_OK(out != NULL && strcmp(header(a, out, "Message-ID"), v) != 0,
	    "Message-IDs differ");

	m.message_id = "ticket-42.7@parley.example";
	out = compose(a, &m, &er);
	T_STR(out ? header(a, out, "Message-ID") : NULL,
	    " <ticket-42.7@parley.example>", "given Message-ID");

	m = base;
	m.to_name = "Jane Doe";
	m.from_name = NULL;
	out = compose(a, &m, &er);
	T_STR(out ? header(a, out, "From") : NULL, " support@parley.example",
	    "From without a name");
	T_STR(out ? header(a, out, "To") : NULL, " Jane Doe <jane@example.com>",
	    "To with a name");
}

static void
test_inject(struct pl_arena *a)
{
	static const char *const evil[] = {
		"Hi\r\nBcc: evil@x",
		"Hi\nBcc: evil@x",
		"Hi\rBcc: evil@x",
		"\r\nBcc: evil@x",
		"Hi\r\n\r\nBody takeover",
		"Hi\tthere\x01\x7f",
		"=?UTF-8?B?QmNjOiBldmlsQHg=?=",
		"Doe, Jane <a@b>",
		"  two  spaces  ",
		"\"quoted\" (comment)",
	};
	struct pl_mail m;
	const char    *out, *dec;
	enum pl_err    er;
	bool           ok;
	size_t         i;

	for (i = 0; i < NITEMS(evil); i++) {
		/* As the subject. */
		m = base;
		m.subject = evil[i];
		out = compose(a, &m, &er);
		T_INT(er, PL_OK, evil[i]);
		if (out == NULL)
			continue;
		T_OK(!has_header(out, "Bcc"), evil[i]);
		T_OK(lines_ok(out, strlen(out)), evil[i]);
		/* Control characters force an encoding. */
		T_OK(strpbrk(evil[i], "\r\n\t\x01") == NULL ||
		         strncmp(
		             header(a, out, "Subject"), " =?UTF-8?B?", 11) == 0,
		    evil[i]);
		dec = ew_decode(a, header(a, out, "Subject"), &ok);
		T_OK(ok, evil[i]);
		T_STR(dec, evil[i], "subject decodes back");
		T_STR(out + hdr_end(out), "\r\nHello\r\n", evil[i]);

		/* As both display names. */
		m = base;
		m.from_name = evil[i];
		m.to_name = evil[i];
		out = compose(a, &m, &er);
		T_INT(er, PL_OK, evil[i]);
		if (out == NULL)
			continue;
		T_OK(!has_header(out, "Bcc"), evil[i]);
		T_OK(lines_ok(out, strlen(out)), evil[i]);
		dec = ew_decode(a, header(a, out, "From"), &ok);
		T_OK(ok, evil[i]);
		T_STR(dec,
		    pl_arena_printf(a, "%s<support@parley.example>", evil[i]),
		    "from name decodes back");
	}
}

static void
test_encoded_words(struct pl_arena *a)
{
	static const struct {
		const char *subject, *want; /* want NULL: encoded */
	} cases[] = {
		{ "Re: ticket #42 [open]", " Re: ticket #42 [open]" },
		{ "a,b;c<d>@e.f\\g", " a,b;c<d>@e.f\\g" },
		{ "", "" },
		{ "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", NULL },
		{ "\xe2\x9c\x85 done", NULL },
		{ "trailing ", NULL },
		{ " leading", NULL },
		{ "a  b", NULL },
		{ "=?x", NULL },
	};
	struct pl_mail m = base;
	struct pl_buf  b;
	const char    *out, *v;
	enum pl_err    er;
	bool           ok;
	size_t         i;

	for (i = 0; i < NITEMS(cases); i++) {
		m.subject = cases[i].subject;
		out = compose(a, &m, &er);
		T_INT(er, PL_OK, cases[i].subject);
		if (out == NULL)
			continue;
		v = header(a, out, "Subject");
		if (cases[i].want != NULL) {
			T_STR(v, cases[i].want, cases[i].subject);
			continue;
		}
		T_OK(strncmp(v, " =?UTF-8?B?", 11) == 0, cases[i].subject);
		T_STR(ew_decode(a, v, &ok), cases[i].subject, cases[i].subject);
		T_OK(ok, cases[i].subject);
	}

	/* Non-ASCII names. */
	m = base;
	m.from_name = "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m";
	out = compose(a, &m, &er);
	v = out ? header(a, out, "From") : NULL;
	T_OK(v != NULL && strncmp(v, " =?UTF-8?B?", 11) == 0, "UTF-8 name");
	T_STR(v ? ew_decode(a, v, &ok) : NULL,
	    "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m<support@parley.example>",
	    "UTF-8 name decodes");

	/* A long subject of 2-, 3- and 4-byte characters: many words, each
	 * whole characters, folded within 76 columns. */
	pl_buf_init(&b, a);
	for (i = 0; i < 60; i++)
		pl_buf_puts(&b, "\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80 x");
	m = base;
	m.subject = pl_buf_cstr(&b);
	m.to_name = m.subject;
	out = compose(a, &m, &er);
	T_INT(er, PL_OK, "long subject");
	if (out != NULL) {
		T_OK(lines_ok(out, strlen(out)), "long subject: lines");
		T_OK(ew_lines_ok(out), "long subject: encoded lines <= 76");
		v = header(a, out, "Subject");
		T_STR(ew_decode(a, v, &ok), m.subject, "long subject decodes");
		T_OK(ok, "long subject: words <= 75, whole characters");
		v = header(a, out, "To");
		T_STR(ew_decode(a, v, &ok),
		    pl_arena_printf(a, "%s<jane@example.com>", m.subject),
		    "long name decodes");
		T_OK(ok, "long name: words <= 75, whole characters");
	}

	/* A plain subject too long for one line is encoded, not left long. */
	pl_buf_init(&b, a);
	for (i = 0; i < 30; i++)
		pl_buf_puts(&b, "word ");
	pl_buf_puts(&b, "end");
	m = base;
	m.subject = pl_buf_cstr(&b);
	out = compose(a, &m, &er);
	T_OK(out != NULL && ew_lines_ok(out), "long ASCII subject");
	T_STR(out ? ew_decode(a, header(a, out, "Subject"), &ok) : NULL,
	    m.subject, "long ASCII subject decodes");
}

static void
test_refused(struct pl_arena *a)
{
	static const char *const addrs[] = {
		"",
		"ab",
		"a b@x.org",
		"a@x.org\r\nBcc: e@x.org",
		"a@x.org\n",
		"<a@x.org>",
		"a@x.org,b@x.org",
		"a@x.org>",
		"ax.org",
		"@x.org",
		"a@",
		"a@@x.org",
		"a@b@x.org",
		"\"a b\"@x.org",
		"a(c)@x.org",
		"j\xc3\xa9@x.org",
		"a\t@x.org",
		"a@x.org\x7f",
	};
	static const char *const badutf8[] = {
		"\xff",
		"\xc3",
		"a\xc3(",
		"\xc0\xaf",
		"\xe0\x80\xaf",
		"\xed\xa0\x80",
		"\xf4\x90\x80\x80",
		"\xf8\x88\x80\x80\x80",
	};
	static const char *const badids[] = {
		"",
		"noat",
		"a b@x",
		"<a@x>",
		"a@x\r\nBcc: e@x",
		"a@b@c",
		"@x",
		"a@",
	};
	struct pl_mail m;
	char           long_addr[300];
	const char    *out;
	size_t         i, n;
	enum pl_err    er;

	for (i = 0; i < NITEMS(addrs); i++) {
		m = base;
		m.from_addr = addrs[i];
		T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, addrs[i]);
		m = base;
		m.to_addr = addrs[i];
		T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, addrs[i]);
		T_OK(out == NULL && n == 0, addrs[i]);
	}
	m = base;
	m.to_addr = NULL;
	T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, "NULL to");
	memset(long_addr, 'a', sizeof(long_addr) - 1);
	long_addr[sizeof(long_addr) - 1] = '\0';
	long_addr[100] = '@';
	m = base;
	m.to_addr = long_addr;
	T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, "299-byte address");

	for (i = 0; i < NITEMS(badutf8); i++) {
		m = base;
		m.subject = badutf8[i];
		T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, "bad UTF-8");
		m = base;
		m.from_name = badutf8[i];
		T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, "bad UTF-8");
		m = base;
		m.text = badutf8[i];
		T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, "bad UTF-8");
		m = base;
		m.html = badutf8[i];
		T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, "bad UTF-8");
	}
	for (i = 0; i < NITEMS(badids); i++) {
		m = base;
		m.message_id = badids[i];
		T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, badids[i]);
	}
	m = base;
	m.subject = NULL;
	T_INT(pl_mail_compose(a, &m, &out, &n), PL_EINVAL, "NULL subject");
	m = base;
	m.text = NULL;
	(void)compose(a, &m, &er);
	T_INT(er, PL_EINVAL, "NULL text");
}

static void
test_qp(struct pl_arena *a)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "" },
		{ "hello", "hello\r\n" },
		{ "a=b", "a=3Db\r\n" },
		{ "==", "=3D=3D\r\n" },
		{ "trailing \nx", "trailing=20\r\nx\r\n" },
		{ "tab\t", "tab=09\r\n" },
		{ "two  \n", "two =20\r\n" },
		{ "mid space here", "mid space here\r\n" },
		{ "caf\xc3\xa9", "caf=C3=A9\r\n" },
		{ "ctl\x01\x7f", "ctl=01=7F\r\n" },
		{ ".dot\n.x\na.b", "=2Edot\r\n=2Ex\r\na.b\r\n" },
		{ ".\n", "=2E\r\n" },
		{ "From me\nFrom\nxFrom me",
		    "=46rom me\r\nFrom\r\nxFrom me\r\n" },
		{ "a\r\nb\rc\n\nd", "a\r\nb\r\nc\r\n\r\nd\r\n" },
		{ "\n", "\r\n" },
		{ "\r\n\r\n", "\r\n\r\n" },
		{ "x\r", "x\r\n" },
		/* 76 characters fit on a line; 77 need a soft break. */
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxx"
		  "xxxxxxxxxxxx",
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxx"
		    "xxxxxxxxxxxxxx\r\n" },
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxx"
		  "xxxxxxxxxxxxx",
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxx"
		    "xxxxxxxxxxxxx=\r\nxx\r\n" },
		/* An escape is never split by a soft break. */
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxx"
		  "xxxxxxxx\xc3\xa9",
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxx"
		    "xxxxxxxxxx=C3=\r\n=A9\r\n" },
		/* A "." pushed to the start of a line by a soft break. */
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxx"
		  "xxxxxxxxxxx.x",
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxx"
		    "xxxxxxxxxxxxx=\r\n=2Ex\r\n" },
	};
	struct pl_mail m = base;
	struct pl_buf  b;
	const char    *out, *dec;
	enum pl_err    er;
	bool           ok;
	size_t         i, j;

	for (i = 0; i < NITEMS(cases); i++) {
		m.text = cases[i].in;
		out = compose(a, &m, &er);
		T_INT(er, PL_OK, cases[i].in);
		if (out == NULL)
			continue;
		T_STR(out + hdr_end(out) + 2, cases[i].want, cases[i].in);
		T_OK(lines_ok(out, strlen(out)), cases[i].in);
	}

	/* Long lines with spaces and non-ASCII at every offset round-trip,
	 * and no encoded line passes 76 characters. */
	for (j = 0; j < 80; j++) {
		pl_buf_init(&b, a);
		for (i = 0; i < j; i++)
			pl_buf_putc(&b, 'a');
		for (i = 0; i < 40; i++)
			pl_buf_puts(&b, i % 3 ? "w\xc3\xa9 = " : "ab\t ");
		pl_buf_puts(&b, " \n\n.\nend \t\n");
		m.text = pl_buf_cstr(&b);
		out = compose(a, &m, &er);
		if (out == NULL || !lines_ok(out, strlen(out)))
			break;
		dec = qp_decode(a, out + hdr_end(out) + 2, &ok);
		if (!ok || dec == NULL || strcmp(dec, m.text) != 0)
			break;
	}
	T_INT(j, 80, "quoted-printable round trip at every offset");
}

static void
test_multipart(struct pl_arena *a)
{
	struct pl_mail m = base;
	const char    *out, *ct, *body;
	char          *bound, *want;
	enum pl_err    er;

	m.text = "Hi & bye\n";
	m.html = "<p style=\"x\">Hi &amp; bye</p>\n";
	out = compose(a, &m, &er);
	T_INT(er, PL_OK, "multipart");
	if (out == NULL)
		return;
	T_OK(lines_ok(out, strlen(out)), "multipart lines");
	ct = header(a, out, "Content-Type");
	T_OK(strncmp(ct, " multipart/alternative; boundary=\"=_", 36) == 0, ct);
	T_OK(header(a, out, "Content-Transfer-Encoding") == NULL,
	    "no top-level transfer encoding");
	bound = pl_arena_strndup(a, ct + 34, strlen(ct) - 35);
	T_INT(strlen(bound), 45, "boundary length");
	body = out + hdr_end(out) + 2;
	want = pl_arena_printf(a,
	    "--%s\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "Hi & bye\r\n"
	    "--%s\r\n"
	    "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "<p style=3D\"x\">Hi &amp; bye</p>\r\n"
	    "--%s--\r\n",
	    bound, bound, bound);
	T_STR(body, want, "multipart body");

	/* Two messages get different boundaries. */
	out = compose(a, &m, &er);
	T_OK(out != NULL && strstr(out, bound) == NULL, "fresh boundary");
}

/*
 * A scripted SMTP server for one connection: replies to RCPT with
 * rcpt_reply, records the DATA it receives with dot-stuffing undone.
 */
struct fake {
	int         fd;
	int         port;
	const char *rcpt_reply;
	bool        saw_ehlo;
	char        data[65536];
	size_t      datan;
	pthread_t   th;
};

static bool
fake_line(int fd, char *line, size_t max)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t        n = 0;
	char          c;

	while (n + 1 < max) {
		if (poll(&pfd, 1, 5000) <= 0 || read(fd, &c, 1) != 1)
			return false;
		line[n++] = c;
		if (c == '\n')
			break;
	}
	line[n] = '\0';
	return true;
}

static void
fake_say(int fd, const char *s)
{
	size_t  n = strlen(s);
	ssize_t w;

	while (n > 0 && (w = write(fd, s, n)) > 0) {
		s += w;
		n -= (size_t)w;
	}
}

static void *
fake_run(void *arg)
{
	struct fake  *f = arg;
	struct pollfd pfd = { f->fd, POLLIN, 0 };
	char          line[2048];
	size_t        n;
	int           c;

	if (poll(&pfd, 1, 10000) <= 0 || (c = accept(f->fd, NULL, NULL)) < 0)
		return NULL;
	fake_say(c, "220 fake ESMTP\r\n");
	while (fake_line(c, line, sizeof(line))) {
		if (strncasecmp(line, "EHLO", 4) == 0) {
			f->saw_ehlo = true;
			fake_say(c, "250 fake\r\n");
		} else if (strncasecmp(line, "RCPT", 4) == 0) {
			fake_say(c, f->rcpt_reply);
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			fake_say(c, "354 go on\r\n");
			while (fake_line(c, line, sizeof(line)) &&
			       strcmp(line, ".\r\n") != 0) {
				n = strlen(line);
				if (line[0] == '.') {
					memmove(line, line + 1, n);
					n--;
				}
				if (n <= sizeof(f->data) - f->datan) {
					memcpy(f->data + f->datan, line, n);
					f->datan += n;
				}
			}
			fake_say(c, "250 queued\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			fake_say(c, "221 bye\r\n");
			break;
		} else {
			fake_say(c, "250 ok\r\n");
		}
	}
	close(c);
	return NULL;
}

static bool
fake_start(struct fake *f, const char *rcpt_reply)
{
	struct sockaddr_in sin;
	socklen_t          len = sizeof(sin);

	memset(f, 0, sizeof(*f));
	f->rcpt_reply = rcpt_reply;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((f->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return false;
	if (bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(f->fd, 1) != 0 ||
	    getsockname(f->fd, (struct sockaddr *)&sin, &len) != 0) {
		close(f->fd);
		return false;
	}
	f->port = ntohs(sin.sin_port);
	if (pthread_create(&f->th, NULL, fake_run, f) != 0) {
		close(f->fd);
		return false;
	}
	return true;
}

static void
fake_stop(struct fake *f)
{
	pthread_join(f->th, NULL);
	close(f->fd);
}

static void
test_send(struct pl_arena *a)
{
	static const struct {
		const char *scheme, *reply;
		enum pl_err want;
	} cases[] = {
		{ "smtp", "250 ok\r\n", PL_OK },
		{ "smtp", "550 5.1.1 no such user\r\n", PL_EINVAL },
		{ "smtp", "451 4.3.0 try again later\r\n", PL_EUNAVAIL },
		{ "smtp", "421 closing\r\n", PL_EUNAVAIL },
		/* STARTTLS is demanded but not offered: retry, not refuse. */
		{ "smtp+starttls", "250 ok\r\n", PL_EUNAVAIL },
	};
	static struct fake f;
	struct pl_mail     m = base;
	const char        *out, *url;
	size_t             n, i;
	struct timespec    t0, t1;
	enum pl_err        er;

	m.text = "line one\n.\n..two\nend";
	if (pl_mail_compose(a, &m, &out, &n) != PL_OK)
		return;

	/* Nobody listens on port 1: refused at once, and worth a retry. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	er = pl_mail_send("smtp://127.0.0.1:1/parley.local", NULL, NULL,
	    m.from_addr, m.to_addr, out, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	T_INT(er, PL_EUNAVAIL, "closed port");
	T_OK(t1.tv_sec - t0.tv_sec < 5, "closed port fails fast");

	/* Addresses reach SMTP commands, so they are checked again. */
	T_INT(pl_mail_send("smtp://127.0.0.1:1/x", NULL, NULL,
	          "a@x.org\r\nRCPT TO:<b@y.org>", m.to_addr, out, n),
	    PL_EINVAL, "CRLF in MAIL FROM");
	T_INT(pl_mail_send("smtp://127.0.0.1:1/x", NULL, NULL, m.from_addr,
	          "b@y.org>\r\nDATA", out, n),
	    PL_EINVAL, "CRLF in RCPT TO");
	T_INT(pl_mail_send(NULL, NULL, NULL, m.from_addr, m.to_addr, out, n),
	    PL_EINVAL, "NULL url");
	T_OK(pl_mail_send("file:///etc/passwd", NULL, NULL, m.from_addr,
	         m.to_addr, out, n) != PL_OK,
	    "only smtp and smtps");

	for (i = 0; i < NITEMS(cases); i++) {
		if (!fake_start(&f, cases[i].reply)) {
			T_OK(0, "cannot start the fake SMTP server");
			return;
		}
		url = pl_arena_printf(a, "%s://127.0.0.1:%d/parley.local",
		    cases[i].scheme, f.port);
		er = pl_mail_send(
		    url, NULL, NULL, m.from_addr, m.to_addr, out, n);
		fake_stop(&f);
		T_INT(er, cases[i].want, cases[i].reply);
		T_OK(f.saw_ehlo, url);
		if (cases[i].want == PL_OK) {
			/* What arrived, dot-stuffing undone, is what we sent.
			 */
			T_INT(f.datan, n, "bytes delivered");
			T_OK(f.datan == n && memcmp(f.data, out, n) == 0,
			    "message delivered intact");
		}
	}

	/* A raw message with a lone "." line survives dot-stuffing. */
	if (fake_start(&f, "250 ok\r\n")) {
		static const char raw[] = "Subject: x\r\n\r\na\r\n.\r\n..b\r\n";

		url = pl_arena_printf(
		    a, "smtp://127.0.0.1:%d/parley.local", f.port);
		er = pl_mail_send(url, NULL, NULL, m.from_addr, m.to_addr, raw,
		    sizeof(raw) - 1);
		fake_stop(&f);
		T_INT(er, PL_OK, "raw message with dots");
		T_OK(f.datan == sizeof(raw) - 1 &&
		         memcmp(f.data, raw, f.datan) == 0,
		    "dots survive");
	}
}

int
main(void)
{
	struct pl_arena *a = pl_arena_new(0);

	/* The programs do this once at start-up; so must the test. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	test_basic(a);
	test_inject(a);
	test_encoded_words(a);
	test_refused(a);
	test_qp(a);
	test_multipart(a);
	test_send(a);
	pl_arena_free(a);
	curl_global_cleanup();
	return t_done();
}
