/* SPDX-License-Identifier: MIT */
/*
 * This library's own extensions (URING_EXT_1): io_uring_copy_cqes,
 * io_uring_flush_sq and io_uring_get_sqes; plus io_uring_initialize_sqe.
 */
#include "helpers.h"

#include <unistd.h>

/* Word @i of the second half of a 32-byte CQE copied into an array. */
static __u64 extra_word(const struct io_uring_cqe *cqe, unsigned i)
{
	const struct io_uring_cqe *next = cqe + 1;
	__u64 v;

	memcpy(&v, (const char *) next + i * sizeof(v), sizeof(v));
	return v;
}

/* --- io_uring_copy_cqes ---------------------------------------------- */

static void test_copy_cqes(void **state)
{
	struct io_uring_cqe out[16];
	struct io_uring ring;
	unsigned i;

	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_copy_cqes(&ring, out, 16, 0, NULL), 0);
	for (i = 0; i < 5; i++)
		t_queue_nop(&ring, 30 + i);
	assert_int_equal(io_uring_submit(&ring), 5);

	/* the first three, and the CQ moves past them */
	assert_int_equal(io_uring_copy_cqes(&ring, out, 3, 0, NULL), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(out[i].user_data, 30 + i);
		assert_int_equal(out[i].res, 0);
	}
	assert_int_equal(io_uring_cq_ready(&ring), 2);
	/* the rest: fewer than asked for */
	assert_int_equal(io_uring_copy_cqes(&ring, out, 16, 0, NULL), 2);
	assert_int_equal(out[0].user_data, 33);
	assert_int_equal(out[1].user_data, 34);
	assert_int_equal(io_uring_cq_ready(&ring), 0);

	/* a wait for more than fits */
	assert_int_equal(io_uring_copy_cqes(&ring, out, 2, 3, NULL), -EINVAL);
	io_uring_queue_exit(&ring);
}

