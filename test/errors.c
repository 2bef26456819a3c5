/* SPDX-License-Identifier: MIT */
/*
 * Error returns, each against the running kernel: ring sizes the kernel
 * refuses (and the library's prediction of them), mapping a descriptor
 * that is no ring, caller memory that does not fit, calls on rings in the
 * wrong state, out-of-range arguments to the SQE and CQE batch calls, and
 * the RLIMIT_NOFILE retry of file registration.
 */
#include "helpers.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* --- ring sizes ------------------------------------------------------ */

static const struct size_case {
	const char *what;
	unsigned entries;
	unsigned flags;
	unsigned cq_entries;
} size_cases[] = {
	{ "no entries", 0, 0, 0 },
	{ "SQ over the limit", 32769, 0, 0 },
	{ "SQ over the limit, clamped", 32769, IORING_SETUP_CLAMP, 0 },
	{ "CQSIZE of 0", 8, IORING_SETUP_CQSIZE, 0 },
	{ "CQ over the limit", 8, IORING_SETUP_CQSIZE, 65537 },
	{ "CQ over the limit, clamped", 8,
	  IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, 65537 },
	{ "CQ smaller than the SQ", 64, IORING_SETUP_CQSIZE, 16 },
	{ "CQ rounded up", 8, IORING_SETUP_CQSIZE, 100 },
	{ "SQ rounded up", 5, 0, 0 },
};

static bool native_workers(void)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(1, &p);
	assert_true(fd >= 0);
	close(fd);
	return p.features & IORING_FEAT_NATIVE_WORKERS;
}

/*
 * io_uring_memory_size_params() refuses exactly what io_uring_setup()
 * refuses, with the same error; what it accepts it sizes as the ring the
 * kernel then makes (its sq_entries and cq_entries, taken literally).
 */
static void test_ring_sizes_match_kernel(void **state)
{
	bool no_mlock = native_workers();
	unsigned i;

	for (i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		const struct size_case *c = &size_cases[i];
		struct io_uring_params p, kp, exact;
		ssize_t size, mlock;
		int fd;

		memset(&p, 0, sizeof(p));
		p.flags = c->flags;
		p.cq_entries = c->cq_entries;
		kp = p;

		size = io_uring_memory_size_params(c->entries, &p);
		mlock = io_uring_mlock_size_params(c->entries, &p);
		fd = io_uring_setup(c->entries, &kp);
		if (fd < 0) {
			if (size != fd)
				fail_msg("%s: kernel %d, library %zd", c->what,
					 fd, size);
			assert_int_equal(mlock, fd);
			continue;
		}
		close(fd);
		if (size <= 0)
			fail_msg("%s: kernel accepts, library %zd", c->what,
				 size);
		assert_int_equal(mlock, no_mlock ? 0 : size);

		memset(&exact, 0, sizeof(exact));
		exact.flags = IORING_SETUP_CQSIZE;
		exact.cq_entries = kp.cq_entries;
		if (io_uring_memory_size_params(kp.sq_entries, &exact) != size)
			fail_msg("%s: kernel made %u/%u entries, sized as %zd",
				 c->what, kp.sq_entries, kp.cq_entries, size);
	}
	/* the flags-only form */
	assert_int_equal(io_uring_memory_size(0, 0), -EINVAL);
	assert_int_equal(io_uring_mlock_size(40000, 0), -EINVAL);
}

/* --- io_uring_queue_mmap ------------------------------------------- */

static void check_inert(struct io_uring *ring)
{
	assert_int_equal(ring->ring_fd, -1);
	assert_int_equal(ring->enter_ring_fd, -1);
	assert_null(ring->sq.ring_ptr);
	assert_null(ring->cq.ring_ptr);
	assert_null(ring->sq.sqes);
}

