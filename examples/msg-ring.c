/* SPDX-License-Identifier: MIT */
/*
 * msg-ring: two threads, a ring each, talking through IORING_OP_MSG_RING.
 *
 *	msg-ring [-n ITEMS] [-w WINDOW]
 *
 * Thread A posts ITEMS work items into thread B's completion queue with
 * io_uring_prep_msg_ring(): the item number travels as user_data and its
 * argument as the result.  B answers each by posting the result of its
 * computation back into A's ring the same way, and A checks every answer.
 * No locks, no shared queue: each thread only ever reaps its own ring.
 *
 * Then A hands B a file: it registers the write end of a pipe as fixed
 * file 0 of its ring, and io_uring_prep_msg_ring_fd() installs it into
 * slot 2 of B's fixed file table.  B writes a line through that slot,
 * and A reads it from the read end and compares.
 */
#include <errno.h>
#include <liburing.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* user_data: a tag in the top byte, an item number below it. */
#define TAG(t)		((__u64) (t) << 56)
#define TAG_OF(ud)	((ud) >> 56)
#define ITEM_OF(ud)	((ud) & ((1ULL << 56) - 1))
enum {
	T_SELF = 1,	/* completion of a MSG_RING we sent */
	T_WORK,		/* A -> B: an item */
	T_ANSWER,	/* B -> A: its result */
	T_FD,		/* A -> B: a file arrived in slot B_SLOT */
	T_WROTE,	/* B's own write through the passed file */
	T_STOP,		/* A -> B: no more work */
};
#define B_SLOT		2
static const char line[] = "written by thread B through a passed file\n";

struct peer {
	struct io_uring ring;
	struct peer *other;
	unsigned long items;
	unsigned window;
};

static void die(const char *who, const char *what, int err)
{
	fprintf(stderr, "msg-ring: %s: %s: %s\n", who, what, strerror(-err));
	exit(1);
}

/* The work: anything both sides can compute and check. */
static __u32 work(__u64 item, __u32 arg)
{
	return (arg * 2654435761U + (__u32) item) & 0x7fffffff;
}

static __u32 arg_of(__u64 item)
{
	return (__u32) (item * 7919 + 17) & 0x7fffffff;
}

static struct io_uring_sqe *get_sqe(struct io_uring *ring, const char *who)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
	}
	if (!sqe)
		die(who, "get_sqe", -EBUSY);
	return sqe;
}

/* Post (@data, @res) into @target's CQ. */
static void post(struct peer *from, struct peer *target, __u64 data,
		 __u32 res, const char *who)
{
	struct io_uring_sqe *sqe = get_sqe(&from->ring, who);

	io_uring_prep_msg_ring(sqe, target->ring.ring_fd, res, data, 0);
	io_uring_sqe_set_data64(sqe, TAG(T_SELF));
}

