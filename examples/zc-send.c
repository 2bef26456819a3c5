/* SPDX-License-Identifier: MIT */
/*
 * zc-send: zero-copy sends (SEND_ZC) over a loopback TCP connection, and
 * when their buffers may be used again.
 *
 *	zc-send [-n SENDS] [-s SIZE]
 *
 * A zero-copy send hands the kernel the pages of the buffer instead of a
 * copy of them, so the buffer must stay untouched until the kernel lets
 * go of it.  Each SEND_ZC therefore completes twice:
 *
 *   1. its result (bytes sent or -errno) with IORING_CQE_F_MORE set,
 *      saying that a second CQE will come;
 *   2. a notification with IORING_CQE_F_NOTIF set, once the network stack
 *      has released the pages: only now may the buffer be reused.
 *
 * Both carry the request's user_data.  This program sends one message at
 * a time (two sends in flight on one TCP socket could go out of order),
 * but the next message need not wait for the last one's notification: it
 * goes out from another of four buffers.  A buffer is refilled only after
 * every send from it has been notified.  The program receives everything
 * through the same ring on the other end of the connection and compares
 * every byte.  IORING_SEND_ZC_REPORT_USAGE asks the notification to say
 * whether the data were copied after all (IORING_NOTIF_USAGE_ZC_COPIED in
 * its res): on loopback they always are, since the receiving socket must
 * own its memory; through a real network card they usually are not.
 *
 * SEND_ZC came in Linux 6.0 and REPORT_USAGE in 6.2; without them the
 * program says so and exits 77.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_FLIGHT	4
#define RECV_TAG	(1ULL << 63)	/* user_data of the receive */

struct slot {
	char *buf;
	unsigned seq;		/* which message the buffer holds */
	size_t sent;		/* bytes of it sent so far */
	unsigned pending;	/* SEND_ZCs from it not yet notified */
};

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n SENDS] [-s SIZE]\n"
		"  SENDS 1-100000 (default 64), SIZE 1-1048576 (default 65536)\n",
		prog);
}

static unsigned char pattern(unsigned seq, size_t i)
{
	return (unsigned char) (seq * 13 + i * 3 + (i >> 9));
}

/* A connected loopback TCP pair: *tx sends, *rx receives. */
static int tcp_pair(int *tx, int *rx)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int lfd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *) &sa, sizeof(sa)) ||
	    listen(lfd, 1) || getsockname(lfd, (struct sockaddr *) &sa, &len))
		goto fail;
	*tx = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*tx < 0 || connect(*tx, (struct sockaddr *) &sa, sizeof(sa)))
		goto fail;
	*rx = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (*rx < 0)
		goto fail;
	setsockopt(*tx, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(lfd);
	return 0;
fail:
	perror("loopback TCP connection");
	if (lfd >= 0)
		close(lfd);
	return -1;
}

/* Sends what is left of slot @idx's message. */
static void queue_send(struct io_uring *ring, int fd, struct slot *s,
		       unsigned idx, size_t size)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_send_zc(sqe, fd, s->buf + s->sent, size - s->sent,
			      MSG_NOSIGNAL, IORING_SEND_ZC_REPORT_USAGE);
	io_uring_sqe_set_data64(sqe, idx);
	s->pending++;
}

/* Puts message @seq in slot @idx and sends it. */
static void queue_message(struct io_uring *ring, int fd, struct slot *s,
			  unsigned idx, unsigned seq, size_t size)
{
	size_t i;

	/* Safe: every send from this buffer has been notified. */
	for (i = 0; i < size; i++)
		s->buf[i] = (char) pattern(seq, i);
	s->seq = seq;
	s->sent = 0;
	queue_send(ring, fd, s, idx, size);
}

static void queue_recv(struct io_uring *ring, int fd, char *buf, size_t len)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_recv(sqe, fd, buf, len, 0);
	io_uring_sqe_set_data64(sqe, RECV_TAG);
}

