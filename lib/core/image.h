/* image.h: what an uploaded image really is, read from its bytes: PNG,
 * JPEG or WebP, and its size in pixels, from the header the format
 * defines (PNG's IHDR, JPEG's SOF marker, WebP's VP8, VP8L or VP8X
 * chunk). The name and the Content-Type a client sent are never asked.
 *
 * Pure and bounded: one pass over the bytes, no allocation, no library;
 * anything the check does not understand is refused. SVG (it is a
 * document that can run script) and everything else are not images
 * here. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_IMAGE_H
#define PL_IMAGE_H

#include <stddef.h>

#define PL_IMAGE_MAX_BYTES (512 * 1024) /* a logo's file */
#define PL_IMAGE_MAX_SIDE  2048         /* pixels, each side */
#define PL_IMAGE_MIN_SIDE  16           /* pixels, each side */

enum pl_image_type {
	PL_IMAGE_NONE,
	PL_IMAGE_PNG,
	PL_IMAGE_JPEG,
	PL_IMAGE_WEBP
};

struct pl_image {
	enum pl_image_type type;
	const char        *ctype; /* "image/png", "image/jpeg", "image/webp"
	                           * (static), NULL when refused */
	unsigned width;           /* pixels */
	unsigned height;
};

/*
 * Check p[0..n) as a logo: a whole, well-formed PNG (every chunk's CRC,
 * IHDR first, IEND last), JPEG (SOI, markers up to a frame header, EOI
 * last) or WebP (RIFF of the right length, a VP8, VP8L or VP8X header),
 * of at most PL_IMAGE_MAX_BYTES bytes, PL_IMAGE_MIN_SIDE to
 * PL_IMAGE_MAX_SIDE pixels each side. NULL and *out filled when it is;
 * otherwise a short English sentence (static storage) saying why, and
 * out->type PL_IMAGE_NONE.
 */
const char *pl_image_check(const void *p, size_t n, struct pl_image *out);

#endif
