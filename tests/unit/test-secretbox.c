/* test-secretbox.c: sealed secrets round trip, and every tampered, moved,
 * misversioned or wrongly keyed box stays shut; the data key file's checks
 * in config. */
/* SPDX-License-Identifier: MIT */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "secretbox.h"
#include "t.h"

#define NITEMS(x) (sizeof(x) / sizeof((x)[0]))

static unsigned char key[PL_SEAL_KEY_LEN], key2[PL_SEAL_KEY_LEN];

/* Open text with aad; true if it opens to want. */
static bool
opens_to(struct pl_arena *a, const unsigned char *k, const char *text,
    const char *aad, const char *want, size_t wantn)
{
	unsigned char *out;
	size_t         outn;

	if (pl_open(a, k, text, aad, strlen(aad), &out, &outn) != PL_OK)
		return false;
	return outn == wantn && memcmp(out, want, wantn) == 0 &&
	       out[outn] == '\0';
}

static void
test_round_trip(struct pl_arena *a)
{
	static const struct {
		const char *plain;
		size_t      n;
		const char *aad;
	} cases[] = {
		{ "0123456789abcdef0123456789abcdef", 32, "twilio:platform" },
		{ "", 0, "twilio:tenant:42" },
		{ "a", 1, "" },
		{ "with\0nul", 8, "twilio:tenant:7" },
		{ "caf\xc3\xa9 \xe2\x82\xac", 9, "x" },
	};
	char  *box, *box2, *big;
	size_t i;

	for (i = 0; i < NITEMS(cases); i++) {
		T_INT(pl_seal(a, key, cases[i].plain, cases[i].n, cases[i].aad,
		          strlen(cases[i].aad), &box),
		    PL_OK, cases[i].aad);
		T_OK(box != NULL && strncmp(box, "v1.", 3) == 0 &&
		         strlen(box) ==
		             3 + 16 + 1 + ((cases[i].n + 16) * 4 + 2) / 3,
		    box ? box : "(null)");
		T_OK(opens_to(
		         a, key, box, cases[i].aad, cases[i].plain, cases[i].n),
		    cases[i].aad);
		/* A fresh nonce each time: the same secret never seals the
		 * same way twice. */
		T_INT(pl_seal(a, key, cases[i].plain, cases[i].n, cases[i].aad,
		          strlen(cases[i].aad), &box2),
		    PL_OK, "seal again");
		T_OK(strcmp(box, box2) != 0, "two seals differ");
		T_OK(strspn(box + 3,
		         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		         "opqrstuvwxyz0123456789-_.") == strlen(box + 3),
		    "base64url text");
	}

	/* Limits. */
	big = pl_arena_alloc(a, PL_SEAL_MAX + 1);
	memset(big, 'x', PL_SEAL_MAX + 1);
	T_INT(pl_seal(a, key, big, PL_SEAL_MAX, "a", 1, &box), PL_OK,
	    "PL_SEAL_MAX bytes");
	T_OK(opens_to(a, key, box, "a", big, PL_SEAL_MAX), "largest opens");
	T_INT(pl_seal(a, key, big, PL_SEAL_MAX + 1, "a", 1, &box), PL_ETOOBIG,
	    "one byte over");
	T_OK(box == NULL, "no box over the limit");
}

