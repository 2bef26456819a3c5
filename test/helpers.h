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

#include <netinet/in.h>
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

/*
 * What the running kernel supports.  Skips name the missing feature and
 * the mainline release that added it, e.g. "IORING_OP_SOCKET (Linux 5.19)".
 */
/* "IORING_OP_X (Linux A.B)" / "IORING_FEAT_X (Linux A.B)" */
const char *t_op_desc(int op);
const char *t_feature_desc(unsigned feature);
/* Whether the running kernel supports opcode @op. */
bool t_has_op(int op);
/* Skip unless the running kernel supports opcode @op. */
void t_require_op(int op);
/* The IORING_FEAT_* bits of the running kernel; whether it has @feature. */
unsigned t_features(void);
bool t_has_feature(unsigned feature);
/* Skip unless the kernel reports IORING_FEAT_* @feature (@name: what for,
 * or NULL). */
void t_require_feature(unsigned feature, const char *name);
/*
 * Skip when @ret, the kernel's answer to a well-formed request, is -EINVAL
 * from a kernel without @same_release_op, an opcode that came in the same
 * release as @what: the kernel does not know @what (name it with that
 * release, like "IORING_REGISTER_PBUF_RING (Linux 5.19)").  From a kernel
 * with the opcode, -EINVAL fails the test: no skipping where the feature
 * must be.
 */
void t_skip_if_einval(int ret, int same_release_op, const char *what);
/*
 * Sparse tables (io_uring_register_files_sparse() and _buffers_sparse(),
 * the IORING_RSRC_REGISTER_SPARSE flag) and IORING_FILE_INDEX_ALLOC came
 * together, with IORING_OP_SOCKET (whose kernels must not answer -EINVAL
 * here).  Before, a file table of -1 entries serves as an empty one.
 */
#define T_RSRC_SPARSE	"IORING_RSRC_REGISTER_SPARSE (Linux 5.19)"
bool t_has_rsrc_sparse(void);
void t_require_rsrc_sparse(void);
/* io_uring_register_ring_fd() must give 1; skips (exiting @ring) on
 * kernels before IORING_REGISTER_RING_FDS (5.18, with MSG_RING). */
void t_register_ring_fd(struct io_uring *ring);

/* A temp directory for the whole test program, removed at exit. */
const char *t_tmpdir(void);
/* Create a file in t_tmpdir() holding @size bytes of @data (or pattern
 * bytes when @data is NULL); returns an fd open O_RDWR, path in @path. */
int t_tmpfile(char *path, size_t path_len, const void *data, size_t size);
/* Fill @buf with a pattern depending on @seed. */
void t_fill(void *buf, size_t len, unsigned seed);
/* Page-aligned malloc()ed @len bytes, t_fill()ed with @seed. */
void *t_page_buf(size_t len, unsigned seed);
/* Entries in /proc/self/fd: compare before and after to spot fd leaks. */
int t_count_fds(void);
/* Read (so reset) eventfd @efd's count; -errno (-EAGAIN: count 0) if not. */
long t_eventfd_take(int efd);

/* A connected AF_UNIX stream pair / a connected loopback TCP pair. */
void t_socketpair(int sv[2]);
void t_tcp_pair(int *client, int *server);
/* A listening loopback TCP socket; its port is written to *port. */
int t_tcp_listener(unsigned short *port);
/* A blocking TCP socket connected to the loopback listener on @port. */
int t_tcp_client(unsigned short port);
/* 127.0.0.1:@port (@port in host order). */
struct sockaddr_in t_lo_addr(unsigned short port);
/* A UDP socket bound to an ephemeral loopback port, its address in @sa. */
int t_udp_bound(struct sockaddr_in *sa);

/* Reap child @pid; it must have exited (not been killed) with @code. */
void t_wait_exit(pid_t pid, int code);

/*
 * Wait for @n completions (failing the test after T_WAIT_SECS), copy them
 * to @out (may be NULL) and mark them seen.
 */
void t_reap(struct io_uring *ring, struct io_uring_cqe *out, unsigned n);
/* Submit everything queued and reap exactly one completion. */
struct io_uring_cqe t_submit_one(struct io_uring *ring);
/* Submit everything queued, reap one completion and return its res. */
int t_submit_res(struct io_uring *ring);
/* A fresh SQE; fails the test when the SQ is full. */
struct io_uring_sqe *t_get_sqe(struct io_uring *ring);
/* Assert that no completion arrives within @msec milliseconds. */
void t_expect_no_cqe(struct io_uring *ring, unsigned msec);
/* Reap @cancel_ud's CQE (res 0) and @victim's (-ECANCELED, no F_MORE). */
struct io_uring_cqe t_reap_cancelled(struct io_uring *ring, __u64 victim,
				     __u64 cancel_ud);

