/* test-twilio.c: the Twilio client's form encoding, error parsing, SIDs and
 * webhook signatures, and real calls against a scripted in-process HTTP
 * server on 127.0.0.1 (statuses, retries, timeouts, refused connections,
 * the request as it arrived, and log lines free of secrets). */
/* SPDX-License-Identifier: MIT */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "parse.h"
#include "twilio.h"
#include "t.h"

#define NITEMS(x) (sizeof(x) / sizeof((x)[0]))

static const char sid[] = "AC0123456789abcdef0123456789abcdef";
static const char token[] = "f00dfeedf00dfeedf00dfeedf00d5ec7";

/* --- form encoding -------------------------------------------------------- */

static int
hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one urlencoded part the way a form decoder does ('+' is a
 * space); NULL if a '%' is malformed or a byte should have been encoded. */
static const char *
form_decode(struct pl_arena *a, const char *s, size_t n)
{
	struct pl_buf b;
	size_t        i;

	pl_buf_init(&b, a);
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			if (hexv(s[i + 1]) < 0 || hexv(s[i + 2]) < 0)
				return NULL;
			pl_buf_putc(
			    &b, (char)(hexv(s[i + 1]) << 4 | hexv(s[i + 2])));
			i += 2;
		} else if (s[i] == '+') {
			pl_buf_putc(&b, ' ');
		} else if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
		                  "rstuvwxyz0123456789-._~",
		               s[i]) != NULL) {
			pl_buf_putc(&b, s[i]);
		} else {
			return NULL;
		}
	}
	return pl_buf_cstr(&b);
}

static void
test_form(struct pl_arena *a)
{
	static const struct {
		struct pl_kv kv[3];
		size_t       n;
		const char  *want;
	} cases[] = {
		{ { { "Body", "a+b", 0 } }, 1, "Body=a%2Bb" },
		{ { { "To", "+15005550006", 0 } }, 1, "To=%2B15005550006" },
		{ { { "Body", "hello world", 0 } }, 1, "Body=hello%20world" },
		{ { { "Body", "a&b=c", 0 } }, 1, "Body=a%26b%3Dc" },
		{ { { "Body", "caf\xc3\xa9 \xf0\x9f\x98\x80", 0 } }, 1,
		    "Body=caf%C3%A9%20%F0%9F%98%80" },
		{ { { "Body", "", 0 } }, 1, "Body=" },
		{ { { "Body", "-._~AZaz09", 0 } }, 1, "Body=-._~AZaz09" },
		{ { { "Body", "100% /?#[]@!$'()*,;:\"<>\\^`{|}", 0 } }, 1,
		    "Body=100%25%20%2F%3F%23%5B%5D%40%21%24%27%28%29%2A%2C%3B%"
		    "3A%22%3C%3E%5C%5E%60%7B%7C%7D" },
		{ { { "Body", "line 1\r\nline 2\t", 0 } }, 1,
		    "Body=line%201%0D%0Aline%202%09" },
		{ { { "To", "+1 555", 0 }, { "From", "+1555", 0 },
		      { "Body", "", 0 } },
		    3, "To=%2B1%20555&From=%2B1555&Body=" },
		{ { { "a=b", "c&d", 0 } }, 1, "a%3Db=c%26d" },
		{ { { NULL, NULL, 0 } }, 0, "" },
	};
	const char *got, *eq, *amp, *p;
	size_t      i, k;
	bool        ok;

	for (i = 0; i < NITEMS(cases); i++) {
		got = pl_twilio_form_encode(a, cases[i].kv, cases[i].n);
		T_STR(got, cases[i].want, cases[i].want);
		/* And it decodes back, '+' never read as a space. */
		ok = true;
		for (k = 0, p = got; k < cases[i].n; k++) {
			eq = strchr(p, '=');
			amp = strchr(p, '&');
			if (amp == NULL)
				amp = p + strlen(p);
			if (eq == NULL || eq > amp ||
			    form_decode(a, p, (size_t)(eq - p)) == NULL ||
			    strcmp(form_decode(a, p, (size_t)(eq - p)),
			        cases[i].kv[k].key) != 0 ||
			    form_decode(a, eq + 1, (size_t)(amp - eq - 1)) ==
			        NULL ||
			    strcmp(
			        form_decode(a, eq + 1, (size_t)(amp - eq - 1)),
			        cases[i].kv[k].val) != 0)
				ok = false;
			p = *amp != '\0' ? amp + 1 : amp;
		}
		T_OK(ok, cases[i].want);
	}
}

/* --- error bodies --------------------------------------------------------- */

