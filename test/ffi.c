/* SPDX-License-Identifier: MIT */
/*
 * liburing-ffi.so.2: the inline helpers of liburing.h exported as real
 * functions.  The library is loaded with dlopen() from the build tree
 * (../src next to this binary, so sanitizer builds find their own copy),
 * each helper is looked up with dlsym() and called through a pointer of
 * the inline helper's own type, and what it does is compared byte for byte
 * with what the inline helper does to an identical starting state.  The
 * version nodes of a sample of symbols are checked with dlvsym().
 */
#include "helpers.h"

#include <dlfcn.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32		0x02
#endif

static void *ffi_lib;
static void *uring_lib;

/* dirname(/proc/self/exe)/../src/@name */
static void *open_built_lib(const char *name)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t len;
	char *slash;
	void *h;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../src/%s", exe, name);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		printf("dlopen %s: %s\n", path, dlerror());
	return h;
}

static int setup(void **state)
{
	ffi_lib = open_built_lib("liburing-ffi.so.2");
	uring_lib = open_built_lib("liburing.so.2");
	return ffi_lib && uring_lib ? 0 : -1;
}

static int teardown(void **state)
{
	if (ffi_lib)
		dlclose(ffi_lib);
	if (uring_lib)
		dlclose(uring_lib);
	return 0;
}

static void *ffi_sym(const char *name)
{
	void *sym = dlsym(ffi_lib, name);

	if (!sym)
		fail_msg("liburing-ffi.so.2 does not export %s", name);
	return sym;
}

/* The exported copy of inline helper @fn, with @fn's exact type. */
#define FFI(fn)	((__typeof__(&fn)) ffi_sym(#fn))

/*
 * Starting contents of the SQEs: zero (what io_uring_get_sqe() hands
 * out), all ones (shows fields a helper leaves alone), and a pattern.
 */
static const unsigned char fills[] = { 0x00, 0xff, 0xa5 };

/*
 * Run inline helper @fn and its exported copy on two SQE pairs (128 bytes,
 * to catch a write past the first entry) prepared identically, and demand
 * identical bytes, and that the helper wrote something.  @in_args and
 * @ex_args are the parenthesised argument lists, naming the SQEs in and ex.
 */
#define SAME_SQE_CALL(fn, in_args, ex_args)				\
	do {								\
		__typeof__(&fn) ffi_fn = FFI(fn);			\
		struct io_uring_sqe in[2], ex[2], start[2];		\
		unsigned i;						\
									\
		for (i = 0; i < sizeof(fills); i++) {			\
			memset(start, fills[i], sizeof(start));		\
			memcpy(in, start, sizeof(in));			\
			memcpy(ex, start, sizeof(ex));			\
			fn in_args;					\
			ffi_fn ex_args;					\
			if (memcmp(in, ex, sizeof(in)))			\
				print_message("%s differs, fill 0x%02x\n", \
					      #fn, fills[i]);		\
			assert_memory_equal(in, ex, sizeof(in));	\
			assert_memory_not_equal(in, start, sizeof(in));	\
		}							\
	} while (0)

/* Helpers taking the SQE and then more arguments, and only the SQE. */
#define SAME_SQE(fn, ...)						\
	SAME_SQE_CALL(fn, (in, __VA_ARGS__), (ex, __VA_ARGS__))
#define SAME_SQE0(fn)	SAME_SQE_CALL(fn, (in), (ex))

/* io_uring_prep_rw() takes the opcode before the SQE. */
static void test_prep_rw(void **state)
{
	__typeof__(&io_uring_prep_rw) ffi_fn = FFI(io_uring_prep_rw);
	struct io_uring_sqe in[2], ex[2];
	unsigned i;

	for (i = 0; i < sizeof(fills); i++) {
		memset(in, fills[i], sizeof(in));
		memset(ex, fills[i], sizeof(ex));
		io_uring_prep_rw(IORING_OP_READ, in, 8, in, 9, 10);
		ffi_fn(IORING_OP_READ, ex, 8, in, 9, 10);
		assert_memory_equal(in, ex, sizeof(in));
		assert_int_equal(ex[0].opcode, IORING_OP_READ);
	}
}

static void test_rw_helpers(void **state)
{
	char buf[64];
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = 32 },
		{ .iov_base = buf + 32, .iov_len = 32 },
	};

	SAME_SQE(io_uring_prep_read, 7, buf, sizeof(buf), 4096);
	SAME_SQE(io_uring_prep_read, 7, buf, sizeof(buf), (__u64) -1);
	SAME_SQE(io_uring_prep_write, 3, buf, 17, 1ULL << 40);
	SAME_SQE(io_uring_prep_readv, 5, iov, 2, 0);
	SAME_SQE(io_uring_prep_readv2, 5, iov, 2, 8, RWF_HIPRI);
	SAME_SQE(io_uring_prep_writev2, 9, iov, 2, 512, RWF_DSYNC | RWF_APPEND);
	SAME_SQE(io_uring_prep_read_fixed, 4, buf, 16, 0, 3);
	SAME_SQE(io_uring_prep_write_fixed, 4, buf, 16, 0, 65535);
	SAME_SQE(io_uring_prep_readv_fixed, 4, iov, 2, 0, RWF_NOWAIT, 2);
	SAME_SQE(io_uring_prep_writev_fixed, 4, iov, 2, 0, 0, 1);
	SAME_SQE(io_uring_prep_read_multishot, 6, 0, 0, 12);
	SAME_SQE(io_uring_prep_fsync, 2, IORING_FSYNC_DATASYNC);
	SAME_SQE(io_uring_prep_fallocate, 2, 1, 4096, 1 << 20);
	SAME_SQE(io_uring_prep_ftruncate, 2, 12345);
	SAME_SQE(io_uring_prep_splice, 1, -1, 2, 100, 4096, SPLICE_F_MOVE);
	SAME_SQE(io_uring_prep_tee, 1, 2, 4096, 0);
	SAME_SQE0(io_uring_prep_nop);
	SAME_SQE0(io_uring_prep_nop128);
}

