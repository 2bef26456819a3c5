/* SPDX-License-Identifier: MIT */
/*
 * defer-taskrun: an event loop on a ring set up with
 * IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN.
 *
 *	defer-taskrun [-n ROUNDS] [-p PIPES]
 *
 * When a request finishes in the kernel (here: data arrives in a pipe
 * that a READ waits on), the last step, posting its CQE, is "task work"
 * that must run in the submitting task.  Normally the kernel interrupts
 * the task to run it whenever it likes.  With DEFER_TASKRUN it waits
 * until the task asks for completions (io_uring_submit_and_wait,
 * io_uring_wait_cqe, io_uring_get_events): no interruptions, CQEs come
 * in batches, and the CQ ring is filled only when the loop looks at it.
 * In return one task must do all submitting (SINGLE_ISSUER), and a loop
 * that only peeks at the CQ ring without entering the kernel sees
 * nothing.  The program first shows exactly that, then runs the loop.
 *
 * The loop passes a token around PIPES pipes: a READ waits on each; when
 * the READ of pipe i completes, the loop WRITEs the token into pipe i+1
 * and arms a new READ on pipe i, until ROUNDS tokens have been read.
 * Every submit happens in the one place where the loop waits
 * (io_uring_submit_and_wait), which is the shape DEFER_TASKRUN wants.
 *
 * DEFER_TASKRUN came in Linux 6.1; before it the program says so and
 * exits 77.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PIPES	64
#define WRITE_TAG	(1ULL << 32)	/* user_data of a WRITE, | the pipe */

static int pipes[MAX_PIPES][2];
static char tokens[MAX_PIPES];

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n ROUNDS] [-p PIPES]\n"
		"  ROUNDS 1-1000000 (default 10000), PIPES 2-%d (default 4)\n",
		prog, MAX_PIPES);
}

static void queue_read(struct io_uring *ring, unsigned i)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_read(sqe, pipes[i][0], &tokens[i], 1, 0);
	io_uring_sqe_set_data64(sqe, i);
}

static void queue_write(struct io_uring *ring, unsigned i, char token)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	static char out[MAX_PIPES];

	out[i] = token;
	io_uring_prep_write(sqe, pipes[i][1], &out[i], 1, 0);
	io_uring_sqe_set_data64(sqe, WRITE_TAG | i);
}

/*
 * A READ on an empty pipe, then a write(2) that completes it: the CQE is
 * not in the ring until the task asks for it.
 */
static int show_deferral(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	unsigned before, after;
	int ret;

	queue_read(ring, 0);
	ret = io_uring_submit(ring);
	if (ret != 1) {
		fprintf(stderr, "submit: %d\n", ret);
		return -1;
	}
	if (write(pipes[0][1], "x", 1) != 1) {
		perror("write");
		return -1;
	}
	usleep(10000);		/* ample time for a completion to arrive */
	before = io_uring_cq_ready(ring);
	ret = io_uring_get_events(ring);
	if (ret < 0) {
		fprintf(stderr, "io_uring_get_events: %s\n", strerror(-ret));
		return -1;
	}
	after = io_uring_cq_ready(ring);
	printf("READ completed by write(2): %u CQE in the ring before "
	       "io_uring_get_events(), %u after\n", before, after);
	if (before != 0 || after != 1) {
		fprintf(stderr, "expected 0 before and 1 after\n");
		return -1;
	}
	ret = io_uring_peek_cqe(ring, &cqe);
	if (ret == 0)
		io_uring_cqe_seen(ring, cqe);
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned long rounds = 10000, reads = 0, waits = 0, cqes = 0;
	unsigned npipes = 4, i;
	struct io_uring_params p;
	struct io_uring ring;
	char *end;
	int opt, ret, status = 1;

	while ((opt = getopt(argc, argv, "n:p:")) != -1) {
		switch (opt) {
		case 'n':
			rounds = strtoul(optarg, &end, 10);
			if (*end || !rounds || rounds > 1000000) {
				usage(argv[0]);
				return 2;
			}
			break;
		case 'p':
			npipes = (unsigned) strtoul(optarg, &end, 10);
			if (*end || npipes < 2 || npipes > MAX_PIPES) {
				usage(argv[0]);
				return 2;
			}
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		usage(argv[0]);
		return 2;
	}

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(2 * MAX_PIPES, &ring, &p);
	if (ret == -EINVAL) {
		printf("skipped: this kernel has no IORING_SETUP_DEFER_TASKRUN "
		       "(Linux 6.1)\n");
		return 77;
	}
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init_params: %s\n",
			strerror(-ret));
		return 1;
	}
	for (i = 0; i < npipes; i++) {
		if (pipe(pipes[i])) {
			perror("pipe");
			npipes = i;
			goto out;
		}
	}

	if (show_deferral(&ring))
		goto out;

	/* One READ waits on every pipe; the token starts in pipe 0. */
	for (i = 0; i < npipes; i++)
		queue_read(&ring, i);
	queue_write(&ring, 0, 'A');

	while (reads < rounds) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		/* Submits what the last pass queued, waits, and runs the
		 * deferred task work that posts the CQEs. */
		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "submit_and_wait: %s\n", strerror(-ret));
			goto out;
		}
		waits++;
		io_uring_for_each_cqe(&ring, head, cqe) {
			__u64 data = cqe->user_data;

			seen++;
			if (cqe->res != 1) {
				fprintf(stderr, "%s on pipe %u: %d\n",
					data & WRITE_TAG ? "WRITE" : "READ",
					(unsigned) data, cqe->res);
				goto out;
			}
			if (data & WRITE_TAG)
				continue;
			i = (unsigned) data;
			reads++;
			if (reads < rounds)
				queue_write(&ring, (i + 1) % npipes, tokens[i]);
			queue_read(&ring, i);
		}
		io_uring_cq_advance(&ring, seen);
		cqes += seen;
	}
	/* The READs still armed are cancelled by io_uring_queue_exit. */
	printf("%lu tokens passed around %u pipes: %lu CQEs in %lu waits\n",
	       reads, npipes, cqes, waits);
	status = 0;
out:
	io_uring_queue_exit(&ring);
	for (i = 0; i < npipes; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	return status;
}
