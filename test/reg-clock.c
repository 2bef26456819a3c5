/* SPDX-License-Identifier: MIT */
/*
 * The clock a ring's waits use (io_uring_register_clock()): MONOTONIC and
 * BOOTTIME, absolute waits on each, and the bad arguments.
 */
#include "helpers.h"

static int clock_reg(struct io_uring *ring, unsigned clockid)
{
	struct io_uring_clock_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.clockid = clockid;
	return io_uring_register_clock(ring, &reg);
}

/* Wait for nothing until @clockid reads @delay_ms later, absolutely. */
static uint64_t abs_wait_ms(struct io_uring *ring, clockid_t clockid,
			    unsigned delay_ms)
{
	struct io_uring_getevents_arg arg;
	struct __kernel_timespec ts;
	struct timespec now;
	uint64_t start, ns;
	int ret;

	clock_gettime(clockid, &now);
	ns = (uint64_t) now.tv_nsec + delay_ms * 1000000ULL;
	ts.tv_sec = now.tv_sec + (long long) (ns / 1000000000ULL);
	ts.tv_nsec = (long long) (ns % 1000000000ULL);
	memset(&arg, 0, sizeof(arg));
	arg.ts = (unsigned long) &ts;
	start = t_now_ns();
	ret = io_uring_enter2((unsigned) ring->ring_fd, 0, 1,
			      IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG |
			      IORING_ENTER_ABS_TIMER, &arg, sizeof(arg));
	assert_int_equal(ret, -ETIME);
	return t_ms_since(start);
}

static void test_clock(void **state)
{
	struct io_uring_clock_register reg;
	struct io_uring ring;
	uint64_t ms;
	int ret;

	t_ring(&ring, 4, 0);
	ret = clock_reg(&ring, CLOCK_MONOTONIC);
	if (ret == -EINVAL) {
		io_uring_queue_exit(&ring);
		T_SKIP("IORING_REGISTER_CLOCK (Linux 6.12): kernel answers %d",
		       ret);
	}
	assert_int_equal(ret, 0);
	ms = abs_wait_ms(&ring, CLOCK_MONOTONIC, 60);
	assert_true(ms >= 50 && ms < 3000);

	assert_int_equal(clock_reg(&ring, CLOCK_BOOTTIME), 0);
	ms = abs_wait_ms(&ring, CLOCK_BOOTTIME, 60);
	assert_true(ms >= 50 && ms < 3000);

	/* only those two */
	assert_int_equal(clock_reg(&ring, CLOCK_REALTIME), -EINVAL);
	assert_int_equal(clock_reg(&ring, CLOCK_PROCESS_CPUTIME_ID), -EINVAL);
	memset(&reg, 0, sizeof(reg));
	reg.clockid = CLOCK_MONOTONIC;
	reg.__resv[2] = 1;
	assert_int_equal(io_uring_register_clock(&ring, &reg), -EINVAL);
	/* the argument count must be 0 */
	reg.__resv[2] = 0;
	assert_int_equal(io_uring_register((unsigned) ring.ring_fd,
					   IORING_REGISTER_CLOCK, &reg, 1),
			 -EINVAL);
	/* the failures left BOOTTIME in place */
	ms = abs_wait_ms(&ring, CLOCK_BOOTTIME, 60);
	assert_true(ms >= 50 && ms < 3000);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
