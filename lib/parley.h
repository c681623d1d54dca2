/* parley.h: the library's umbrella header, for cgi-bin/ and tools/. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_PARLEY_H
#define PL_PARLEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "actor.h"
#include "app.h"
#include "audit.h"
#include "arena.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "events.h"
#include "listing.h"
#include "longpoll.h"
#include "pl_limits.h"
#include "pl_json.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "parse.h"
#include "proc.h"
#include "req.h"
#include "resp.h"
#include "role.h"
#include "route.h"
#include "session.h"
#include "user.h"
#include "valid.h"

#define PL_NITEMS(a) (sizeof(a) / sizeof((a)[0]))

#endif