static void test_file_helpers(void **state)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
	struct statx stx;
	int fds[2];

	SAME_SQE(io_uring_prep_openat, AT_FDCWD, "f", O_RDWR | O_CREAT, 0644);
	SAME_SQE(io_uring_prep_openat_direct, 3, "f", O_RDONLY, 0, 5);
	SAME_SQE(io_uring_prep_openat2, AT_FDCWD, "f", &how);
	SAME_SQE(io_uring_prep_openat2_direct, AT_FDCWD, "f", &how, 7);
	SAME_SQE(io_uring_prep_openat2_direct, AT_FDCWD, "f", &how,
		 IORING_FILE_INDEX_ALLOC);
	SAME_SQE(io_uring_prep_close, 9);
	SAME_SQE(io_uring_prep_close_direct, 4);
	SAME_SQE(io_uring_prep_statx, AT_FDCWD, "f", AT_SYMLINK_NOFOLLOW,
		 STATX_ALL, &stx);
	SAME_SQE(io_uring_prep_renameat, 3, "a", 4, "b", RENAME_NOREPLACE);
	SAME_SQE(io_uring_prep_unlinkat, 3, "a", AT_REMOVEDIR);
	SAME_SQE(io_uring_prep_mkdirat, 3, "d", 0700);
	SAME_SQE(io_uring_prep_symlinkat, "t", 3, "l");
	SAME_SQE(io_uring_prep_linkat, 3, "a", 4, "b", AT_SYMLINK_FOLLOW);
	SAME_SQE(io_uring_prep_getxattr, "user.x", (char *) &stx, "p", 8);
	SAME_SQE(io_uring_prep_fsetxattr, 3, "user.x", "v", XATTR_CREATE, 1);
	SAME_SQE(io_uring_prep_pipe_direct, fds, O_CLOEXEC, 2);
	SAME_SQE(io_uring_prep_fixed_fd_install, 3, IORING_FIXED_FD_NO_CLOEXEC);
	SAME_SQE(io_uring_prep_files_update, fds, 2, 1);
	SAME_SQE(io_uring_prep_fadvise64, 3, 4096, 1 << 20, POSIX_FADV_DONTNEED);
	SAME_SQE(io_uring_prep_madvise64, fds, 4096, MADV_DONTNEED);
}