static void
test_error_parse(struct pl_arena *a)
{
	static const struct {
		const char *json;
		enum pl_err want;
		long        code;
		int         status;
		const char *message, *more_info;
	} cases[] = {
		/* Twilio's real bodies. */
		{ "{\"code\": 21211, \"message\": \"The 'To' number 5551234567 "
		  "is not a valid phone number.\", \"more_info\": "
		  "\"https://www.twilio.com/docs/errors/21211\", \"status\": "
		  "400}",
		    PL_OK, 21211, 400,
		    "The 'To' number 5551234567 is not a valid phone number.",
		    "https://www.twilio.com/docs/errors/21211" },
		{ "{\"code\": 20003, \"detail\": \"Your AccountSid or "
		  "AuthToken "
		  "was incorrect.\", \"message\": \"Authenticate\", "
		  "\"more_info\": "
		  "\"https://www.twilio.com/docs/errors/20003\", "
		  "\"status\": 401}\n",
		    PL_OK, 20003, 401, "Authenticate",
		    "https://www.twilio.com/docs/errors/20003" },
		{ "{\"code\": 20404, \"message\": \"The requested resource "
		  "/2010-04-01/Accounts/AC00/Messages/SM00.json was not "
		  "found\", \"more_info\": "
		  "\"https://www.twilio.com/docs/errors/20404\", \"status\": "
		  "404}",
		    PL_OK, 20404, 404,
		    "The requested resource /2010-04-01/Accounts/AC00/Messages/"
		    "SM00.json was not found",
		    "https://www.twilio.com/docs/errors/20404" },
		{ "{\"code\":20429,\"message\":\"Too Many Requests\","
		  "\"more_info\":\"https://www.twilio.com/docs/errors/20429\","
		  "\"status\":429}",
		    PL_OK, 20429, 429, "Too Many Requests",
		    "https://www.twilio.com/docs/errors/20429" },
		/* Partial bodies. */
		{ "{\"code\": 21614}", PL_OK, 21614, 0, "", "" },
		{ "{\"message\": \"Oops\", \"status\": 500}", PL_OK, 0, 500,
		    "Oops", "" },
		{ "{\"code\": null, \"message\": \"x\", \"more_info\": null}",
		    PL_OK, 0, 0, "x", "" },
		{ "{\"code\": 21211, \"status\": 9999}", PL_OK, 21211, 0, "",
		    "" },
		{ "{\"message\":\"a\\u0000b\\nc\\td\\u007f\"}", PL_OK, 0, 0,
		    "a b c d ", "" },
		{ "{\"message\":\"\\u00e9\\ud83d\\ude00\"}", PL_OK, 0, 0,
		    "\xc3\xa9\xf0\x9f\x98\x80", "" },
		/* Junk. */
		{ "", PL_EINVAL, 0, 0, "", "" },
		{ "null", PL_EINVAL, 0, 0, "", "" },
		{ "[]", PL_EINVAL, 0, 0, "", "" },
		{ "21211", PL_EINVAL, 0, 0, "", "" },
		{ "\"message\"", PL_EINVAL, 0, 0, "", "" },
		{ "{", PL_EINVAL, 0, 0, "", "" },
		{ "{}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"code\": \"21211\"}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"code\": -5}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"code\": 0}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"code\": 1e3}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"code\": 99999999999999999999}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"message\": \"\"}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"message\": 5, \"more_info\": \"x\"}", PL_EINVAL, 0, 0, "",
		    "" },
		{ "{\"code\": 21211} trailing", PL_EINVAL, 0, 0, "", "" },
		{ "{\"code\": 21211}{}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"message\": \"\xff\"}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"message\": \"\xc3\"}", PL_EINVAL, 0, 0, "", "" },
		/* json-c takes these; a strict check does not. */
		{ "{\"message\": \"\xf7\x97\x8b\x8b\"}", PL_EINVAL, 0, 0, "",
		    "" },
		{ "{\"message\": \"\xed\xa0\x80\"}", PL_EINVAL, 0, 0, "", "" },
		{ "{\"message\": \"\xc0\xaf\"}", PL_EINVAL, 0, 0, "", "" },
		/* A lone surrogate escape never yields bad UTF-8. */
		{ "{\"message\": \"a\\ud800b\"}", PL_OK, 0, 0,
		    "a\xef\xbf\xbd"
		    "b",
		    "" },
		/* A raw line break inside a string, as json-c allows. */
		{ "{\"message\": \"a\nb\rc\"}", PL_OK, 0, 0, "a b c", "" },
		{ "<html><body>Bad Gateway</body></html>", PL_EINVAL, 0, 0, "",
		    "" },
	};
	struct pl_twilio_error e;
	struct pl_buf          b;
	size_t                 i, n;
	char                  *s;

	for (i = 0; i < NITEMS(cases); i++) {
		memset(&e, 0x55, sizeof(e));
		T_INT(pl_twilio_error_parse(
		          cases[i].json, strlen(cases[i].json), &e),
		    cases[i].want, cases[i].json);
		T_INT(e.code, cases[i].code, cases[i].json);
		T_INT(e.status, cases[i].status, cases[i].json);
		T_STR(e.message, cases[i].message, cases[i].json);
		T_STR(e.more_info, cases[i].more_info, cases[i].json);
	}

	/* A NUL inside the text, NULL, and a length shorter than the text. */
	T_INT(pl_twilio_error_parse("{\"code\":1}\0{", 12, &e), PL_EINVAL,
	    "NUL inside");
	T_INT(pl_twilio_error_parse(NULL, 5, &e), PL_EINVAL, "NULL");
	T_INT(pl_twilio_error_parse("{\"code\":1} junk", 10, &e), PL_OK,
	    "length bounds the text");
	T_INT(e.code, 1, "length bounds the text");

	/* Deep nesting is refused, not a stack overflow. */
	pl_buf_init(&b, a);
	for (i = 0; i < 100000; i++)
		pl_buf_putc(&b, '[');
	T_INT(pl_twilio_error_parse(pl_buf_cstr(&b), b.len, &e), PL_EINVAL,
	    "deep nesting");

	/* A message too long for the struct is cut before a whole
	 * character: 300 two-byte characters into 511 bytes. */
	pl_buf_init(&b, a);
	pl_buf_puts(&b, "{\"code\":1,\"message\":\"");
	for (i = 0; i < 300; i++)
		pl_buf_puts(&b, "\xc3\xa9");
	pl_buf_puts(&b, "\",\"more_info\":\"");
	for (i = 0; i < 1000; i++)
		pl_buf_putc(&b, 'x');
	pl_buf_puts(&b, "\"}");
	T_INT(pl_twilio_error_parse(pl_buf_cstr(&b), b.len, &e), PL_OK,
	    "long message");
	n = strlen(e.message);
	T_INT(n, 510, "long message cut at a character");
	T_INT(strlen(e.more_info), PL_TWILIO_INFO_MAX - 1, "long more_info");

	/* Over the body limit. */
	n = PL_TWILIO_BODY_MAX + 1;
	s = pl_arena_alloc(a, n + 1);
	memset(s, ' ', n);
	memcpy(s, "{\"code\":1}", 10);
	T_INT(pl_twilio_error_parse(s, n, &e), PL_EINVAL, "over the limit");
}

