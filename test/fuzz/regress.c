/* SPDX-License-Identifier: MIT */
/*
 * Deterministic reproducers of what the fuzzer found, run by make fuzz
 * before fuzzing.  Each prints ok or FAIL; the last line is
 * "regress: N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "liburing.h"

static int failed_checks;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("    %s: ", __func__);			\
			printf(__VA_ARGS__);				\
			printf("\n");					\
			failed_checks++;				\
		}							\
	} while (0)

/*
 * io_uring_get_sqes() pads to the end of the SQ with NOPs when the block
 * would wrap.  If the SQE queued just before carries IOSQE_IO_LINK, the
 * first filler becomes its link successor: the caller's link to its own
 * next request is silently cut, and when the chain fails the filler
 * completes with -ECANCELED and user_data 0, a CQE the caller never asked
 * for.  Found by the fuzzer (an invariant: every CQE belongs to a request
 * submitted).  Either refusing such a block or keeping the caller's link
 * intact without stray CQEs passes.
 */
static void get_sqes_after_open_link(void)
{
	struct __kernel_timespec ts = { .tv_nsec = 50 * 1000000 };
	struct io_uring_sqe *sqe, *block;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	unsigned stray = 0, i;
	int ret, res_300 = 1;
	char buf[8];

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret) {
		CHECK(0, "setup %d", ret);
		return;
	}
	/* Move the tail to slot 5. */
	for (i = 0; i < 5; i++)
		io_uring_prep_nop(io_uring_get_sqe(&ring));
	io_uring_submit_and_wait(&ring, 5);
	io_uring_cq_advance(&ring, 5);

	/* A read that fails at once, linked to what comes next ... */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, -1, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 200;
	/*
	 * ... which is the first of a block that must wrap (pad 2).  Refusing
	 * the block (NULL) is a correct answer too: the caller can submit and
	 * ask again.
	 */
	block = io_uring_get_sqes(&ring, 4);
	if (!block) {
		io_uring_submit_and_wait(&ring, 1);
		io_uring_cq_advance(&ring, 1);
		io_uring_queue_exit(&ring);
		return;
	}
	for (i = 0; i < 4; i++) {
		io_uring_prep_nop(&block[i]);
		block[i].user_data = 300 + i;
	}
	io_uring_submit(&ring);
	while (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) == 0) {
		if (cqe->user_data == 0)
			stray++;
		if (cqe->user_data == 300)
			res_300 = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(!stray, "%u CQE(s) with user_data 0 from the filler NOPs", stray);
	CHECK(res_300 == -ECANCELED,
	      "the request linked after the failed read ran (res %d): the "
	      "link went to a filler instead", res_300);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "get_sqes_after_open_link", get_sqes_after_open_link },
	};
	unsigned i, passed = 0, failed = 0;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		failed_checks = 0;
		tests[i].fn();
		printf("%s %s\n", failed_checks ? "FAIL" : "ok  ", tests[i].name);
		if (failed_checks)
			failed++;
		else
			passed++;
	}
	printf("regress: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