static void test_net_helpers(void **state)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct msghdr msg;
	char buf[16];
	int val = 1;

	memset(&msg, 0, sizeof(msg));
	SAME_SQE(io_uring_prep_accept, 3, (struct sockaddr *) &ss, &sl,
		 SOCK_CLOEXEC);
	SAME_SQE(io_uring_prep_accept_direct, 3, (struct sockaddr *) &ss, &sl,
		 SOCK_NONBLOCK, 6);
	SAME_SQE(io_uring_prep_accept_direct, 3, NULL, NULL, 0,
		 IORING_FILE_INDEX_ALLOC);
	SAME_SQE(io_uring_prep_multishot_accept_direct, 3, NULL, NULL, 0);
	SAME_SQE(io_uring_prep_connect, 3, (struct sockaddr *) &ss, sl);
	SAME_SQE(io_uring_prep_bind, 3, (struct sockaddr *) &ss, sl);
	SAME_SQE(io_uring_prep_listen, 3, 128);
	SAME_SQE(io_uring_prep_socket_direct, AF_INET, SOCK_STREAM, 0, 3, 0);
	SAME_SQE(io_uring_prep_socket_direct_alloc, AF_UNIX, SOCK_DGRAM, 0, 0);
	SAME_SQE(io_uring_prep_send, 3, buf, sizeof(buf), MSG_NOSIGNAL);
	SAME_SQE(io_uring_prep_sendto, 3, buf, 4, 0, (struct sockaddr *) &ss,
		 sl);
	SAME_SQE(io_uring_prep_send_bundle, 3, 0, 0);
	SAME_SQE(io_uring_prep_send_zc, 3, buf, 8, 0,
		 IORING_SEND_ZC_REPORT_USAGE);
	SAME_SQE(io_uring_prep_send_zc_fixed, 3, buf, 8, MSG_WAITALL,
		 IORING_RECVSEND_POLL_FIRST, 9);
	SAME_SQE(io_uring_prep_sendmsg_zc_fixed, 3, &msg, 0, 2);
	SAME_SQE(io_uring_prep_recv_multishot, 3, NULL, 0, 0);
	SAME_SQE(io_uring_prep_recvmsg_multishot, 3, &msg, MSG_TRUNC);
	SAME_SQE(io_uring_prep_shutdown, 3, SHUT_WR);
	SAME_SQE(io_uring_prep_cmd_sock, SOCKET_URING_OP_SETSOCKOPT, 3,
		 SOL_SOCKET, SO_REUSEADDR, &val, sizeof(val));
	SAME_SQE(io_uring_prep_cmd_sock, SOCKET_URING_OP_SIOCINQ, 3, 0, 0,
		 NULL, 0);
	SAME_SQE(io_uring_prep_cmd_getsockname, 3, (struct sockaddr *) &ss,
		 &sl, 1);
}

static void test_control_helpers(void **state)
{
	struct __kernel_timespec ts = { .tv_sec = 1, .tv_nsec = 500 };
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t futex = 0;
	siginfo_t si;

	SAME_SQE(io_uring_prep_timeout, &ts, 3, IORING_TIMEOUT_ABS);
	SAME_SQE(io_uring_prep_timeout_update, &ts, 0x1234567890ULL,
		 IORING_TIMEOUT_REALTIME);
	SAME_SQE(io_uring_prep_timeout_remove, 42, 0);
	SAME_SQE(io_uring_prep_link_timeout, &ts, 0);
	SAME_SQE(io_uring_prep_cancel64, ~0ULL, IORING_ASYNC_CANCEL_ALL);
	SAME_SQE(io_uring_prep_cancel_fd, 5, IORING_ASYNC_CANCEL_FD_FIXED);
	SAME_SQE(io_uring_prep_poll_add, 3, POLLIN | POLLOUT);
	SAME_SQE(io_uring_prep_poll_multishot, 3, POLLIN);
	SAME_SQE(io_uring_prep_poll_update, 1, 2, POLLIN,
		 IORING_POLL_UPDATE_EVENTS | IORING_POLL_UPDATE_USER_DATA);
	SAME_SQE(io_uring_prep_epoll_ctl, 3, 4, EPOLL_CTL_ADD, &ev);
	SAME_SQE(io_uring_prep_epoll_wait, 3, &ev, 1, 0);
	SAME_SQE(io_uring_prep_msg_ring, 3, 17, 0xdeadbeefULL, 0);
	SAME_SQE(io_uring_prep_msg_ring_cqe_flags, 3, 17, 1, 0, 0x55);
	SAME_SQE(io_uring_prep_msg_ring_fd, 3, 1, 2, 0xabcULL,
		 IORING_MSG_RING_CQE_SKIP);
	SAME_SQE(io_uring_prep_msg_ring_fd, 3, 1,
		 (int) IORING_FILE_INDEX_ALLOC, 7, 0);
	SAME_SQE(io_uring_prep_msg_ring_fd_alloc, 3, 1, 7, 0);
	SAME_SQE(io_uring_prep_waitid, P_PID, 1234, &si, WEXITED, 0);
	SAME_SQE(io_uring_prep_futex_wait, &futex, 1, FUTEX_BITSET_MATCH_ANY,
		 FUTEX2_SIZE_U32, 0);
	SAME_SQE(io_uring_prep_futex_wake, &futex, 1, ~0ULL, FUTEX2_SIZE_U32,
		 0);
	SAME_SQE(io_uring_prep_provide_buffers, &futex, 4, 1, 7, 0);
	SAME_SQE(io_uring_prep_remove_buffers, 8, 7);
	SAME_SQE(io_uring_prep_uring_cmd, 0x1234, 3);
	SAME_SQE(io_uring_prep_uring_cmd128, 0x1234, 3);
	SAME_SQE(io_uring_prep_cmd_discard, 3, 4096, 8192);
	SAME_SQE(io_uring_prep_cmd_zone_reset_all, 3);
}

