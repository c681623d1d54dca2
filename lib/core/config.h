/* config.h: the process configuration, read once from the environment. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_CONFIG_H
#define PL_CONFIG_H

#include <stddef.h>

#include "err.h"
#include "log.h"

struct pl_config {
	const char   *db_socket;   /* PARLEY_DB_SOCKET */
	const char   *db_host;     /* PARLEY_DB_HOST, used when no socket */
	unsigned      db_port;     /* PARLEY_DB_PORT */
	const char   *db_name;     /* PARLEY_DB_NAME, default "parley" */
	const char   *db_user;     /* PARLEY_DB_USER */
	const char   *db_password; /* PARLEY_DB_PASSWORD; never logged */
	unsigned      db_pool;     /* PARLEY_DB_POOL: connections per process */
	const char   *base_url;    /* PARLEY_BASE_URL, no trailing slash */
	const char   *smtp_url;    /* PARLEY_SMTP_URL */
	const char   *smtp_user;   /* PARLEY_SMTP_USER, may be NULL */
	const char   *smtp_password;
	const char   *mail_from;   /* PARLEY_MAIL_FROM */
	const char   *templates;   /* PARLEY_TEMPLATES directory */
	const char   *notify_file; /* PARLEY_NOTIFY_FILE: shared wake-up area */
	const char   *socket_group;   /* PARLEY_SOCKET_GROUP, may be NULL */
	const char   *twilio_api_url; /* PARLEY_TWILIO_API_URL, no final '/' */
	unsigned char secret[64];     /* from PARLEY_SECRET_FILE */
	size_t        secretlen;
	unsigned char jwt_key[32];   /* derived from the secret: signs JWTs */
	unsigned char csrf_key[32];  /* derived from the secret: CSRF tokens */
	unsigned char flash_key[32]; /* derived from the secret: flash texts */
	unsigned char data_key[32];  /* from PARLEY_DATA_KEY_FILE, if set */
	enum pl_log_level log_level; /* PARLEY_LOG_LEVEL */
	int               secure_cookies; /* base_url is https */
	int               has_data_key;   /* PARLEY_DATA_KEY_FILE was set */
};

/*
 * Fill c from the environment; strings are borrowed from the environment
 * (valid for the process lifetime). PL_EINVAL with the problem logged when
 * something required is missing or malformed.
 */
enum pl_err pl_config_load(struct pl_config *c);
/*
 * The key that seals secrets at rest (secretbox.h), 32 bytes borrowed from
 * c, or NULL when PARLEY_DATA_KEY_FILE is unset (the process still runs;
 * nothing can be sealed or opened). It comes from its own file (exactly 32
 * raw bytes, mode 0600 or 0400), never from the secret and never from the
 * database, so a copy of the database alone opens nothing.
 */
const unsigned char *pl_config_data_key(const struct pl_config *c);
/* Derive a purpose-bound key from the secret: HMAC(secret, label). */
void pl_config_key(
    const struct pl_config *c, const char *label, unsigned char out[32]);

#endif
