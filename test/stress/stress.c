/* SPDX-License-Identifier: MIT */
/*
 * Stress runs, each checking that every request submitted completes
 * exactly once, with the right result, and that nothing hangs.
 *
 *	stress [-s] [MODE...]
 *
 * -s runs the short (CI) sizes.  Modes, all by default:
 *
 *	overflow	NOPs and reads storming a CQ far smaller than what is in
 *			flight; the kernel's overflow list must give every
 *			completion back
 *	signals		a thread signals the waiter all along; every wait
 *			returns a completion, -EINTR or -ETIME
 *	sqpoll		SQPOLL rings going idle and being woken under load
 *	defer		a DEFER_TASKRUN ring whose issuer never stops submitting
 *			while another thread feeds its reads
 *	threads		many rings in many threads at once
 *	fork		forking with live rings, marked io_uring_ring_dontfork()
 *
 * Each mode prints its counts; the last line is "stress: N passed,
 * N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "liburing.h"

static bool short_run;
static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&fail_lock);
	printf("    FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
	pthread_mutex_unlock(&fail_lock);
}

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail(__VA_ARGS__);				\
	} while (0)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* xorshift: cheap per-thread randomness */
static unsigned next_rand(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A memfd of @len bytes where byte i is (i * 7 + i / 251) & 0xff. */
static unsigned char pattern_byte(uint64_t i)
{
	return (unsigned char) (i * 7 + i / 251);
}

static int pattern_file(size_t len)
{
	unsigned char *buf = malloc(len);
	int fd = memfd_create("stress", 0);
	size_t i;

	if (fd < 0 || !buf)
		abort();
	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(i);
	if (write(fd, buf, len) != (ssize_t) len)
		abort();
	free(buf);
	return fd;
}

static bool pattern_ok(const unsigned char *buf, uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != pattern_byte(off + i))
			return false;
	return true;
}

/*
 * Book-keeping of one run: user_data is an index into @state, 0 = free,
 * 1 = submitted, 2 = completed.  A second completion or one for a free
 * slot is a failure.
 */
struct ledger {
	unsigned char *state;
	uint64_t size;
	uint64_t submitted, completed;
};

static void ledger_init(struct ledger *l, uint64_t size)
{
	l->state = calloc(size, 1);
	if (!l->state)
		abort();
	l->size = size;
	l->submitted = l->completed = 0;
}

static void ledger_submit(struct ledger *l, uint64_t id)
{
	l->state[id] = 1;
	l->submitted++;
}

static bool ledger_complete(struct ledger *l, uint64_t id)
{
	if (id >= l->size || l->state[id] != 1) {
		fail("completion for user_data %llu in state %d",
		     (unsigned long long) id, id < l->size ? l->state[id] : -1);
		return false;
	}
	l->state[id] = 2;
	l->completed++;
	return true;
}

static void ledger_done(struct ledger *l, const char *what)
{
	CHECK(l->completed == l->submitted, "%s: %llu submitted, %llu completed",
	      what, (unsigned long long) l->submitted,
	      (unsigned long long) l->completed);
	free(l->state);
}

/* --- overflow storm ----------------------------------------------------- */

enum { STORM_BUF = 64, STORM_SLOTS = 4096 };

struct storm {
	struct io_uring ring;
	struct ledger l;
	int fd;
	size_t file_len;
	unsigned char (*bufs)[STORM_BUF];
	uint64_t *buf_off;	/* file offset read into each slot */
	int *slot_free;		/* stack of free buffer slots */
	unsigned nr_free;
	uint64_t reads, nops, flushes;
};

static void storm_cqe(struct storm *s, const struct io_uring_cqe *cqe)
{
	uint64_t id = cqe->user_data;

	if (!ledger_complete(&s->l, id >> 16))
		return;
	if ((id & 0xffff) == 0xffff) {
		CHECK(cqe->res == 0, "NOP res %d", cqe->res);
		return;
	}
	unsigned slot = id & 0xffff;

	CHECK(cqe->res == STORM_BUF, "read res %d", cqe->res);
	CHECK(pattern_ok(s->bufs[slot], s->buf_off[slot], STORM_BUF),
	      "read data wrong at offset %llu",
	      (unsigned long long) s->buf_off[slot]);
	s->slot_free[s->nr_free++] = (int) slot;
}

