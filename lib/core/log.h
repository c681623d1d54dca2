/* log.h: one line per event on stderr (the supervisor keeps it). Never log
 * bodies, passwords or tokens. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_LOG_H
#define PL_LOG_H

enum pl_log_level {
	PL_LOG_DEBUG,
	PL_LOG_INFO,
	PL_LOG_WARN,
	PL_LOG_ERROR
};

/* Set the program name and the lowest level written. */
void pl_log_init(const char *prog, enum pl_log_level min);
void pl_log(enum pl_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define pl_debug(...) pl_log(PL_LOG_DEBUG, __VA_ARGS__)
#define pl_info(...)  pl_log(PL_LOG_INFO, __VA_ARGS__)
#define pl_warn(...)  pl_log(PL_LOG_WARN, __VA_ARGS__)
#define pl_error(...) pl_log(PL_LOG_ERROR, __VA_ARGS__)
/* Log at error level and abort(): out of memory, broken invariants. */
void pl_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