/* Queue (not submit) a NOP with @user_data; returns its SQE. */
struct io_uring_sqe *t_queue_nop(struct io_uring *ring, __u64 user_data);
/* Queue a NOP whose 32-byte CQE carries @extra1 and @extra2 (6.18). */
void t_queue_nop32(struct io_uring *ring, __u64 user_data, __u64 extra1,
		   __u64 extra2);
/* Whether the kernel knows NOP flags, IORING_NOP_CQE32 among them. */
bool t_has_nop_cqe32(void);
/* Run a NOP, check its user_data and res 0: the ring still works. */
void t_ring_still_works(struct io_uring *ring);
/* Queue (not submit) a read of @len bytes of @fd at offset 0. */
struct io_uring_sqe *t_queue_read(struct io_uring *ring, int fd, void *buf,
				  unsigned len, __u64 user_data);
/* Read from direct slot @slot at 0; checks user_data, flags 0; gives res. */
int t_fixed_read(struct io_uring *ring, int slot, void *buf, unsigned len);
/* Write t_fill(@seed) bytes at @off, read them back; checks both CQEs. */
void t_file_roundtrip(struct io_uring *ring, int fd, size_t len, off_t off,
		      unsigned seed);

/* Give @br (@entries slots) @nr buffers of @size from @mem, ids 0..@nr-1. */
void t_buf_ring_fill(struct io_uring_buf_ring *br, unsigned entries,
		     void *mem, unsigned size, unsigned nr);
/* Submit a recv (multishot if @multishot) taking a buffer from @bgid. */
void t_submit_recv(struct io_uring *ring, int fd, int bgid, bool multishot,
		   __u64 user_data);
/* The buffer id of a CQE, which must have IORING_CQE_F_BUFFER set. */
unsigned t_cqe_bid(const struct io_uring_cqe *cqe);

/* Monotonic time in nanoseconds. */
uint64_t t_now_ns(void);
/* Whole milliseconds since @start, a t_now_ns() value. */
uint64_t t_ms_since(uint64_t start);
/* A timespec of @ms milliseconds. */
struct __kernel_timespec t_ts_ms(unsigned ms);

/*
 * Leak checks: lines in /proc/self/maps (mappings) and the VmPin value of
 * /proc/self/status in kB (pages the kernel holds pinned for us).
 */
unsigned t_maps_count(void);
long t_vm_pin_kb(void);

/*
 * Whether the running kernel's release is at least @major.@minor.  Only for
 * asserting an answer that changed between releases (name the change where
 * it is used); what a kernel supports is probed, not read off its version.
 */
bool t_kernel_at_least(unsigned major, unsigned minor);

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

/*
 * Whether the program runs under valgrind.  Valgrind (3.19) runs one
 * thread at a time and holds on to that right, with signals blocked,
 * through io_uring_enter(), a call it does not know to block: while a
 * thread waits there, no other thread of the program runs and no signal
 * interrupts the wait.  Work that must go on during a wait can run in a
 * child process instead (t_fork_call()); tests that need a signal to
 * interrupt a wait skip under valgrind.
 */
int t_under_valgrind(void);

/*
 * Run @fn(@arg) in a child process, which exits 0 once @fn returns; reap
 * it with t_wait_exit(pid, 0).  For work that must happen while the test
 * waits in io_uring_enter(): another process goes on where another thread
 * would not (see t_under_valgrind()).  @fn must not use cmocka's asserts;
 * it reports a failure with _exit(non-zero).
 */
pid_t t_fork_call(void (*fn)(void *arg), void *arg);

/*
 * Write @len bytes of @buf to @fd after @delay_ms, from a child process;
 * reap it with t_wait_exit(pid, 0), which fails the test on a short write.
 */
pid_t t_write_later_proc(int fd, const void *buf, size_t len,
			 unsigned delay_ms);

/*
 * Whether getrlimit(RLIMIT_NOFILE) shows the kernel's own limit (as
 * /proc/self/limits gives it), so that setrlimit() changes what the kernel
 * enforces.  Not under valgrind: it keeps file descriptors of its own above
 * a lower limit it shows the program, and only pretends to apply the
 * program's setrlimit() of RLIMIT_NOFILE.
 */
bool t_nofile_limit_is_real(void);

#endif