/* Reap everything ready, varying the reaping call. */
static unsigned storm_reap(struct storm *s, unsigned how)
{
	struct io_uring_cqe *cqes[64], copies[64], *cqe;
	unsigned n = 0, i, head;

	switch (how % 4) {
	case 0:
		n = io_uring_peek_batch_cqe(&s->ring, cqes, 64);
		for (i = 0; i < n; i++)
			storm_cqe(s, cqes[i]);
		io_uring_cq_advance(&s->ring, n);
		break;
	case 1: {
		int ret = io_uring_copy_cqes(&s->ring, copies, 64, 0, NULL);

		for (i = 0; ret > 0 && i < (unsigned) ret; i++)
			storm_cqe(s, &copies[i]);
		n = ret > 0 ? (unsigned) ret : 0;
		break;
	}
	case 2:
		io_uring_for_each_cqe(&s->ring, head, cqe) {
			storm_cqe(s, cqe);
			n++;
		}
		io_uring_cq_advance(&s->ring, n);
		break;
	default:
		while (io_uring_peek_cqe(&s->ring, &cqe) == 0) {
			storm_cqe(s, cqe);
			io_uring_cqe_seen(&s->ring, cqe);
			n++;
		}
		break;
	}
	return n;
}

static void storm_run(unsigned flags, uint64_t total, const char *name)
{
	struct __kernel_timespec ts = { .tv_sec = 5 };
	struct io_uring_params p;
	struct storm s;
	unsigned seed = 12345, max_pending = 0, i;
	uint64_t id = 0, t0 = now_ms();
	int ret;

	memset(&s, 0, sizeof(s));
	memset(&p, 0, sizeof(p));
	p.flags = flags | IORING_SETUP_CQSIZE;
	p.cq_entries = 16;	/* in flight: up to STORM_SLOTS and more */
	ret = io_uring_queue_init_params(16, &s.ring, &p);
	if (ret) {
		fail("%s: setup %d", name, ret);
		return;
	}
	s.file_len = 1 << 20;
	s.fd = pattern_file(s.file_len);
	s.bufs = malloc(sizeof(*s.bufs) * STORM_SLOTS);
	s.buf_off = calloc(STORM_SLOTS, sizeof(*s.buf_off));
	s.slot_free = malloc(sizeof(int) * STORM_SLOTS);
	for (i = 0; i < STORM_SLOTS; i++)
		s.slot_free[i] = (int) i;
	s.nr_free = STORM_SLOTS;
	ledger_init(&s.l, total + 1);

	while (s.l.completed < total) {
		/* Fill: up to 16 SQEs per submit, until the goal or no buffers. */
		while (id < total && s.l.submitted - s.l.completed < 6000) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&s.ring);

			if (!sqe)
				break;
			if (s.nr_free && next_rand(&seed) % 2) {
				int slot = s.slot_free[--s.nr_free];
				uint64_t off = (next_rand(&seed) %
						(s.file_len - STORM_BUF));

				s.buf_off[slot] = off;
				io_uring_prep_read(sqe, s.fd, s.bufs[slot],
						   STORM_BUF, off);
				sqe->user_data = id << 16 | (unsigned) slot;
				s.reads++;
			} else {
				io_uring_prep_nop(sqe);
				sqe->user_data = id << 16 | 0xffff;
				s.nops++;
			}
			ledger_submit(&s.l, id);
			id++;
			if (io_uring_sq_space_left(&s.ring) == 0) {
				ret = io_uring_submit(&s.ring);
				if (ret < 0 && ret != -EBUSY) {
					fail("%s: submit %d", name, ret);
					goto out;
				}
			}
		}
		ret = io_uring_submit(&s.ring);
		if (ret < 0 && ret != -EBUSY) {
			fail("%s: submit %d", name, ret);
			break;
		}
		if (s.l.submitted - s.l.completed > max_pending)
			max_pending = (unsigned) (s.l.submitted - s.l.completed);

		/* Drain: the CQ overflows all the time; all must come back. */
		if (id == total || !s.nr_free ||
		    s.l.submitted - s.l.completed >= 6000 ||
		    next_rand(&seed) % 8 == 0) {
			if (io_uring_cq_has_overflow(&s.ring))
				s.flushes++;
			if (!storm_reap(&s, next_rand(&seed))) {
				struct io_uring_cqe *cqe;

				ret = io_uring_wait_cqe_timeout(&s.ring, &cqe,
								&ts);
				if (ret && s.l.submitted > s.l.completed) {
					fail("%s: wait %d with %llu pending",
					     name, ret,
					     (unsigned long long) (s.l.submitted -
								   s.l.completed));
					break;
				}
			}
		}
	}