static void *thread_b(void *arg)
{
	struct peer *b = arg;
	bool running = true;
	int ret;

	while (running) {
		struct io_uring_cqe *cqe;
		struct io_uring_sqe *sqe;

		ret = io_uring_submit_and_wait(&b->ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			die("B", "submit_and_wait", ret);
		while (io_uring_peek_cqe(&b->ring, &cqe) == 0) {
			__u64 ud = cqe->user_data;
			int res = cqe->res;

			io_uring_cqe_seen(&b->ring, cqe);
			switch (TAG_OF(ud)) {
			case T_SELF:
				if (res < 0)
					die("B", "answer", res);
				break;
			case T_WORK:
				post(b, b->other, TAG(T_ANSWER) | ITEM_OF(ud),
				     work(ITEM_OF(ud), (__u32) res), "B");
				break;
			case T_FD:
				if (res < 0)
					die("B", "receive file", res);
				sqe = get_sqe(&b->ring, "B");
				io_uring_prep_write(sqe, B_SLOT, line,
						    sizeof(line) - 1, 0);
				sqe->flags |= IOSQE_FIXED_FILE;
				io_uring_sqe_set_data64(sqe, TAG(T_WROTE));
				break;
			case T_WROTE:
				if (res != (int) sizeof(line) - 1)
					die("B", "write to passed file",
					    res < 0 ? res : -EIO);
				/* Done with it: drop our reference. */
				sqe = get_sqe(&b->ring, "B");
				io_uring_prep_close_direct(sqe, B_SLOT);
				io_uring_sqe_set_data64(sqe, TAG(T_SELF));
				break;
			case T_STOP:
				running = false;
				break;
			default:
				die("B", "unexpected completion", -EPROTO);
			}
		}
	}
	/* Reap the close and the last answers' own completions. */
	io_uring_submit_and_wait(&b->ring, 0);
	return NULL;
}

/* A: send the items, at most @window unanswered, and check answers. */
static void run_a(struct peer *a, struct peer *b)
{
	unsigned long sent = 0, answered = 0;
	unsigned inflight = 0;
	char *seen;

	seen = calloc(a->items, 1);
	if (!seen)
		die("A", "calloc", -ENOMEM);
	while (answered < a->items) {
		struct io_uring_cqe *cqe;
		unsigned head, nr = 0;
		int ret;

		while (inflight < a->window && sent < a->items) {
			post(a, b, TAG(T_WORK) | sent, arg_of(sent), "A");
			sent++;
			inflight++;
		}
		ret = io_uring_submit_and_wait(&a->ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			die("A", "submit_and_wait", ret);
		io_uring_for_each_cqe(&a->ring, head, cqe) {
			__u64 item = ITEM_OF(cqe->user_data);

			nr++;
			if (TAG_OF(cqe->user_data) == T_SELF) {
				if (cqe->res < 0)
					die("A", "msg_ring", cqe->res);
				continue;
			}
			if (TAG_OF(cqe->user_data) != T_ANSWER ||
			    item >= a->items || seen[item]) {
				fprintf(stderr, "msg-ring: A: unexpected"
					" completion %llx\n",
					(unsigned long long) cqe->user_data);
				exit(1);
			}
			if ((__u32) cqe->res != work(item, arg_of(item))) {
				fprintf(stderr, "msg-ring: A: item %llu: got"
					" %d, expected %u\n",
					(unsigned long long) item, cqe->res,
					work(item, arg_of(item)));
				exit(1);
			}
			seen[item] = 1;
			answered++;
			inflight--;
		}
		io_uring_cq_advance(&a->ring, nr);
	}
	free(seen);
	printf("msg-ring: thread A posted %lu work items into thread B's ring"
	       " (IORING_OP_MSG_RING, up to %u in flight); B answered each"
	       " into A's ring: all %lu answers correct\n", a->items,
	       a->window, answered);
}

/* A: pass a pipe's write end to B, then read what B wrote through it. */
static void pass_file(struct peer *a, struct peer *b)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char got[sizeof(line)];
	int fds[2], ret;
	ssize_t n;
	size_t len = 0;

	if (pipe(fds) < 0)
		die("A", "pipe", -errno);
	ret = io_uring_register_files(&a->ring, &fds[1], 1);
	if (ret < 0)
		die("A", "register_files", ret);
	/* The fixed file keeps the pipe's write end: drop the plain fd. */
	close(fds[1]);

	sqe = get_sqe(&a->ring, "A");
	io_uring_prep_msg_ring_fd(sqe, b->ring.ring_fd, 0, B_SLOT,
				  TAG(T_FD), 0);
	io_uring_sqe_set_data64(sqe, TAG(T_SELF));
	io_uring_submit(&a->ring);
	ret = io_uring_wait_cqe(&a->ring, &cqe);
	if (ret < 0)
		die("A", "wait", ret);
	ret = cqe->res;
	io_uring_cqe_seen(&a->ring, cqe);
	if (ret < 0)
		die("A", "msg_ring_fd", ret);
	/* Our copy goes; B's is now the only writer. */
	io_uring_unregister_files(&a->ring);

	while (len < sizeof(line) - 1) {
		n = read(fds[0], got + len, sizeof(line) - 1 - len);
		if (n <= 0)
			die("A", "read from pipe", n < 0 ? -errno : -EPIPE);
		len += (size_t) n;
	}
	got[len] = 0;
	if (strcmp(got, line)) {
		fprintf(stderr, "msg-ring: A read back '%s'\n", got);
		exit(1);
	}
	/* B closes its slot after the write: the pipe then reads EOF. */
	if (read(fds[0], got, 1) != 0)
		die("A", "pipe still open after B closed it", -EIO);
	close(fds[0]);
	printf("msg-ring: A passed a pipe's write end into slot %d of B's"
	       " fixed file table (io_uring_prep_msg_ring_fd); B wrote %zu"
	       " bytes through it and closed it; A read them back: OK\n",
	       B_SLOT, len);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n ITEMS] [-w WINDOW]\n"
		"  -n  work items to pass (default 10000)\n"
		"  -w  items in flight at once, 1-1024 (default 64)\n", prog);
	exit(2);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *s != '-' && *val <= max;
}

int main(int argc, char *argv[])
{
	struct io_uring_params p;
	struct peer a, b;
	unsigned long val;
	pthread_t tb;
	int opt, ret;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.items = 10000;
	a.window = 64;
	while ((opt = getopt(argc, argv, "n:w:h")) != -1) {
		switch (opt) {
		case 'n':
			if (!parse_ulong(optarg, 1UL << 40, &a.items) ||
			    !a.items)
				usage(argv[0]);
			break;
		case 'w':
			if (!parse_ulong(optarg, 1024, &val) || !val)
				usage(argv[0]);
			a.window = (unsigned) val;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	/* Room for a full window of posts and their own completions. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4 * a.window + 16;
	ret = io_uring_queue_init_params(a.window + 8, &a.ring, &p);
	if (ret < 0)
		die("A", "io_uring_queue_init", ret);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4 * a.window + 16;
	ret = io_uring_queue_init_params(a.window + 8, &b.ring, &p);
	if (ret < 0)
		die("B", "io_uring_queue_init", ret);
	/* B's table receives the file; A's holds the one it sends. */
	ret = io_uring_register_files_sparse(&b.ring, 4);
	if (ret < 0)
		die("B", "register_files_sparse", ret);
	a.other = &b;
	b.other = &a;

	ret = pthread_create(&tb, NULL, thread_b, &b);
	if (ret)
		die("A", "pthread_create", -ret);

	run_a(&a, &b);
	pass_file(&a, &b);

	post(&a, &b, TAG(T_STOP), 0, "A");
	io_uring_submit(&a.ring);
	pthread_join(tb, NULL);

	io_uring_queue_exit(&a.ring);
	io_uring_queue_exit(&b.ring);
	printf("msg-ring: verified\n");
	return 0;
}
