// sources: lib/core/twilio.c lib/core/crypto.c lib/core/arena.c
// lib/core/buf.c lib/core/log.c
/* fuzz-twilio.c: libFuzzer harness for the Twilio JSON error reader, the
 * form encoder and the webhook signature's URL handling.
 *
 * The input is read as Twilio's error body: whatever it is, the result is
 * either PL_OK with NUL-terminated, control-free UTF-8 strings inside their
 * buffers and a code or a message, or PL_EINVAL with a zeroed struct. It is
 * also cut at newlines into form names and values, whose encoding must use
 * only unreserved characters, '%XX', '=' and '&', and decode back to the
 * same bytes. Last, its first line is a URL: its signature must verify
 * (with the default port added or removed too), and the input itself,
 * taken as a signature header, must not crash the check.
 */
/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"
#include "twilio.h"

#define MAX_PAIRS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pl_arena *arena;

/* Valid UTF-8 without control characters, NUL-terminated inside max. */
static bool
text_ok(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t               n = strnlen(s, max), i = 0, k, len;

	if (n == max)
		return false;
	while (i < n) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
		if (p[i] < 0x80)
			len = 1;
		else if (p[i] >= 0xc2 && p[i] <= 0xdf)
			len = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			len = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			len = 4;
		else
			return false;
		if (len > n - i)
			return false;
		for (k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

static void
check_error(const uint8_t *data, size_t size)
{
	static const struct pl_twilio_error zero;
	struct pl_twilio_error              e;
	enum pl_err                         er;

	er = pl_twilio_error_parse((const char *)data, size, &e);
	if (er != PL_OK) {
		if (er != PL_EINVAL || memcmp(&e, &zero, sizeof(e)) != 0)
			abort();
		return;
	}
	if (!text_ok(e.message, sizeof(e.message)) ||
	    !text_ok(e.more_info, sizeof(e.more_info)))
		abort();
	if (e.code <= 0 && e.message[0] == '\0')
		abort();
	if (e.code < 0 || e.code > INT32_MAX ||
	    (e.status != 0 && (e.status < 100 || e.status > 599)))
		abort();
}

static int
hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode p[0..n) into out (room for n bytes); its length, or -1. */
static long
pct_decode(const char *p, size_t n, char *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '%') {
			if (i + 2 >= n || hexv(p[i + 1]) < 0 ||
			    hexv(p[i + 2]) < 0)
				return -1;
			out[k++] = (char)(hexv(p[i + 1]) << 4 | hexv(p[i + 2]));
			i += 2;
		} else if (strchr(
		               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		               "vwxyz0123456789-._~",
		               p[i]) != NULL &&
		           p[i] != '\0') {
			out[k++] = p[i];
		} else {
			return -1;
		}
	}
	return (long)k;
}

static bool
part_equal(const char *p, size_t n, const char *want)
{
	char *buf = pl_arena_alloc(arena, n + 1);
	long  k = pct_decode(p, n, buf);

	return k >= 0 && (size_t)k == strlen(want) &&
	       memcmp(buf, want, (size_t)k) == 0;
}

static void
check_form(const uint8_t *data, size_t size)
{
	struct pl_kv kv[MAX_PAIRS];
	const char  *s, *p, *line, *eq, *amp;
	size_t       n = 0, i, len;
	char        *text;

	/* Lines, alternately name and value (a NUL ends a string early). */
	text = pl_arena_strndup(arena, (const char *)data, size);
	line = text;
	while (n < MAX_PAIRS && line < text + size) {
		len = strcspn(line, "\n");
		kv[n].key = pl_arena_strndup(arena, line, len);
		line += len + 1;
		len = line < text + size ? strcspn(line, "\n") : 0;
		kv[n].val = pl_arena_strndup(
		    arena, line < text + size ? line : "", len);
		kv[n].vlen = 0;
		line += len + 1;
		n++;
	}
	s = pl_twilio_form_encode(arena, kv, n);
	for (p = s; *p != '\0'; p++)
		if (strchr(
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		        "0123456789-._~%=&",
		        *p) == NULL)
			abort();
	for (i = 0, p = s; i < n; i++) {
		eq = strchr(p, '=');
		amp = p + strcspn(p, "&");
		if (eq == NULL || eq > amp)
			abort();
		if (!part_equal(p, (size_t)(eq - p), kv[i].key) ||
		    !part_equal(eq + 1, (size_t)(amp - eq - 1), kv[i].val))
			abort();
		p = *amp == '&' ? amp + 1 : amp;
	}
	if (*p != '\0')
		abort();
}

static void
check_signature(const uint8_t *data, size_t size)
{
	static const struct pl_kv params[] = {
		{ "To", "+15005550006", 12 },
		{ "Body", "hi", 2 },
	};
	const char *url, *hdr, *sig;
	size_t      len;

	hdr = pl_arena_strndup(arena, (const char *)data, size);
	len = strcspn(hdr, "\n");
	url = pl_arena_strndup(arena, hdr, len);
	sig = pl_twilio_signature(arena, "tok", url, params, 2);
	if (!pl_twilio_signature_ok("tok", url, params, 2, sig))
		abort();
	(void)pl_twilio_signature_ok("tok", url, params, 2, hdr);
	(void)pl_twilio_sid_ok(url, NULL);
	(void)pl_twilio_mask_sid(arena, url);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (arena == NULL)
		arena = pl_arena_new(0);
	check_error(data, size);
	check_form(data, size);
	check_signature(data, size);
	pl_arena_reset(arena);
	return 0;
}
