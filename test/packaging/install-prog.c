/* SPDX-License-Identifier: MIT */
/*
 * A liburing program as an application would write it, built by
 * test/check-install.sh with nothing but pkg-config's flags against an
 * installed tree.  Writes a block to a file in DIR, reads it back through
 * the ring and compares.  Prints the library version it ran with.
 *
 *   install-prog DIR
 *
 * Exit status: 0 passed, 1 failed, 77 io_uring unavailable here.
 */
#include <liburing.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if IO_URING_CHECK_VERSION(2, 15)
#error "not the 2.15 header: another liburing.h was picked up"
#endif

#define BLOCK	4096

static int reap(struct io_uring *ring, const char *what)
{
	struct io_uring_cqe *cqe;
	int ret, res;

	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret) {
		fprintf(stderr, "%s: io_uring_wait_cqe: %s\n", what,
			strerror(-ret));
		return -1;
	}
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res != BLOCK) {
		fprintf(stderr, "%s: res %d, expected %d\n", what, res, BLOCK);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char out[BLOCK], in[BLOCK];
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	char path[4096];
	int fd, ret, i;

	if (argc != 2) {
		fprintf(stderr, "usage: install-prog DIR\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/install-prog.XXXXXX", argv[1]);
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	unlink(path);

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM) {
		printf("SKIP: io_uring unavailable: %s\n", strerror(-ret));
		return 77;
	}
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}

	for (i = 0; i < BLOCK; i++)
		out[i] = (char) (i * 7 + 3);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, out, BLOCK, 0);
	ret = io_uring_submit(&ring);
	if (ret != 1 || reap(&ring, "write"))
		return 1;

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, in, BLOCK, 0);
	ret = io_uring_submit(&ring);
	if (ret != 1 || reap(&ring, "read"))
		return 1;

	if (memcmp(in, out, BLOCK)) {
		fprintf(stderr, "read back different data\n");
		return 1;
	}
	io_uring_queue_exit(&ring);
	close(fd);
	printf("install-prog: ok, liburing %d.%d\n", io_uring_major_version(),
	       io_uring_minor_version());
	return 0;
}