out:
	CHECK(*s.ring.cq.koverflow == 0, "%s: %u CQEs dropped", name,
	      *s.ring.cq.koverflow);
	printf("  %s: %llu requests (%llu reads, %llu NOPs), %llu completions "
	       "each seen once; up to %u in flight on a %u-entry CQ, %llu "
	       "overflow flushes (%llu ms)\n", name,
	       (unsigned long long) s.l.submitted,
	       (unsigned long long) s.reads, (unsigned long long) s.nops,
	       (unsigned long long) s.l.completed, max_pending,
	       s.ring.cq.ring_entries, (unsigned long long) s.flushes,
	       (unsigned long long) (now_ms() - t0));
	ledger_done(&s.l, name);
	io_uring_queue_exit(&s.ring);
	close(s.fd);
	free(s.bufs);
	free(s.buf_off);
	free(s.slot_free);
}

static void mode_overflow(void)
{
	uint64_t total = short_run ? 50000 : 1000000;

	storm_run(0, total, "overflow");
	storm_run(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		  total / 2, "overflow/defer_taskrun");
}

/* --- signals during waits ----------------------------------------------- */

static volatile sig_atomic_t signals_seen;
static volatile bool signaller_stop;

static void on_signal(int sig)
{
	signals_seen++;
}

struct signaller {
	pthread_t target;
	unsigned sent;
};

static void *signaller_fn(void *arg)
{
	struct signaller *s = arg;

	while (!signaller_stop) {
		pthread_kill(s->target, SIGUSR1);
		s->sent++;
		usleep(50 + s->sent % 200);
	}
	return NULL;
}

static void signals_run(unsigned flags, const char *name)
{
	unsigned rounds = short_run ? 3000 : 40000;
	struct __kernel_timespec ts = { .tv_nsec = 2 * 1000000 };
	struct __kernel_timespec short_ts = { .tv_nsec = 100 * 1000 };
	struct __kernel_timespec op_ts = { .tv_nsec = 300 * 1000 };
	unsigned waits = 0, eintr = 0, etime = 0, got = 0, r, seed = 7;
	struct signaller sg = { .target = pthread_self() };
	struct sigaction sa;
	struct io_uring ring;
	struct ledger l;
	pthread_t thr;
	uint64_t id = 0;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: waits see -EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	ret = io_uring_queue_init(64, &ring, flags);
	if (ret) {
		fail("%s: setup %d", name, ret);
		return;
	}
	ledger_init(&l, rounds * 2 + 1);
	signaller_stop = false;
	signals_seen = 0;
	pthread_create(&thr, NULL, signaller_fn, &sg);

	for (r = 0; r < rounds; r++) {
		struct io_uring_cqe *cqe = NULL;
		struct io_uring_sqe *sqe;
		unsigned how = next_rand(&seed) % 4;

		/* A short timeout op and sometimes a NOP. */
		sqe = io_uring_get_sqe(&ring);
		if (sqe) {
			io_uring_prep_timeout(sqe, &op_ts, 0, 0);
			sqe->user_data = ++id;
			ledger_submit(&l, id);
		}
		if (how == 3 && (sqe = io_uring_get_sqe(&ring))) {
			io_uring_prep_nop(sqe);
			sqe->user_data = ++id;
			ledger_submit(&l, id);
		}
		do {
			ret = io_uring_submit(&ring);
		} while (ret == -EINTR);
		if (ret < 0) {
			fail("%s: submit %d", name, ret);
			break;
		}
		switch (how) {
		case 0:
			ret = io_uring_wait_cqe(&ring, &cqe);
			break;
		case 1:
			/* Shorter than the op's timeout: often -ETIME. */
			ret = io_uring_wait_cqe_timeout(&ring, &cqe, &short_ts);
			break;
		case 2:
			ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1,
							       &ts, NULL);
			if (ret > 0)
				ret = 0;
			break;
		default:
			/* More than will come: ends in -ETIME or -EINTR. */
			ret = io_uring_wait_cqes(&ring, &cqe, 3, &ts, NULL);
			break;
		}
		waits++;
		if (ret == -EINTR)
			eintr++;
		else if (ret == -ETIME)
			etime++;
		else if (ret)
			fail("%s: wait returned %d", name, ret);
		if (ret == -ETIME && how == 0)
			fail("%s: -ETIME from an unbounded wait", name);
		/* Reap whatever is there. */
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			if (ledger_complete(&l, cqe->user_data))
				got++;
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	signaller_stop = true;
	pthread_join(thr, NULL);
	/* The rest arrive within the op timeout. */
	while (l.completed < l.submitted) {
		struct __kernel_timespec end = { .tv_sec = 2 };
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &end);
		if (ret == -EINTR)
			continue;
		if (ret) {
			fail("%s: final wait %d", name, ret);
			break;
		}
		ledger_complete(&l, cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
	}
	printf("  %s: %u waits under %u signals (%d handled): %u -EINTR, "
	       "%u -ETIME, %llu requests all completed once\n", name, waits,
	       sg.sent, (int) signals_seen, eintr, etime,
	       (unsigned long long) l.completed);
	CHECK(eintr > 0, "%s: no wait was interrupted", name);
	ledger_done(&l, name);
	io_uring_queue_exit(&ring);
	signal(SIGUSR1, SIG_IGN);
}

