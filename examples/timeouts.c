/* SPDX-License-Identifier: MIT */
/*
 * timeouts: bounding and cancelling requests that may never finish.
 *
 *	timeouts [-t MSEC]
 *
 * A read on an empty pipe is the slow operation: it completes only when
 * someone writes.  Six short scenes, each checked:
 *
 *  1. the read linked to a LINK_TIMEOUT of MSEC: the timeout fires (-ETIME)
 *     and cancels the read (-ECANCELED);
 *  2. the same with data already waiting: the read completes and the
 *     linked timeout is cancelled instead;
 *  3. a plain TIMEOUT of MSEC fires with -ETIME;
 *  4. a TIMEOUT waiting for 2 completions finishes early (0) when two NOPs
 *     complete;
 *  5. the read cancelled by its user_data with ASYNC_CANCEL;
 *  6. a pending TIMEOUT removed with TIMEOUT_REMOVE.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CQES	4

struct result {
	__u64 user_data;
	int res;
};

static struct io_uring ring;
static int pipe_fds[2];
static char buf[64];
static int failures;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static struct io_uring_sqe *sqe_for(__u64 user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	/* Every scene fits in the SQ: it is empty between scenes. */
	io_uring_sqe_set_data64(sqe, user_data);
	return sqe;
}

/* Submit and collect @n completions (any order), 5 s at most. */
static int collect(struct result *out, unsigned n)
{
	struct __kernel_timespec ts = { .tv_sec = 5 };
	unsigned i;
	int ret;

	ret = io_uring_submit(&ring);
	if (ret < 0) {
		fprintf(stderr, "timeouts: submit: %s\n", strerror(-ret));
		exit(1);
	}
	for (i = 0; i < n; i++) {
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		if (ret < 0) {
			fprintf(stderr, "timeouts: waiting for completion"
				" %u of %u: %s\n", i + 1, n, strerror(-ret));
			exit(1);
		}
		out[i].user_data = cqe->user_data;
		out[i].res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	return 0;
}

/* The result of @user_data among @n collected ones. */
static int res_of(const struct result *r, unsigned n, __u64 user_data)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (r[i].user_data == user_data)
			return r[i].res;
	return 1;	/* never a real result here */
}

static const char *name(int res)
{
	static char other[32];

	switch (res) {
	case 0:
		return "0";
	case -ETIME:
		return "-ETIME";
	case -ECANCELED:
		return "-ECANCELED";
	case -EALREADY:
		return "-EALREADY";
	case -ENOENT:
		return "-ENOENT";
	}
	snprintf(other, sizeof(other), "%d", res);
	return other;
}

static void expect(const char *what, int got, int want)
{
	bool ok = got == want;

	printf("    %-34s %-11s %s\n", what, name(got),
	       ok ? "ok" : "UNEXPECTED");
	if (!ok) {
		printf("    (expected %s)\n", name(want));
		failures++;
	}
}

static struct __kernel_timespec ts_ms(unsigned msec)
{
	struct __kernel_timespec ts = {
		.tv_sec = msec / 1000,
		.tv_nsec = (msec % 1000) * 1000000LL,
	};

	return ts;
}

