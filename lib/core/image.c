/* image.c: PNG, JPEG and WebP recognised by their bytes, with their size.
 *
 * Each format is walked as its specification lays it out, and only as
 * far as the size is known, but the whole file must hold together: a PNG
 * is every chunk with its CRC from the signature to IEND and nothing
 * after; a JPEG starts with SOI, reaches a frame header (SOF0-2, what
 * browsers show) through well-sized segments and ends with EOI; a WebP is
 * a RIFF whose length is the file's. So a file that merely starts like an
 * image (an HTML page behind a PNG signature, a truncated upload) is
 * refused. Every loop advances by at least one byte and reads only inside
 * p[0..n). */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "image.h"

static const char e_empty[] = "The file is empty.";
static const char e_big[] = "The file is larger than 512 KiB.";
static const char e_kind[] = "The file is not a PNG, JPEG or WebP image.";
static const char e_markup[] =
    "The file is text or markup (such as SVG or"
    " HTML), not a PNG, JPEG or WebP image.";
static const char e_png[] = "The file is a damaged or unsupported PNG image.";
static const char e_jpeg[] = "The file is a damaged or unsupported JPEG image.";
static const char e_webp[] = "The file is a damaged or unsupported WebP image.";
static const char e_large[] =
    "The image is too large: at most 2048 x 2048 pixels.";
static const char e_small[] =
    "The image is too small: at least 16 x 16 pixels.";

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static unsigned
le24(const unsigned char *p)
{
	return (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0];
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

/* CRC-32 (ISO 3309, as PNG uses it), four bits at a time. */
static uint32_t
crc32_update(uint32_t c, const unsigned char *p, size_t n)
{
	static const uint32_t t[16] = { 0x00000000, 0x1db71064, 0x3b6e20c8,
		0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
		0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0,
		0x86d3d2d4, 0xa00ae278, 0xbdbdf21c };

	c = ~c;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		c = (c >> 4) ^ t[c & 15];
		c = (c >> 4) ^ t[c & 15];
	}
	return ~c;
}

/* A bit depth PNG allows with this colour type. */
static int
png_depth_ok(unsigned color, unsigned depth)
{
	switch (color) {
	case 0: /* grey */
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
		       depth == 16;
	case 3: /* palette */
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2: /* RGB */
	case 4: /* grey and alpha */
	case 6: /* RGBA */
		return depth == 8 || depth == 16;
	default:
		return 0;
	}
}

static int
png_type_ok(const unsigned char *t)
{
	for (int i = 0; i < 4; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') ||
		        (t[i] >= 'a' && t[i] <= 'z')))
			return 0;
	return 1;
}

/* PNG: the signature, IHDR first, every chunk's CRC, at least one IDAT,
 * IEND last and nothing after it. */
static const char *
png_check(const unsigned char *p, size_t n, struct pl_image *out)
{
	size_t   pos = 8;
	int      idat = 0;
	uint32_t len;

	for (;;) {
		const unsigned char *c = p + pos;

		if (n - pos < 12)
			return e_png;
		len = be32(c);
		if (len > 0x7fffffffu || len > n - pos - 12 ||
		    !png_type_ok(c + 4))
			return e_png;
		if (crc32_update(0, c + 4, (size_t)len + 4) !=
		    be32(c + 8 + len))
			return e_png;
		if (pos == 8) {
			if (memcmp(c + 4, "IHDR", 4) != 0 || len != 13)
				return e_png;
			out->width = be32(c + 8);
			out->height = be32(c + 12);
			if (out->width == 0 || out->height == 0 ||
			    out->width > 0x7fffffffu ||
			    out->height > 0x7fffffffu ||
			    !png_depth_ok(c[17], c[16]) || c[18] != 0 ||
			    c[19] != 0 || c[20] > 1)
				return e_png;
		} else if (memcmp(c + 4, "IHDR", 4) == 0)
			return e_png;
		if (memcmp(c + 4, "IDAT", 4) == 0)
			idat = 1;
		pos += 12 + (size_t)len;
		if (memcmp(c + 4, "IEND", 4) == 0)
			return len == 0 && idat && pos == n ? NULL : e_png;
	}
}

/* A frame header browsers decode: baseline, extended, progressive. */
static int
jpeg_sof(unsigned m)
{
	return m == 0xc0 || m == 0xc1 || m == 0xc2;
}