static void mode_signals(void)
{
	signals_run(0, "signals");
	signals_run(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		    "signals/defer_taskrun");
}

/* --- SQPOLL idle and wake ----------------------------------------------- */

static void mode_sqpoll(void)
{
	unsigned rounds = short_run ? 400 : 5000, r, i, seed = 99;
	unsigned wakeups = 0, idles = 0;
	struct __kernel_timespec ts = { .tv_sec = 5 };
	struct io_uring_params p;
	struct io_uring ring;
	struct ledger l;
	uint64_t id = 0;
	int ret, fd;
	static unsigned char buf[32][64];

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 1;	/* ms */
	ret = io_uring_queue_init_params(32, &ring, &p);
	if (ret) {
		fail("sqpoll: setup %d", ret);
		return;
	}
	fd = pattern_file(1 << 16);
	ledger_init(&l, rounds * 32 + 1);
	for (r = 0; r < rounds; r++) {
		unsigned n = 1 + next_rand(&seed) % 32;
		uint64_t offs[32];

		for (i = 0; i < n; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe) {
				io_uring_sqring_wait(&ring);
				sqe = io_uring_get_sqe(&ring);
			}
			if (!sqe) {
				fail("sqpoll: no SQE");
				goto out;
			}
			offs[i] = next_rand(&seed) % ((1 << 16) - 64);
			if (i % 2)
				io_uring_prep_nop(sqe);
			else
				io_uring_prep_read(sqe, fd, buf[i], 64, offs[i]);
			sqe->user_data = ++id << 8 | i;
			ledger_submit(&l, id);
		}
		if (IO_URING_READ_ONCE(*ring.sq.kflags) & IORING_SQ_NEED_WAKEUP)
			wakeups++;
		ret = io_uring_submit(&ring);
		CHECK(ret == (int) n, "sqpoll: submit %d of %u", ret, n);
		for (i = 0; i < n; i++) {
			struct io_uring_cqe *cqe;
			unsigned slot;

			ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
			if (ret) {
				fail("sqpoll: wait %d (round %u)", ret, r);
				goto out;
			}
			slot = cqe->user_data & 0xff;
			if (ledger_complete(&l, cqe->user_data >> 8) && slot % 2 == 0) {
				CHECK(cqe->res == 64, "sqpoll read %d", cqe->res);
				CHECK(pattern_ok(buf[slot], offs[slot], 64),
				      "sqpoll read data");
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		/*
		 * Now and then stay away long enough for the thread to idle
		 * (sq_thread_idle is rounded up to whole jiffies: 4 ms at
		 * HZ=250).
		 */
		if (next_rand(&seed) % 4 == 0) {
			usleep(5000 + next_rand(&seed) % 5000);
			idles++;
		}
	}
out:
	printf("  sqpoll: %u rounds, %llu requests completed once; %u pauses "
	       "past sq_thread_idle, %u submits found the thread asleep\n",
	       r, (unsigned long long) l.completed, idles, wakeups);
	CHECK(wakeups > 0, "sqpoll: the thread never went to sleep");
	ledger_done(&l, "sqpoll");
	io_uring_queue_exit(&ring);
	close(fd);
}

/* --- DEFER_TASKRUN with a busy issuer ----------------------------------- */

struct feeder {
	int fd;
	unsigned bytes;
	volatile bool stop;
};

static void *feeder_fn(void *arg)
{
	struct feeder *f = arg;
	unsigned char b[16];

	memset(b, 'x', sizeof(b));
	while (!f->stop) {
		if (write(f->fd, b, sizeof(b)) == (ssize_t) sizeof(b))
			f->bytes += sizeof(b);
		usleep(20);
	}
	return NULL;
}

static void mode_defer(void)
{
	unsigned rounds = short_run ? 20000 : 300000, r, seed = 3;
	struct __kernel_timespec ts = { .tv_nsec = 1000000 };
	struct __kernel_timespec op_ts = { .tv_nsec = 100 * 1000 };
	struct io_uring ring;
	struct feeder fd_feed = { 0 };
	struct ledger l;
	unsigned reads = 0, read_bytes = 0, enters = 0;
	uint64_t id = 0;
	static unsigned char rbuf[256][16];
	unsigned rslot = 0;
	pthread_t thr;
	int pfd[2], ret;

	ret = io_uring_queue_init(64, &ring, IORING_SETUP_SINGLE_ISSUER |
				  IORING_SETUP_DEFER_TASKRUN);
	if (ret) {
		fail("defer: setup %d", ret);
		return;
	}
	if (pipe(pfd))
		abort();
	fd_feed.fd = pfd[1];
	ledger_init(&l, rounds * 3 + 16);
	pthread_create(&thr, NULL, feeder_fn, &fd_feed);

	for (r = 0; r < rounds; r++) {
		struct io_uring_sqe *sqe;
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;

		/* Keep a few reads waiting on the pipe, plus NOPs and timeouts. */
		if (reads < 8 && (sqe = io_uring_get_sqe(&ring))) {
			io_uring_prep_read(sqe, pfd[0], rbuf[rslot++ % 256], 16, 0);
			sqe->user_data = ++id << 1 | 1;
			ledger_submit(&l, id);
			reads++;
		}
		if ((sqe = io_uring_get_sqe(&ring))) {
			if (next_rand(&seed) % 4)
				io_uring_prep_nop(sqe);
			else
				io_uring_prep_timeout(sqe, &op_ts, 0, 0);
			sqe->user_data = ++id << 1;
			ledger_submit(&l, id);
		}
		switch (r % 3) {
		case 0:
			ret = io_uring_submit(&ring);
			break;
		case 1:
			ret = io_uring_submit_and_get_events(&ring);
			enters++;
			break;
		default:
			ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1,
							       &ts, NULL);
			if (ret == -ETIME)
				ret = 0;
			enters++;
			break;
		}
		if (ret < 0) {
			fail("defer: submit %d", ret);
			break;
		}
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (ledger_complete(&l, cqe->user_data >> 1) &&
			    (cqe->user_data & 1)) {
				CHECK(cqe->res > 0, "defer: pipe read %d",
				      cqe->res);
				read_bytes += cqe->res > 0 ? (unsigned) cqe->res : 0;
				reads--;
			}
			n++;
		}
		io_uring_cq_advance(&ring, n);
	}
	fd_feed.stop = true;
	pthread_join(thr, NULL);
	/* Satisfy the reads still waiting, then collect everything. */
	{
		unsigned char b[16 * 8];

		memset(b, 'y', sizeof(b));
		if (write(pfd[1], b, sizeof(b)) != (ssize_t) sizeof(b))
			fail("defer: final write");
	}
	while (l.completed < l.submitted) {
		struct __kernel_timespec end = { .tv_sec = 2 };
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &end);
		if (ret) {
			fail("defer: final wait %d, %llu pending", ret,
			     (unsigned long long) (l.submitted - l.completed));
			break;
		}
		ledger_complete(&l, cqe->user_data >> 1);
		io_uring_cqe_seen(&ring, cqe);
	}
	printf("  defer: %u rounds of a busy issuer, %llu requests completed "
	       "once, %u bytes read from the feeder's pipe (%u written), "
	       "%u waits entering for task work\n", r,
	       (unsigned long long) l.completed, read_bytes, fd_feed.bytes,
	       enters);
	ledger_done(&l, "defer");
	io_uring_queue_exit(&ring);
	close(pfd[0]);
	close(pfd[1]);
}