/* --- SIDs ------------------------------------------------------------------
 */

static void
test_sid(struct pl_arena *a)
{
	static const struct {
		const char *s, *prefix;
		bool        want;
	} cases[] = {
		{ "AC0123456789abcdef0123456789abcdef", "AC", true },
		{ "AC0123456789abcdef0123456789abcdef", NULL, true },
		{ "SM0123456789abcdef0123456789abcdef", "SM", true },
		{ "PN0123456789abcdef0123456789abcdef", "PN", true },
		{ "PN0123456789abcdef0123456789abcdef", "AC", false },
		{ "AC0123456789ABCDEF0123456789abcdef", "AC", false },
		{ "ac0123456789abcdef0123456789abcdef", NULL, false },
		{ "AC0123456789abcdef0123456789abcde", "AC", false },
		{ "AC0123456789abcdef0123456789abcdef0", "AC", false },
		{ "AC0123456789abcdeg0123456789abcdef", "AC", false },
		{ "AC0123456789abcdef0123456789abcde\n", "AC", false },
		{ "A", "AC", false },
		{ "", NULL, false },
		{ NULL, NULL, false },
		{ "AC0123456789abcdef0123456789abcdef", "A", false },
	};
	size_t i;

	for (i = 0; i < NITEMS(cases); i++)
		T_INT(pl_twilio_sid_ok(cases[i].s, cases[i].prefix),
		    cases[i].want, cases[i].s ? cases[i].s : "(null)");

	T_STR(pl_twilio_mask_sid(a, sid),
	    "AC\xe2\x80\xa6"
	    "cdef",
	    "mask");
	T_STR(pl_twilio_mask_sid(a, "SM12345678"),
	    "SM\xe2\x80\xa6"
	    "5678",
	    "mask short");
	T_STR(pl_twilio_mask_sid(a, "AC12345"), "\xe2\x80\xa6", "too short");
	T_STR(pl_twilio_mask_sid(a, ""), "\xe2\x80\xa6", "empty");
	T_STR(pl_twilio_mask_sid(a, NULL), "(none)", "NULL");
}

/* --- webhook signatures ----------------------------------------------------
 */

static const struct pl_kv vec[] = {
	{ "CallSid", "CA1234567890ABCDE", 17 },
	{ "Caller", "+12349013030", 12 },
	{ "Digits", "1234", 4 },
	{ "From", "+12349013030", 12 },
	{ "To", "+18005551212", 12 },
};
static const char vec_url[] = "https://mycompany.com/myapp.php?foo=1&bar=2";
static const char vec_sig[] = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