static void test_copy_cqes_wait(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(20);
	struct io_uring_cqe out[4];
	struct io_uring ring;
	char wbuf[40], rbuf[40];
	uint64_t start;
	pid_t writer;
	int fds[2];

	t_ring(&ring, 4, 0);

	/* nothing in flight: the bound runs out */
	start = t_now_ns();
	assert_int_equal(io_uring_copy_cqes(&ring, out, 4, 1, &ts), -ETIME);
	assert_true(t_ms_since(start) >= 20);
	assert_true(t_ms_since(start) < 1000);

	/* fewer than wait_nr by the deadline: those are returned */
	t_queue_nop(&ring, 1);
	assert_int_equal(io_uring_submit(&ring), 1);
	start = t_now_ns();
	assert_int_equal(io_uring_copy_cqes(&ring, out, 4, 2, &ts), 1);
	assert_true(t_ms_since(start) >= 20);
	assert_int_equal(out[0].user_data, 1);

	/* a completion that comes during the wait */
	assert_int_equal(pipe(fds), 0);
	t_fill(wbuf, sizeof(wbuf), 3);
	t_queue_read(&ring, fds[0], rbuf, sizeof(rbuf), 2);
	assert_int_equal(io_uring_submit(&ring), 1);
	writer = t_write_later_proc(fds[1], wbuf, sizeof(wbuf), 30);
	ts = t_ts_ms(T_WAIT_SECS * 1000);
	start = t_now_ns();
	assert_int_equal(io_uring_copy_cqes(&ring, out, 4, 1, &ts), 1);
	assert_true(t_ms_since(start) < 3000);
	t_wait_exit(writer, 0);
	assert_int_equal(out[0].user_data, 2);
	assert_int_equal(out[0].res, sizeof(wbuf));
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

static void test_copy_cqes_overflow(void **state)
{
	struct io_uring_cqe out[16];
	struct io_uring_params p;
	struct io_uring ring;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	t_ring_params(&ring, 4, &p);
	for (i = 0; i < 8; i++) {
		t_queue_nop(&ring, i);
		if (i % 4 == 3)
			assert_int_equal(io_uring_submit(&ring), 4);
	}
	assert_true(io_uring_cq_has_overflow(&ring));
	assert_int_equal(io_uring_copy_cqes(&ring, out, 16, 0, NULL), 4);
	/* an empty CQ with overflow held back: flushed and copied */
	assert_int_equal(io_uring_copy_cqes(&ring, out + 4, 16, 0, NULL), 4);
	for (i = 0; i < 8; i++)
		assert_int_equal(out[i].user_data, i);
	assert_false(io_uring_cq_has_overflow(&ring));
	io_uring_queue_exit(&ring);
}

static void test_copy_cqes_cqe32(void **state)
{
	struct io_uring_cqe out[2 * 6];
	struct io_uring ring;
	bool big = t_has_nop_cqe32();
	unsigned i;

	t_ring(&ring, 8, IORING_SETUP_CQE32);
	for (i = 0; i < 6; i++) {
		if (big)
			t_queue_nop32(&ring, 40 + i, 100 + i, 200 + i);
		else
			t_queue_nop(&ring, 40 + i);
	}
	assert_int_equal(io_uring_submit_and_wait(&ring, 6), 6);
	/* each copied entry is 32 bytes: two array slots */
	assert_int_equal(io_uring_copy_cqes(&ring, out, 4, 0, NULL), 4);
	assert_int_equal(io_uring_copy_cqes(&ring, out + 8, 2, 0, NULL), 2);
	for (i = 0; i < 6; i++) {
		assert_int_equal(out[2 * i].user_data, 40 + i);
		assert_int_equal(out[2 * i].res, 0);
		if (big) {
			assert_true(extra_word(&out[2 * i], 0) == 100 + i);
			assert_true(extra_word(&out[2 * i], 1) == 200 + i);
		}
	}
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
	if (!big)
		T_SKIP("kernel lacks IORING_NOP_CQE32: extra words unchecked");
}

static void test_copy_cqes_mixed(void **state)
{
	struct io_uring_cqe out[8];
	struct io_uring_params p;
	struct io_uring ring;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED;
	t_ring_params(&ring, 8, &p);
	/* tail to slot 14: small there, filler at 15, big at 0-1 */
	for (i = 0; i < 14; i++) {
		t_queue_nop(&ring, 900 + i);
		if (io_uring_sq_space_left(&ring) == 0 || i == 13)
			assert_true(io_uring_submit(&ring) > 0);
	}
	t_reap(&ring, NULL, 14);
	t_queue_nop(&ring, 1);
	t_queue_nop32(&ring, 2, 0x77, 0x88);
	t_queue_nop(&ring, 3);
	assert_int_equal(io_uring_submit_and_wait(&ring, 3), 3);
	assert_int_equal(io_uring_cq_ready(&ring), 5);

	/* room for the small one only: the big one needs two slots */
	assert_int_equal(io_uring_copy_cqes(&ring, out, 2, 0, NULL), 1);
	assert_int_equal(out[0].user_data, 1);
	assert_int_equal(io_uring_copy_cqes(&ring, out, 8, 0, NULL), 2);
	assert_int_equal(out[0].user_data, 2);
	assert_int_equal(out[0].flags, IORING_CQE_F_32);
	assert_true(extra_word(&out[0], 0) == 0x77);
	assert_true(extra_word(&out[0], 1) == 0x88);
	/* the filler never shows; the next entry follows the big one */
	assert_int_equal(out[2].user_data, 3);
	assert_int_equal(out[2].flags, 0);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

/* --- io_uring_flush_sq ----------------------------------------------- */

static void test_flush_sq(void **state)
{
	struct io_uring_cqe cqes[3];
	struct io_uring ring;
	unsigned i, tail;

	t_ring(&ring, 8, 0);
	tail = *ring.sq.ktail;
	for (i = 0; i < 3; i++)
		t_queue_nop(&ring, 60 + i);
	/* handed out, not yet visible to the kernel */
	assert_int_equal(*ring.sq.ktail, tail);
	assert_int_equal(io_uring_sq_ready(&ring), 3);

	assert_int_equal(io_uring_flush_sq(&ring), 3);
	assert_int_equal(*ring.sq.ktail, tail + 3);
	assert_int_equal(*ring.sq.ktail, ring.sq.sqe_tail);
	assert_int_equal(io_uring_sq_ready(&ring), 3);
	/* nothing entered the kernel */
	assert_int_equal(*ring.sq.khead, tail);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	/* flushing again publishes nothing new */
	assert_int_equal(io_uring_flush_sq(&ring), 3);

	/* a raw enter consumes what was published */
	assert_int_equal(io_uring_enter((unsigned) ring.ring_fd, 3, 3,
					IORING_ENTER_GETEVENTS, NULL), 3);
	assert_int_equal(io_uring_sq_ready(&ring), 0);
	assert_int_equal(io_uring_flush_sq(&ring), 0);
	t_reap(&ring, cqes, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(cqes[i].user_data, 60 + i);
	/* and a later submit has nothing left over */
	assert_int_equal(io_uring_submit(&ring), 0);
	io_uring_queue_exit(&ring);
}

/* --- io_uring_get_sqes ----------------------------------------------- */

static void test_get_sqes_contiguous(void **state)
{
	struct io_uring_cqe cqes[4];
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	unsigned i;

	t_ring(&ring, 8, 0);
	assert_null(io_uring_get_sqes(&ring, 0));
	assert_null(io_uring_get_sqes(&ring, 9));
	assert_int_equal(io_uring_sq_ready(&ring), 0);

	sqe = io_uring_get_sqes(&ring, 4);
	assert_non_null(sqe);
	assert_ptr_equal(sqe, &ring.sq.sqes[0]);
	assert_int_equal(io_uring_sq_ready(&ring), 4);
	for (i = 0; i < 4; i++) {
		io_uring_prep_nop(&sqe[i]);
		sqe[i].user_data = 80 + i;
	}
	assert_int_equal(io_uring_submit(&ring), 4);
	t_reap(&ring, cqes, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(cqes[i].user_data, 80 + i);

	/* six taken: three more do not fit, and none are reserved */
	for (i = 0; i < 6; i++)
		t_queue_nop(&ring, i);
	assert_null(io_uring_get_sqes(&ring, 3));
	assert_int_equal(io_uring_sq_ready(&ring), 6);
	assert_int_equal(io_uring_sq_space_left(&ring), 2);
	assert_int_equal(io_uring_submit(&ring), 6);
	t_reap(&ring, NULL, 6);
	io_uring_queue_exit(&ring);
}

static void test_get_sqes_wrap(void **state)
{
	struct io_uring_cqe cqes[4];
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	unsigned i;

	t_require_feature(IORING_FEAT_CQE_SKIP, "IORING_FEAT_CQE_SKIP");
	t_ring(&ring, 8, 0);
	/* move the tail to slot 6 */
	for (i = 0; i < 6; i++)
		t_queue_nop(&ring, i);
	assert_int_equal(io_uring_submit(&ring), 6);
	t_reap(&ring, NULL, 6);

	/* four in a row cannot start at 6: slots 6-7 become padding */
	sqe = io_uring_get_sqes(&ring, 4);
	assert_non_null(sqe);
	assert_ptr_equal(sqe, &ring.sq.sqes[0]);
	assert_int_equal(io_uring_sq_ready(&ring), 6);
	for (i = 0; i < 4; i++) {
		io_uring_prep_nop(&sqe[i]);
		sqe[i].user_data = 500 + i;
	}
	assert_int_equal(io_uring_submit(&ring), 6);
	/* only the caller's completions come back */
	t_reap(&ring, cqes, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(cqes[i].user_data, 500 + i);
		assert_int_equal(cqes[i].res, 0);
	}
	t_expect_no_cqe(&ring, 20);

	/* not enough room counting the padding: nothing taken */
	for (i = 0; i < 5; i++)
		t_queue_nop(&ring, 600 + i);
	/* tail at slot 1 of the next lap; 3 free, 3 wanted without wrap */
	assert_non_null(io_uring_get_sqes(&ring, 3));
	assert_int_equal(io_uring_sq_space_left(&ring), 0);
	assert_null(io_uring_get_sqes(&ring, 1));
	ring.sq.sqe_tail -= 3;		/* give them back unused */
	assert_int_equal(io_uring_submit(&ring), 5);
	t_reap(&ring, NULL, 5);

	/* tail at slot 6 again: three would wrap, two do not fit */
	for (i = 0; i < 6; i++)
		t_queue_nop(&ring, 700 + i);
	assert_null(io_uring_get_sqes(&ring, 3));
	assert_int_equal(io_uring_sq_ready(&ring), 6);
	assert_int_equal(io_uring_submit(&ring), 6);
	t_reap(&ring, NULL, 6);
	io_uring_queue_exit(&ring);
}

static void test_get_sqes_sqe128(void **state)
{
	struct io_uring_cqe cqes[3];
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	unsigned i;

	t_ring(&ring, 4, IORING_SETUP_SQE128);
	sqe = io_uring_get_sqes(&ring, 3);
	assert_non_null(sqe);
	/* 128-byte entries: every other struct io_uring_sqe */
	for (i = 0; i < 3; i++) {
		struct io_uring_sqe *s = &sqe[2 * i];

		assert_ptr_equal(s, &ring.sq.sqes[2 * i]);
		io_uring_prep_nop(s);
		s->user_data = 40 + i;
	}
	assert_int_equal(io_uring_submit(&ring), 3);
	t_reap(&ring, cqes, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(cqes[i].user_data, 40 + i);
	io_uring_queue_exit(&ring);
}

/* --- io_uring_initialize_sqe ----------------------------------------- */

static void test_initialize_sqe(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;

	t_ring(&ring, 4, 0);
	sqe = t_get_sqe(&ring);
	memset(sqe, 0xff, sizeof(*sqe));
	io_uring_initialize_sqe(sqe);
	assert_int_equal(sqe->flags, 0);
	assert_int_equal(sqe->ioprio, 0);
	assert_int_equal(sqe->rw_flags, 0);
	assert_int_equal(sqe->buf_index, 0);
	assert_int_equal(sqe->personality, 0);
	assert_int_equal(sqe->file_index, 0);
	assert_true(sqe->addr3 == 0);
	assert_true(sqe->__pad2[0] == 0);
	/* a prep helper sets the rest, and the SQE is good to go */
	io_uring_prep_nop(sqe);
	sqe->user_data = 0xfeed;
	cqe = t_submit_one(&ring);
	assert_true(cqe.user_data == 0xfeed);
	assert_int_equal(cqe.res, 0);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_cqes),
		cmocka_unit_test(test_copy_cqes_wait),
		cmocka_unit_test(test_copy_cqes_overflow),
		cmocka_unit_test(test_copy_cqes_cqe32),
		cmocka_unit_test(test_copy_cqes_mixed),
		cmocka_unit_test(test_flush_sq),
		cmocka_unit_test(test_get_sqes_contiguous),
		cmocka_unit_test(test_get_sqes_wrap),
		cmocka_unit_test(test_get_sqes_sqe128),
		cmocka_unit_test(test_initialize_sqe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
