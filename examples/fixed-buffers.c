/* SPDX-License-Identifier: MIT */
/*
 * fixed-buffers: write a file from registered buffers and read it back
 * into them (WRITE_FIXED and READ_FIXED).
 *
 *	fixed-buffers [-n BLOCKS] [-b SIZE] FILE
 *
 * Registering buffers (io_uring_register_buffers) pins their pages once,
 * so that no request has to pin and unpin them again; a request names a
 * registered buffer by its index (buf_index) and may use any part of it.
 * Here every block of the file has its own buffer: BLOCKS writes go out
 * at once, each from its buffer, then the buffers are wiped and BLOCKS
 * reads fill them again, and every byte is compared.
 *
 * The buffers together count against RLIMIT_MEMLOCK on kernels before
 * 5.12 unless the process has CAP_IPC_LOCK; io_uring_register_buffers
 * then fails with ENOMEM.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n BLOCKS] [-b SIZE] FILE\n"
		"  BLOCKS 1-1024 (default 16), SIZE 1-1048576 (default 65536)\n",
		prog);
}

/* Byte @i of block @blk: differs between blocks and within one. */
static unsigned char pattern(unsigned blk, size_t i)
{
	return (unsigned char) (blk * 31 + i * 7 + (i >> 8));
}

/* Waits for @n completions; each must have moved @size bytes. */
static int reap(struct io_uring *ring, unsigned n, size_t size,
		const char *what)
{
	struct io_uring_cqe *cqe;
	int ret, bad = 0;

	while (n--) {
		ret = io_uring_wait_cqe(ring, &cqe);
		if (ret < 0) {
			fprintf(stderr, "%s: wait: %s\n", what, strerror(-ret));
			return -1;
		}
		if (cqe->res < 0 || (size_t) cqe->res != size) {
			fprintf(stderr, "%s of block %llu: %d (%s), expected %zu\n",
				what, (unsigned long long) cqe->user_data,
				cqe->res,
				cqe->res < 0 ? strerror(-cqe->res) : "short",
				size);
			bad = 1;
		}
		io_uring_cqe_seen(ring, cqe);
	}
	return bad ? -1 : 0;
}

int main(int argc, char *argv[])
{
	unsigned blocks = 16, i;
	size_t size = 65536, k;
	struct io_uring ring;
	struct iovec *iov;
	char *end;
	int opt, fd, ret, status = 1;

	while ((opt = getopt(argc, argv, "n:b:")) != -1) {
		switch (opt) {
		case 'n':
			blocks = (unsigned) strtoul(optarg, &end, 10);
			if (*end || !blocks || blocks > 1024) {
				usage(argv[0]);
				return 2;
			}
			break;
		case 'b':
			size = strtoul(optarg, &end, 10);
			if (*end || !size || size > 1048576) {
				usage(argv[0]);
				return 2;
			}
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(argv[0]);
		return 2;
	}

	fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	iov = calloc(blocks, sizeof(*iov));
	if (!iov) {
		fprintf(stderr, "out of memory\n");
		close(fd);
		return 1;
	}
	for (i = 0; i < blocks; i++) {
		iov[i].iov_base = malloc(size);
		iov[i].iov_len = size;
		if (!iov[i].iov_base) {
			fprintf(stderr, "out of memory\n");
			goto free_bufs;
		}
		for (k = 0; k < size; k++)
			((unsigned char *) iov[i].iov_base)[k] = pattern(i, k);
	}

	ret = io_uring_queue_init(blocks, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		goto free_bufs;
	}
	ret = io_uring_register_buffers(&ring, iov, blocks);
	if (ret < 0) {
		fprintf(stderr, "io_uring_register_buffers: %s%s\n",
			strerror(-ret), ret == -ENOMEM ?
			" (RLIMIT_MEMLOCK too low for this kernel?)" : "");
		goto exit_ring;
	}
	printf("registered %u buffers of %zu bytes\n", blocks, size);

	/* Block i is written from buffer i: buf_index i, at offset i * size. */
	for (i = 0; i < blocks; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_write_fixed(sqe, fd, iov[i].iov_base,
					  (unsigned) size, (__u64) i * size,
					  (int) i);
		io_uring_sqe_set_data64(sqe, i);
	}
	ret = io_uring_submit(&ring);
	if (ret != (int) blocks) {
		fprintf(stderr, "submit: %d\n", ret);
		goto exit_ring;
	}
	if (reap(&ring, blocks, size, "WRITE_FIXED"))
		goto exit_ring;
	printf("wrote %u blocks with WRITE_FIXED\n", blocks);

	/* Wipe the buffers so that what is compared is what was read. */
	for (i = 0; i < blocks; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		memset(iov[i].iov_base, 0, size);
		io_uring_prep_read_fixed(sqe, fd, iov[i].iov_base,
					 (unsigned) size, (__u64) i * size,
					 (int) i);
		io_uring_sqe_set_data64(sqe, i);
	}
	ret = io_uring_submit(&ring);
	if (ret != (int) blocks) {
		fprintf(stderr, "submit: %d\n", ret);
		goto exit_ring;
	}
	if (reap(&ring, blocks, size, "READ_FIXED"))
		goto exit_ring;

	for (i = 0; i < blocks; i++) {
		for (k = 0; k < size; k++) {
			if (((unsigned char *) iov[i].iov_base)[k] !=
			    pattern(i, k)) {
				fprintf(stderr, "block %u byte %zu differs\n",
					i, k);
				goto exit_ring;
			}
		}
	}
	printf("read %u blocks back with READ_FIXED: every byte matches\n",
	       blocks);
	status = 0;
exit_ring:
	io_uring_queue_exit(&ring);	/* unregisters the buffers too */
free_bufs:
	for (i = 0; i < blocks; i++)
		free(iov[i].iov_base);
	free(iov);
	close(fd);
	return status;
}