static void
test_tamper(struct pl_arena *a)
{
	static const char secret[] = "auth-token-0123456789abcdef";
	static const char aad[] = "twilio:tenant:42";
	unsigned char    *out;
	size_t            outn, i, n;
	char             *box, *t;
	int               shut = 0, total = 0;

	if (pl_seal(a, key, secret, sizeof(secret) - 1, aad, strlen(aad),
	        &box) != PL_OK) {
		T_OK(0, "seal");
		return;
	}
	n = strlen(box);

	/* Flip each character of the text to another of the alphabet; the
	 * '.' separators and the version become other characters too. */
	for (i = 0; i < n; i++) {
		t = pl_arena_strdup(a, box);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		total++;
		if (pl_open(a, key, t, aad, strlen(aad), &out, &outn) ==
		        PL_EINVAL &&
		    out == NULL && outn == 0)
			shut++;
	}
	T_INT(shut, total, "every changed character is refused");

	/* Each part on its own. */
	static const struct {
		const char *what, *text;
	} bad[] = {
		{ "no version", "" },
		{ "v2", "v2." },
		{ "V1", "V1." },
		{ "nothing after the version", "v1." },
		{ "no ciphertext", "v1.AAAAAAAAAAAAAAAA" },
		{ "empty ciphertext", "v1.AAAAAAAAAAAAAAAA." },
		{ "short tag", "v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAA" },
		{ "short nonce", "v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA" },
		{ "bad characters",
		    "v1.AAAAAAAAAAAAAAAA.AAAA+AAA/AAAAAAAAAAAAA" },
	};
	for (i = 0; i < NITEMS(bad); i++)
		T_INT(
		    pl_open(a, key, bad[i].text, aad, strlen(aad), &out, &outn),
		    PL_EINVAL, bad[i].what);
	T_INT(pl_open(a, key, NULL, aad, strlen(aad), &out, &outn), PL_EINVAL,
	    "NULL text");

	/* Wrong version on a real box; a third part; padding; truncation;
	 * one more character. */
	t = pl_arena_strdup(a, box);
	t[1] = '2';
	T_INT(pl_open(a, key, t, aad, strlen(aad), &out, &outn), PL_EINVAL,
	    "v2 on a real box");
	T_INT(pl_open(a, key, pl_arena_printf(a, "%s.AAAA", box), aad,
	          strlen(aad), &out, &outn),
	    PL_EINVAL, "a third part");
	T_INT(pl_open(a, key, pl_arena_printf(a, "%s=", box), aad, strlen(aad),
	          &out, &outn),
	    PL_EINVAL, "padding");
	T_INT(pl_open(a, key, pl_arena_strndup(a, box, n - 1), aad, strlen(aad),
	          &out, &outn),
	    PL_EINVAL, "one character short");
	T_INT(pl_open(a, key, pl_arena_strndup(a, box, n - 4), aad, strlen(aad),
	          &out, &outn),
	    PL_EINVAL, "three bytes short");
	T_INT(pl_open(a, key, pl_arena_printf(a, "%sA", box), aad, strlen(aad),
	          &out, &outn),
	    PL_EINVAL, "one character more");
	T_INT(pl_open(a, key, pl_arena_printf(a, "%sAAAA", box), aad,
	          strlen(aad), &out, &outn),
	    PL_EINVAL, "three bytes more");

	/* Swapping nonces between two boxes of the same key. */
	{
		char *box2, *mix;

		if (pl_seal(a, key, secret, sizeof(secret) - 1, aad,
		        strlen(aad), &box2) == PL_OK) {
			mix = pl_arena_printf(
			    a, "v1.%.16s%s", box2 + 3, strchr(box + 3, '.'));
			T_INT(
			    pl_open(a, key, mix, aad, strlen(aad), &out, &outn),
			    PL_EINVAL, "another box's nonce");
		}
	}

	/* Still opens, untouched. */
	T_OK(opens_to(a, key, box, aad, secret, sizeof(secret) - 1),
	    "the original still opens");
}

static void
test_binding(struct pl_arena *a)
{
	static const char secret[] = "s3cr3t";
	unsigned char    *out;
	size_t            outn;
	char             *box, *empty;

	if (pl_seal(a, key, secret, 6, "twilio:tenant:42", 16, &box) != PL_OK) {
		T_OK(0, "seal");
		return;
	}
	T_INT(pl_open(a, key, box, "twilio:tenant:43", 16, &out, &outn),
	    PL_EINVAL, "another tenant's row");
	T_INT(pl_open(a, key, box, "twilio:platform", 15, &out, &outn),
	    PL_EINVAL, "the platform row");
	T_INT(pl_open(a, key, box, "twilio:tenant:4", 15, &out, &outn),
	    PL_EINVAL, "a prefix of the aad");
	T_INT(pl_open(a, key, box, "", 0, &out, &outn), PL_EINVAL, "no aad");
	T_INT(pl_open(a, key2, box, "twilio:tenant:42", 16, &out, &outn),
	    PL_EINVAL, "wrong key");
	T_OK(opens_to(a, key, box, "twilio:tenant:42", secret, 6), "right aad");

	/* Empty plaintext is authenticated too. */
	if (pl_seal(a, key, "", 0, "row:1", 5, &empty) == PL_OK) {
		T_OK(opens_to(a, key, empty, "row:1", "", 0), "empty opens");
		T_INT(pl_open(a, key, empty, "row:2", 5, &out, &outn),
		    PL_EINVAL, "empty, wrong aad");
		T_INT(pl_open(a, key2, empty, "row:1", 5, &out, &outn),
		    PL_EINVAL, "empty, wrong key");
	}

	/* No key configured: unavailable, never a crash or a plain copy. */
	T_INT(pl_seal(a, NULL, secret, 6, "x", 1, &box), PL_EUNAVAIL,
	    "seal without a key");
	T_OK(box == NULL, "no box without a key");
	T_INT(pl_open(a, NULL, "v1.AAAA.AAAA", "x", 1, &out, &outn),
	    PL_EUNAVAIL, "open without a key");
}