static void test_queue_mmap_not_a_ring(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	unsigned maps;
	int fds[2], fd;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	assert_true(fd >= 0);
	assert_int_equal(pipe(fds), 0);
	maps = t_maps_count();

	/* the parameters of a real ring, the descriptor of something else */
	memset(&ring, 0x5a, sizeof(ring));
	assert_int_equal(io_uring_queue_mmap(fds[0], &p, &ring), -EOPNOTSUPP);
	check_inert(&ring);
	memset(&ring, 0x5a, sizeof(ring));
	assert_int_equal(io_uring_queue_mmap(-1, &p, &ring), -EBADF);
	check_inert(&ring);
	assert_int_equal(t_maps_count(), maps);
	/* nothing to undo */
	io_uring_queue_exit(&ring);
	assert_int_equal(fcntl(fds[0], F_GETFD), 0);

	/* and the ring's own descriptor maps */
	assert_int_equal(io_uring_queue_mmap(fd, &p, &ring), 0);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
}

/* --- io_uring_queue_init_mem --------------------------------------- */

static void test_init_mem_errors(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;
	size_t len = 1 << 20;
	ssize_t need;
	unsigned maps;
	char *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(buf != MAP_FAILED);
	maps = t_maps_count();

	/* no memory at all */
	memset(&p, 0, sizeof(p));
	assert_int_equal(io_uring_queue_init_mem(8, &ring, &p, NULL, len),
			 -EINVAL);

	/* less than the smallest ring the library would try */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_NO_SQARRAY;
	need = io_uring_memory_size_params(8, &p);
	assert_true(need > 0 && (size_t) need <= len);
	memset(&ring, 0x5a, sizeof(ring));
	assert_int_equal(io_uring_queue_init_mem(8, &ring, &p, buf,
						 (size_t) need - 1), -ENOMEM);
	check_inert(&ring);

	/*
	 * SQ_AFF without SQPOLL, which the kernel refuses with and without
	 * the SQ array: the caller's memory is left alone
	 */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQ_AFF;
	memset(&ring, 0x5a, sizeof(ring));
	assert_int_equal(io_uring_queue_init_mem(8, &ring, &p, buf, len),
			 -EINVAL);
	check_inert(&ring);
	assert_int_equal(t_maps_count(), maps);
	memset(buf, 0xa5, len);
	assert_int_equal(munmap(buf, len), 0);
}

/* --- io_uring_ring_dontfork ---------------------------------------- */

