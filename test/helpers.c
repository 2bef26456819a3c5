/* SPDX-License-Identifier: MIT */
#include "helpers.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[256];

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void) sb; (void) flag; (void) ftw;
	return remove(path);
}

static void remove_tmpdir(void)
{
	if (tmpdir[0])
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *t_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/uring-test.XXXXXX",
			 base && *base ? base : "/tmp");
		assert_non_null(mkdtemp(tmpdir));
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

void t_fill(void *buf, size_t len, unsigned seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char) ((i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

void *t_page_buf(size_t len, unsigned seed)
{
	void *p = NULL;

	assert_int_equal(posix_memalign(&p, 4096, len), 0);
	t_fill(p, len, seed);
	return p;
}

int t_tmpfile(char *path, size_t path_len, const void *data, size_t size)
{
	static unsigned counter;
	char local[512];
	char *buf = NULL;
	int fd;

	if (!path) {
		path = local;
		path_len = sizeof(local);
	}
	snprintf(path, path_len, "%s/file%u", t_tmpdir(), counter++);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (size) {
		if (!data) {
			buf = malloc(size);
			assert_non_null(buf);
			t_fill(buf, size, 0);
			data = buf;
		}
		assert_int_equal(pwrite(fd, data, size, 0), (ssize_t) size);
	}
	free(buf);
	return fd;
}

/* --- what the kernel supports, and since when ------------------------ */

struct t_since {
	const char *name;
	const char *release;	/* the mainline release that added it */
};

#define T_OP(op, ver)	[IORING_OP_##op] = { "IORING_OP_" #op, ver }
static const struct t_since op_since[] = {
	T_OP(NOP, "5.1"), T_OP(READV, "5.1"), T_OP(WRITEV, "5.1"),
	T_OP(FSYNC, "5.1"), T_OP(READ_FIXED, "5.1"), T_OP(WRITE_FIXED, "5.1"),
	T_OP(POLL_ADD, "5.1"), T_OP(POLL_REMOVE, "5.1"),
	T_OP(SYNC_FILE_RANGE, "5.2"), T_OP(SENDMSG, "5.3"),
	T_OP(RECVMSG, "5.3"), T_OP(TIMEOUT, "5.4"),
	T_OP(TIMEOUT_REMOVE, "5.5"), T_OP(ACCEPT, "5.5"),
	T_OP(ASYNC_CANCEL, "5.5"), T_OP(LINK_TIMEOUT, "5.5"),
	T_OP(CONNECT, "5.5"), T_OP(FALLOCATE, "5.6"), T_OP(OPENAT, "5.6"),
	T_OP(CLOSE, "5.6"), T_OP(FILES_UPDATE, "5.6"), T_OP(STATX, "5.6"),
	T_OP(READ, "5.6"), T_OP(WRITE, "5.6"), T_OP(FADVISE, "5.6"),
	T_OP(MADVISE, "5.6"), T_OP(SEND, "5.6"), T_OP(RECV, "5.6"),
	T_OP(OPENAT2, "5.6"), T_OP(EPOLL_CTL, "5.6"), T_OP(SPLICE, "5.7"),
	T_OP(PROVIDE_BUFFERS, "5.7"), T_OP(REMOVE_BUFFERS, "5.7"),
	T_OP(TEE, "5.8"), T_OP(SHUTDOWN, "5.11"), T_OP(RENAMEAT, "5.11"),
	T_OP(UNLINKAT, "5.11"), T_OP(MKDIRAT, "5.15"),
	T_OP(SYMLINKAT, "5.15"), T_OP(LINKAT, "5.15"),
	T_OP(MSG_RING, "5.18"), T_OP(FSETXATTR, "5.19"),
	T_OP(SETXATTR, "5.19"), T_OP(FGETXATTR, "5.19"),
	T_OP(GETXATTR, "5.19"), T_OP(SOCKET, "5.19"),
	T_OP(URING_CMD, "5.19"), T_OP(SEND_ZC, "6.0"),
	T_OP(SENDMSG_ZC, "6.1"), T_OP(READ_MULTISHOT, "6.7"),
	T_OP(WAITID, "6.7"), T_OP(FUTEX_WAIT, "6.7"),
	T_OP(FUTEX_WAKE, "6.7"), T_OP(FUTEX_WAITV, "6.7"),
	T_OP(FIXED_FD_INSTALL, "6.8"), T_OP(FTRUNCATE, "6.9"),
	T_OP(BIND, "6.11"), T_OP(LISTEN, "6.11"), T_OP(RECV_ZC, "6.15"),
	T_OP(EPOLL_WAIT, "6.15"), T_OP(READV_FIXED, "6.15"),
	T_OP(WRITEV_FIXED, "6.15"), T_OP(PIPE, "6.16"),
	T_OP(NOP128, "6.19"), T_OP(URING_CMD128, "6.19"),
};
#undef T_OP

/* Bit n of IORING_SETUP_* / IORING_FEAT_* is entry n. */
static const struct t_since setup_since[] = {
	{ "IORING_SETUP_IOPOLL", "5.1" }, { "IORING_SETUP_SQPOLL", "5.1" },
	{ "IORING_SETUP_SQ_AFF", "5.1" }, { "IORING_SETUP_CQSIZE", "5.5" },
	{ "IORING_SETUP_CLAMP", "5.6" }, { "IORING_SETUP_ATTACH_WQ", "5.6" },
	{ "IORING_SETUP_R_DISABLED", "5.10" },
	{ "IORING_SETUP_SUBMIT_ALL", "5.18" },
	{ "IORING_SETUP_COOP_TASKRUN", "5.19" },
	{ "IORING_SETUP_TASKRUN_FLAG", "5.19" },
	{ "IORING_SETUP_SQE128", "5.19" }, { "IORING_SETUP_CQE32", "5.19" },
	{ "IORING_SETUP_SINGLE_ISSUER", "6.0" },
	{ "IORING_SETUP_DEFER_TASKRUN", "6.1" },
	{ "IORING_SETUP_NO_MMAP", "6.5" },
	{ "IORING_SETUP_REGISTERED_FD_ONLY", "6.5" },
	{ "IORING_SETUP_NO_SQARRAY", "6.6" },
	{ "IORING_SETUP_HYBRID_IOPOLL", "6.13" },
	{ "IORING_SETUP_CQE_MIXED", "6.18" },
	{ "IORING_SETUP_SQE_MIXED", "6.19" },
};

static const struct t_since feat_since[] = {
	{ "IORING_FEAT_SINGLE_MMAP", "5.4" }, { "IORING_FEAT_NODROP", "5.5" },
	{ "IORING_FEAT_SUBMIT_STABLE", "5.5" },
	{ "IORING_FEAT_RW_CUR_POS", "5.6" },
	{ "IORING_FEAT_CUR_PERSONALITY", "5.6" },
	{ "IORING_FEAT_FAST_POLL", "5.7" },
	{ "IORING_FEAT_POLL_32BITS", "5.9" },
	{ "IORING_FEAT_SQPOLL_NONFIXED", "5.11" },
	{ "IORING_FEAT_EXT_ARG", "5.11" },
	{ "IORING_FEAT_NATIVE_WORKERS", "5.12" },
	{ "IORING_FEAT_RSRC_TAGS", "5.13" },
	{ "IORING_FEAT_CQE_SKIP", "5.17" },
	{ "IORING_FEAT_LINKED_FILE", "5.17" },
	{ "IORING_FEAT_REG_REG_RING", "6.3" },
	{ "IORING_FEAT_RECVSEND_BUNDLE", "6.10" },
	{ "IORING_FEAT_MIN_TIMEOUT", "6.12" },
	{ "IORING_FEAT_RW_ATTR", "6.15" },
	{ "IORING_FEAT_NO_IOWAIT", "6.15" },
};

#define T_NR(a)	(sizeof(a) / sizeof((a)[0]))

/* "NAME (Linux X.Y)" for entry @i of @tab, in a rotating static buffer. */
static const char *since_desc(const struct t_since *tab, size_t n, size_t i,
			      const char *unknown, unsigned long val)
{
	static char bufs[4][96];
	static unsigned next;
	char *buf = bufs[next++ % 4];

	if (i < n && tab[i].name)
		snprintf(buf, sizeof(bufs[0]), "%s (Linux %s)", tab[i].name,
			 tab[i].release);
	else
		snprintf(buf, sizeof(bufs[0]), "%s %#lx", unknown, val);
	return buf;
}

static unsigned bit_index(unsigned bit)
{
	unsigned i = 0;

	while (i < 32 && !(bit & (1U << i)))
		i++;
	return i;
}

const char *t_op_desc(int op)
{
	return since_desc(op_since, T_NR(op_since), (size_t) op, "opcode",
			  (unsigned long) op);
}

const char *t_feature_desc(unsigned feature)
{
	return since_desc(feat_since, T_NR(feat_since), bit_index(feature),
			  "feature", feature);
}

/* The named setup flags of @flags, newest first: the likely culprit. */
static void setup_flags_desc(unsigned flags, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 31; i >= 0 && used < len; i--) {
		if (!(flags & (1U << i)))
			continue;
		used += (size_t) snprintf(buf + used, len - used, "%s%s",
					  used ? ", " : "",
					  since_desc(setup_since,
						     T_NR(setup_since),
						     (size_t) i, "flag",
						     1UL << i));
	}
}

void t_ring_params(struct io_uring *ring, unsigned entries,
		   struct io_uring_params *p)
{
	unsigned flags = p->flags;
	int ret = io_uring_queue_init_params(entries, ring, p);
	char desc[512];

	if (ret == -EINVAL) {
		setup_flags_desc(flags, desc, sizeof(desc));
		T_SKIP("kernel rejects setup flags 0x%x: %s", flags, desc);
	}
	if (ret)
		fail_msg("io_uring_queue_init_params(%u, 0x%x): %s", entries,
			 flags, strerror(-ret));
}

void t_ring(struct io_uring *ring, unsigned entries, unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_params(ring, entries, &p);
}

bool t_has_op(int op)
{
	struct io_uring_probe *probe = io_uring_get_probe();
	int ok;

	assert_non_null(probe);
	ok = io_uring_opcode_supported(probe, op);
	io_uring_free_probe(probe);
	return ok;
}

void t_require_op(int op)
{
	if (!t_has_op(op))
		T_SKIP("kernel lacks %s", t_op_desc(op));
}

unsigned t_features(void)
{
	struct io_uring ring;
	unsigned features;

	assert_int_equal(io_uring_queue_init(1, &ring, 0), 0);
	features = ring.features;
	io_uring_queue_exit(&ring);
	return features;
}

bool t_has_feature(unsigned feature)
{
	return (t_features() & feature) == feature;
}

void t_require_feature(unsigned feature, const char *name)
{
	const char *desc = t_feature_desc(feature);

	if (t_has_feature(feature))
		return;
	if (name && strncmp(desc, name, strlen(name)))
		T_SKIP("kernel lacks %s: %s", desc, name);
	T_SKIP("kernel lacks %s", desc);
}

void t_skip_if_einval(int ret, int same_release_op, const char *what)
{
	if (ret != -EINVAL)
		return;
	if (t_has_op(same_release_op))
		fail_msg("-EINVAL for %s from a kernel with %s", what,
			 t_op_desc(same_release_op));
	T_SKIP("kernel lacks %s (it answers -EINVAL)", what);
}

bool t_has_rsrc_sparse(void)
{
	struct io_uring ring;
	int ret;

	assert_int_equal(io_uring_queue_init(1, &ring, 0), 0);
	ret = io_uring_register_files_sparse(&ring, 1);
	io_uring_queue_exit(&ring);
	if (ret == -EINVAL && !t_has_op(IORING_OP_SOCKET))
		return false;
	assert_int_equal(ret, 0);
	return true;
}

void t_require_rsrc_sparse(void)
{
	if (!t_has_rsrc_sparse())
		T_SKIP("kernel lacks %s", T_RSRC_SPARSE);
}

void t_register_ring_fd(struct io_uring *ring)
{
	int ret = io_uring_register_ring_fd(ring);

	if (ret == -EINVAL && !t_has_op(IORING_OP_MSG_RING)) {
		io_uring_queue_exit(ring);
		T_SKIP("kernel lacks IORING_REGISTER_RING_FDS (Linux 5.18)");
	}
	assert_int_equal(ret, 1);
}

long t_eventfd_take(int efd)
{
	uint64_t val;

	if (read(efd, &val, sizeof(val)) < 0)
		return -errno;
	return (long) val;
}

int t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

void t_socketpair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

int t_tcp_listener(unsigned short *port)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	addr = t_lo_addr(0);
	assert_int_equal(bind(fd, (struct sockaddr *) &addr, sizeof(addr)), 0);
	assert_int_equal(listen(fd, 128), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *) &addr, &len), 0);
	*port = ntohs(addr.sin_port);
	return fd;
}