/* Write n bytes to a new file of the given mode; its path. */
static const char *
key_file(struct pl_arena *a, const char *dir, const char *name, const void *p,
    size_t n, mode_t mode)
{
	const char *path = pl_arena_printf(a, "%s/%s", dir, name);
	int         fd;

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		return path;
	if (write(fd, p, n) != (ssize_t)n)
		T_OK(0, "write key file");
	(void)fchmod(fd, mode);
	close(fd);
	return path;
}

static void
test_config(struct pl_arena *a)
{
	static const struct {
		const char *name;
		size_t      n;
		mode_t      mode;
		enum pl_err want;
	} cases[] = {
		{ "ok", 32, 0600, PL_OK },
		{ "read-only", 32, 0400, PL_OK },
		{ "short", 31, 0600, PL_EINVAL },
		{ "long", 33, 0600, PL_EINVAL },
		{ "empty", 0, 0600, PL_EINVAL },
		{ "group-readable", 32, 0640, PL_EINVAL },
		{ "world-readable", 32, 0604, PL_EINVAL },
	};
	unsigned char    raw[64];
	char             tmpl[] = "/tmp/test-secretbox-XXXXXX";
	struct pl_config c;
	const char      *dir, *secret, *path;
	size_t           i;
	enum pl_err      er;

	if ((dir = mkdtemp(tmpl)) == NULL) {
		T_OK(0, "mkdtemp");
		return;
	}
	pl_random(raw, sizeof(raw));
	secret = key_file(a, dir, "secret", raw, sizeof(raw), 0600);
	setenv("PARLEY_SECRET_FILE", secret, 1);

	/* Unset: the process boots, and nothing can be sealed (and the
	 * Twilio URL is Twilio's; the test stack's environment sets one). */
	unsetenv("PARLEY_DATA_KEY_FILE");
	unsetenv("PARLEY_TWILIO_API_URL");
	T_INT(pl_config_load(&c), PL_OK, "no data key file");
	T_OK(pl_config_data_key(&c) == NULL, "no data key");
	T_STR(c.twilio_api_url, "https://api.twilio.com", "Twilio default");

	for (i = 0; i < NITEMS(cases); i++) {
		path = key_file(
		    a, dir, cases[i].name, raw, cases[i].n, cases[i].mode);
		setenv("PARLEY_DATA_KEY_FILE", path, 1);
		er = pl_config_load(&c);
		T_INT(er, cases[i].want, cases[i].name);
		if (er == PL_OK)
			T_OK(pl_config_data_key(&c) != NULL &&
			         memcmp(pl_config_data_key(&c), raw, 32) == 0,
			    cases[i].name);
		(void)unlink(path);
	}
	setenv("PARLEY_DATA_KEY_FILE", pl_arena_printf(a, "%s/none", dir), 1);
	T_INT(pl_config_load(&c), PL_EINVAL, "missing data key file");
	setenv("PARLEY_DATA_KEY_FILE", dir, 1);
	T_INT(pl_config_load(&c), PL_EINVAL, "a directory");
	unsetenv("PARLEY_DATA_KEY_FILE");

	setenv("PARLEY_TWILIO_API_URL", "http://127.0.0.1:4010", 1);
	T_INT(pl_config_load(&c), PL_OK, "Twilio URL");
	T_STR(c.twilio_api_url, "http://127.0.0.1:4010", "Twilio URL");
	setenv("PARLEY_TWILIO_API_URL", "http://127.0.0.1:4010/", 1);
	T_INT(pl_config_load(&c), PL_EINVAL, "Twilio URL with a slash");
	unsetenv("PARLEY_TWILIO_API_URL");

	(void)unlink(secret);
	(void)rmdir(dir);
}

int
main(void)
{
	struct pl_arena *a = pl_arena_new(0);

	pl_random(key, sizeof(key));
	pl_random(key2, sizeof(key2));
	test_round_trip(a);
	test_tamper(a);
	test_binding(a);
	test_config(a);
	pl_arena_free(a);
	return t_done();
}