static void test_dontfork_incomplete_ring(void **state)
{
	struct io_uring ring, copy;

	t_ring(&ring, 4, 0);
	copy = ring;
	copy.sq.ring_ptr = NULL;
	assert_int_equal(io_uring_ring_dontfork(&copy), -EINVAL);
	copy = ring;
	copy.sq.sqes = NULL;
	assert_int_equal(io_uring_ring_dontfork(&copy), -EINVAL);
	copy = ring;
	copy.cq.ring_ptr = NULL;
	assert_int_equal(io_uring_ring_dontfork(&copy), -EINVAL);
	/* the whole one is fine */
	assert_int_equal(io_uring_ring_dontfork(&ring), 0);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/* --- registered ring fd states ------------------------------------- */

static void test_ring_fd_states(void **state)
{
	struct io_uring_params p;
	struct io_uring ring;

	t_ring(&ring, 4, 0);
	/* nothing registered yet */
	assert_int_equal(io_uring_unregister_ring_fd(&ring), -EINVAL);
	if (!(ring.features & IORING_FEAT_REG_REG_RING)) {
		assert_int_equal(io_uring_close_ring_fd(&ring), -EOPNOTSUPP);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks %s",
		       t_feature_desc(IORING_FEAT_REG_REG_RING));
	}
	assert_int_equal(io_uring_close_ring_fd(&ring), -EINVAL);

	assert_int_equal(io_uring_register_ring_fd(&ring), 1);
	assert_int_equal(io_uring_register_ring_fd(&ring), -EEXIST);
	assert_int_equal(io_uring_close_ring_fd(&ring), 1);
	assert_int_equal(ring.ring_fd, -1);
	/* closed already */
	assert_int_equal(io_uring_close_ring_fd(&ring), -EBADF);
	/* resizing must map the new rings from the fd it no longer has */
	memset(&p, 0, sizeof(p));
	p.sq_entries = 8;
	p.cq_entries = 16;
	assert_int_equal(io_uring_resize_rings(&ring, &p), -EBADF);
	/* the ring goes on through its registered index */
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/*
 * Without IORING_FEAT_REG_REG_RING (kernels before 6.3) a registered ring
 * still registers resources through its fd, which must stay open.
 */
static void test_ring_fd_without_reg_reg_ring(void **state)
{
	struct io_uring_probe *probe;
	struct io_uring ring;

	t_ring(&ring, 4, 0);
	ring.features &= ~IORING_FEAT_REG_REG_RING;
	t_register_ring_fd(&ring);
	assert_int_equal(io_uring_close_ring_fd(&ring), -EOPNOTSUPP);
	assert_true(ring.ring_fd >= 0);
	assert_true(fcntl(ring.ring_fd, F_GETFD) >= 0);

	probe = io_uring_get_probe_ring(&ring);
	assert_non_null(probe);
	assert_true(io_uring_opcode_supported(probe, IORING_OP_NOP));
	io_uring_free_probe(probe);
	t_ring_still_works(&ring);
	assert_int_equal(io_uring_unregister_ring_fd(&ring), 1);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/* --- BPF filters for the task -------------------------------------- */

/*
 * A zeroed struct io_uring_bpf names no command, so no kernel installs
 * anything; what it answers depends on how far it knows the call: 6.13+
 * take ring-less (fd -1) registrations and refuse unknown ones with
 * -EINVAL, older kernels fail the fd -1 with -EBADF.
 */
static void test_bpf_filter_task_invalid(void **state)
{
	struct io_uring_bpf bpf;
	struct io_uring ring;
	int blind, ret, want;

	/* ring-less registration: SEND_MSG_RING insists on nr_args 1 */
	blind = io_uring_register(-1U, IORING_REGISTER_SEND_MSG_RING, NULL,
				  0);
	assert_true(blind == -EINVAL || blind == -EBADF);
	want = blind;

	memset(&bpf, 0, sizeof(bpf));
	ret = io_uring_register_bpf_filter_task(&bpf);
	assert_int_equal(ret, want);
	/* the same as the raw call */
	assert_int_equal(io_uring_register(-1U, IORING_REGISTER_BPF_FILTER,
					   &bpf, 1), want);
	/* and rings made afterwards are not filtered */
	t_ring(&ring, 2, 0);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

/* --- io_uring_get_sqes --------------------------------------------- */

/* Queue NOPs @first .. @first + n - 1, submit them and reap them. */
static void nops_through(struct io_uring *ring, __u64 first, unsigned n)
{
	struct io_uring_cqe cqe;
	unsigned i;

	for (i = 0; i < n; i++)
		t_queue_nop(ring, first + i);
	assert_int_equal(io_uring_submit(ring), (int) n);
	for (i = 0; i < n; i++) {
		t_reap(ring, &cqe, 1);
		assert_int_equal(cqe.user_data, first + i);
	}
}

static void test_get_sqes_refusals(void **state)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqes[3];
	struct io_uring ring;
	unsigned tail;

	t_ring(&ring, 8, 0);
	tail = ring.sq.sqe_tail;
	assert_null(io_uring_get_sqes(&ring, 0));
	assert_null(io_uring_get_sqes(&ring, 9));
	assert_int_equal(ring.sq.sqe_tail, tail);
	if (!(ring.features & IORING_FEAT_CQE_SKIP)) {
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks %s: no wrapping io_uring_get_sqes()",
		       t_feature_desc(IORING_FEAT_CQE_SKIP));
	}

	/* the tail to slot 6, an SQE there that links onwards */
	nops_through(&ring, 1, 6);
	sqe = t_queue_nop(&ring, 7);
	sqe->flags |= IOSQE_IO_LINK;
	/* four from slot 7 wrap: the filler would join the chain */
	tail = ring.sq.sqe_tail;
	assert_null(io_uring_get_sqes(&ring, 4));
	sqe->flags = IOSQE_IO_HARDLINK;
	assert_null(io_uring_get_sqes(&ring, 4));
	assert_int_equal(ring.sq.sqe_tail, tail);
	/* one still fits before the end: no filler, no refusal */
	sqe->flags = IOSQE_IO_LINK;
	sqe = io_uring_get_sqes(&ring, 1);
	assert_non_null(sqe);
	io_uring_prep_nop(sqe);
	sqe->user_data = 8;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(cqes[0].user_data, 7);
	assert_int_equal(cqes[1].user_data, 8);

	/* the same wrap after an SQE that does not link: a silent filler */
	nops_through(&ring, 9, 6);
	assert_int_equal(ring.sq.sqe_tail & ring.sq.ring_mask, 6);
	t_queue_nop(&ring, 15);
	sqe = io_uring_get_sqes(&ring, 2);
	assert_non_null(sqe);
	assert_ptr_equal(sqe, &ring.sq.sqes[0]);
	io_uring_prep_nop(&sqe[0]);
	sqe[0].user_data = 16;
	io_uring_prep_nop(&sqe[1]);
	sqe[1].user_data = 17;
	assert_int_equal(io_uring_submit(&ring), 4);
	t_reap(&ring, cqes, 3);
	assert_int_equal(cqes[0].user_data, 15);
	assert_int_equal(cqes[1].user_data, 16);
	assert_int_equal(cqes[2].user_data, 17);
	t_expect_no_cqe(&ring, 10);
	io_uring_queue_exit(&ring);
}

/*
 * A kernel that cannot skip the fillers' CQEs (before 5.17, or this one
 * made to look like one): no wrapping.
 */
static void test_get_sqes_without_cqe_skip(void **state)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqes[2];
	struct io_uring ring;

	t_ring(&ring, 8, 0);
	ring.features &= ~IORING_FEAT_CQE_SKIP;
	nops_through(&ring, 18, 6);
	assert_int_equal(ring.sq.sqe_tail & ring.sq.ring_mask, 6);
	assert_null(io_uring_get_sqes(&ring, 3));
	sqe = io_uring_get_sqes(&ring, 2);
	assert_non_null(sqe);
	io_uring_prep_nop(&sqe[0]);
	sqe[0].user_data = 22;
	io_uring_prep_nop(&sqe[1]);
	sqe[1].user_data = 23;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(cqes[0].user_data, 22);
	assert_int_equal(cqes[1].user_data, 23);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

/*
 * Binaries built when io_uring_get_sqe() was not inline call the
 * library's exported copy; it must refuse a full SQ like the inline one.
 */
static void test_exported_get_sqe_full(void **state)
{
	struct io_uring_sqe *(*get_sqe)(struct io_uring *ring);
	struct io_uring ring;
	unsigned i;

	*(void **) &get_sqe = dlsym(RTLD_DEFAULT, "io_uring_get_sqe");
	assert_non_null(get_sqe);
	t_ring(&ring, 4, 0);
	for (i = 0; i < 4; i++) {
		struct io_uring_sqe *sqe = get_sqe(&ring);

		assert_non_null(sqe);
		io_uring_prep_nop(sqe);
		sqe->user_data = 50 + i;
	}
	assert_null(get_sqe(&ring));
	assert_int_equal(io_uring_submit(&ring), 4);
	t_reap(&ring, NULL, 4);
	/* room again once the kernel took them */
	assert_non_null(get_sqe(&ring));
	io_uring_queue_exit(&ring);
}

/* --- io_uring_copy_cqes -------------------------------------------- */

static void test_copy_cqes_ready_enough(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(5000);
	struct io_uring_cqe out[4];
	struct io_uring ring;
	uint64_t start;

	t_ring(&ring, 4, 0);
	t_queue_nop(&ring, 1);
	t_queue_nop(&ring, 2);
	assert_int_equal(io_uring_submit_and_wait(&ring, 2), 2);
	/* two ready, two wanted: no wait */
	start = t_now_ns();
	assert_int_equal(io_uring_copy_cqes(&ring, out, 4, 2, &ts), 2);
	assert_true(t_ms_since(start) < 1000);
	assert_int_equal(out[0].user_data, 1);
	assert_int_equal(out[1].user_data, 2);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
}

/* A wait that fails for another reason than its bound: the error. */
static void test_copy_cqes_wait_fails(void **state)
{
	struct __kernel_timespec ts = t_ts_ms(20);
	struct io_uring_cqe out[2];
	struct io_uring ring;

	t_ring(&ring, 4, IORING_SETUP_R_DISABLED);
	assert_int_equal(io_uring_copy_cqes(&ring, out, 2, 1, NULL), -EBADFD);
	assert_int_equal(io_uring_copy_cqes(&ring, out, 2, 1, &ts), -EBADFD);
	assert_int_equal(io_uring_enable_rings(&ring), 0);
	t_queue_nop(&ring, 5);
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(io_uring_copy_cqes(&ring, out, 2, 1, &ts), 1);
	assert_int_equal(out[0].user_data, 5);
	io_uring_queue_exit(&ring);
}

/* --- RLIMIT_NOFILE and file registration --------------------------- */

static void test_register_files_raises_nofile(void **state)
{
	struct rlimit old, now;
	struct io_uring ring;
	int files[100];
	unsigned i;

	if (!t_nofile_limit_is_real())
		T_SKIP("RLIMIT_NOFILE is not the kernel's (valgrind?)");
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	if (old.rlim_max < 200)
		T_SKIP("hard RLIMIT_NOFILE %llu", (unsigned long long)
		       old.rlim_max);
	for (i = 0; i < 100; i++)
		files[i] = -1;

	t_ring(&ring, 4, 0);
	now = old;
	now.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &now), 0);
	/*
	 * The kernel counts the table against the soft limit; the library
	 * raises it to the hard one and tries again.
	 */
	assert_int_equal(io_uring_register_files(&ring, files, 100), 0);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &now), 0);
	assert_true(now.rlim_cur == old.rlim_max);
	assert_int_equal(io_uring_unregister_files(&ring), 0);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	io_uring_queue_exit(&ring);
}