static void test_sqe_setters(void **state)
{
	SAME_SQE(io_uring_sqe_set_data64, 0x0123456789abcdefULL);
	SAME_SQE(io_uring_sqe_set_data, &state);
	SAME_SQE(io_uring_sqe_set_flags, IOSQE_IO_LINK | IOSQE_ASYNC);
	SAME_SQE(io_uring_sqe_set_buf_group, 513);
	SAME_SQE(io_uring_prep_send_set_addr, NULL, 16);
}

/*
 * A real ring driven half by the inline helpers and half by their
 * exported copies: both must see and move the same indices.
 */
static void test_ring_helpers(void **state)
{
	__typeof__(&io_uring_get_sqe) get_sqe = FFI(io_uring_get_sqe);
	__typeof__(&io_uring_sq_ready) sq_ready = FFI(io_uring_sq_ready);
	__typeof__(&io_uring_sq_space_left) space = FFI(io_uring_sq_space_left);
	__typeof__(&io_uring_cq_ready) cq_ready = FFI(io_uring_cq_ready);
	__typeof__(&io_uring_cqe_seen) cqe_seen = FFI(io_uring_cqe_seen);
	__typeof__(&io_uring_peek_cqe) peek_cqe = FFI(io_uring_peek_cqe);
	__typeof__(&io_uring_wait_cqe_nr) wait_nr = FFI(io_uring_wait_cqe_nr);
	__typeof__(&io_uring_cqe_get_data64) get_data64 =
		FFI(io_uring_cqe_get_data64);
	__typeof__(&io_uring_cq_advance) cq_advance = FFI(io_uring_cq_advance);
	__typeof__(&io_uring_cqe_iter_init) iter_init =
		FFI(io_uring_cqe_iter_init);
	__typeof__(&io_uring_cqe_iter_next) iter_next =
		FFI(io_uring_cqe_iter_next);
	struct io_uring_sqe *a, *b, *c;
	struct io_uring_cqe *cqe;
	struct io_uring_cqe_iter it;
	struct io_uring ring;
	unsigned seen;

	t_ring(&ring, 8, 0);

	/* SQEs handed out alternately come from adjacent slots. */
	a = get_sqe(&ring);
	b = io_uring_get_sqe(&ring);
	c = get_sqe(&ring);
	assert_non_null(a);
	assert_ptr_equal(b, a + 1);
	assert_ptr_equal(c, b + 1);
	assert_int_equal(sq_ready(&ring), 3);
	assert_int_equal(io_uring_sq_ready(&ring), 3);
	assert_int_equal(space(&ring), io_uring_sq_space_left(&ring));

	FFI(io_uring_prep_nop)(a);
	FFI(io_uring_sqe_set_data64)(a, 1);
	io_uring_prep_nop(b);
	io_uring_sqe_set_data64(b, 2);
	FFI(io_uring_prep_nop)(c);
	FFI(io_uring_sqe_set_data64)(c, 3);
	assert_int_equal(io_uring_submit(&ring), 3);

	assert_int_equal(wait_nr(&ring, &cqe, 3), 0);
	assert_int_equal(cq_ready(&ring), 3);
	assert_int_equal(io_uring_cq_ready(&ring), 3);

	/* The exported iterator walks what the inline one would. */
	it = iter_init(&ring);
	seen = 0;
	while (iter_next(&it, &cqe)) {
		assert_int_equal(cqe->res, 0);
		assert_int_equal(get_data64(cqe), ++seen);
	}
	assert_int_equal(seen, 3);

	assert_int_equal(peek_cqe(&ring, &cqe), 0);
	assert_int_equal(get_data64(cqe), 1);
	cqe_seen(&ring, cqe);
	assert_int_equal(io_uring_cq_ready(&ring), 2);

	assert_int_equal(io_uring_peek_cqe(&ring, &cqe), 0);
	assert_int_equal(io_uring_cqe_get_data64(cqe), 2);
	io_uring_cqe_seen(&ring, cqe);
	assert_int_equal(cq_ready(&ring), 1);

	cq_advance(&ring, 1);
	assert_int_equal(io_uring_cq_ready(&ring), 0);
	assert_int_equal(peek_cqe(&ring, &cqe), -EAGAIN);

	io_uring_queue_exit(&ring);
}