static void
test_signature(struct pl_arena *a)
{
	static const struct {
		const char *signed_url, *checked_url;
		bool        want;
	} ports[] = {
		{ "https://mycompany.com/myapp.php?foo=1&bar=2",
		    "https://mycompany.com:443/myapp.php?foo=1&bar=2", true },
		{ "https://mycompany.com:443/myapp.php?foo=1&bar=2",
		    "https://mycompany.com/myapp.php?foo=1&bar=2", true },
		{ "http://mycompany.com/sms", "http://mycompany.com:80/sms",
		    true },
		{ "http://mycompany.com:80/sms", "http://mycompany.com/sms",
		    true },
		{ "https://mycompany.com", "https://mycompany.com:443", true },
		{ "https://[2001:db8::1]/sms", "https://[2001:db8::1]:443/sms",
		    true },
		{ "https://[2001:db8::1]:443/sms", "https://[2001:db8::1]/sms",
		    true },
		{ "https://u:p@mycompany.com/sms",
		    "https://u:p@mycompany.com:443/sms", true },
		/* Only the scheme's own default port. */
		{ "https://mycompany.com:80/sms", "https://mycompany.com/sms",
		    false },
		{ "http://mycompany.com/sms", "http://mycompany.com:443/sms",
		    false },
		{ "https://mycompany.com:8443/sms", "https://mycompany.com/sms",
		    false },
		{ "https://mycompany.com/sms", "https://mycompany.com:8443/sms",
		    false },
		{ "https://mycompany.com/sms", "http://mycompany.com/sms",
		    false },
		{ "https://mycompany.com/sms", "https://mycompany.com/sms/",
		    false },
		{ "https://mycompany.com/sms?a=1",
		    "https://mycompany.com/sms?a=2", false },
	};
	struct pl_kv  shuffled[NITEMS(vec)], tampered[NITEMS(vec)];
	struct pl_kv  dup[3] = { { "MediaUrl", "b", 1 }, { "MediaUrl", "a", 1 },
		 { "MediaUrl", "b", 1 } };
	unsigned char mac[20];
	const char   *s, *msg;
	size_t        i;

	/* Twilio's documented vector. */
	T_STR(pl_twilio_signature(a, "12345", vec_url, vec, NITEMS(vec)),
	    vec_sig, "README vector");
	T_OK(
	    pl_twilio_signature_ok("12345", vec_url, vec, NITEMS(vec), vec_sig),
	    "README vector verifies");
	T_OK(pl_twilio_signature_ok("12345",
	         "https://mycompany.com:443/myapp.php?foo=1&bar=2", vec,
	         NITEMS(vec), vec_sig),
	    "README vector with :443");

	/* Order of the parameters does not matter. */
	for (i = 0; i < NITEMS(vec); i++)
		shuffled[i] = vec[(i * 3 + 2) % NITEMS(vec)];
	T_STR(pl_twilio_signature(a, "12345", vec_url, shuffled, NITEMS(vec)),
	    vec_sig, "shuffled");
	T_OK(pl_twilio_signature_ok(
	         "12345", vec_url, shuffled, NITEMS(vec), vec_sig),
	    "shuffled verifies");

	/* Anything changed fails. */
	memcpy(tampered, vec, sizeof(vec));
	tampered[2].val = "1235";
	T_OK(!pl_twilio_signature_ok(
	         "12345", vec_url, tampered, NITEMS(vec), vec_sig),
	    "tampered value");
	memcpy(tampered, vec, sizeof(vec));
	tampered[3].key = "from";
	T_OK(!pl_twilio_signature_ok(
	         "12345", vec_url, tampered, NITEMS(vec), vec_sig),
	    "tampered name");
	T_OK(!pl_twilio_signature_ok(
	         "12345", vec_url, vec, NITEMS(vec) - 1, vec_sig),
	    "a parameter dropped");
	T_OK(!pl_twilio_signature_ok("12345",
	         "https://mycompany.com/myapp.php?foo=1&bar=3", vec,
	         NITEMS(vec), vec_sig),
	    "tampered query");
	T_OK(!pl_twilio_signature_ok(
	         "12346", vec_url, vec, NITEMS(vec), vec_sig),
	    "wrong token");
	T_OK(!pl_twilio_signature_ok("12345", vec_url, vec, NITEMS(vec),
	         "0/KCTR6DLpKmkAf8muzZqo1nDgQ"),
	    "signature without its padding");
	T_OK(!pl_twilio_signature_ok("12345", vec_url, vec, NITEMS(vec),
	         "1/KCTR6DLpKmkAf8muzZqo1nDgQ="),
	    "one character off");
	T_OK(!pl_twilio_signature_ok("12345", vec_url, vec, NITEMS(vec), ""),
	    "empty header");
	T_OK(!pl_twilio_signature_ok("12345", vec_url, vec, NITEMS(vec), NULL),
	    "no header");
	T_OK(!pl_twilio_signature_ok("", vec_url, vec, NITEMS(vec), vec_sig),
	    "empty token");
	T_OK(!pl_twilio_signature_ok(NULL, vec_url, vec, NITEMS(vec), vec_sig),
	    "no token");
	T_OK(!pl_twilio_signature_ok("12345", NULL, vec, NITEMS(vec), vec_sig),
	    "no URL");

	/* The default port, added or removed, and nothing else. */
	for (i = 0; i < NITEMS(ports); i++) {
		s = pl_twilio_signature(a, "tok", ports[i].signed_url, vec, 2);
		T_INT(pl_twilio_signature_ok(
		          "tok", ports[i].checked_url, vec, 2, s),
		    ports[i].want,
		    pl_arena_printf(a, "signed %s, checked %s",
		        ports[i].signed_url, ports[i].checked_url));
	}

	/* No parameters (a GET callback): the URL alone. */
	pl_hmac_sha1("tok", 3, vec_url, strlen(vec_url), mac);
	T_STR(pl_twilio_signature(a, "tok", vec_url, NULL, 0),
	    pl_b64_encode(a, mac, sizeof(mac)), "no parameters");

	/* A repeated name: sorted by value too, an identical pair once. */
	msg = "https://x.example/mMediaUrlaMediaUrlb";
	pl_hmac_sha1("tok", 3, msg, strlen(msg), mac);
	T_STR(pl_twilio_signature(a, "tok", "https://x.example/m", dup, 3),
	    pl_b64_encode(a, mac, sizeof(mac)), "repeated names");
}

/* --- calls against a scripted HTTP server ----------------------------------
 */

/* One connection: read a request, wait delay_ms, answer reply (nbig
 * bytes of '{' appended when set), close. The request is kept. */
struct fake {
	int         fd;
	int         port;
	const char *reply;
	size_t      nbig;
	int         delay_ms;
	int         conns;
	char        req[65536];
	size_t      reqn;
	pthread_t   th;
};

static void
fake_say(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0 && (w = send(fd, s, n, MSG_NOSIGNAL)) > 0) {
		s += w;
		n -= (size_t)w;
	}
}