int main(int argc, char *argv[])
{
	unsigned sends = 64, next = 0, done = 0, notifs = 0, copied = 0;
	unsigned results = 0;
	struct slot slots[IN_FLIGHT];
	size_t size = 65536, received = 0, total, rlen;
	struct io_uring_probe *probe;
	struct io_uring ring;
	char *rbuf, *end;
	int opt, tx, rx, ret, status = 1, sending;
	unsigned i;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n':
			sends = (unsigned) strtoul(optarg, &end, 10);
			if (*end || !sends || sends > 100000) {
				usage(argv[0]);
				return 2;
			}
			break;
		case 's':
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
	if (optind != argc) {
		usage(argv[0]);
		return 2;
	}

	probe = io_uring_get_probe();
	if (!probe || !io_uring_opcode_supported(probe, IORING_OP_SEND_ZC)) {
		printf("skipped: this kernel has no IORING_OP_SEND_ZC (Linux 6.0)\n");
		io_uring_free_probe(probe);
		return 77;
	}
	io_uring_free_probe(probe);

	if (tcp_pair(&tx, &rx))
		return 1;
	total = (size_t) sends * size;
	rlen = size < 65536 ? 65536 : size;
	rbuf = malloc(rlen);
	memset(slots, 0, sizeof(slots));
	for (i = 0; i < IN_FLIGHT; i++)
		slots[i].buf = malloc(size);
	ret = io_uring_queue_init(2 * IN_FLIGHT + 2, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		goto out;
	}
	for (i = 0; i < IN_FLIGHT; i++)
		if (!slots[i].buf)
			goto exit_ring;
	if (!rbuf)
		goto exit_ring;

	for (i = 0; i < IN_FLIGHT; i++)
		slots[i].sent = size;		/* free */
	queue_message(&ring, tx, &slots[0], 0, next++, size);
	sending = 0;
	queue_recv(&ring, rx, rbuf, rlen);

	while (done < sends || received < total) {
		struct io_uring_cqe *cqe;
		struct slot *s;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "submit_and_wait: %s\n", strerror(-ret));
			goto exit_ring;
		}
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			__u64 data = cqe->user_data;
			int res = cqe->res;
			unsigned flags = cqe->flags;

			io_uring_cqe_seen(&ring, cqe);
			if (data == RECV_TAG) {
				if (res <= 0) {
					fprintf(stderr, "recv: %s\n", res ?
						strerror(-res) : "connection closed");
					goto exit_ring;
				}
				for (i = 0; i < (unsigned) res; i++) {
					size_t at = received + i;

					if ((unsigned char) rbuf[i] !=
					    pattern((unsigned) (at / size), at % size)) {
						fprintf(stderr, "byte %zu differs\n", at);
						goto exit_ring;
					}
				}
				received += (size_t) res;
				if (received < total)
					queue_recv(&ring, rx, rbuf, rlen);
				continue;
			}
			s = &slots[data];
			if (flags & IORING_CQE_F_NOTIF) {
				/* The kernel has let go of the buffer. */
				notifs++;
				if ((unsigned) res & IORING_NOTIF_USAGE_ZC_COPIED)
					copied++;
				if (--s->pending == 0 && s->sent == size)
					done++;
				continue;
			}
			/* The send's result; a notification follows if F_MORE. */
			if (res == -EINVAL && !done) {
				printf("skipped: SEND_ZC refuses "
				       "IORING_SEND_ZC_REPORT_USAGE (Linux 6.2)\n");
				status = 77;
				goto exit_ring;
			}
			if (res < 0) {
				fprintf(stderr, "send %u: %s\n", s->seq,
					strerror(-res));
				goto exit_ring;
			}
			if (!(flags & IORING_CQE_F_MORE)) {
				fprintf(stderr, "send %u: no notification to come\n",
					s->seq);
				goto exit_ring;
			}
			results++;
			s->sent += (size_t) res;
			if (s->sent < size) {
				/* Short: the socket buffer filled up.  Send
				 * the rest; the buffer now waits for two
				 * notifications. */
				queue_send(&ring, tx, s, (unsigned) data, size);
			} else {
				sending = -1;
			}
		}
		/* The next message goes out from any buffer whose sends have
		 * all been notified, even while others still wait. */
		for (i = 0; sending < 0 && next < sends && i < IN_FLIGHT; i++) {
			if (slots[i].pending || slots[i].sent < size)
				continue;
			queue_message(&ring, tx, &slots[i], i, next++, size);
			sending = (int) i;
		}
	}
	printf("%u messages of %zu bytes in %u zero-copy sends: %u results, "
	       "%u notifications\n", sends, size, results, results, notifs);
	printf("received %zu bytes, every byte verified\n", received);
	printf("the kernel copied the data of %u of %u sends%s\n", copied,
	       results, copied == results ? " (as it must on loopback)" : "");
	status = 0;
exit_ring:
	io_uring_queue_exit(&ring);
out:
	for (i = 0; i < IN_FLIGHT; i++)
		free(slots[i].buf);
	free(rbuf);
	close(tx);
	close(rx);
	return status;
}