#define BR_ENTRIES	8

static void test_buf_ring_helpers(void **state)
{
	__typeof__(&io_uring_buf_ring_init) br_init = FFI(io_uring_buf_ring_init);
	__typeof__(&io_uring_buf_ring_add) br_add = FFI(io_uring_buf_ring_add);
	__typeof__(&io_uring_buf_ring_advance) br_advance =
		FFI(io_uring_buf_ring_advance);
	__typeof__(&io_uring_buf_ring_mask) br_mask = FFI(io_uring_buf_ring_mask);
	size_t size = BR_ENTRIES * sizeof(struct io_uring_buf);
	struct io_uring_buf_ring *in = NULL, *ex = NULL;
	int mask = io_uring_buf_ring_mask(BR_ENTRIES);
	char bufs[BR_ENTRIES][32];
	unsigned f, round, i;

	assert_int_equal(br_mask(BR_ENTRIES), mask);
	assert_int_equal(br_mask(4096), io_uring_buf_ring_mask(4096));
	assert_int_equal(posix_memalign((void **) &in, 4096, size), 0);
	assert_int_equal(posix_memalign((void **) &ex, 4096, size), 0);
	assert_non_null(in);
	assert_non_null(ex);

	for (f = 0; f < sizeof(fills); f++) {
		memset(in, fills[f], size);
		memset(ex, fills[f], size);
		io_uring_buf_ring_init(in);
		br_init(ex);
		assert_memory_equal(in, ex, size);

		/* Enough rounds to wrap the 16-bit tail around the ring. */
		for (round = 0; round < 3; round++) {
			for (i = 0; i < 5; i++) {
				io_uring_buf_ring_add(in, bufs[i], 32 - i,
						      (unsigned short) (round * 8 + i),
						      mask, (int) i);
				br_add(ex, bufs[i], 32 - i,
				       (unsigned short) (round * 8 + i),
				       mask, (int) i);
			}
			assert_memory_equal(in, ex, size);
			io_uring_buf_ring_advance(in, 5);
			br_advance(ex, 5);
			assert_memory_equal(in, ex, size);
			assert_int_equal(ex->tail, (round + 1) * 5);
		}
	}
	free(in);
	free(ex);
}

struct node_check {
	const char *name;
	const char *node;
};

static void check_nodes(void *lib, const char *what,
			const struct node_check *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		void *v = dlvsym(lib, c[i].name, c[i].node);

		if (!v)
			fail_msg("%s: no %s@%s", what, c[i].name, c[i].node);
		/* The default version is the same function. */
		assert_ptr_equal(v, dlsym(lib, c[i].name));
	}
}

