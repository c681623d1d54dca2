/* test-valid.c: the validators of user-entered values, good and hostile. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "valid.h"
#include "t.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

struct vcase {
	const char *in;
	int         ok; /* 1: the validator returns NULL */
};

/* A string of n copies of unit, in the arena. */
static const char *
rep(struct pl_arena *a, const char *unit, size_t n)
{
	struct pl_buf b;
	size_t        i;

	pl_buf_init(&b, a);
	for (i = 0; i < n; i++)
		pl_buf_puts(&b, unit);
	return pl_buf_cstr(&b);
}

static void
run(const char *(*fn)(const char *), const struct vcase *c, size_t n)
{
	const char *msg;
	size_t      i;

	for (i = 0; i < n; i++) {
		msg = fn(c[i].in);
		if (c[i].ok)
			T_STR(msg, NULL, c[i].in);
		else
			T_OK(msg != NULL && *msg != '\0', c[i].in);
	}
}

static const struct vcase name_cases[] = {
	{ "Ada", 1 },
	{ "Jean-Luc", 1 },
	{ "O'Brien", 1 },
	{ "Mary Ann", 1 },
	{ " Ada ", 1 },
	{ "Zo\xc3\xab", 1 },                       /* Zoë */
	{ "\xe5\xb1\xb1\xe7\x94\xb0", 1 },         /* 山田 */
	{ "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf", 1 }, /* محمد */
	{ "\xf0\x9f\x98\x80", 1 },
	{ "<script>alert(1)</script>", 1 }, /* escaping is output's job */
	{ "Robert'); DROP TABLE agent;--", 1 },
	{ "", 0 },
	{ " ", 0 },
	{ "   ", 0 },
	{ "\xc2\xa0", 0 },       /* NBSP only */
	{ "\xe3\x80\x80", 0 },   /* ideographic space only */
	{ "\xe2\x80\x8b", 0 },   /* zero-width space only */
	{ " \xe2\x80\x83 ", 0 }, /* em space */
	{ "\t", 0 },
	{ "A\tB", 0 },
	{ "A\nB", 0 },
	{ "A\rB", 0 },
	{ "A\x01", 0 },
	{ "A\x1b[31m", 0 }, /* ANSI escape */
	{ "A\x7f", 0 },     /* DEL */
	{ "A\xc2\x80", 0 }, /* U+0080 (C1) */
	{ "A\xc2\x85", 0 }, /* NEL */
	{ "A\xc2\x9f", 0 }, /* U+009F */
	{ "A\xc2\xa0"
	  "B",
	    1 }, /* NBSP inside is fine */
	{ "A\xe2\x80\xa8"
	  "B",
	    0 }, /* LINE SEPARATOR */
	{ "A\xe2\x80\xae"
	  "B",
	    0 }, /* RIGHT-TO-LEFT OVERRIDE */
	{ "A\xe2\x81\xa6"
	  "B",
	    0 },           /* LEFT-TO-RIGHT ISOLATE */
	{ "\xc0\x80", 0 }, /* not UTF-8 */
	{ "\xed\xa0\x80", 0 },
	{ "\xff", 0 },
};

static void
test_name(struct pl_arena *a)
{
	run(pl_valid_name, name_cases, NITEMS(name_cases));
	T_STR(pl_valid_name(rep(a, "a", PL_NAME_MAX)), NULL, "80 chars");
	T_OK(pl_valid_name(rep(a, "a", PL_NAME_MAX + 1)) != NULL, "81 chars");
	/* Characters, not bytes: 80 three-byte characters pass. */
	T_STR(pl_valid_name(rep(a, "\xe5\xb1\xb1", PL_NAME_MAX)), NULL,
	    "80 CJK chars (240 bytes)");
	T_OK(pl_valid_name(rep(a, "\xe5\xb1\xb1", PL_NAME_MAX + 1)) != NULL,
	    "81 CJK chars");
	T_OK(pl_valid_name(NULL) != NULL, "NULL");
}

static const struct vcase email_cases[] = {
	{ "ada@example.com", 1 },
	{ "Ada.Lovelace@Example.COM", 1 },
	{ "a@b.co", 1 },
	{ "a+tag@mail.example.org", 1 },
	{ "first.last@sub-domain.example.io", 1 },
	{ "o'brien@example.ie", 1 },
	{ "x!#$%&'*+/=?^_`{|}~-y@example.com", 1 },
	{ "user@123.example", 1 },
	{ "user@xn--bcher-kva.example", 1 },
	{ "", 0 },
	{ "plain", 0 },
	{ "@example.com", 0 },
	{ "ada@", 0 },
	{ "ada@localhost", 0 }, /* no dot */
	{ "ada@@example.com", 0 },
	{ "a@b@example.com", 0 },
	{ ".ada@example.com", 0 },
	{ "ada.@example.com", 0 },
	{ "a..da@example.com", 0 },
	{ "ada@.example.com", 0 },
	{ "ada@example.com.", 0 },
	{ "ada@example..com", 0 },
	{ "ada@-example.com", 0 },
	{ "ada@example-.com", 0 },
	{ "ada@example.-com", 0 },
	{ "ada@example.123", 0 }, /* all-digit top label */
	{ "ada@1.2.3.4", 0 },
	{ "ada@[127.0.0.1]", 0 },
	{ "ada lovelace@example.com", 0 },
	{ " ada@example.com", 0 },
	{ "ada@example.com ", 0 },
	{ "\"ada\"@example.com", 0 },
	{ "ada(comment)@example.com", 0 },
	{ "ada@exa_mple.com", 0 },
	{ "ada@example.com\r\nBcc: x@y.z", 0 },
	{ "ada@example.com\n", 0 },
	{ "ad\xc3\xa1@example.com", 0 }, /* non-ASCII local part */
	{ "ada@ex\xc3\xa1mple.com", 0 },
	{ "ada\\@example.com", 0 },
	{ "ada,bob@example.com", 0 },
	{ "ada;@example.com", 0 },
};

