/* notify.c: cross-process wake-ups keyed by stream, on shared futexes. */
/* SPDX-License-Identifier: MIT */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#include "log.h"
#include "notify.h"

#define NSLOTS (1u << 16)

static _Atomic uint32_t *slots_;    /* NSLOTS shared counters */
static _Atomic uint32_t  stop_word; /* private: bumped once on stop */
static int               have_waitv = 1;

int64_t
pl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum pl_err
pl_notify_open(const char *path)
{
	size_t len = NSLOTS * sizeof(uint32_t);
	void  *p;
	int    fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660)) == -1) {
		pl_error("notify: open %s: %s", path, strerror(errno));
		return PL_EINTERNAL;
	}
	/* ftruncate to the same size is harmless when another process made
	 * the file first; the contents stay. */
	if (ftruncate(fd, (off_t)len) == -1) {
		pl_error("notify: size %s: %s", path, strerror(errno));
		close(fd);
		return PL_EINTERNAL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		pl_error("notify: map %s: %s", path, strerror(errno));
		return PL_EINTERNAL;
	}
	slots_ = p;
	return PL_OK;
}

void
pl_notify_close(void)
{
	if (slots_ != NULL)
		munmap((void *)(uintptr_t)slots_, NSLOTS * sizeof(uint32_t));
	slots_ = NULL;
}

uint32_t
pl_notify_hash(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 16777619u;
	}
	return h;
}

uint32_t
pl_notify_slot(const char *key)
{
	return pl_notify_hash(key) & (NSLOTS - 1);
}

void
pl_futex_wait_local(_Atomic uint32_t *w, uint32_t v, int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, &ts, NULL, 0);
}

void
pl_futex_wake_local(_Atomic uint32_t *w)
{
	atomic_fetch_add(w, 1);
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

void
pl_notify_snapshot(const uint32_t *slots, size_t n, uint32_t *vals)
{
	for (size_t i = 0; i < n; i++)
		vals[i] = atomic_load(&slots_[slots[i]]);
}

int
pl_notify_wait(
    const uint32_t *slots, const uint32_t *vals, size_t n, int64_t deadline_ms)
{
	struct futex_waitv w[PL_NOTIFY_MAX + 1];
	struct timespec    ts;
	uint32_t           stopv = atomic_load(&stop_word);
	long               rc;

	if (stopv != 0 || n > PL_NOTIFY_MAX)
		return 0;
	if (pl_now_ms() >= deadline_ms)
		return 0;
	ts.tv_sec = deadline_ms / 1000;
	ts.tv_nsec = (deadline_ms % 1000) * 1000000;
	if (have_waitv) {
		memset(w, 0, sizeof(w));
		for (size_t i = 0; i < n; i++) {
			w[i].uaddr = (uintptr_t)&slots_[slots[i]];
			w[i].val = vals[i];
			w[i].flags = FUTEX_32; /* shared: crosses processes */
		}
		w[n].uaddr = (uintptr_t)&stop_word;
		w[n].val = 0;
		w[n].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
		rc = syscall(SYS_futex_waitv, w, (unsigned)(n + 1), 0, &ts,
		    CLOCK_MONOTONIC);
		if (rc >= 0)
			return atomic_load(&stop_word) == 0;
		if (errno == ETIMEDOUT)
			return 0;
		if (errno == EAGAIN || errno == EINTR)
			return 1;
		if (errno != ENOSYS) {
			pl_error("notify: futex_waitv: %s", strerror(errno));
			return 0;
		}
		/* Kernels before 5.16: fall back to one slot at a time. */
		pl_warn("notify: no futex_waitv; waking by slices");
		have_waitv = 0;
	}
	/* Fallback: wait on the first slot, in slices of 50 ms, so changes
	 * to the others are seen within a slice. */
	for (;;) {
		struct timespec rel;
		int64_t         left = deadline_ms - pl_now_ms();

		for (size_t i = 0; i < n; i++)
			if (atomic_load(&slots_[slots[i]]) != vals[i])
				return 1;
		if (atomic_load(&stop_word) != 0 || left <= 0)
			return 0;
		if (left > 50)
			left = 50;
		rel.tv_sec = 0;
		rel.tv_nsec = left * 1000000;
		syscall(SYS_futex, &slots_[slots[0]], FUTEX_WAIT, vals[0], &rel,
		    NULL, 0);
	}
}

void
pl_notify_wake(const char *key)
{
	_Atomic uint32_t *w = &slots_[pl_notify_slot(key)];

	atomic_fetch_add(w, 1);
	syscall(SYS_futex, w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int
pl_notify_stopped(void)
{
	return atomic_load(&stop_word) != 0;
}

void
pl_notify_stop(void)
{
	atomic_store(&stop_word, 1);
	syscall(SYS_futex, &stop_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX,
	    NULL, NULL, 0);
}
