/* mail.h: composing RFC 5322 messages and sending them over SMTP (libcurl). */
/* SPDX-License-Identifier: MIT */
#ifndef PL_MAIL_H
#define PL_MAIL_H

#include <stddef.h>

#include "err.h"

struct pl_arena;

struct pl_mail {
	const char *from_name; /* display name, UTF-8, may be NULL */
	const char *from_addr; /* bare address */
	const char *to_name;   /* may be NULL */
	const char *to_addr;
	const char *subject; /* UTF-8 */
	const char *text;    /* text/plain body, UTF-8 */
	const char *html;    /* text/html alternative, may be NULL */
	const char
	    *message_id; /* without <>; NULL makes one from a random token */
};

/*
 * The message as bytes ready for SMTP, into the arena: CRLF line ends;
 * headers Date, From, To, Subject, Message-ID, MIME-Version; display names
 * and subject as RFC 2047 encoded-words (=?UTF-8?B?...?=) whenever they hold
 * anything but printable ASCII without specials, so no user text can add a
 * header (CR, LF and every control character are impossible in the output
 * headers); bodies quoted-printable, UTF-8, multipart/alternative when html
 * is set. Addresses with CR, LF, '<', '>', ',' or spaces are refused with
 * PL_EINVAL (they must have passed pl_valid_email() anyway).
 */
enum pl_err pl_mail_compose(struct pl_arena *a, const struct pl_mail *m,
    const char **out, size_t *outn);

/*
 * Send composed bytes over SMTP with libcurl: url like
 * "smtp://127.0.0.1:1025/parley.local" (the path is the EHLO name; smtps://
 * and STARTTLS via "smtp+starttls" are up to the URL), optional user and
 * password (NULL for none), 10 s connect and 30 s total timeouts. PL_OK,
 * PL_EUNAVAIL when the server cannot be reached or says 4xx (retry later),
 * PL_EINVAL when it refuses for good (5xx). Logs the failure (never the body).
 */
enum pl_err pl_mail_send(const char *url, const char *user, const char *pass,
    const char *from_addr, const char *to_addr, const char *msg, size_t n);

#endif
