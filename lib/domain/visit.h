/* visit.h: the visitor's side of a widget: its public configuration, a
 * request (conversation) started from it, the visitor's messages, the end
 * of a chat, and a message left while the widget is closed.
 *
 * The visitor is nobody Parley knows: no user, no session, no cookie. It
 * holds a conversation by a token (32 random bytes, 43 base64url
 * characters) handed out once when the conversation starts; the database
 * keeps its SHA-256 and compares in constant time. A wrong token, another
 * widget's conversation and a missing one are the same PL_ENOTFOUND, so a
 * visitor learns nothing of other conversations. Only an active widget of
 * an unblocked tenant answers; any other key is PL_ENOTFOUND too.
 *
 * Every write is one change (pl_change_run) by the visitor's actor
 * (pl_visit_actor: role PL_ROLE_PUBLIC, no user, the widget's tenant) and
 * is durable before it is acknowledged: the rows, the widget's counters
 * (message_count, waiting_count) and the events ("request.new" on the
 * tenant's stream; "message.new", "chat.ended" on the conversation's,
 * PL_STREAM_CONV) commit together, and the streams are woken after the
 * commit. Visitors are not audited: the audit log records what staff do,
 * and a conversation is its own record.
 *
 * Rate limits (fixed one-minute windows, counted before the write, bad
 * attempts included) apply per client address and per widget to starts
 * (and left messages) and to sends: PL_ETOOMANY with the message in fe.
 */
/* SPDX-License-Identifier: MIT */
#ifndef PL_VISIT_H
#define PL_VISIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "hours.h"

struct pl_arena;

extern const struct pl_sqlset pl_visit_sql;

#define PL_VISIT_BODY_MAX   2000 /* characters of a message */
#define PL_VISIT_CLIENT_MAX 64   /* bytes of a client message id */
#define PL_VISIT_TOKEN_LEN  43   /* characters of a visitor token */

/* Requests per client address and per widget, per minute. */
struct pl_visit_limits {
	int start_addr;   /* starts and left messages */
	int start_widget; /* likewise, all addresses together */
	int send_addr;
	int send_widget;
};
extern const struct pl_visit_limits pl_visit_limits_default; /* 10 300
                                                              * 120 3000 */

struct pl_visit_dept {
	int64_t     id;
	const char *name;
};

/* A widget as its visitors see it (strings arena-owned). */
struct pl_visit_widget {
	int64_t         id;
	int64_t         tenant_id;
	const char     *key;
	const char     *company; /* the tenant's name: the widget's title */
	const char     *website_url;
	const char     *website_origin; /* the one origin that may frame it */
	struct pl_hours hours;
	const char     *phone_number; /* E.164, or NULL without an active
	                               * number */
	const char *logo_version;     /* the logo's SHA-256 (for ?v=), or
	                               * NULL without a logo */
	struct pl_visit_dept *depts;  /* its active departments, by name */
	size_t                ndepts;
	/* At the instant the widget was read: */
	bool        open;
	int64_t     next_open;  /* seconds since the epoch; 0: never */
	const char *next_label; /* "Monday 9:00 AM Eastern", or NULL */
};

/* What a visitor types to start a chat or leave a message. */
struct pl_visit_input {
	const char *name;
	const char *email;         /* an e-mail or a phone is required */
	const char *phone;         /* stored as typed and in E.164 */
	int64_t     department_id; /* 0: none (the only one is taken) */
	const char *message;       /* the first message; "" none (a left
	                            * message requires one) */
	const char *client_id;     /* the first message's id, may be "" */
	const char *page_url;      /* where the chat started, may be "" */
	const char *addr;          /* the client address (rate limits) */
};

/* A conversation as its visitor sees it. */
struct pl_visit_conv {
	int64_t     id;
	const char *status; /* new ongoing resolved closed */
	const char *channel;
	bool        ended;
	int64_t     holder; /* the agent holding it while ongoing, else 0 (for
	                     * the engine; never shown to the visitor) */
	const char *token;  /* only from pl_visit_start: shown once */
	const char *cursor; /* the conversation's stream after the start */
};

struct pl_visit_msg {
	int64_t     id;
	int64_t     conversation_id;
	const char *sender; /* visitor agent system */
	const char *body;
	const char *client_id;  /* "" when none */
	const char *created_at; /* "2026-01-31 14:05:09.123" UTC */
};

/* The visitor's actor in tenant_id: no user, role PL_ROLE_PUBLIC. */
struct pl_actor pl_visit_actor(int64_t tenant_id);

/*
 * The widget of public key key, with its active departments and its hours
 * at now (seconds since the epoch). PL_OK, or PL_ENOTFOUND for a key that
 * is malformed, unknown, of an inactive widget or of a blocked tenant.
 */
enum pl_err pl_visit_widget(struct pl_db *db, struct pl_arena *a,
    const char *key, int64_t now, struct pl_visit_widget *w);

/*
 * The widget's logo: its content type (checked when stored), bytes and
 * version. PL_ENOTFOUND without one (or for a key pl_visit_widget refuses).
 */
enum pl_err pl_visit_logo(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, const char **ctype, const void **bytes,
    size_t *len);

/*
 * Start a chat (message false) or leave a message (message true: the
 * widget may be open or closed; the message is required) on w as read at
 * now. Checks the fields (errors in fe, nothing written: PL_EINVAL), the
 * department (one of w's active ones; required when it has several), and,
 * for a chat, that w is open (PL_ECONFLICT "We're closed..." otherwise).
 * Finds the tenant's contact by e-mail, else phone, or creates it, and
 * sets its last connection; creates the conversation (status new) and its
 * first message; counts them on the widget; adds "request.new" to the
 * tenant's stream and "message.new" to the conversation's. PL_OK with *c
 * (token and cursor set for a chat); PL_ETOOMANY over a rate limit.
 */
enum pl_err pl_visit_start(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, const struct pl_visit_limits *lim,
    const struct pl_visit_input *in, bool message, int64_t now,
    struct pl_errs *fe, struct pl_visit_conv *c);

/*
 * Conversation id of w as the holder of token sees it. PL_ENOTFOUND for a
 * wrong or malformed token, another widget's conversation or none.
 */
enum pl_err pl_visit_conv_get(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, int64_t id, const char *token,
    struct pl_visit_conv *c);

/*
 * The visitor's message body in conversation id, with its client id
 * (required: 1..64 of A-Z a-z 0-9 _ -). A client id already used in the
 * conversation answers the message it made (*created false) and writes
 * nothing, so a retry never duplicates. PL_OK with *m; PL_EINVAL (fe);
 * PL_ENOTFOUND as pl_visit_conv_get; PL_ECONFLICT once the chat has ended;
 * PL_ETOOMANY over a rate limit.
 */
enum pl_err pl_visit_send(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, const struct pl_visit_limits *lim,
    int64_t id, const char *token, const char *client_id, const char *body,
    const char *addr, int64_t now, struct pl_errs *fe, struct pl_visit_msg *m,
    bool *created);

/*
 * The visitor ends conversation id: ended from now on ("chat.ended" on its
 * stream); a request nobody answered yet is withdrawn (status closed, off
 * the widget's waiting count, "request.closed" on the tenant's stream).
 * Ending an ended chat changes nothing. PL_OK; PL_ENOTFOUND as
 * pl_visit_conv_get.
 */
enum pl_err pl_visit_end(struct pl_db *db, struct pl_arena *a,
    const struct pl_visit_widget *w, int64_t id, const char *token,
    struct pl_visit_conv *c);

#endif