static void
test_email(struct pl_arena *a)
{
	const char *s;

	run(pl_valid_email, email_cases, NITEMS(email_cases));

	/* Local part: 64 passes, 65 fails. */
	s = pl_arena_printf(a, "%s@example.com", rep(a, "l", 64));
	T_STR(pl_valid_email(s), NULL, "local part of 64");
	s = pl_arena_printf(a, "%s@example.com", rep(a, "l", 65));
	T_OK(pl_valid_email(s) != NULL, "local part of 65");

	/* Labels: 63 pass, 64 fail. */
	s = pl_arena_printf(a, "a@%s.com", rep(a, "d", 63));
	T_STR(pl_valid_email(s), NULL, "label of 63");
	s = pl_arena_printf(a, "a@%s.com", rep(a, "d", 64));
	T_OK(pl_valid_email(s) != NULL, "label of 64");

	/* Whole address: 254 passes, 255 fails (64 + 1 + 189 = 254). */
	s = pl_arena_printf(a, "%s@%s.%s.%s.com", rep(a, "l", 64),
	    rep(a, "a", 61), rep(a, "b", 61), rep(a, "c", 61));
	T_INT(strlen(s), 254, "length of the 254 case");
	T_STR(pl_valid_email(s), NULL, "254 bytes");
	s = pl_arena_printf(a, "%s@%s.%s.%s.com", rep(a, "l", 64),
	    rep(a, "a", 62), rep(a, "b", 61), rep(a, "c", 61));
	T_OK(pl_valid_email(s) != NULL, "255 bytes");
	T_OK(pl_valid_email(NULL) != NULL, "NULL");

	T_STR(pl_email_normalize(a, "Ada.Lovelace@Example.COM"),
	    "ada.lovelace@example.com", "normalize");
	T_STR(pl_email_normalize(a, "x+TAG@b.co"), "x+tag@b.co", "normalize");
}

static const struct vcase phone_cases[] = {
	{ "+14155552671", 1 },
	{ "+1 (415) 555-2671", 1 },
	{ "(415) 555-2671", 1 },
	{ "415.555.2671", 1 },
	{ "415-555-2671", 1 },
	{ "14155552671", 1 },
	{ "+44 20 7946 0958", 1 },
	{ "+5551234", 1 },         /* 7 digits */
	{ "+123456789012345", 1 }, /* 15 digits */
	{ "5551234", 0 },          /* no country code, not US */
	{ "020 7946 0958", 0 },    /* likewise */
	{ "24155552671", 0 },      /* 11 digits not starting 1 */
	{ "", 0 },
	{ "555123", 0 },            /* 6 digits */
	{ "+1234567890123456", 0 }, /* 16 digits */
	{ "++14155552671", 0 },
	{ "1+4155552671", 0 },
	{ " +14155552671", 0 },
	{ "+1 415 555 2671 ext 3", 0 },
	{ "415-555-2671x3", 0 },
	{ "(415 555-2671", 0 },
	{ "415) 555-2671", 0 },
	{ "((415)) 555-2671", 0 },
	{ ")415( 555-2671", 0 },
	{ "415/555/2671", 0 },
	{ "415_555_2671", 0 },
	{ "+1\t4155552671", 0 },
	{ "+14155552671\n", 0 },
	{ "\xd9\xa4\xd9\xa1\xd9\xa5\xd9\xa5\xd9\xa5\xd9\xa5\xd9\xa5", 0 },
	{ "+1 415 555 2671; DROP", 0 },
	{ "- - - - - - -", 0 },
	{ "+", 0 },
};

static void
test_phone(struct pl_arena *a)
{
	static const struct {
		const char *in, *want;
	} e164[] = {
		{ "+14155552671", "+14155552671" },
		{ "+1 (415) 555-2671", "+14155552671" },
		{ "(415) 555-2671", "+14155552671" },
		{ "415.555.2671", "+14155552671" },
		{ "14155552671", "+14155552671" },
		{ "1 415 555 2671", "+14155552671" },
		{ "+44 20 7946 0958", "+442079460958" },
		{ "+1 415 555 267", "+1415555267" }, /* '+': taken as typed */
		{ "44 20 7946 0958", "+442079460958" },
	};
	const char *s;
	size_t      i;

	run(pl_valid_phone, phone_cases, NITEMS(phone_cases));
	/* 32 bytes pass, 33 fail (with 15 digits each). */
	s = "+1 2 3 4 5 6 7 8 9 0 1 2 3 4 5..";
	T_INT(strlen(s), PL_PHONE_MAX, "32-byte phone");
	T_STR(pl_valid_phone(s), NULL, s);
	s = "+1 2 3 4 5 6 7 8 9 0 1 2 3 4 5...";
	T_OK(pl_valid_phone(s) != NULL, s);
	T_OK(pl_valid_phone(NULL) != NULL, "NULL");

	for (i = 0; i < NITEMS(e164); i++)
		T_STR(pl_phone_e164(a, e164[i].in), e164[i].want, e164[i].in);
}