static void test_version_nodes(void **state)
{
	/* From the liburing-ffi.so.2 column of the API list. */
	static const struct node_check ffi[] = {
		{ "io_uring_prep_read",			"LIBURING_2.4" },
		{ "io_uring_get_sqe",			"LIBURING_2.4" },
		{ "io_uring_queue_init",		"LIBURING_2.4" },
		{ "__io_uring_get_cqe",			"LIBURING_2.4" },
		{ "io_uring_prep_cmd_sock",		"LIBURING_2.5" },
		{ "io_uring_queue_init_mem",		"LIBURING_2.5" },
		{ "io_uring_prep_ftruncate",		"LIBURING_2.6" },
		{ "io_uring_prep_bind",			"LIBURING_2.7" },
		{ "io_uring_prep_cmd_discard",		"LIBURING_2.8" },
		{ "io_uring_clone_buffers",		"LIBURING_2.8" },
		{ "io_uring_sqe_set_buf_group",		"LIBURING_2.9" },
		{ "io_uring_prep_epoll_wait",		"LIBURING_2.10" },
		{ "io_uring_prep_pipe",			"LIBURING_2.12" },
		{ "io_uring_prep_nop128",		"LIBURING_2.13" },
		{ "__io_uring_peek_cqe",		"LIBURING_2.15" },
		{ "io_uring_register_query",		"LIBURING_2.15" },
		{ "io_uring_prep_cmd_zone_reset_all",	"LIBURING_2.16" },
		{ "io_uring_get_sqes",			"URING_EXT_1" },
	};
	/* From the liburing.so.2 column. */
	static const struct node_check lib[] = {
		{ "io_uring_get_sqe",			"LIBURING_2.0" },
		{ "io_uring_queue_init",		"LIBURING_2.0" },
		{ "__io_uring_get_cqe",			"LIBURING_2.0" },
		{ "io_uring_register_iowq_aff",		"LIBURING_2.1" },
		{ "io_uring_setup",			"LIBURING_2.3" },
		{ "io_uring_buf_ring_head",		"LIBURING_2.6" },
		{ "io_uring_register_query",		"LIBURING_2.15" },
		{ "io_uring_copy_cqes",			"URING_EXT_1" },
	};
	/* Never exported: not part of either library's interface. */
	static const char *const ffi_absent[] = {
		"__io_uring_prep_uring_cmd", "io_uring_initialize_sqe",
		"io_uring_sqe_shift", "io_uring_cqe_shift_from_flags",
		"io_uring_buf_ring_head", "ring_register",
	};
	static const char *const lib_absent[] = {
		"io_uring_prep_read", "io_uring_cq_ready", "io_uring_cqe_seen",
		"io_uring_wait_cqe", "ring_register", "ring_mmap",
	};
	size_t i;

	check_nodes(ffi_lib, "liburing-ffi.so.2", ffi,
		    sizeof(ffi) / sizeof(ffi[0]));
	check_nodes(uring_lib, "liburing.so.2", lib,
		    sizeof(lib) / sizeof(lib[0]));

	/* A helper is not found under a node it does not carry. */
	assert_null(dlvsym(ffi_lib, "io_uring_prep_read", "LIBURING_2.5"));
	assert_null(dlvsym(ffi_lib, "io_uring_prep_bind", "LIBURING_2.4"));
	assert_null(dlvsym(ffi_lib, "io_uring_get_sqe", "LIBURING_2.0"));
	assert_null(dlvsym(uring_lib, "io_uring_get_sqe", "LIBURING_2.4"));

	for (i = 0; i < sizeof(ffi_absent) / sizeof(ffi_absent[0]); i++)
		if (dlsym(ffi_lib, ffi_absent[i]))
			fail_msg("liburing-ffi.so.2 exports %s", ffi_absent[i]);
	for (i = 0; i < sizeof(lib_absent) / sizeof(lib_absent[0]); i++)
		if (dlsym(uring_lib, lib_absent[i]))
			fail_msg("liburing.so.2 exports %s", lib_absent[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prep_rw),
		cmocka_unit_test(test_rw_helpers),
		cmocka_unit_test(test_file_helpers),
		cmocka_unit_test(test_net_helpers),
		cmocka_unit_test(test_control_helpers),
		cmocka_unit_test(test_sqe_setters),
		cmocka_unit_test(test_ring_helpers),
		cmocka_unit_test(test_buf_ring_helpers),
		cmocka_unit_test(test_version_nodes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
