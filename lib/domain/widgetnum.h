/* widgetnum.h: a widget's Twilio number (the Request button of 2.6j).
 *
 * Requesting a number marks the widget "pending" and queues the purchase in
 * the outbox in the same transaction; the worker (pl_widgetnum_sender)
 * buys it in the business's own sub-account: a US local number in the
 * widget's area code when it has one, any otherwise, with its SmsUrl and
 * StatusCallback pointing at Parley's webhook URLs built from the
 * configured public base URL. Then the widget has the number ("active"),
 * or the reason it has none ("failed": no number in 415, Twilio's error
 * code and message), and the same request again is the retry. While it is
 * pending the last attempt's reason is kept, so the page can say why it is
 * still waiting (Twilio down, the sub-account not made yet).
 *
 * Exactly one number per request, even across a crash between Twilio's
 * answer and our commit: the number's FriendlyName names the widget
 * ("Parley widget 42"), and before buying the worker asks Twilio for a
 * number of that name in the sub-account and adopts it.
 *
 * Scope: an admin requests for its own tenant's widgets, the super admin
 * for any; another tenant's widget is PL_ENOTFOUND. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_WIDGETNUM_H
#define PL_WIDGETNUM_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "outbox.h"

struct pl_arena;
struct pl_config;

extern const struct pl_sqlset pl_widgetnum_sql;

/* The webhook paths Twilio is given (the webhooks executable serves them),
 * after PARLEY_BASE_URL. */
#define PL_WIDGETNUM_SMS_PATH    "/api/webhooks/twilio/sms"
#define PL_WIDGETNUM_STATUS_PATH "/api/webhooks/twilio/status"

/*
 * Request widget_id's number, audited, as one change: PL_OK when it is
 * now pending (or already was: asking twice queues one purchase);
 * PL_ECONFLICT when it has a number already, or the widget is inactive
 * (fe->msg says which); PL_ENOTFOUND out of who's reach; PL_EPERM for
 * anyone below admin. A failed number's request is its retry.
 */
enum pl_err pl_widgetnum_request(struct pl_db *db, struct pl_arena *a,
    const struct pl_actor *who, int64_t widget_id, struct pl_errs *fe);

/*
 * Inside the caller's transaction (a widget's create that asked for a
 * number at once): mark widget_id of tenant_id pending and queue its
 * purchase. The caller wakes the worker after its commit (pl_change.queued).
 */
enum pl_err pl_widgetnum_queue(
    struct pl_db *db, struct pl_arena *a, int64_t tenant_id, int64_t widget_id);

/* The worker's step for a queued purchase (items of kind "twilio" whose
 * payload's op is "number"; arg: the process's struct pl_config). */
pl_outbox_sender pl_widgetnum_sender;

#endif