static void scene_link_timeout_fires(unsigned msec)
{
	struct __kernel_timespec ts = ts_ms(msec);
	struct io_uring_sqe *sqe;
	struct result r[MAX_CQES];
	long long start = now_ms(), took;

	sqe = sqe_for(1);
	io_uring_prep_read(sqe, pipe_fds[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = sqe_for(2);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	collect(r, 2);
	took = now_ms() - start;

	printf("1. read on an empty pipe + LINK_TIMEOUT %u ms"
	       " (done after %lld ms)\n", msec, took);
	expect("read", res_of(r, 2, 1), -ECANCELED);
	expect("linked timeout", res_of(r, 2, 2), -ETIME);
	if (took + 1 < msec) {
		printf("    finished before the timeout: UNEXPECTED\n");
		failures++;
	}
}

static void scene_link_timeout_disarmed(unsigned msec)
{
	struct __kernel_timespec ts = ts_ms(msec);
	struct io_uring_sqe *sqe;
	struct result r[MAX_CQES];

	if (write(pipe_fds[1], "hello", 5) != 5) {
		perror("timeouts: write");
		exit(1);
	}
	sqe = sqe_for(1);
	io_uring_prep_read(sqe, pipe_fds[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = sqe_for(2);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	collect(r, 2);

	printf("2. the same with 5 bytes waiting in the pipe\n");
	expect("read (bytes)", res_of(r, 2, 1), 5);
	expect("linked timeout", res_of(r, 2, 2), -ECANCELED);
}

static void scene_timeout_fires(unsigned msec)
{
	struct __kernel_timespec ts = ts_ms(msec);
	struct result r[MAX_CQES];
	long long start = now_ms(), took;

	io_uring_prep_timeout(sqe_for(3), &ts, 0, 0);
	collect(r, 1);
	took = now_ms() - start;

	printf("3. TIMEOUT of %u ms (fired after %lld ms)\n", msec, took);
	expect("timeout", res_of(r, 1, 3), -ETIME);
	if (took + 1 < msec) {
		printf("    fired early: UNEXPECTED\n");
		failures++;
	}
}

static void scene_timeout_count(void)
{
	struct __kernel_timespec ts = ts_ms(10000);
	struct result r[MAX_CQES];
	long long start = now_ms();

	io_uring_prep_timeout(sqe_for(3), &ts, 2, 0);
	io_uring_prep_nop(sqe_for(4));
	io_uring_prep_nop(sqe_for(5));
	collect(r, 3);

	printf("4. TIMEOUT of 10 s or 2 completions, then two NOPs"
	       " (done after %lld ms)\n", now_ms() - start);
	expect("nop", res_of(r, 3, 4), 0);
	expect("nop", res_of(r, 3, 5), 0);
	expect("timeout (count reached)", res_of(r, 3, 3), 0);
}

static void scene_cancel(void)
{
	struct result r[MAX_CQES];

	io_uring_prep_read(sqe_for(0x1234), pipe_fds[0], buf, sizeof(buf), 0);
	io_uring_submit(&ring);
	io_uring_prep_cancel64(sqe_for(6), 0x1234, 0);
	collect(r, 2);

	printf("5. read on an empty pipe, then ASYNC_CANCEL of its"
	       " user_data 0x1234\n");
	expect("read", res_of(r, 2, 0x1234), -ECANCELED);
	expect("cancel", res_of(r, 2, 6), 0);
}

static void scene_timeout_remove(void)
{
	struct __kernel_timespec ts = ts_ms(10000);
	struct result r[MAX_CQES];

	io_uring_prep_timeout(sqe_for(7), &ts, 0, 0);
	io_uring_submit(&ring);
	io_uring_prep_timeout_remove(sqe_for(8), 7, 0);
	collect(r, 2);

	printf("6. TIMEOUT of 10 s removed with TIMEOUT_REMOVE\n");
	expect("timeout", res_of(r, 2, 7), -ECANCELED);
	expect("timeout remove", res_of(r, 2, 8), 0);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-t MSEC]\n"
		"  -t  length of the timeouts that fire, 1-10000 ms"
		" (default 50)\n", prog);
	exit(2);
}

int main(int argc, char *argv[])
{
	unsigned long msec = 50;
	char *end;
	int opt, ret;

	while ((opt = getopt(argc, argv, "t:h")) != -1) {
		switch (opt) {
		case 't':
			errno = 0;
			msec = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !msec ||
			    msec > 10000 || *optarg == '-')
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	if (pipe(pipe_fds) < 0) {
		perror("timeouts: pipe");
		return 1;
	}
	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "timeouts: io_uring_queue_init: %s\n",
			strerror(-ret));
		return 1;
	}

	scene_link_timeout_fires((unsigned) msec);
	scene_link_timeout_disarmed((unsigned) msec);
	scene_timeout_fires((unsigned) msec);
	scene_timeout_count();
	scene_cancel();
	scene_timeout_remove();

	io_uring_queue_exit(&ring);
	if (failures) {
		printf("timeouts: %d unexpected results\n", failures);
		return 1;
	}
	printf("timeouts: all 6 scenes behaved as expected\n");
	return 0;
}