struct sockaddr_in t_lo_addr(unsigned short port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

int t_tcp_client(unsigned short port)
{
	struct sockaddr_in sa = t_lo_addr(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
	return fd;
}

void t_tcp_pair(int *client, int *server)
{
	unsigned short port;
	int lfd, one = 1;

	lfd = t_tcp_listener(&port);
	*client = t_tcp_client(port);
	*server = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*server >= 0);
	setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(lfd);
}

int t_udp_bound(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	*sa = t_lo_addr(0);
	assert_int_equal(bind(fd, (struct sockaddr *) sa, sizeof(*sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *) sa, &len), 0);
	return fd;
}

void t_reap(struct io_uring *ring, struct io_uring_cqe *out, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct __kernel_timespec ts = { .tv_sec = T_WAIT_SECS };
		struct io_uring_cqe *cqe;
		int ret;

		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (ret)
			fail_msg("waiting for completion %u of %u: %s", i + 1,
				 n, strerror(-ret));
		if (out)
			out[i] = *cqe;
		io_uring_cqe_seen(ring, cqe);
	}
}

struct io_uring_sqe *t_get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	assert_non_null(sqe);
	return sqe;
}

struct io_uring_cqe t_submit_one(struct io_uring *ring)
{
	struct io_uring_cqe cqe;
	int ret;

