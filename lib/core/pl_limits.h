/* pl_limits.h: every input limit, in one place; nginx's match. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_LIMITS_H
#define PL_LIMITS_H

#define PL_MAX_BODY       (64 * 1024)       /* urlencoded or JSON body */
#define PL_MAX_UPLOAD     (2 * 1024 * 1024) /* multipart body (logos later) */
#define PL_MAX_FIELDS     128 /* fields in a form, query or JSON object */
#define PL_MAX_FIELD      (8 * 1024) /* bytes in one field value */
#define PL_MAX_NAME       64         /* bytes in one field name */
#define PL_MAX_JSON_DEPTH 16
#define PL_MAX_QUERY      4096 /* bytes of QUERY_STRING */
#define PL_MAX_COOKIES    32
#define PL_MAX_COOKIE     4096 /* bytes of the Cookie header */
#define PL_MAX_FILES      4    /* files in one multipart form */
#define PL_MAX_TOKEN      4096 /* bytes of a bearer token */
#define PL_PAGE_DEFAULT   25
#define PL_PAGE_MAX       100

#define PL_POLL_SECONDS 25 /* a long-poll waits this long for events */
#define PL_MAX_STREAMS  8  /* streams one poll may follow */

#endif