/* Read until the headers and Content-Length bytes of body are in. */
static void
fake_read(struct fake *f, int c)
{
	struct pollfd pfd = { c, POLLIN, 0 };
	const char   *end, *cl;
	size_t        want = 0;
	ssize_t       r;

	for (;;) {
		end = memmem(f->req, f->reqn, "\r\n\r\n", 4);
		if (end != NULL) {
			cl = strcasestr(f->req, "\r\nContent-Length:");
			want = (size_t)(end - f->req) + 4;
			if (cl != NULL && cl < end)
				want += strtoul(cl + 17, NULL, 10);
			if (f->reqn >= want)
				return;
		}
		if (f->reqn + 1 >= sizeof(f->req) || poll(&pfd, 1, 5000) <= 0 ||
		    (r = read(c, f->req + f->reqn,
		         sizeof(f->req) - 1 - f->reqn)) <= 0)
			return;
		f->reqn += (size_t)r;
		f->req[f->reqn] = '\0';
	}
}

static void *
fake_run(void *arg)
{
	struct fake  *f = arg;
	struct pollfd pfd = { f->fd, POLLIN, 0 };
	char         *big;
	int           c;

	if (poll(&pfd, 1, 10000) <= 0 || (c = accept(f->fd, NULL, NULL)) < 0)
		return NULL;
	f->conns++;
	fake_read(f, c);
	if (f->delay_ms > 0) {
		/* Wait, or until the client gives up and closes. */
		struct pollfd cp = { c, POLLIN, 0 };
		char          x;

		if (poll(&cp, 1, f->delay_ms) > 0 && read(c, &x, 1) <= 0) {
			close(c);
			return NULL;
		}
	}
	fake_say(c, f->reply, strlen(f->reply));
	if (f->nbig > 0) {
		big = malloc(f->nbig);
		if (big != NULL) {
			memset(big, ' ', f->nbig);
			fake_say(c, big, f->nbig);
			free(big);
		}
	}
	shutdown(c, SHUT_WR);
	close(c);
	/* A second connection would be a followed redirect or a retry. */
	pfd.revents = 0;
	if (poll(&pfd, 1, 100) > 0 && (c = accept(f->fd, NULL, NULL)) >= 0) {
		f->conns++;
		close(c);
	}
	return NULL;
}

