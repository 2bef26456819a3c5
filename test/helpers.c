/* SPDX-License-Identifier: MIT */
#include "helpers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

void t_ring_params(struct io_uring *ring, unsigned entries,
		   struct io_uring_params *p)
{
	unsigned flags = p->flags;
	int ret = io_uring_queue_init_params(entries, ring, p);

	if (ret == -EINVAL)
		T_SKIP("kernel rejects setup flags 0x%x", flags);
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

void t_require_op(int op)
{
	struct io_uring_probe *probe = io_uring_get_probe();
	int ok;

	assert_non_null(probe);
	ok = io_uring_opcode_supported(probe, op);
	io_uring_free_probe(probe);
	if (!ok)
		T_SKIP("kernel lacks opcode %d", op);
}

void t_require_feature(unsigned feature, const char *name)
{
	struct io_uring ring;
	unsigned features;

	assert_int_equal(io_uring_queue_init(1, &ring, 0), 0);
	features = ring.features;
	io_uring_queue_exit(&ring);
	if (!(features & feature))
		T_SKIP("kernel lacks %s", name);
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
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *) &addr, sizeof(addr)), 0);
	assert_int_equal(listen(fd, 128), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *) &addr, &len), 0);
	*port = ntohs(addr.sin_port);
	return fd;
}

void t_tcp_pair(int *client, int *server)
{
	struct sockaddr_in addr;
	unsigned short port;
	int lfd, one = 1;

	lfd = t_tcp_listener(&port);
	*client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(*client >= 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(*client, (struct sockaddr *) &addr,
				 sizeof(addr)), 0);
	*server = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*server >= 0);
	setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(lfd);
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

void t_expect_no_cqe(struct io_uring *ring, unsigned msec)
{
	struct __kernel_timespec ts = {
		.tv_sec = msec / 1000,
		.tv_nsec = (long long) (msec % 1000) * 1000000,
	};
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	if (ret == 0)
		fail_msg("unexpected completion: user_data %llu res %d",
			 (unsigned long long) cqe->user_data, cqe->res);
	assert_int_equal(ret, -ETIME);
}

uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
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
