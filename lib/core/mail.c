/* mail.c: composing RFC 5322 messages and sending them over SMTP (libcurl).
 *
 * Composition never copies user text into a header as it is unless the text
 * is plainly harmless; everything else becomes RFC 2047 encoded-words, whose
 * base64 cannot carry CR, LF or any other control character. Addresses are
 * not encoded but refused when they hold anything an address does not need.
 * Bodies are always quoted-printable, so no body line passes 76 characters
 * and none starts with "." or "From " as sent.
 */
/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "log.h"
#include "mail.h"

#define ADDR_MAX  254 /* RFC 5321: a path holds at most 256, with <> */
#define MSGID_MAX 250 /* without <>; keeps the header under 998 bytes */
#define HDR_LINE  78  /* RFC 5322: lines should stay within this */
#define EW_LINE   76  /* RFC 2047: a line holding encoded-words */
#define EW_MAX    75  /* RFC 2047: one encoded-word */
#define EW_EXTRA  12  /* "=?UTF-8?B?" and "?=" */
#define QP_LINE   76  /* RFC 2045: an encoded line, soft break included */
#define URL_MAX   1024

static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
	"Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/*
 * An address we are willing to put in a header and an SMTP command: printable
 * ASCII, one '@' with something on both sides, and none of the characters
 * that quote, comment, group or separate addresses. Stricter than the header
 * promises (it names CR, LF, '<', '>', ',' and spaces), because quoted local
 * parts and comments are never needed here and only widen the attack surface.
 */
static bool
addr_ok(const char *s)
{
	const char *at = NULL, *p;
	size_t      n;

	if (s == NULL || (n = strlen(s)) < 3 || n > ADDR_MAX)
		return false;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || strchr("<>,\"()[];:\\", c))
			return false;
		if (c == '@') {
			if (at != NULL)
				return false;
			at = p;
		}
	}
	return at != NULL && at != s && at[1] != '\0';
}

/* A Message-ID without its <>: printable ASCII, no <>, one '@' inside. */
static bool
msgid_ok(const char *s)
{
	const char *at;
	size_t      n = strlen(s), i;

	if (n < 3 || n > MSGID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || strchr("<>\"\\()[],;:", c))
			return false;
	}
	at = strchr(s, '@');
	return at != NULL && at != s && at[1] != '\0' &&
	       strchr(at + 1, '@') == NULL;
}

/* Length of the UTF-8 sequence at s, or 0 if it is not well formed (overlong
 * forms, surrogates and values past U+10FFFF included). */
static size_t
utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) ||
		    (s[0] == 0xed && s[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

static bool
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t               n;

	while (*p != '\0') {
		if ((n = utf8_len(p)) == 0)
			return false;
		p += n;
	}
	return true;
}

/*
 * True if s may appear in a header as it is: printable ASCII words separated
 * by single spaces, nothing that could read as an encoded-word, and, for a
 * display name (a phrase), only atext. The subject is unstructured, so the
 * RFC 5322 specials are harmless there and do not force an encoding.
 */
static bool
hdr_plain(const char *s, bool phrase)
{
	const char *p;

	if (*s == '\0' || *s == ' ' || strstr(s, "=?") != NULL)
		return false;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ') {
			if (p[1] == ' ' || p[1] == '\0')
				return false;
			continue;
		}
		if (c < 0x21 || c > 0x7e)
			return false;
		if (phrase && strchr("()<>[]:;@\\,.\"", c) != NULL)
			return false;
	}
	return true;
}

/*
 * Append s (valid UTF-8) as encoded-words after a header name ending at
 * column *col. Each word holds whole characters and is at most EW_MAX long;
 * words are folded with CRLF SP so that no line passes EW_LINE.
 */
static void
ew_put(struct pl_buf *b, struct pl_arena *a, const char *s, size_t *col)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t               n = strlen(s), i = 0, take, room, max, cl;
	const char          *enc;

	while (i < n) {
		/* Room for a word of one 4-byte character, or fold first. */
		if (*col + 1 + EW_EXTRA + 8 > EW_LINE) {
			pl_buf_puts(b, "\r\n ");
			*col = 1;
		} else {
			pl_buf_putc(b, ' ');
			*col += 1;
		}
		room = EW_LINE - *col;
		if (room > EW_MAX)
			room = EW_MAX;
		max = (room - EW_EXTRA) / 4 * 3;
		for (take = 0; i + take < n; take += cl) {
			cl = utf8_len(u + i + take);
			if (cl == 0 || take + cl > max)
				break;
		}
		/* The caller checked the UTF-8, so the loop took something. */
		if (take == 0)
			pl_die("mail: encoded-word made no progress");
		enc = pl_b64_encode(a, s + i, take);
		pl_buf_printf(b, "=?UTF-8?B?%s?=", enc);
		*col += EW_EXTRA + strlen(enc);
		i += take;
	}
}

