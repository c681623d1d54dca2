/* notify.h: cross-process wake-ups keyed by stream.
 *
 * A shared file (on /dev/shm) holds 65,536 32-bit counters. Publishing to a
 * stream bumps the counter its key hashes to and wakes that counter's
 * futex waiters; a poller reads the counters of its streams, checks the
 * database, and sleeps on those counters only if nothing was there. Two
 * streams that share a counter only cost a spurious wake-up. Nothing is
 * sent on a wire, so this is one machine's mechanism; the seam for several
 * machines is this header (a broker behind the same four calls).
 */
/* SPDX-License-Identifier: MIT */
#ifndef PL_NOTIFY_H
#define PL_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define PL_NOTIFY_MAX 9 /* keys one wait may watch (streams + 1) */

/* Map the shared area (created if missing). PL_OK or PL_EINTERNAL. */
enum pl_err pl_notify_open(const char *path);
void        pl_notify_close(void);
/* The counter slot of a key, and the 32-bit hash (FNV-1a) it comes from
 * (also the events cache's). */
uint32_t pl_notify_slot(const char *key);
uint32_t pl_notify_hash(const char *key);
/* A process-private futex: sleep while *w == v, at most ms; and bump *w
 * and wake its sleepers (the events cache's loaders). */
void pl_futex_wait_local(_Atomic uint32_t *w, uint32_t v, int64_t ms);
void pl_futex_wake_local(_Atomic uint32_t *w);
/* Read the current values of n slots. */
void pl_notify_snapshot(const uint32_t *slots, size_t n, uint32_t *vals);
/*
 * Sleep until one of the n slots differs from vals, the deadline
 * (CLOCK_MONOTONIC, milliseconds) passes, or the process is stopping.
 * Returns 1 if woken by a change (or a spurious wake), 0 on timeout or stop.
 */
int pl_notify_wait(
    const uint32_t *slots, const uint32_t *vals, size_t n, int64_t deadline_ms);
/* Bump a key's slot and wake its waiters in every process. */
void pl_notify_wake(const char *key);
/* Wake every waiter of this process (graceful stop); from then on waits
 * return at once and pl_notify_stopped() is true. */
void pl_notify_stop(void);
int  pl_notify_stopped(void);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t pl_now_ms(void);

#endif
