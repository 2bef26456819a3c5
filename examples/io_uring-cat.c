/* SPDX-License-Identifier: MIT */
/*
 * io_uring-cat: read files through the ring and write them to stdout.
 *
 *	io_uring-cat FILE...
 *
 * Each file is read with one READV whose iovecs cover it in 4 KiB pieces,
 * then written out with plain write(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PIECE	4096

static int cat_file(struct io_uring *ring, const char *path)
{
	struct io_uring_cqe *cqe;
	struct iovec *iov;
	struct stat st;
	size_t nr, i, left;
	char *buf;
	int fd, ret;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "io_uring-cat: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	nr = ((size_t) st.st_size + PIECE - 1) / PIECE;
	if (!nr) {
		close(fd);
		return 0;
	}
	buf = malloc(nr * PIECE);
	iov = calloc(nr, sizeof(*iov));
	if (!buf || !iov) {
		fprintf(stderr, "io_uring-cat: out of memory\n");
		ret = 1;
		goto out;
	}
	for (i = 0, left = (size_t) st.st_size; i < nr; i++) {
		iov[i].iov_base = buf + i * PIECE;
		iov[i].iov_len = left < PIECE ? left : PIECE;
		left -= iov[i].iov_len;
	}

	/* Large files need more iovecs than one request takes (UIO_MAXIOV). */
	ret = 0;
	for (i = 0; i < nr && !ret; i += 1024) {
		size_t n = nr - i < 1024 ? nr - i : 1024;
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		size_t want = 0, k;

		for (k = 0; k < n; k++)
			want += iov[i + k].iov_len;
		io_uring_prep_readv(sqe, fd, &iov[i], (unsigned) n,
				    (__u64) i * PIECE);
		io_uring_submit(ring);
		ret = io_uring_wait_cqe(ring, &cqe);
		if (ret < 0) {
			fprintf(stderr, "io_uring-cat: wait: %s\n",
				strerror(-ret));
			ret = 1;
			break;
		}
		if (cqe->res < 0 || (size_t) cqe->res != want) {
			fprintf(stderr, "io_uring-cat: %s: read %d of %zu\n",
				path, cqe->res, want);
			ret = 1;
		} else if (fwrite(buf + i * PIECE, 1, want, stdout) != want) {
			ret = 1;
		}
		io_uring_cqe_seen(ring, cqe);
	}
out:
	free(buf);
	free(iov);
	close(fd);
	return ret;
}

int main(int argc, char *argv[])
{
	struct io_uring ring;
	int i, ret, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	for (i = 1; i < argc; i++)
		status |= cat_file(&ring, argv[i]);
	io_uring_queue_exit(&ring);
	return status;
}