	ret = io_uring_submit(ring);
	if (ret < 0)
		fail_msg("io_uring_submit: %s", strerror(-ret));
	t_reap(ring, &cqe, 1);
	return cqe;
}

int t_submit_res(struct io_uring *ring)
{
	return t_submit_one(ring).res;
}

void t_expect_no_cqe(struct io_uring *ring, unsigned msec)
{
	struct __kernel_timespec ts = t_ts_ms(msec);
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	if (ret == 0)
		fail_msg("unexpected completion: user_data %llu res %d",
			 (unsigned long long) cqe->user_data, cqe->res);
	assert_int_equal(ret, -ETIME);
}

struct io_uring_sqe *t_queue_nop(struct io_uring *ring, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_nop(sqe);
	sqe->user_data = user_data;
	return sqe;
}

struct io_uring_sqe *t_queue_read(struct io_uring *ring, int fd, void *buf,
				  unsigned len, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_read(sqe, fd, buf, len, 0);
	sqe->user_data = user_data;
	return sqe;
}

void t_queue_nop32(struct io_uring *ring, __u64 user_data, __u64 extra1,
		   __u64 extra2)
{
	struct io_uring_sqe *sqe = t_queue_nop(ring, user_data);

	sqe->nop_flags = IORING_NOP_CQE32;
	sqe->off = extra1;
	sqe->addr = extra2;
}