/* --- many rings, many threads ------------------------------------------- */

struct worker {
	unsigned idx;
	unsigned ops;
	unsigned flags;
	uint64_t done;
	int fd;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct __kernel_timespec ts = { .tv_sec = 5 };
	unsigned char buf[16][128];
	uint64_t offs[16];
	unsigned seed = 17 + w->idx, i, left = w->ops;
	struct io_uring_params p;
	struct io_uring ring;
	struct ledger l;
	uint64_t id = 0;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = w->flags;
	p.sq_thread_idle = 2;
	ret = io_uring_queue_init_params(16, &ring, &p);
	if (ret) {
		fail("threads: worker %u setup %d (flags %#x)", w->idx, ret,
		     w->flags);
		return NULL;
	}
	ledger_init(&l, w->ops + 1);
	while (left) {
		unsigned n = 1 + next_rand(&seed) % 16;

		if (n > left)
			n = left;
		for (i = 0; i < n; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe)
				break;
			offs[i] = next_rand(&seed) % ((1 << 16) - 128);
			if (i % 3 == 0) {
				io_uring_prep_nop(sqe);
			} else {
				io_uring_prep_read(sqe, w->fd, buf[i], 128, offs[i]);
			}
			sqe->user_data = ++id << 8 | i;
			ledger_submit(&l, id);
		}
		n = i;
		ret = io_uring_submit_and_wait(&ring, n);
		if (ret < 0) {
			fail("threads: worker %u submit %d", w->idx, ret);
			break;
		}
		for (i = 0; i < n; i++) {
			struct io_uring_cqe *cqe;
			unsigned slot;

			ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
			if (ret) {
				fail("threads: worker %u wait %d", w->idx, ret);
				goto out;
			}
			slot = cqe->user_data & 0xff;
			if (ledger_complete(&l, cqe->user_data >> 8) && slot % 3) {
				CHECK(cqe->res == 128, "threads read %d", cqe->res);
				CHECK(pattern_ok(buf[slot], offs[slot], 128),
				      "threads: worker %u data", w->idx);
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		left -= n;
	}
out:
	w->done = l.completed;
	ledger_done(&l, "threads");
	io_uring_queue_exit(&ring);
	return NULL;
}

static void mode_threads(void)
{
	static const unsigned flag_sets[] = {
		0,
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
		IORING_SETUP_SQPOLL,
		IORING_SETUP_NO_MMAP,
		IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
	};
	unsigned nthreads = short_run ? 12 : 48, ops = short_run ? 3000 : 40000;
	struct worker *w = calloc(nthreads, sizeof(*w));
	pthread_t *thr = calloc(nthreads, sizeof(*thr));
	uint64_t total = 0, t0 = now_ms();
	int fd = pattern_file(1 << 16);
	unsigned i;

	for (i = 0; i < nthreads; i++) {
		w[i].idx = i;
		w[i].ops = ops;
		w[i].fd = fd;
		w[i].flags = flag_sets[i % (sizeof(flag_sets) /
					    sizeof(flag_sets[0]))];
		pthread_create(&thr[i], NULL, worker_fn, &w[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(thr[i], NULL);
		total += w[i].done;
		CHECK(w[i].done == ops, "threads: worker %u did %llu of %u", i,
		      (unsigned long long) w[i].done, ops);
	}
	printf("  threads: %u threads with a ring each (6 kinds of setup), "
	       "%llu requests completed once (%llu ms)\n", nthreads,
	       (unsigned long long) total, (unsigned long long) (now_ms() - t0));
	close(fd);
	free(w);
	free(thr);
}

/* --- fork with live rings ----------------------------------------------- */

static bool mapped(void *addr)
{
	unsigned char vec;

	/* mincore fails with ENOMEM on addresses not mapped. */
	return mincore((void *) ((uintptr_t) addr & ~(uintptr_t) 4095), 4096,
		       &vec) == 0;
}

static void mode_fork(void)
{
	unsigned forks = short_run ? 40 : 400, f, child_ok = 0;
	struct __kernel_timespec op_ts = { .tv_nsec = 2 * 1000000 };
	struct __kernel_timespec ts = { .tv_sec = 5 };
	struct io_uring ring;
	struct ledger l;
	uint64_t id = 0;
	int ret, pfd[2];
	static char rbuf[8][8];

	ret = io_uring_queue_init(32, &ring, 0);
	if (ret) {
		fail("fork: setup %d", ret);
		return;
	}
	ret = io_uring_ring_dontfork(&ring);
	CHECK(ret == 0, "fork: ring_dontfork %d", ret);
	if (pipe(pfd))
		abort();
	ledger_init(&l, forks * 4 + 1);

	for (f = 0; f < forks; f++) {
		struct io_uring_sqe *sqe;
		int status, i;
		pid_t pid;

		/* Live requests across the fork: a timeout and a pipe read. */
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_timeout(sqe, &op_ts, 0, 0);
		sqe->user_data = ++id;
		ledger_submit(&l, id);
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_read(sqe, pfd[0], rbuf[f % 8], 8, 0);
		sqe->user_data = ++id;
		ledger_submit(&l, id);
		io_uring_submit(&ring);

		pid = fork();
		if (pid == 0) {
			struct io_uring child;
			struct io_uring_cqe *cqe;

			/* The parent's ring is not in the child... */
			if (mapped(ring.sq.ring_ptr) || mapped(ring.sq.sqes))
				_exit(2);
			/* ... which can set up and use its own. */
			if (io_uring_queue_init(4, &child, 0))
				_exit(3);
			io_uring_prep_nop(io_uring_get_sqe(&child));
			io_uring_submit(&child);
			if (io_uring_wait_cqe_timeout(&child, &cqe, &ts) ||
			    cqe->res)
				_exit(4);
			io_uring_queue_exit(&child);
			/* Feed the parent's pending read. */
			if (write(pfd[1], "fromkid", 8) != 8)
				_exit(5);
			_exit(0);
		}
		if (pid < 0) {
			fail("fork: %s", strerror(errno));
			break;
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			child_ok++;
		else
			fail("fork: child %d status %#x", f, status);
		/* Both requests complete in the parent, once. */
		for (i = 0; i < 2; i++) {
			struct io_uring_cqe *cqe;

			ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
			if (ret) {
				fail("fork: wait %d after fork %u", ret, f);
				goto out;
			}
			if (ledger_complete(&l, cqe->user_data) &&
			    cqe->user_data % 2 == 0)
				CHECK(cqe->res == 8, "fork: read %d", cqe->res);
			io_uring_cqe_seen(&ring, cqe);
		}
	}
out:
	printf("  fork: %u forks with live requests on a dontfork ring; %u "
	       "children saw no parent ring and ran their own; %llu parent "
	       "requests completed once\n", f, child_ok,
	       (unsigned long long) l.completed);
	ledger_done(&l, "fork");
	io_uring_queue_exit(&ring);
	close(pfd[0]);
	close(pfd[1]);
}

/* --- main --------------------------------------------------------------- */

static const struct {
	const char *name;
	void (*fn)(void);
} modes[] = {
	{ "overflow", mode_overflow },
	{ "signals", mode_signals },
	{ "sqpoll", mode_sqpoll },
	{ "defer", mode_defer },
	{ "threads", mode_threads },
	{ "fork", mode_fork },
};

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0, i;
	int a, first = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "-s")) {
		short_run = true;
		first = 2;
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		bool wanted = first >= argc;
		uint64_t t0;

		for (a = first; a < argc; a++)
			if (!strcmp(argv[a], modes[i].name))
				wanted = true;
		if (!wanted)
			continue;
		failures = 0;
		t0 = now_ms();
		alarm(short_run ? 120 : 1200);	/* a hang fails the run */
		modes[i].fn();
		alarm(0);
		printf("%s %s (%llu ms)\n", failures ? "FAIL" : "ok  ",
		       modes[i].name, (unsigned long long) (now_ms() - t0));
		if (failures)
			failed++;
		else
			passed++;
	}
	printf("stress: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
