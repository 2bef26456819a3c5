/* SPDX-License-Identifier: MIT */
/*
 * io_uring-cp: copy a file with many reads and writes in flight.
 *
 *	io_uring-cp [-l] [-s] [-q DEPTH] [-b BLOCK] SRC DST
 *
 *	-l	link each read to its write (IOSQE_IO_LINK): one round trip
 *		per block instead of two
 *	-s	submit through a kernel SQ polling thread (IORING_SETUP_SQPOLL)
 *	-q	blocks in flight (default 32)
 *	-b	block size in bytes (default 128 KiB)
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct block {
	off_t offset;
	size_t len;
	size_t done;		/* bytes of the current step finished */
	bool writing;
	bool linked_write;	/* a linked write of the block follows */
	char *buf;
};

struct copy {
	struct io_uring ring;
	int in, out;
	bool linked;
	off_t size, next_read;
	off_t written;
	size_t block_size;
	unsigned depth, inflight;
	struct block *blocks;
};

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-l] [-s] [-q DEPTH] [-b BLOCK] SRC DST\n"
		"  -l  link each read to its write\n"
		"  -s  use a kernel SQ polling thread\n"
		"  -q  blocks in flight (1-4096, default 32)\n"
		"  -b  block size in bytes (default 131072)\n", prog);
	exit(2);
}

static struct io_uring_sqe *get_sqe(struct copy *c)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);

	if (!sqe) {
		/* A full SQ: hand what we have to the kernel first. */
		io_uring_submit(&c->ring);
		sqe = io_uring_get_sqe(&c->ring);
	}
	return sqe;
}

static void queue_read(struct copy *c, struct block *b, bool link)
{
	struct io_uring_sqe *sqe = get_sqe(c);

	io_uring_prep_read(sqe, c->in, b->buf + b->done,
			   (unsigned) (b->len - b->done), b->offset + b->done);
	io_uring_sqe_set_data(sqe, b);
	b->writing = false;
	b->linked_write = link;
	c->inflight++;
	if (link) {
		/* The write runs only if the read filled the whole block. */
		sqe->flags |= IOSQE_IO_LINK;
		sqe = get_sqe(c);
		io_uring_prep_write(sqe, c->out, b->buf, (unsigned) b->len,
				    b->offset);
		io_uring_sqe_set_data(sqe, b);
		c->inflight++;
	}
}

static void queue_write(struct copy *c, struct block *b)
{
	struct io_uring_sqe *sqe = get_sqe(c);

	io_uring_prep_write(sqe, c->out, b->buf + b->done,
			    (unsigned) (b->len - b->done), b->offset + b->done);
	io_uring_sqe_set_data(sqe, b);
	b->writing = true;
	c->inflight++;
}

static void start_block(struct copy *c, struct block *b)
{
	b->offset = c->next_read;
	b->len = c->block_size;
	if ((off_t) b->len > c->size - b->offset)
		b->len = (size_t) (c->size - b->offset);
	b->done = 0;
	c->next_read += (off_t) b->len;
	queue_read(c, b, c->linked);
}

/* Returns 0, or -errno for a failed step. */
static int complete(struct copy *c, struct io_uring_cqe *cqe)
{
	struct block *b = io_uring_cqe_get_data(cqe);
	int res = cqe->res;

	c->inflight--;
	/* A short read fails its link: the write never ran; we redo it. */
	if (res == -ECANCELED && c->linked)
		return 0;
	if (res < 0)
		return res;

	if (!b->writing) {
		if (res == 0)
			return -EIO;	/* the file shrank under us */
		b->done += (size_t) res;
		if (b->linked_write && b->done == b->len) {
			b->writing = true;	/* its write is in flight */
			b->done = 0;
			return 0;
		}
		if (b->done < b->len) {
			queue_read(c, b, false);
			return 0;
		}
		b->done = 0;
		queue_write(c, b);
		return 0;
	}

	b->done += (size_t) res;
	if (b->done < b->len) {
		queue_write(c, b);
		return 0;
	}
	c->written += (off_t) b->len;
	if (c->next_read < c->size)
		start_block(c, b);
	return 0;
}

static int run(struct copy *c)
{
	unsigned i;
	int ret;

	for (i = 0; i < c->depth && c->next_read < c->size; i++)
		start_block(c, &c->blocks[i]);

	while (c->inflight) {
		struct io_uring_cqe *cqe;

		ret = io_uring_submit_and_wait(&c->ring, 1);
		if (ret < 0)
			return ret;
		while (io_uring_peek_cqe(&c->ring, &cqe) == 0) {
			ret = complete(c, cqe);
			io_uring_cqe_seen(&c->ring, cqe);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct io_uring_params p;
	struct copy c;
	struct stat st;
	bool sqpoll = false;
	unsigned i;
	int opt, ret;

	memset(&c, 0, sizeof(c));
	c.depth = 32;
	c.block_size = 128 * 1024;
	while ((opt = getopt(argc, argv, "lsq:b:h")) != -1) {
		switch (opt) {
		case 'l':
			c.linked = true;
			break;
		case 's':
			sqpoll = true;
			break;
		case 'q':
			c.depth = (unsigned) strtoul(optarg, NULL, 0);
			break;
		case 'b':
			c.block_size = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (argc - optind != 2 || !c.depth || c.depth > 4096 ||
	    !c.block_size || c.block_size > (1U << 30))
		usage(argv[0]);

	c.in = open(argv[optind], O_RDONLY);
	if (c.in < 0 || fstat(c.in, &st) < 0) {
		fprintf(stderr, "%s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	c.out = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (c.out < 0) {
		fprintf(stderr, "%s: %s\n", argv[optind + 1], strerror(errno));
		return 1;
	}
	c.size = st.st_size;

	memset(&p, 0, sizeof(p));
	if (sqpoll) {
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 100;
	}
	ret = io_uring_queue_init_params(c.depth * 2, &c.ring, &p);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}

	c.blocks = calloc(c.depth, sizeof(*c.blocks));
	for (i = 0; c.blocks && i < c.depth; i++) {
		c.blocks[i].buf = malloc(c.block_size);
		if (!c.blocks[i].buf)
			break;
	}
	if (!c.blocks || i < c.depth) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}

	ret = run(&c);
	if (ret < 0) {
		fprintf(stderr, "copy failed: %s\n", strerror(-ret));
		return 1;
	}
	io_uring_queue_exit(&c.ring);
	for (i = 0; i < c.depth; i++)
		free(c.blocks[i].buf);
	free(c.blocks);
	close(c.in);
	close(c.out);
	return 0;
}