/* Older kernels ignore nop_flags, so ask for an injected result first. */
bool t_has_nop_cqe32(void)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;
	bool ok = false;

	if (io_uring_queue_init(2, &ring, IORING_SETUP_CQE32))
		return false;
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = IORING_NOP_INJECT_RESULT;
	sqe->len = 42;
	cqe = t_submit_one(&ring);
	if (cqe.res == 42) {
		t_queue_nop32(&ring, 1, 2, 3);
		cqe = t_submit_one(&ring);
		ok = cqe.res == 0;
	}
	io_uring_queue_exit(&ring);
	return ok;
}

void t_ring_still_works(struct io_uring *ring)
{
	struct io_uring_cqe cqe;

	t_queue_nop(ring, 0x600d);
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, 0x600d);
	assert_int_equal(cqe.res, 0);
}

int t_fixed_read(struct io_uring *ring, int slot, void *buf, unsigned len)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe cqe;

	io_uring_prep_read(sqe, slot, buf, len, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 0xf00d + (unsigned) slot;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, 0xf00d + (unsigned) slot);
	assert_int_equal(cqe.flags, 0);
	return cqe.res;
}

void t_file_roundtrip(struct io_uring *ring, int fd, size_t len, off_t off,
		      unsigned seed)
{
	char *wbuf = malloc(len), *rbuf = malloc(len);
	struct io_uring_cqe cqe;
	struct io_uring_sqe *sqe;

	assert_non_null(wbuf);
	assert_non_null(rbuf);
	t_fill(wbuf, len, seed);
	memset(rbuf, 0, len);

	sqe = t_get_sqe(ring);
	io_uring_prep_write(sqe, fd, wbuf, (unsigned) len, (__u64) off);
	sqe->user_data = 0x1000 + seed;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, 0x1000 + seed);
	assert_int_equal(cqe.res, (int) len);

	sqe = t_get_sqe(ring);
	io_uring_prep_read(sqe, fd, rbuf, (unsigned) len, (__u64) off);
	sqe->user_data = 0x2000 + seed;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.user_data, 0x2000 + seed);
	assert_int_equal(cqe.res, (int) len);
	assert_memory_equal(rbuf, wbuf, len);
	free(wbuf);
	free(rbuf);
}

