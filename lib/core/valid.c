/* valid.c: validation of user-entered values.
 *
 * Each validator answers NULL or the message to show beside the field. They
 * take strings that the front line has already made valid UTF-8, but check
 * again (it is cheap), so that a caller's slip shows up as a refusal.
 */
/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "valid.h"

/* Decode the code point at *s (valid UTF-8) and advance *s past it. */
static unsigned long
utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned long        c = p[0];
	size_t               n, i;

	if (c < 0x80)
		n = 0;
	else if (c < 0xe0) {
		n = 1;
		c &= 0x1f;
	} else if (c < 0xf0) {
		n = 2;
		c &= 0x0f;
	} else {
		n = 3;
		c &= 0x07;
	}
	for (i = 1; i <= n; i++)
		c = c << 6 | (p[i] & 0x3f);
	*s += n + 1;
	return c;
}

/* C0, DEL and C1. */
static bool
is_control(unsigned long c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* White_Space (Unicode 15) and the zero-width characters that look like
 * nothing, for "not only spaces". */
static bool
is_blank(unsigned long c)
{
	return c == 0x20 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200d) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202f || c == 0x205f || c == 0x2060 || c == 0x3000 ||
	       c == 0xfeff;
}

/* Line breaks and bidirectional overrides: a name is one line, and an
 * override would let it reorder what follows it on an agent's screen. */
static bool
is_name_format(unsigned long c)
{
	return c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* See valid.h. */
size_t
pl_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * See valid.h. Besides C0, DEL and C1, a name may not hold U+2028, U+2029
 * or bidi embedding, override and isolate controls (see is_name_format).
 */
const char *
pl_valid_name(const char *s)
{
	const char   *p;
	unsigned long c;
	size_t        n = 0;
	bool          blank = true;

	if (s == NULL || *s == '\0')
		return "Enter a name";
	if (!pl_utf8_valid(s, strlen(s)))
		return "Use valid UTF-8 text";
	for (p = s; *p != '\0'; n++) {
		c = utf8_next(&p);
		if (is_control(c) || is_name_format(c))
			return "Remove the control characters";
		if (!is_blank(c))
			blank = false;
	}
	if (n > PL_NAME_MAX)
		return "Use at most 80 characters";
	if (blank)
		return "Enter a name";
	return NULL;
}

static bool
is_local_char(int c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

static bool
is_label_char(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-';
}

/* See valid.h. */
const char *
pl_valid_email(const char *s)
{
	static const char *const bad = "Enter a valid e-mail address";
	const char              *at, *d, *label;
	size_t                   n, i, llen, nlabels = 0;
	bool                     alldigits;

	if (s == NULL || *s == '\0')
		return "Enter an e-mail address";
	if ((n = strlen(s)) > PL_EMAIL_MAX)
		return "The e-mail address is too long";
	if ((at = strchr(s, '@')) == NULL)
		return bad;

	/* The local part: it cannot hold '@', so at is the only one. */
	llen = (size_t)(at - s);
	if (llen == 0 || llen > 64 || s[0] == '.' || at[-1] == '.')
		return bad;
	for (i = 0; i < llen; i++) {
		if (!is_local_char((unsigned char)s[i]))
			return bad;
		if (s[i] == '.' && s[i + 1] == '.')
			return bad;
	}

	/* The domain: labels separated by single dots. */
	for (d = at + 1;; d++) {
		label = d;
		alldigits = true;
		while (is_label_char((unsigned char)*d)) {
			if (*d < '0' || *d > '9')
				alldigits = false;
			d++;
		}
		llen = (size_t)(d - label);
		if (llen == 0 || llen > 63 || label[0] == '-' || d[-1] == '-')
			return bad;
		nlabels++;
		if (*d == '\0')
			break;
		if (*d != '.')
			return bad;
	}
	if (nlabels < 2 || alldigits)
		return bad;
	return NULL;
}

/* See valid.h. */
char *
pl_email_normalize(struct pl_arena *a, const char *s)
{
	char  *d;
	size_t i;

	d = pl_arena_strdup(a, s);
	for (i = 0; d[i] != '\0'; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

/*
 * See valid.h. Parentheses must also pair up, unnested: "(555) 123-4567"
 * passes, ")555(" does not.
 */
const char *
pl_valid_phone(const char *s)
{
	static const char *const bad = "Enter a valid phone number";
	const char              *p;
	size_t                   digits = 0;
	bool                     open = false;

	if (s == NULL || *s == '\0')
		return "Enter a phone number";
	if (strlen(s) > PL_PHONE_MAX)
		return "The phone number is too long";
	for (p = s; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '+') {
			if (p != s)
				return bad;
		} else if (*p == '(') {
			if (open)
				return bad;
			open = true;
		} else if (*p == ')') {
			if (!open)
				return bad;
			open = false;
		} else if (*p != ' ' && *p != '.' && *p != '-')
			return bad;
	}
	if (open || digits < 7 || digits > 15)
		return bad;
	/* Without a country code only US numbers can be told apart (10
	 * digits, or 11 starting with 1); SMS needs the full number. */
	if (s[0] != '+' && digits != 10 &&
	    !(digits == 11 && s[strspn(s, " .-(")] == '1'))
		return "Enter the number with its country code, like"
		       " +44 20 7946 0958";
	return NULL;
}

/*
 * See valid.h. Any other number typed without '+' is taken to include its
 * country code already and just gets the '+'.
 */
char *
pl_phone_e164(struct pl_arena *a, const char *s)
{
	char       *d;
	const char *p;
	size_t      j = 0, digits = 0;

	for (p = s; *p != '\0'; p++)
		if (*p >= '0' && *p <= '9')
			digits++;
	d = pl_arena_alloc(a, digits + 3);
	d[j++] = '+';
	if (s[0] != '+' && digits == 10)
		d[j++] = '1';
	for (p = s; *p != '\0'; p++)
		if (*p >= '0' && *p <= '9')
			d[j++] = *p;
	d[j] = '\0';
	return d;
}

/* See valid.h. */
const char *
pl_valid_password(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return "Enter a password";
	if ((n = strlen(s)) > PL_PASSWORD_MAX)
		return "The password is too long";
	if (!pl_utf8_valid(s, n))
		return "Use valid UTF-8 text";
	if (pl_utf8_len(s) < PL_PASSWORD_MIN)
		return "Use at least 6 characters";
	return NULL;
}

/* See valid.h. */
const char *
pl_valid_text(const char *s, size_t max, int multiline)
{
	const char   *p;
	unsigned long c;
	size_t        n = 0;

	if (s == NULL)
		return "Enter some text";
	if (!pl_utf8_valid(s, strlen(s)))
		return "Use valid UTF-8 text";
	for (p = s; *p != '\0'; n++) {
		c = utf8_next(&p);
		if (is_control(c) &&
		    !(multiline && (c == '\n' || c == '\r' || c == '\t')))
			return "Remove the control characters";
	}
	if (n > max)
		return "The text is too long";
	return NULL;
}

const char *
pl_valid_client_id(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > 64 ||
	    strspn(s,
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	        "0123456789_-") != n)
		return "client_id is 1 to 64 letters, digits, - or _.";
	return NULL;
}