/*
 * A soft limit already at the hard one: nothing to raise, the kernel's
 * -EMFILE stands.  (Lowering the hard limit could not be undone without
 * CAP_SYS_RESOURCE: ask for one file more than it instead.)
 */
static void test_register_files_nofile_at_max(void **state)
{
	struct rlimit old, now;
	struct io_uring ring;
	unsigned nr, i;
	int *files;

	if (!t_nofile_limit_is_real())
		T_SKIP("RLIMIT_NOFILE is not the kernel's (valgrind?)");
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	if (old.rlim_max >= (1U << 24))
		T_SKIP("hard RLIMIT_NOFILE %llu",
		       (unsigned long long) old.rlim_max);
	nr = (unsigned) old.rlim_max + 1;
	files = malloc(nr * sizeof(*files));
	assert_non_null(files);
	for (i = 0; i < nr; i++)
		files[i] = -1;
	t_ring(&ring, 4, 0);
	now = old;
	now.rlim_cur = now.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &now), 0);
	assert_int_equal(io_uring_register_files(&ring, files, nr), -EMFILE);
	/* kernels before sparse tables (5.19) refuse the flag first */
	assert_int_equal(io_uring_register_files_sparse(&ring, nr),
			 t_has_rsrc_sparse() ? -EMFILE : -EINVAL);
	assert_int_equal(io_uring_register_files_tags(&ring, files, NULL, nr),
			 -EMFILE);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	/* nothing was registered: a table of 8 empty slots still goes in */
	assert_int_equal(io_uring_register_files(&ring, files, 8), 0);
	assert_int_equal(io_uring_unregister_files(&ring), 0);
	free(files);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_sizes_match_kernel),
		cmocka_unit_test(test_queue_mmap_not_a_ring),
		cmocka_unit_test(test_init_mem_errors),
		cmocka_unit_test(test_dontfork_incomplete_ring),
		cmocka_unit_test(test_ring_fd_states),
		cmocka_unit_test(test_ring_fd_without_reg_reg_ring),
		cmocka_unit_test(test_bpf_filter_task_invalid),
		cmocka_unit_test(test_get_sqes_refusals),
		cmocka_unit_test(test_get_sqes_without_cqe_skip),
		cmocka_unit_test(test_exported_get_sqe_full),
		cmocka_unit_test(test_copy_cqes_ready_enough),
		cmocka_unit_test(test_copy_cqes_wait_fails),
		cmocka_unit_test(test_register_files_raises_nofile),
		cmocka_unit_test(test_register_files_nofile_at_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