struct io_uring_cqe t_reap_cancelled(struct io_uring *ring, __u64 victim,
				     __u64 cancel_ud)
{
	struct io_uring_cqe cqe[2];
	unsigned c;

	t_reap(ring, cqe, 2);
	c = cqe[0].user_data == cancel_ud ? 0 : 1;
	assert_int_equal(cqe[c].user_data, cancel_ud);
	assert_int_equal(cqe[c].res, 0);
	assert_int_equal(cqe[!c].user_data, victim);
	assert_int_equal(cqe[!c].res, -ECANCELED);
	assert_int_equal(cqe[!c].flags & IORING_CQE_F_MORE, 0);
	return cqe[!c];
}

void t_buf_ring_fill(struct io_uring_buf_ring *br, unsigned entries,
		     void *mem, unsigned size, unsigned nr)
{
	char *buf = mem;
	unsigned i;

	for (i = 0; i < nr; i++)
		io_uring_buf_ring_add(br, buf + (size_t) i * size, size,
				      (unsigned short) i,
				      io_uring_buf_ring_mask(entries), (int) i);
	io_uring_buf_ring_advance(br, (int) nr);
}

void t_submit_recv(struct io_uring *ring, int fd, int bgid, bool multishot,
		   __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	if (multishot)
		io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	else
		io_uring_prep_recv(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	sqe->user_data = user_data;
	assert_int_equal(io_uring_submit(ring), 1);
}

unsigned t_cqe_bid(const struct io_uring_cqe *cqe)
{
	assert_true(cqe->flags & IORING_CQE_F_BUFFER);
	return cqe->flags >> IORING_CQE_BUFFER_SHIFT;
}

void t_wait_exit(pid_t pid, int code)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), code);
}

uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

uint64_t t_ms_since(uint64_t start)
{
	return (t_now_ns() - start) / 1000000;
}

struct __kernel_timespec t_ts_ms(unsigned ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long long) (ms % 1000) * 1000000,
	};

	return ts;
}

unsigned t_maps_count(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned lines = 0;
	int ch;

	assert_non_null(f);
	while ((ch = fgetc(f)) != EOF)
		if (ch == '\n')
			lines++;
	fclose(f);
	return lines;
}

long t_vm_pin_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	assert_true(kb >= 0);
	return kb;
}

bool t_kernel_at_least(unsigned major, unsigned minor)
{
	struct utsname u;
	unsigned maj = 0, min = 0;

	assert_int_equal(uname(&u), 0);
	assert_true(sscanf(u.release, "%u.%u", &maj, &min) == 2);
	return maj > major || (maj == major && min >= minor);
}

