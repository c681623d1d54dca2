/* config.c: the process configuration, read once from the environment. */
/* SPDX-License-Identifier: MIT */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "log.h"

static const char *
env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : def;
}

static unsigned
env_uint(const char *name, unsigned def, unsigned max)
{
	const char   *v = getenv(name);
	char         *end;
	unsigned long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > max) {
		pl_warn("config: %s=\"%s\" is not a number in 1..%u; using %u",
		    name, v, max, def);
		return def;
	}
	return (unsigned)n;
}

static enum pl_err
secret_read(struct pl_config *c, const char *path)
{
	ssize_t n;
	int     fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		pl_error("config: cannot open PARLEY_SECRET_FILE %s: %s", path,
		    strerror(errno));
		return PL_EINVAL;
	}
	n = read(fd, c->secret, sizeof(c->secret));
	close(fd);
	if (n < 32) {
		pl_error("config: %s must hold at least 32 bytes", path);
		return PL_EINVAL;
	}
	c->secretlen = (size_t)n;
	return PL_OK;
}

/*
 * The data key: exactly 32 raw bytes in a regular file that only its owner
 * may read or write (group and others get nothing: it decrypts every stored
 * credential). A file that is set but wrong stops the process at boot, as a
 * missing PARLEY_SECRET_FILE does; an unset variable only disables sealing.
 */
static enum pl_err
data_key_read(struct pl_config *c, const char *path)
{
	unsigned char buf[sizeof(c->data_key) + 1];
	struct stat   st;
	ssize_t       n;
	size_t        got = 0;
	int           fd;
	enum pl_err   er = PL_EINVAL;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		pl_error("config: cannot open PARLEY_DATA_KEY_FILE %s: %s",
		    path, strerror(errno));
		return PL_EINVAL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		pl_error(
		    "config: PARLEY_DATA_KEY_FILE %s is not a regular file",
		    path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		pl_error(
		    "config: PARLEY_DATA_KEY_FILE %s has mode %04o; it "
		    "must be 0600 or 0400",
		    path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	/* Read one byte more than the key, so a longer file is caught. */
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pl_error(
			    "config: cannot read PARLEY_DATA_KEY_FILE %s: %s",
			    path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != sizeof(c->data_key)) {
		pl_error(
		    "config: PARLEY_DATA_KEY_FILE %s must hold exactly "
		    "%zu bytes",
		    path, sizeof(c->data_key));
		goto out;
	}
	memcpy(c->data_key, buf, sizeof(c->data_key));
	c->has_data_key = 1;
	er = PL_OK;
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return er;
}

enum pl_err
pl_config_load(struct pl_config *c)
{
	const char *lvl, *secret, *datakey;

	memset(c, 0, sizeof(*c));
	c->db_socket = env_or("PARLEY_DB_SOCKET", NULL);
	c->db_host = env_or("PARLEY_DB_HOST", "localhost");
	c->db_port = env_uint("PARLEY_DB_PORT", 3306, 65535);
	c->db_name = env_or("PARLEY_DB_NAME", "parley");
	c->db_user = env_or("PARLEY_DB_USER", "parley_app");
	c->db_password = env_or("PARLEY_DB_PASSWORD", "");
	c->db_pool = env_uint("PARLEY_DB_POOL", 8, 256);
	c->base_url = env_or("PARLEY_BASE_URL", "http://127.0.0.1:8080");
	c->smtp_url =
	    env_or("PARLEY_SMTP_URL", "smtp://127.0.0.1:1025/parley.local");
	c->smtp_user = env_or("PARLEY_SMTP_USER", NULL);
	c->smtp_password = env_or("PARLEY_SMTP_PASSWORD", NULL);
	c->mail_from = env_or("PARLEY_MAIL_FROM", "no-reply@parley.local");
	c->templates = env_or("PARLEY_TEMPLATES", PL_DATADIR "/templates");
	c->notify_file = env_or("PARLEY_NOTIFY_FILE", "/dev/shm/parley-notify");
	c->socket_group = env_or("PARLEY_SOCKET_GROUP", NULL);
	c->twilio_api_url =
	    env_or("PARLEY_TWILIO_API_URL", "https://api.twilio.com");
	c->secure_cookies = strncmp(c->base_url, "https://", 8) == 0;

	lvl = env_or("PARLEY_LOG_LEVEL", "info");
	if (strcmp(lvl, "debug") == 0)
		c->log_level = PL_LOG_DEBUG;
	else if (strcmp(lvl, "warn") == 0)
		c->log_level = PL_LOG_WARN;
	else if (strcmp(lvl, "error") == 0)
		c->log_level = PL_LOG_ERROR;
	else
		c->log_level = PL_LOG_INFO;

	if (c->base_url[strlen(c->base_url) - 1] == '/') {
		pl_error("config: PARLEY_BASE_URL must not end with '/'");
		return PL_EINVAL;
	}
	if (c->twilio_api_url[strlen(c->twilio_api_url) - 1] == '/') {
		pl_error("config: PARLEY_TWILIO_API_URL must not end with '/'");
		return PL_EINVAL;
	}
	if ((secret = env_or("PARLEY_SECRET_FILE", NULL)) == NULL) {
		pl_error("config: PARLEY_SECRET_FILE is not set");
		return PL_EINVAL;
	}
	if (secret_read(c, secret) != PL_OK)
		return PL_EINVAL;
	if ((datakey = env_or("PARLEY_DATA_KEY_FILE", NULL)) == NULL)
		pl_info(
		    "config: PARLEY_DATA_KEY_FILE is not set: secrets such "
		    "as Twilio credentials cannot be stored or read");
	else if (data_key_read(c, datakey) != PL_OK)
		return PL_EINVAL;
	/* Derived once: every bearer request and every form needs them. */
	pl_config_key(c, "jwt", c->jwt_key);
	pl_config_key(c, "csrf", c->csrf_key);
	pl_config_key(c, "flash", c->flash_key);
	return PL_OK;
}

const unsigned char *
pl_config_data_key(const struct pl_config *c)
{
	return c->has_data_key ? c->data_key : NULL;
}

void
pl_config_key(
    const struct pl_config *c, const char *label, unsigned char out[32])
{
	pl_hmac_sha256(c->secret, c->secretlen, label, strlen(label), out);
}
