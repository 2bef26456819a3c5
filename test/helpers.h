/* SPDX-License-Identifier: MIT */
/*
 * The one fixture every test shares: rings, temp files, socket pairs,
 * reaping completions, and skipping with a reason.
 *
 * Each test file is a cmocka program:
 *
 *	static void test_x(void **state) { ... }
 *	int main(void)
 *	{
 *		const struct CMUnitTest tests[] = { cmocka_unit_test(test_x) };
 *		return cmocka_run_group_tests(tests, NULL, NULL);
 *	}
 */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "liburing.h"

/* Skip the current test, printing why (the runner shows the reason). */
#define T_SKIP(...)							\
	do {								\
		printf("SKIP %s: ", __func__);				\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		fflush(stdout);						\
		skip();							\
	} while (0)

/* Seconds any single wait in a test may take before it counts as hung. */
#define T_WAIT_SECS	5

/*
 * io_uring_queue_init_params(); skips the test when the kernel rejects the
 * setup flags with -EINVAL (feature missing), fails on other errors.
 */
void t_ring_params(struct io_uring *ring, unsigned entries,
		   struct io_uring_params *p);
void t_ring(struct io_uring *ring, unsigned entries, unsigned flags);

/* Skip unless the running kernel supports opcode @op. */
void t_require_op(int op);
/* Skip unless the kernel reports IORING_FEAT_* @feature. */
void t_require_feature(unsigned feature, const char *name);

/* A temp directory for the whole test program, removed at exit. */
const char *t_tmpdir(void);
/* Create a file in t_tmpdir() holding @size bytes of @data (or pattern
 * bytes when @data is NULL); returns an fd open O_RDWR, path in @path. */
int t_tmpfile(char *path, size_t path_len, const void *data, size_t size);
/* Fill @buf with a pattern depending on @seed. */
void t_fill(void *buf, size_t len, unsigned seed);

/* A connected AF_UNIX stream pair / a connected loopback TCP pair. */
void t_socketpair(int sv[2]);
void t_tcp_pair(int *client, int *server);
/* A listening loopback TCP socket; its port is written to *port. */
int t_tcp_listener(unsigned short *port);

/*
 * Wait for @n completions (failing the test after T_WAIT_SECS), copy them
 * to @out (may be NULL) and mark them seen.
 */
void t_reap(struct io_uring *ring, struct io_uring_cqe *out, unsigned n);
/* Submit everything queued and reap exactly one completion. */
struct io_uring_cqe t_submit_one(struct io_uring *ring);
/* A fresh SQE; fails the test when the SQ is full. */
struct io_uring_sqe *t_get_sqe(struct io_uring *ring);
/* Assert that no completion arrives within @msec milliseconds. */
void t_expect_no_cqe(struct io_uring *ring, unsigned msec);

/* Monotonic time in nanoseconds. */
uint64_t t_now_ns(void);

/*
 * Leak checks: lines in /proc/self/maps (mappings) and the VmPin value of
 * /proc/self/status in kB (pages the kernel holds pinned for us).
 */
unsigned t_maps_count(void);
long t_vm_pin_kb(void);

/*
 * Whether unregistering a file or buffer table posts the tag CQEs of the
 * tagged entries still in it (see t_unregister_posts_tags() in helpers.c).
 */
bool t_unregister_posts_tags(void);

/*
 * Wait (up to T_WAIT_SECS) until the kernel sets @flag, an IORING_SQ_*
 * bit, in the SQ ring's flags, e.g. IORING_SQ_NEED_WAKEUP once an SQPOLL
 * thread has gone idle; fails the test if it does not.
 */
void t_wait_sq_flag(struct io_uring *ring, unsigned flag);

#endif