/*
 * Up to 6.12 a resource table is unregistered by waiting for the requests
 * still using it and then freeing what is left: only an entry replaced or
 * removed by an update posts its tag (6.1 does so from a delayed work about
 * a second later).  6.13 reworked resources into refcounted nodes that post
 * their tag whenever they are dropped, unregistering included.  There is no
 * flag for that, so look for something that came with the same rework:
 * IORING_REGISTER_CLONE_BUFFERS with a range (src_off/dst_off/nr).  6.12
 * refuses the range, as it is padding there, and 6.1 does not know the
 * opcode, both with -EINVAL; 6.13 and later reach the source table and,
 * this ring having no buffers, answer -ENXIO.
 */
bool t_unregister_posts_tags(void)
{
	struct io_uring_clone_buffers arg;
	struct io_uring ring;
	int ret;

	assert_int_equal(io_uring_queue_init(1, &ring, 0), 0);
	memset(&arg, 0, sizeof(arg));
	arg.src_fd = (__u32) ring.ring_fd;
	arg.nr = 1;
	ret = io_uring_register((unsigned) ring.ring_fd,
				IORING_REGISTER_CLONE_BUFFERS, &arg, 1);
	io_uring_queue_exit(&ring);
	return ret != -EINVAL;
}

void t_wait_sq_flag(struct io_uring *ring, unsigned flag)
{
	uint64_t end = t_now_ns() + (uint64_t) T_WAIT_SECS * 1000000000;

	while (!(IO_URING_READ_ONCE(*ring->sq.kflags) & flag)) {
		if (t_now_ns() > end)
			fail_msg("SQ ring flag 0x%x not set after %u s", flag,
				 T_WAIT_SECS);
		usleep(1000);
	}
}

/*
 * The client request in valgrind.h answers exactly, but the header comes
 * with valgrind, which a machine building the tests may not have: valgrind
 * also preloads its vgpreload_*.so into the program it runs, so look for
 * those in LD_PRELOAD too (tests built without the header, then run under
 * valgrind, still know).
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define T_HAVE_VALGRIND_H
#endif
#endif

int t_under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

#ifdef T_HAVE_VALGRIND_H
	if (RUNNING_ON_VALGRIND)
		return 1;
#endif
	return preload && strstr(preload, "/vgpreload_") != NULL;
}

pid_t t_fork_call(void (*fn)(void *arg), void *arg)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

struct proc_writer {
	int fd;
	unsigned delay_ms;
	const void *buf;
	size_t len;
};

static void proc_writer_fn(void *arg)
{
	struct proc_writer *w = arg;

	usleep(w->delay_ms * 1000);
	if (write(w->fd, w->buf, w->len) != (ssize_t) w->len)
		_exit(1);
}

pid_t t_write_later_proc(int fd, const void *buf, size_t len,
			 unsigned delay_ms)
{
	struct proc_writer w = {
		.fd = fd, .delay_ms = delay_ms, .buf = buf, .len = len,
	};

	return t_fork_call(proc_writer_fn, &w);
}

#include <sys/resource.h>

/* A limit of /proc/self/limits: a number, or "unlimited". */
static bool parse_limit(const char *s, rlim_t *val)
{
	unsigned long long v;

	if (!strncmp(s, "unlimited", 9)) {
		*val = RLIM_INFINITY;
		return true;
	}
	if (sscanf(s, "%llu", &v) != 1)
		return false;
	*val = (rlim_t) v;
	return true;
}

bool t_nofile_limit_is_real(void)
{
	FILE *f = fopen("/proc/self/limits", "r");
	const char *key = "Max open files";
	struct rlimit shown, kernel;
	char line[256], soft[32], hard[32];
	bool found = false;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &shown), 0);
	if (!f)
		return true;	/* nothing to compare with */
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, key, strlen(key)) &&
			sscanf(line + strlen(key), "%31s %31s", soft, hard) == 2;
	fclose(f);
	if (!found || !parse_limit(soft, &kernel.rlim_cur) ||
	    !parse_limit(hard, &kernel.rlim_max))
		return true;
	return shown.rlim_cur == kernel.rlim_cur &&
	       shown.rlim_max == kernel.rlim_max;
}