static bool
fake_start(struct fake *f, const char *reply, size_t nbig, int delay_ms)
{
	struct sockaddr_in sin;
	socklen_t          len = sizeof(sin);

	memset(f, 0, sizeof(*f));
	f->reply = reply;
	f->nbig = nbig;
	f->delay_ms = delay_ms;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((f->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return false;
	if (bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(f->fd, 4) != 0 ||
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

/* The value of request header name, or NULL. */
static const char *
req_header(struct pl_arena *a, const struct fake *f, const char *name)
{
	const char *end = memmem(f->req, f->reqn, "\r\n\r\n", 4), *p, *e;
	size_t      n = strlen(name);

	if (end == NULL)
		return NULL;
	for (p = strstr(f->req, "\r\n"); p != NULL && p < end;
	     p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
			e = strstr(p + 2, "\r\n");
			p += 2 + n + 1;
			while (*p == ' ')
				p++;
			return pl_arena_strndup(a, p, (size_t)(e - p));
		}
	}
	return NULL;
}

static const char *
req_line(struct pl_arena *a, const struct fake *f)
{
	const char *e = strstr(f->req, "\r\n");

	return e != NULL ? pl_arena_strndup(a, f->req, (size_t)(e - f->req))
	                 : "";
}

static const char *
req_body(const struct fake *f)
{
	const char *end = memmem(f->req, f->reqn, "\r\n\r\n", 4);

	return end != NULL ? end + 4 : "";
}

static const char msgs_path[] =
    "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";

static const struct pl_kv msg_form[] = {
	{ "To", "+15005550006", 0 },
	{ "From", "+15005550001", 0 },
	{ "Body", "1+1 = 2 & caf\xc3\xa9 hunter2-secret", 0 },
};

static const struct {
	const char *what, *method, *reply;
	enum pl_err want;
	int         status;
	bool        transient;
	long        retry_after, code;
	bool        json;
} calls[] = {
	{ "201 created", "POST",
	    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
	    "Content-Length: 65\r\n\r\n"
	    "{\"sid\": \"SM0123456789abcdef0123456789abcdef\", \"status\": "
	    "\"queued\"}",
	    PL_OK, 201, false, 0, 0, true },
	{ "401 Twilio error", "POST",
	    "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
	    "WWW-Authenticate: Basic realm=\"Twilio API\"\r\n"
	    "Connection: close\r\n\r\n"
	    "{\"code\": 20003, \"detail\": \"Your AccountSid or AuthToken was "
	    "incorrect.\", \"message\": \"Authenticate\", \"more_info\": "
	    "\"https://www.twilio.com/docs/errors/20003\", \"status\": 401}",
	    PL_EAUTH, 401, false, 0, 20003, true },
	{ "400 Twilio error", "POST",
	    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
	    "Connection: close\r\n\r\n"
	    "{\"code\": 21211, \"message\": \"The 'To' number is not a valid "
	    "phone number.\", \"more_info\": "
	    "\"https://www.twilio.com/docs/errors/21211\", \"status\": 400}",
	    PL_EINVAL, 400, false, 0, 21211, true },
	{ "404", "GET",
	    "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n"
	    "{\"code\": 20404, \"message\": \"not found\", \"status\": 404}",
	    PL_ENOTFOUND, 404, false, 0, 20404, true },
	{ "429 with Retry-After", "POST",
	    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\n"
	    "Connection: close\r\n\r\n"
	    "{\"code\": 20429, \"message\": \"Too Many Requests\", "
	    "\"status\": 429}",
	    PL_ETOOMANY, 429, true, 2, 20429, true },
	{ "503 with Retry-After", "POST",
	    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\n"
	    "Content-Length: 0\r\n\r\n",
	    PL_EUNAVAIL, 503, true, 7, 0, false },
	{ "502 with HTML", "GET",
	    "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
	    "Connection: close\r\n\r\n<html>Bad Gateway</html>",
	    PL_EUNAVAIL, 502, true, 0, 0, false },
	{ "Retry-After clamped", "POST",
	    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 9999999\r\n"
	    "Content-Length: 0\r\n\r\n",
	    PL_EUNAVAIL, 503, true, PL_TWILIO_RETRY_MAX, 0, false },
	{ "redirect not followed", "GET",
	    "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/x\r\n"
	    "Content-Length: 0\r\n\r\n",
	    PL_EINTERNAL, 302, false, 0, 0, false },
	{ "200 not JSON", "GET",
	    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 5\r\n\r\nhello",
	    PL_EINTERNAL, 200, false, 0, 0, false },
	{ "204 on DELETE", "DELETE", "HTTP/1.1 204 No Content\r\n\r\n", PL_OK,
	    204, false, 0, 0, false },
	{ "chunked JSON", "GET",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\n{\"a\":\r\n3\r\n[1]\r\n1\r\n}\r\n0\r\n\r\n",
	    PL_OK, 200, false, 0, 0, true },
};

static struct pl_config cfg;

static void
test_calls(struct pl_arena *a)
{
	static struct fake      f;
	struct pl_twilio_creds  cr = { sid, token };
	struct pl_twilio_result res;
	struct pl_twilio_opts   quick = { 1000, 300 };
	struct json_object     *m;
	const char             *s, *want;
	struct timespec         t0, t1;
	size_t                  i;
	enum pl_err             er;
	long                    ms;

	memset(&res, 0, sizeof(res));
	for (i = 0; i < NITEMS(calls); i++) {
		if (!fake_start(&f, calls[i].reply, 0, 0)) {
			T_OK(0, "cannot start the fake HTTP server");
			return;
		}
		cfg.twilio_api_url =
		    pl_arena_printf(a, "http://127.0.0.1:%d", f.port);
		er = pl_twilio_call(a, &cfg, &cr, calls[i].method, msgs_path,
		    msg_form, NITEMS(msg_form), &res);
		fake_stop(&f);
		T_INT(er, calls[i].want, calls[i].what);
		T_INT(res.status, calls[i].status, calls[i].what);
		T_INT(res.transient, calls[i].transient, calls[i].what);
		T_INT(res.retry_after, calls[i].retry_after, calls[i].what);
		T_INT(res.err.code, calls[i].code, calls[i].what);
		T_INT(res.json != NULL, calls[i].json, calls[i].what);
		T_INT(f.conns, 1, calls[i].what);

		/* What arrived: method, path, Basic auth, encoding. */
		s = req_line(a, &f);
		if (strcmp(calls[i].method, "POST") == 0) {
			T_STR(s,
			    pl_arena_printf(a, "POST %s HTTP/1.1", msgs_path),
			    calls[i].what);
			T_STR(req_header(a, &f, "Content-Type"),
			    "application/x-www-form-urlencoded", calls[i].what);
			T_STR(req_body(&f),
			    "To=%2B15005550006&From=%2B15005550001&Body=1%2B1%"
			    "20%3D%202%20%26%20caf%C3%A9%20hunter2-secret",
			    calls[i].what);
		} else {
			/* GET and DELETE carry the form as the query. */
			T_STR(s,
			    pl_arena_printf(a,
			        "%s %s?To=%%2B15005550006&From=%%2B15005550001&"
			        "Body=1%%2B1%%20%%3D%%202%%20%%26%%20caf%%C3%%"
			        "A9%%20hunter2-secret HTTP/1.1",
			        calls[i].method, msgs_path),
			    calls[i].what);
			T_STR(req_header(a, &f, "Content-Type"), NULL,
			    calls[i].what);
			T_STR(req_body(&f), "", calls[i].what);
		}
		want = pl_arena_printf(a, "%s:%s", sid, token);
		T_STR(req_header(a, &f, "Authorization"),
		    pl_arena_printf(
		        a, "Basic %s", pl_b64_encode(a, want, strlen(want))),
		    calls[i].what);
		T_STR(req_header(a, &f, "Accept"), "application/json",
		    calls[i].what);
		T_STR(req_header(a, &f, "Expect"), NULL, calls[i].what);
		T_OK(strstr(s, token) == NULL, "no token in the request line");
		pl_twilio_result_free(&res);
	}

	/* The body of a success, parsed. */
	if (fake_start(&f, calls[0].reply, 0, 0)) {
		cfg.twilio_api_url =
		    pl_arena_printf(a, "http://127.0.0.1:%d", f.port);
		er = pl_twilio_call(a, &cfg, &cr, "POST", msgs_path, msg_form,
		    NITEMS(msg_form), &res);
		fake_stop(&f);
		T_INT(er, PL_OK, "201 again");
		T_OK(res.json != NULL &&
		         json_object_object_get_ex(res.json, "sid", &m) &&
		         strcmp(json_object_get_string(m),
		             "SM0123456789abcdef0123456789abcdef") == 0,
		    "sid of the new message");
		T_INT(res.bodylen, 65, "body length");
		pl_twilio_result_free(&res);
		pl_twilio_result_free(&res);
		T_OK(res.json == NULL, "freed twice");
	}

	/* A body over the limit, with and without Content-Length. */
	if (fake_start(&f, "HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n",
	        PL_TWILIO_BODY_MAX + 1, 0)) {
		cfg.twilio_api_url =
		    pl_arena_printf(a, "http://127.0.0.1:%d", f.port);
		er = pl_twilio_call(
		    a, &cfg, &cr, "GET", msgs_path, NULL, 0, &res);
		fake_stop(&f);
		T_INT(er, PL_ETOOBIG, "over the limit, announced");
		T_INT(res.transient, false, "over the limit, announced");
		pl_twilio_result_free(&res);
	}
	if (fake_start(&f, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{",
	        PL_TWILIO_BODY_MAX, 0)) {
		cfg.twilio_api_url =
		    pl_arena_printf(a, "http://127.0.0.1:%d", f.port);
		er = pl_twilio_call(
		    a, &cfg, &cr, "GET", msgs_path, NULL, 0, &res);
		fake_stop(&f);
		T_INT(er, PL_ETOOBIG, "over the limit, unannounced");
		pl_twilio_result_free(&res);
	}
	/* Exactly at the limit is fine (spaces after a JSON object). */
	if (fake_start(&f, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}",
	        PL_TWILIO_BODY_MAX - 2, 0)) {
		cfg.twilio_api_url =
		    pl_arena_printf(a, "http://127.0.0.1:%d", f.port);
		er = pl_twilio_call(
		    a, &cfg, &cr, "GET", msgs_path, NULL, 0, &res);
		fake_stop(&f);
		T_INT(er, PL_OK, "at the limit");
		T_INT(res.bodylen, PL_TWILIO_BODY_MAX, "at the limit");
		pl_twilio_result_free(&res);
	}

	/* Slower than the caller's timeout: transient, no status. */
	if (fake_start(&f, calls[0].reply, 0, 3000)) {
		cfg.twilio_api_url =
		    pl_arena_printf(a, "http://127.0.0.1:%d", f.port);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		er = pl_twilio_call_opts(a, &cfg, &cr, "POST", msgs_path,
		    msg_form, NITEMS(msg_form), &quick, &res);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fake_stop(&f);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
		T_INT(er, PL_EUNAVAIL, "timeout");
		T_INT(res.status, 0, "timeout");
		T_INT(res.transient, true, "timeout");
		T_OK(ms >= 250 && ms < 2000, pl_arena_printf(a, "%ld ms", ms));
		pl_twilio_result_free(&res);
	}

	/* Nobody listens on port 1: refused at once, worth a retry. */
	cfg.twilio_api_url = "http://127.0.0.1:1";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	er = pl_twilio_call(
	    a, &cfg, &cr, "POST", msgs_path, msg_form, NITEMS(msg_form), &res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	T_INT(er, PL_EUNAVAIL, "refused");
	T_INT(res.status, 0, "refused");
	T_INT(res.transient, true, "refused");
	T_OK(t1.tv_sec - t0.tv_sec < 3, "refused fails fast");
	pl_twilio_result_free(&res);
}

static void
test_bad_calls(struct pl_arena *a)
{
	static const struct {
		const char *what, *base, *sid, *token, *method, *path;
		const char *fkey, *fval;
	} cases[] = {
		{ "plain http to another host", "http://api.twilio.com", sid,
		    token, "POST", msgs_path, "To", "x" },
		{ "http to a name that looks local", "http://127.0.0.1.nip.io",
		    sid, token, "POST", msgs_path, "To", "x" },
		{ "ftp", "ftp://127.0.0.1", sid, token, "POST", msgs_path, "To",
		    "x" },
		{ "user in the base URL", "https://u:p@api.twilio.com", sid,
		    token, "POST", msgs_path, "To", "x" },
		{ "query in the base URL", "https://api.twilio.com?x=1", sid,
		    token, "POST", msgs_path, "To", "x" },
		{ "no base URL", NULL, sid, token, "POST", msgs_path, "To",
		    "x" },
		{ "bad SID", "http://127.0.0.1:1",
		    "AC0123456789abcdef0123456789abcdeF", token, "POST",
		    msgs_path, "To", "x" },
		{ "SID with a colon", "http://127.0.0.1:1",
		    "AC:123456789abcdef0123456789abcdef", token, "POST",
		    msgs_path, "To", "x" },
		{ "no SID", "http://127.0.0.1:1", NULL, token, "POST",
		    msgs_path, "To", "x" },
		{ "message SID as user", "http://127.0.0.1:1",
		    "SM0123456789abcdef0123456789abcdef", token, "POST",
		    msgs_path, "To", "x" },
		{ "empty token", "http://127.0.0.1:1", sid, "", "POST",
		    msgs_path, "To", "x" },
		{ "no token", "http://127.0.0.1:1", sid, NULL, "POST",
		    msgs_path, "To", "x" },
		{ "PUT", "http://127.0.0.1:1", sid, token, "PUT", msgs_path,
		    "To", "x" },
		{ "lower-case post", "http://127.0.0.1:1", sid, token, "post",
		    msgs_path, "To", "x" },
		{ "no method", "http://127.0.0.1:1", sid, token, NULL,
		    msgs_path, "To", "x" },
		{ "relative path", "http://127.0.0.1:1", sid, token, "POST",
		    "2010-04-01/Accounts.json", "To", "x" },
		{ "dot-dot", "http://127.0.0.1:1", sid, token, "POST",
		    "/2010-04-01/../x.json", "To", "x" },
		{ "dot", "http://127.0.0.1:1", sid, token, "POST",
		    "/2010-04-01/./x.json", "To", "x" },
		{ "empty segment", "http://127.0.0.1:1", sid, token, "POST",
		    "/2010-04-01//x.json", "To", "x" },
		{ "query in the path", "http://127.0.0.1:1", sid, token, "GET",
		    "/2010-04-01/x.json?a=b", "To", "x" },
		{ "CRLF in the path", "http://127.0.0.1:1", sid, token, "GET",
		    "/x\r\nHost: evil", "To", "x" },
		{ "no path", "http://127.0.0.1:1", sid, token, "GET", NULL,
		    "To", "x" },
		{ "empty name", "http://127.0.0.1:1", sid, token, "POST",
		    msgs_path, "", "x" },
		{ "odd name", "http://127.0.0.1:1", sid, token, "POST",
		    msgs_path, "To&From", "x" },
		{ "NULL value", "http://127.0.0.1:1", sid, token, "POST",
		    msgs_path, "To", NULL },
		{ "bad UTF-8", "http://127.0.0.1:1", sid, token, "POST",
		    msgs_path, "Body", "caf\xe9" },
		{ "control character", "http://127.0.0.1:1", sid, token, "POST",
		    msgs_path, "Body", "a\x01" },
	};
	struct pl_twilio_creds  cr;
	struct pl_twilio_result res;
	struct pl_kv            kv;
	size_t                  i;

	for (i = 0; i < NITEMS(cases); i++) {
		cfg.twilio_api_url = cases[i].base;
		cr.sid = cases[i].sid;
		cr.token = cases[i].token;
		kv.key = cases[i].fkey;
		kv.val = cases[i].fval;
		kv.vlen = 0;
		memset(&res, 0x55, sizeof(res));
		T_INT(pl_twilio_call(a, &cfg, &cr, cases[i].method,
		          cases[i].path, &kv, 1, &res),
		    PL_EINVAL, cases[i].what);
		T_INT(res.status, 0, cases[i].what);
		T_INT(res.transient, false, cases[i].what);
		T_OK(res.json == NULL, cases[i].what);
	}
	/* An https base URL passes the checks (it then cannot connect). */
	cfg.twilio_api_url = "https://127.0.0.1:1";
	cr.sid = sid;
	cr.token = token;
	T_INT(pl_twilio_call(a, &cfg, &cr, "GET", msgs_path, NULL, 0, &res),
	    PL_EUNAVAIL, "https to a closed port");
	pl_twilio_result_free(&res);
}

/* The log lines the calls wrote: the masked SID, never the token, the
 * full SID or a form value. */
static void
test_log(struct pl_arena *a, const char *path)
{
	struct pl_buf b;
	FILE         *fp;
	char          chunk[4096];
	size_t        n;
	const char   *log, *p, *e;

	if ((fp = fopen(path, "r")) == NULL) {
		T_OK(0, "cannot read the log");
		return;
	}
	pl_buf_init(&b, a);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		pl_buf_add(&b, chunk, n);
	fclose(fp);
	log = pl_buf_cstr(&b);
	/* Failed checks went to the captured stderr too: show them. */
	for (p = log; *p != '\0'; p = e + (*e != '\0')) {
		e = p + strcspn(p, "\n");
		if (strncmp(p, "../", 3) == 0 || strncmp(p, "tests/", 6) == 0)
			fprintf(stderr, "%.*s\n", (int)(e - p), p);
	}
	T_OK(strstr(log,
	         "twilio: POST /2010-04-01/Accounts/AC\xe2\x80\xa6"
	         "cdef/Messages.json (To,From,Body): 201") != NULL,
	    "a success is logged with the masked SID and form names");
	T_OK(strstr(log, "401, Twilio code 20003") != NULL,
	    "Twilio's code is logged");
	T_OK(strstr(log, "503, Twilio code 0, will retry") != NULL,
	    "a retry is logged");
	T_OK(strstr(log, token) == NULL, "no token in the log");
	T_OK(strstr(log, sid) == NULL, "no full SID in the log");
	T_OK(strstr(log, "hunter2") == NULL, "no form value in the log");
	T_OK(strstr(log, "5550006") == NULL, "no phone number in the log");
	T_OK(strstr(log, "Authenticate") == NULL, "no Twilio message");
	T_OK(strstr(log, pl_b64_encode(a, token, 12)) == NULL,
	    "no encoded token in the log");
}

int
main(void)
{
	struct pl_arena *a = pl_arena_new(0);
	char             logpath[] = "/tmp/test-twilio-log-XXXXXX";
	int              lfd, saved;

	/* The programs do this once at start-up; so must the test. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	/* The fake server is local: no proxy from the environment. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
	unsetenv("all_proxy");

	test_form(a);
	test_error_parse(a);
	test_sid(a);
	test_signature(a);

	/* Capture stderr (the log) while calls run. */
	fflush(stderr);
	if ((lfd = mkstemp(logpath)) < 0 || (saved = dup(2)) < 0 ||
	    dup2(lfd, 2) < 0)
		return 1;
	test_calls(a);
	test_bad_calls(a);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(lfd);
	test_log(a, logpath);
	(void)unlink(logpath);

	pl_arena_free(a);
	curl_global_cleanup();
	return t_done();
}
