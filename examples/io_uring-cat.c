/* SPDX-License-Identifier: MIT */
/*
 * io_uring-cat: read files through the ring and write them to standard
 * output through the ring.
 *
 *	io_uring-cat [FILE...]		("-" or no FILE: standard input)
 *
 * Each file is read in 64 KiB READs until one returns 0.  Nothing trusts
 * st_size: /proc files say 0 and produce text, pipes and terminals have
 * no size, and a file may grow or shrink while it is read.  A READ may
 * return fewer bytes than asked (a pipe holds what the writer has written
 * so far, /proc hands out a page at a time): that is not an error, the
 * next READ goes on from there.  A WRITE may be short too (a pipe whose
 * reader is slow); the rest is written again.
 *
 * Files it opens are read at explicit offsets; standard input at offset
 * -1, "the file's current position" (IORING_FEAT_RW_CUR_POS, Linux 5.6),
 * which is what a pipe or a terminal needs, and which makes a second "-"
 * go on where the first stopped, as cat(1) does.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	(64 * 1024)

/* One request through the ring, waited for: the result or -errno. */
static int run_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_submit(ring);
	if (ret < 0)
		return ret;
	do {
		/* A signal (SIGWINCH, SIGCONT, ...) may interrupt the wait;
		 * the request stays in flight. */
		ret = io_uring_wait_cqe(ring, &cqe);
	} while (ret == -EINTR);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

/* Writes all @len bytes of @buf to standard output. */
static int write_all(struct io_uring *ring, const char *buf, size_t len)
{
	while (len) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		int ret;

		io_uring_prep_write(sqe, STDOUT_FILENO, buf, (unsigned) len,
				    (__u64) -1);
		ret = run_one(ring);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -EIO;
		buf += ret;
		len -= (size_t) ret;
	}
	return 0;
}

static int cat_fd(struct io_uring *ring, int fd, const char *name, char *buf)
{
	bool seekable = fd != STDIN_FILENO;
	__u64 off = 0;
	int ret;

	for (;;) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		io_uring_prep_read(sqe, fd, buf, CHUNK,
				   seekable ? off : (__u64) -1);
		ret = run_one(ring);
		if (ret < 0) {
			fprintf(stderr, "io_uring-cat: %s: read: %s\n", name,
				strerror(-ret));
			return 1;
		}
		if (ret == 0)		/* end of file */
			return 0;
		off += (__u64) ret;
		ret = write_all(ring, buf, (size_t) ret);
		if (ret < 0) {
			fprintf(stderr, "io_uring-cat: write: %s\n",
				strerror(-ret));
			return 1;
		}
	}
}

static int cat_path(struct io_uring *ring, const char *path, char *buf)
{
	int fd, ret;

	if (!strcmp(path, "-"))
		return cat_fd(ring, STDIN_FILENO, "standard input", buf);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "io_uring-cat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ret = cat_fd(ring, fd, path, buf);
	close(fd);
	return ret;
}

int main(int argc, char *argv[])
{
	static char buf[CHUNK];
	struct io_uring ring;
	int i, ret, status = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "usage: %s [FILE...]\n", argv[0]);
			return 2;
		}
	}
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	if (argc < 2)
		status = cat_path(&ring, "-", buf);
	for (i = 1; i < argc; i++)
		status |= cat_path(&ring, argv[i], buf);
	io_uring_queue_exit(&ring);
	return status;
}