/* "From: name <addr>" or "From: addr", name encoded when it must be. */
static void
hdr_addr(struct pl_buf *b, struct pl_arena *a, const char *hdr,
    const char *name, const char *addr)
{
	size_t col = strlen(hdr) + 1, alen = strlen(addr) + 2;

	pl_buf_printf(b, "%s:", hdr);
	if (name == NULL || *name == '\0') {
		pl_buf_printf(b, " %s\r\n", addr);
		return;
	}
	if (hdr_plain(name, true) && col + 1 + strlen(name) <= HDR_LINE) {
		pl_buf_printf(b, " %s", name);
		col += 1 + strlen(name);
	} else {
		ew_put(b, a, name, &col);
	}
	if (col + 1 + alen > EW_LINE)
		pl_buf_printf(b, "\r\n <%s>\r\n", addr);
	else
		pl_buf_printf(b, " <%s>\r\n", addr);
}

static void
hdr_subject(struct pl_buf *b, struct pl_arena *a, const char *s)
{
	size_t col = strlen("Subject:");

	pl_buf_puts(b, "Subject:");
	if (hdr_plain(s, false) && col + 1 + strlen(s) <= HDR_LINE)
		pl_buf_printf(b, " %s", s);
	else if (*s != '\0')
		ew_put(b, a, s, &col);
	pl_buf_puts(b, "\r\n");
}

static void
hdr_date(struct pl_buf *b)
{
	struct tm tm;
	time_t    t = time(NULL);

	if (gmtime_r(&t, &tm) == NULL)
		pl_die("mail: gmtime_r failed");
	pl_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    wdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * The quoted-printable form of byte s[i] of a line ending at end, written to
 * tok; its length. col0 says whether it would start an encoded line.
 */
static size_t
qp_token(const char *s, size_t i, size_t end, bool col0, char tok[4])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char     c = (unsigned char)s[i];
	bool              lit;

	if (c == ' ' || c == '\t')
		lit = i + 1 < end; /* trailing white space would be lost */
	else
		lit = c >= 0x21 && c <= 0x7e && c != '=';
	/* Lines starting "." or "From " upset some transports and mboxes. */
	if (col0 && (c == '.' || (c == 'F' && end - i >= 5 &&
	                             memcmp(s + i, "From ", 5) == 0)))
		lit = false;
	if (lit) {
		tok[0] = (char)c;
		return 1;
	}
	tok[0] = '=';
	tok[1] = hex[c >> 4];
	tok[2] = hex[c & 0xf];
	return 3;
}

/*
 * Append s as quoted-printable: CR LF, LF and lone CR become hard line
 * breaks (CRLF); soft breaks keep every line within QP_LINE. The result ends
 * with CRLF unless s is empty.
 */
static void
qp_put(struct pl_buf *b, const char *s)
{
	size_t n = strlen(s), start = 0, end, i, col, len;
	char   tok[4];

	while (start < n) {
		end = start + strcspn(s + start, "\r\n");
		col = 0;
		for (i = start; i < end; i++) {
			len = qp_token(s, i, end, col == 0, tok);
			/* The line's last token needs no room for a '='. */
			if (col + len >
			    (i + 1 == end ? QP_LINE : QP_LINE - 1)) {
				pl_buf_puts(b, "=\r\n");
				col = 0;
				len = qp_token(s, i, end, true, tok);
			}
			pl_buf_add(b, tok, len);
			col += len;
		}
		pl_buf_puts(b, "\r\n");
		if (s[end] == '\r' && s[end + 1] == '\n')
			end += 2;
		else if (end < n)
			end++;
		start = end;
	}
}