/* Any other start-of-frame: lossless, hierarchical, arithmetic. */
static int
jpeg_sof_other(unsigned m)
{
	return m >= 0xc3 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* JPEG: SOI, segments of the sizes they say up to a frame header, before
 * any scan; EOI as the last two bytes. */
static const char *
jpeg_check(const unsigned char *p, size_t n, struct pl_image *out)
{
	size_t   pos = 2;
	unsigned m, len;

	if (n < 8 || p[n - 2] != 0xff || p[n - 1] != 0xd9)
		return e_jpeg;
	for (;;) {
		if (pos >= n || p[pos] != 0xff)
			return e_jpeg;
		while (pos < n && p[pos] == 0xff) /* fill bytes */
			pos++;
		if (pos >= n)
			return e_jpeg;
		m = p[pos++];
		if (m == 0x00 || m == 0xd8 || m == 0xd9 || m == 0xda ||
		    jpeg_sof_other(m))
			return e_jpeg; /* no frame before a scan or the end */
		if ((m >= 0xd0 && m <= 0xd7) || m == 0x01)
			continue; /* markers without a length */
		if (n - pos < 2)
			return e_jpeg;
		len = be16(p + pos);
		if (len < 2 || len > n - pos)
			return e_jpeg;
		if (jpeg_sof(m)) {
			const unsigned char *f = p + pos;

			/* precision, height, width, components (3 bytes
			 * each) */
			if (len < 8 || f[2] != 8 || f[7] == 0 ||
			    len != 8 + 3u * f[7])
				return e_jpeg;
			out->height = be16(f + 3);
			out->width = be16(f + 5);
			return out->width == 0 || out->height == 0 ? e_small
			                                           : NULL;
		}
		pos += len;
	}
}

/* The frame header of a lossy (VP8) or lossless (VP8L) bitstream in a
 * chunk's payload d[0..n). */
static const char *
webp_frame(const unsigned char *fourcc, const unsigned char *d, size_t n,
    unsigned *w, unsigned *h)
{
	uint32_t bits;

	if (memcmp(fourcc, "VP8 ", 4) == 0) {
		if (n < 10)
			return e_webp;
		bits =
		    (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16;
		/* A key frame (bit 0 clear), version 0-3, shown, its first
		 * partition inside the chunk, then the start code. */
		if ((bits & 1) != 0 || ((bits >> 1) & 7) > 3 ||
		    ((bits >> 4) & 1) == 0 || (bits >> 5) > n - 10 ||
		    d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a)
			return e_webp;
		*w = le16(d + 6) & 0x3fff;
		*h = le16(d + 8) & 0x3fff;
		return NULL;
	}
	if (memcmp(fourcc, "VP8L", 4) == 0) {
		if (n < 5 || d[0] != 0x2f)
			return e_webp;
		bits = le32(d + 1);
		if ((bits >> 29) != 0) /* version */
			return e_webp;
		*w = (bits & 0x3fff) + 1;
		*h = ((bits >> 14) & 0x3fff) + 1;
		return NULL;
	}
	return e_webp;
}

/* WebP: RIFF of the file's length, then one VP8 or VP8L chunk, or a VP8X
 * header (the canvas) and chunks that hold an image or an animation. */
static const char *
webp_check(const unsigned char *p, size_t n, struct pl_image *out)
{
	size_t      pos = 12, size, padded;
	unsigned    w = 0, h = 0;
	int         img = 0;
	const char *why;

	if (le32(p + 4) != n - 8 || n < 20)
		return e_webp;
	for (; pos < n; pos += 8 + padded) {
		const unsigned char *c = p + pos;

		if (n - pos < 8)
			return e_webp;
		size = le32(c + 4);
		if (size > n - pos - 8)
			return e_webp;
		/* Chunks are padded to even lengths; the last may not be. */
		padded = size + (size & 1);
		if (padded > n - pos - 8)
			padded = size;
		if (pos == 12) {
			if (memcmp(c, "VP8X", 4) == 0) {
				if (size < 10 || (c[8] & 0xc1) != 0)
					return e_webp;
				w = le24(c + 12) + 1;
				h = le24(c + 15) + 1;
				continue;
			}
			if ((why = webp_frame(c, c + 8, size, &w, &h)) != NULL)
				return why;
			/* The simple format: this chunk is the file. */
			if (pos + 8 + padded != n)
				return e_webp;
			img = 1;
			break;
		}
		if (memcmp(c, "VP8 ", 4) == 0 || memcmp(c, "VP8L", 4) == 0) {
			unsigned fw, fh;

			if ((why = webp_frame(c, c + 8, size, &fw, &fh)) !=
			    NULL)
				return why;
			if (fw > w || fh > h)
				return e_webp;
			img = 1;
		} else if (memcmp(c, "ANMF", 4) == 0)
			img = 1;
		else if (memcmp(c, "VP8X", 4) == 0)
			return e_webp;
	}
	if (!img)
		return e_webp;
	out->width = w;
	out->height = h;
	return NULL;
}

/* Text or markup: what an SVG or HTML file starts with, after an optional
 * byte-order mark and white space. */
static int
is_markup(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && i < 1024 &&
	       (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < n && p[i] == '<';
}

const char *
pl_image_check(const void *data, size_t n, struct pl_image *out)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0d,
		0x0a, 0x1a, 0x0a };
	const unsigned char       *p = data;
	const char                *why;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return e_empty;
	if (n > PL_IMAGE_MAX_BYTES)
		return e_big;
	if (n >= 8 && memcmp(p, png_sig, 8) == 0) {
		out->type = PL_IMAGE_PNG;
		out->ctype = "image/png";
		why = png_check(p, n, out);
	} else if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
		out->type = PL_IMAGE_JPEG;
		out->ctype = "image/jpeg";
		why = jpeg_check(p, n, out);
	} else if (n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	           memcmp(p + 8, "WEBP", 4) == 0) {
		out->type = PL_IMAGE_WEBP;
		out->ctype = "image/webp";
		why = webp_check(p, n, out);
	} else
		why = is_markup(p, n) ? e_markup : e_kind;
	if (why == NULL) {
		if (out->width > PL_IMAGE_MAX_SIDE ||
		    out->height > PL_IMAGE_MAX_SIDE)
			why = e_large;
		else if (out->width < PL_IMAGE_MIN_SIDE ||
		         out->height < PL_IMAGE_MIN_SIDE)
			why = e_small;
	}
	if (why != NULL)
		memset(out, 0, sizeof(*out));
	return why;
}
