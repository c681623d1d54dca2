// sources: lib/core/image.c
/* fuzz-image.c: libFuzzer harness for the logo check (lib/core/image.h).
 *
 * Any input is checked as an uploaded file; the check must never read
 * outside it (ASan), and what it says must hold together: an accepted
 * file is PNG, JPEG or WebP by its first bytes, with its content type, and
 * within the pixel and byte limits; a refused one has a message and no
 * type, type name or size. The input is also tried behind each format's
 * signature, so the parsers behind the magic bytes get most of the
 * inputs, and the check must give the same answer twice (it keeps no
 * state). Seeds: tests/fuzz/seeds/image (real tiny PNG, JPEG and WebPs).
 */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const uint8_t *p, size_t n)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0d,
		0x0a, 0x1a, 0x0a };
	struct pl_image            img, again;
	const char                *why = pl_image_check(p, n, &img);

	if (why != NULL) {
		if (*why == '\0' || img.type != PL_IMAGE_NONE ||
		    img.ctype != NULL || img.width != 0 || img.height != 0)
			abort();
	} else {
		if (n == 0 || n > PL_IMAGE_MAX_BYTES ||
		    img.width < PL_IMAGE_MIN_SIDE ||
		    img.height < PL_IMAGE_MIN_SIDE ||
		    img.width > PL_IMAGE_MAX_SIDE ||
		    img.height > PL_IMAGE_MAX_SIDE)
			abort();
		switch (img.type) {
		case PL_IMAGE_PNG:
			if (n < 8 || memcmp(p, png_sig, 8) != 0 ||
			    strcmp(img.ctype, "image/png") != 0)
				abort();
			break;
		case PL_IMAGE_JPEG:
			if (n < 4 || p[0] != 0xff || p[1] != 0xd8 ||
			    p[n - 2] != 0xff || p[n - 1] != 0xd9 ||
			    strcmp(img.ctype, "image/jpeg") != 0)
				abort();
			break;
		case PL_IMAGE_WEBP:
			if (n < 12 || memcmp(p, "RIFF", 4) != 0 ||
			    memcmp(p + 8, "WEBP", 4) != 0 ||
			    strcmp(img.ctype, "image/webp") != 0)
				abort();
			break;
		default:
			abort();
		}
	}
	if ((pl_image_check(p, n, &again) == NULL) != (why == NULL) ||
	    again.type != img.type || again.width != img.width ||
	    again.height != img.height)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char *const heads[] = {
		(const unsigned char *)"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR",
		(const unsigned char *)"\xff\xd8\xff",
		(const unsigned char *)"RIFF\0\0\0\0WEBPVP8",
	};
	static const size_t heads_len[] = { 16, 3, 15 };
	uint8_t            *buf;

	check(data, size);
	if (size > 65536)
		return 0;
	buf = malloc(size + 16);
	if (buf == NULL)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		memcpy(buf, heads[i], heads_len[i]);
		memcpy(buf + heads_len[i], data, size);
		/* A RIFF that says its own length, so the chunks are read. */
		if (i == 2) {
			uint32_t l = (uint32_t)(size + heads_len[i] - 8);

			buf[4] = (uint8_t)l;
			buf[5] = (uint8_t)(l >> 8);
			buf[6] = (uint8_t)(l >> 16);
			buf[7] = (uint8_t)(l >> 24);
		}
		check(buf, size + heads_len[i]);
	}
	free(buf);
	return 0;
}