static void
part_put(struct pl_buf *b, const char *type, const char *body)
{
	pl_buf_printf(b,
	    "Content-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	    type);
	qp_put(b, body);
}

enum pl_err
pl_mail_compose(
    struct pl_arena *a, const struct pl_mail *m, const char **out, size_t *outn)
{
	struct pl_buf b;
	const char   *msgid, *bound;

	*out = NULL;
	*outn = 0;
	if (!addr_ok(m->from_addr) || !addr_ok(m->to_addr))
		return PL_EINVAL;
	if (m->subject == NULL || m->text == NULL)
		return PL_EINVAL;
	if (!utf8_ok(m->subject) || !utf8_ok(m->text) ||
	    (m->from_name != NULL && !utf8_ok(m->from_name)) ||
	    (m->to_name != NULL && !utf8_ok(m->to_name)) ||
	    (m->html != NULL && !utf8_ok(m->html)))
		return PL_EINVAL;
	if (m->message_id != NULL) {
		if (!msgid_ok(m->message_id))
			return PL_EINVAL;
		msgid = m->message_id;
	} else {
		msgid = pl_arena_printf(
		    a, "%s@%s", pl_token_new(a), strchr(m->from_addr, '@') + 1);
	}

	pl_buf_init(&b, a);
	hdr_date(&b);
	hdr_addr(&b, a, "From", m->from_name, m->from_addr);
	hdr_addr(&b, a, "To", m->to_name, m->to_addr);
	hdr_subject(&b, a, m->subject);
	pl_buf_printf(&b, "Message-ID: <%s>\r\n", msgid);
	pl_buf_puts(&b, "MIME-Version: 1.0\r\n");
	if (m->html == NULL) {
		part_put(&b, "text/plain", m->text);
	} else {
		/* "=_" never occurs in quoted-printable, so neither does the
		 * boundary. */
		bound = pl_arena_printf(a, "=_%s", pl_token_new(a));
		pl_buf_printf(&b,
		    "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n",
		    bound);
		pl_buf_printf(&b, "--%s\r\n", bound);
		part_put(&b, "text/plain", m->text);
		pl_buf_printf(&b, "--%s\r\n", bound);
		part_put(&b, "text/html", m->html);
		pl_buf_printf(&b, "--%s--\r\n", bound);
	}
	*out = pl_buf_cstr(&b);
	*outn = b.len;
	return PL_OK;
}

struct upload {
	const char *p;
	size_t      left;
};

static size_t
upload_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t         n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/*
 * The program calls curl_global_init() once at start-up, before any thread
 * exists; curl_easy_init() would otherwise do it here, unsafely.
 */
enum pl_err
pl_mail_send(const char *url, const char *user, const char *pass,
    const char *from_addr, const char *to_addr, const char *msg, size_t n)
{
	static const char  starttls[] = "smtp+starttls://";
	char               u[URL_MAX], from[ADDR_MAX + 3], to[ADDR_MAX + 3];
	char               errbuf[CURL_ERROR_SIZE];
	struct upload      up = { msg, n };
	struct curl_slist *rcpt = NULL;
	CURL              *h;
	CURLcode           rc;
	long               code = 0;
	bool               tls = false, ok = true;
	int                len;
	enum pl_err        er = PL_EINVAL;

	/* An address reaches SMTP commands as it is: no CR/LF smuggling. */
	if (url == NULL || msg == NULL || !addr_ok(from_addr) ||
	    !addr_ok(to_addr)) {
		pl_error("mail: send: bad url or address");
		return PL_EINVAL;
	}
	if (strncmp(url, starttls, sizeof(starttls) - 1) == 0) {
		tls = true;
		len = snprintf(
		    u, sizeof(u), "smtp://%s", url + sizeof(starttls) - 1);
	} else {
		len = snprintf(u, sizeof(u), "%s", url);
	}
	if (len < 0 || (size_t)len >= sizeof(u)) {
		pl_error("mail: send: url too long");
		return PL_EINVAL;
	}
	len = snprintf(from, sizeof(from), "<%s>", from_addr);
	if (len < 0 || (size_t)len >= sizeof(from))
		pl_die("mail: from address overflows");
	len = snprintf(to, sizeof(to), "<%s>", to_addr);
	if (len < 0 || (size_t)len >= sizeof(to))
		pl_die("mail: to address overflows");

	if ((h = curl_easy_init()) == NULL)
		pl_die("mail: curl_easy_init failed");
	if ((rcpt = curl_slist_append(NULL, to)) == NULL)
		pl_die("mail: out of memory");
	errbuf[0] = '\0';
	ok = ok && curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_URL, u) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
	ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") ==
	               CURLE_OK;
#else
	ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	               (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS)) == CURLE_OK;
#endif
	if (tls)
		ok = ok && curl_easy_setopt(h, CURLOPT_USE_SSL,
		               (long)CURLUSESSL_ALL) == CURLE_OK;
	if (user != NULL)
		ok = ok &&
		     curl_easy_setopt(h, CURLOPT_USERNAME, user) == CURLE_OK;
	if (pass != NULL)
		ok = ok &&
		     curl_easy_setopt(h, CURLOPT_PASSWORD, pass) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_MAIL_FROM, from) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_UPLOAD, 1L) == CURLE_OK;
	ok = ok &&
	     curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_READDATA, &up) == CURLE_OK;
	ok = ok && curl_easy_setopt(
	               h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)n) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L) == CURLE_OK;
	ok = ok && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	if (!ok) {
		pl_error("mail: send: curl_easy_setopt failed");
		er = PL_EINVAL;
		goto out;
	}

	if ((rc = curl_easy_perform(h)) == CURLE_OK) {
		er = PL_OK;
		goto out;
	}
	/* A 5xx reply is a refusal for good; anything else may pass. */
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	er = code >= 500 && code <= 599 ? PL_EINVAL : PL_EUNAVAIL;
	pl_error("mail: send: %s (SMTP reply %ld, %s)",
	    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc), code,
	    er == PL_EINVAL ? "refused" : "will retry");
out:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return er;
}