static const struct vcase password_cases[] = {
	{ "secret", 1 },
	{ "correct horse battery staple", 1 },
	{ "      ", 1 }, /* six spaces are six characters */
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 1 }, /* 6 x é */
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
	    1 }, /* 6 emoji, 24 bytes */
	{ "", 0 },
	{ "short", 0 },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0 }, /* 5 x é, 10 bytes */
	{ "\xe5\xb1\xb1\xe5\xb1\xb1\xe5\xb1\xb1\xe5\xb1\xb1\xe5\xb1\xb1",
	    0 },                           /* 5 CJK, 15 bytes */
	{ "\xc0\x80\xc0\x80\xc0\x80", 0 }, /* not UTF-8 */
	{ "abcde\xff", 0 },
};

static void
test_password(struct pl_arena *a)
{
	run(pl_valid_password, password_cases, NITEMS(password_cases));
	T_STR(
	    pl_valid_password(rep(a, "p", PL_PASSWORD_MAX)), NULL, "128 bytes");
	T_OK(pl_valid_password(rep(a, "p", PL_PASSWORD_MAX + 1)) != NULL,
	    "129 bytes");
	/* The maximum is bytes: 43 three-byte characters are 129 bytes. */
	T_OK(pl_valid_password(rep(a, "\xe5\xb1\xb1", 43)) != NULL,
	    "43 CJK chars (129 bytes)");
	T_STR(pl_valid_password(rep(a, "\xe5\xb1\xb1", 42)), NULL,
	    "42 CJK chars (126 bytes)");
	T_OK(pl_valid_password(NULL) != NULL, "NULL");
}

struct text_case {
	const char *in;
	size_t      max;
	int         multiline;
	int         ok;
};

static const struct text_case text_cases[] = {
	{ "", 10, 0, 1 },
	{ "hello", 10, 0, 1 },
	{ "0123456789", 10, 0, 1 },
	{ "01234567890", 10, 0, 0 },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", 3, 0, 1 }, /* characters, not bytes */
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3, 0, 0 },
	{ "a\nb", 10, 0, 0 },
	{ "a\nb", 10, 1, 1 },
	{ "a\r\nb\tc", 10, 1, 1 },
	{ "a\tb", 10, 0, 0 },
	{ "a\x01"
	  "b",
	    10, 1, 0 },
	{ "a\x0b"
	  "b",
	    10, 1, 0 }, /* VT */
	{ "a\x0c"
	  "b",
	    10, 1, 0 }, /* FF */
	{ "a\x1b"
	  "b",
	    10, 1, 0 },
	{ "a\x7f"
	  "b",
	    10, 1, 0 },
	{ "a\xc2\x85"
	  "b",
	    10, 1, 0 }, /* NEL */
	{ "a\xc2\xa0"
	  "b",
	    10, 0, 1 },
	{ "a\xe2\x80\xa8"
	  "b",
	    10, 0, 1 }, /* U+2028 is not C0/C1 */
	{ "\xc0\x80", 10, 1, 0 },
	{ "\xed\xa0\x80", 10, 1, 0 },
	{ "\xf4\x90\x80\x80", 10, 1, 0 },
	{ "<b>' OR 1=1 --", 20, 0, 1 },
};

static void
test_text(void)
{
	const char *msg;
	size_t      i;

	for (i = 0; i < NITEMS(text_cases); i++) {
		msg = pl_valid_text(text_cases[i].in, text_cases[i].max,
		    text_cases[i].multiline);
		if (text_cases[i].ok)
			T_STR(msg, NULL, text_cases[i].in);
		else
			T_OK(msg != NULL, text_cases[i].in);
	}
}

static void
test_utf8_len(void)
{
	T_INT(pl_utf8_len(""), 0, "\"\"");
	T_INT(pl_utf8_len("abc"), 3, "abc");
	T_INT(pl_utf8_len("caf\xc3\xa9"), 4, "caf\xc3\xa9");
	T_INT(pl_utf8_len("\xe5\xb1\xb1\xe7\x94\xb0"), 2, "2 CJK");
	T_INT(pl_utf8_len("\xf0\x9f\x98\x80!"), 2, "emoji + !");
}

int
main(void)
{
	struct pl_arena *a;

	a = pl_arena_new(0);
	test_name(a);
	test_email(a);
	test_phone(a);
	test_password(a);
	test_text();
	test_utf8_len();
	pl_arena_free(a);
	return t_done();
}
